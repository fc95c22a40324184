/*
 * control - the control socket of the daemon; see control.h.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/deadline.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "state/state.h"
#include "session/control.h"
#include "session/runtime.h"

static int control_fd = -1;
static int control_wake[2] = { -1, -1 };
static char *control_path;
static pthread_t control_thread;

/* control_block_line - one block as a line of the "blocks" answer */
static void
control_block_line(const char *key, const struct state_block *b, void *arg)
{
	str *out = arg;

	str_append(out, key);
	str_appendf(out, "\t%lld\t%lld\t%u\t", (long long)(b->since / 1000),
	    (long long)(b->until / 1000), b->refusals);
	str_append_printable(out, b->reason, strlen(b->reason),
	    sizeof(b->reason));
	str_append_c(out, '\n');
}

/* control_serve_line - answer one request */
void
control_serve_line(state_store *st, const char *line, str *out)
{
	struct state_stats ss;
	str err;
	int n;

	str_init(&err);
	if (strcmp(line, "blocks") == 0) {
		if ((n = state_blocks(st, deadline_wall(), control_block_line,
		    out, &err)) < 0)
			str_appendf(out, "error %s\n", str_cstr(&err));
		else
			str_appendf(out, "ok %d\n", n);
	} else if (strncmp(line, "unblock ", 8) == 0 && line[8] != '\0') {
		n = state_unblock(st, line + 8, &err);
		if (n < 0)
			str_appendf(out, "error %s\n", str_cstr(&err));
		else {
			str_append(out, n ? "ok lifted " : "ok none ");
			str_append_printable(out, line + 8, strlen(line + 8),
			    1100);
			str_append_c(out, '\n');
		}
	} else if (strcmp(line, "stats") == 0) {
		state_stats(st, &ss);
		str_appendf(out, "ok %s calls=%llu errors=%llu entries=%llu "
		    "round_trips=%llu down=%d\n", state_backend_name(st),
		    (unsigned long long)ss.calls,
		    (unsigned long long)ss.errors,
		    (unsigned long long)ss.entries,
		    (unsigned long long)ss.round_trips, ss.down);
	} else
		str_append(out, "error unknown request (blocks, unblock KEY, "
		    "stats)\n");
	str_free(&err);
}

/* control_read_line - one line from fd within the deadline: its length,
 * -1 on error, timeout or a line too long */
static long
control_read_line(int fd, char *buf, size_t size, int64_t deadline)
{
	struct pollfd pfd;
	size_t n = 0;
	ssize_t r;

	while (n + 1 < size) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)deadline_left(deadline)) <= 0)
			return -1;
		if ((r = read(fd, buf + n, 1)) < 0 && errno == EAGAIN)
			continue;
		if (r <= 0) {
			if (r < 0 || n == 0)
				return -1;
			buf[n] = '\0';	/* the last line, without its end */
			return (long)n;
		}
		if (buf[n] == '\n') {
			if (n > 0 && buf[n - 1] == '\r')
				n--;
			buf[n] = '\0';
			return (long)n;
		}
		n++;
	}
	return -1;
}

/* control_write_all - the whole buffer within the deadline */
static int
control_write_all(int fd, const char *p, size_t n, int64_t deadline)
{
	struct pollfd pfd;
	ssize_t w;

	while (n > 0) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, (int)deadline_left(deadline)) <= 0)
			return -1;
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* control_client - serve one connection */
static void
control_client(int fd)
{
	char line[CONTROL_LINE_MAX];
	int64_t deadline = deadline_in(CONTROL_TIMEOUT_MS);
	struct runtime *rt;
	str out;

	str_init(&out);
	if (control_read_line(fd, line, sizeof(line), deadline) < 0)
		str_append(&out, "error no request line (or one too long)\n");
	else if ((rt = runtime_get()) != NULL) {
		control_serve_line(runtime_state(rt), line, &out);
		runtime_put(rt);
	}
	(void)control_write_all(fd, out.buf, out.len, deadline);
	str_free(&out);
}

/* control_main - accept until woken to stop */
static void *
control_main(void *arg)
{
	struct pollfd pfd[2];
	int fd;

	(void)arg;
	for (;;) {
		pfd[0].fd = control_fd;
		pfd[0].events = POLLIN;
		pfd[1].fd = control_wake[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("control socket: poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents != 0)
			break;
		if ((fd = accept4(control_fd, NULL, NULL, SOCK_CLOEXEC |
		    SOCK_NONBLOCK)) < 0)
			continue;
		/* non-blocking: a client that stops reading costs at most
		 * the deadline, never the control thread */
		control_client(fd);
		close(fd);
	}
	return NULL;
}

/* control_addr - a unix socket address for path; -1 if too long */
static int
control_addr(const char *path, struct sockaddr_un *sun, str *err)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		str_appendf(err, "%s: path too long for a unix socket", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

/* control_start - listen and serve */
int
control_start(const char *path, str *err)
{
	struct sockaddr_un sun;
	mode_t old;

	if (control_addr(path, &sun, err) != 0)
		return -1;
	if ((control_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		str_appendf(err, "socket: %s", strerror(errno));
		return -1;
	}
	if (pipe(control_wake) != 0) {
		str_appendf(err, "pipe: %s", strerror(errno));
		goto fail;
	}
	(void)unlink(path);	/* a stale socket of an earlier run */
	old = umask(0177);
	if (bind(control_fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    listen(control_fd, 8) != 0) {
		umask(old);
		str_appendf(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	umask(old);
	if (pthread_create(&control_thread, NULL, control_main, NULL) != 0) {
		str_appendf(err, "cannot start the control socket's thread");
		(void)unlink(path);
		goto fail;
	}
	control_path = mem_strdup(path);
	return 0;
fail:
	close(control_fd);
	control_fd = -1;
	if (control_wake[0] >= 0) {
		close(control_wake[0]);
		close(control_wake[1]);
		control_wake[0] = control_wake[1] = -1;
	}
	return -1;
}

/* control_stop - stop serving and remove the socket */
void
control_stop(void)
{
	if (control_path == NULL)
		return;
	(void)write(control_wake[1], "x", 1);
	pthread_join(control_thread, NULL);
	close(control_fd);
	close(control_wake[0]);
	close(control_wake[1]);
	(void)unlink(control_path);
	mem_free(control_path);
	control_path = NULL;
	control_fd = -1;
}

/* control_request - the client side of one request */
int
control_request(const char *path, const char *request, str *out, str *err)
{
	int64_t deadline = deadline_in(CONTROL_TIMEOUT_MS);
	struct sockaddr_un sun;
	struct pollfd pfd;
	char buf[4096];
	ssize_t r;
	int fd;

	if (control_addr(path, &sun, err) != 0)
		return -1;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		str_appendf(err, "%s: %s (is authgate running with "
		    "control_socket = \"%s\"?)", path, strerror(errno), path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (control_write_all(fd, request, strlen(request), deadline) != 0 ||
	    control_write_all(fd, "\n", 1, deadline) != 0) {
		str_appendf(err, "%s: cannot send the request", path);
		close(fd);
		return -1;
	}
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)deadline_left(deadline)) <= 0) {
			str_appendf(err, "%s: no answer in %d ms", path,
			    CONTROL_TIMEOUT_MS);
			close(fd);
			return -1;
		}
		if ((r = read(fd, buf, sizeof(buf))) <= 0)
			break;
		str_append_n(out, buf, (size_t)r);
	}
	close(fd);
	return 0;
}
