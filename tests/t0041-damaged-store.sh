#!/bin/sh
# A store that fails SQLite's quick check is never served from: hotlined
# -n and hotlined both refuse it, saying what is damaged and what to do.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
DB="$TEST_DIR/us-cert/hotline.db"

test_expect_success 'a healthy store: hotlined -n passes, hotlined starts' '
	for i in 1 2 3 4 5 6 7 8; do send_msg ru-cert us-cert "message $i"; done &&
	exchange ru-cert us-cert one &&
	"$HOTLINED" --home us-cert -n 2>err &&
	grep -q "configuration OK" err &&
	start_daemon us-cert &&
	stop_daemon us-cert
'

test_expect_success 'one page of the file damaged (not the header)' '
	sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	pgsize=$(sqlite3 "$DB" "PRAGMA page_size") &&
	page=$(sqlite3 "$DB" "SELECT rootpage FROM sqlite_schema WHERE name = '"'"'envelope'"'"'") &&
	cp "$DB" good.db &&
	flip_byte good.db $(( (page - 1) * pgsize )) "$DB" &&
	! cmp -s good.db "$DB" &&
	sqlite3 "$DB" "PRAGMA user_version" >/dev/null
'

test_expect_success 'hotlined -n refuses it, naming the problem and the way out' '
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	cat err &&
	grep -q "hotline.db is damaged (SQLite quick_check: " err &&
	grep -q "restore it from a backup" err &&
	grep -q "\.recover" err &&
	! grep -q "configuration OK" err
'

test_expect_success 'hotlined refuses to start on it' '
	expect_code 1 "$HOTLINED" --home us-cert 2>err &&
	grep -q "is damaged" err &&
	! grep -q "ready:" err
'

test_expect_success 'the good copy back: it starts again' '
	cp good.db "$DB" &&
	start_daemon us-cert &&
	stop_daemon us-cert
'

test_done
