/*
 * milter_wrap - link-time wrappers around two libc calls that the static
 * libmilter makes (ld --wrap=read --wrap=sigwait):
 *
 *	read()    - after each read on a TCP milter connection, re-arm
 *		    TCP_QUICKACK, so the MTA's small milter packets are
 *		    acknowledged at once instead of waiting ~40 ms under
 *		    Nagle + delayed ACK (see shared/bench/RESULTS.md, 2).
 *	accept()  - set TCP_NODELAY on each new TCP milter connection: at
 *		    end of message we send several small packets (header
 *		    edits, then the reply), and Nagle would hold each one
 *		    until the MTA's delayed ACK of the previous.
 *	sigwait() - libmilter's signal thread stops the milter on SIGHUP;
 *		    SIGHUP is taken out of its set so that our control thread
 *		    can use it to reload the configuration.
 *
 *	milter_wrap_quickack(on) - enable both TCP settings (only when
 *		listening on inet/inet6).
 */
#ifndef AUTHGATE_MILTER_WRAP_H
#define AUTHGATE_MILTER_WRAP_H

void	milter_wrap_quickack(int);

#endif
