#!/bin/sh
# log verify checks every projection against the signed envelopes: one
# flipped bit in the message index or the content index is found and
# named (link, log, entry, index, column), log verify exits 1, and
# hotline rebuild puts it right.  --json gives the same in a stable shape.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
DB="$TEST_DIR/us-cert/hotline.db"

# sql STATEMENT : runs STATEMENT on us-cert's store.
sql() {
	sqlite3 "$DB" "$1"
}

test_expect_success 'us-cert holds three messages from ru-cert; log verify passes' '
	link_pair ru-cert us-cert &&
	send_msg ru-cert us-cert "first" &&
	send_msg ru-cert us-cert "second" &&
	send_msg ru-cert us-cert "third" &&
	exchange ru-cert us-cert one &&
	only_daemon us-cert && "$HOTLINE" --home us-cert inbox >/dev/null && stop_daemon us-cert &&
	"$HOTLINE" --home us-cert log verify >out 2>err &&
	grep -q "^ru-cert: OK: .*received 3 " out &&
	test ! -s err &&
	"$HOTLINE" --home us-cert log verify --json >out.json &&
	grep -q "\"ok\": true" out.json &&
	grep -q "\"indexes_checked\": true" out.json &&
	grep -q "\"exit\": 0" out.json
'

test_expect_success 'one bit of a time in the message index: named, exit 1' '
	sql "UPDATE message SET time = time + 1 - 2 * (time & 1) WHERE side = 1 AND seq = 2" &&
	expect_code 1 "$HOTLINE" --home us-cert log verify >out 2>err &&
	cat err &&
	grep -q "ru-cert: received log, entry 2: message index, column time differs" err &&
	test "$(wc -l <err)" -eq 1
'

test_expect_success '--json names the same row, in the documented shape' '
	expect_code 1 "$HOTLINE" --home us-cert log verify --json >out.json &&
	cat out.json &&
	tr -d " \n" <out.json >flat &&
	grep -q "\"projections\":\[{\"link\":\"ru-cert\",\"log\":\"received\",\"entry\":2,\"index\":\"message\",\"column\":\"time\",\"problem\":\"differs\"}\]" flat &&
	grep -q "\"ok\":false" flat &&
	grep -q "\"exit\":1}" flat
'

test_expect_success 'hotline rebuild repairs it; log verify passes again' '
	"$HOTLINE" --home us-cert rebuild >/dev/null &&
	"$HOTLINE" --home us-cert log verify >out 2>err &&
	test ! -s err
'

test_expect_success 'the content index: a changed type, a row of nothing, a lost row' '
	sql "UPDATE item SET type = '"'"'ack'"'"' WHERE side = 1 AND seq = 1" &&
	sql "INSERT INTO item (link, side, seq, type, ref_side, ref_seq)
	     SELECT link, 0, 9, '"'"'notify'"'"', -1, 0 FROM item LIMIT 1" &&
	sql "DELETE FROM item WHERE side = 1 AND seq = 2" &&
	expect_code 1 "$HOTLINE" --home us-cert log verify 2>err &&
	cat err &&
	grep -q "ru-cert: received log, entry 1: item index, column type differs" err &&
	grep -q "ru-cert: sent log, entry 9: item index row is stored but no envelope gives it" err &&
	grep -q "ru-cert: received log, entry 2: item index row is missing" err &&
	"$HOTLINE" --home us-cert rebuild >/dev/null &&
	"$HOTLINE" --home us-cert log verify >/dev/null
'

test_expect_success 'log verify writes nothing: the store is the same bytes after' '
	sql "UPDATE message SET precedence = '"'"'FLASH'"'"' WHERE side = 1 AND seq = 3" &&
	sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	cp "$DB" before.db &&
	expect_code 1 "$HOTLINE" --home us-cert log verify 2>err &&
	grep -q "entry 3: message index, column precedence differs" err &&
	sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	cmp before.db "$DB"
'

test_expect_success 'a damaged envelope: --json names its log and entry, the indexes are not checked' '
	"$HOTLINE" --home us-cert rebuild >/dev/null &&
	sql "UPDATE envelope SET bytes = CAST(replace(CAST(bytes AS TEXT), '"'"'seq 2'"'"', '"'"'seq 9'"'"') AS BLOB)
	     WHERE side = 1 AND seq = 2" &&
	expect_code 1 "$HOTLINE" --home us-cert log verify --json >out.json &&
	cat out.json &&
	tr -d " \n" <out.json >flat &&
	grep -q "\"link\":\"ru-cert\",\"ok\":false," flat &&
	grep -q "\"error\":{\"log\":\"received\",\"entry\":2,\"check\":\"[a-z ]*\",\"reason\":\"[^\"]*\"}" flat &&
	grep -q "\"indexes_checked\":false" flat &&
	grep -q "\"exit\":1}" flat
'

test_done
