/* log.h - hotlined's log: stderr (default) or syslog.  Only the daemon's
 * top layer logs; the modules below it return error codes. */
#ifndef HL_LOG_H
#define HL_LOG_H

#include <stdbool.h>

void log_init(bool use_syslog);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* What stops hotlined from starting or going on. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
