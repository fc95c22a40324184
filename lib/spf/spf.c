/*
 * spf - SPF checks through libspf2 on our resolver; see spf.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <spf2/spf.h>

#include "util/log.h"
#include "util/siphash.h"
#include "util/mem.h"
#include "util/str.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "spf/spf_dns.h"
#include "spf/spf_eval.h"

/* domains whose SPF lookups are remembered as hints: the bench's and a
 * busy MX's recurring senders fit many times over */
#define SPF_HINT_SLOTS	4096

struct spf_engine {
	SPF_server_t		*server;
	SPF_dns_server_t	*layer;
	char			*receiver;
	dns_hint		*hints;		/* per domain, the lookups its
						 * last evaluation made */
};

static const char *const spf_result_names[] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"
};
_Static_assert(sizeof(spf_result_names) ==
    SPFR_COUNT * sizeof(spf_result_names[0]), "one word per SPF result");

/* spf_result_name - the RFC 8601 word for a result */
const char *
spf_result_name(enum spf_result r)
{
	return str_word(spf_result_names, SPFR_COUNT, (int)r);
}

/* spf_result_parse - result by name, -1 if unknown */
int
spf_result_parse(const char *name)
{
	return str_word_index(spf_result_names, SPFR_COUNT, name);
}

/* spf_lib_error - libspf2's fatal handler: its state is broken */
static void __attribute__((noreturn))
spf_lib_error(const char *file, int line, const char *msg)
{
	log_panic("libspf2 internal error at %s:%d: %s", file, line, msg);
}

/* spf_lib_debug - libspf2's warnings and chatter go to our debug log */
static void
spf_lib_debug(const char *file, int line, const char *msg)
{
	log_debug("libspf2: %s", msg);
}

static pthread_once_t spf_handlers_once = PTHREAD_ONCE_INIT;

/* spf_install_handlers - keep libspf2 off stdout/stderr */
static void
spf_install_handlers(void)
{
	SPF_error_handler = spf_lib_error;
	SPF_warning_handler = spf_lib_debug;
	SPF_info_handler = spf_lib_debug;
	SPF_debug_handler = spf_lib_debug;
}

/* spf_engine_create - libspf2 server over our DNS layer */
spf_engine *
spf_engine_create(const char *receiver)
{
	spf_engine *e;

	pthread_once(&spf_handlers_once, spf_install_handlers);
	e = mem_calloc(1, sizeof(*e));
	e->layer = spf_dns_layer_create();
	e->server = SPF_server_new_dns(e->layer, 0);
	if (e->server == NULL)
		log_fatal("spf: cannot create the libspf2 server");
	if (receiver != NULL && receiver[0] != '\0')
		SPF_server_set_rec_dom(e->server, receiver);
	e->receiver = mem_strdup(receiver);
	e->hints = dns_hint_new(SPF_HINT_SLOTS, SPF_HINT_MAX + 1);
	/* the RFC 7208 limits are counted by spf_eval.c, across includes;
	 * libspf2's own per-record counts must not get in the way */
	SPF_server_set_max_dns_mech(e->server, 1000);
	SPF_server_set_max_dns_mx(e->server, 1000);
	SPF_server_set_max_dns_ptr(e->server, 1000);
	return e;
}

/* spf_engine_free - release the engine */
void
spf_engine_free(spf_engine *e)
{
	if (e == NULL)
		return;
	SPF_server_free(e->server);
	spf_dns_layer_free(e->layer);
	dns_hint_free(e->hints);
	mem_free(e->receiver);
	mem_free(e);
}

/* spf_outcome_clear - release an outcome's strings */
void
spf_outcome_clear(struct spf_outcome *o)
{
	mem_free(o->identity);
	mem_free(o->domain);
	mem_free(o->record);
	mem_free(o->reason);
	mem_free(o->decider);
	mem_free(o->decider_domain);
	mem_free(o->explanation);
	memset(o, 0, sizeof(*o));
}

/* spf_set - fill in an outcome */
static void
spf_set(struct spf_outcome *o, enum spf_result r, const char *identity,
    const char *domain, const char *reason)
{
	spf_outcome_clear(o);
	o->checked = 1;
	o->result = r;
	/* never NULL: headers, logs and replies print these */
	o->identity = mem_strdup(identity != NULL ? identity : "");
	o->domain = mem_strdup(domain != NULL ? domain : "");
	o->reason = mem_strdup(reason);
}

/* spf_reason - plain words for why the evaluation ended as it did */
static void
spf_reason(SPF_response_t *resp, SPF_errcode_t err, struct spf_eval *e,
    enum spf_result r, str *out)
{
	SPF_error_t *m;
	int i, n;

	if (r == SPFR_TEMPERROR) {
		str_append(out, e->dns_error.len ? str_cstr(&e->dns_error) :
		    "temporary DNS failure");
		return;
	}
	if (r != SPFR_PERMERROR)
		return;
	if (e->forced) {
		str_append(out, str_cstr(&e->forced_reason));
		return;
	}
	n = resp != NULL ? SPF_response_messages(resp) : 0;
	for (i = 0; i < n; i++) {
		m = SPF_response_message(resp, i);
		if (m != NULL && SPF_error_errorp(m) && SPF_error_message(m)) {
			str_append_printable(out, SPF_error_message(m),
			    strlen(SPF_error_message(m)), 200);
			return;
		}
	}
	str_append(out, SPF_strerror(err));
}

/* spf_map_result - libspf2's result to ours */
static enum spf_result
spf_map_result(SPF_response_t *resp, SPF_errcode_t err,
    const struct spf_eval *e)
{
	if (e->forced)
		return SPFR_PERMERROR;	/* found by us, whatever libspf2 says */
	switch (resp != NULL ? SPF_response_result(resp) : SPF_RESULT_INVALID) {
	case SPF_RESULT_NEUTRAL:
		return SPFR_NEUTRAL;
	case SPF_RESULT_PASS:
		return SPFR_PASS;
	case SPF_RESULT_FAIL:
		return SPFR_FAIL;
	case SPF_RESULT_SOFTFAIL:
		return SPFR_SOFTFAIL;
	case SPF_RESULT_NONE:
		/* a failed record lookup must not read as "no policy" */
		return e->tempfails > 0 ? SPFR_TEMPERROR : SPFR_NONE;
	case SPF_RESULT_TEMPERROR:
		return SPFR_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return SPFR_PERMERROR;
	default:
		return err == SPF_E_DNS_ERROR || e->tempfails > 0 ?
		    SPFR_TEMPERROR : SPFR_PERMERROR;
	}
}

/* spf_stand_in - the client address libspf2 sees for a loopback client:
 * one from the documentation ranges of the same family (RFC 5737, 3849) */
static void
spf_stand_in(const ipaddr *ip, SPF_request_t *req)
{
	struct in6_addr v6;
	struct in_addr v4;

	if (ip->family == AF_INET) {
		inet_pton(AF_INET, "192.0.2.1", &v4);
		SPF_request_set_ipv4(req, v4);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", &v6);
		SPF_request_set_ipv6(req, v6);
	}
}

/* spf_hint_key - a domain's hint is kept per client address family:
 * the a and mx terms ask A or AAAA by it */
static void
spf_hint_key(const ipaddr *ip, const char *domain, str *key)
{
	str_init(key);
	if (ip->family == AF_INET6)
		str_append(key, "6:");
	str_append(key, domain);
}

/* spf_hint_update - the walk's lookups become the domain's hint, after
 * a note of the top record they came from (an entry of type 0, never
 * started): they replace the hint when the walk went to the end (the
 * result came from "all", a default or a limit) or the record changed;
 * when a matching term stopped the walk early, they are put first and
 * the rest is kept, for the clients that match further on. A walk cut
 * short by DNS trouble leaves the hint as it was */
static void
spf_hint_update(spf_engine *eng, const char *key, enum spf_result r,
    const char *decider, const struct spf_eval *e)
{
	struct dns_hint_name v[2 * DNS_HINT_PER_KEY_MAX];
	struct dns_hint_name prev[DNS_HINT_PER_KEY_MAX];
	const char *all, *top;
	size_t n, old, i;

	if (r == SPFR_TEMPERROR)
		return;
	top = spf_eval_top_record(e);
	if (top == NULL) {
		/* no record: nothing to hint */
		dns_hint_set(eng->hints, key, NULL, 0);
		return;
	}
	snprintf(v[0].name, sizeof(v[0].name), "#%016llx",
	    (unsigned long long)siphash24(siphash_process_key(), top,
	    strlen(top)));
	v[0].type = 0;
	memcpy(&v[1], e->path, e->npath * sizeof(e->path[0]));
	n = 1 + e->npath;
	all = decider;
	if (all != NULL && *all != '\0' && strchr("+-~?", *all) != NULL)
		all++;
	if (decider != NULL && strcasecmp(all, "all") != 0) {
		/* stopped early: the lookups further on stay, if they came
		 * from this same record (dns_hint_set keeps each once) */
		old = dns_hint_recall(eng->hints, key, prev,
		    DNS_HINT_PER_KEY_MAX);
		if (old > 0 && prev[0].type == 0 &&
		    strcmp(prev[0].name, v[0].name) == 0)
			for (i = 1; i < old; i++)
				v[n++] = prev[i];
	}
	dns_hint_set(eng->hints, key, v, n);
}

/* spf_evaluate - run libspf2 for one identity; -1: a cache-only try missed */
static int
spf_evaluate(spf_engine *eng, dns_resolver *res, dns_hold *held,
    const ipaddr *ip, const char *helo, const char *local,
    const char *domain, const char *identity, int64_t deadline, int flags,
    struct spf_outcome *out)
{
	struct spf_eval e;
	SPF_request_t *req;
	SPF_response_t *resp;
	SPF_errcode_t err;
	enum spf_result r;
	str reason, t1, t2, key;

	spf_eval_init(&e);
	e.resolver = res;
	e.deadline = deadline;
	e.cache_only = (flags & SPF_CACHE_ONLY) != 0;
	e.hold = e.cache_only ? NULL : held != NULL ? held :
	    dns_hold_new(res);
	e.ip = ip;
	e.helo = helo != NULL ? helo : "";
	e.sender = identity;
	e.local = local;
	e.sender_domain = domain;
	e.receiver = eng->receiver;
	e.now = (long)time(NULL);
	str_init(&reason);
	resp = NULL;

	req = SPF_request_new(eng->server);
	if (req == NULL)
		log_fatal("spf: out of memory");
	if (ipaddr_is_loopback(ip)) {
		/* libspf2 answers pass for any loopback client without
		 * looking at the record; RFC 7208 knows no such rule. It gets
		 * a documentation address instead, and every ip4/ip6 term is
		 * matched by us against the real one. */
		e.ips_ours = 1;
		spf_stand_in(ip, req);
	} else if (ip->family == AF_INET)
		SPF_request_set_ipv4(req, ip->u.v4);
	else
		SPF_request_set_ipv6(req, ip->u.v6);
	SPF_request_set_helo_dom(req, helo != NULL && helo[0] ? helo :
	    "unknown");
	/* libspf2 takes its domain from here; the macros are ours */
	if (SPF_request_set_env_from(req, identity) != 0)
		SPF_request_set_helo_dom(req, domain);
	/* every lookup the domain's last evaluation made from its records
	 * alone starts now, with the record itself: a chain seen before
	 * costs one wait, not one per level */
	spf_hint_key(ip, domain, &key);
	e.hinted = (unsigned)dns_hint_start(eng->hints, str_cstr(&key),
	    e.hold);
	spf_dns_begin(&e);
	err = SPF_request_query_mailfrom(req, &resp);
	spf_dns_end();
	if (!e.missed) {
		r = spf_map_result(resp, err, &e);
		spf_reason(resp, err, &e, r, &reason);
		spf_set(out, r, identity, domain, reason.len ?
		    str_cstr(&reason) : NULL);
		out->record = mem_strdup(spf_eval_top_record(&e));
		str_init(&t1);
		str_init(&t2);
		if (r == SPFR_FAIL && spf_eval_explanation(&e, &t1) == 0) {
			out->explanation = str_steal(&t1);
			str_init(&t1);
		}
		if (r <= SPFR_SOFTFAIL && spf_eval_decider(&e, (int)r, &t1,
		    &t2) == 0) {
			out->decider = str_steal(&t1);
			out->decider_domain = str_steal(&t2);
		}
		str_free(&t1);
		str_free(&t2);
		out->lookups = e.lookups;
		out->terms = e.terms;
		out->prefetched = e.prefetched;
		out->hinted = e.hinted;
		if (!e.cache_only)
			spf_hint_update(eng, str_cstr(&key), r, out->decider,
			    &e);
	}
	if (e.missed)
		spf_outcome_clear(out);
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	str_free(&reason);
	str_free(&key);
	if (e.hold != held)
		dns_hold_free(e.hold);
	spf_eval_free(&e);
	return e.missed ? -1 : 0;
}

/* spf_check_postmaster - postmaster@HELO: the HELO identity, and the
 * null sender; none with why_not when HELO is not a domain name */
static int
spf_check_postmaster(spf_engine *e, dns_resolver *res, dns_hold *hold,
    const ipaddr *ip, const char *helo, int64_t deadline, int flags,
    const char *why_not, struct spf_outcome *out)
{
	str id;
	int rc;

	str_init(&id);
	str_appendf(&id, "postmaster@%s", helo != NULL ? helo : "");
	rc = 0;
	if (!smtp_is_domain(helo))
		spf_set(out, SPFR_NONE, str_cstr(&id), helo != NULL ? helo : "",
		    why_not);
	else
		rc = spf_evaluate(e, res, hold, ip, helo, "postmaster", helo,
		    str_cstr(&id), deadline, flags, out);
	str_free(&id);
	return rc;
}

/* spf_check_helo - the HELO identity */
int
spf_check_helo(spf_engine *e, dns_resolver *res, const ipaddr *ip,
    const char *helo, int64_t deadline, int flags, struct spf_outcome *out)
{
	return spf_check_helo_held(e, res, NULL, ip, helo, deadline, flags,
	    out);
}

/* spf_check_helo_held - the HELO identity, with lookups started earlier
 * into a hold */
int
spf_check_helo_held(spf_engine *e, dns_resolver *res, dns_hold *hold,
    const ipaddr *ip, const char *helo, int64_t deadline, int flags,
    struct spf_outcome *out)
{
	return spf_check_postmaster(e, res, hold, ip, helo, deadline, flags,
	    "HELO name is not a domain name", out);
}

/* spf_check_mailfrom - the MAIL FROM identity */
int
spf_check_mailfrom(spf_engine *e, dns_resolver *res, const ipaddr *ip,
    const char *helo, const struct smtp_addr *sender, int64_t deadline,
    int flags, struct spf_outcome *out)
{
	return spf_check_mailfrom_held(e, res, NULL, ip, helo, sender,
	    deadline, flags, out);
}

/* spf_prefetch - a domain's record and its hint for this client's
 * address family, started into a hold */
void
spf_prefetch(spf_engine *e, dns_hold *hold, const ipaddr *ip,
    const char *domain)
{
	str key;

	if (hold == NULL || !smtp_is_domain(domain))
		return;
	dns_hold_start(hold, domain, DNS_T_TXT);
	spf_hint_key(ip, domain, &key);
	(void)dns_hint_start(e->hints, str_cstr(&key), hold);
	str_free(&key);
}

/* spf_check_mailfrom_held - the MAIL FROM identity, with the lookups
 * started earlier into a hold */
int
spf_check_mailfrom_held(spf_engine *e, dns_resolver *res, dns_hold *hold,
    const ipaddr *ip, const char *helo, const struct smtp_addr *sender,
    int64_t deadline, int flags, struct spf_outcome *out)
{
	str id;
	int rc;

	/* RFC 7208 2.4: the null sender is checked as postmaster@HELO */
	if (sender->null)
		return spf_check_postmaster(e, res, NULL, ip, helo, deadline,
		    flags, "null sender and the HELO name is not a domain name",
		    out);
	if (sender->error != NULL) {
		/* RFC 7208 4.3: a malformed domain gives none; there is no
		 * domain to name, so the outcome's domain stays empty */
		spf_set(out, SPFR_NONE, sender->address, "", sender->error);
		return 0;
	}
	if (!smtp_is_domain(sender->domain)) {
		spf_set(out, SPFR_NONE, sender->address, sender->domain,
		    "sender domain is not a fully qualified domain name");
		return 0;
	}
	str_init(&id);
	/* RFC 7208 4.3: no local part means postmaster */
	str_appendf(&id, "%s@%s", sender->local[0] ? sender->local :
	    "postmaster", sender->domain);
	rc = spf_evaluate(e, res, hold, ip, helo, sender->local[0] ?
	    sender->local : "postmaster", sender->domain, str_cstr(&id),
	    deadline, flags, out);
	str_free(&id);
	return rc;
}
