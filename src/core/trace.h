/* trace.h - the stages of a message, marked for the benchmarks.
 *
 * With HOTLINE_TRACE=1 in its environment, hotlined writes one line to
 * its standard error at each stage a message passes (docs/operations.md
 * "Where the time goes"):
 *
 *   trace SECONDS.NANOSECONDS STAGE SEQ
 *
 * SECONDS.NANOSECONDS is CLOCK_MONOTONIC, which two daemons on one
 * machine share, so bench_delivery can put the sender's and the
 * receiver's stages of one FLASH message on one time line.  SEQ is the
 * message's seq where the stage knows it, else 0.  Without the variable
 * a mark costs one test of a flag.
 */
#ifndef HL_TRACE_H
#define HL_TRACE_H

#include <stdbool.h>
#include <stdint.h>

extern bool hl_trace_on;

/* Reads HOTLINE_TRACE once, at start. */
void hl_trace_init(void);
void hl_trace_mark(const char *stage, uint64_t seq);

#define hl_trace(stage, seq)                                                   \
	do {                                                                   \
		if (hl_trace_on)                                               \
			hl_trace_mark(stage, seq);                             \
	} while (0)

#endif
