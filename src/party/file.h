/* file.h - careful file I/O for a party's home.
 *
 * State files are written to a temporary name, fsynced and renamed into
 * place, so a crash leaves the old or the new file, never half of one.
 * Secret files are created 0600 with O_EXCL|O_NOFOLLOW, refused when
 * others can read them, and read into sodium_malloc memory.
 */
#ifndef HL_FILE_H
#define HL_FILE_H

#include <stddef.h>

#include "buf.h"

/* Reads all of path into out (out->max caps it: -HL_ETOOBIG past it). */
int hl_file_read(const char *path, struct hl_buf *out);

/* Reads a whole stream the same way (stdin for the CLI). */
int hl_fd_read(int fd, struct hl_buf *out);

/* Writes data to path through a temporary file and rename. */
int hl_file_write_atomic(const char *path, const void *data, size_t n, int mode);

/* Creates a new secret file (0600, fails if path exists) holding data. */
int hl_secret_write(const char *path, const void *data, size_t n);

/* Reads a secret file of at most max bytes into sodium_malloc memory
 * (*out, caller frees with sodium_free).  -HL_EPERM if group or others
 * have any access. */
int hl_secret_read(const char *path, size_t max, unsigned char **out, size_t *n);

/* Writes all of buf to fd, retrying on short writes and EINTR. */
int hl_write_all(int fd, const void *buf, size_t n);

#endif
