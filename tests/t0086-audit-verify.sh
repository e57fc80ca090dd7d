#!/bin/sh
# 'hotline audit verify' recomputes the trail's tree from the stored
# entries and checks every checkpoint hotlined signed: an entry changed
# in the database, or one deleted, is named, whether hotlined runs or
# was stopped; a deleted last entry is caught by the signed checkpoint.
. "$(dirname "$0")/test-lib.sh"
command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

PORT=$(free_port)
new_party eg-cert "$PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"
DB="$TEST_DIR/eg-cert/hotline.db"

# refuse N : N sends to a link that does not exist (each an entry).
refuse() {
	for i in $(seq "$1"); do
		curl -s --unix-socket "$SOCK" -o /dev/null -H 'Content-Type: application/json' \
			--data-binary "{\"to\":\"nobody\",\"text\":\"$i\"}" http://hotlined/v1/send
	done
}

# sql STATEMENT : runs it on the party's database, as an intruder would.
sql() {
	sqlite3 "$DB" ".timeout 10000" "$1"
}

test_expect_success 'a fresh trail verifies' '
	start_daemon eg-cert && refuse 5 &&
	hl eg-cert audit verify >out && grep -q "^audit trail OK: 5 entries" out
'

test_expect_success 'an entry changed while hotlined runs is named' '
	sql "UPDATE audit_entry SET bytes = CAST(replace(CAST(bytes AS TEXT),
		'"'status 404'"', '"'status 200'"') AS BLOB) WHERE seq = 3" &&
	expect_code 1 hl eg-cert audit verify >out &&
	grep -q "^audit trail CHANGED: entry 3: " out &&
	expect_code 1 hl eg-cert audit verify --json >out &&
	grep -q "\"bad_seq\":3" out && grep -q "\"ok\":false" out
'

test_expect_success 'put back, the trail verifies again' '
	sql "UPDATE audit_entry SET bytes = CAST(replace(CAST(bytes AS TEXT),
		'"'status 200'"', '"'status 404'"') AS BLOB) WHERE seq = 3" &&
	hl eg-cert audit verify >out && grep -q "^audit trail OK" out
'

test_expect_success 'an entry changed after hotlined stopped is named' '
	stop_daemon eg-cert &&
	sql "UPDATE audit_entry SET bytes = CAST(replace(CAST(bytes AS TEXT),
		'"'operator '"', '"'operator x'"') AS BLOB) WHERE seq = 2" &&
	start_daemon eg-cert &&
	expect_code 1 hl eg-cert audit verify >out &&
	grep -q "^audit trail CHANGED: entry 2: " out &&
	sql "UPDATE audit_entry SET bytes = CAST(replace(CAST(bytes AS TEXT),
		'"'operator x'"', '"'operator '"') AS BLOB) WHERE seq = 2" &&
	hl eg-cert audit verify >out
'

test_expect_success 'the last entry deleted while hotlined runs is caught by the checkpoint' '
	refuse 1 && hl eg-cert audit verify >out &&
	sql "SELECT hex(bytes) FROM audit_entry WHERE seq = 6" >six &&
	sql "DELETE FROM audit_entry WHERE seq = 6" &&
	expect_code 1 hl eg-cert audit verify >out &&
	grep -q "entry 6: missing, though the checkpoint of size 6 holds it" out &&
	sql "INSERT INTO audit_entry (seq, bytes) VALUES (6, X'"'"'$(cat six)'"'"')" &&
	hl eg-cert audit verify >out
'

test_expect_success 'the last entry deleted after hotlined stopped is caught too' '
	refuse 1 && stop_daemon eg-cert &&
	test "$(sql "SELECT max(size) FROM audit_checkpoint")" = 7 &&
	sql "DELETE FROM audit_entry WHERE seq = 7" &&
	start_daemon eg-cert &&
	expect_code 1 hl eg-cert audit verify >out &&
	grep -q "entry 7: missing, though the checkpoint of size 7 holds it" out
'

test_expect_success 'what comes after a deleted entry is still signed on top of it' '
	refuse 2 &&
	expect_code 1 hl eg-cert audit verify --json >out &&
	grep -q "\"bad_seq\":7" out && grep -q "\"entries\":6" out &&
	hl eg-cert audit --json --after 7 >page &&
	grep -q "\"seq\":8" page && grep -q "\"seq\":9" page &&
	stop_daemon eg-cert
'

test_done
