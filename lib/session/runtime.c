/*
 * runtime - config snapshots and reload; see runtime.h.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/task.h"
#include "dns/dns.h"
#include "spf/spf.h"
#include "state/state.h"
#include "config/conf.h"
#include "dmarcrep/dmarcrep.h"
#include "dmarcrep/dmarcrep_store.h"
#include "report/metrics.h"
#include "session/runtime.h"

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *runtime_current;
static task_pool *runtime_pool;
static int runtime_recording;	/* the daemon records; authgate-check not */

/* the DMARC report recorder, shared by the snapshots that use it */
struct runtime_recorder {
	atomic_int	 refs;
	dmarcrep	*rec;
};

/* runtime_set_recording - let snapshots record DMARC evaluations */
void
runtime_set_recording(int on)
{
	runtime_recording = on;
}

/* runtime_recorder_new - a recorder for conf's dmarc_reports store, or
 * NULL when there is none (or it cannot be named: logged) */
static struct runtime_recorder *
runtime_recorder_new(const struct conf *conf)
{
	struct runtime_recorder *rr;
	dmarcrep *rec;
	str err;

	if (!runtime_recording || conf->dmarc_store[0] == '\0')
		return NULL;
	str_init(&err);
	if ((rec = dmarcrep_start(conf->dmarc_store, conf->dmarc_queue,
	    &err)) == NULL) {
		log_error("dmarc reports: %s; not recording", str_cstr(&err));
		str_free(&err);
		return NULL;
	}
	str_reset(&err);
	dmarcrep_store_shown(conf->dmarc_store, &err);
	log_info("dmarc reports: recording evaluations in %s",
	    str_cstr(&err));
	str_free(&err);
	rr = mem_calloc(1, sizeof(*rr));
	atomic_init(&rr->refs, 1);
	rr->rec = rec;
	return rr;
}

/* runtime_recorder_put - drop a reference; the last one flushes and
 * stops the writer */
static void
runtime_recorder_put(struct runtime_recorder *rr)
{
	if (rr == NULL || atomic_fetch_sub(&rr->refs, 1) != 1)
		return;
	dmarcrep_stop(rr->rec);
	mem_free(rr);
}

/* runtime_recorder - where this snapshot records DMARC evaluations */
dmarcrep *
runtime_recorder(const struct runtime *rt)
{
	return rt->recorder != NULL ? rt->recorder->rec : NULL;
}

/* runtime_store_open - the store a config's state { } section names */
state_store *
runtime_store_open(const struct conf *conf, str *err)
{
	state_store *st;
	char *host, *colon;

	if (conf->redis[0] == '\0')
		return state_mem_new(conf->state_memory_entries);
	host = mem_strdup(conf->redis);
	colon = strrchr(host, ':');	/* validated: host:port */
	*colon = '\0';
	st = state_redis_new(host, atoi(colon + 1), conf->redis_password,
	    conf->redis_db, conf->redis_prefix, conf->state_timeout_ms, err);
	mem_free(host);
	return st;
}

/* runtime_store_new - the shared store a config asks for */
static struct runtime_store *
runtime_store_new(const struct conf *conf, str *err)
{
	struct runtime_store *rs;
	state_store *st;

	if ((st = runtime_store_open(conf, err)) == NULL)
		return NULL;
	rs = mem_calloc(1, sizeof(*rs));
	atomic_init(&rs->refs, 1);
	rs->st = st;
	return rs;
}

/* runtime_store_put - drop a reference to a store */
static void
runtime_store_put(struct runtime_store *rs)
{
	if (rs == NULL || atomic_fetch_sub(&rs->refs, 1) != 1)
		return;
	state_free(rs->st);
	mem_free(rs);
}

/* runtime_state - the snapshot's counter and block store */
state_store *
runtime_state(const struct runtime *rt)
{
	return rt->store->st;
}

/* runtime_build - a snapshot from a config, reusing prev's resolver (or
 * taking the one given) */
static struct runtime *
runtime_build(struct conf *conf, const struct runtime *prev,
    dns_resolver *given, str *err)
{
	struct runtime *rt;

	rt = mem_calloc(1, sizeof(*rt));
	atomic_init(&rt->refs, 1);
	rt->conf = conf;
	if (given != NULL)
		rt->resolver = given;
	else if (prev != NULL && conf_same_dns(prev->conf, conf))
		rt->resolver = dns_resolver_ref(prev->resolver);
	else if ((rt->resolver = dns_resolver_create(&conf->dns, err)) == NULL) {
		mem_free(rt);
		return NULL;
	}
	if (prev != NULL && conf_same_state(prev->conf, conf)) {
		rt->store = prev->store;
		atomic_fetch_add(&rt->store->refs, 1);
	} else if ((rt->store = runtime_store_new(conf, err)) == NULL) {
		dns_resolver_unref(rt->resolver);
		mem_free(rt);
		return NULL;
	} else if (prev != NULL)
		log_warn("reload: the state settings changed: counts and "
		    "blocks start afresh in the %s store",
		    state_backend_name(rt->store->st));
	/* the store is fixed until a restart (runtime_reload warns) */
	if (prev != NULL) {
		if ((rt->recorder = prev->recorder) != NULL)
			atomic_fetch_add(&rt->recorder->refs, 1);
	} else
		rt->recorder = runtime_recorder_new(conf);
	rt->spf = spf_engine_create(conf->authserv_id);
	if ((conf->dkim_enabled && (rt->dkim = dkim_engine_create(&conf->dkim,
	    err)) == NULL) || (conf->dmarc_enabled && (rt->dmarc =
	    dmarc_engine_create(conf->dmarc_mode, conf->psl_file, err)) ==
	    NULL)) {
		dkim_engine_free(rt->dkim);
		spf_engine_free(rt->spf);
		dns_resolver_unref(rt->resolver);
		runtime_store_put(rt->store);
		runtime_recorder_put(rt->recorder);
		mem_free(rt);
		return NULL;
	}
	return rt;
}

/* runtime_start - the first snapshot */
int
runtime_start(struct conf *conf, str *err)
{
	return runtime_start_with(conf, NULL, err);
}

/* runtime_start_with - the first snapshot over a given resolver */
int
runtime_start_with(struct conf *conf, dns_resolver *res, str *err)
{
	struct runtime *rt;

	if ((rt = runtime_build(conf, NULL, res, err)) == NULL)
		return -1;
	runtime_pool = task_pool_create(conf->check_threads);
	pthread_mutex_lock(&runtime_lock);
	runtime_current = rt;
	pthread_mutex_unlock(&runtime_lock);
	log_set_level(conf->log_level);
	return 0;
}

/* runtime_get - a reference to the current snapshot */
struct runtime *
runtime_get(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&runtime_lock);
	rt = runtime_current;
	if (rt != NULL)
		atomic_fetch_add(&rt->refs, 1);
	pthread_mutex_unlock(&runtime_lock);
	return rt;
}

/* runtime_put - drop a reference, free with the last */
void
runtime_put(struct runtime *rt)
{
	if (rt == NULL || atomic_fetch_sub(&rt->refs, 1) != 1)
		return;
	spf_engine_free(rt->spf);
	dkim_engine_free(rt->dkim);
	dmarc_engine_free(rt->dmarc);
	dns_resolver_unref(rt->resolver);
	runtime_store_put(rt->store);
	runtime_recorder_put(rt->recorder);
	conf_free(rt->conf);
	mem_free(rt);
}

/* the command line's -p, -u, -P and -d, over every config loaded */
static char *runtime_arg_socket, *runtime_arg_user, *runtime_arg_pid_file;
static int runtime_arg_debug;

/* runtime_set_args - remember what the command line said */
void
runtime_set_args(const char *socket, const char *user, const char *pid_file,
    int debug)
{
	runtime_arg_socket = socket != NULL ? mem_strdup(socket) : NULL;
	runtime_arg_user = user != NULL ? mem_strdup(user) : NULL;
	runtime_arg_pid_file = pid_file != NULL ? mem_strdup(pid_file) : NULL;
	runtime_arg_debug = debug;
}

/* runtime_arg - replace a config string with a command-line value */
static void
runtime_arg(char **field, const char *value)
{
	if (value != NULL) {
		mem_free(*field);
		*field = mem_strdup(value);
	}
}

/* runtime_apply_args - the command line over a loaded config */
void
runtime_apply_args(struct conf *c)
{
	runtime_arg(&c->socket, runtime_arg_socket);
	runtime_arg(&c->user, runtime_arg_user);
	runtime_arg(&c->pid_file, runtime_arg_pid_file);
	if (runtime_arg_debug)
		c->log_level = LOG_DEBUG;
}

/* runtime_reload_try - swap in a new config, or keep the old one */
static int
runtime_reload_try(const char *path, int must_exist, str *why)
{
	struct runtime *old, *rt;
	struct conf *conf;
	str err;

	str_init(&err);
	if (conf_load(path, must_exist, &conf, &err) != 0) {
		log_error("reload failed, keeping the running configuration: %s",
		    str_cstr(&err));
		if (why != NULL)
			str_append(why, str_cstr(&err));
		str_free(&err);
		return -1;
	}
	old = runtime_get();
	if (old == NULL) {
		conf_free(conf);
		str_free(&err);
		return -1;
	}
	runtime_apply_args(conf);
	if (strcmp(old->conf->socket, conf->socket) != 0 ||
	    strcmp(old->conf->user, conf->user) != 0 ||
	    strcmp(old->conf->pid_file, conf->pid_file) != 0 ||
	    strcmp(old->conf->metrics, conf->metrics) != 0 ||
	    strcmp(old->conf->dmarc_store, conf->dmarc_store) != 0)
		log_warn("reload: socket, user, pid_file, metrics and "
		    "dmarc_reports store changes take effect only after a "
		    "restart");
	if ((rt = runtime_build(conf, old, NULL, &err)) == NULL) {
		log_error("reload failed, keeping the running configuration: %s",
		    str_cstr(&err));
		if (why != NULL)
			str_append(why, str_cstr(&err));
		conf_free(conf);
		runtime_put(old);
		str_free(&err);
		return -1;
	}
	/* the new snapshot must keep the startup-only settings */
	mem_free(rt->conf->socket);
	rt->conf->socket = mem_strdup(old->conf->socket);
	pthread_mutex_lock(&runtime_lock);
	runtime_current = rt;
	pthread_mutex_unlock(&runtime_lock);
	log_set_level(conf->log_level);
	log_info("configuration reloaded from %s", conf->path != NULL ?
	    conf->path : "built-in defaults");
	runtime_put(old);	/* our reference */
	runtime_put(old);	/* the one runtime_current held */
	str_free(&err);
	return 0;
}

/* runtime_reload - reload and count how it went */
int
runtime_reload(const char *path, int must_exist, str *why)
{
	int rc;

	rc = runtime_reload_try(path, must_exist, why);
	metrics_reload(rc == 0);
	return rc;
}

/* runtime_stop - drop the current snapshot and the task pool */
void
runtime_stop(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&runtime_lock);
	rt = runtime_current;
	runtime_current = NULL;
	pthread_mutex_unlock(&runtime_lock);
	task_pool_free(runtime_pool);
	runtime_pool = NULL;
	runtime_put(rt);
}

/* runtime_tasks - the background task pool */
task_pool *
runtime_tasks(void)
{
	return runtime_pool;
}
