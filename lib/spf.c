/*
 * spf - SPF checks through libspf2 on our resolver; see spf.h.
 */
#include "config.h"

#include <arpa/nameser.h>
#include <netdb.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <spf2/spf.h>

#include "dns.h"
#include "log.h"
#include "mem.h"
#include "spf.h"
#include "spf_dns.h"
#include "str.h"

struct spf_engine {
	SPF_server_t		*server;
	SPF_dns_server_t	*layer;
};

static const char *const spf_result_names[SPFR_COUNT] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"
};

/* spf_result_name - the RFC 8601 word for a result */
const char *
spf_result_name(enum spf_result r)
{
	return (unsigned)r < SPFR_COUNT ? spf_result_names[r] : "?";
}

/* spf_result_parse - result by name, -1 if unknown */
int
spf_result_parse(const char *name)
{
	int i;

	for (i = 0; i < SPFR_COUNT; i++)
		if (strcasecmp(name, spf_result_names[i]) == 0)
			return i;
	return -1;
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

/* spf_find_record - the domain's SPF record (cached by now), if single */
static char *
spf_find_record(dns_resolver *res, const char *domain, int64_t deadline,
    int cache_only)
{
	dns_answer *a;
	char *found;
	size_t i;
	const char *t;

	found = NULL;
	a = cache_only ? dns_cached(res, domain, DNS_T_TXT) :
	    dns_lookup(res, domain, DNS_T_TXT, deadline);
	if (a == NULL)
		return NULL;
	for (i = 0; a->status == DNS_OK && i < a->count; i++) {
		t = a->rr[i].u.txt.data;
		if (strncasecmp(t, "v=spf1", 6) != 0 ||
		    (t[6] != '\0' && t[6] != ' '))
			continue;
		if (found != NULL) {	/* two records: none to show */
			mem_free(found);
			found = NULL;
			break;
		}
		found = mem_strdup(t);
	}
	dns_answer_unref(a);
	return found;
}

/* spf_reason - plain words for why the evaluation ended as it did */
static void
spf_reason(SPF_response_t *resp, SPF_errcode_t err, struct spf_dns_ctx *ctx,
    enum spf_result r, str *out)
{
	SPF_error_t *e;
	int i, n;

	if (r == SPFR_TEMPERROR) {
		str_append(out, ctx->dns_error.len ? str_cstr(&ctx->dns_error) :
		    "temporary DNS failure");
		return;
	}
	if (r != SPFR_PERMERROR)
		return;
	n = resp != NULL ? SPF_response_messages(resp) : 0;
	for (i = 0; i < n; i++) {
		e = SPF_response_message(resp, i);
		if (e != NULL && SPF_error_errorp(e) && SPF_error_message(e)) {
			str_append_printable(out, SPF_error_message(e),
			    strlen(SPF_error_message(e)), 200);
			return;
		}
	}
	if (ctx->dns_error.len > 0)
		str_append(out, str_cstr(&ctx->dns_error));
	else
		str_append(out, SPF_strerror(err));
}

/* spf_map_result - libspf2's result to ours, fixing "invalid" */
static enum spf_result
spf_map_result(SPF_response_t *resp, SPF_errcode_t err,
    const struct spf_dns_ctx *ctx)
{
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
		return ctx->tempfails > 0 ? SPFR_TEMPERROR : SPFR_NONE;
	case SPF_RESULT_TEMPERROR:
		return SPFR_TEMPERROR;
	case SPF_RESULT_PERMERROR:
		return SPFR_PERMERROR;
	default:
		return err == SPF_E_DNS_ERROR || ctx->tempfails > 0 ?
		    SPFR_TEMPERROR : SPFR_PERMERROR;
	}
}

/* spf_evaluate - run libspf2 for one identity; -1: a cache-only try missed */
static int
spf_evaluate(spf_engine *e, dns_resolver *res, const ipaddr *ip,
    const char *helo, const char *env_from, const char *identity,
    const char *domain, int64_t deadline, int flags, struct spf_outcome *out)
{
	struct spf_dns_ctx ctx;
	SPF_request_t *req;
	SPF_response_t *resp;
	SPF_errcode_t err;
	enum spf_result r;
	str reason;

	memset(&ctx, 0, sizeof(ctx));
	ctx.resolver = res;
	ctx.deadline = deadline;
	ctx.cache_only = (flags & SPF_CACHE_ONLY) != 0;
	str_init(&ctx.dns_error);
	str_init(&reason);
	resp = NULL;

	req = SPF_request_new(e->server);
	if (req == NULL)
		log_fatal("spf: out of memory");
	if (ip->family == AF_INET)
		SPF_request_set_ipv4(req, ip->u.v4);
	else
		SPF_request_set_ipv6(req, ip->u.v6);
	SPF_request_set_helo_dom(req, helo != NULL && helo[0] ? helo : "unknown");
	if (env_from != NULL && SPF_request_set_env_from(req, env_from) != 0) {
		spf_set(out, SPFR_NONE, identity, domain,
		    "sender address cannot be checked");
		SPF_request_free(req);
		str_free(&reason);
		str_free(&ctx.dns_error);
		return 0;
	}
	spf_dns_begin(&ctx);
	err = SPF_request_query_mailfrom(req, &resp);
	spf_dns_end();
	if (ctx.missed) {
		spf_outcome_clear(out);
	} else {
		r = spf_map_result(resp, err, &ctx);
		spf_reason(resp, err, &ctx, r, &reason);
		spf_set(out, r, identity, domain, reason.len ?
		    str_cstr(&reason) : NULL);
		if (r != SPFR_NONE && r != SPFR_TEMPERROR)
			out->record = spf_find_record(res, domain, deadline,
			    ctx.cache_only);
		out->lookups = ctx.lookups;
	}
	if (resp != NULL)
		SPF_response_free(resp);
	SPF_request_free(req);
	str_free(&reason);
	str_free(&ctx.dns_error);
	return ctx.missed ? -1 : 0;
}

/* spf_check_helo - the HELO identity */
int
spf_check_helo(spf_engine *e, dns_resolver *res, const ipaddr *ip,
    const char *helo, int64_t deadline, int flags, struct spf_outcome *out)
{
	str id;
	int rc;

	str_init(&id);
	str_appendf(&id, "postmaster@%s", helo != NULL ? helo : "");
	rc = 0;
	if (!smtp_is_domain(helo))
		spf_set(out, SPFR_NONE, str_cstr(&id), helo != NULL ? helo : "",
		    "HELO name is not a domain name");
	else
		rc = spf_evaluate(e, res, ip, helo, NULL, str_cstr(&id), helo,
		    deadline, flags, out);
	str_free(&id);
	return rc;
}

/* spf_check_mailfrom - the MAIL FROM identity */
int
spf_check_mailfrom(spf_engine *e, dns_resolver *res, const ipaddr *ip,
    const char *helo, const struct smtp_addr *sender, int64_t deadline,
    int flags, struct spf_outcome *out)
{
	str id;
	int rc;

	rc = 0;
	if (sender->null) {
		/* RFC 7208 2.4: the null sender is checked as postmaster@HELO */
		str_init(&id);
		str_appendf(&id, "postmaster@%s", helo != NULL ? helo : "");
		if (!smtp_is_domain(helo))
			spf_set(out, SPFR_NONE, str_cstr(&id),
			    helo != NULL ? helo : "",
			    "null sender and the HELO name is not a domain name");
		else
			rc = spf_evaluate(e, res, ip, helo, NULL, str_cstr(&id),
			    helo, deadline, flags, out);
		str_free(&id);
		return rc;
	}
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
	rc = spf_evaluate(e, res, ip, helo, str_cstr(&id), sender->address,
	    sender->domain, deadline, flags, out);
	str_free(&id);
	return rc;
}
