/*
 * service - what the service manager is told (sd_notify(3)): a unit of
 * Type=notify learns that the milter socket listens (READY=1), that a
 * reload runs (RELOADING=1) and how it ended (READY=1 with a STATUS
 * line), and, every STATUS_INTERVAL seconds, how many transactions were
 * answered how. Without a service manager (no NOTIFY_SOCKET) every call
 * does nothing.
 *
 *	service_ready(socket) - the milter socket listens: READY=1 and
 *		MAINPID, STATUS "listening on SOCKET".
 *	service_reloading() - RELOADING=1 before a reload.
 *	service_reloaded(ok, why) - READY=1 after it, with STATUS saying
 *		that the new configuration runs (and the counts) or, with why,
 *		that the old one stays and why.
 *	service_status() - STATUS with the transaction counts.
 *	service_stopping() - STOPPING=1.
 */
#ifndef AUTHGATE_SERVICE_H
#define AUTHGATE_SERVICE_H

#define SERVICE_STATUS_INTERVAL	30	/* seconds between counts */

void	service_ready(const char *);
void	service_reloading(void);
void	service_reloaded(int, const char *);
void	service_status(void);
void	service_stopping(void);

#endif
