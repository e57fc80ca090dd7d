/* log.c - hotlined's log lines, to stderr or syslog. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>
#include <time.h>

#include "log.h"
#include "text.h"

static bool to_syslog;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void log_init(bool use_syslog)
{
	to_syslog = use_syslog;
	if (use_syslog)
		openlog("hotlined", LOG_PID, LOG_DAEMON);
}

/* A line goes out in one write (stderr is unbuffered): one system call,
 * and whole beside another process's lines in the same file.  A longer
 * one goes in three. */
static void vlog(int prio, const char *fmt, va_list ap)
{
	const char *tag = prio == LOG_WARNING ? "warning: " : prio == LOG_ERR ? "error: " : "";
	char when[HL_TIME_LEN + 1], line[1024];
	struct timespec ts;
	va_list again;
	int n, m;

	if (to_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	hl_time_format(ts.tv_sec, when);
	n = snprintf(line, sizeof(line), "%s hotlined: %s", when, tag);
	va_copy(again, ap);
	m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, again);
	va_end(again);
	pthread_mutex_lock(&lock);
	if (m >= 0 && (size_t)(n + m) < sizeof(line) - 1) {
		line[n + m] = '\n';
		fwrite(line, 1, (size_t)(n + m) + 1, stderr);
	} else {
		fprintf(stderr, "%s hotlined: %s", when, tag);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	pthread_mutex_unlock(&lock);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void log_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}
