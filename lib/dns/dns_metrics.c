/*
 * dns_metrics - resolver counters by query type; see dns_metrics.h.
 */
#include "config.h"

#include <stdatomic.h>

#include "util/prom.h"
#include "dns/dns.h"
#include "dns/dns_metrics.h"

/* the query types with their own series; the rare rest is "other" */
static const int dns_metric_types[] = {
	DNS_T_A, DNS_T_AAAA, DNS_T_MX, DNS_T_TXT, DNS_T_PTR
};
#define DNS_MT_COUNT	(sizeof(dns_metric_types) / sizeof(int) + 1)

enum dns_answered {
	DNS_ANS_OK, DNS_ANS_NXDOMAIN, DNS_ANS_NODATA, DNS_ANS_TIMEOUT,
	DNS_ANS_SERVFAIL, DNS_ANS_REFUSED, DNS_ANS_UNREACHABLE,
	DNS_ANS_BAD_REPLY, DNS_ANS_ERROR
};
#define DNS_ANS_COUNT	(DNS_ANS_ERROR + 1)

static const char *const dns_served_names[DNS_SERVED_COUNT] = {
	"cache", "merged", "sent", "invalid"
};
static const char *const dns_answered_names[DNS_ANS_COUNT] = {
	"ok", "nxdomain", "nodata", "timeout", "servfail", "refused",
	"unreachable", "bad_reply", "error"
};

static atomic_ulong dns_lookups[DNS_MT_COUNT][DNS_SERVED_COUNT];
static atomic_ulong dns_answers[DNS_MT_COUNT][DNS_ANS_COUNT];
static struct prom_hist dns_latency[DNS_MT_COUNT];

/* dns_metric_type - the series index of a query type */
static size_t
dns_metric_type(int type)
{
	size_t i;

	for (i = 0; i < DNS_MT_COUNT - 1; i++)
		if (dns_metric_types[i] == type)
			return i;
	return DNS_MT_COUNT - 1;
}

/* dns_metric_type_name - "A", ..., "other" */
static const char *
dns_metric_type_name(size_t i)
{
	return i < DNS_MT_COUNT - 1 ? dns_type_name(dns_metric_types[i]) :
	    "other";
}

/* dns_metrics_lookup - count one lookup and how it was served */
void
dns_metrics_lookup(int type, enum dns_served how)
{
	atomic_fetch_add_explicit(&dns_lookups[dns_metric_type(type)][how], 1,
	    memory_order_relaxed);
}

/* dns_metrics_answered - the result word of a server's answer */
static enum dns_answered
dns_metrics_answered(const dns_answer *a)
{
	switch (a->status) {
	case DNS_OK:
		return DNS_ANS_OK;
	case DNS_NXDOMAIN:
		return DNS_ANS_NXDOMAIN;
	case DNS_NODATA:
		return DNS_ANS_NODATA;
	case DNS_TEMPFAIL:
		switch (a->fail) {
		case DNS_FAIL_TIMEOUT:
			return DNS_ANS_TIMEOUT;
		case DNS_FAIL_SERVFAIL:
			return DNS_ANS_SERVFAIL;
		case DNS_FAIL_REFUSED:
			return DNS_ANS_REFUSED;
		case DNS_FAIL_UNREACHABLE:
			return DNS_ANS_UNREACHABLE;
		case DNS_FAIL_BAD_REPLY:
			return DNS_ANS_BAD_REPLY;
		case DNS_FAIL_OTHER:
			break;
		}
		return DNS_ANS_ERROR;
	case DNS_ERROR:
		break;
	}
	return DNS_ANS_ERROR;
}

/* dns_metrics_answer - count a server's answer and its delay */
void
dns_metrics_answer(const dns_answer *a, int64_t us)
{
	size_t t;

	t = dns_metric_type(a->type);
	atomic_fetch_add_explicit(&dns_answers[t][dns_metrics_answered(a)], 1,
	    memory_order_relaxed);
	prom_hist_observe(&dns_latency[t], us);
}

/* dns_metrics_lookups - one counter, for tests */
unsigned long
dns_metrics_lookups(int type, enum dns_served how)
{
	return atomic_load_explicit(&dns_lookups[dns_metric_type(type)][how],
	    memory_order_relaxed);
}

/* dns_metrics_write - the DNS families in text format */
void
dns_metrics_write(str *out)
{
	str labels;
	size_t t, i;

	str_init(&labels);
	prom_family(out, "authgate_dns_lookups_total", "counter",
	    "DNS lookups by query type and how they were served (cache, "
	    "merged into one in flight, sent to the servers, invalid name).");
	for (t = 0; t < DNS_MT_COUNT; t++)
		for (i = 0; i < DNS_SERVED_COUNT; i++) {
			str_reset(&labels);
			prom_label(&labels, "type", dns_metric_type_name(t));
			prom_label(&labels, "served", dns_served_names[i]);
			prom_sample(out, "authgate_dns_lookups_total",
			    str_cstr(&labels), atomic_load_explicit(
			    &dns_lookups[t][i], memory_order_relaxed));
		}
	prom_family(out, "authgate_dns_answers_total", "counter",
	    "Answers of the DNS servers by query type and result.");
	for (t = 0; t < DNS_MT_COUNT; t++)
		for (i = 0; i < DNS_ANS_COUNT; i++) {
			str_reset(&labels);
			prom_label(&labels, "type", dns_metric_type_name(t));
			prom_label(&labels, "result", dns_answered_names[i]);
			prom_sample(out, "authgate_dns_answers_total",
			    str_cstr(&labels), atomic_load_explicit(
			    &dns_answers[t][i], memory_order_relaxed));
		}
	prom_family(out, "authgate_dns_response_seconds", "histogram",
	    "How long the DNS servers took to answer (or to time out), by "
	    "query type.");
	for (t = 0; t < DNS_MT_COUNT; t++) {
		str_reset(&labels);
		prom_label(&labels, "type", dns_metric_type_name(t));
		prom_hist_write(out, "authgate_dns_response_seconds",
		    str_cstr(&labels), &dns_latency[t]);
	}
	str_free(&labels);
}
