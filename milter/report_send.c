/*
 * report_send - sendmail(1) or SMTP for report mails; see report_send.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/ipaddr.h"
#include "util/str.h"
#include "dmarcrep/dmarcrep_mail.h"
#include "report_send.h"

/* send_sendmail - pipe the message to sendmail -oi -f from -- to */
static int
send_sendmail(const char *path, const char *from, const char *to,
    const str *msg, str *err)
{
	int fds[2], status = -1;
	ssize_t n;
	size_t i;
	pid_t pid;
	str lf;

	if (pipe(fds) != 0) {
		str_appendf(err, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		str_appendf(err, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		close(fds[1]);
		execl(path, "sendmail", "-oi", "-f", from, "--", to,
		    (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* sendmail(1) reads lines ending in LF */
	str_init(&lf);
	for (i = 0; i < msg->len; i++)
		if (!(msg->buf[i] == '\r' && i + 1 < msg->len &&
		    msg->buf[i + 1] == '\n'))
			str_append_c(&lf, msg->buf[i]);
	for (i = 0; i < lf.len; i += (size_t)n)
		if ((n = write(fds[1], lf.buf + i, lf.len - i)) <= 0)
			break;
	str_free(&lf);
	close(fds[1]);
	if (waitpid(pid, &status, 0) < 0) {
		str_appendf(err, "waiting for %s: %s", path, strerror(errno));
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		str_appendf(err, "%s exited with %d%s", path,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		    WIFEXITED(status) && WEXITSTATUS(status) == 127 ?
		    " (could not be run)" : "");
		return -1;
	}
	return 0;
}

/* smtp_reply - read one reply; its code, or -1 */
static int
smtp_reply(int fd, str *text)
{
	char buf[1024];
	size_t used;
	ssize_t n;
	char *nl;
	int code;

	str_reset(text);
	used = 0;
	for (;;) {
		if ((n = read(fd, buf + used, sizeof(buf) - 1 - used)) <= 0)
			return -1;
		used += (size_t)n;
		buf[used] = '\0';
		/* complete lines: the last one has a space after the code */
		while ((nl = strchr(buf, '\n')) != NULL) {
			*nl = '\0';
			if (nl > buf && nl[-1] == '\r')
				nl[-1] = '\0';
			if (text->len > 0)
				str_append(text, " ");
			str_append(text, buf);
			/* RFC 5321 4.2: the text after the code is
			 * optional ("250" alone ends a reply too) */
			if ((strlen(buf) >= 4 && buf[3] == ' ') ||
			    strlen(buf) == 3) {
				code = atoi(buf);
				return code >= 200 && code < 600 ? code : -1;
			}
			if (strlen(buf) < 4 || buf[3] != '-')
				return -1;
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
		if (used >= sizeof(buf) - 1)
			return -1;	/* a line too long */
	}
}

/* smtp_write - all of it, or -1 */
static int
smtp_write(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		/* a relay that hangs up is an error, not a SIGPIPE */
		if ((w = send(fd, p, n, MSG_NOSIGNAL)) <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* smtp_step - send a command, expect a reply class; 0 or -1 and why */
static int
smtp_step(int fd, const char *cmd, int want, str *reply, str *err)
{
	int code;

	if (cmd != NULL && smtp_write(fd, cmd, strlen(cmd)) != 0) {
		str_appendf(err, "SMTP: cannot send: %s", strerror(errno));
		return -1;
	}
	if ((code = smtp_reply(fd, reply)) / 100 != want) {
		str_appendf(err, "SMTP: %.*s answered: %s", cmd != NULL ?
		    (int)strcspn(cmd, "\r") : 8, cmd != NULL ? cmd : "greeting",
		    code < 0 ? "nothing (closed or timed out)" :
		    str_cstr(reply));
		return -1;
	}
	return 0;
}

/* smtp_connect - a TCP connection with timeouts, or -1 */
static int
smtp_connect(const char *where, str *err)
{
	struct sockaddr_storage ss;
	struct timeval tv = { REPORT_SMTP_TIMEOUT, 0 };
	struct pollfd pfd;
	socklen_t len;
	unsigned port;
	ipaddr ip;
	int fd, soerr;

	if (ipaddr_parse_port(where, &ip, &port) != 0) {
		str_appendf(err, "\"%s\" is not ADDRESS:PORT", where);
		return -1;
	}
	len = ipaddr_to_sockaddr(&ip, port, &ss);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		str_appendf(err, "socket: %s", strerror(errno));
		return -1;
	}
	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&ss, len) != 0 &&
	    errno != EINPROGRESS) {
		str_appendf(err, "SMTP %s: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLOUT;
	len = sizeof(soerr);
	if (poll(&pfd, 1, REPORT_SMTP_TIMEOUT * 1000) != 1 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 ||
	    soerr != 0) {
		str_appendf(err, "SMTP %s: cannot connect", where);
		close(fd);
		return -1;
	}
	(void)fcntl(fd, F_SETFL, 0);
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* send_smtp - one message by SMTP */
static int
send_smtp(const char *where, const char *from, const char *to,
    const char *helo, const str *msg, str *err)
{
	str reply, cmd, data;
	size_t i;
	int fd, rc;

	if ((fd = smtp_connect(where, err)) < 0)
		return -1;
	str_init(&reply);
	str_init(&cmd);
	str_init(&data);
	rc = -1;
	if (smtp_step(fd, NULL, 2, &reply, err) != 0)
		goto out;
	str_appendf(&cmd, "EHLO %s\r\n", helo);
	if (smtp_step(fd, str_cstr(&cmd), 2, &reply, err) != 0)
		goto out;
	str_reset(&cmd);
	str_appendf(&cmd, "MAIL FROM:<%s>\r\n", from);
	if (smtp_step(fd, str_cstr(&cmd), 2, &reply, err) != 0)
		goto out;
	str_reset(&cmd);
	str_appendf(&cmd, "RCPT TO:<%s>\r\n", to);
	if (smtp_step(fd, str_cstr(&cmd), 2, &reply, err) != 0 ||
	    smtp_step(fd, "DATA\r\n", 3, &reply, err) != 0)
		goto out;
	/* dot-stuffing: a line that starts with "." gets one more */
	for (i = 0; i < msg->len; i++) {
		if (msg->buf[i] == '.' && (i == 0 || msg->buf[i - 1] == '\n'))
			str_append_c(&data, '.');
		str_append_c(&data, msg->buf[i]);
	}
	if (data.len < 2 || strcmp(str_cstr(&data) + data.len - 2, "\r\n") != 0)
		str_append(&data, "\r\n");
	str_append(&data, ".\r\n");
	if (smtp_write(fd, data.buf, data.len) != 0) {
		str_appendf(err, "SMTP: cannot send the message: %s",
		    strerror(errno));
		goto out;
	}
	if (smtp_step(fd, NULL, 2, &reply, err) != 0)
		goto out;
	(void)smtp_step(fd, "QUIT\r\n", 2, &reply, &cmd);
	rc = 0;
out:
	close(fd);
	str_free(&reply);
	str_free(&cmd);
	str_free(&data);
	return rc;
}

/* report_send - one report mail to one address */
int
report_send(const char *transport, const char *from, const char *to,
    const char *helo, const str *msg, str *err)
{
	if (dmarcrep_transport_check(transport, err) != 0)
		return -1;
	if (strncmp(transport, "sendmail:", 9) == 0)
		return send_sendmail(transport + 9, from, to, msg, err);
	return send_smtp(transport + 5, from, to, helo, msg, err);
}
