/*
 * milter_wrap - link-time wrappers around two libc calls that the static
 * libmilter makes (ld --wrap=read --wrap=sigwait):
 *
 *	read()    - after each read on a TCP milter connection, re-arm
 *		    TCP_QUICKACK, so the MTA's small milter packets are
 *		    acknowledged at once instead of waiting ~40 ms under
 *		    Nagle + delayed ACK (see shared/bench/RESULTS.md, 2).
 *	sigwait() - libmilter's signal thread stops the milter on SIGHUP;
 *		    SIGHUP is taken out of its set so that our control thread
 *		    can use it to reload the configuration.
 *
 *	milter_wrap_quickack(on) - enable the TCP_QUICKACK re-arming (only
 *		when listening on inet/inet6).
 */
#ifndef AUTHGATE_MILTER_WRAP_H
#define AUTHGATE_MILTER_WRAP_H

void	milter_wrap_quickack(int);

#endif
