/*
 * metrics_http - /metrics over libmicrohttpd; see metrics_http.h.
 *
 * libmicrohttpd (Debian's libmicrohttpd12) rather than a hand-written
 * HTTP server: request parsing, keep-alive, timeouts and connection
 * limits are exactly the part a small server gets wrong, and a scraper
 * is a network peer like any other.
 *
 * It is loaded with dlopen() when the metrics option asks for it, not
 * linked: it brings GnuTLS and eight more libraries whose start-up took
 * 3 MB of PSS (6.5 -> 9.5 MB in the shared bench), a 45 % larger daemon
 * for a feature that is off by default.
 */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "util/dynlib.h"
#include "util/ipaddr.h"
#include "util/log.h"
#include "util/str.h"
#include "report/metrics.h"
#include "session/runtime.h"
#include "metrics_http.h"

#define METRICS_HTTP_CONNECTIONS	8	/* at once */
#define METRICS_HTTP_TIMEOUT		10	/* seconds idle */

/* the soname of Debian 12's libmicrohttpd12 (0.9.x keeps ABI 12) */
#define METRICS_HTTP_LIBRARY	"libmicrohttpd.so.12"

static struct MHD_Daemon *metrics_http_daemon;

/* the library's functions we call, found by metrics_http_load() */
static struct {
	void			*handle;
	struct MHD_Daemon	*(*start_daemon)(unsigned int, uint16_t,
				    MHD_AcceptPolicyCallback, void *,
				    MHD_AccessHandlerCallback, void *, ...);
	void			 (*stop_daemon)(struct MHD_Daemon *);
	struct MHD_Response	*(*create_response_from_buffer)(size_t,
				    void *, enum MHD_ResponseMemoryMode);
	enum MHD_Result		 (*add_response_header)(struct MHD_Response *,
				    const char *, const char *);
	enum MHD_Result		 (*queue_response)(struct MHD_Connection *,
				    unsigned int, struct MHD_Response *);
	void			 (*destroy_response)(struct MHD_Response *);
} mhd;

/* metrics_http_load - load libmicrohttpd once; 0 or -1 and why */
static int
metrics_http_load(str *err)
{
	const struct dynlib_symbol symbols[] = {
		DYNLIB_SYMBOL("MHD_start_daemon", &mhd.start_daemon),
		DYNLIB_SYMBOL("MHD_stop_daemon", &mhd.stop_daemon),
		DYNLIB_SYMBOL("MHD_create_response_from_buffer",
		    &mhd.create_response_from_buffer),
		DYNLIB_SYMBOL("MHD_add_response_header",
		    &mhd.add_response_header),
		DYNLIB_SYMBOL("MHD_queue_response", &mhd.queue_response),
		DYNLIB_SYMBOL("MHD_destroy_response", &mhd.destroy_response)
	};

	if (mhd.handle != NULL)
		return 0;
	mhd.handle = dynlib_load(METRICS_HTTP_LIBRARY, "libmicrohttpd12",
	    symbols, sizeof(symbols) / sizeof(symbols[0]), err);
	return mhd.handle != NULL ? 0 : -1;
}

/* metrics_http_log - libmicrohttpd's complaints, into our log */
static void
metrics_http_log(void *cls, const char *fmt, va_list ap)
{
	str msg;

	(void)cls;
	str_init(&msg);
	str_vappendf(&msg, fmt, ap);
	/* its messages end in a newline */
	if (msg.len > 0 && str_cstr(&msg)[msg.len - 1] == '\n')
		str_truncate(&msg, msg.len - 1);
	log_warn("metrics: %s", str_cstr(&msg));
	str_free(&msg);
}

/* metrics_http_reply - queue one response and drop our reference */
static enum MHD_Result
metrics_http_reply(struct MHD_Connection *c, unsigned code,
    const char *type, const str *body)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = mhd.create_response_from_buffer(body->len,
	    (void *)str_cstr(body), MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	(void)mhd.add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)mhd.add_response_header(r, MHD_HTTP_HEADER_ALLOW,
		    "GET, HEAD");
	rc = mhd.queue_response(c, code, r);
	mhd.destroy_response(r);
	return rc;
}

/* metrics_http_request - answer one request */
static enum MHD_Result
metrics_http_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	static const char *const plain = "text/plain; charset=utf-8";
	struct runtime *rt;
	enum MHD_Result rc;
	str body;

	(void)cls;
	(void)version;
	(void)upload;
	(void)upload_size;
	(void)state;
	str_init(&body);
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		str_append(&body, "only GET and HEAD\n");
		rc = metrics_http_reply(c, MHD_HTTP_METHOD_NOT_ALLOWED, plain,
		    &body);
	} else if (strcmp(url, "/metrics") == 0) {
		rt = runtime_get();
		metrics_write(&body, runtime_tasks(), rt != NULL ?
		    runtime_recorder(rt) : NULL);
		runtime_put(rt);
		rc = metrics_http_reply(c, MHD_HTTP_OK,
		    "text/plain; version=0.0.4; charset=utf-8", &body);
	} else if (strcmp(url, "/") == 0) {
		str_appendf(&body, "authgate %s: metrics at /metrics\n",
		    PACKAGE_VERSION);
		rc = metrics_http_reply(c, MHD_HTTP_OK, plain, &body);
	} else {
		str_append(&body, "not found: try /metrics\n");
		rc = metrics_http_reply(c, MHD_HTTP_NOT_FOUND, plain, &body);
	}
	str_free(&body);
	return rc;
}

/* metrics_http_start - listen on address ("ip:port") */
int
metrics_http_start(const char *address, str *err)
{
	struct sockaddr_storage ss;
	unsigned port, flags;
	ipaddr ip;

	if (ipaddr_parse_port(address, &ip, &port) != 0) {
		str_appendf(err, "\"%s\" is not ADDRESS:PORT", address);
		return -1;
	}
	if (metrics_http_load(err) != 0)
		return -1;
	(void)ipaddr_to_sockaddr(&ip, port, &ss);
	flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
	if (ip.family == AF_INET6)
		flags |= MHD_USE_IPv6;
	metrics_http_daemon = mhd.start_daemon(flags, (uint16_t)port, NULL,
	    NULL, metrics_http_request, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, metrics_http_log, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_HTTP_CONNECTIONS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_HTTP_TIMEOUT,
	    MHD_OPTION_END);
	if (metrics_http_daemon == NULL) {
		str_appendf(err, "cannot listen on %s (in use, or no such "
		    "local address?)", address);
		return -1;
	}
	log_info("metrics: serving /metrics on http://%s", address);
	return 0;
}

/* metrics_http_stop - close the listener and its connections */
void
metrics_http_stop(void)
{
	if (metrics_http_daemon == NULL)
		return;
	mhd.stop_daemon(metrics_http_daemon);
	metrics_http_daemon = NULL;
}
