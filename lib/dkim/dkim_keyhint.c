/*
 * dkim_keyhint - the DKIM keys an envelope sender domain's mail used
 * lately; see dkim_keyhint.h.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/siphash.h"
#include "dkim/dkim_keyhint.h"

/* names are allocated as they come, so an idle table costs a few
 * pointers per slot */
struct keyhint_slot {
	char	*domain;			/* lower case; NULL unused */
	char	*keys[DKIM_KEYHINT_PER_DOMAIN];	/* newest first */
};

static struct keyhint_slot keyhint_table[DKIM_KEYHINT_SLOTS];
static pthread_mutex_t keyhint_lock = PTHREAD_MUTEX_INITIALIZER;

/* keyhint_lower - the name in lower case into out; 0 if it does not fit */
static int
keyhint_lower(const char *name, char *out)
{
	size_t i, n = strlen(name);

	if (n == 0 || n >= DKIM_KEYHINT_NAME_MAX)
		return 0;
	for (i = 0; i <= n; i++)
		out[i] = (char)tolower((unsigned char)name[i]);
	return 1;
}

/* keyhint_slot - the slot of a lower-case domain */
static struct keyhint_slot *
keyhint_slot(const char *domain)
{
	return &keyhint_table[siphash24(siphash_process_key(), domain,
	    strlen(domain)) % DKIM_KEYHINT_SLOTS];
}

/* keyhint_clear - an empty slot */
static void
keyhint_clear(struct keyhint_slot *s)
{
	size_t i;

	mem_free(s->domain);
	for (i = 0; i < DKIM_KEYHINT_PER_DOMAIN; i++)
		mem_free(s->keys[i]);
	memset(s, 0, sizeof(*s));
}

/* dkim_keyhint_note - this domain's mail was signed with this key */
void
dkim_keyhint_note(const char *mail_domain, const char *key_name)
{
	char domain[DKIM_KEYHINT_NAME_MAX], key[DKIM_KEYHINT_NAME_MAX];
	struct keyhint_slot *s;
	char *keep;
	size_t i;

	if (mail_domain == NULL || key_name == NULL ||
	    !keyhint_lower(mail_domain, domain) ||
	    !keyhint_lower(key_name, key))
		return;
	s = keyhint_slot(domain);
	pthread_mutex_lock(&keyhint_lock);
	if (s->domain == NULL || strcmp(s->domain, domain) != 0) {
		keyhint_clear(s);
		s->domain = mem_strdup(domain);
	}
	/* the newest first, each key once: the common case, the same key
	 * again, changes nothing */
	if (s->keys[0] == NULL || strcmp(s->keys[0], key) != 0) {
		for (i = 1; i < DKIM_KEYHINT_PER_DOMAIN && s->keys[i] !=
		    NULL && strcmp(s->keys[i], key) != 0; i++)
			;
		if (i == DKIM_KEYHINT_PER_DOMAIN)
			i--;	/* the oldest goes */
		keep = s->keys[i] != NULL && strcmp(s->keys[i], key) == 0 ?
		    s->keys[i] : NULL;
		if (keep == NULL)
			mem_free(s->keys[i]);
		memmove(&s->keys[1], &s->keys[0], i * sizeof(s->keys[0]));
		s->keys[0] = keep != NULL ? keep : mem_strdup(key);
	}
	pthread_mutex_unlock(&keyhint_lock);
}

/* dkim_keyhint_recall - the keys this domain's mail used lately */
size_t
dkim_keyhint_recall(const char *mail_domain,
    char (*out)[DKIM_KEYHINT_NAME_MAX], size_t max)
{
	char domain[DKIM_KEYHINT_NAME_MAX];
	struct keyhint_slot *s;
	size_t i, n = 0;

	if (mail_domain == NULL || !keyhint_lower(mail_domain, domain))
		return 0;
	if (max > DKIM_KEYHINT_PER_DOMAIN)
		max = DKIM_KEYHINT_PER_DOMAIN;
	s = keyhint_slot(domain);
	pthread_mutex_lock(&keyhint_lock);
	if (s->domain != NULL && strcmp(s->domain, domain) == 0)
		for (i = 0; i < max && s->keys[i] != NULL; i++)
			memcpy(out[n++], s->keys[i], strlen(s->keys[i]) + 1);
	pthread_mutex_unlock(&keyhint_lock);
	return n;
}

/* dkim_keyhint_reset - forget every hint */
void
dkim_keyhint_reset(void)
{
	size_t i;

	pthread_mutex_lock(&keyhint_lock);
	for (i = 0; i < DKIM_KEYHINT_SLOTS; i++)
		keyhint_clear(&keyhint_table[i]);
	pthread_mutex_unlock(&keyhint_lock);
}
