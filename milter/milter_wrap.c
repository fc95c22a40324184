/*
 * milter_wrap - link-time wrappers of libmilter's read(), accept(),
 * poll(), sigwait() and its packet reader mi_rd_cmd(); see
 * milter_wrap.h. Only objects in our link see
 * these wrappers (ld --wrap), not the shared libraries, so nothing else
 * changes.
 */
#include "config.h"

#include <netinet/in.h>
#include <poll.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "util/log.h"

#include "milter_packet.h"
#include "milter_wrap.h"

/* libmilter's "receive error" (SMFIC_RECVERR in its internal libmilter.h):
 * a reader result below ' ' with no data ends the connection's session */
#define MILTER_WRAP_RECVERR	((char)4)

ssize_t	__real_read(int, void *, size_t);
ssize_t	__wrap_read(int, void *, size_t);
int	__real_accept(int, struct sockaddr *, socklen_t *);
int	__wrap_accept(int, struct sockaddr *, socklen_t *);
int	__real_sigwait(const sigset_t *, int *);
int	__wrap_sigwait(const sigset_t *, int *);
int	__real_poll(struct pollfd *, nfds_t, int);
int	__wrap_poll(struct pollfd *, nfds_t, int);
char	*__real_mi_rd_cmd(int, struct timeval *, char *, size_t *, char *);
char	*__wrap_mi_rd_cmd(int, struct timeval *, char *, size_t *, char *);

static atomic_int milter_wrap_tcp;

/* milter_wrap_quickack - re-arm TCP_QUICKACK after reads from now on */
void
milter_wrap_quickack(int on)
{
	atomic_store(&milter_wrap_tcp, on);
}

/* __wrap_read - read, then ask the kernel to ACK immediately */
ssize_t
__wrap_read(int fd, void *buf, size_t n)
{
	ssize_t r;
	int one;

	r = __real_read(fd, buf, n);
	if (r > 0 && atomic_load_explicit(&milter_wrap_tcp,
	    memory_order_relaxed)) {
		one = 1;
		/* fails harmlessly (ENOTSOCK) on libmilter's internal pipe */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof(one));
	}
	return r;
}

/* __wrap_accept - a new MTA connection: no Nagle on TCP */
int
__wrap_accept(int fd, struct sockaddr *sa, socklen_t *len)
{
	int s, one;

	s = __real_accept(fd, sa, len);
	if (s >= 0 && atomic_load_explicit(&milter_wrap_tcp,
	    memory_order_relaxed)) {
		one = 1;
		(void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one));
	}
	return s;
}

/* __wrap_sigwait - libmilter's signal wait, without SIGHUP */
int
__wrap_sigwait(const sigset_t *set, int *sig)
{
	sigset_t mine;

	mine = *set;
	sigdelset(&mine, SIGHUP);
	return __real_sigwait(&mine, sig);
}

/* __wrap_poll - libmilter's worker asks "is the next command there?"
 * with poll(one fd, POLLIN, 1 ms); on "no" it hands the connection back
 * to its listener thread (a pipe write, the listener's poll over every
 * connection, a condition signal, another worker's wake-up) - several
 * context switches per milter command, the largest part of the filter's
 * CPU time. Waiting a little longer here keeps the connection on the
 * worker across the MTA's round trip. Only that exact call is changed;
 * the listener polls many descriptors with a long timeout. */
int
__wrap_poll(struct pollfd *fds, nfds_t n, int timeout)
{
	if (n == 1 && timeout == 1 && fds[0].events == POLLIN)
		timeout = MILTER_WRAP_LINGER_MS;
	return __real_poll(fds, n, timeout);
}

/* __wrap_mi_rd_cmd - libmilter reads one packet: one it would mishandle
 * (milter_packet.h) closes that connection, never the daemon */
char *
__wrap_mi_rd_cmd(int sd, struct timeval *timeout, char *cmd, size_t *len,
    char *name)
{
	const char *why;
	char *buf;

	buf = __real_mi_rd_cmd(sd, timeout, cmd, len, name);
	if (buf == NULL || (why = milter_packet_check(*cmd, buf, *len)) == NULL)
		return buf;
	log_warn("milter: malformed packet from the MTA (command 0x%02x, %zu "
	    "bytes: %s): connection closed", (unsigned char)*cmd, *len, why);
	free(buf);
	*cmd = MILTER_WRAP_RECVERR;
	*len = 0;
	return NULL;
}
