/*
 * summary - the one log line per message (or refused transaction):
 * client, identities, every check result, the verdict and the queue id.
 *
 *	summary_format(facts, verdict, stage, queue_id, nrcpt, ms, out)
 *		e.g. "4XbQk2 client=mail.example.org[192.0.2.7]
 *		helo=mail.example.org from=<a@example.org> rcpts=1
 *		[ip_list=name(deny 192.0.2.0/24)]
 *		[dnsbl=zen.example:127.0.0.2(SBL +3),wl.example:error(...)
 *		dnsbl_score=3] [iprev=pass(name) [generic_name=yes]]
 *		[helo_facts=own_name,...] [sender_networks_mailfrom=no]
 *		[rcpt_exempt=postmaster]
 *		spf_mailfrom=fail(example.org) spf_helo=pass
 *		dkim=pass(example.org) dmarc=fail(example.org p=reject: ...)
 *		[exempt="..."] [would="..."] verdict=reject 550 5.7.1 (dmarc)
 *		stage=rcpt time=3ms reply="SPF fail: ... | To fix: ..."" -
 *		exempt= when an exemption applied, would= what report-only
 *		checks would have done, reply= whenever the message was
 *		refused or held.
 *	summary_json(...) - the same as one JSON object (log_format =
 *		json): queue_id, client_name, client_ip, helo, mail_from,
 *		rcpts, ip_list, dnsbl [{zone, status, codes, categories}],
 *		dnsbl_score, iprev, helo_facts, sender_networks_*, login,
 *		account, lockdown_*, sender_login_*, state_error, block,
 *		rate, spf_mailfrom, spf_helo, dkim [{result, domain,
 *		selector, reason}], from_error, dmarc, verdict {action,
 *		pending, check, code, xcode, stage, reply [lines]}, exempt,
 *		would, time_ms; a key whose check did not run is left out.
 * Untrusted values are made printable and bounded.
 */
#ifndef AUTHGATE_SUMMARY_H
#define AUTHGATE_SUMMARY_H

#include "util/str.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

void	summary_format(const struct facts *, const struct verdict *,
	    enum stage, const char *, unsigned, long, str *);
void	summary_json(const struct facts *, const struct verdict *,
	    enum stage, const char *, unsigned, long, str *);

#endif
