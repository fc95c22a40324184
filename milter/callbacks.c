/*
 * callbacks - libmilter callbacks; see callbacks.h. Thin on purpose: the
 * decisions are made in lib/ (verdict engine), the state is in session.c.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include <libmilter/mfapi.h>

#include "util/ipaddr.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/prom.h"
#include "util/str.h"
#include "verdict/verdict.h"
#include "report/headers.h"
#include "report/metrics.h"
#include "session/runtime.h"
#include "session/session.h"

#include "callbacks.h"

#define SESS(ctx)	((struct session *)smfi_getpriv(ctx))
#define CB_TAG_FIELD		"X-Authgate-Tag"
#define CB_QUARANTINE_FIELD	"X-Authgate-Quarantine"

/* cb_macro - a macro value or NULL */
static const char *
cb_macro(SMFICTX *ctx, const char *name)
{
	return smfi_getsymval(ctx, (char *)name);
}

/* cb_escape_percent - libmilter treats '%' as a format character */
static char *
cb_escape_percent(const char *line)
{
	str s;

	str_init(&s);
	for (; *line != '\0'; line++) {
		if (*line == '%')
			str_append_c(&s, '%');
		str_append_c(&s, *line);
	}
	return str_steal(&s);
}

/* callbacks_set_reply - the refusal text for the MTA */
int
callbacks_set_reply(SMFICTX *ctx, const struct verdict *v)
{
	char *l[VERDICT_MAX_LINES];
	size_t i;
	int rc;

	memset(l, 0, sizeof(l));
	for (i = 0; i < v->nlines; i++)
		l[i] = cb_escape_percent(v->lines[i]);
	if (v->nlines <= 1)
		rc = smfi_setreply(ctx, (char *)v->code, (char *)v->xcode,
		    v->nlines ? l[0] : (char *)"Refused by local policy");
	else
		rc = smfi_setmlreply(ctx, v->code, v->xcode, l[0], l[1], l[2],
		    l[3], l[4], l[5], l[6], l[7], (char *)NULL);
	if (rc != MI_SUCCESS) {
		log_error("cannot set the SMTP reply text; the MTA uses its "
		    "default text");
		rc = smfi_setreply(ctx, (char *)v->code, (char *)v->xcode,
		    (char *)"Refused by local policy (authentication checks)");
	}
	for (i = 0; i < v->nlines; i++)
		mem_free(l[i]);
	return rc;
}

/* cb_answer - turn a verdict into the callback's return value */
static sfsistat
cb_answer(SMFICTX *ctx, const struct verdict *v)
{
	switch (v->action) {
	case ACT_REJECT:
		callbacks_set_reply(ctx, v);
		return SMFIS_REJECT;
	case ACT_TEMPFAIL:
		callbacks_set_reply(ctx, v);
		return SMFIS_TEMPFAIL;
	default:
		return SMFIS_CONTINUE;
	}
}

/* cb_negotiate - ask for what we use, skip what we do not need */
static sfsistat
cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct runtime *rt;
	struct session *s;
	unsigned long want;

	if ((rt = runtime_get()) == NULL)
		return SMFIS_TEMPFAIL;
	s = session_new(rt);
	smfi_setpriv(ctx, s);
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE |
	    SMFIF_SETSYMLIST);
	/* every command costs a round trip and a worker-pool dispatch in
	 * libmilter: skip what we do not use (the body when DKIM is off, DATA,
	 * unknown commands, end of header), and take "no reply" for the
	 * stages where no refusal can be delivered, so the MTA need not
	 * wait for us there. Keep header leading spaces (exact headers). */
	want = SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_NOEOH | SMFIP_SKIP |
	    SMFIP_HDR_LEADSPC | SMFIP_NR_HDR;
	if (rt->conf->policy.reject_stage > STAGE_CONNECT)
		want |= SMFIP_NR_CONN;
	if (!rt->conf->dkim_enabled)
		want |= SMFIP_NOBODY;	/* only DKIM reads the body */
	if (rt->conf->policy.reject_stage > STAGE_HELO)
		want |= SMFIP_NR_HELO;
	if (rt->conf->policy.reject_stage > STAGE_MAIL)
		want |= SMFIP_NR_MAIL;
	/* an override cannot move reject_stage: no policy refuses at RCPT
	 * then, and with many recipients this saves a round trip each */
	if (rt->conf->policy.reject_stage > STAGE_RCPT)
		want |= SMFIP_NR_RCPT;
	*pf1 = f1 & want;
	s->no_reply = *pf1 & (SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL |
	    SMFIP_NR_RCPT);
	s->can_skip = (*pf1 & SMFIP_SKIP) != 0;
	*pf2 = *pf3 = 0;
	/* with HDR_LEADSPC the MTA adds no space after "Name:" of the
	 * fields we add: their values must bring their own */
	s->leading_space = (*pf1 & SMFIP_HDR_LEADSPC) != 0;
	if (f0 & SMFIF_SETSYMLIST) {
		/* the MTA's verdict on the client name: Sendmail passes a
		 * name that does not resolve back too (FORGED), Postfix
		 * passes such a client as [address] (and says FAIL); both
		 * pass the name found in the PTR record, confirmed or not,
		 * as {client_ptr}, whose forward lookup the reverse DNS
		 * check starts with its own PTR lookup */
		smfi_setsymlist(ctx, SMFIM_CONNECT,
		    (char *)"{client_resolve} {client_ptr}");
		smfi_setsymlist(ctx, SMFIM_ENVFROM,
		    (char *)"i {auth_authen} {auth_type}");
		/* Postfix assigns the queue id only after a valid RCPT */
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, (char *)"i");
		smfi_setsymlist(ctx, SMFIM_EOM, (char *)"i");
	}
	return SMFIS_CONTINUE;
}

/* cb_timed - count how long a command waited for its answer */
static sfsistat
cb_timed(enum stage stage, int64_t since, sfsistat rc)
{
	metrics_callback(stage, prom_now_us() - since);
	return rc;
}

/* cb_connect - a new SMTP connection */
static sfsistat
cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct runtime *rt;
	struct session *s;
	int64_t t0 = prom_now_us();
	const char *resolve, *ptr;
	ipaddr ip;
	int have_ip;

	if ((s = SESS(ctx)) == NULL) {
		/* an MTA that skipped option negotiation (protocol 1) */
		if ((rt = runtime_get()) == NULL)
			return SMFIS_TEMPFAIL;
		s = session_new(rt);
		smfi_setpriv(ctx, s);
	}
	have_ip = hostaddr != NULL &&
	    ipaddr_from_sockaddr((struct sockaddr *)hostaddr, &ip) == 0;
	if (!have_ip)
		log_info("connection from %s without an IP address: IP checks "
		    "do not apply", hostname != NULL ? hostname : "unknown");
	ptr = cb_macro(ctx, "{client_ptr}");
	resolve = cb_macro(ctx, "{client_resolve}");
	if (resolve != NULL && strcmp(resolve, "OK") != 0) {
		if (ptr == NULL)
			ptr = hostname;	/* Sendmail's PTR name, unconfirmed */
		hostname = NULL;	/* not confirmed: no name to trust */
	}
	session_connect(s, have_ip ? &ip : NULL, hostname, ptr);
	if (s->no_reply & SMFIP_NR_CONN)
		return SMFIS_NOREPLY;	/* nothing is refused at connect */
	return cb_timed(STAGE_CONNECT, t0, cb_answer(ctx,
	    session_decide(s, STAGE_CONNECT)));
}

/* cb_helo - HELO/EHLO */
static sfsistat
cb_helo(SMFICTX *ctx, char *helo)
{
	struct session *s = SESS(ctx);
	int64_t t0 = prom_now_us();

	if (s == NULL)
		return SMFIS_CONTINUE;
	session_helo(s, helo);
	if (s->no_reply & SMFIP_NR_HELO)
		return SMFIS_NOREPLY;	/* nothing is refused at HELO */
	return cb_timed(STAGE_HELO, t0, cb_answer(ctx,
	    session_decide(s, STAGE_HELO)));
}

/* cb_envfrom - MAIL FROM */
static sfsistat
cb_envfrom(SMFICTX *ctx, char **argv)
{
	struct session *s = SESS(ctx);
	int64_t t0 = prom_now_us();

	if (s == NULL)
		return SMFIS_CONTINUE;
	session_mail(s, argv != NULL ? argv[0] : NULL, cb_macro(ctx, "i"),
	    cb_macro(ctx, "{auth_authen}"));
	if (s->no_reply & SMFIP_NR_MAIL)
		return SMFIS_NOREPLY;	/* nothing is refused at MAIL */
	return cb_timed(STAGE_MAIL, t0, cb_answer(ctx,
	    session_decide(s, STAGE_MAIL)));
}

/* cb_envrcpt - RCPT TO: the default stage for refusals */
static sfsistat
cb_envrcpt(SMFICTX *ctx, char **argv)
{
	struct session *s = SESS(ctx);
	const struct verdict *v;
	int64_t t0 = prom_now_us();

	if (s == NULL)
		return SMFIS_CONTINUE;
	if (s->queue_id == NULL && cb_macro(ctx, "i") != NULL)
		s->queue_id = mem_strdup(cb_macro(ctx, "i"));
	session_rcpt(s, argv != NULL ? argv[0] : NULL);
	v = session_decide(s, STAGE_RCPT);
	session_rcpt_answered(s, v);
	if (s->no_reply & SMFIP_NR_RCPT)
		return SMFIS_NOREPLY;	/* nothing is refused at RCPT */
	return cb_timed(STAGE_RCPT, t0, cb_answer(ctx, v));
}

/* cb_header - one header field */
static sfsistat
cb_header(SMFICTX *ctx, char *name, char *value)
{
	struct session *s = SESS(ctx);

	if (s != NULL && name != NULL && value != NULL)
		session_header(s, name, value);
	/* SMFIP_NR_HDR is always granted (libmilter fakes it if needed) */
	return SMFIS_NOREPLY;
}

/* cb_body - a body chunk, for DKIM; skip the rest when done with it */
static sfsistat
cb_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct session *s = SESS(ctx);

	if (s == NULL || chunk == NULL)
		return SMFIS_CONTINUE;
	if (!session_body(s, chunk, len) && s->can_skip)
		return SMFIS_SKIP;
	return SMFIS_CONTINUE;
}

/* cb_quarantine - hold the message in the MTA's quarantine */
static void
cb_quarantine(SMFICTX *ctx, struct session *s, const struct verdict *v)
{
	str reason;

	str_init(&reason);
	str_append(&reason, "authgate: ");
	str_append(&reason, v->nlines > 0 ? v->lines[0] : v->check);
	if (smfi_quarantine(ctx, reason.buf) != MI_SUCCESS)
		log_error("%s: cannot quarantine the message (the MTA refused)",
		    s->queue_id != NULL ? s->queue_id : "NOQUEUE");
	str_free(&reason);
}

/* cb_delete_all - delete every field of a name the message brought */
static void
cb_delete_all(SMFICTX *ctx, struct session *s, const char *name,
    unsigned n)
{
	for (; n > 0; n--)
		if (smfi_chgheader(ctx, (char *)name, (int)n, NULL) !=
		    MI_SUCCESS)
			log_error("%s: cannot delete a %s field",
			    s->queue_id != NULL ? s->queue_id : "NOQUEUE", name);
}

/* cb_mark - the tag or quarantine field for the mailbox filter: which
 * check and what it found ("dmarc: dmarc=fail (p=quarantine)") */
static void
cb_mark(SMFICTX *ctx, struct session *s, const struct verdict *v,
    const char *name)
{
	str value;

	str_init(&value);
	if (s->leading_space)
		str_append_c(&value, ' ');
	str_appendf(&value, "%s", v->check != NULL ? v->check : "policy");
	if (v->nlines > 0) {
		str_append(&value, ": ");
		str_append(&value, v->lines[0]);
	}
	if (smfi_insheader(ctx, 0, (char *)name, value.buf) != MI_SUCCESS)
		log_error("%s: cannot add the %s field", s->queue_id != NULL ?
		    s->queue_id : "NOQUEUE", name);
	str_free(&value);
}

/* cb_seal - our ARC set on top of every other field (arc.seal_key):
 * AAR, AMS, then the ARC-Seal above them */
static void
cb_seal(SMFICTX *ctx, struct session *s, const char *our_ar)
{
	static const char *const names[] = {
		"ARC-Authentication-Results", "ARC-Message-Signature",
		"ARC-Seal"
	};
	struct arc_sealed set;
	const str *values[3];
	str why, value;
	size_t i;
	int rc;

	str_init(&why);
	rc = session_seal(s, our_ar, &set, &why);
	if (rc <= 0) {
		if (rc < 0 || why.len > 0)
			log_info("%s: no ARC set added: %s", s->queue_id !=
			    NULL ? s->queue_id : "NOQUEUE", str_cstr(&why));
		str_free(&why);
		arc_sealed_free(&set);
		return;
	}
	values[0] = &set.aar;
	values[1] = &set.ams;
	values[2] = &set.as;
	str_init(&value);
	for (i = 0; i < 3; i++) {
		str_reset(&value);
		if (s->leading_space)
			str_append_c(&value, ' ');
		str_append(&value, str_cstr(values[i]));
		if (smfi_insheader(ctx, 0, (char *)names[i], value.buf) !=
		    MI_SUCCESS) {
			log_error("%s: cannot add the %s field", s->queue_id !=
			    NULL ? s->queue_id : "NOQUEUE", names[i]);
			break;
		}
	}
	str_free(&value);
	str_free(&why);
	arc_sealed_free(&set);
}

/* cb_eom - end of message: the final verdict and our header fields */
static sfsistat
cb_eom(SMFICTX *ctx)
{
	struct session *s = SESS(ctx);
	const struct verdict *v;
	const char *qid;
	str value, ar;
	unsigned i;
	sfsistat rc;
	int64_t t0 = prom_now_us();

	if (s == NULL)
		return SMFIS_CONTINUE;
	if ((qid = cb_macro(ctx, "i")) != NULL && s->queue_id == NULL)
		s->queue_id = mem_strdup(qid);
	v = session_decide(s, STAGE_EOM);
	if (v->action == ACT_TEMPFAIL || v->action == ACT_REJECT) {
		rc = cb_answer(ctx, v);
		session_end_tx(s);
		return cb_timed(STAGE_EOM, t0, rc);
	}
	if (v->action == ACT_QUARANTINE && !session_policy(s)->quarantine_header)
		cb_quarantine(ctx, s, v);
	/* fields that claim to be our marks are not ours: delete them */
	cb_delete_all(ctx, s, CB_TAG_FIELD, s->ntag_fields);
	cb_delete_all(ctx, s, CB_QUARANTINE_FIELD, s->nquarantine_fields);
	/* forged fields claiming our authserv-id: delete them first, highest
	 * index first, because the MTA applies edits in order and our own
	 * inserted field would count as one of them */
	for (i = s->nforged; i > 0; i--) {
		if (smfi_chgheader(ctx, (char *)"Authentication-Results",
		    (int)s->forged[i - 1], NULL) != MI_SUCCESS)
			log_error("%s: cannot delete a forged "
			    "Authentication-Results field", s->queue_id != NULL ?
			    s->queue_id : "NOQUEUE");
	}
	if (s->nforged > 0)
		log_info("%s: deleted %u Authentication-Results field%s claiming "
		    "our authserv-id %s", s->queue_id != NULL ? s->queue_id :
		    "NOQUEUE", s->nforged, s->nforged == 1 ? "" : "s",
		    s->rt->conf->authserv_id);
	str_init(&value);
	str_init(&ar);
	if (s->leading_space)
		str_append_c(&ar, ' ');
	headers_authres(&s->facts, session_policy(s),
	    s->rt->conf->authserv_id, &ar);
	if (smfi_insheader(ctx, 0, (char *)"Authentication-Results",
	    ar.buf) != MI_SUCCESS)
		log_error("%s: cannot add the Authentication-Results field",
		    s->queue_id != NULL ? s->queue_id : "NOQUEUE");
	if (s->rt->conf->received_spf_header) {
		str_reset(&value);
		if (s->leading_space)
			str_append_c(&value, ' ');
		if (headers_received_spf(&s->facts, session_policy(s),
		    s->rt->conf->authserv_id, &value) == 0 && smfi_insheader(ctx, 0,
		    (char *)"Received-SPF", value.buf) != MI_SUCCESS)
			log_error("%s: cannot add the Received-SPF field",
			    s->queue_id != NULL ? s->queue_id : "NOQUEUE");
	}
	if (v->action == ACT_TAG || v->action == ACT_QUARANTINE)
		cb_mark(ctx, s, v, v->action == ACT_TAG ? CB_TAG_FIELD :
		    CB_QUARANTINE_FIELD);
	if (s->rt->conf->arc_seal_key != NULL)
		cb_seal(ctx, s, ar.buf);
	str_free(&ar);
	str_free(&value);
	session_end_tx(s);
	return cb_timed(STAGE_EOM, t0, SMFIS_CONTINUE);
}

/* cb_abort - the transaction ended without a message (RSET, refusal) */
static sfsistat
cb_abort(SMFICTX *ctx)
{
	struct session *s = SESS(ctx);

	if (s != NULL)
		session_end_tx(s);
	return SMFIS_CONTINUE;
}

/* cb_close - the connection is gone */
static sfsistat
cb_close(SMFICTX *ctx)
{
	struct session *s = SESS(ctx);

	if (s != NULL) {
		session_end_tx(s);
		session_free(s);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

struct smfiDesc callbacks_milter = {
	.xxfi_name = (char *)"authgate",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE,
	.xxfi_connect = cb_connect,
	.xxfi_helo = cb_helo,
	.xxfi_envfrom = cb_envfrom,
	.xxfi_envrcpt = cb_envrcpt,
	.xxfi_header = cb_header,
	.xxfi_body = cb_body,
	.xxfi_eom = cb_eom,
	.xxfi_abort = cb_abort,
	.xxfi_close = cb_close,
	.xxfi_negotiate = cb_negotiate,
};
