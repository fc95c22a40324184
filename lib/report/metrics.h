/*
 * metrics - what authgate counts for its Prometheus endpoint, and the
 * whole /metrics page. Every transaction (and every connection refused
 * before one) is counted once, where its log line is written, so the
 * counters and mail.log always agree.
 *
 *	metrics_transaction(facts, verdict, stage, us) - count a verdict
 *		(action, deciding check, stage), the result of every check
 *		that ran, the DNS lists' answers, the kinds of exemptions
 *		that applied, and us, the time from the transaction's start
 *		(MAIL FROM; the connection for refusals before it) to the
 *		verdict.
 *	metrics_callback(stage, us) - the time authgate took to answer
 *		one MTA command at this stage: the delay it adds to SMTP.
 *	metrics_session(delta) - a connection opened (+1) or closed (-1).
 *	metrics_reload(ok) - a configuration reload and how it ended.
 *	metrics_write(out, pool, rec) - the page: the families above, the
 *		DNS families (dns_metrics.h), the task pool's threads (pool
 *		may be NULL), the DMARC report records recorded, dropped and
 *		waiting (rec may be NULL: not recording), the build and the
 *		start time.
 *	metrics_verdicts(action, check, stage) - a counter, for tests.
 * Names follow Prometheus' conventions: authgate_ prefix, _total for
 * counters, _seconds for durations.
 */
#ifndef AUTHGATE_METRICS_H
#define AUTHGATE_METRICS_H

#include <stdint.h>

#include "util/str.h"
#include "util/task.h"
#include "dmarcrep/dmarcrep.h"
#include "verdict/facts.h"
#include "verdict/policy.h"
#include "verdict/verdict.h"

void		 metrics_transaction(const struct facts *,
		    const struct verdict *, enum stage, int64_t);
void		 metrics_callback(enum stage, int64_t);
void		 metrics_session(int);
void		 metrics_reload(int);
void		 metrics_write(str *, task_pool *, dmarcrep *);
unsigned long	 metrics_verdicts(enum action, const char *, enum stage);

#endif
