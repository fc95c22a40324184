/*
 * session - per-connection state and background checks; see session.h.
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/deadline.h"
#include "util/ipaddr.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/netlist.h"
#include "util/prom.h"
#include "util/str.h"
#include "util/task.h"
#include "mail/authres.h"
#include "mail/smtp_addr.h"
#include "dns/dns_hint.h"
#include "dkim/dkim_keyhint.h"
#include "spf/spf.h"
#include "ipcheck/authz.h"
#include "ipcheck/dnsbl.h"
#include "ipcheck/helo_check.h"
#include "ipcheck/iplist.h"
#include "ipcheck/iprev.h"
#include "sender/identity.h"
#include "sender/limits.h"
#include "sender/lockdown.h"
#include "verdict/exempt.h"
#include "verdict/facts.h"
#include "verdict/verdict.h"
#include "dmarcrep/dmarcrep_report.h"
#include "report/dmarc_evidence.h"
#include "report/dmarc_failure.h"
#include "report/metrics.h"
#include "report/summary.h"
#include "session/hints.h"
#include "session/message.h"
#include "session/runtime.h"
#include "session/session.h"

/* the header fields kept for a failure report, at most (the MTA bounds
 * the header; a report carries the fields that fit, a field too big is
 * left out) */
#define SESSION_HEADERS_MAX	32768

static void	session_log_summary(struct session *);

/* what the transactions' log lines said, for the service status */
static atomic_ulong session_counted[ACT_COUNT];

/* per client address, the MAIL FROM domain of its last transaction: a
 * name to start lookups for at its next connect, never an answer */
#define SESSION_GUESS_SLOTS	4096
#define SESSION_GUESS_AGE_MS	10000	/* connect to MAIL, at most */
static dns_hint *session_guesses;
static pthread_once_t session_guesses_once = PTHREAD_ONCE_INIT;

static void	session_guess(struct session *);
static void	session_guess_clear(struct session *);

/* session_guesses_create - the table, made on first use */
static void
session_guesses_create(void)
{
	session_guesses = dns_hint_new(SESSION_GUESS_SLOTS, 1);
}

/* session_guess_table - the process's table */
static dns_hint *
session_guess_table(void)
{
	pthread_once(&session_guesses_once, session_guesses_create);
	return session_guesses;
}

/* session_forwarder_check - the first trusted forwarder whose SPF record
 * lists the client (a pass for postmaster@forwarder); -1 if cache_only
 * missed */
static int
session_forwarder_check(struct spf_job *job, int flags)
{
	struct session *s = job->sess;
	const domlist *fw = &s->rt->conf->trusted_forwarders;
	struct spf_outcome o;
	size_t i;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < fw->n; i++) {
		if (spf_check_helo(s->rt->spf, s->rt->resolver, &s->ip,
		    fw->v[i], job->deadline, flags, &o) != 0)
			return -1;
		if (o.result == SPFR_PASS) {
			job->out = o;
			return 0;
		}
		spf_outcome_clear(&o);
	}
	return 0;
}

/* session_spf_check - run one SPF check; -1 if cache_only missed */
static int
session_spf_check(struct spf_job *job, int flags)
{
	struct session *s = job->sess;

	switch (job->kind) {
	case SPF_JOB_HELO:
		return spf_check_helo_held(s->rt->spf, s->rt->resolver,
		    job->hold, &s->ip, s->helo, job->deadline, flags,
		    &job->out);
	case SPF_JOB_MAILFROM:
		return spf_check_mailfrom_held(s->rt->spf, s->rt->resolver,
		    job->hold, &s->ip, s->helo, &s->from, job->deadline, flags,
		    &job->out);
	default:
		return session_forwarder_check(job, flags);
	}
}

/* session_spf_wanted - does no exemption skip SPF for this client */
static int
session_spf_wanted(const struct session *s)
{
	return s->have_ip && exempt_spf(&s->rt->conf->policy, &s->facts,
	    NULL, NULL) != EXEMPT_SKIP;
}

/* session_spf_run - the background part of an SPF check */
static void
session_spf_run(void *arg)
{
	(void)session_spf_check(arg, 0);
}

/* session_spf_start - an SPF check: inline when every answer it needs is
 * cached (no thread hand-off at all), otherwise in the background, started
 * now so its DNS lookups overlap the SMTP dialogue; hold: lookups started
 * for it earlier (the job's now), or NULL; domain: the one whose record
 * the check starts with, or NULL */
static void
session_spf_start(struct session *s, struct spf_job *job,
    enum spf_job_kind kind, dns_hold *hold, const char *domain)
{
	memset(job, 0, sizeof(*job));
	job->sess = s;
	job->kind = kind;
	job->hold = hold;
	job->deadline = deadline_in(s->rt->conf->spf_timeout_ms);
	if (session_spf_check(job, SPF_CACHE_ONLY) == 0) {
		job->ready = 1;
		return;
	}
	spf_outcome_clear(&job->out);	/* a partial cache-only try */
	/* the record and the chain hinted for it are asked from here, not
	 * by the pool thread once it is woken: that would put the wake-up
	 * (a tenth of a millisecond or more on a busy host) before them */
	if (domain != NULL && smtp_is_domain(domain)) {
		if (job->hold == NULL)
			job->hold = dns_hold_new(s->rt->resolver);
		spf_prefetch(s->rt->spf, job->hold, &s->ip, domain);
	}
	job->task = task_run(runtime_tasks(), session_spf_run, job);
}

/* session_spf_join - wait for a check; move its result into the facts */
static void
session_spf_join(struct spf_job *job, struct spf_outcome *fact)
{
	if (job->task == NULL && !job->ready)
		return;
	if (job->task != NULL)
		task_wait(job->task);
	job->task = NULL;
	job->ready = 0;
	dns_hold_free(job->hold);
	job->hold = NULL;
	spf_outcome_clear(fact);
	*fact = job->out;
	memset(&job->out, 0, sizeof(job->out));
}

/* session_forwarder_join - wait for the forwarder check, note the result */
static void
session_forwarder_join(struct session *s)
{
	session_spf_join(&s->fwd_job, &s->fwd);
	s->facts.forwarder = s->fwd.checked && s->fwd.result == SPFR_PASS ?
	    s->fwd.domain : NULL;
}

/* session_iprev_run - the background part of the reverse DNS check */
static void
session_iprev_run(void *arg)
{
	struct iprev_job *job = arg;
	struct session *s = job->sess;

	(void)iprev_check(&s->rt->conf->iprev, s->rt->resolver, &s->ip,
	    s->ptr_name, job->deadline, 0, &job->out);
}

/* session_iprev_start - the reverse DNS check, inline when cached */
static void
session_iprev_start(struct session *s)
{
	struct iprev_job *job = &s->iprev_job;

	memset(job, 0, sizeof(*job));
	job->sess = s;
	job->deadline = deadline_in(s->rt->conf->iprev_timeout_ms);
	if (s->rt->conf->iprev.trust_mta && s->mta_verified &&
	    iprev_confirmed(&s->rt->conf->iprev, &s->ip, s->client_name,
	    &job->out) == 0) {
		job->ready = 1;
		return;
	}
	if (iprev_check(&s->rt->conf->iprev, s->rt->resolver, &s->ip, NULL,
	    job->deadline, IPREV_CACHE_ONLY, &job->out) == 0) {
		job->ready = 1;
		return;
	}
	job->task = task_run(runtime_tasks(), session_iprev_run, job);
}

/* session_ip_checks_join - wait for the connect-stage checks (each has
 * its own deadline) and move their results into the facts; before the
 * end (all = 0) only for those that can refuse mail: the reverse DNS
 * check's PTR then A lookups take two round trips, which the answer to
 * RCPT need not wait for when the result only goes into the header */
static void
session_ip_checks_join(struct session *s, int all)
{
	const struct policy *p = session_policy(s);
	struct iprev_job *job = &s->iprev_job;

	if (s->dnsbl_q != NULL) {
		dnsbl_finish(s->dnsbl_q, &s->facts.dnsbl);
		s->dnsbl_q = NULL;
	}
	if (job->ready || (job->task != NULL &&
	    (all || policy_refuses_on_iprev(p)))) {
		if (job->task != NULL)
			task_wait(job->task);
		job->task = NULL;
		job->ready = 0;
		iprev_outcome_clear(&s->facts.iprev);
		s->facts.iprev = job->out;
		memset(&job->out, 0, sizeof(job->out));
	}
	if (s->helo_q != NULL && (all || policy_refuses_on_helo_dns(p))) {
		helo_resolve_finish(s->helo_q, s->helo_deadline,
		    &s->facts.helo_check);
		s->helo_q = NULL;
	}
}

/* session_ip_checks_clear - forget the connect-stage checks; lookups
 * still under way are dropped, a background iprev check is waited for
 * (it writes into the session) */
static void
session_ip_checks_clear(struct session *s)
{
	dnsbl_cancel(s->dnsbl_q);
	s->dnsbl_q = NULL;
	helo_resolve_cancel(s->helo_q);
	s->helo_q = NULL;
	session_ip_checks_join(s, 1);
	dnsbl_outcome_clear(&s->facts.dnsbl);
	iprev_outcome_clear(&s->facts.iprev);
	helo_outcome_clear(&s->facts.helo_check);
	memset(&s->facts.iplist, 0, sizeof(s->facts.iplist));
}

/* session_ip_wanted - is a connect-stage check on for this client */
static int
session_ip_wanted(const struct session *s, enum check c)
{
	return s->have_ip && (s->rt->conf->policy.ip_checks & (1u << c)) &&
	    exempt_check(&s->rt->conf->policy, &s->facts, c, NULL) !=
	    EXEMPT_SKIP;
}

/* session_sender_wanted - does a sending-side check run for this
 * transaction (its identity is on, no exemption skips it) */
static int
session_sender_wanted(const struct session *s, unsigned identities,
    unsigned identity, enum check c)
{
	return (identities & identity) && exempt_check(session_policy(s),
	    &s->facts, c, NULL) != EXEMPT_SKIP;
}

/* session_lockdown_sender - who asks, for a lockdown record */
static void
session_lockdown_sender(const struct session *s, const char *address,
    struct lockdown_sender *ls)
{
	const struct conf *c = s->rt->conf;

	memset(ls, 0, sizeof(*ls));
	ls->relay_ids = (const char *const *)c->relay_ids;
	ls->nrelay_ids = c->nrelay_ids;
	ls->who = &s->facts.sender;
	ls->address = address;
}

/* session_sender_mail - at MAIL FROM: who sends, the MAIL FROM lockdown
 * lookup started, the login's right to the address */
static void
session_sender_mail(struct session *s)
{
	const struct conf *c = s->rt->conf;
	const char *domain = s->from.domain;

	identity_resolve(&c->identity, &c->client_accounts, s->auth_user,
	    s->have_ip ? &s->ip : NULL, &s->facts.sender);
	s->facts.relay_ids = (const char *const *)c->relay_ids;
	s->facts.nrelay_ids = c->nrelay_ids;
	s->facts.identity = &c->identity;
	if (s->from.error != NULL || domain == NULL || domain[0] == '\0')
		return;	/* the null sender, or no usable domain */
	if (session_sender_wanted(s, c->lockdown_identities, AUTHZ_MAILFROM,
	    CHECK_LOCKDOWN)) {
		s->ld_mailfrom_deadline = deadline_in(c->lockdown_timeout_ms);
		s->ld_mailfrom_q = lockdown_start(s->rt->resolver,
		    c->lockdown_label, domain);
	}
	if (session_sender_wanted(s, c->sender_login_identities,
	    AUTHZ_MAILFROM, CHECK_SENDER_LOGIN))
		identity_owned(&c->identity, &s->facts.sender, s->from.local,
		    domain, &s->facts.login_mailfrom);
}

/* session_sender_from - the From: field arrived: start the lockdown
 * lookup of each of its domains */
static void
session_sender_from(struct session *s)
{
	const struct conf *c = s->rt->conf;
	const struct from_list *fl;
	size_t i, j;

	if (s->nld_from > 0 || s->facts.lockdown_from.checked || !s->in_tx ||
	    (fl = message_author(s->msg)) == NULL ||
	    !session_sender_wanted(s, c->lockdown_identities, AUTHZ_FROM,
	    CHECK_LOCKDOWN))
		return;
	s->ld_from_deadline = deadline_in(c->lockdown_timeout_ms);
	for (i = 0; i < fl->n; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(fl->v[j].domain, fl->v[i].domain) == 0)
				break;
		if (j < i)
			continue;
		if (s->nld_from == SESSION_FROM_DOMAINS) {
			s->ld_from_overflow = 1;
			break;
		}
		s->ld_from_box[s->nld_from] = i;
		s->ld_from_q[s->nld_from++] = lockdown_start(s->rt->resolver,
		    c->lockdown_label, fl->v[i].domain);
	}
}

/* session_lockdown_rank - which of several From: domains' results
 * speaks: a refusal first, then a failed lookup, then a pass */
static int
session_lockdown_rank(enum lockdown_result r)
{
	switch (r) {
	case LOCKDOWNR_FAIL:
	case LOCKDOWNR_PERMERROR:
		return 3;
	case LOCKDOWNR_TEMPERROR:
		return 2;
	case LOCKDOWNR_PASS:
		return 1;
	default:
		return 0;
	}
}

/* session_lockdown_from - finish the From: domains' lookups; the result
 * that speaks goes into the facts */
static void
session_lockdown_from(struct session *s, const struct from_list *fl)
{
	struct lockdown_outcome o;
	struct lockdown_sender ls;
	const struct from_mailbox *mb;
	unsigned i;
	str addr;

	for (i = 0; i < s->nld_from; i++) {
		str_init(&addr);
		/* the first address of the domain looked up */
		if (fl != NULL && s->ld_from_box[i] < fl->n) {
			mb = &fl->v[s->ld_from_box[i]];
			str_appendf(&addr, "%s@%s", mb->local, mb->domain);
		}
		session_lockdown_sender(s, str_cstr(&addr), &ls);
		lockdown_finish(s->ld_from_q[i], s->ld_from_deadline, &ls, &o);
		s->ld_from_q[i] = NULL;
		str_free(&addr);
		if (!s->facts.lockdown_from.checked ||
		    session_lockdown_rank(o.result) > session_lockdown_rank(
		    s->facts.lockdown_from.result)) {
			lockdown_outcome_clear(&s->facts.lockdown_from);
			s->facts.lockdown_from = o;
		} else
			lockdown_outcome_clear(&o);
	}
	s->nld_from = 0;
}

/* session_sender_unreadable - a From: field that names no author (none,
 * several, unreadable, too many domains): the sending side's From:
 * checks cannot pass it, so they refuse it, in their own words */
static void
session_sender_unreadable(struct session *s, const char *why)
{
	const struct conf *c = s->rt->conf;
	str text;

	if (session_sender_wanted(s, c->lockdown_identities, AUTHZ_FROM,
	    CHECK_LOCKDOWN)) {
		lockdown_outcome_clear(&s->facts.lockdown_from);
		s->facts.lockdown_from.checked = 1;
		s->facts.lockdown_from.result = LOCKDOWNR_PERMERROR;
		s->facts.lockdown_from.domain = mem_strdup("From:");
		str_init(&text);
		str_appendf(&text, "the From: field %s", why);
		s->facts.lockdown_from.error = str_steal(&text);
	}
	if ((s->facts.sender.login != NULL || s->facts.sender.account != NULL)
	    && session_sender_wanted(s, c->sender_login_identities,
	    AUTHZ_FROM, CHECK_SENDER_LOGIN)) {
		binding_outcome_clear(&s->facts.login_from);
		s->facts.login_from.checked = 1;
		s->facts.login_from.unreadable = 1;
		str_init(&text);
		str_appendf(&text, "the From: field %s", why);
		s->facts.login_from.address = str_steal(&text);
	}
}

/* session_sender_join - the MAIL FROM lockdown result, when it is due */
static void
session_sender_join(struct session *s)
{
	struct lockdown_sender ls;

	if (s->ld_mailfrom_q == NULL)
		return;
	session_lockdown_sender(s, s->from.address, &ls);
	lockdown_finish(s->ld_mailfrom_q, s->ld_mailfrom_deadline, &ls,
	    &s->facts.lockdown_mailfrom);
	s->ld_mailfrom_q = NULL;
}

/* session_sender_eom - the From: checks: its lockdown record, and the
 * login's right to each of its addresses (the first it does not own
 * speaks) */
static void
session_sender_eom(struct session *s)
{
	const struct conf *c = s->rt->conf;
	const struct from_list *fl;
	size_t i;
	str why;

	if (s->from_checked || s->msg == NULL)
		return;
	s->from_checked = 1;
	fl = message_author(s->msg);
	session_lockdown_from(s, fl);
	str_init(&why);
	if (fl == NULL)
		message_author_problem(s->msg, &why);
	else if (s->ld_from_overflow)
		str_appendf(&why, "has more than %d domains",
		    SESSION_FROM_DOMAINS);
	if (why.len > 0)
		session_sender_unreadable(s, str_cstr(&why));
	str_free(&why);
	if (fl == NULL || !session_sender_wanted(s, c->sender_login_identities,
	    AUTHZ_FROM, CHECK_SENDER_LOGIN))
		return;
	for (i = 0; i < fl->n; i++) {
		binding_outcome_clear(&s->facts.login_from);
		identity_owned(&c->identity, &s->facts.sender, fl->v[i].local,
		    fl->v[i].domain, &s->facts.login_from);
		if (!s->facts.login_from.allowed)
			break;
	}
}

/* session_limits_input - the keys of this transaction */
static void
session_limits_input(const struct session *s, struct limits_input *in)
{
	memset(in, 0, sizeof(*in));
	in->value[LIMIT_IP] = s->have_ip ? s->ip_text : NULL;
	in->value[LIMIT_LOGIN] = s->facts.sender.login;
	in->value[LIMIT_ACCOUNT] = s->facts.sender.account;
	in->value[LIMIT_SENDER_DOMAIN] = s->from.error == NULL ?
	    s->from.domain : NULL;
	in->rcpts = 1;
}

/* session_limits - at the first recipient the verdict lets through: the
 * blocks in force and the rate limits (one store round trip); 1 if the
 * verdict must be made again */
static int
session_limits(struct session *s)
{
	const struct conf *c = s->rt->conf;
	const struct policy *p = session_policy(s);
	struct limits_input in;
	unsigned what = 0;

	if (s->limits_done || !s->in_tx)
		return 0;
	s->limits_done = 1;
	/* an exempt sender is neither refused nor counted */
	if (c->limits.block_kinds != 0 && exempt_check(p, &s->facts,
	    CHECK_BLOCK, NULL) != EXEMPT_SKIP)
		what |= LIMITS_BLOCKS;
	if (limits_rate_enabled(&c->limits) && exempt_check(p, &s->facts,
	    CHECK_RATE, NULL) != EXEMPT_SKIP)
		what |= LIMITS_RATES;
	if (what == 0)
		return 0;
	session_limits_input(s, &in);
	if (limits_check(runtime_state(s->rt), &c->limits, &in,
	    deadline_wall(), what, &s->facts.limits) != 0)
		log_warn("%s: blocks and rate limits not checked: %s",
		    s->queue_id != NULL ? s->queue_id : "NOQUEUE",
		    s->facts.limits.error);
	return s->facts.limits.checked;
}

/* session_limits_rcpt - one more recipient of a message already counted:
 * over the recipients' room left is over the limit */
static void
session_limits_rcpt(struct session *s)
{
	struct limit_outcome *o = &s->facts.limits;

	if (!o->checked || o->over || o->store_error || o->rcpt_room ==
	    UINT_MAX || s->nrcpt_ok + s->nrcpt_exempt < 1)
		return;
	if (s->nrcpt_ok + s->nrcpt_exempt - 1 >= o->rcpt_room)
		limits_rcpt_over(o);
}

/* session_limits_more_rcpts - at the end of a transaction whose message
 * was counted: the recipients after the first */
static void
session_limits_more_rcpts(struct session *s)
{
	struct limits_input in;
	unsigned n = s->nrcpt_ok + s->nrcpt_exempt;

	if (!s->facts.limits.checked || s->facts.limits.store_error ||
	    s->facts.limits.over || s->facts.limits.blocked || n < 2)
		return;
	session_limits_input(s, &in);
	limits_add_rcpts(runtime_state(s->rt), &s->rt->conf->limits, &in,
	    deadline_wall(), n - 1);
}

/* session_note_refusal - remember the first refusal of a transaction, to
 * count towards a block at its end */
static void
session_note_refusal(struct session *s)
{
	const struct verdict *v = &s->verdict;
	str why;
	size_t i;

	if (s->refusal != NULL || v->action != ACT_REJECT ||
	    s->rt->conf->limits.block_kinds == 0 || v->check == NULL ||
	    strcmp(v->check, "block") == 0 || strcmp(v->check, "rate") == 0)
		return;
	str_init(&why);
	str_appendf(&why, "%s %s (%s)", v->code, v->xcode, v->check);
	for (i = 0; i < v->nlines && i < 1; i++)
		str_appendf(&why, ": %s", v->lines[i]);
	s->refusal = str_steal(&why);
}

/* session_count_refusal - a refused transaction counts towards blocks */
static void
session_count_refusal(struct session *s)
{
	const struct conf *c = s->rt->conf;
	struct state_block b;
	struct limits_input in;

	if (s->refusal == NULL)
		return;
	if (exempt_check(session_policy(s), &s->facts, CHECK_BLOCK, NULL) !=
	    EXEMPT_SKIP) {
		session_limits_input(s, &in);
		in.rcpts = 0;
		if (limits_refusal(runtime_state(s->rt), &c->limits, &in,
		    deadline_wall(), s->refusal, &b) != 0)
			log_warn("%s: a refusal was not counted: the state "
			    "store failed", s->queue_id != NULL ? s->queue_id :
			    "NOQUEUE");
		else if (b.since != 0 && b.refusals > 0 &&
		    deadline_wall() - b.since < 1000)
			log_info("%s: blocked until %lld after %u refusals: %s",
			    s->queue_id != NULL ? s->queue_id : "NOQUEUE",
			    (long long)(b.until / 1000), b.refusals,
			    b.reason);
	}
	mem_free(s->refusal);
	s->refusal = NULL;
}

/* session_sender_clear - forget the sending side of a transaction */
static void
session_sender_clear(struct session *s)
{
	lockdown_cancel(s->ld_mailfrom_q);
	s->ld_mailfrom_q = NULL;
	while (s->nld_from > 0) {
		s->nld_from--;
		lockdown_cancel(s->ld_from_q[s->nld_from]);
		s->ld_from_q[s->nld_from] = NULL;
	}
	lockdown_outcome_clear(&s->facts.lockdown_mailfrom);
	lockdown_outcome_clear(&s->facts.lockdown_from);
	binding_outcome_clear(&s->facts.login_mailfrom);
	binding_outcome_clear(&s->facts.login_from);
	limit_outcome_clear(&s->facts.limits);
	memset(&s->facts.sender, 0, sizeof(s->facts.sender));
	s->from_checked = 0;
	s->ld_from_overflow = 0;
	s->limits_done = 0;
	mem_free(s->refusal);
	s->refusal = NULL;
}

/* session_new - a new milter connection, before the SMTP client is known */
struct session *
session_new(struct runtime *rt)
{
	struct session *s;

	s = mem_calloc(1, sizeof(*s));
	s->rt = rt;
	strcpy(s->ip_text, "unknown");
	s->facts.client_ip = s->ip_text;
	/* until the MTA says otherwise (it may skip connect) */
	s->client_name = mem_strdup("unknown");
	s->facts.client_name = s->client_name;
	s->connect_us = prom_now_us();
	s->facts.dns_wait_us = s->dns_wait_us;
	metrics_session(1);
	return s;
}

/* session_connect - the SMTP client: its address, verified name and
 * (unverified) PTR name */
void
session_connect(struct session *s, const ipaddr *ip, const char *client_name,
    const char *ptr_name)
{
	/* checks still running read the address (an XCLIENT reconnects
	 * after EHLO): they finish before it changes */
	session_spf_join(&s->helo_job, &s->facts.spf_helo);
	session_spf_join(&s->mf_job, &s->facts.spf_mailfrom);
	spf_outcome_clear(&s->facts.spf_helo);	/* another client's */
	spf_outcome_clear(&s->facts.spf_mailfrom);
	session_spf_join(&s->fwd_job, &s->fwd);
	spf_outcome_clear(&s->fwd);
	s->facts.forwarder = NULL;
	/* a background iprev check reads ptr_name: joined before it goes */
	session_ip_checks_clear(s);
	session_guess_clear(s);
	mem_free(s->client_name);
	mem_free(s->ptr_name);
	s->have_ip = 0;
	if (ip != NULL) {
		s->have_ip = 1;
		s->ip = *ip;
		ipaddr_format(ip, s->ip_text);
	} else
		strcpy(s->ip_text, "unknown");
	/* the MTA passes "[ip]" when the name is not verified; log it the
	 * way Postfix does: unknown[ip] */
	s->mta_verified = client_name != NULL && client_name[0] != '[' &&
	    strcasecmp(client_name, "unknown") != 0;
	s->client_name = mem_strdup(s->mta_verified ? client_name :
	    "unknown");
	s->facts.client_ip = s->ip_text;
	s->facts.ip = s->have_ip ? &s->ip : NULL;
	s->facts.client_name = s->client_name;
	/* the verified name is in the PTR record too */
	if (ptr_name == NULL && s->mta_verified)
		ptr_name = client_name;
	s->ptr_name = ptr_name != NULL ? mem_strdup(ptr_name) : NULL;
	s->facts.trusted_net = s->have_ip ? netlist_match(
	    &s->rt->conf->trusted_networks, &s->ip) : NULL;
	if (s->have_ip)
		(void)iplist_lookup(&s->rt->conf->iplists, &s->ip,
		    &s->facts.iplist);
	/* all lookups at once, so their latency overlaps the dialogue */
	if (session_ip_wanted(s, CHECK_DNSBL))
		s->dnsbl_q = dnsbl_start(&s->rt->conf->dnsbl, s->rt->resolver,
		    &s->ip, deadline_in(s->rt->conf->dnsbl_timeout_ms));
	if (session_ip_wanted(s, CHECK_IPREV))
		session_iprev_start(s);
	/* the forwarder check needs only the client address: start it now,
	 * so its DNS lookups overlap HELO and MAIL */
	if (s->rt->conf->trusted_forwarders.n > 0 && session_spf_wanted(s))
		session_spf_start(s, &s->fwd_job, SPF_JOB_FORWARDER, NULL,
		    NULL);
	session_guess(s);
}

/* session_helo - HELO/EHLO: remember it, start its SPF check */
void
session_helo(struct session *s, const char *helo)
{
	dns_hold *held;

	/* a second EHLO (after STARTTLS) replaces the first; a MAIL FROM
	 * check still running reads the HELO name, so let it finish */
	session_spf_join(&s->mf_job, &s->facts.spf_mailfrom);
	session_spf_join(&s->helo_job, &s->facts.spf_helo);
	spf_outcome_clear(&s->facts.spf_helo);
	mem_free(s->helo);
	s->helo = mem_strdup(helo != NULL ? helo : "");
	s->facts.helo = s->helo;
	dnsbl_poll(s->dnsbl_q);	/* TXT reasons of lists already in */
	helo_resolve_cancel(s->helo_q);
	s->helo_q = NULL;
	helo_outcome_clear(&s->facts.helo_check);
	if (session_ip_wanted(s, CHECK_HELO)) {
		helo_classify(s->helo, &s->ip, &s->rt->conf->helo_own_names,
		    &s->facts.helo_check);
		s->helo_deadline = deadline_in(s->rt->conf->helo_timeout_ms);
		s->helo_q = helo_resolve_start(s->rt->resolver,
		    &s->facts.helo_check);
	}
	if (s->rt->conf->spf_helo && session_spf_wanted(s)) {
		/* "a" is the HELO record's usual term: its lookup joins the
		 * HELO check's, in flight now, instead of asking after the
		 * record came (it would, with the cache off) */
		held = NULL;
		if (s->helo_q != NULL) {
			held = dns_hold_new(s->rt->resolver);
			dns_hold_start(held, s->helo,
			    dns_addr_type(s->ip.family));
		}
		session_spf_start(s, &s->helo_job, SPF_JOB_HELO, held,
		    s->helo);
	}
}

/* session_mail_domain - the MAIL FROM domain when lookups can be made
 * for it (readable, not the null sender, not an address literal) */
static const char *
session_mail_domain(const struct session *s)
{
	if (s->from.error != NULL || s->from.domain == NULL ||
	    s->from.domain[0] == '\0' || s->from.domain[0] == '[')
		return NULL;
	return s->from.domain;
}

/* session_message_lookups - start what the message checks of mail
 * from this MAIL FROM domain will ask: the From: domain is it, or under
 * its organizational domain, in most mail, so its DMARC records; and the
 * DKIM keys and the other author domains of its organization its mail
 * came with lately (hints.h), whose names otherwise come only with the
 * header, after RCPT is answered (a key or From: domain not hinted
 * starts its own lookups then). The hold is made when there is
 * something to start */
static void
session_message_lookups(struct session *s, dns_hold **hold,
    const char *domain)
{
	char keys[DKIM_KEYHINT_PER_DOMAIN][DKIM_KEYHINT_NAME_MAX];
	struct dns_hint_name authors[HINTS_AUTHORS_PER_DOMAIN];
	size_t i, nkeys = 0, nauthors = 0;
	int dmarc;

	dmarc = s->rt->dmarc != NULL && exempt_check(session_policy(s),
	    &s->facts, CHECK_DMARC, NULL) != EXEMPT_SKIP;
	if (s->rt->dkim != NULL && exempt_check(session_policy(s),
	    &s->facts, CHECK_DKIM, NULL) != EXEMPT_SKIP)
		nkeys = dkim_keyhint_recall(domain, keys,
		    DKIM_KEYHINT_PER_DOMAIN);
	if (!dmarc && nkeys == 0)
		return;
	if (*hold == NULL)
		*hold = dns_hold_new(s->rt->resolver);
	if (dmarc) {
		dmarc_prefetch(s->rt->dmarc, *hold, domain);
		nauthors = hints_authors(domain, authors,
		    HINTS_AUTHORS_PER_DOMAIN);
		for (i = 0; i < nauthors; i++)
			dmarc_prefetch(s->rt->dmarc, *hold, authors[i].name);
	}
	for (i = 0; i < nkeys; i++)
		dns_hold_start(*hold, keys[i], DNS_T_TXT);
}

/* session_guess - at connect: the MAIL FROM domain this client address
 * used last is most often the one it uses now (a domain's own servers,
 * an ESP's bounce domain), so its lookups start before MAIL and the
 * dialogue up to it (the TLS handshake above all) hides them */
static void
session_guess(struct session *s)
{
	struct dns_hint_name d;

	/* a trusted network's hosts send for any domain: no guess */
	if (!s->have_ip || s->facts.trusted_net != NULL)
		return;
	if (dns_hint_recall(session_guess_table(), s->ip_text, &d, 1) == 0)
		return;
	s->guess_domain = mem_strdup(d.name);
	s->guess_at = deadline_now();
	if (s->rt->conf->spf_mailfrom && session_spf_wanted(s)) {
		s->guess_spf = dns_hold_new(s->rt->resolver);
		spf_prefetch(s->rt->spf, s->guess_spf, &s->ip, d.name);
	}
	session_message_lookups(s, &s->guess_tx, d.name);
}

/* session_guess_clear - drop the lookups started at connect */
static void
session_guess_clear(struct session *s)
{
	mem_free(s->guess_domain);
	s->guess_domain = NULL;
	dns_hold_free(s->guess_spf);
	s->guess_spf = NULL;
	dns_hold_free(s->guess_tx);
	s->guess_tx = NULL;
}

/* session_guess_take - MAIL: when the guess was right, the message
 * checks take its lookups and the SPF check's are returned (the caller's
 * now); a wrong guess costs lookups nobody waits for, and answers held
 * longer than SESSION_GUESS_AGE_MS are not used (a TTL may have run out) */
static dns_hold *
session_guess_take(struct session *s)
{
	const char *domain = session_mail_domain(s);
	dns_hold *spf = NULL;

	if (domain != NULL && s->guess_domain != NULL &&
	    strcasecmp(domain, s->guess_domain) == 0 &&
	    deadline_now() - s->guess_at <= SESSION_GUESS_AGE_MS) {
		spf = s->guess_spf;
		s->guess_spf = NULL;
		if (s->tx_hold == NULL) {
			s->tx_hold = s->guess_tx;
			s->guess_tx = NULL;
		}
	}
	session_guess_clear(s);
	return spf;
}

/* session_guess_note - at the end of a transaction: its MAIL FROM domain
 * is the guess for the client's next connection when its SPF record
 * authorized the client, so a client can only have lookups started for
 * a domain that lists it; not for a logged-in client or a trusted
 * network's host, which send for many domains */
static void
session_guess_note(struct session *s)
{
	const char *domain = session_mail_domain(s);

	if (domain == NULL || !s->have_ip || s->auth_user != NULL ||
	    s->facts.trusted_net != NULL || !s->facts.spf_mailfrom.checked ||
	    s->facts.spf_mailfrom.result != SPFR_PASS)
		return;
	dns_hint_note(session_guess_table(), s->ip_text, domain, 0);
}

/* session_prefetch - the message checks' lookups, started at MAIL */
static void
session_prefetch(struct session *s)
{
	const char *domain = session_mail_domain(s);

	if (domain != NULL)
		session_message_lookups(s, &s->tx_hold, domain);
}

/* session_mail - MAIL FROM: a new transaction, start its SPF check */
void
session_mail(struct session *s, const char *arg, const char *queue_id,
    const char *auth_user)
{
	dns_hold *held;

	if (s->in_tx)
		session_end_tx(s);
	dnsbl_poll(s->dnsbl_q);
	s->in_tx = 1;
	s->tx_start = deadline_now();
	s->tx_start_us = prom_now_us();
	s->queue_id = mem_strdup(queue_id);
	if (smtp_addr_parse(arg != NULL ? arg : "", &s->from) != 0 ||
	    s->from.warning != NULL)
		log_warn("%s: malformed MAIL FROM %s from %s[%s]: %s",
		    queue_id != NULL ? queue_id : "NOQUEUE", s->from.address,
		    s->client_name, s->ip_text, s->from.error != NULL ?
		    s->from.error : s->from.warning);
	s->facts.mail_from = s->from.address;
	s->auth_user = auth_user != NULL && auth_user[0] != '\0' ?
	    mem_strdup(auth_user) : NULL;
	s->facts.auth_user = s->auth_user;
	if (s->helo == NULL) {
		/* MAIL without HELO: the SPF macros still need a value */
		s->helo = mem_strdup("");
		s->facts.helo = s->helo;
	}
	if (s->rt->conf->noverrides > 0)
		s->policy = conf_policy_for(s->rt->conf, s->from.domain, NULL);
	held = session_guess_take(s);
	/* a guess taken has this domain's record and hint started already */
	if (s->rt->conf->spf_mailfrom && session_spf_wanted(s))
		session_spf_start(s, &s->mf_job, SPF_JOB_MAILFROM, held,
		    held != NULL ? NULL : session_mail_domain(s));
	else
		dns_hold_free(held);
	session_prefetch(s);
	if (s->have_ip && s->from.domain != NULL && s->from.domain[0] != '\0'
	    && (s->rt->conf->policy.ip_checks & (1u << CHECK_AUTHZ)))
		authz_check(&s->rt->conf->authz, s->from.domain, AUTHZ_MAILFROM,
		    &s->ip, &s->facts.authz_mailfrom);
	session_sender_mail(s);
}

/* session_policy - the policy in force for this transaction */
const struct policy *
session_policy(const struct session *s)
{
	return s->policy != NULL ? s->policy : &s->rt->conf->policy;
}

/* session_rcpt - one more recipient; is it postmaster@ or alike; its
 * domain's policy override, if any */
void
session_rcpt(struct session *s, const char *rcpt)
{
	struct smtp_addr to;
	const char *match, *domain;
	int note;

	s->nrcpt++;
	/* the envelope_to of DMARC reports: the first accepted one's */
	note = s->envelope_to == NULL && runtime_recorder(s->rt) != NULL;
	if (s->rt->conf->noverrides > 0 || note) {
		/* a recipient without a usable domain has no override */
		(void)smtp_addr_parse(rcpt != NULL ? rcpt : "", &to);
		domain = to.error == NULL ? to.domain : NULL;
		if (s->rt->conf->noverrides > 0)
			s->policy = conf_policy_for(s->rt->conf,
			    s->from.domain, domain);
		if (note) {
			mem_free(s->rcpt_domain);
			s->rcpt_domain = domain != NULL ? mem_strdup(domain) :
			    NULL;
		}
		smtp_addr_clear(&to);
	}
	match = exempt_rcpt_match(session_policy(s), rcpt);
	s->facts.exempt_rcpt = match != NULL;
	s->facts.exempt_rcpt_name = match;
}

/* session_rcpt_answered - count the recipients the verdict let through */
void
session_rcpt_answered(struct session *s, const struct verdict *v)
{
	if (v->action != ACT_ACCEPT)
		return;
	if (s->eom_policy == NULL)
		s->eom_policy = session_policy(s);
	if (s->facts.exempt_rcpt)
		s->nrcpt_exempt++;
	else
		s->nrcpt_ok++;
	if (s->facts.exempt_rcpt && s->exempt_rcpt == NULL)
		s->exempt_rcpt = mem_strdup(s->facts.exempt_rcpt_name);
	if (s->envelope_to == NULL && s->rcpt_domain != NULL) {
		s->envelope_to = s->rcpt_domain;
		s->rcpt_domain = NULL;
		s->facts.envelope_to = s->envelope_to;
	}
}

/* session_message - the message checks, started with the first field */
static message *
session_message(struct session *s)
{
	struct message_cfg mc;

	if (s->msg != NULL)
		return s->msg;
	memset(&mc, 0, sizeof(mc));
	mc.resolver = s->rt->resolver;
	mc.dmarc_timeout_ms = s->rt->conf->dmarc_timeout_ms;
	if (s->eom_policy != NULL)
		s->policy = s->eom_policy;	/* the message's policy */
	if (s->rt->dkim != NULL && exempt_check(session_policy(s),
	    &s->facts, CHECK_DKIM, NULL) != EXEMPT_SKIP)
		mc.dkim = s->rt->dkim;
	if (s->rt->dmarc != NULL && exempt_check(session_policy(s),
	    &s->facts, CHECK_DMARC, NULL) != EXEMPT_SKIP)
		mc.dmarc = s->rt->dmarc;
	mc.arc = s->rt->conf->arc_enabled;
	mc.arc_keep = s->rt->conf->arc_seal_key != NULL;
	mc.arc_timeout_ms = s->rt->conf->arc_timeout_ms;
	mc.arc_trusted_sealers = &session_policy(s)->dmarc_trusted_sealers;
	mc.hold = s->tx_hold;
	s->msg = message_new(&mc);
	return s->msg;
}

/* session_ar_results - the results of an A-R field (after the
 * authserv-id), joined to out with "; " */
static void
session_ar_results(str *out, const char *value)
{
	const char *r;
	size_t n;

	if ((r = strchr(value, ';')) == NULL)
		return;
	for (r++; *r == ' ' || *r == '\t' || *r == '\r' || *r == '\n'; r++)
		;
	for (n = strlen(r); n > 0 && strchr(" \t\r\n;", r[n - 1]) != NULL;
	    n--)
		;
	if (n == 0)
		return;
	if (out->len > 0)
		str_append(out, ";\n\t");
	str_append_n(out, r, n);
}

/* session_header - one header field: the message checks, and A-R fields
 * that claim to be ours */
void
session_header(struct session *s, const char *raw_name, const char *value)
{
	const char *name;
	str id, v, trimmed;
	size_t n;

	/* "From :" is the obsolete syntax receivers must take (RFC 5322
	 * 4.5.2); Postfix hands the milter the name without the white
	 * space, authgate-check reads it from a file: the same name for
	 * both, so both see the same From: fields */
	n = strlen(raw_name);
	while (n > 0 && (raw_name[n - 1] == ' ' || raw_name[n - 1] == '\t'))
		n--;
	str_init(&trimmed);
	str_append_n(&trimmed, raw_name, n);
	name = str_cstr(&trimmed);
	str_init(&v);
	/* the field as it is in the message: without HDR_LEADSPC the MTA
	 * removed the space after the colon */
	if (!s->leading_space)
		str_append_c(&v, ' ');
	str_append(&v, value);
	message_header(session_message(s), name, str_cstr(&v), v.len);
	if (s->rt->conf->dmarc_failure && runtime_recorder(s->rt) != NULL &&
	    s->headers.len + strlen(name) + v.len + 2 <= SESSION_HEADERS_MAX)
		str_appendf(&s->headers, "%s:%s\n", name, str_cstr(&v));
	str_free(&v);
	if (strcasecmp(name, "From") == 0)
		session_sender_from(s);
	/* our marks arrive only as forgeries: they are deleted at EOM */
	if (strcasecmp(name, "X-Authgate-Tag") == 0)
		s->ntag_fields++;
	else if (strcasecmp(name, "X-Authgate-Quarantine") == 0)
		s->nquarantine_fields++;
	if (strcasecmp(name, "Authentication-Results") != 0) {
		str_free(&trimmed);
		return;
	}
	s->nauthres++;
	str_init(&id);
	if (authres_authserv_id(value, strlen(value), &id) == 0 &&
	    strcasecmp(str_cstr(&id), s->rt->conf->authserv_id) == 0) {
		/* no cap: every forgery goes (the MTA bounds the header) */
		if (s->nforged == s->capforged) {
			s->capforged = s->capforged ? 2 * s->capforged : 8;
			s->forged = mem_realloc(s->forged, s->capforged *
			    sizeof(*s->forged));
		}
		s->forged[s->nforged++] = s->nauthres;
		/* the topmost: the one we wrote when the message came in */
		if (s->rt->conf->arc_seal_key != NULL && s->ar_ours.len == 0)
			session_ar_results(&s->ar_ours, value);
	}
	str_free(&id);
	str_free(&trimmed);
}

/* session_waited - this thread's waits since its last take are the
 * stage's; the stage is listed even without a wait when always */
static void
session_waited(struct session *s, enum stage stage, int always)
{
	int64_t waited = deadline_waited_take();

	s->dns_wait_us[stage] += waited;
	if (always || waited > 0)
		s->facts.dns_wait_stages |= 1u << stage;
}

/* session_body - body bytes; 0 when the checks need no more. The
 * first chunk ends the header; nothing waits there for DNS (DKIM waits
 * for its keys at the end), but a wait would count for the DATA stage */
int
session_body(struct session *s, const unsigned char *p, size_t n)
{
	int more;

	(void)deadline_waited_take();
	more = message_body(session_message(s), p, n);
	session_waited(s, STAGE_DATA, 0);
	return more;
}

/* session_join - the checks under way joined into the facts: all of
 * them, or (all = 0) the connect-stage ones only if they can refuse */
static void
session_join(struct session *s, int all)
{
	session_ip_checks_join(s, all);
	session_spf_join(&s->helo_job, &s->facts.spf_helo);
	session_spf_join(&s->mf_job, &s->facts.spf_mailfrom);
	session_forwarder_join(s);
	session_sender_join(s);
}

/* session_decide - wait for what this stage needs, then decide */
const struct verdict *
session_decide(struct session *s, enum stage stage)
{
	/* this thread's waits from here on are this stage's */
	(void)deadline_waited_take();
	/* the signatures first: they need no other check's result, their
	 * keys were asked with the header, and their work (decoding a key
	 * costs more than its RSA check) then overlaps the wait for the
	 * other checks' answers instead of following it */
	if (stage == STAGE_EOM && s->in_tx && !s->msg_done && s->msg != NULL)
		message_verify(s->msg);
	/* checks are joined only when the verdict can use them: at or
	 * after the stage refusals are delivered, and always at the end */
	if (stage >= s->rt->conf->policy.reject_stage || stage == STAGE_EOM)
		session_join(s, stage == STAGE_EOM);
	if (stage == STAGE_EOM && s->in_tx && s->eom_policy != NULL)
		s->policy = s->eom_policy;
	if (stage == STAGE_EOM && s->in_tx) {
		/* the message goes to every recipient accepted: exempt only
		 * if each of them is */
		s->facts.exempt_rcpt = s->nrcpt_exempt > 0 && s->nrcpt_ok == 0;
		s->facts.exempt_rcpt_name = s->facts.exempt_rcpt ?
		    s->exempt_rcpt : NULL;
	}
	if (stage == STAGE_EOM && s->in_tx && !s->msg_done) {
		message_end(session_message(s), &s->facts.spf_mailfrom,
		    &s->facts);
		s->msg_done = 1;
		hints_note(session_mail_domain(s), &s->facts);
		if (s->have_ip && s->facts.from_domain != NULL &&
		    (s->rt->conf->policy.ip_checks & (1u << CHECK_AUTHZ)))
			authz_check(&s->rt->conf->authz, s->facts.from_domain,
			    AUTHZ_FROM, &s->ip, &s->facts.authz_from);
		session_sender_eom(s);
	}
	if (stage == STAGE_RCPT)
		session_limits_rcpt(s);
	session_waited(s, stage, 1);
	verdict_clear(&s->verdict);
	verdict_decide(&s->facts, session_policy(s), stage, &s->verdict);
	/* a message the other checks would only tag or quarantine is
	 * counted and may be blocked too */
	if (stage == STAGE_RCPT && s->verdict.action == ACT_ACCEPT &&
	    s->verdict.decided < ACT_TEMPFAIL && session_limits(s)) {
		verdict_clear(&s->verdict);
		verdict_decide(&s->facts, session_policy(s), stage,
		    &s->verdict);
	}
	/* a recipient over the recipients' limit is refused alone */
	s->facts.limits.rcpt_over = 0;
	session_note_refusal(s);
	s->decided = 1;
	s->verdict_stage = stage;
	if (stage < STAGE_MAIL && s->verdict.action != ACT_ACCEPT &&
	    !s->connect_logged) {
		/* refused before any transaction: this is its log line,
		 * with every result */
		session_ip_checks_join(s, 1);
		session_log_summary(s);
		s->connect_logged = 1;
		session_count_refusal(s);
	}
	return &s->verdict;
}

/* session_seal - our ARC set for the accepted message */
int
session_seal(struct session *s, const char *our_ar, struct arc_sealed *out,
    str *why)
{
	const struct conf *c = s->rt->conf;
	struct arc_seal_params p;
	str results;
	int rc;

	memset(out, 0, sizeof(*out));
	if (c->arc_seal_key == NULL || s->msg == NULL || !s->msg_done) {
		str_append(why, "no message to seal");
		return -1;
	}
	/* mail coming in is sealed where it leaves (a list's re-injection,
	 * a relay's submission); a forwarder that sends on what it
	 * receives seals all */
	if (c->arc_seal_mail == CONF_ARC_SEAL_OUTGOING &&
	    s->facts.trusted_net == NULL && s->facts.auth_user == NULL)
		return 0;
	str_init(&results);
	if (s->facts.trusted_net != NULL && s->ar_ours.len > 0)
		str_append(&results, str_cstr(&s->ar_ours));
	else
		session_ar_results(&results, our_ar);
	memset(&p, 0, sizeof(p));
	p.key = c->arc_seal_key;
	p.domain = c->arc_seal_domain;
	p.selector = c->arc_seal_selector;
	p.headers = c->arc_seal_headers;
	p.authserv_id = c->authserv_id;
	p.results = results.len > 0 ? str_cstr(&results) : "none";
	p.t = (long long)time(NULL);
	rc = message_seal(s->msg, &p, out, why);
	str_free(&results);
	return rc;
}

/* session_message_clear - forget the message and its facts */
static void
session_message_clear(struct session *s)
{
	dkim_results_clear(&s->facts.dkim);
	dmarc_outcome_clear(&s->facts.dmarc);
	s->facts.message_done = 0;
	s->facts.from_fields = 0;
	s->facts.from_domain = NULL;
	s->facts.from_error = NULL;
	s->facts.arc_checked = 0;
	s->facts.arc_sealer = NULL;
	message_free(s->msg);
	s->msg = NULL;
	s->msg_done = 0;
	dns_hold_free(s->tx_hold);
	s->tx_hold = NULL;
}

/* session_failure_report - the failure report the domain asks for, if
 * it does, onto the row (sent later by authgate-report) */
static void
session_failure_report(struct session *s, struct dmarcrep_row *row)
{
	const char *type;
	str v;

	if ((type = dmarc_failure_wanted(&s->facts)) == NULL)
		return;
	str_init(&v);
	(void)dmarcrep_record_tag(s->facts.dmarc.record, "ruf", &v);
	row->ruf = str_steal(&v);
	str_init(&v);
	dmarc_failure_feedback(&s->facts, session_policy(s), &s->verdict,
	    s->rt->conf->authserv_id, s->queue_id, type, row->time, &v);
	row->feedback = str_steal(&v);
	row->headers = mem_strdup(str_cstr(&s->headers));
}

/* session_record_dmarc - hand the message's DMARC evaluation to the
 * report recorder (never waits: see dmarcrep.h) */
static void
session_record_dmarc(struct session *s)
{
	struct dmarcrep_row *row;
	dmarcrep *rec;

	/* a deferred message comes back: it is counted when it is answered
	 * for good */
	if ((rec = runtime_recorder(s->rt)) == NULL || !s->facts.dmarc.checked ||
	    s->verdict.action == ACT_TEMPFAIL)
		return;
	if ((row = dmarc_evidence(&s->facts, session_policy(s), &s->verdict,
	    s->rt->conf->authserv_id, s->queue_id, deadline_wall() / 1000)) ==
	    NULL)
		return;
	if (s->rt->conf->dmarc_failure)
		session_failure_report(s, row);
	dmarcrep_add(rec, row);
}

/* session_log_summary - the one log line of a transaction (or of a
 * connection refused before one) */
static void
session_log_summary(struct session *s)
{
	str line;

	str_init(&line);
	(s->rt->conf->log_format == CONF_LOG_JSON ? summary_json :
	    summary_format)(&s->facts, &s->verdict, s->verdict_stage,
	    s->queue_id, s->nrcpt, s->in_tx ? (long)(deadline_now() -
	    s->tx_start) : 0, &line);
	log_info("%s", str_cstr(&line));
	str_free(&line);
	atomic_fetch_add_explicit(&session_counted[s->verdict.action], 1,
	    memory_order_relaxed);
	metrics_transaction(&s->facts, &s->verdict, s->verdict_stage,
	    prom_now_us() - (s->in_tx ? s->tx_start_us : s->connect_us));
	session_record_dmarc(s);
}

/* session_counts - transactions logged so far, by the action answered */
void
session_counts(unsigned long counts[ACT_COUNT])
{
	int a;

	for (a = 0; a < ACT_COUNT; a++)
		counts[a] = atomic_load_explicit(&session_counted[a],
		    memory_order_relaxed);
}

/* session_settle - every check still under way joined, for a report
 * of all results (authgate-check) */
void
session_settle(struct session *s)
{
	session_join(s, 1);
}

/* session_end_tx - log the transaction's summary, reset it */
void
session_end_tx(struct session *s)
{
	if (!s->in_tx)
		return;
	session_spf_join(&s->mf_job, &s->facts.spf_mailfrom);
	session_spf_join(&s->helo_job, &s->facts.spf_helo);
	session_forwarder_join(s);
	if (!s->decided)
		session_decide(s, STAGE_MAIL);
	/* a transaction refused before the end: its log line has every
	 * result, those the answer did not wait for too */
	session_ip_checks_join(s, 1);
	session_log_summary(s);
	session_guess_note(s);
	/* the waits were this transaction's: the next starts at zero */
	memset(s->dns_wait_us, 0, sizeof(s->dns_wait_us));
	s->facts.dns_wait_stages = 0;
	session_count_refusal(s);
	session_limits_more_rcpts(s);
	session_sender_clear(s);
	verdict_clear(&s->verdict);
	s->decided = 0;
	spf_outcome_clear(&s->facts.spf_mailfrom);
	session_message_clear(s);
	smtp_addr_clear(&s->from);
	s->facts.mail_from = NULL;
	mem_free(s->auth_user);
	s->auth_user = NULL;
	s->facts.auth_user = NULL;
	mem_free(s->queue_id);
	s->queue_id = NULL;
	s->nrcpt = s->nauthres = s->nforged = 0;
	s->ntag_fields = s->nquarantine_fields = 0;
	s->nrcpt_ok = s->nrcpt_exempt = 0;
	mem_free(s->exempt_rcpt);
	s->exempt_rcpt = NULL;
	mem_free(s->rcpt_domain);
	mem_free(s->envelope_to);
	s->rcpt_domain = s->envelope_to = NULL;
	str_free(&s->headers);
	str_free(&s->ar_ours);
	s->facts.envelope_to = NULL;
	s->facts.exempt_rcpt = 0;
	s->facts.exempt_rcpt_name = NULL;
	s->policy = s->eom_policy = NULL;
	memset(&s->facts.authz_mailfrom, 0, sizeof(s->facts.authz_mailfrom));
	memset(&s->facts.authz_from, 0, sizeof(s->facts.authz_from));
	s->in_tx = 0;
}

/* session_free - the connection is gone */
void
session_free(struct session *s)
{
	if (s == NULL)
		return;
	metrics_session(-1);
	session_spf_join(&s->helo_job, &s->facts.spf_helo);
	session_spf_join(&s->mf_job, &s->facts.spf_mailfrom);
	session_spf_join(&s->fwd_job, &s->fwd);
	spf_outcome_clear(&s->facts.spf_helo);
	spf_outcome_clear(&s->facts.spf_mailfrom);
	spf_outcome_clear(&s->fwd);
	session_ip_checks_clear(s);
	session_message_clear(s);
	session_sender_clear(s);
	smtp_addr_clear(&s->from);
	mem_free(s->exempt_rcpt);
	mem_free(s->rcpt_domain);
	mem_free(s->envelope_to);
	str_free(&s->headers);
	str_free(&s->ar_ours);
	mem_free(s->auth_user);
	verdict_clear(&s->verdict);
	mem_free(s->forged);
	mem_free(s->queue_id);
	mem_free(s->helo);
	mem_free(s->client_name);
	mem_free(s->ptr_name);
	session_guess_clear(s);
	runtime_put(s->rt);
	mem_free(s);
}
