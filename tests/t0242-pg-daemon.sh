#!/bin/sh
# A party whose store is PostgreSQL (hotline.conf's store, a schema of
# the test cluster that make check starts, $HOTLINE_TEST_PG): its
# hotlined sends, receives, receipts and verifies as on SQLite, talking
# to a peer on SQLite, and a restart finds everything where it was.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-pg.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)

test_expect_success 'ru-cert keeps its store in a PostgreSQL schema' '
	pg_schema &&
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	echo "store = $PG" >>ru-cert/hotline.conf &&
	link_both ru-cert us-cert &&
	test "$(pg_rows link)" = 1
'

test_expect_success 'a store setting libpq cannot read, or with a password, is refused' '
	cp ru-cert/hotline.conf good.conf &&
	sed -i "s|^store = .*|store = host=/tmp nosuchkey=1|" ru-cert/hotline.conf &&
	! "$HOTLINE" --home ru-cert inbox 2>err &&
	grep -q "hotline.conf:[0-9]*: store: " err &&
	sed -i "s|^store = .*|store = postgresql://hotline:secret@db.example/hotline|" \
		ru-cert/hotline.conf &&
	! "$HOTLINE" --home ru-cert inbox 2>err &&
	grep -q "pgpass" err && ! grep -q secret err &&
	cp good.conf ru-cert/hotline.conf
'

test_expect_success 'messages go both ways and come back receipted' '
	start_daemon ru-cert && start_daemon us-cert &&
	for i in 1 2 3; do
		echo "report $i" | "$HOTLINE" --home ru-cert send --to us-cert \
			--precedence flash - >/dev/null || return 1
	done &&
	echo "answer" | "$HOTLINE" --home us-cert send --to ru-cert - >/dev/null &&
	wait_for 20 received us-cert ru-cert 3 &&
	wait_for 20 received ru-cert us-cert 1 &&
	wait_for 20 receipted ru-cert us-cert 3 &&
	wait_for 20 receipted us-cert ru-cert 1 &&
	test "$(pg_rows envelope)" = 4
'

test_expect_success 'both logs verify, on PostgreSQL and on SQLite' '
	"$HOTLINE" --home ru-cert log verify >v1 &&
	"$HOTLINE" --home us-cert log verify >v2
'

test_expect_success 'a damaged index row is found by log verify and repaired by rebuild' '
	psql -X -q "$PG" -c "UPDATE message SET time = time + 1 WHERE side = 1 AND seq = 1" &&
	! "$HOTLINE" --home ru-cert log verify >out 2>err &&
	grep -q "us-cert: received log, entry 1: message index, column time differs" err &&
	"$HOTLINE" --home ru-cert rebuild >/dev/null &&
	"$HOTLINE" --home ru-cert log verify >out
'

test_expect_success 'after a restart, ru-cert has all it had and goes on' '
	stop_daemon ru-cert && start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert show us-cert/1 >shown &&
	grep -q "^answer" shown &&
	echo "report 4" | "$HOTLINE" --home ru-cert send --to us-cert - >/dev/null &&
	wait_for 20 received us-cert ru-cert 4 &&
	wait_for 20 receipted ru-cert us-cert 4 &&
	"$HOTLINE" --home ru-cert log verify >v3
'

test_done
