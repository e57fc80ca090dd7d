#!/bin/sh
# A peer's TLS key change-over (protocol.md 10.1, links.md 4): the
# witness takes a `card` with a new TLS pin, and the old pin stays
# accepted beside the new one (link.old_pin) until the peer first shows
# its new key in a handshake, to our courier or at our peer server;
# after that the old key is refused.  A card that revokes the TLS key
# drops the old pin at once.  hl-forge makes the rotating side (the new
# key in forged-tls.*, the card in forged-card: names hotlined leaves
# alone); the test switches it over while that daemon is stopped, as
# 'hotline card rotate --tls' does running (t0164).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge
command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }
command -v curl >/dev/null 2>&1 || { echo "1..0 # SKIP curl is not installed"; exit 0; }

US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"
RU="$TEST_DIR/ru-cert"

# old_pin : whether us-cert holds an old pin for ru-cert (1 or 0).
old_pin() {
	sqlite3 "$TEST_DIR/us-cert/hotline.db" \
		"SELECT old_pin IS NOT NULL FROM link WHERE name = 'ru-cert'"
}

# keep N : keeps ru-cert's current TLS key and certificate as key-N.
keep() {
	mkdir -p "$TEST_DIR/key-$1" &&
	cp "$RU/tls.key" "$RU/tls.crt" "$TEST_DIR/key-$1/"
}

# card_as N : GETs us-cert's peer card route with TLS key N (keep);
# prints the HTTP status, 000 when the handshake is refused.
card_as() {
	curl -sk -m 10 -o /dev/null -w "%{http_code}" \
		--cert "$TEST_DIR/key-$1/tls.crt" --key "$TEST_DIR/key-$1/tls.key" \
		"https://127.0.0.1:$US_PORT/hotline/v1/card" || :
}

# rotate MODE : ru-cert sends a card with a new TLS key (hl-forge); the
# courier is woken by a message after it.
rotate() {
	"$TOOLS/hl-forge" rotate --home "$RU" us-cert "$1" >out &&
	hl ru-cert send --to us-cert "after the card" >/dev/null
}

# switch : ru-cert's hotlined stopped, its new key and card put in
# place, started again.
switch() {
	stop_daemon ru-cert &&
	mv "$RU/forged-tls.key" "$RU/tls.key" && mv "$RU/forged-tls.crt" "$RU/tls.crt" &&
	mv "$RU/forged-card" "$RU/card" &&
	start_daemon ru-cert
}

# delivered FROM TO N : FROM's log on TO holds N messages, all receipted.
delivered() {
	wait_for 30 eval "test \"\$(show_field $1 $2 sent)\" = \"$3 $3\""
}

keep 0

test_expect_success 'a card with a new TLS pin is taken; both pins are accepted' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert send --to us-cert "before the change" >/dev/null &&
	delivered ru-cert us-cert 1 &&
	test "$(old_pin)" = 0 &&
	rotate tls &&
	test "$(cat out)" = us-cert/out/2 &&
	delivered ru-cert us-cert 3 &&
	test "$(old_pin)" = 1 &&
	hl us-cert link show ru-cert --json >show.json &&
	test "$(jq .old_pin show.json)" = true &&
	hl us-cert link show ru-cert >show.txt &&
	grep -q "^TLS key:     changing over" show.txt &&
	test "$(sqlite3 us-cert/hotline.db "SELECT card = readfile('\''$RU/forged-card'\'')
		FROM link WHERE name = '\''ru-cert'\''")" = 1
'

test_expect_success 'until ru-cert switches, its old key still carries both ways' '
	hl us-cert send --to ru-cert "to the old key" >/dev/null &&
	delivered us-cert ru-cert 1 &&
	test "$(card_as 0)" = 200 &&
	test "$(old_pin)" = 1
'

test_expect_success 'our courier meets the new key: the old pin is dropped' '
	switch &&
	hl us-cert send --to ru-cert "to the new key" >/dev/null &&
	delivered us-cert ru-cert 2 &&
	wait_for 10 grep -q "courier ru-cert: the peer presents its new TLS key" us-cert.log &&
	test "$(old_pin)" = 0 &&
	hl us-cert link show ru-cert --json >show.json &&
	test "$(jq .old_pin show.json)" = false &&
	hl ru-cert send --to us-cert "from the new key" >/dev/null &&
	delivered ru-cert us-cert 4
'

test_expect_success 'a client with the old key is refused once the old pin is dropped' '
	test "$(card_as 0)" = 000 &&
	wait_for 5 grep -q "no confirmed link has this certificate" us-cert.log &&
	keep 1 &&
	test "$(card_as 1)" = 200
'

test_expect_success 'our peer server meets the new key first: the old pin is dropped' '
	rotate tls &&
	delivered ru-cert us-cert 6 &&
	test "$(old_pin)" = 1 &&
	switch &&
	hl ru-cert send --to us-cert "from the third key" >/dev/null &&
	delivered ru-cert us-cert 7 &&
	wait_for 10 grep -q "peer ru-cert: presents its new TLS key" us-cert.log &&
	test "$(old_pin)" = 0 &&
	test "$(card_as 1)" = 000 &&
	hl us-cert send --to ru-cert "to the third key" >/dev/null &&
	delivered us-cert ru-cert 3
'

test_expect_success 'a card that revokes the TLS key: the old key is refused at once' '
	keep 2 &&
	test "$(card_as 2)" = 200 &&
	"$TOOLS/hl-forge" rotate --home "$RU" us-cert tls-revoke >out &&
	test "$(cat out)" = us-cert/out/8 &&
	hl ru-cert send --to us-cert "after the revocation" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field us-cert ru-cert received)\" = \"8 8\"" &&
	test "$(old_pin)" = 0 &&
	test "$(card_as 2)" = 000 &&
	test "$(sqlite3 us-cert/hotline.db "SELECT revoked_uses FROM link_key k
		JOIN link l ON l.id = k.link WHERE l.name = '\''ru-cert'\''
		AND k.side = 1 AND k.era = 2")" = tls &&
	switch &&
	delivered ru-cert us-cert 9 &&
	hl us-cert send --to ru-cert "to the fourth key" >/dev/null &&
	delivered us-cert ru-cert 4
'

test_done
