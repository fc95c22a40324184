/*
 * headers - Authentication-Results and Received-SPF from the facts; see
 * headers.h.
 */
#include "config.h"

#include <string.h>

#include "authres.h"
#include "facts.h"
#include "headers.h"
#include "spf.h"
#include "str.h"

/* headers_spf_result - one spf=... result in the A-R field */
static void
headers_spf_result(authres *ar, const struct spf_outcome *o, int helo,
    const struct facts *f)
{
	authres_result(ar, "spf", spf_result_name(o->result));
	if (o->reason != NULL && (o->result == SPFR_TEMPERROR ||
	    o->result == SPFR_PERMERROR || o->result == SPFR_NONE))
		authres_reason(ar, o->reason);
	if (helo)
		authres_prop(ar, "smtp", "helo", o->domain);
	else {
		if (f->mail_from != NULL && f->mail_from[0] == '\0')
			authres_comment(ar, "null sender, checked as "
			    "postmaster@HELO");
		/* a malformed sender has no domain: show what was given */
		authres_prop(ar, "smtp", "mailfrom", o->domain[0] != '\0' ?
		    o->domain : o->identity);
	}
}

/* headers_authres - our Authentication-Results value */
void
headers_authres(const struct facts *f, const char *authserv_id, str *out)
{
	authres *ar;

	ar = authres_new(authserv_id);
	if (f->spf_mailfrom.checked)
		headers_spf_result(ar, &f->spf_mailfrom, 0, f);
	if (f->spf_helo.checked)
		headers_spf_result(ar, &f->spf_helo, 1, f);
	authres_format(ar, out);
	authres_free(ar);
}

/* headers_kv - a Received-SPF key=value pair, quoted when needed */
static void
headers_kv(str *out, const char *key, const char *value)
{
	const char *p;
	int bare;

	str_appendf(out, "\n\t%s=", key);
	bare = value[0] != '\0';
	for (p = value; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(".-_:", *p) != NULL))
			bare = 0;
	if (bare) {
		str_append(out, value);
	} else {
		str_append_c(out, '"');
		for (p = value; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				str_append_c(out, '\\');
			if ((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f)
				str_append_c(out, *p);
		}
		str_append_c(out, '"');
	}
	str_append_c(out, ';');
}

/* headers_received_spf - the Received-SPF value */
int
headers_received_spf(const struct facts *f, const char *receiver, str *out)
{
	const struct spf_outcome *o;
	str who;
	int helo;

	if (f->spf_mailfrom.checked) {
		o = &f->spf_mailfrom;
		helo = 0;
	} else if (f->spf_helo.checked) {
		o = &f->spf_helo;
		helo = 1;
	} else
		return -1;
	str_init(&who);
	str_append_printable(&who, o->identity, strlen(o->identity), 256);
	str_appendf(out, "%s (%s: ", spf_result_name(o->result), receiver);
	switch (o->result) {
	case SPFR_PASS:
		str_appendf(out, "domain of %s designates %s as permitted "
		    "sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_FAIL:
		str_appendf(out, "domain of %s does not designate %s as "
		    "permitted sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_SOFTFAIL:
		str_appendf(out, "domain of transitioning %s does not designate "
		    "%s as permitted sender)", str_cstr(&who), f->client_ip);
		break;
	case SPFR_NEUTRAL:
		str_appendf(out, "%s is neither permitted nor denied by domain "
		    "of %s)", f->client_ip, str_cstr(&who));
		break;
	case SPFR_NONE:
		str_appendf(out, "domain of %s does not publish an SPF "
		    "record)", str_cstr(&who));
		break;
	case SPFR_TEMPERROR:
		str_appendf(out, "error in processing during lookup of %s)",
		    str_cstr(&who));
		break;
	case SPFR_PERMERROR:
		str_appendf(out, "domain of %s has a broken SPF record)",
		    str_cstr(&who));
		break;
	}
	headers_kv(out, "client-ip", f->client_ip);
	headers_kv(out, "envelope-from", f->mail_from != NULL ? f->mail_from :
	    "");
	headers_kv(out, "helo", f->helo != NULL ? f->helo : "");
	headers_kv(out, "receiver", receiver);
	headers_kv(out, "identity", helo ? "helo" : "mailfrom");
	if (o->reason != NULL && (o->result == SPFR_TEMPERROR ||
	    o->result == SPFR_PERMERROR))
		headers_kv(out, "problem", o->reason);
	str_free(&who);
	return 0;
}
