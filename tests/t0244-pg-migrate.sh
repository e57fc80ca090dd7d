#!/bin/sh
# hotline store migrate: a party's SQLite store, with messages both ways,
# copied into an empty PostgreSQL schema (of the cluster make check
# starts, $HOTLINE_TEST_PG) with progress, both verified; refused while
# hotlined runs and into a target with rows.  Its hotlined then runs on
# the copy as it ran on the file.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-pg.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)

test_expect_success 'ru-cert on SQLite exchanges messages with us-cert' '
	pg_schema &&
	linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT" &&
	start_daemon ru-cert && start_daemon us-cert &&
	for i in 1 2 3; do
		seed_text | "$HOTLINE" --home ru-cert send --to us-cert --lang ar - >/dev/null ||
			return 1
	done &&
	echo "answer" | "$HOTLINE" --home us-cert send --to ru-cert - >/dev/null &&
	wait_for 20 receipted ru-cert us-cert 3 &&
	wait_for 20 received ru-cert us-cert 1
'

test_expect_success 'migrate refuses while hotlined runs, and names what it needs' '
	expect_code 1 "$HOTLINE" --home ru-cert store migrate --to "postgresql:$PG" 2>err &&
	grep -q "stop it first" err &&
	expect_code 2 "$HOTLINE" --home ru-cert store migrate --to /tmp/x.db 2>err &&
	expect_code 2 "$HOTLINE" --home ru-cert store migrate 2>err
'

test_expect_success 'the store is copied with progress, and both verify' '
	stop_daemon ru-cert &&
	"$HOTLINE" --home ru-cert store migrate --from "sqlite:$TEST_DIR/ru-cert/hotline.db" \
		--to "postgresql:$PG" >out 2>progress &&
	grep -q "^copied envelope: 4 row(s)$" progress &&
	grep -q "^copied link: 1 row(s)$" progress &&
	grep -q "^copied [0-9]* row(s) into .*; both stores verify" out &&
	test "$(pg_rows envelope)" = 4 &&
	test "$(sqlite3 ru-cert/hotline.db "SELECT count(*) FROM envelope")" = 4
'

test_expect_success 'a target with rows is never overwritten' '
	expect_code 1 "$HOTLINE" --home ru-cert store migrate --to "postgresql:$PG" 2>err &&
	grep -q "is not empty (table link has 1 row(s))" err &&
	test "$(pg_rows envelope)" = 4
'

test_expect_success 'hotlined runs on the copy: what was there is there, and it goes on' '
	echo "store = $PG" >>ru-cert/hotline.conf &&
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert show us-cert/1 >shown &&
	grep -q "^answer" shown &&
	echo "after the move" | "$HOTLINE" --home ru-cert send --to us-cert - >out &&
	grep -q "as us-cert/out/4 " out &&
	wait_for 20 receipted ru-cert us-cert 4 &&
	"$HOTLINE" --home ru-cert log verify >v1 &&
	"$HOTLINE" --home us-cert log verify >v2
'

test_done
