/* buf.h - a growable byte buffer with a hard maximum size.
 *
 * Every buffer that holds outside bytes has a cap, so no input can make
 * Hotline allocate without bound.  The buffer owns data; hl_buf_free()
 * releases it and hl_buf_steal() hands it to the caller.
 */
#ifndef HL_BUF_H
#define HL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct hl_buf {
	unsigned char *data;	/* always NUL-terminated past len when non-NULL */
	size_t len;
	size_t cap;
	size_t max;		/* hl_buf_append fails with -HL_ETOOBIG past this */
};

void hl_buf_init(struct hl_buf *b, size_t max);
int hl_buf_append(struct hl_buf *b, const void *p, size_t n);
int hl_buf_puts(struct hl_buf *b, const char *s);
int hl_buf_printf(struct hl_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends standard base64 (RFC 4648 section 4, with padding). */
int hl_buf_b64(struct hl_buf *b, const void *p, size_t n);
/* Returns data (caller frees) and leaves b empty. */
unsigned char *hl_buf_steal(struct hl_buf *b, size_t *len);
void hl_buf_free(struct hl_buf *b);

#endif
