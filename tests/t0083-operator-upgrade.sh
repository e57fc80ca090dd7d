#!/bin/sh
# A store with no operator (one made before operators existed, brought
# up to date by its migration, or a store made anew) gets the first
# operator as init makes it, when hotlined starts: named after the Unix
# user running hotlined, every role, mapped to that user and root.  A
# store with operators is left as it is.
. "$(dirname "$0")/test-lib.sh"

ME=$(id -un)
PORT=$(free_port)
DB="$TEST_DIR/ru-cert/hotline.db"

test_expect_success 'a store of schema 8, without the operator tables' '
	"$HOTLINE" init --name ru-cert --home "$TEST_DIR/ru-cert" --operator ana \
		--listen "127.0.0.1:$PORT" >/dev/null &&
	sqlite3 "$DB" "DROP TABLE operator_user; DROP TABLE operator;
		ALTER TABLE item DROP COLUMN op_name; ALTER TABLE item DROP COLUMN op_role;
		PRAGMA user_version = 8" &&
	test "$(sqlite3 "$DB" "PRAGMA user_version")" = 8
'

test_expect_success 'hotlined brings it up to date and makes the first operator' '
	start_daemon ru-cert &&
	test "$(sqlite3 "$DB" "PRAGMA user_version")" -ge 9 &&
	hl ru-cert operator list >out &&
	grep -Eq "^$ME +duty,supervisor,auditor,admin +flash +enabled" out &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM operator")" = 1
'

test_expect_success 'a store with operators is left as it is at the next start' '
	hl ru-cert operator add boss --role admin >/dev/null &&
	hl ru-cert operator role "$ME" duty >/dev/null &&
	stop_daemon ru-cert &&
	start_daemon ru-cert &&
	test "$(sqlite3 "$DB" "SELECT roles FROM operator WHERE name = '\''$ME'\''")" = 1 &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM operator")" = 2
'

test_done
