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

static void vlog(int prio, const char *fmt, va_list ap)
{
	char when[HL_TIME_LEN + 1];
	struct timespec ts;

	if (to_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	hl_time_format(ts.tv_sec, when);
	pthread_mutex_lock(&lock);
	fprintf(stderr, "%s hotlined: %s", when, prio == LOG_WARNING ? "warning: " :
		prio == LOG_ERR ? "error: " : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
