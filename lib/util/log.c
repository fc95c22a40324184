/*
 * log - logging to syslog or stderr; see log.h.
 */
#include "config.h"

#include <sys/stat.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

static int log_to_stderr = 1;
static atomic_int log_min_level = LOG_INFO;	/* changed by reloads */
static char log_ident[64] = "authgate";
static _Atomic(log_hook_fn) log_hook;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

/* the config words for facilities and levels and their syslog values */
const char *const log_facility_names[] = {
	"mail", "daemon", "user", "local0", "local1", "local2", "local3",
	"local4", "local5", "local6", "local7"
};
_Static_assert(sizeof(log_facility_names) ==
    LOG_FACILITY_COUNT * sizeof(log_facility_names[0]), "a word each");
const int log_facility_values[] = {
	LOG_MAIL, LOG_DAEMON, LOG_USER, LOG_LOCAL0, LOG_LOCAL1, LOG_LOCAL2,
	LOG_LOCAL3, LOG_LOCAL4, LOG_LOCAL5, LOG_LOCAL6, LOG_LOCAL7
};
_Static_assert(sizeof(log_facility_values) ==
    LOG_FACILITY_COUNT * sizeof(log_facility_values[0]), "a value each");
const char *const log_level_names[] = {
	"debug", "info", "notice", "warning", "error"
};
_Static_assert(sizeof(log_level_names) ==
    LOG_LEVEL_COUNT * sizeof(log_level_names[0]), "a word each");
const int log_level_values[] = {
	LOG_DEBUG, LOG_INFO, LOG_NOTICE, LOG_WARNING, LOG_ERR
};
_Static_assert(sizeof(log_level_values) ==
    LOG_LEVEL_COUNT * sizeof(log_level_values[0]), "a value each");

/* log_open - choose where log lines go */
void
log_open(const char *ident, int to_stderr, int facility)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	log_to_stderr = to_stderr;
	if (!to_stderr)
		openlog(log_ident, LOG_PID | LOG_NDELAY, facility);
}

/* log_journal_stream - is stderr the journal's stream */
int
log_journal_stream(void)
{
	unsigned long long dev, ino;
	const char *env;
	struct stat st;

	if ((env = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) != 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/* log_set_level - drop messages below this level */
void
log_set_level(int level)
{
	atomic_store_explicit(&log_min_level, level, memory_order_relaxed);
}

/* log_get_level - the current threshold */
int
log_get_level(void)
{
	return atomic_load_explicit(&log_min_level, memory_order_relaxed);
}

/* log_set_hook - pass every line to a callback as well */
void
log_set_hook(log_hook_fn fn)
{
	atomic_store(&log_hook, fn);
}

/* log_facility_parse - syslog facility by name, -1 if unknown */
int
log_facility_parse(const char *name)
{
	int i;

	for (i = 0; i < LOG_FACILITY_COUNT; i++)
		if (strcasecmp(name, log_facility_names[i]) == 0)
			return log_facility_values[i];
	return -1;
}

/* log_level_parse - log level by name, -1 if unknown */
int
log_level_parse(const char *name)
{
	int i;

	for (i = 0; i < LOG_LEVEL_COUNT; i++)
		if (strcasecmp(name, log_level_names[i]) == 0)
			return log_level_values[i];
	return -1;
}

/* log_vlog - format one line and send it */
static void log_vlog(int, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
log_vlog(int level, const char *fmt, va_list ap)
{
	static const char *const tags[] = {
		"panic", "alert", "critical", "error", "warning", "notice",
		"info", "debug"
	};
	char line[4096];
	struct timespec ts;
	struct tm tm;
	log_hook_fn hook;
	size_t n;

	if (level > log_get_level() && level > LOG_ERR)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* keep one line per call whatever the input contained */
	for (n = 0; line[n] != '\0'; n++)
		if (line[n] == '\n' || line[n] == '\r')
			line[n] = ' ';
	if ((hook = atomic_load(&log_hook)) != NULL)
		hook(level, line);
	if (!log_to_stderr) {
		syslog(level, "%s", line);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s[%ld]: %s: %s\n",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_ident,
	    (long)getpid(), tags[level & 7], line);
	fflush(stderr);
	pthread_mutex_unlock(&log_lock);
}

#define LOG_FN(name, level) \
void \
name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	log_vlog(level, fmt, ap); \
	va_end(ap); \
}

/* log_debug, log_info, log_warn, log_error - one line at that level */
LOG_FN(log_debug, LOG_DEBUG)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_warn, LOG_WARNING)
LOG_FN(log_error, LOG_ERR)

/* log_fatal - log and exit: the process cannot continue */
void
log_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(1);
}

/* log_panic - log and abort: an invariant is broken (a bug) */
void
log_panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_EMERG, fmt, ap);
	va_end(ap);
	abort();
}
