/* http.c - strict HTTP/1.1 request heads (see http.h). */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <strings.h>

#include "http.h"
#include "httphead.h"
#include "log.h"
#include "wire.h"

/* What strict() learns from the parsed header fields, in order. */
struct strict {
	const char *key[HL_WIRE_FIELDS_MAX], *value[HL_WIRE_FIELDS_MAX];
	size_t n;
	unsigned lengths;		/* Content-Length fields seen */
	const char *length;		/* the first one's value */
	bool different, coding, many, query;
};

static enum MHD_Result strict_field(void *cls, enum MHD_ValueKind kind, const char *key,
				    size_t key_size, const char *value, size_t value_size)
{
	struct strict *st = cls;

	(void)key_size;
	if (kind == MHD_GET_ARGUMENT_KIND) {
		st->query = true;
		return MHD_YES;
	}
	if (st->n == HL_WIRE_FIELDS_MAX || !value) {
		st->many = true;
		return MHD_NO;
	}
	st->key[st->n] = key;
	st->value[st->n++] = value;
	if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		st->coding = true;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0)
		return MHD_YES;
	if (st->lengths++ == 0)
		st->length = value;
	else if (strlen(st->length) != value_size || memcmp(value, st->length, value_size) != 0)
		st->different = true;
	return MHD_YES;
}

/* libmicrohttpd 0.9.75 hands out the request line and header fields as
 * C strings cut in place in its read buffer, so a NUL byte that the
 * client sent inside one silently shortens it; httphead.c checks the
 * head, the method first and header_size bytes long, byte for byte
 * against those strings. */
static bool block_bad(struct MHD_Connection *c, const struct strict *st,
		      const char *method, const char *url, const char *version)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const struct hl_http_head h = {
		.block = method, .n = ci ? ci->header_size : 0, .url = url,
		.version = version, .key = st->key, .value = st->value,
		.nfields = st->n, .query = st->query,
	};

	return !hl_http_head_intact(&h);
}

/* RFC 9110 5.5 and RFC 9112 6.3 where libmicrohttpd is lenient: a NUL
 * in the request line or a header field, two different Content-Lengths,
 * or a Content-Length beside a Transfer-Encoding (a body two parsers
 * could frame two ways) is a bad request.  Only HTTP/1.0 and 1.1 are
 * spoken, and lines end in CR LF. */
static const char *strict(struct MHD_Connection *c, const char *method, const char *url,
			  const char *version, bool query_ok, struct strict *st)
{
	MHD_get_connection_values_n(c, MHD_HEADER_KIND | MHD_GET_ARGUMENT_KIND,
				    strict_field, st);
	if (st->many)
		return "too many header fields";
	if (st->query && !query_ok)
		return "a query in the request target";
	if (block_bad(c, st, method, url, version))
		return "NUL byte or bare LF in the request line or a header field";
	if (strcmp(version, MHD_HTTP_VERSION_1_1) != 0 &&
	    strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
		return "malformed request line";
	if (st->different)
		return "two different Content-Length fields";
	if (st->coding && st->lengths)
		return "Content-Length with Transfer-Encoding";
	return NULL;
}

unsigned hl_http_strict(struct MHD_Connection *c, const char *method, const char *url,
			const char *version, bool query_ok, const char **why)
{
	struct strict st = {0};

	*why = strict(c, method, url, version, query_ok, &st);
	if (*why)
		return MHD_HTTP_BAD_REQUEST;
	/* A chunked body is refused before a byte of it is read, with its
	 * status line: its framing is never parsed, so a malformed one
	 * cannot end the connection without an answer. */
	if (st.coding) {
		*why = "Content-Length required";
		return MHD_HTTP_LENGTH_REQUIRED;
	}
	return 0;
}

enum MHD_Result hl_http_refuse(struct MHD_Connection *c, unsigned status,
			       const char *type, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Targets are taken as sent: no route needs an escape, and an
 * unescaped copy would hide what the client sent (see block_bad). */
size_t hl_http_no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}


struct MHD_Response *hl_http_json(json_t *j, const char *broken, unsigned *status)
{
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	struct MHD_Response *r;

	json_decref(j);
	if (!s) {
		*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return MHD_create_response_from_buffer(strlen(broken), (void *)broken,
						       MHD_RESPMEM_PERSISTENT);
	}
	r = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	if (!r)
		free(s);
	return r;
}

void hl_http_log(void *cls, const char *fmt, va_list ap)
{
	struct hl_http_log *lg = cls;
	time_t now = time(NULL);
	char line[200];
	size_t n;

	pthread_mutex_lock(&lg->lock);
	if (now == lg->at) {
		lg->unsaid++;
		pthread_mutex_unlock(&lg->lock);
		return;
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	if (lg->unsaid)
		log_warn("%s: %s (and %u more in the second before)", lg->who, line, lg->unsaid);
	else
		log_warn("%s: %s", lg->who, line);
	lg->at = now;
	lg->unsaid = 0;
	pthread_mutex_unlock(&lg->lock);
}
