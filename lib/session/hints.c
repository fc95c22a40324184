/*
 * hints - what a MAIL FROM domain's next message will ask once its
 * header is in; see hints.h.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "util/str.h"
#include "dkim/dkim.h"
#include "dkim/dkim_keyhint.h"
#include "dmarc/dmarc.h"
#include "session/hints.h"

static dns_hint *hints_author_table;
static pthread_once_t hints_author_once = PTHREAD_ONCE_INIT;

/* hints_author_create - the table, made on first use */
static void
hints_author_create(void)
{
	hints_author_table = dns_hint_new(HINTS_AUTHORS_SLOTS,
	    HINTS_AUTHORS_PER_DOMAIN);
}

/* hints_author_tab - the process's table of author domains */
static dns_hint *
hints_author_tab(void)
{
	pthread_once(&hints_author_once, hints_author_create);
	return hints_author_table;
}

/* hints_spf_pass - did SPF pass the client for the MAIL FROM domain */
static int
hints_spf_pass(const char *mail_domain, const struct facts *f)
{
	const struct spf_outcome *spf = &f->spf_mailfrom;

	return spf->checked && spf->result == SPFR_PASS &&
	    spf->domain != NULL && strcasecmp(spf->domain, mail_domain) == 0;
}

/* hints_same_org - did SPF pass for the MAIL FROM domain and DMARC find
 * it aligned with the author domain: the envelope and the author are
 * then one organization's (by DMARC's own rule, in either mode) */
static int
hints_same_org(const char *mail_domain, const struct facts *f)
{
	return hints_spf_pass(mail_domain, f) && f->dmarc.checked &&
	    f->dmarc.spf_align == DMARC_ALIGN_PASS &&
	    f->dmarc.from_domain != NULL;
}

/* hints_key_wanted - is this signature's key a hint for the domain: a
 * pass of its own tree; a key of its own tree that was found but did not
 * pass only from a client SPF passed (anyone can put a signature with a
 * bad b= and a selector of the domain's in a message, and with two keys
 * kept per domain, push its real hints out); a sibling's only when it is
 * the signature DMARC found aligned (dkim_domain is a passing d= of
 * anyone's when none is aligned) */
static int
hints_key_wanted(const char *mail_domain, const struct facts *f,
    const struct dkim_sig *sig, int spf_pass, int same_org)
{
	if (sig->domain == NULL || sig->selector == NULL)
		return 0;
	if (dkim_related(sig->domain, mail_domain))
		return sig->result == DKIMR_PASS ||
		    (spf_pass && dkim_key_found(sig->result));
	return same_org && sig->result == DKIMR_PASS &&
	    f->dmarc.dkim_align == DMARC_ALIGN_PASS &&
	    f->dmarc.dkim_domain != NULL &&
	    strcasecmp(sig->domain, f->dmarc.dkim_domain) == 0;
}

/* hints_author_wanted - is the author domain a hint for the domain: not
 * when it is the MAIL FROM domain or above it, whose DMARC records the
 * MAIL FROM domain's own prefetch asks already (the whole tree walk; in
 * RFC 7489 mode the organizational domain, so an author between the two
 * is then asked with the header) */
static int
hints_author_wanted(const char *mail_domain, const char *author)
{
	return !(dkim_related(author, mail_domain) &&
	    strlen(author) <= strlen(mail_domain));
}

/* hints_note - learn this message's header-time lookups for the next
 * message of its MAIL FROM domain. The first signatures (the author
 * domain's) are noted last: they are the newest hints */
void
hints_note(const char *mail_domain, const struct facts *f)
{
	const struct dkim_sig *sig;
	int spf_pass, same_org;
	str name;
	size_t i;

	if (mail_domain == NULL || *mail_domain == '\0')
		return;
	spf_pass = hints_spf_pass(mail_domain, f);
	same_org = hints_same_org(mail_domain, f);
	str_init(&name);
	for (i = f->dkim.n; i-- > 0;) {
		sig = &f->dkim.sigs[i];
		if (!hints_key_wanted(mail_domain, f, sig, spf_pass, same_org))
			continue;
		str_reset(&name);
		str_appendf(&name, "%s._domainkey.%s", sig->selector,
		    sig->domain);
		dkim_keyhint_note(mail_domain, str_cstr(&name));
	}
	str_free(&name);
	if (same_org && hints_author_wanted(mail_domain, f->dmarc.from_domain))
		dns_hint_note(hints_author_tab(), mail_domain,
		    f->dmarc.from_domain, 0);
}

/* hints_authors - the author domains noted for a MAIL FROM domain */
size_t
hints_authors(const char *mail_domain, struct dns_hint_name *out,
    size_t max)
{
	if (max > HINTS_AUTHORS_PER_DOMAIN)
		max = HINTS_AUTHORS_PER_DOMAIN;
	return dns_hint_recall(hints_author_tab(), mail_domain, out, max);
}

/* hints_reset - forget every hint, the keys' too */
void
hints_reset(void)
{
	dns_hint_reset(hints_author_tab());
	dkim_keyhint_reset();
}
