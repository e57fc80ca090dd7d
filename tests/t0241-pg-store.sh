#!/bin/sh
# The store's unit tests on PostgreSQL: the same test programs make
# check runs on SQLite files, run again with HOTLINE_TEST_ENGINE=postgresql,
# where each store is a fresh schema of the test cluster
# ($HOTLINE_TEST_PG, which make check starts; storelib.h).  A test of
# what only SQLite has (its files, PRAGMAs, migrations from its old
# layouts) is skipped there, and said so by cmocka; every other test
# must pass on both engines (cmocka's exit status counts the failures).
. "$(dirname "$0")/test-lib.sh"

# The suites that open a store (test_auditlog, test_case and the like
# work in memory, and would pass without a server).  Two lanes, as make
# check's prove has two cores: test_transcript (about
# 19 s on PostgreSQL, most of it waiting on the server) beside all the
# others in a row.
LANE1="test_transcript"
LANE2="test_store test_operators test_groups test_groupmsg test_groupboard
	test_cardcache test_desk test_desk_writer test_stixobj test_stixgroup"

# lane SUITE... : runs each suite on PostgreSQL in turn, its output in
# SUITE.out and its exit status in SUITE.rc.
lane() {
	for l_suite in "$@"; do
		HOTLINE_SRC="$SRC_DIR" HOTLINE_TEST_ENGINE=postgresql \
			"$HOTLINE_BUILD/tests/$l_suite" >"$TEST_DIR/$l_suite.out" 2>&1
		echo $? >"$TEST_DIR/$l_suite.rc"
	done
}

test_expect_success 'the test cluster is named, and the suites are built' '
	test -n "${HOTLINE_TEST_PG:-}" &&
	for suite in $LANE1 $LANE2; do
		test -x "$HOTLINE_BUILD/tests/$suite" || { echo "no $suite"; return 1; }
	done
'

lane $LANE1 &
lane1=$!
lane $LANE2
wait $lane1

for suite in $LANE1 $LANE2; do
	test_expect_success "$suite passes on PostgreSQL" "
		test \"\$(cat $suite.rc)\" = 0 || { cat $suite.out; false; }
	"
done

test_done
