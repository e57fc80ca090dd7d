#!/bin/sh
# A party whose store holds less than it receipted (here: an older copy
# of hotline.db restored) learns it from the peer's next push, which
# carries the party's own cosignature of the larger size: the loss is
# logged and recorded as a store-loss event, and every message comes
# back from the peer's resend, verified like any push.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-burst
command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
DB="$TEST_DIR/us-cert/hotline.db"

# receipted N : us-cert's log says it receipted ru-cert's log up to N.
receipted() {
	grep -q "peer ru-cert: stored [0-9]* message(s), receipted up to $1\$" us-cert.log
}

test_expect_success 'ru-cert sends 30 messages; us-cert receipts them all' '
	start_daemon us-cert && start_daemon ru-cert &&
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 30 --tag early >/dev/null &&
	wait_for 30 receipted 30
'

test_expect_success 'a copy of us-cert'"'"'s store, taken while it is stopped' '
	stop_daemon us-cert &&
	cp "$DB" backup.db &&
	if [ -f "$DB-wal" ]; then cp "$DB-wal" backup.db-wal; fi &&
	start_daemon us-cert
'

test_expect_success 'ru-cert sends 40 more; us-cert receipts up to 70' '
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 40 --tag later >/dev/null &&
	wait_for 30 receipted 70
'

test_expect_success 'us-cert'"'"'s store is put back to the copy: it holds 30' '
	stop_daemon us-cert &&
	rm -f "$DB-wal" "$DB-shm" &&
	cp backup.db "$DB" &&
	if [ -f backup.db-wal ]; then cp backup.db-wal "$DB-wal"; fi &&
	"$HOTLINE" --home us-cert log verify >out &&
	grep -q "received 30 (receipted up to 30" out &&
	start_daemon us-cert
'

test_expect_success 'the next push proves the loss: alarm logged and recorded' '
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 1 --tag next >/dev/null &&
	wait_for 30 grep -q "STORE LOSS" us-cert.log &&
	grep "STORE LOSS" us-cert.log &&
	grep -q "peer ru-cert: STORE LOSS: we had receipted its log up to [0-9]* but held only 30" \
		us-cert.log &&
	test "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM escalation WHERE event = '"'"'store-loss'"'"'")" = 1
'

test_expect_success 'every message comes back; log verify passes' '
	wait_for 30 receipted 71 &&
	"$HOTLINE" --home us-cert log verify >out &&
	cat out &&
	grep -q "received 71 (receipted up to 71" out &&
	grep -q "^ru-cert: STORE LOSS: this store had lost messages it receipted (up to 70)" out &&
	"$HOTLINE" --home us-cert log verify --json >out.json &&
	tr -d " \n" <out.json >flat &&
	grep -q "\"store_loss\":\[{\"receipted\":[0-9]*,\"seen\":[0-9]*}[],]" flat &&
	"$HOTLINE" --home ru-cert log verify >out &&
	grep -q "sent 71 (receipted up to 71" out
'

test_expect_success 'status raises it as a warning' '
	expect_code 1 "$HOTLINE" --home us-cert status >out &&
	cat out &&
	grep -q "STORE LOSS: this store had lost messages of ru-cert it had receipted (up to 70)" out &&
	expect_code 1 "$HOTLINE" --home us-cert status --json >out.json &&
	grep -q "\"store_losses\":[1-9]" out.json
'

test_done
