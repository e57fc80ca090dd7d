/* hook.h - the escalation hooks, run side by side with a bound.
 *
 * A job is one escalation step: escalate.command run with the event's
 * name as its argument and the event's JSON on its standard input, and
 * the same JSON POSTed to escalate.webhook, both at once.  Up to max
 * jobs run together; each hook gets HL_HOOK_TIMEOUT_S seconds (a command
 * still running then is killed).  One thread owns the set: it starts
 * jobs, waits in hl_hooks_wait (on the webhooks' sockets and the
 * commands' pidfds, never polling), and collects what ended with
 * hl_hooks_reap.  hl_hooks_wake, from any thread, ends a wait early.
 * The module never logs: results come back as text.
 */
#ifndef HL_HOOK_H
#define HL_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define HL_HOOK_TIMEOUT_S 10

struct hl_hooks;

struct hl_hook_result {
	bool failed;		/* a hook exited non-zero, timed out, could not
				 * run, or the webhook answered other than 2xx */
	char what[160];		/* "command exit 0, webhook 204"; "" for no hooks */
};

/* conf must outlive the set. */
int hl_hooks_new(const struct hl_config *conf, unsigned max, struct hl_hooks **out);
/* Kills what still runs, and frees; the tags of those jobs are passed
 * to abandon, if given. */
void hl_hooks_free(struct hl_hooks *h, void (*abandon)(void *ctx, void *tag), void *ctx);

size_t hl_hooks_running(const struct hl_hooks *h);
bool hl_hooks_full(const struct hl_hooks *h);
/* Starts a job for event with json; tag comes back from reap.  The
 * set copies json. */
int hl_hooks_start(struct hl_hooks *h, const char *event, const char *json, void *tag);
/* Waits until a job may have ended, hl_hooks_wake was called, or
 * timeout_ms passed. */
void hl_hooks_wait(struct hl_hooks *h, int timeout_ms);
void hl_hooks_wake(struct hl_hooks *h);
/* Calls fn for each job that ended, then forgets it. */
void hl_hooks_reap(struct hl_hooks *h,
		   void (*fn)(void *ctx, void *tag, const struct hl_hook_result *r), void *ctx);

/* Whether the alarm path of conf can work: escalate.command an
 * executable regular file, escalate.webhook an https:// URL (or
 * http:// to this machine's loopback).  0, or -1 with why in err. */
int hl_hooks_check(const struct hl_config *conf, char *err, size_t errlen);

#endif
