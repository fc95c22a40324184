/*
 * dns_ares - the real-DNS backend of the resolver: one thread owns one
 * c-ares channel and serves the lookups of every session.
 *
 * c-ares 1.18 channels are not thread-safe, and libmilter's worker pool
 * moves a session between threads, so per-thread channels would strand
 * queries. A single resolver thread instead keeps lookups running while
 * the session threads are busy elsewhere (a lookup started at connect
 * time progresses during the SMTP dialogue), and one channel carries
 * thousands of queries in flight.
 *
 * Sessions hand queries over through a locked list and an eventfd; the
 * thread polls the eventfd and the channel's sockets (tracked through the
 * socket-state callback, so no FD_SETSIZE limit), and answers each query
 * through dns_resolver_complete(). CNAMEs that the reply does not resolve
 * (an authoritative server answering for another zone) are chased with a
 * new query, at most DNS_CNAME_DEPTH deep.
 *
 * c-ares 1.18 handles a socket error (a TCP connection refused after a
 * truncated reply, an ICMP "port unreachable" on the UDP socket) for the
 * whole server: it closes its sockets, dropping answers already received,
 * and sends every query in flight again with one try used up, so queries
 * the server answered in time end as ARES_ECONNREFUSED (1.20 handles such
 * errors per connection). Two things keep one bad socket from failing
 * everything:
 *  - the UDP channel ignores truncation (ARES_FLAG_IGNTC); a truncated
 *    reply is asked again on a second channel that only speaks TCP, so a
 *    server refusing TCP can fail only the queries that needed TCP;
 *  - a query ended as ARES_ECONNREFUSED gets one more try.
 * Both are asked again from the thread's loop, never from the callback:
 * c-ares is still inside its error handler then.
 */
#include "config.h"

#include <ares.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util/log.h"
#include "util/mem.h"
#include "dns/dns.h"
#include "dns/dns_backend.h"

struct dns_ares {
	ares_channel		 channel;	/* UDP, truncation ignored */
	ares_channel		 tcp;		/* for truncated replies */
	pthread_t		 thread;
	int			 evfd;
	pthread_mutex_t		 qlock;		/* guards queue and stop */
	struct dns_query	*qhead, *qtail;
	int			 stop;
	struct dns_query	*retry;		/* to ask again (thread only) */
	struct pollfd		*socks;		/* c-ares sockets (thread only) */
	size_t			 nsocks, capsocks;
	int			 tries;
};

static pthread_once_t dns_ares_once = PTHREAD_ONCE_INIT;
static int dns_ares_init_status;

/* dns_ares_library_init - c-ares global set-up, once per process */
static void
dns_ares_library_init(void)
{
	dns_ares_init_status = ares_library_init(ARES_LIB_INIT_ALL);
}

/* dns_ares_sock_state - c-ares opens, changes or closes a socket */
static void
dns_ares_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct dns_ares *da = data;
	size_t i;

	for (i = 0; i < da->nsocks; i++)
		if (da->socks[i].fd == fd)
			break;
	if (!readable && !writable) {
		if (i < da->nsocks)
			da->socks[i] = da->socks[--da->nsocks];
		return;
	}
	if (i == da->nsocks) {
		if (da->nsocks == da->capsocks) {
			da->capsocks = da->capsocks ? da->capsocks * 2 : 8;
			da->socks = mem_realloc(da->socks,
			    da->capsocks * sizeof(*da->socks));
		}
		da->nsocks++;
	}
	da->socks[i].fd = fd;
	da->socks[i].events = (short)((readable ? POLLIN : 0) |
	    (writable ? POLLOUT : 0));
}

/* dns_ares_failure - an answer for a lookup that got no usable reply */
static dns_answer *
dns_ares_failure(struct dns_query *q, int status, int tries)
{
	enum dns_status st;
	str msg;
	dns_answer *a;

	str_init(&msg);
	st = DNS_TEMPFAIL;
	switch (status) {
	case ARES_ETIMEOUT:
		str_appendf(&msg, "no reply for %s/%s (timed out, %d %s)",
		    q->cur, dns_type_name(q->type), tries,
		    tries == 1 ? "try" : "tries");
		break;
	case ARES_ECONNREFUSED:
		str_appendf(&msg, "no reply for %s/%s (nameserver unreachable "
		    "or refusing)", q->cur, dns_type_name(q->type));
		break;
	case ARES_EBADNAME:
		st = DNS_ERROR;
		str_appendf(&msg, "cannot look up %s: invalid name", q->cur);
		break;
	case ARES_EDESTRUCTION:
	case ARES_ECANCELLED:
		str_appendf(&msg, "lookup of %s/%s cancelled (resolver stopped)",
		    q->cur, dns_type_name(q->type));
		break;
	default:
		str_appendf(&msg, "lookup of %s/%s failed: %s", q->cur,
		    dns_type_name(q->type), ares_strerror(status));
		break;
	}
	a = dns_answer_new(q->name, q->type, st, str_cstr(&msg));
	a->fail = status == ARES_ETIMEOUT ? DNS_FAIL_TIMEOUT :
	    status == ARES_ECONNREFUSED ? DNS_FAIL_UNREACHABLE :
	    DNS_FAIL_OTHER;
	str_free(&msg);
	return a;
}

/* dns_ares_callback - c-ares delivers the result of one query */
static void
dns_ares_callback(void *arg, int status, int timeouts, unsigned char *abuf,
    int alen)
{
	struct dns_query *q = arg;
	struct dns_ares *da;
	dns_answer *a;
	int truncated;

	da = q->impl;
	truncated = !q->tcp && abuf != NULL && alen > 2 && (abuf[2] & 0x02);
	if (truncated || (status == ARES_ECONNREFUSED && q->retried++ == 0)) {
		/* see the top of this file: truncated (whatever the status
		 * c-ares gives it: an empty truncated reply is ENODATA), or
		 * refused once: ask again from the thread's loop */
		if (truncated)
			q->tcp = 1;
		q->qnext = da->retry;
		da->retry = q;
		return;
	}
	if (abuf != NULL && alen > 0 && status != ARES_EDESTRUCTION &&
	    status != ARES_ECANCELLED && status != ARES_ETIMEOUT &&
	    status != ARES_ECONNREFUSED)
		a = dns_answer_parse(q->cur, q->type, abuf, (size_t)alen);
	else
		a = dns_ares_failure(q, status, timeouts);

	/* the reply ended in a CNAME whose target it does not resolve */
	if (a->status == DNS_NODATA && strcmp(a->canon, q->cur) != 0 &&
	    status != ARES_EDESTRUCTION) {
		if (q->depth < DNS_CNAME_DEPTH) {
			q->depth++;
			q->tcp = 0;
			q->retried = 0;
			if (a->ttl < q->chain_ttl)
				q->chain_ttl = a->ttl;
			mem_free(q->cur);
			q->cur = mem_strdup(a->canon);
			dns_answer_unref(a);
			ares_query(da->channel, q->cur, 1, q->type,
			    dns_ares_callback, q);
			return;
		}
		dns_answer_unref(a);
		a = dns_answer_new(q->name, q->type, DNS_TEMPFAIL,
		    "CNAME chain too long or looping");
	}
	if (q->depth > 0) {
		/* a fresh answer, not shared yet: report it under the name
		 * that was asked */
		mem_free(a->name);
		a->name = mem_strdup(q->name);
		if (q->chain_ttl < a->ttl)
			a->ttl = q->chain_ttl;
	}
	dns_resolver_complete(q, a);
}

/* dns_ares_submit - queue a lookup for the resolver thread */
static void
dns_ares_submit(void *impl, struct dns_query *q)
{
	struct dns_ares *da = impl;
	int stopped;

	q->cur = mem_strdup(q->name);
	q->chain_ttl = UINT32_MAX;
	q->qnext = NULL;
	q->impl = da;
	pthread_mutex_lock(&da->qlock);
	stopped = da->stop;
	if (!stopped) {
		if (da->qtail != NULL)
			da->qtail->qnext = q;
		else
			da->qhead = q;
		da->qtail = q;
	}
	pthread_mutex_unlock(&da->qlock);
	if (stopped) {
		dns_resolver_complete(q, dns_ares_failure(q, ARES_EDESTRUCTION,
		    0));
		return;
	}
	if (eventfd_write(da->evfd, 1) != 0)
		log_error("dns: cannot wake the resolver thread: %s",
		    strerror(errno));
}

/* dns_ares_thread - the resolver thread's event loop */
static void *
dns_ares_thread(void *arg)
{
	struct dns_ares *da = arg;
	struct dns_query *q, *next;
	struct pollfd *fds;
	struct timeval maxtv, tv, tcptv, *tvp;
	size_t capfds, nfds, i;
	ares_socket_t rfd, wfd;
	eventfd_t ev;
	struct timespec ts;
	int stop;

	fds = NULL;
	capfds = 0;
	for (;;) {
		/* lookups to ask again, then new ones */
		for (q = da->retry, da->retry = NULL; q != NULL; q = next) {
			next = q->qnext;
			ares_query(q->tcp ? da->tcp : da->channel, q->cur, 1,
			    q->type, dns_ares_callback, q);
		}
		pthread_mutex_lock(&da->qlock);
		q = da->qhead;
		da->qhead = da->qtail = NULL;
		stop = da->stop;
		pthread_mutex_unlock(&da->qlock);
		for (; q != NULL; q = next) {
			next = q->qnext;
			ares_query(da->channel, q->cur, 1, q->type,
			    dns_ares_callback, q);
		}
		if (stop)
			break;

		if (capfds < da->nsocks + 1) {
			capfds = da->nsocks + 8;
			fds = mem_realloc(fds, capfds * sizeof(*fds));
		}
		fds[0].fd = da->evfd;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		for (i = 0; i < da->nsocks; i++) {
			fds[i + 1] = da->socks[i];
			fds[i + 1].revents = 0;
		}
		nfds = da->nsocks + 1;
		maxtv.tv_sec = 1;
		maxtv.tv_usec = 0;
		tvp = ares_timeout(da->channel, &maxtv, &tv);
		tvp = ares_timeout(da->tcp, tvp, &tcptv);
		/* ppoll, not poll: the daemon wraps libmilter's poll() */
		ts.tv_sec = da->retry != NULL ? 0 : tvp->tv_sec;
		ts.tv_nsec = da->retry != NULL ? 0 : tvp->tv_usec * 1000;
		if (ppoll(fds, (nfds_t)nfds, &ts, NULL) < 0 && errno != EINTR)
			log_error("dns: poll: %s", strerror(errno));
		if (fds[0].revents & POLLIN)
			(void)eventfd_read(da->evfd, &ev);
		for (i = 1; i < nfds; i++) {
			if (fds[i].revents == 0)
				continue;
			/* each channel acts only on its own sockets */
			rfd = (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ?
			    fds[i].fd : ARES_SOCKET_BAD;
			wfd = (fds[i].revents & POLLOUT) ? fds[i].fd :
			    ARES_SOCKET_BAD;
			ares_process_fd(da->channel, rfd, wfd);
			ares_process_fd(da->tcp, rfd, wfd);
		}
		/* timeouts and retries */
		ares_process_fd(da->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		ares_process_fd(da->tcp, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	}
	mem_free(fds);
	return NULL;
}

/* dns_ares_destroy - stop the thread; outstanding lookups fail */
static void
dns_ares_destroy(void *impl)
{
	struct dns_query *q, *next;
	struct dns_ares *da = impl;

	pthread_mutex_lock(&da->qlock);
	da->stop = 1;
	pthread_mutex_unlock(&da->qlock);
	(void)eventfd_write(da->evfd, 1);
	pthread_join(da->thread, NULL);
	/* answers every query still in flight with ARES_EDESTRUCTION */
	ares_destroy(da->channel);
	ares_destroy(da->tcp);
	/* and those a callback of the last loop put back to be asked again */
	for (q = da->retry, da->retry = NULL; q != NULL; q = next) {
		next = q->qnext;
		dns_resolver_complete(q, dns_ares_failure(q, ARES_EDESTRUCTION,
		    0));
	}
	close(da->evfd);
	pthread_mutex_destroy(&da->qlock);
	mem_free(da->socks);
	mem_free(da);
}

/* dns_ares_channel - one channel with our options and servers */
static int
dns_ares_channel(struct dns_ares *da, const struct dns_options *opts,
    const str *csv, int flags, ares_channel *ch, str *err)
{
	struct ares_options ao;
	int rc, mask;

	memset(&ao, 0, sizeof(ao));
	ao.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS |
	    ARES_FLAG_NOCHECKRESP | flags;
	ao.timeout = opts->timeout_ms;
	ao.tries = opts->tries;
	ao.sock_state_cb = dns_ares_sock_state;
	ao.sock_state_cb_data = da;
	mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
	    ARES_OPT_SOCK_STATE_CB;
	if ((rc = ares_init_options(ch, &ao, mask)) != ARES_SUCCESS) {
		str_appendf(err, "cannot set up the resolver: %s",
		    ares_strerror(rc));
		return -1;
	}
	if (csv->len > 0 && (rc = ares_set_servers_ports_csv(*ch,
	    str_cstr(csv))) != ARES_SUCCESS) {
		str_appendf(err, "cannot use nameservers %s: %s",
		    str_cstr(csv), ares_strerror(rc));
		ares_destroy(*ch);
		return -1;
	}
	return 0;
}

/* dns_ares_create - set up the channels and start the resolver thread */
static int
dns_ares_create(const struct dns_options *opts, struct dns_backend *be,
    str *err)
{
	struct dns_ares *da;
	str csv;
	int rc;

	pthread_once(&dns_ares_once, dns_ares_library_init);
	if (dns_ares_init_status != ARES_SUCCESS) {
		str_appendf(err, "c-ares initialisation failed: %s",
		    ares_strerror(dns_ares_init_status));
		return -1;
	}
	str_init(&csv);
	if (opts->servers != NULL && opts->servers[0] != '\0' &&
	    dns_servers_parse(opts->servers, &csv, err) != 0) {
		str_free(&csv);
		return -1;
	}
	da = mem_calloc(1, sizeof(*da));
	da->tries = opts->tries;
	if (dns_ares_channel(da, opts, &csv, ARES_FLAG_IGNTC, &da->channel,
	    err) != 0)
		goto fail;
	if (dns_ares_channel(da, opts, &csv, ARES_FLAG_USEVC, &da->tcp,
	    err) != 0) {
		ares_destroy(da->channel);
		goto fail;
	}
	if ((da->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		str_appendf(err, "eventfd: %s", strerror(errno));
		ares_destroy(da->channel);
		ares_destroy(da->tcp);
		goto fail;
	}
	pthread_mutex_init(&da->qlock, NULL);
	if ((rc = pthread_create(&da->thread, NULL, dns_ares_thread, da)) != 0) {
		str_appendf(err, "cannot start the resolver thread: %s",
		    strerror(rc));
		close(da->evfd);
		pthread_mutex_destroy(&da->qlock);
		ares_destroy(da->channel);
		ares_destroy(da->tcp);
		goto fail;
	}
	str_free(&csv);
	be->submit = dns_ares_submit;
	be->destroy = dns_ares_destroy;
	be->impl = da;
	return 0;
fail:
	str_free(&csv);
	mem_free(da);
	return -1;
}

/* dns_resolver_create - a resolver over c-ares (see dns.h) */
dns_resolver *
dns_resolver_create(const struct dns_options *opts, str *err)
{
	struct dns_backend be;

	if (dns_ares_create(opts, &be, err) != 0)
		return NULL;
	return dns_resolver_new(opts, &be);
}
