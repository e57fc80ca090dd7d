/* console.c - the console's files on the HTTPS door (see console.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "webpath.h"

#define OPEN_FILE (O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)

/* The console's pages may load their own scripts, styles, images and
 * the API, and nothing else: no inline script or style, no eval, no
 * other origin, no frame around them. */
#define CONSOLE_CSP "default-src 'none'; script-src 'self'; style-src 'self'; " \
	"img-src 'self' data:; connect-src 'self'; font-src 'self'; media-src 'self'; " \
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

bool hl_console_owns(const char *url)
{
	return strncmp(url, "/v1/", 4) != 0;
}

/* Every console answer's headers: the API's (api.c), but the console's
 * policy, and files kept only if revalidated (an upgrade shows at once). */
static void headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy", CONSOLE_CSP);
	MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* A refusal: status with one plain line. */
static enum MHD_Result text(struct MHD_Connection *c, unsigned status, const char *line)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(line), (void *)line,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	headers(r, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result not_found(struct MHD_Connection *c)
{
	return text(c, MHD_HTTP_NOT_FOUND, "no such file\n");
}

/* The open file fd (taken) as the answer, when it is a regular file;
 * libmicrohttpd reads it as it sends, and closes it. */
static enum MHD_Result send_file(struct MHD_Connection *c, int fd, const char *type)
{
	struct MHD_Response *r;
	struct stat st;
	enum MHD_Result ret;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return not_found(c);
	}
	r = MHD_create_response_from_fd((uint64_t)st.st_size, fd);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	headers(r, type);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* rel's file beneath the folder dir, one segment at a time and never
 * through a symbolic link: its descriptor, or -errno.  (webpath.h has
 * made sure that no segment is empty, "." or "..".) */
static int open_beneath(int dir, const char *rel)
{
	char seg[HL_WEBPATH_MAX + 1];
	const char *slash;
	int at = dir, fd, e;

	for (slash = strchr(rel, '/'); slash; slash = strchr(rel, '/')) {
		memcpy(seg, rel, (size_t)(slash - rel));
		seg[slash - rel] = 0;
		fd = openat(at, seg, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		if (at != dir)
			close(at);
		if (fd < 0)
			return -e;
		at = fd;
		rel = slash + 1;
	}
	fd = openat(at, rel, OPEN_FILE | O_NOFOLLOW);
	e = errno;
	if (at != dir)
		close(at);
	return fd < 0 ? -e : fd;
}

/* A page's file: beneath console.root, opened afresh for each request,
 * so that files installed after hotlined started are served. */
static enum MHD_Result root_file(const struct hl_config *cf, struct MHD_Connection *c,
				 const struct hl_webpath *w)
{
	int dir = open(cf->console_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dir < 0)
		return text(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			    "the console's files are not installed on this server: install "
			    "them (make install) or set console.root in hotline.conf\n");
	fd = open_beneath(dir, w->rel);
	close(dir);
	return fd < 0 ? not_found(c) : send_file(c, fd, w->type);
}

/* A library's file: a fixed path, as its Debian package lays it out
 * (symbolic links followed: the package may make one). */
static enum MHD_Result lib_file(const struct hl_config *cf, struct MHD_Connection *c,
				const struct hl_webpath *w)
{
	char path[PATH_MAX], line[HL_WEBPATH_MAX + 256];
	int fd = -1;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", cf->console_lib, w->rel) <
	    sizeof(path))
		fd = open(path, OPEN_FILE);
	if (fd >= 0)
		return send_file(c, fd, w->type);
	snprintf(line, sizeof(line), "%s is not installed on this server: install the "
		 "Debian package %s (or set console.lib in hotline.conf)\n", w->rel, w->package);
	return text(c, MHD_HTTP_NOT_FOUND, line);
}

enum MHD_Result hl_console_answer(const struct hl_config *cf, struct MHD_Connection *c,
				  const char *method, const char *url)
{
	struct hl_webpath w;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return text(c, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "the console's files are only read: GET or HEAD\n");
	if (hl_webpath_parse(url, strlen(url), &w) < 0)
		return not_found(c);
	return w.base == HL_WEBPATH_LIB ? lib_file(cf, c, &w) : root_file(cf, c, &w);
}

int hl_console_check(const struct hl_config *cf, char *why, size_t len)
{
	int dir = open(cf->console_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e = errno;

	if (dir >= 0) {
		close(dir);
		return 0;
	}
	snprintf(why, len, "console.root %s: %s; the console's pages answer 503 until they "
		 "are installed there (make install) or console.root names where they are",
		 cf->console_root, strerror(e));
	return -e;
}
