/*
 * identity - who is sending, on a relay or submission server: the SMTP
 * AUTH login, the customer account it belongs to (or, for a relay
 * client that does not log in, the account of its network), and which
 * addresses each login or account may use as a sender. The maps come
 * from the config and from files ("key value" lines, reloaded with the
 * config); errors name file:line.
 *
 *	identity_login_add(maps, login, len, account, err) - "bob acme":
 *		the login's account (logins compare without regard to case).
 *	identity_owner_add(maps, key, len, owners, err) - who may send as
 *		key: "bob@example.com" (one address), "@example.com" (any
 *		address of the domain), "@.example.com" (the domain and its
 *		subdomains); owners are logins and "account:NAME" entries,
 *		separated by commas or spaces.
 *	identity_logins_file(maps, path, err),
 *	identity_owners_file(maps, path, err) - the same from a file.
 *	identity_index(maps) - sort for lookups, after the last add.
 *	identity_resolve(maps, clients, login, ip, out) - the sender of a
 *		transaction: login (NULL when none), its account from the
 *		login map, else the account of the client network (clients:
 *		a netlist whose entries' text is the account), else none.
 *	identity_owned(maps, who, local, domain, out) - may this sender use
 *		local@domain: out->checked only when the sender has a login
 *		or an account and the address a domain; out->allowed when an
 *		owner entry of the most specific key that lists the address
 *		names the login or "account:" its account (or, with
 *		unowned_ok, when no key lists it at all).
 *	identity_may_use(maps, who, out, max) - the keys this sender owns
 *		(at most max, "..." after), for the refusal's explanation.
 *	binding_outcome_clear(out), identity_maps_free(maps)
 */
#ifndef AUTHGATE_IDENTITY_H
#define AUTHGATE_IDENTITY_H

#include <stddef.h>

#include "util/ipaddr.h"
#include "util/netlist.h"
#include "util/str.h"

#define IDENTITY_NAME_MAX	320	/* a login or an address */

struct identity_login {
	char	*login;		/* lower case */
	char	*account;
	size_t	 order;		/* position added: the first one wins */
};

struct identity_owner {
	char	*key;		/* "a@b", "@b" or "@.b", lower case */
	char	**owners;	/* logins (lower case), "account:NAME" */
	size_t	 nowners;
	size_t	 order;
};

struct identity_maps {
	struct identity_login	*logins;
	size_t			 nlogins;
	struct identity_owner	*owners;
	size_t			 nowners;
	int			 unowned_ok;	/* addresses no key lists */
};

struct sender_identity {
	const char	*login;		/* SMTP AUTH login, NULL: none */
	const char	*account;	/* NULL: none */
	const char	*via;		/* "login", or the client network */
};

struct binding_outcome {
	int		 checked;
	int		 allowed;
	char		*address;	/* the address checked */
	char		*key;		/* the map key that lists it, NULL */
	char		*owners;	/* its owners, as text */
	int		 unreadable;	/* no address: address says why
					 * ("the From: field appears 2 times") */
};

int	 identity_login_add(struct identity_maps *, const char *, size_t,
	    const char *, str *);
int	 identity_owner_add(struct identity_maps *, const char *, size_t,
	    const char *, str *);
int	 identity_logins_file(struct identity_maps *, const char *, str *);
int	 identity_owners_file(struct identity_maps *, const char *, str *);
void	 identity_index(struct identity_maps *);
void	 identity_resolve(const struct identity_maps *, const netlist *,
	    const char *, const ipaddr *, struct sender_identity *);
void	 identity_owned(const struct identity_maps *,
	    const struct sender_identity *, const char *, const char *,
	    struct binding_outcome *);
void	 identity_may_use(const struct identity_maps *,
	    const struct sender_identity *, str *, size_t);
void	 binding_outcome_clear(struct binding_outcome *);
void	 identity_maps_free(struct identity_maps *);

#endif
