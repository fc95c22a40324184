/*
 * main - the authgate daemon: options, start-up, privileges, signals.
 *
 *	authgate [-dfnV] [-c config] [-p socket] [-u user] [-P pidfile]
 *
 * Start-up order matters: the config is read (and -n stops there); the
 * process daemonizes before any thread exists; signals are blocked before
 * the first thread so every thread inherits the mask; the socket is
 * opened and the pid file written as root, then privileges are dropped;
 * only then does libmilter take over. SIGHUP (or SIGUSR1) reloads the
 * config in our control thread; SIGTERM/SIGINT make libmilter stop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "config/conf.h"
#include "session/control.h"
#include "session/runtime.h"
#include "metrics_http.h"
#include "service.h"

#include "callbacks.h"
#include "milter_wrap.h"

struct options {
	const char	*config;
	int		 config_given;
	const char	*socket;
	const char	*user;
	const char	*pid_file;
	int		 foreground;
	int		 check_only;
	int		 debug;
};

static pthread_t control_thread;
static const char *control_config;
static int control_config_given;

/* usage - how to call us */
static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: authgate [-dfnV] [-c config] [-p socket] "
	    "[-u user] [-P pidfile]\n"
	    "  -c config   configuration file (default %s)\n"
	    "  -d          debug logging\n"
	    "  -f          stay in the foreground (log to stderr, or to\n"
	    "              syslog under systemd or with log_to = syslog)\n"
	    "  -n          check the configuration and exit (0 ok, 1 errors)\n"
	    "  -p socket   listen here (unix:/path, inet:port@host, "
	    "inet6:port@host)\n"
	    "  -u user     drop privileges to this user\n"
	    "  -P pidfile  write the process id here\n"
	    "  -V          print the version and exit\n", conf_default_path());
	exit(2);
}

/* parse_options - the command line */
static void
parse_options(int argc, char **argv, struct options *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->config = conf_default_path();
	while ((c = getopt(argc, argv, "c:dfnp:u:P:V")) != -1) {
		switch (c) {
		case 'c':
			o->config = optarg;
			o->config_given = 1;
			break;
		case 'd':
			o->debug = 1;
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'n':
			o->check_only = 1;
			break;
		case 'p':
			o->socket = optarg;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'P':
			o->pid_file = optarg;
			break;
		case 'V':
			printf("authgate %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* daemonize - detach from the terminal */
static void
daemonize(void)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0)
		log_fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		log_fatal("setsid: %s", strerror(errno));
	if ((pid = fork()) < 0)
		log_fatal("fork: %s", strerror(errno));
	if (pid > 0)
		_exit(0);
	if (chdir("/") != 0)
		log_fatal("chdir /: %s", strerror(errno));
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
}

/* socket_path - the file system path of a unix socket spec, or NULL */
static const char *
socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

/* prepare_socket_dir - create the unix socket's directory if missing */
static void
prepare_socket_dir(const char *path, const struct passwd *pw)
{
	char *dir, *slash;

	dir = mem_strdup(path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) == 0) {
			log_info("created %s", dir);
			if (pw != NULL && chown(dir, pw->pw_uid, pw->pw_gid) != 0)
				log_warn("chown %s: %s", dir, strerror(errno));
		} else if (errno != EEXIST)
			log_warn("mkdir %s: %s", dir, strerror(errno));
	}
	mem_free(dir);
}

/* pid_file_write - refuse to run twice, then record our pid */
static void
pid_file_write(const char *path)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd;

	if ((fd = open(path, O_RDONLY)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			pid = strtol(buf, NULL, 10);
			if (pid > 0 && pid != (long)getpid() &&
			    kill((pid_t)pid, 0) == 0)
				log_fatal("another authgate (pid %ld) runs with "
				    "pid file %s", pid, path);
		}
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		log_fatal("cannot write pid file %s: %s", path, strerror(errno));
	snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (write(fd, buf, strlen(buf)) != (ssize_t)strlen(buf))
		log_fatal("cannot write pid file %s: %s", path, strerror(errno));
	close(fd);
}

/* drop_privileges - become the configured user */
static void
drop_privileges(const struct passwd *pw)
{
	if (pw == NULL)
		return;
	if (getuid() != 0) {
		if (getuid() != pw->pw_uid)
			log_fatal("cannot switch to user %s: not started as "
			    "root", pw->pw_name);
		return;
	}
	if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
	    setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		log_fatal("cannot switch to user %s: %s", pw->pw_name,
		    strerror(errno));
	if (setuid(0) == 0)
		log_fatal("privileges could be regained after dropping them");
	log_info("running as user %s", pw->pw_name);
}

/* control_main - the control thread: SIGHUP/SIGUSR1 reload, SIGUSR2
 * ends; the service manager hears of both, and of the counts now and
 * then */
static void *
control_main(void *arg)
{
	struct timespec every = { SERVICE_STATUS_INTERVAL, 0 };
	sigset_t set;
	str why;
	int sig, ok;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		/* sigtimedwait, not sigwait: our sigwait() wrapper for
		 * libmilter drops SIGHUP from the set (milter_wrap.c) */
		if ((sig = sigtimedwait(&set, NULL, &every)) < 0) {
			service_status();
			continue;
		}
		if (sig == SIGUSR2)
			break;
		log_info("signal %d: reloading the configuration", sig);
		service_reloading();
		str_init(&why);
		ok = runtime_reload(control_config, control_config_given,
		    &why) == 0;
		service_reloaded(ok, str_cstr(&why));
		str_free(&why);
	}
	return NULL;
}

/* block_signals - every thread created from here on inherits the mask */
static void
block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		log_fatal("cannot block signals");
}

int
main(int argc, char **argv)
{
	struct options o;
	struct conf *conf;
	struct passwd *pw;
	const char *path;
	char *pid_path;
	str err;
	int rc, inet;

	parse_options(argc, argv, &o);
	log_open("authgate", 1, LOG_MAIL);
	str_init(&err);
	if (conf_load(o.config, o.config_given, &conf, &err) != 0) {
		fprintf(stderr, "%s\n", str_cstr(&err));
		if (!o.check_only)
			fprintf(stderr, "authgate: configuration errors, not "
			    "started\n");
		str_free(&err);
		return 1;
	}
	if (o.check_only) {
		printf("%s: configuration OK\n", conf->path != NULL ?
		    conf->path : "built-in defaults (no config file)");
		conf_free(conf);
		str_free(&err);
		return 0;
	}
	runtime_set_args(o.socket, o.user, o.pid_file, o.debug);
	runtime_apply_args(conf);
	pw = NULL;
	if (conf->user[0] != '\0' && (pw = getpwnam(conf->user)) == NULL)
		log_fatal("no such user: %s", conf->user);

	if (!o.foreground)
		daemonize();
	/* the mail facility and real priorities wherever admins look: in
	 * the background, and in the foreground under systemd (journald
	 * files stderr as facility daemon, priority info) */
	if (conf->log_to == CONF_LOG_SYSLOG || (conf->log_to ==
	    CONF_LOG_AUTO && (!o.foreground || log_journal_stream())))
		log_open("authgate", 0, conf->syslog_facility);
	block_signals();
	control_config = o.config;
	control_config_given = o.config_given;

	/* libmilter before our threads: smfi_opensocket must see no stale
	 * state, and the socket is opened while we are still root */
	if ((path = socket_path(conf->socket)) != NULL)
		prepare_socket_dir(path, pw);
	if (smfi_setconn(conf->socket) != MI_SUCCESS ||
	    smfi_settimeout(conf->milter_timeout) != MI_SUCCESS ||
	    smfi_register(callbacks_milter) != MI_SUCCESS)
		log_fatal("cannot set up the milter library for %s",
		    conf->socket);
	if (smfi_opensocket(1) != MI_SUCCESS)
		log_fatal("cannot listen on %s (in use, or no permission?)",
		    conf->socket);
	if (path != NULL) {
		if (conf->socket_mode >= 0 &&
		    chmod(path, (mode_t)conf->socket_mode) != 0)
			log_warn("chmod %s: %s", path, strerror(errno));
		if (pw != NULL && getuid() == 0 &&
		    chown(path, pw->pw_uid, pw->pw_gid) != 0)
			log_warn("chown %s: %s", path, strerror(errno));
	}
	if (conf->pid_file[0] != '\0')
		pid_file_write(conf->pid_file);
	drop_privileges(pw);
	inet = strncmp(conf->socket, "inet", 4) == 0;
	milter_wrap_quickack(inet);

	log_info("authgate %s starting: socket %s, config %s, authserv-id %s",
	    PACKAGE_VERSION, conf->socket, conf->path != NULL ? conf->path :
	    "built-in defaults", conf->authserv_id);
	pid_path = conf->pid_file[0] != '\0' ? mem_strdup(conf->pid_file) :
	    NULL;
	runtime_set_recording(1);
	if (runtime_start(conf, &err) != 0)
		log_fatal("cannot start: %s", str_cstr(&err));
	if (pthread_create(&control_thread, NULL, control_main, NULL) != 0)
		log_fatal("cannot start the control thread");
	if (conf->control_socket[0] != '\0' &&
	    control_start(conf->control_socket, &err) != 0)
		log_warn("no control socket (authgate-check --blocks cannot "
		    "reach this daemon): %s", str_cstr(&err));
	/* mail matters more than graphs: a busy port costs the metrics,
	 * not the service */
	str_reset(&err);
	if (conf->metrics[0] != '\0' &&
	    metrics_http_start(conf->metrics, &err) != 0)
		log_error("metrics: %s; authgate runs without /metrics",
		    str_cstr(&err));
	/* the socket listens (connections wait in its backlog until
	 * smfi_main accepts them): the unit may let Postfix start */
	service_ready(conf->socket);

	rc = smfi_main();

	log_info("authgate stopping");
	service_stopping();
	pthread_kill(control_thread, SIGUSR2);
	pthread_join(control_thread, NULL);
	metrics_http_stop();
	control_stop();
	runtime_stop();
	if (pid_path != NULL) {
		if (unlink(pid_path) != 0 && errno != ENOENT)
			log_warn("cannot remove pid file %s: %s", pid_path,
			    strerror(errno));
		mem_free(pid_path);
	}
	str_free(&err);
	log_info("authgate stopped");
	return rc == MI_SUCCESS ? 0 : 1;
}
