/*
 * verdict_ip - the words of a refusal for the connect-stage checks; see
 * verdict_ip.h.
 */
#include "config.h"

#include <string.h>

#include "util/str.h"
#include "util/template.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict_ip.h"
#include "verdict/verdict_reply.h"

#define TEXT_NAME_MAX	120

/* ip_name - an untrusted name, bounded */
static void
ip_name(str *s, const char *name)
{
	str_append_printable(s, name != NULL ? name : "", name != NULL ?
	    strlen(name) : 0, TEXT_NAME_MAX);
}

/* ip_fix_ptr - what makes reverse DNS right */
static void
ip_fix_ptr(const char *ip, struct verdict *v)
{
	str s;

	str_init(&s);
	str_appendf(&s, "To fix: ask the owner of %s (your ISP or hosting "
	    "provider) for a PTR record that names the mail server, and give "
	    "that name an %s record pointing back to %s.", ip,
	    strchr(ip, ':') != NULL ? "AAAA" : "A", ip);
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}

/* verdict_explain_iplist - a client on one of the admin's deny lists */
void
verdict_explain_iplist(const struct facts *f, struct verdict *v)
{
	const struct iplist *l = f->iplist.list;
	const char *line_text = f->iplist.entry->text;
	struct template_var vars[4] = {
		{ "ip", f->client_ip }, { "net", f->iplist.entry->cidr },
		{ "list", l->name }, { "text", line_text }
	};
	str s;

	str_init(&s);
	if (l->text != NULL) {
		template_expand(l->text, vars, 4, &s);
		verdict_add_line(v, str_cstr(&s));
	} else {
		str_appendf(&s, "IP %s is in %s, on this server's list \"%s\" of "
		    "networks it does not take mail from", f->client_ip,
		    f->iplist.entry->cidr, l->name);
		verdict_aside(&s, line_text, TEXT_NAME_MAX);
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
		verdict_add_line(v, "To fix: send through another server, or "
		    "ask the postmaster of this domain to lift the block.");
	}
	str_free(&s);
}

/* verdict_explain_authz - a sender domain used from a network the
 * admin's sender_networks rule does not authorize */
void
verdict_explain_authz(const struct authz_outcome *o, int from,
    const struct facts *f, struct verdict *v)
{
	struct template_var vars[3] = {
		{ "ip", f->client_ip }, { "domain", o->domain },
		{ "identity", from ? "From:" : "MAIL FROM" }
	};
	str s;

	str_init(&s);
	if (o->rule->text != NULL) {
		template_expand(o->rule->text, vars, 3, &s);
		verdict_add_line(v, str_cstr(&s));
		goto out;
	}
	str_appendf(&s, "Mail with %s domain ", from ? "the From:" :
	    "the MAIL FROM");
	ip_name(&s, o->domain);
	str_appendf(&s, " may come only from the networks this server's "
	    "administrator authorized for it; IP %s is not one of them.",
	    f->client_ip);
	verdict_add_line(v, str_cstr(&s));
	str_reset(&s);
	str_append(&s, "To fix: send mail of ");
	ip_name(&s, o->domain);
	str_append(&s, " through its own mail servers, or ask the postmaster "
	    "of this domain to add your network to its sender_networks.");
	verdict_add_line(v, str_cstr(&s));
out:
	str_free(&s);
}

/* ip_dnsbl_lead - the listing that explains the refusal: the heaviest
 * positive weight, the first zone on a tie; NULL if none */
static const struct dnsbl_result *
ip_dnsbl_lead(const struct dnsbl_outcome *o, size_t *listing)
{
	const struct dnsbl_result *best = NULL;
	const struct dnsbl_listing *l;
	int best_weight = 0;
	size_t i, j;

	for (i = 0; i < o->n; i++) {
		if (o->r[i].status != DNSBL_LISTED)
			continue;
		for (j = 0; j < o->r[i].zone->nlistings; j++) {
			l = &o->r[i].zone->listings[j];
			if ((o->r[i].hits & (1u << j)) && l->weight > best_weight) {
				best = &o->r[i];
				best_weight = l->weight;
				*listing = j;
			}
		}
	}
	return best;
}

/* ip_dnsbl_scoreline - "Score 4, the limit is 3: zone (SBL, +3), ..." */
static void
ip_dnsbl_scoreline(const struct facts *f, int score, int threshold,
    struct verdict *v)
{
	const struct dnsbl_result *r;
	const struct dnsbl_listing *l;
	size_t i, j;
	int first = 1;
	str s;

	str_init(&s);
	str_appendf(&s, "Score %d, the limit is %d:", score, threshold);
	for (i = 0; i < f->dnsbl.n; i++) {
		r = &f->dnsbl.r[i];
		if (r->status != DNSBL_LISTED)
			continue;
		for (j = 0; j < r->zone->nlistings; j++) {
			if (!(r->hits & (1u << j)))
				continue;
			l = &r->zone->listings[j];
			str_appendf(&s, "%s %s (%s, %+d)", first ? "" : ",",
			    r->zone->name, l->category, l->weight);
			first = 0;
		}
	}
	if (score != f->dnsbl.score)
		str_appendf(&s, "%s host name %s looks dynamic (%+d)", first ?
		    "" : ",", f->iprev.name != NULL ? f->iprev.name : "?",
		    score - f->dnsbl.score);
	str_append_c(&s, '.');
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}

/* verdict_explain_dnsbl - the DNS list listing (or score) that refuses,
 * or, below the threshold, the lists that did not answer */
void
verdict_explain_dnsbl(const struct facts *f, int score, int threshold,
    struct verdict *v)
{
	size_t i;
	str s;

	if (score >= threshold) {
		verdict_explain_dnsbl_listing(f, score, threshold, v);
		return;
	}
	str_init(&s);
	str_append(&s, "The DNS block list check of IP ");
	str_append(&s, f->client_ip);
	str_append(&s, " could not be completed:");
	for (i = 0; i < f->dnsbl.n; i++)
		if (f->dnsbl.r[i].status == DNSBL_TEMPERROR)
			str_appendf(&s, " %s", f->dnsbl.r[i].zone->name);
	str_append(&s, " did not answer. Please try again later.");
	verdict_add_line(v, str_cstr(&s));
	str_free(&s);
}

/* verdict_explain_dnsbl_listing - what the lists that have the client
 * say, with the delisting or relay advice, and the score line */
void
verdict_explain_dnsbl_listing(const struct facts *f, int score,
    int threshold, struct verdict *v)
{
	const struct dnsbl_result *r;
	const struct dnsbl_listing *l;
	struct template_var vars[6];
	size_t li = 0, i, nhits;
	str s, url;

	str_init(&s);
	str_init(&url);
	if ((r = ip_dnsbl_lead(&f->dnsbl, &li)) == NULL) {
		/* only the generic host name signal: the limit is that low */
		ip_dnsbl_scoreline(f, score, threshold, v);
		goto out;
	}
	l = &r->zone->listings[li];
	vars[0] = (struct template_var){ "ip", f->client_ip };
	vars[1] = (struct template_var){ "zone", r->zone->name };
	vars[2] = (struct template_var){ "code", r->codes };
	vars[3] = (struct template_var){ "category", l->category };
	vars[4] = (struct template_var){ "txt", r->txt };
	if (r->zone->url != NULL)
		template_expand(r->zone->url, vars, 5, &url);
	vars[5] = (struct template_var){ "url", url.len ? str_cstr(&url) :
	    NULL };
	if (l->text != NULL) {
		template_expand(l->text, vars, 6, &s);
		verdict_add_line(v, str_cstr(&s));
	} else if (l->class == DNSBL_POLICY) {
		str_appendf(&s, "IP %s is listed in %s (%s) as an end-user "
		    "address that should not send mail directly to other "
		    "domains' servers.", f->client_ip, r->zone->name,
		    l->category);
		verdict_add_line(v, str_cstr(&s));
		str_reset(&s);
		str_append(&s, "To fix: send through your provider's SMTP relay "
		    "(smarthost) with authentication. If this address is a "
		    "real mail server, its owner can have it removed");
		if (url.len > 0)
			str_appendf(&s, " at %s", str_cstr(&url));
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
	} else {
		str_appendf(&s, "IP %s is listed in %s (%s, answer %s)",
		    f->client_ip, r->zone->name, l->category, r->codes);
		if (r->txt != NULL) {
			str_append(&s, ": ");
			ip_name(&s, r->txt);
		}
		str_append(&s, ": the list has seen spam or abuse from it.");
		verdict_add_line(v, str_cstr(&s));
		str_reset(&s);
		str_append(&s, "To fix: find and stop the cause (a compromised "
		    "account or machine, an open relay), then ask the list to "
		    "remove the address");
		if (url.len > 0)
			str_appendf(&s, " at %s", str_cstr(&url));
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
	}
	for (nhits = 0, i = 0; i < f->dnsbl.n; i++)
		if (f->dnsbl.r[i].status == DNSBL_LISTED)
			for (unsigned h = f->dnsbl.r[i].hits; h != 0; h &= h - 1)
				nhits++;
	if (nhits > 1 || score != l->weight)
		ip_dnsbl_scoreline(f, score, threshold, v);
out:
	str_free(&s);
	str_free(&url);
}

/* verdict_explain_iprev - reverse DNS that is missing or does not match */
void
verdict_explain_iprev(const struct facts *f, struct verdict *v)
{
	const struct iprev_outcome *o = &f->iprev;
	str s;

	str_init(&s);
	switch (o->result) {
	case IPREVR_PERMERROR:
		str_appendf(&s, "IP %s has no reverse DNS (PTR record); this "
		    "server takes mail only from servers whose address has a "
		    "name that resolves back to it.", f->client_ip);
		verdict_add_line(v, str_cstr(&s));
		ip_fix_ptr(f->client_ip, v);
		break;
	case IPREVR_FAIL:
		str_appendf(&s, "The reverse DNS of IP %s names ", f->client_ip);
		ip_name(&s, o->name);
		if (o->nptr > 1)
			str_appendf(&s, " (and %u more)", o->nptr - 1);
		str_appendf(&s, ", but no such name resolves back to %s",
		    f->client_ip);
		verdict_aside(&s, o->reason, TEXT_NAME_MAX);
		str_append_c(&s, '.');
		verdict_add_line(v, str_cstr(&s));
		ip_fix_ptr(f->client_ip, v);
		break;
	default:
		str_appendf(&s, "The reverse DNS of IP %s could not be checked "
		    "just now", f->client_ip);
		verdict_aside(&s, o->reason, TEXT_NAME_MAX);
		str_append(&s, "; please try again later.");
		verdict_add_line(v, str_cstr(&s));
		break;
	}
	str_free(&s);
}

/* verdict_explain_helo - the HELO fact that refuses */
void
verdict_explain_helo(const struct facts *f, const struct policy *p,
    struct verdict *v)
{
	enum action best = ACT_ACCEPT;
	int i, h = -1;
	str s;

	for (i = 0; i < HELOF_COUNT; i++)
		if ((f->helo_check.facts & (1u << i)) &&
		    (h < 0 || p->helo[i] > best)) {
			best = p->helo[i];
			h = i;
		}
	if (h < 0)
		return;
	str_init(&s);
	helo_describe((enum helo_fact)h, f->helo_check.name != NULL ?
	    f->helo_check.name : "", f->client_ip, &s);
	verdict_add_line(v, str_cstr(&s));
	if (h == HELOF_OWN_NAME)
		verdict_add_line(v, "To fix: configure the sending server to "
		    "greet with its own fully qualified host name.");
	else
		verdict_add_line(v, "To fix: configure the sending server to "
		    "greet (EHLO) with its fully qualified host name, one that "
		    "has an address in the DNS, such as mail.example.com.");
	str_free(&s);
}
