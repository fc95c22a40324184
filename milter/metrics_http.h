/*
 * metrics_http - the optional HTTP listener of the Prometheus endpoint
 * (the metrics option): GET /metrics answers with report/metrics.c's
 * page in the text format, / with a line that points there, anything
 * else with 404 (405 for methods other than GET and HEAD). It runs in
 * libmicrohttpd's own thread with a few connections at most, so a slow
 * or hostile scraper never touches a milter thread; the page is built
 * from atomic counters and never waits for mail. There is no
 * authentication: listen on loopback or a monitoring network.
 *
 *	metrics_http_start(address, err) - listen on "ip:port"; 0, or -1
 *		and the reason in err.
 *	metrics_http_stop() - close the listener (nothing if none).
 */
#ifndef AUTHGATE_METRICS_HTTP_H
#define AUTHGATE_METRICS_HTTP_H

#include "util/str.h"

int	metrics_http_start(const char *, str *);
void	metrics_http_stop(void);

#endif
