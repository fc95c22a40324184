/*
 * smtp_addr - envelope addresses as the MTA hands them to the milter.
 *
 *	smtp_addr_parse(arg, a) - parse a MAIL FROM / RCPT TO argument such
 *		as "<user@example.com>", "<>" (null sender), a bare address,
 *		or one with an RFC 5321 source route ("<@relay:user@dom>").
 *		Fills a->null, a->address (local@domain without brackets),
 *		a->local, a->domain (lower case). Returns 0, or -1 with
 *		a->error saying in plain words what is wrong (unbalanced
 *		brackets, no domain, bad domain, too long, control bytes).
 *		A local part that is neither a quoted string nor atext and
 *		dots (an unquoted space, comma or other special) is not
 *		RFC 5321 syntax, but its domain still is what SPF checks
 *		(RFC 7208 4.3), and Postfix passes such addresses on: 0 with
 *		a->warning saying so. One rule for the daemon and
 *		authgate-check alike; both log either.
 *		Even on -1 a->address holds a printable copy for logs.
 *	smtp_addr_clear(a) - release the strings.
 *	smtp_is_domain(name) - a syntactically valid multi-label domain name
 *		(not an address literal), as SPF requires (RFC 7208 4.3).
 */
#ifndef AUTHGATE_SMTP_ADDR_H
#define AUTHGATE_SMTP_ADDR_H

#define SMTP_PATH_MAX	256		/* RFC 5321 4.5.3.1.3 */

struct smtp_addr {
	int		 null;
	char		*address;
	char		*local;
	char		*domain;
	const char	*error;
	const char	*warning;	/* usable, but not RFC 5321 syntax */
};

int	smtp_addr_parse(const char *, struct smtp_addr *);
void	smtp_addr_clear(struct smtp_addr *);
int	smtp_is_domain(const char *);

#endif
