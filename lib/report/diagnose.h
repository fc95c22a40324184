/*
 * diagnose - what each check found, in plain words for the sender's
 * postmaster, whether or not the policy refuses on it: the diagnosis
 * authgate-check prints. The words are the ones a refusal would use
 * (verdict_text.c, verdict_ip.c), so the tool and the daemon never
 * disagree on what a result means or how to fix it.
 *
 *	diagnose_facts(facts, policy, out) - one finding per check that ran,
 *		in the order the checks run: ip_list, dnsbl, iprev, helo,
 *		spf-helo, spf-mailfrom, the sending side (login-mailfrom,
 *		lockdown-mailfrom, login-from, lockdown-from, state, block,
 *		rate), sender_networks, dkim, from, dmarc.
 *		A finding has the check's name, its result in a word or two
 *		("fail", "listed", "pass (mail.example.org)"), ok when there
 *		is nothing to fix, and the lines that say what was found and
 *		how to fix it.
 *	diagnosis_clear(d)
 * Pure apart from memory: no I/O.
 */
#ifndef AUTHGATE_DIAGNOSE_H
#define AUTHGATE_DIAGNOSE_H

#include <stddef.h>

#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

#define DIAGNOSE_MAX	24

struct finding {
	const char	*check;
	char		*result;
	int		 ok;
	size_t		 nlines;
	char		*lines[VERDICT_MAX_LINES];
};

struct diagnosis {
	size_t		 n;
	struct finding	 f[DIAGNOSE_MAX];
};

void	diagnose_facts(const struct facts *, const struct policy *,
	    struct diagnosis *);
void	diagnosis_clear(struct diagnosis *);

#endif
