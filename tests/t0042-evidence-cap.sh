#!/bin/sh
# Evidence cannot fill the disk: equivocation evidence is kept up to the
# link's evidence.max; past it each incident is still recorded (counted,
# with the other object's hash) and raised, but its bytes are not kept.
# log verify exits 3 while evidence is held.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP no sqlite3"; exit 0; }

US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"
DB="$TEST_DIR/us-cert/hotline.db"
# The first push is retried as a courier would (a byte-identical push
# gets the same answer): on a loaded machine the peer server has been
# seen to drop a first handshake, and the real story must be stored
# before the forks' pushes, or they are the story.  Only us-cert runs
# then: fork-b's daemon, left running by its send, would push its story
# on its own, racing the test's pushes.
# Each incident keeps two envelopes of about 1.2 KB: the first fits under
# 3K, the second would not.
echo "evidence.max = 3K" >>"$TEST_DIR/us-cert/hotline.conf"

# push AS FILE : POSTs the push FILE to us-cert as AS; prints the status.
push() {
	curl -sk -m 10 -o "$TEST_DIR/resp" -w "%{http_code}" \
		--cert "$TEST_DIR/$1/tls.crt" --key "$TEST_DIR/$1/tls.key" \
		-H "Content-Type: application/x.hotline.push" \
		--data-binary "@$2" "https://127.0.0.1:$US_PORT/hotline/v1/push"
}

# pushed AS FILE STATUS : the push of FILE as AS is answered STATUS.
pushed() {
	test "$(push "$1" "$2")" = "$3"
}

# long TAG : a message text of about 700 bytes.
long() {
	printf "%s " $(seq 1 150) | sed "s/^/$1 /"
}

test_expect_success 'ru-cert, and two forks of it with its keys, each sign their own story' '
	cp -r ru-cert fork-a &&
	send_msg ru-cert us-cert "$(long real-1)" &&
	cp -r ru-cert fork-b &&
	send_msg ru-cert us-cert "$(long real-2)" &&
	send_msg fork-a us-cert "$(long fake-1)" &&
	send_msg fork-b us-cert "$(long fake-2)" &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out real.batch 2>/dev/null &&
	"$HOTLINE" --home fork-a batch export --link us-cert --out a.batch 2>/dev/null &&
	"$HOTLINE" --home fork-b batch export --link us-cert --out b.batch 2>/dev/null &&
	only_daemon us-cert &&
	wait_for 20 pushed ru-cert real.batch 200
'

test_expect_success 'the first equivocation is kept whole, under the cap' '
	test "$(push ru-cert a.batch)" = 409 &&
	test "$(sqlite3 "$DB" "SELECT count(*), sum(length(other) > 0) FROM evidence")" = "1|1"
'

test_expect_success 'the second is past the cap: recorded by its hash, raised, bytes not kept' '
	test "$(push ru-cert b.batch)" = 409 &&
	grep -q "peer ru-cert: equivocation evidence past evidence.max" us-cert.log &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM evidence")" = 2 &&
	test "$(sqlite3 "$DB" "SELECT at, length(kept) + length(other), length(other_hash) FROM evidence WHERE at = 2")" = "2|0|32" &&
	test "$(sqlite3 "$DB" "SELECT sum(length(kept) + length(other)) <= 3072 FROM evidence")" = 1
'

test_expect_success 'pushing the same again and again does not grow the store' '
	push ru-cert b.batch >/dev/null && push ru-cert a.batch >/dev/null &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM evidence")" = 2
'

test_expect_success 'log verify: evidence held, exit 3; --json counts it' '
	expect_code 3 "$HOTLINE" --home us-cert log verify >out &&
	grep -q "ru-cert: EVIDENCE: 2 equivocation record(s) kept" out &&
	grep -q "ru-cert: EVIDENCE: 1 of them past evidence.max, kept by hash only" out &&
	expect_code 3 "$HOTLINE" --home us-cert log verify --json >out.json &&
	tr -d " \n" <out.json >flat &&
	grep -q "\"evidence\":{\"incidents\":2,\"bytes\":[0-9]*,\"unkept\":1}" flat &&
	grep -q "\"ok\":false" flat && grep -q "\"exit\":3}" flat
'

test_expect_success 'a bad evidence.max is refused with the key named' '
	sed -i "s/^evidence.max = 3K$/evidence.max = lots/" us-cert/hotline.conf &&
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	grep -q "evidence.max: want a size" err
'

test_done
