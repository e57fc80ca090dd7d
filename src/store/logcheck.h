/* logcheck.h - checking a store against what was signed: both logs of
 * each link, the evidence and store losses held, then the projections
 * (docs/protocol.md 9.11).  'hotline log verify' and hotlined's
 * POST /v1/log/verify both run hl_log_check; it writes nothing.
 */
#ifndef HL_LOGCHECK_H
#define HL_LOGCHECK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "party.h"
#include "store.h"
#include "transcript.h"

/* One link's outcome, as each is checked. */
struct hl_log_check_link {
	const struct hl_link *link;
	int result;			/* 0: both logs verify */
	const char *store_msg;		/* with -HL_ESTORE: SQLite's complaint */
	struct hl_log_report rep;
	struct hl_evidence_stats ev;
	uint64_t losses, lost_to;	/* store losses recorded (transcript.h) */
};

/* What a caller that prints wants to hear; any member may be NULL. */
struct hl_log_check_ops {
	void (*link)(void *ctx, const struct hl_log_check_link *c);
	void (*mismatch)(void *ctx, const struct hl_store_mismatch *m);
	/* A step that failed as a whole: what is "links", the link asked
	 * for by name, or "indexes". */
	void (*fail)(void *ctx, const char *what, int err, const char *store_msg);
	void *ctx;
};

struct hl_log_check {
	/* The report, version 1 of docs/protocol.md 9.11 without "ok" and
	 * "exit"; its sentences in English.  The caller frees it. */
	json_t *report;
	bool failed;			/* a check failed */
	bool evidence;			/* evidence of equivocation is held */
};

/* Checks every link of st (or only the one named only), then, when all
 * of them verify, recomputes the projections on a connection of its own
 * to the store file db, in memory, and compares them with the stored
 * ones (me must hold the box key, to open the bodies).  0 with out
 * filled, or -ENOMEM. */
int hl_log_check(struct hl_store *st, const struct hl_party *me, const char *db,
		 const char *only, const struct hl_log_check_ops *ops,
		 struct hl_log_check *out);

#endif
