/*
 * verdict_ip - the words of a refusal for the connect-stage checks: the
 * admin's own lists, DNS block lists, reverse DNS, the HELO name and
 * per-domain authorized sender networks. Each names what was found and
 * what the sender's postmaster has to change, the way the big receivers
 * word it ("send through your provider's relay", "ask your ISP for a
 * PTR record").
 *
 *	verdict_explain_iplist(facts, v) - a client on a deny list: the
 *		list's own text or the built-in words.
 *	verdict_explain_authz(outcome, from, facts, v) - a sender domain
 *		used from a network its sender_networks rule does not list
 *		(from: the From: domain, else MAIL FROM's).
 *	verdict_explain_dnsbl(facts, score, threshold, v) - the listing
 *		(or the score of several) that refuses, or a list that did
 *		not answer.
 *	verdict_explain_dnsbl_listing(facts, score, threshold, v) - what
 *		the lists that have the client say, with delisting URLs.
 *	verdict_explain_iprev(facts, v) - reverse DNS missing or not
 *		confirming.
 *	verdict_explain_helo(facts, policy, v) - the HELO fact that refuses.
 *
 * Templates the admin wrote (reply texts of lists and listings) are
 * expanded with template.c, which bounds and sanitises every value;
 * the default texts are used when a list has none.
 */
#ifndef AUTHGATE_VERDICT_IP_H
#define AUTHGATE_VERDICT_IP_H

#include "ipcheck/authz.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict_reply.h"

void	verdict_explain_iplist(const struct facts *, struct verdict *);
void	verdict_explain_authz(const struct authz_outcome *, int,
	    const struct facts *, struct verdict *);
void	verdict_explain_dnsbl(const struct facts *, int, int,
	    struct verdict *);
void	verdict_explain_dnsbl_listing(const struct facts *, int, int,
	    struct verdict *);
void	verdict_explain_iprev(const struct facts *, struct verdict *);
void	verdict_explain_helo(const struct facts *, const struct policy *,
	    struct verdict *);

#endif
