/* test_pgsql.c - the store's SQL in PostgreSQL's dialect (pg.c): what
 * pg_sql turns, and what it leaves as it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "pgpriv.h"

static void turns(const char *sqlite, const char *want, int nparams)
{
	int n = -1;
	char *got = hl_pg_sql(sqlite, &n);

	assert_non_null(got);
	if (strcmp(got, want) != 0)
		fail_msg("%s\n  gave %s\n  want %s", sqlite, got, want);
	assert_int_equal(n, nparams);
	free(got);
}

static void test_parameters(void **state)
{
	(void)state;
	turns("SELECT a FROM t WHERE x = ?1 AND y = ?2 AND z = ?1",
	      "SELECT a FROM t WHERE x = $1 AND y = $2 AND z = $1", 2);
	turns("UPDATE t SET a = ?, b = ? WHERE c = ?", "UPDATE t SET a = $1, b = $2 WHERE c = $3", 3);
	/* A bare ? is one more than the largest so far, as in SQLite. */
	turns("SELECT ?3, ?", "SELECT $3, $4", 4);
	turns("SELECT 1", "SELECT 1", 0);
	/* Not in a literal or a quoted name. */
	turns("SELECT '?1', \"a?\" FROM t WHERE s = 'it''s ?' AND u = ?",
	      "SELECT '?1', \"a?\" FROM t WHERE s = 'it''s ?' AND u = $1", 1);
}

static void test_sqlite_words(void **state)
{
	(void)state;
	turns("SELECT id FROM item i INDEXED BY item_ref WHERE i.link = ?1",
	      "SELECT id FROM item i  WHERE i.link = $1", 1);
	turns("SELECT id FROM t NOT INDEXED WHERE a = 1", "SELECT id FROM t  WHERE a = 1", 0);
	turns("SELECT max(?1, coalesce((SELECT max(b) FROM t), 0) + 1), min(a, 2), min(a)",
	      "SELECT greatest($1, coalesce((SELECT max(b) FROM t), 0) + 1), least(a, 2), min(a)",
	      1);
	turns("SELECT maxb(a, b), main_x FROM t", "SELECT maxb(a, b), main_x FROM t", 0);
	turns("SELECT v FROM t WHERE s IN (SELECT value FROM json_each(?7))",
	      "SELECT v FROM t WHERE s IN (SELECT value FROM"
	      " jsonb_array_elements_text(CAST($7 AS jsonb)))", 7);
	turns("SELECT a FROM main.link JOIN temp.pending",
	      "SELECT a FROM public.link JOIN pg_temp.pending", 0);
}

/* A taken key must not abort the transaction: nothing, and a duplicate
 * said by the count of rows (pg.c). */
static void test_inserts(void **state)
{
	(void)state;
	turns("INSERT OR IGNORE INTO t (a) VALUES (?)",
	      "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING", 1);
	turns("INSERT INTO t (a, b) VALUES (?1, ?2)",
	      "INSERT INTO t (a, b) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2);
	turns("INSERT INTO t (a) VALUES (?1) RETURNING id",
	      "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING RETURNING id", 1);
	turns("INSERT INTO t (a) VALUES (?1) ON CONFLICT (a) DO UPDATE SET b = 1",
	      "INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET b = 1", 1);
	turns("INSERT INTO t (a) SELECT a FROM u", "INSERT INTO t (a) SELECT a FROM u", 0);
}

/* A statement that PostgreSQL must be told otherwise carries its form. */
static void test_own_form(void **state)
{
	(void)state;
	turns("SELECT a FROM t WHERE n GLOB ?" HL_DB_PG "SELECT a FROM t WHERE starts_with(n, ?)",
	      "SELECT a FROM t WHERE starts_with(n, $1)", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_sqlite_words),
		cmocka_unit_test(test_inserts),
		cmocka_unit_test(test_own_form),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
