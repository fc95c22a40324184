/*
 * runtime - the daemon's shared state: an immutable snapshot of the
 * config with the objects built from it (resolver, SPF, DKIM and DMARC
 * engines), and the process-wide task pool.
 *
 *	runtime_start(conf, err) - build the first snapshot (takes conf).
 *	runtime_start_with(conf, resolver, err) - the same over a resolver
 *		of the caller's (takes a reference; tests and fuzzing serve
 *		DNS from memory this way).
 *	runtime_get() - a reference to the current snapshot; a session
 *		takes one at connect and keeps it to the end, so a reload
 *		never changes the rules in the middle of a transaction.
 *	runtime_put(rt) - drop a reference.
 *	runtime_reload(path, must_exist, why) - load the config again; on
 *		any error the running snapshot stays, the reason is logged and
 *		appended to why (NULL: not wanted).
 *		The resolver (and its warm cache) is kept when the DNS
 *		settings did not change. 0 or -1.
 *	runtime_set_args(socket, user, pid_file, debug) - what the command
 *		line said (-p, -u, -P, -d; NULL or 0 when it said nothing):
 *		it wins over every config loaded, at start and on reload.
 *	runtime_apply_args(conf) - put the command line over a loaded
 *		config (runtime_reload does it before comparing, so an
 *		unchanged file gives no "takes effect after a restart").
 *	runtime_stop() - drop the current snapshot and the task pool.
 *	runtime_tasks() - the task pool for background checks.
 *	runtime_set_recording(on) - the daemon, not authgate-check,
 *		records DMARC evaluations: the first snapshot starts the
 *		recorder of its dmarc_reports store, later ones share it
 *		(a changed store waits for a restart), the last reference
 *		flushes and stops it.
 *	runtime_recorder(rt) - that recorder, NULL when not recording.
 *	runtime_state(rt) - the counter and block store (state/): kept by a
 *		reload whose state { } settings did not change, else made
 *		anew (in memory: counts and blocks start afresh, logged).
 *	runtime_store_open(conf, err) - a new store as conf's state { }
 *		section names it (in memory, or a Redis client); NULL with
 *		err on bad Redis settings. authgate-check reaches a fleet's
 *		Redis with it.
 */
#ifndef AUTHGATE_RUNTIME_H
#define AUTHGATE_RUNTIME_H

#include <stdatomic.h>

#include "util/str.h"
#include "util/task.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "dkim/dkim.h"
#include "dmarc/dmarc.h"
#include "state/state.h"
#include "config/conf.h"
#include "dmarcrep/dmarcrep.h"

/* the store of counters and blocks, shared by the snapshots whose state
 * settings are the same (a reload keeps the blocks) */
struct runtime_store {
	atomic_int	 refs;
	state_store	*st;
};

struct runtime {
	atomic_int	 refs;
	struct runtime_store *store;
	struct runtime_recorder *recorder;	/* NULL: not recording */
	struct conf	*conf;
	dns_resolver	*resolver;
	spf_engine	*spf;
	dkim_engine	*dkim;		/* NULL when DKIM is off */
	dmarc_engine	*dmarc;		/* NULL when DMARC is off */
};

int		 runtime_start(struct conf *, str *);
int		 runtime_start_with(struct conf *, dns_resolver *, str *);
void		 runtime_set_args(const char *, const char *, const char *,
		    int);
void		 runtime_apply_args(struct conf *);
struct runtime	*runtime_get(void);
void		 runtime_put(struct runtime *);
int		 runtime_reload(const char *, int, str *);
void		 runtime_stop(void);
task_pool	*runtime_tasks(void);
state_store	*runtime_state(const struct runtime *);
void		 runtime_set_recording(int);
dmarcrep	*runtime_recorder(const struct runtime *);
state_store	*runtime_store_open(const struct conf *, str *);

#endif
