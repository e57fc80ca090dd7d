/* walcp.c - a SQLite file's WAL checkpoints in a thread of their own (walcp.h). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "walcp.h"

/* After a checkpoint that could copy nothing (a reader still needs the
 * log's end), the next waits this long: a commit then asks again. */
#define IDLE_NS 50000000L

struct hl_walcp {
	sqlite3 *db;			/* the thread's own connection */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t due_cond;
	bool due, stopping;
	atomic_bool failed;		/* committers checkpoint again, as SQLite does */
};

static atomic_bool enabled;

void hl_walcp_enable(void)
{
	atomic_store(&enabled, true);
}

static void nap(long ns)
{
	struct timespec ts = {0, ns};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Waits until a commit asks for a checkpoint; false when stopping. */
static bool wait_due(struct hl_walcp *cp)
{
	bool go;

	pthread_mutex_lock(&cp->lock);
	while (!cp->due && !cp->stopping)
		pthread_cond_wait(&cp->due_cond, &cp->lock);
	cp->due = false;
	go = !cp->stopping;
	pthread_mutex_unlock(&cp->lock);
	return go;
}

static void *run(void *arg)
{
	struct hl_walcp *cp = arg;
	int copied = -1;

	while (wait_due(cp)) {
		int log = 0, done = 0;
		int r = sqlite3_wal_checkpoint_v2(cp->db, "main", SQLITE_CHECKPOINT_PASSIVE,
						  &log, &done);

		/* An I/O error: the committers take their checkpoints back,
		 * and meet the error themselves. */
		if (r != SQLITE_OK && r != SQLITE_BUSY) {
			atomic_store(&cp->failed, true);
			break;
		}
		if (done == copied)
			nap(IDLE_NS);
		copied = done;
	}
	return NULL;
}

/* The commit hook: a log past HL_WALCP_PAGES wakes the thread. */
static int committed(void *ctx, sqlite3 *db, const char *name, int pages)
{
	struct hl_walcp *cp = ctx;

	if (pages < HL_WALCP_PAGES)
		return SQLITE_OK;
	if (atomic_load(&cp->failed)) {
		sqlite3_wal_checkpoint(db, name);
		return SQLITE_OK;
	}
	pthread_mutex_lock(&cp->lock);
	cp->due = true;
	pthread_cond_signal(&cp->due_cond);
	pthread_mutex_unlock(&cp->lock);
	return SQLITE_OK;
}

struct hl_walcp *hl_walcp_new(const char *path)
{
	struct hl_walcp *cp;

	if (!atomic_load(&enabled) || !(cp = calloc(1, sizeof(*cp))))
		return NULL;
	pthread_mutex_init(&cp->lock, NULL);
	pthread_cond_init(&cp->due_cond, NULL);
	/* synchronous FULL: the checkpoint syncs the log before it copies
	 * and the file after, as a committer's would. */
	if (sqlite3_open_v2(path, &cp->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(cp->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL) != SQLITE_OK ||
	    pthread_create(&cp->thread, NULL, run, cp) != 0) {
		sqlite3_close(cp->db);
		cp->db = NULL;
		hl_walcp_free(cp);
		return NULL;
	}
	return cp;
}

void hl_walcp_free(struct hl_walcp *cp)
{
	if (!cp)
		return;
	if (cp->db) {
		pthread_mutex_lock(&cp->lock);
		cp->stopping = true;
		pthread_cond_signal(&cp->due_cond);
		pthread_mutex_unlock(&cp->lock);
		pthread_join(cp->thread, NULL);
		sqlite3_close(cp->db);
	}
	pthread_cond_destroy(&cp->due_cond);
	pthread_mutex_destroy(&cp->lock);
	free(cp);
}

void hl_walcp_attach(struct hl_walcp *cp, sqlite3 *db)
{
	if (cp && db)
		sqlite3_wal_hook(db, committed, cp);
}
