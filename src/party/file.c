/* file.c - atomic state files and 0600 secret files. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "file.h"

int hl_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int hl_fd_read(int fd, struct hl_buf *out)
{
	char chunk[65536];

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		r = hl_buf_append(out, chunk, (size_t)n);
		if (r < 0)
			return r;
	}
}

int hl_file_read(const char *path, struct hl_buf *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = hl_fd_read(fd, out);
	close(fd);
	return r;
}

static int fsync_dir_of(const char *path)
{
	char copy[PATH_MAX];
	int fd, r = 0;

	if (strlen(path) >= sizeof(copy))
		return -ENAMETOOLONG;
	memcpy(copy, path, strlen(path) + 1);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		r = -errno;
	close(fd);
	return r;
}

int hl_file_write_atomic(const char *path, const void *data, size_t n, int mode)
{
	char tmp[PATH_MAX];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	r = hl_write_all(fd, data, n);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return r;
	}
	return fsync_dir_of(path);
}

int hl_secret_write(const char *path, const void *data, size_t n)
{
	int fd, r;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? -HL_EEXIST : -errno;
	/* The mode above is filtered by the umask; make it exactly 0600. */
	r = fchmod(fd, 0600) < 0 ? -errno : 0;
	if (r == 0)
		r = hl_write_all(fd, data, n);
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r < 0) {
		unlink(path);
		return r;
	}
	return fsync_dir_of(path);
}

int hl_secret_read(const char *path, size_t max, unsigned char **out, size_t *n)
{
	unsigned char *buf = NULL;
	struct stat st;
	size_t got = 0;
	int fd, r;

	*out = NULL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = -HL_EKEYFILE;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	r = -HL_EPERM;
	if (st.st_mode & 077)
		goto out;
	r = -HL_ETOOBIG;
	if ((size_t)st.st_size > max)
		goto out;
	r = -ENOMEM;
	buf = sodium_malloc(max + 1);
	if (!buf)
		goto out;
	for (;;) {
		ssize_t k = read(fd, buf + got, max + 1 - got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			r = k < 0 ? -errno : 0;
			break;
		}
		got += (size_t)k;
		if (got > max) {
			r = -HL_ETOOBIG;
			break;
		}
	}
	if (r == 0) {
		*out = buf;
		*n = got;
		buf = NULL;
	}
out:
	if (buf)
		sodium_free(buf);
	close(fd);
	return r;
}
