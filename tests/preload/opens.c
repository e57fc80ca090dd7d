/* opens.c - an LD_PRELOAD shim that records every open of a party's
 * secrets: its store and its keys.
 *
 * Each open, open64, openat, openat64, fopen or fopen64 (and the
 * _FORTIFY_SOURCE forms __open_2 and the like) of a path that ends in
 * hotline.db, hotline.db-wal, hotline.db-shm, identity.key, box.key or
 * tls.key appends the path, and a newline, to the file named by
 * $HL_OPENS_LOG; then the open goes on as usual.  The no-secrets test
 * (t0131) runs the hotline commands that are clients of hotlined under
 * it: only hotlined may open those files.
 *
 *   HL_OPENS_LOG=/tmp/opens LD_PRELOAD=.../opens.so hotline ...
 *
 * Built without sanitizers (an ASan program then needs
 * ASAN_OPTIONS=verify_asan_link_order=0 to accept a preloaded library).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && memcmp(s + n - t, tail, t) == 0;
}

static bool secret(const char *path)
{
	static const char *const tails[] = {
		"hotline.db", "hotline.db-wal", "hotline.db-shm",
		"identity.key", "box.key", "tls.key",
	};

	for (size_t i = 0; path && i < sizeof(tails) / sizeof(tails[0]); i++)
		if (ends_with(path, tails[i]))
			return true;
	return false;
}

/* Appends path to the log with raw system calls, so that recording an
 * open never goes through the functions this file replaces. */
static void record(const char *path)
{
	const char *log = getenv("HL_OPENS_LOG");
	int fd;

	if (!log || !secret(path))
		return;
	fd = (int)syscall(SYS_openat, AT_FDCWD, log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0600);
	if (fd < 0)
		return;
	if (write(fd, path, strlen(path)) >= 0 && write(fd, "\n", 1) >= 0)
		(void)0;
	close(fd);
}

/* The C library's own function of that name. */
static void *real(const char *name)
{
	return dlsym(RTLD_NEXT, name);
}

/* The mode argument, present when flags create a file. */
#define MODE_ARG(flags, mode)						\
	do {								\
		va_list ap;						\
		va_start(ap, flags);					\
		mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? \
			va_arg(ap, mode_t) : 0;				\
		va_end(ap);						\
	} while (0)

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);

int open(const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	record(path);
	return ((open_fn)real("open"))(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	record(path);
	return ((open_fn)real("open64"))(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	record(path);
	return ((openat_fn)real("openat"))(dir, path, flags, mode);
}

int openat64(int dir, const char *path, int flags, ...)
{
	mode_t mode;

	MODE_ARG(flags, mode);
	record(path);
	return ((openat_fn)real("openat64"))(dir, path, flags, mode);
}

FILE *fopen(const char *path, const char *how)
{
	record(path);
	return ((fopen_fn)real("fopen"))(path, how);
}

FILE *fopen64(const char *path, const char *how)
{
	record(path);
	return ((fopen_fn)real("fopen64"))(path, how);
}

/* What _FORTIFY_SOURCE turns open and openat into. */
int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	record(path);
	return ((open2_fn)real("__open_2"))(path, flags);
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
	record(path);
	return ((open2_fn)real("__open64_2"))(path, flags);
}

int __openat_2(int dir, const char *path, int flags);
int __openat_2(int dir, const char *path, int flags)
{
	record(path);
	return ((openat2_fn)real("__openat_2"))(dir, path, flags);
}

int __openat64_2(int dir, const char *path, int flags);
int __openat64_2(int dir, const char *path, int flags)
{
	record(path);
	return ((openat2_fn)real("__openat64_2"))(dir, path, flags);
}
