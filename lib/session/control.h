/*
 * control - the control socket: a unix socket where an admin's tool
 * (authgate-check --blocks, --unblock) lists and lifts temporary blocks
 * of the running daemon without a restart. One request per connection,
 * one line each way plus data lines:
 *
 *	"blocks"	-> "KEY<TAB>SINCE<TAB>UNTIL<TAB>REFUSALS<TAB>REASON"
 *			   per block (times: Unix seconds), then "ok N"
 *	"unblock KEY"	-> "ok lifted KEY", "ok none KEY"
 *	"stats"		-> "ok BACKEND calls=.. errors=.. entries=.."
 *	anything else	-> "error what is wrong"
 *
 *	control_start(path, err) - listen on path (a stale socket file is
 *		replaced; mode 0600: the daemon's user and root) and serve in
 *		a thread of its own, against the current snapshot's store.
 *		0, or -1 with err.
 *	control_stop() - stop serving, remove the socket.
 *	control_request(path, request, out, err) - the client side: send
 *		one request, the whole answer in out. 0, or -1 with err (no
 *		daemon there, timeout). Every read and write is bounded by
 *		CONTROL_TIMEOUT_MS.
 *	control_serve_line(st, line, out) - answer one request line from a
 *		store (the server's core, also used by tests).
 */
#ifndef AUTHGATE_CONTROL_H
#define AUTHGATE_CONTROL_H

#include "util/str.h"
#include "state/state.h"

#define CONTROL_TIMEOUT_MS	5000
#define CONTROL_LINE_MAX	2048

int	control_start(const char *, str *);
void	control_stop(void);
int	control_request(const char *, const char *, str *, str *);
void	control_serve_line(state_store *, const char *, str *);

#endif
