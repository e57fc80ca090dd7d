#!/bin/sh
# The store's unit tests on PostgreSQL: the same test programs make
# check runs on SQLite files, run again with HOTLINE_TEST_ENGINE=postgresql,
# where each store is a fresh schema of the test cluster
# ($HOTLINE_TEST_PG, which make check starts; storelib.h).  A test of
# what only SQLite has (its files, PRAGMAs, migrations from its old
# layouts) is skipped there, and said so by cmocka; every other test
# must pass on both engines (cmocka's exit status counts the failures).
. "$(dirname "$0")/test-lib.sh"

SUITES="test_store test_transcript test_auditlog test_operators test_groups
	test_groupmsg test_groupboard test_cardcache test_desk test_desk_writer
	test_case test_terms test_schema test_stixobj test_stixgroup test_stixfeed"

test_expect_success 'the test cluster is named' '
	test -n "${HOTLINE_TEST_PG:-}"
'

for suite in $SUITES; do
	test_expect_success "$suite passes on PostgreSQL" "
		test -x '$HOTLINE_BUILD/tests/$suite' &&
		HOTLINE_SRC='$SRC_DIR' HOTLINE_TEST_ENGINE=postgresql \
			'$HOTLINE_BUILD/tests/$suite' >out 2>&1 || { cat out; false; }
	"
done

test_done
