/* http.h - strict HTTP/1.1 for both of hotlined's libmicrohttpd servers.
 *
 * libmicrohttpd 0.9.75 accepts what RFC 9110 and RFC 9112 say a server
 * must refuse: a NUL byte inside the request target or a header field
 * (it cuts the string there), two different Content-Length fields, a
 * Content-Length beside a Transfer-Encoding.  hl_http_strict() checks
 * a request's head for them in the access handler's first call, before
 * anything else; hl_http_refuse() answers and closes the connection.
 */
#ifndef HL_HTTP_H
#define HL_HTTP_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

/* 0 for a head that may be served, else the status to refuse it with
 * (400, or 411 for a chunked body: neither server reads one) and *why
 * a static sentence.  With query_ok false a query is refused, and the
 * whole head is checked for NUL bytes; with it, the target is checked
 * only at its end (an unescaped query leaves bytes that look alike). */
unsigned hl_http_strict(struct MHD_Connection *c, const char *method, const char *url,
			const char *version, bool query_ok, const char **why);

/* Queues status with body (of type) and "Connection: close". */
enum MHD_Result hl_http_refuse(struct MHD_Connection *c, unsigned status,
			       const char *type, const char *body);

/* A response holding j (taken) as compact JSON; when j is NULL or
 * cannot be written, one holding the fixed text broken, and *status
 * becomes 500.  NULL when out of memory. */
struct MHD_Response *hl_http_json(json_t *j, const char *broken, unsigned *status);

/* libmicrohttpd logs each failed handshake: a stranger could fill the
 * log with them.  hl_http_log, an MHD_OPTION_EXTERNAL_LOGGER with a
 * struct hl_http_log as its closure, logs them as warnings named by
 * who, one a second, with the count of those it left out. */
struct hl_http_log {
	const char *who;	/* "peer server", "console" */
	pthread_mutex_t lock;
	time_t at;
	unsigned unsaid;
};
#define HL_HTTP_LOG_INIT(who) {(who), PTHREAD_MUTEX_INITIALIZER, 0, 0}
void hl_http_log(void *cls, const char *fmt, va_list ap);

/* An MHD_OPTION_UNESCAPE_CALLBACK that keeps the target as sent. */
size_t hl_http_no_unescape(void *cls, struct MHD_Connection *c, char *s);

#endif
