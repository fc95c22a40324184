/*
 * service - what the service manager is told; see service.h.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "util/str.h"
#include "verdict/policy.h"
#include "session/session.h"
#include "service.h"

/* service_ready - the milter socket listens */
void
service_ready(const char *socket)
{
	(void)sd_notifyf(0, "READY=1\nMAINPID=%lu\nSTATUS=listening on %s",
	    (unsigned long)getpid(), socket);
}

/* service_reloading - a reload starts */
void
service_reloading(void)
{
	struct timespec ts;

	/* MONOTONIC_USEC lets a Type=notify-reload manager pair the two */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	(void)sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}

/* service_counts - "N transactions: ..." */
static void
service_counts(str *s)
{
	unsigned long c[ACT_COUNT], total = 0;
	int a;

	session_counts(c);
	for (a = 0; a < ACT_COUNT; a++)
		total += c[a];
	str_appendf(s, "%lu transactions: %lu accepted, %lu rejected, %lu "
	    "tempfailed, %lu quarantined, %lu tagged", total, c[ACT_ACCEPT],
	    c[ACT_REJECT], c[ACT_TEMPFAIL], c[ACT_QUARANTINE], c[ACT_TAG]);
}

/* service_reloaded - the reload ended, well or not */
void
service_reloaded(int ok, const char *why)
{
	str s;

	str_init(&s);
	if (ok) {
		str_append(&s, "READY=1\nSTATUS=configuration reloaded; ");
		service_counts(&s);
	} else {
		str_append(&s, "READY=1\nSTATUS=reload failed, running on the "
		    "previous configuration: ");
		/* one line: STATUS ends at the newline */
		str_append_printable(&s, why != NULL ? why : "", why != NULL ?
		    strlen(why) : 0, 400);
	}
	(void)sd_notify(0, str_cstr(&s));
	str_free(&s);
}

/* service_status - the transaction counts */
void
service_status(void)
{
	str s;

	str_init(&s);
	str_append(&s, "STATUS=");
	service_counts(&s);
	(void)sd_notify(0, str_cstr(&s));
	str_free(&s);
}

/* service_stopping - the daemon stops */
void
service_stopping(void)
{
	(void)sd_notify(0, "STOPPING=1");
}
