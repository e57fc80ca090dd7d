/* test_walcp.c - a SQLite file's WAL checkpoints in a thread of their
 * own (walcp.h), as hotlined runs them.
 *
 * Real files in a fresh folder.  Only a checkpoint writes pages into
 * the database file while the log is in use, so the file's size tells
 * whether one ran; the committing connection's checkpoints are off (its
 * commit hook is the checkpointer's), so a thread did it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testlib.h"
#include "storelib.h"
#include "walcp.h"

#define ROWS 1200		/* a page each: past HL_WALCP_PAGES */

struct fx {
	char dir[TS_PATH_MAX], path[TS_PATH_MAX + 16];
	sqlite3 *db;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ts_dir_new(f->dir);
	snprintf(f->path, sizeof(f->path), "%s/w.db", f->dir);
	assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(f->db, "PRAGMA journal_mode = WAL;"
				      "CREATE TABLE t (b BLOB)", NULL, NULL, NULL), SQLITE_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	sqlite3_close(f->db);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

static off_t file_size(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

/* ROWS commits of a page-sized row each. */
static void fill(sqlite3 *db)
{
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (randomblob(3000))", -1,
					    &s, NULL), SQLITE_OK);
	for (int i = 0; i < ROWS; i++) {
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
}

/* Not enabled (the CLI): no checkpointer, SQLite's own checkpoints. */
static void test_off(void **state)
{
	struct fx *f = *state;

	assert_null(hl_walcp_new(f->path));
	fill(f->db);
	/* The commit past 1,000 pages checkpointed in place. */
	assert_true(file_size(f->path) > 1000 * 4096);
}

static void test_behind(void **state)
{
	struct fx *f = *state;
	struct hl_walcp *cp;
	struct timespec nap = {0, 10000000};
	int waited = 0;

	hl_walcp_enable();
	cp = hl_walcp_new(f->path);
	assert_non_null(cp);
	hl_walcp_attach(cp, f->db);
	/* The connection's commit hook is the checkpointer's now, in place
	 * of SQLite's checkpoint-on-commit. */
	assert_ptr_equal(sqlite3_wal_hook(f->db, NULL, NULL), cp);
	hl_walcp_attach(cp, f->db);
	fill(f->db);
	/* The thread copies the log into the file, while nobody commits. */
	while (file_size(f->path) < 1000 * 4096 && waited++ < 1000)
		nanosleep(&nap, NULL);
	assert_true(file_size(f->path) > 1000 * 4096);
	/* A second round of commits goes on at once and is copied too. */
	fill(f->db);
	waited = 0;
	while (file_size(f->path) < 2000 * 4096 && waited++ < 1000)
		nanosleep(&nap, NULL);
	assert_true(file_size(f->path) > 2000 * 4096);
	hl_walcp_free(cp);
	/* Stopped, nothing of it is left on the connection's way but the
	 * hook, which the caller drops with it (a gate's last handle). */
	sqlite3_wal_hook(f->db, NULL, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_behind, setup, teardown),
	};

	return cmocka_run_group_tests_name("walcp", tests, NULL, NULL);
}
