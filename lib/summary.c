/*
 * summary - the per-message log line; see summary.h.
 */
#include "config.h"

#include <string.h>

#include "facts.h"
#include "spf.h"
#include "str.h"
#include "summary.h"
#include "verdict.h"

/* summary_value - key=value with an untrusted value */
static void
summary_value(str *out, const char *key, const char *value)
{
	str_appendf(out, " %s=", key);
	str_append_printable(out, value != NULL ? value : "", value != NULL ?
	    strlen(value) : 0, 200);
}

/* summary_spf - one SPF result with its domain and reason */
static void
summary_spf(str *out, const char *key, const struct spf_outcome *o)
{
	if (!o->checked)
		return;
	str_appendf(out, " %s=%s(", key, spf_result_name(o->result));
	str_append_printable(out, o->domain, strlen(o->domain), 120);
	if (o->reason != NULL && o->result != SPFR_PASS) {
		str_append(out, ": ");
		str_append_printable(out, o->reason, strlen(o->reason), 160);
	}
	str_append_c(out, ')');
}

/* summary_reply - the reply text we gave, lines joined with " | " */
static void
summary_reply(str *out, const struct verdict *v)
{
	size_t i;

	str_append(out, " reply=\"");
	for (i = 0; i < v->nlines; i++) {
		if (i > 0)
			str_append(out, " | ");
		str_append(out, v->lines[i]);
	}
	str_append_c(out, '"');
}

/* summary_format - the per-message log line */
void
summary_format(const struct facts *f, const struct verdict *v,
    enum stage stage, const char *queue_id, unsigned nrcpt, long ms, str *out)
{
	str_append(out, queue_id != NULL && queue_id[0] ? queue_id : "NOQUEUE");
	str_append(out, ": client=");
	str_append_printable(out, f->client_name != NULL ? f->client_name :
	    "unknown", f->client_name != NULL ? strlen(f->client_name) : 7, 120);
	str_appendf(out, "[%s]", f->client_ip != NULL ? f->client_ip : "?");
	summary_value(out, "helo", f->helo);
	str_append(out, " from=<");
	if (f->mail_from != NULL)
		str_append_printable(out, f->mail_from, strlen(f->mail_from),
		    200);
	str_appendf(out, "> rcpts=%u", nrcpt);
	summary_spf(out, "spf_mailfrom", &f->spf_mailfrom);
	summary_spf(out, "spf_helo", &f->spf_helo);
	if (v->exempt.len > 0)
		str_appendf(out, " exempt=\"%s\"", str_cstr(&v->exempt));
	if (v->action == ACT_ACCEPT && v->decided != ACT_ACCEPT)
		str_appendf(out, " verdict=accept (pending %s by %s)",
		    action_name(v->decided), v->check);
	else if (v->action == ACT_ACCEPT)
		str_append(out, " verdict=accept");
	else
		str_appendf(out, " verdict=%s %s %s (%s)", action_name(v->action),
		    v->code, v->xcode, v->check);
	str_appendf(out, " stage=%s time=%ldms", stage_name(stage), ms);
	if (v->action != ACT_ACCEPT)
		summary_reply(out, v);
}
