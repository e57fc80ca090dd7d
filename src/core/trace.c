/* trace.c - stage marks for the benchmarks (trace.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trace.h"

bool hl_trace_on;

void hl_trace_init(void)
{
	const char *v = getenv("HOTLINE_TRACE");

	hl_trace_on = v && strcmp(v, "1") == 0;
}

/* One write(2) a line, so that the lines of threads never mix. */
void hl_trace_mark(const char *stage, uint64_t seq)
{
	struct timespec ts;
	char line[128];
	int n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "trace %lld.%09ld %s %llu\n", (long long)ts.tv_sec,
		     ts.tv_nsec, stage, (unsigned long long)seq);
	if (n > 0 && (size_t)n < sizeof(line) && write(STDERR_FILENO, line, (size_t)n) < 0)
		hl_trace_on = false;
}
