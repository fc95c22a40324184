/*
 * dkim_keyhint - the DKIM keys an envelope sender domain's mail used
 * lately; see dkim_keyhint.h. One process-wide dns_hint table.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "dns/dns_hint.h"
#include "dkim/dkim_keyhint.h"

static dns_hint *keyhint_table;
static pthread_once_t keyhint_once = PTHREAD_ONCE_INIT;

/* keyhint_create - the table, made on first use */
static void
keyhint_create(void)
{
	keyhint_table = dns_hint_new(DKIM_KEYHINT_SLOTS,
	    DKIM_KEYHINT_PER_DOMAIN);
}

/* keyhint - the process's table */
static dns_hint *
keyhint(void)
{
	pthread_once(&keyhint_once, keyhint_create);
	return keyhint_table;
}

/* dkim_keyhint_note - this domain's mail was signed with this key */
void
dkim_keyhint_note(const char *mail_domain, const char *key_name)
{
	dns_hint_note(keyhint(), mail_domain, key_name, DNS_T_TXT);
}

/* dkim_keyhint_recall - the keys this domain's mail used lately */
size_t
dkim_keyhint_recall(const char *mail_domain,
    char (*out)[DKIM_KEYHINT_NAME_MAX], size_t max)
{
	struct dns_hint_name v[DKIM_KEYHINT_PER_DOMAIN];
	size_t i, n;

	if (max > DKIM_KEYHINT_PER_DOMAIN)
		max = DKIM_KEYHINT_PER_DOMAIN;
	n = dns_hint_recall(keyhint(), mail_domain, v, max);
	for (i = 0; i < n; i++)
		memcpy(out[i], v[i].name, strlen(v[i].name) + 1);
	return n;
}

/* dkim_keyhint_reset - forget every hint */
void
dkim_keyhint_reset(void)
{
	dns_hint_reset(keyhint());
}
