/*
 * check_main - authgate-check: the daemon's checks and verdict, offline,
 * for one message or envelope given on the command line. It drives the
 * same session code (session.c) the milter callbacks drive, with the
 * same config, stage by stage as an MTA would, so its verdict is the
 * daemon's verdict; then it prints the SMTP reply, the
 * Authentication-Results field and a diagnosis for the sender
 * (diagnose.c), as text or JSON.
 *
 * Exit status: 0 accepted (or quarantined), 1 tempfail, 2 reject,
 * 64 usage error, 70 config or start-up error.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ipaddr.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"
#include "state/state.h"
#include "verdict/verdict.h"
#include "verdict/verdict_sender.h"
#include "report/diagnose.h"
#include "report/headers.h"
#include "report/summary.h"
#include "config/conf.h"
#include "session/control.h"
#include "session/runtime.h"
#include "session/session.h"

#define CHECK_MSG_MAX	(64 * 1024 * 1024)
#define CHECK_RCPT_MAX	100

struct check_opts {
	const char	*config;
	int		 config_given;
	const char	*dns;
	const char	*ip;
	const char	*name;
	const char	*helo;
	const char	*from;
	const char	*rcpt[CHECK_RCPT_MAX];
	int		 nrcpt;
	const char	*auth;
	const char	*message;	/* path, "-" for stdin, NULL: none */
	int		 json;
	int		 verbose;
	int		 blocks;	/* --blocks */
	const char	*unblock;	/* --unblock KEY */
};

/* usage - the command line, to f */
static void
usage(FILE *f)
{
	fprintf(f, "usage: authgate-check [-c config] [-d nameserver] [--json] "
	    "[-v]\n"
	    "         --ip ADDRESS [--name HOST] [--helo NAME] [--from ADDRESS]\n"
	    "         [--rcpt ADDRESS ...] [--auth LOGIN] [MESSAGE-FILE | -]\n"
	    "       authgate-check [-c config] --blocks | --unblock KEY\n");
}

/* check_block_row - "KEY SINCE UNTIL REFUSALS REASON" (tabs) in words */
static void
check_block_row(const char *p, size_t n)
{
	char row[CONTROL_LINE_MAX], *f[5], *save = NULL;
	long long since, until;
	str s;
	int i;

	snprintf(row, sizeof(row), "%.*s", (int)n, p);
	for (i = 0; i < 5; i++)
		f[i] = strtok_r(i == 0 ? row : NULL, i < 4 ? "\t" : "", &save);
	if (f[0] == NULL || f[3] == NULL) {
		printf("%s\n", row);
		return;
	}
	since = strtoll(f[1], NULL, 10);
	until = strtoll(f[2], NULL, 10);
	str_init(&s);
	str_appendf(&s, "%s blocked until ", f[0]);
	verdict_time(until * 1000, &s);
	str_append(&s, " (since ");
	verdict_time(since * 1000, &s);
	str_appendf(&s, ") after %s refusals", f[3]);
	if (f[4] != NULL && f[4][0] != '\0')
		str_appendf(&s, "; the last: %s", f[4]);
	printf("%s\n", str_cstr(&s));
	str_free(&s);
}

/* check_admin - --blocks and --unblock: through the daemon's control
 * socket, or straight to Redis when the config has no control socket;
 * exit code 0, 1 (nothing to lift), 69 (no daemon or store), 70 */
static int
check_admin(const struct check_opts *o, const struct conf *conf)
{
	const char *req;
	str out, err, line;
	state_store *st;
	const char *p, *nl;
	int rc = 0;

	str_init(&out);
	str_init(&err);
	str_init(&line);
	if (o->unblock != NULL)
		str_appendf(&line, "unblock %s", o->unblock);
	else
		str_append(&line, "blocks");
	req = str_cstr(&line);
	if (conf->control_socket[0] != '\0') {
		if (control_request(conf->control_socket, req, &out, &err) != 0)
			rc = 69;
		else if (out.len == 0) {
			str_appendf(&err, "%s: no answer", conf->control_socket);
			rc = 69;
		}
	} else if (conf->redis[0] != '\0') {
		/* the fleet's store itself, answered as the daemon would */
		if ((st = runtime_store_open(conf, &err)) == NULL)
			rc = 70;
		else
			control_serve_line(st, req, &out);
		state_free(st);
	} else {
		str_append(&err, "the blocks are in the daemon's memory: set "
		    "control_socket in the config (or state.redis)");
		rc = 69;
	}
	if (rc != 0) {
		fprintf(stderr, "authgate-check: %s\n", str_cstr(&err));
		goto out;
	}
	/* the answer: data lines made readable, then the status line */
	for (p = str_cstr(&out); *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (strncmp(p, "error ", 6) == 0) {
			fprintf(stderr, "authgate-check: %.*s\n",
			    (int)(nl - p - 6), p + 6);
			rc = 69;
		} else if (strncmp(p, "ok ", 3) == 0) {
			if (o->unblock != NULL)
				printf("%s %s\n", strncmp(p, "ok lifted", 9) == 0 ?
				    "lifted the block on" : "no block on",
				    o->unblock);
			if (strncmp(p, "ok none", 7) == 0)
				rc = 1;
		} else if (nl > p)
			check_block_row(p, (size_t)(nl - p));
		if (*nl == '\0')
			break;
	}
out:
	str_free(&out);
	str_free(&err);
	str_free(&line);
	return rc;
}

/* check_read - the whole message file */
static int
check_read(const char *path, str *out)
{
	char buf[65536];
	size_t n;
	FILE *f;

	f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "authgate-check: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (out->len + n > CHECK_MSG_MAX) {
			fprintf(stderr, "authgate-check: %s: larger than %d MB\n",
			    path, CHECK_MSG_MAX / 1024 / 1024);
			if (f != stdin)
				fclose(f);
			return -1;
		}
		str_append_n(out, buf, n);
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

/* check_line - length of the line at p (without its end), and the
 * length of its end (CRLF, LF, or 0 at the end of the text) */
static size_t
check_line(const char *p, const char *end, size_t *eol)
{
	const char *q;

	for (q = p; q < end && *q != '\n'; q++)
		;
	*eol = q < end ? 1 : 0;
	if (q > p && q[-1] == '\r') {
		q--;
		(*eol)++;
	}
	return (size_t)(q - p);
}

/* check_message - the header fields and the body, as an MTA hands them
 * to a milter: one call per field (folded lines joined by "\n" with their
 * leading white space, the value as it follows the colon), the body with
 * CRLF line ends */
static void
check_message(struct session *s, const str *msg)
{
	const char *p, *end, *colon;
	size_t len, eol;
	str name, value, body;
	int have;

	p = msg->buf;
	end = msg->buf + msg->len;
	str_init(&name);
	str_init(&value);
	have = 0;
	while (p < end) {
		len = check_line(p, end, &eol);
		if (len == 0) {		/* the empty line: end of header */
			p += eol;
			break;
		}
		if ((*p == ' ' || *p == '\t') && have) {
			str_append_c(&value, '\n');
			str_append_n(&value, p, len);
		} else {
			if (have)
				session_header(s, str_cstr(&name), str_cstr(&value));
			str_reset(&name);
			str_reset(&value);
			colon = memchr(p, ':', len);
			if (colon == NULL) {
				/* not a field: the MTA would treat it as the
				 * start of the body */
				have = 0;
				break;
			}
			str_append_n(&name, p, (size_t)(colon - p));
			str_append_n(&value, colon + 1, len - (size_t)(colon -
			    p) - 1);
			have = 1;
		}
		p += len + eol;
		if (eol == 0)
			break;
	}
	if (have)
		session_header(s, str_cstr(&name), str_cstr(&value));
	str_init(&body);
	while (p < end) {
		len = check_line(p, end, &eol);
		str_append_n(&body, p, len);
		if (eol > 0)
			str_append(&body, "\r\n");
		p += len + eol;
	}
	if (body.len > 0)
		(void)session_body(s, (const unsigned char *)body.buf, body.len);
	str_free(&body);
	str_free(&name);
	str_free(&value);
}

/* check_refused - did the MTA get a refusal at this stage */
static int
check_refused(const struct verdict *v)
{
	return v->action == ACT_REJECT || v->action == ACT_TEMPFAIL;
}

/* check_reply - the SMTP reply lines as the MTA would send them */
static void
check_reply(const struct verdict *v, str *out, size_t i)
{
	str_appendf(out, "%s%c%s %s", v->code, i + 1 < v->nlines ? '-' : ' ',
	    v->xcode, v->lines[i]);
}

/* check_print_text - the report for people */
static void
check_print_text(const struct verdict *v, enum stage stage,
    const char *authres, const char *summary, const struct diagnosis *d)
{
	const struct finding *fi;
	size_t i, j;
	str line;

	str_init(&line);
	if (v->action == ACT_ACCEPT)
		printf("Verdict: accept");
	else
		printf("Verdict: %s at %s (%s)", policy_action_name(v->action),
		    policy_stage_name(stage), v->check);
	if (v->action == ACT_ACCEPT && v->decided != ACT_ACCEPT)
		printf(" (%s by %s would follow at %s)",
		    policy_action_name(v->decided), v->check, "a later stage");
	printf("\n");
	if (v->action == ACT_REJECT || v->action == ACT_TEMPFAIL) {
		printf("SMTP reply:\n");
		for (i = 0; i < v->nlines; i++) {
			str_reset(&line);
			check_reply(v, &line, i);
			printf("  %s\n", str_cstr(&line));
		}
	}
	if (v->exempt.len > 0)
		printf("Exemptions: %s\n", str_cstr(&v->exempt));
	if (v->would.len > 0)
		printf("Report only, would: %s\n", str_cstr(&v->would));
	if (authres != NULL)
		printf("Authentication-Results: %s\n", authres);
	printf("Diagnosis:\n");
	for (i = 0; i < d->n; i++) {
		fi = &d->f[i];
		printf("  %-16s %s%s\n", fi->check, fi->result, fi->ok ? "" :
		    "  <-- needs attention");
		for (j = 0; j < fi->nlines; j++)
			printf("      %s\n", fi->lines[j]);
	}
	printf("Log line: %s\n", summary);
	str_free(&line);
}

/* check_print_json - the same for scripts */
static void
check_print_json(const struct verdict *v, enum stage stage,
    const char *authres, const char *summary, const struct diagnosis *d)
{
	const struct finding *fi;
	size_t i, j;
	str out, line;

	str_init(&out);
	str_init(&line);
	str_append(&out, "{\"verdict\": ");
	str_append_json(&out, policy_action_name(v->action));
	str_append(&out, ", \"decided\": ");
	str_append_json(&out, policy_action_name(v->decided));
	str_append(&out, ", \"stage\": ");
	str_append_json(&out, policy_stage_name(stage));
	str_append(&out, ", \"check\": ");
	str_append_json(&out, v->check);
	str_append(&out, ", \"code\": ");
	str_append_json(&out, v->action == ACT_REJECT ||
	    v->action == ACT_TEMPFAIL ? v->code : NULL);
	str_append(&out, ", \"enhanced_code\": ");
	str_append_json(&out, v->action == ACT_REJECT ||
	    v->action == ACT_TEMPFAIL ? v->xcode : NULL);
	str_append(&out, ", \"reply\": [");
	for (i = 0; i < v->nlines && (v->action == ACT_REJECT ||
	    v->action == ACT_TEMPFAIL); i++) {
		str_reset(&line);
		check_reply(v, &line, i);
		if (i > 0)
			str_append(&out, ", ");
		str_append_json(&out, str_cstr(&line));
	}
	str_append(&out, "], \"exemptions\": ");
	str_append_json(&out, v->exempt.len ? str_cstr(&v->exempt) : NULL);
	str_append(&out, ", \"would\": ");
	str_append_json(&out, v->would.len ? str_cstr(&v->would) : NULL);
	str_append(&out, ", \"authentication_results\": ");
	str_append_json(&out, authres);
	str_append(&out, ", \"findings\": [");
	for (i = 0; i < d->n; i++) {
		fi = &d->f[i];
		str_append(&out, i > 0 ? ", {\"check\": " : "{\"check\": ");
		str_append_json(&out, fi->check);
		str_append(&out, ", \"result\": ");
		str_append_json(&out, fi->result);
		str_appendf(&out, ", \"ok\": %s, \"lines\": [", fi->ok ? "true" :
		    "false");
		for (j = 0; j < fi->nlines; j++) {
			if (j > 0)
				str_append(&out, ", ");
			str_append_json(&out, fi->lines[j]);
		}
		str_append(&out, "]}");
	}
	str_append(&out, "], \"log\": ");
	str_append_json(&out, summary);
	str_append(&out, "}\n");
	fputs(str_cstr(&out), stdout);
	str_free(&out);
	str_free(&line);
}

/* check_report - verdict, reply, header, diagnosis; the exit status */
static int
check_report(const struct check_opts *o, struct runtime *rt,
    struct session *s, const struct verdict *v, enum stage stage)
{
	struct diagnosis d;
	str ar, line;
	int refused, rc;

	refused = v->action == ACT_REJECT || v->action == ACT_TEMPFAIL;
	str_init(&ar);
	if (!refused)
		headers_authres(&s->facts, session_policy(s),
		    rt->conf->authserv_id, &ar);
	str_init(&line);
	summary_format(&s->facts, v, stage, s->queue_id, s->nrcpt, 0, &line);
	diagnose_facts(&s->facts, session_policy(s), &d);
	if (o->json)
		check_print_json(v, stage, refused ? NULL : str_cstr(&ar),
		    str_cstr(&line), &d);
	else
		check_print_text(v, stage, refused ? NULL : str_cstr(&ar),
		    str_cstr(&line), &d);
	diagnosis_clear(&d);
	str_free(&ar);
	str_free(&line);
	rc = v->action == ACT_REJECT ? 2 : v->action == ACT_TEMPFAIL ? 1 : 0;
	return rc;
}

/* check_run - one SMTP transaction through the session, as the milter
 * callbacks drive it; the exit status, or -1. Takes the reference rt. */
static int
check_run(struct runtime *rt, const struct check_opts *o, const ipaddr *ip)
{
	const struct policy *p = &rt->conf->policy;
	const struct verdict *v = NULL, *refusal = NULL;
	struct session *s;
	enum stage stage;
	int i, accepted, rc;
	str msg;

	str_init(&msg);
	if (o->message != NULL && check_read(o->message, &msg) != 0) {
		str_free(&msg);
		runtime_put(rt);	/* no session took it */
		return -1;
	}
	s = session_new(rt);
	s->leading_space = 1;	/* as with SMFIP_HDR_LEADSPC */
	session_connect(s, ip, o->name, NULL);
	stage = STAGE_CONNECT;
	if (p->reject_stage <= STAGE_CONNECT &&
	    check_refused(v = session_decide(s, STAGE_CONNECT)))
		goto done;
	if (o->helo != NULL) {
		session_helo(s, o->helo);
		stage = STAGE_HELO;
		if (p->reject_stage <= STAGE_HELO &&
		    check_refused(v = session_decide(s, STAGE_HELO)))
			goto done;
	}
	session_mail(s, o->from, "CHECK", o->auth);
	stage = STAGE_MAIL;
	if (p->reject_stage <= STAGE_MAIL &&
	    check_refused(v = session_decide(s, STAGE_MAIL)))
		goto done;
	stage = STAGE_RCPT;
	for (accepted = 0, i = 0; i < o->nrcpt; i++) {
		session_rcpt(s, o->rcpt[i]);
		v = session_decide(s, STAGE_RCPT);
		session_rcpt_answered(s, v);
		if (!check_refused(v))
			accepted++;
		else if (refusal == NULL)
			refusal = v;
	}
	if (accepted == 0)
		goto done;	/* every recipient refused: no DATA */
	if (o->message == NULL) {
		/* envelope only: decide as at the end of the message, for
		 * the checks that ran (a refusal waiting for EOM shows) */
		v = session_decide(s, STAGE_RCPT);
		goto done;
	}
	check_message(s, &msg);
	stage = STAGE_EOM;
	v = session_decide(s, STAGE_EOM);
done:
	if (v == NULL)
		v = session_decide(s, stage);
	/* the report shows every result, those no answer waited for too */
	session_settle(s);
	rc = check_report(o, rt, s, v, stage);
	session_end_tx(s);
	session_free(s);
	str_free(&msg);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "dns", required_argument, NULL, 'd' },
		{ "ip", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'N' },
		{ "helo", required_argument, NULL, 'H' },
		{ "from", required_argument, NULL, 'f' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "auth", required_argument, NULL, 'a' },
		{ "blocks", no_argument, NULL, 'B' },
		{ "unblock", required_argument, NULL, 'U' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct check_opts o;
	struct runtime *rt;
	struct conf *conf;
	ipaddr ip;
	str err, csv;
	int c, rc;

	memset(&o, 0, sizeof(o));
	o.config = conf_default_path();
	o.from = "";
	while ((c = getopt_long(argc, argv, "c:d:jvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			o.config_given = 1;
			break;
		case 'd':
			o.dns = optarg;
			break;
		case 'i':
			o.ip = optarg;
			break;
		case 'N':
			o.name = optarg;
			break;
		case 'H':
			o.helo = optarg;
			break;
		case 'f':
			o.from = optarg;
			break;
		case 'r':
			if (o.nrcpt >= CHECK_RCPT_MAX) {
				fprintf(stderr, "authgate-check: at most %d "
				    "recipients\n", CHECK_RCPT_MAX);
				return 64;
			}
			o.rcpt[o.nrcpt++] = optarg;
			break;
		case 'a':
			o.auth = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'B':
			o.blocks = 1;
			break;
		case 'U':
			o.unblock = optarg;
			break;
		case 'v':
			o.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc)
		o.message = argv[optind++];
	if (o.blocks || o.unblock != NULL) {
		if (optind < argc || o.message != NULL || o.ip != NULL) {
			usage(stderr);
			return 64;
		}
		log_open("authgate-check", 1, LOG_MAIL);
		log_set_level(LOG_ERR);
		str_init(&err);
		if (conf_load(o.config, o.config_given, &conf, &err) != 0) {
			fprintf(stderr, "%s\n", str_cstr(&err));
			str_free(&err);
			return 70;
		}
		rc = check_admin(&o, conf);
		conf_free(conf);
		str_free(&err);
		return rc;
	}
	if (optind < argc || o.ip == NULL) {
		usage(stderr);
		return 64;
	}
	if (ipaddr_parse(o.ip, &ip) != 0) {
		fprintf(stderr, "authgate-check: --ip %s: not an IPv4 or IPv6 "
		    "address\n", o.ip);
		return 64;
	}
	if (o.nrcpt == 0)
		o.rcpt[o.nrcpt++] = "<recipient@authgate-check.invalid>";
	log_open("authgate-check", 1, LOG_MAIL);
	str_init(&err);
	if (conf_load(o.config, o.config_given, &conf, &err) != 0) {
		fprintf(stderr, "%s\n", str_cstr(&err));
		str_free(&err);
		return 70;
	}
	if (o.dns != NULL) {
		/* the same syntax as dns.servers */
		str_init(&csv);
		if (dns_servers_parse(o.dns, &csv, &err) != 0) {
			fprintf(stderr, "authgate-check: --dns: %s\n",
			    str_cstr(&err));
			conf_free(conf);
			return 64;
		}
		str_free(&csv);
		mem_free(conf->dns_servers);
		conf->dns_servers = mem_strdup(o.dns);
		conf->dns.servers = conf->dns_servers;
	}
	/* a diagnosis must not count or block anyone in the daemons'
	 * shared store: its counters and blocks are its own */
	mem_free(conf->redis);
	conf->redis = mem_strdup("");
	if (runtime_start(conf, &err) != 0) {
		fprintf(stderr, "authgate-check: %s\n", str_cstr(&err));
		str_free(&err);
		return 70;
	}
	log_set_level(o.verbose ? LOG_DEBUG : LOG_WARNING);
	rt = runtime_get();	/* the session owns this reference */
	rc = check_run(rt, &o, &ip);
	runtime_stop();
	str_free(&err);
	return rc < 0 ? 70 : rc;
}
