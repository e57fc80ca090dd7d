#!/bin/sh
# The tests need nothing outside the repository: a fresh clone passes
# make check on its own.  The text they send is ours, in tests/data,
# and no test, tool or unit test names a path beside the tree.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'seed_text is the 2 kB Arabic report inside the tree' '
	case $SEEDS in "$SRC_DIR"/tests/*) ;; *) echo "SEEDS=$SEEDS"; exit 1 ;; esac &&
	seed_text >got &&
	test "$(file_size got)" -gt 1000 &&
	cmp got "$SRC_DIR/tests/data/report-ar.txt" &&
	grep -q "فريق الاستجابة لطوارئ الحاسوب" got
'

test_expect_success 'HOTLINE_SEEDS cannot point the tests elsewhere' '
	mkdir -p elsewhere && echo "not ours" >elsewhere/000_x.txt &&
	HOTLINE_SEEDS="$TEST_DIR/elsewhere" HOTLINE_BUILD="$HOTLINE_BUILD" \
		sh -c '"'"'. "$(dirname "$0")/test-lib.sh"; seed_text'"'"' "$SRC_DIR/tests/probe.sh" >got &&
	cmp got "$SRC_DIR/tests/data/report-ar.txt"
'

test_expect_success 'no test names a path beside the tree' '
	cd "$SRC_DIR" &&
	! grep -rnE "\.\./(shared|seeds)|HOTLINE_SEEDS|/work/" tests Makefile .ci --exclude-dir=artifacts \
		--exclude=t0063-self-contained.sh
'

test_done
