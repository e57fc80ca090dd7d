/* walcp.h - a SQLite file's WAL checkpoints in a thread of their own.
 *
 * SQLite copies the write-ahead log back into the database file (a
 * checkpoint) in whichever connection commits past 1,000 pages of log:
 * that commit's caller then waits for a thousand page writes and an
 * fsync of the file after its own.  In hotlined that caller is a
 * sender's API answer, a push or a receipt, once every few dozen
 * messages: the latency's long tail.  With the checkpointer started,
 * every connection this process opens to the file afterwards hands its
 * checkpoints to one thread, which runs them (PASSIVE: they block no
 * reader and no writer) while the commits go on.  Short-lived processes
 * (the CLI) keep SQLite's own checkpoints.
 */
#ifndef HOTLINE_WALCP_H
#define HOTLINE_WALCP_H

#include <sqlite3.h>

struct hl_walcp;

/* A log of this many pages or more is checkpointed (SQLite's default).
 * Should a checkpoint fail (an I/O error), the thread ends and the
 * committers checkpoint again, as SQLite does without it. */
#define HL_WALCP_PAGES 1000

/* Connections opened from now on, in this process, hand their
 * checkpoints to a thread of the file's gate (hotlined calls it once,
 * before it opens its store). */
void hl_walcp_enable(void);

/* The checkpointer of the SQLite file at path, its thread started; NULL
 * when not enabled, or when it cannot start (SQLite's own checkpoints
 * then go on). */
struct hl_walcp *hl_walcp_new(const char *path);
void hl_walcp_free(struct hl_walcp *cp);

/* db, a connection to cp's file, hands its checkpoints to cp. */
void hl_walcp_attach(struct hl_walcp *cp, sqlite3 *db);

#endif
