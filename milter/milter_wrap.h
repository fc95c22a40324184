/*
 * milter_wrap - link-time wrappers around calls that the static
 * libmilter makes (ld --wrap=read,accept,poll,sigwait,mi_rd_cmd):
 *
 *	read()    - after each read on a TCP milter connection, re-arm
 *		    TCP_QUICKACK, so the MTA's small milter packets are
 *		    acknowledged at once instead of waiting ~40 ms under
 *		    Nagle + delayed ACK (see shared/bench/RESULTS.md, 2).
 *	accept()  - set TCP_NODELAY on each new TCP milter connection: at
 *		    end of message we send several small packets (header
 *		    edits, then the reply), and Nagle would hold each one
 *		    until the MTA's delayed ACK of the previous.
 *	poll()    - libmilter's worker waits 1 ms for the connection's next
 *		    command before handing the connection back to its
 *		    listener thread, several context switches per command;
 *		    that one call waits MILTER_WRAP_LINGER_MS instead.
 *	sigwait() - libmilter's signal thread stops the milter on SIGHUP;
 *		    SIGHUP is taken out of its set so that our control thread
 *		    can use it to reload the configuration.
 *	mi_rd_cmd() - libmilter's reader of one packet: a packet libmilter
 *		    would mishandle (milter_packet.h: a macro name without a
 *		    value crashed it) is logged and ends that connection as
 *		    a read error would.
 *
 *	milter_wrap_quickack(on) - enable both TCP settings (only when
 *		listening on inet/inet6).
 */
#ifndef AUTHGATE_MILTER_WRAP_H
#define AUTHGATE_MILTER_WRAP_H

#ifndef MILTER_WRAP_LINGER_MS
#define MILTER_WRAP_LINGER_MS	25
#endif

void	milter_wrap_quickack(int);

#endif
