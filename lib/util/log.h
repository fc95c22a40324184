/*
 * log - the logging API of authgate and its tools.
 *
 *	log_open(ident, to_stderr, facility) - choose the destination: syslog
 *		with the given facility (LOG_MAIL, ...), or stderr with a time
 *		stamp (foreground mode, tools, tests).
 *	log_set_level(level) - drop messages below level (LOG_DEBUG..LOG_ERR).
 *	log_debug/log_info/log_warn/log_error(fmt, ...) - one line each.
 *	log_fatal(fmt, ...) - log and exit(1): the process cannot go on.
 *	log_panic(fmt, ...) - log and abort(): a broken invariant, a bug.
 *	log_set_hook(fn) - also pass every line to fn (tests capture logs).
 *	log_journal_stream() - is stderr journald's stream (systemd's
 *		JOURNAL_STREAM names its device and inode): a daemon run in
 *		the foreground by a unit then logs through syslog, so that its
 *		lines keep their facility and priority.
 *	log_facility_parse(name) - "mail", "local0".. -> LOG_* or -1;
 *		log_level_parse(name) - "debug".."error" -> LOG_* or -1. The
 *		words and their values are log_facility_names/_values and
 *		log_level_names/_values (the config lists them in errors).
 * The functions are thread-safe; each call writes one line.
 */
#ifndef AUTHGATE_LOG_H
#define AUTHGATE_LOG_H

#include <syslog.h>

typedef void (*log_hook_fn)(int level, const char *line);

void	log_open(const char *, int, int);
void	log_set_level(int);
int	log_get_level(void);
void	log_set_hook(log_hook_fn);
int	log_journal_stream(void);
int	log_facility_parse(const char *);
int	log_level_parse(const char *);
#define LOG_FACILITY_COUNT	11
#define LOG_LEVEL_COUNT		5
extern const char *const log_facility_names[];
extern const int log_facility_values[];
extern const char *const log_level_names[];
extern const int log_level_values[];
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_error(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	log_panic(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
