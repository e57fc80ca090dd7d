#!/bin/sh
# Integration tests of the store's work, run again with every party's
# store on PostgreSQL (HOTLINE_TEST_ENGINE=postgresql: test-lib.sh's
# new_party gives each a schema of the test cluster): acknowledgments,
# search (terms, and the full text through PostgreSQL's own index) and
# export, as they run on SQLite files.  A test that reads hotline.db
# with sqlite3 itself is not among them; the feed's queries are tested
# on PostgreSQL by t0241 (test_stixobj, test_stixgroup).  More would
# cost make check minutes it does not have.
. "$(dirname "$0")/test-lib.sh"

TESTS="t0013-ack t0052-search t0053-export"

test_expect_success 'the test cluster is named' '
	test -n "${HOTLINE_TEST_PG:-}"
'

for t in $TESTS; do
	test_expect_success "$t passes with its stores on PostgreSQL" "
		HOTLINE_TEST_ENGINE=postgresql sh '$SRC_DIR/tests/$t.sh' >out 2>&1 ||
			{ cat out; false; }
		! grep -q '^not ok' out
	"
done

test_done
