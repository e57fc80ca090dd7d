/* enospc.c - an LD_PRELOAD shim that fills the disk under a party's
 * store, for the tests of what a full disk does.
 *
 * While the file named by $HL_ENOSPC_FLAG exists, every write to a file
 * whose path ends in "hotline.db" or "hotline.db-wal" fails with ENOSPC,
 * as the kernel answers when a file system has no free block; removing
 * the flag file frees the disk again.  Other files (logs, keys, the
 * shared-memory index) are written as usual.
 *
 *   HL_ENOSPC_FLAG=/tmp/full LD_PRELOAD=.../enospc.so hotlined ...
 *
 * Built without sanitizers (an ASan program then needs
 * ASAN_OPTIONS=verify_asan_link_order=0 to accept a preloaded library).
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);

	return n >= t && memcmp(s + n - t, tail, t) == 0;
}

/* Whether a write to fd must find the disk full. */
static bool full(int fd)
{
	const char *flag = getenv("HL_ENOSPC_FLAG");
	char link[64], path[4096];
	ssize_t n;

	if (!flag || access(flag, F_OK) != 0)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	return ends_with(path, (size_t)n, "hotline.db") ||
	       ends_with(path, (size_t)n, "hotline.db-wal");
}

typedef ssize_t (*write_fn)(int, const void *, size_t);
typedef ssize_t (*pwrite_fn)(int, const void *, size_t, off_t);

/* The C library's own function of that name. */
static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	static write_fn next;

	if (!next)
		next = (write_fn)real("write");
	if (full(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return next(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	static pwrite_fn next;

	if (!next)
		next = (pwrite_fn)real("pwrite");
	if (full(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return next(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static pwrite_fn next;

	if (!next)
		next = (pwrite_fn)real("pwrite64");
	if (full(fd)) {
		errno = ENOSPC;
		return -1;
	}
	return next(fd, buf, n, off);
}
