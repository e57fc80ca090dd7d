#!/bin/sh
# Suspect marks (protocol.md 9.14): ru-cert revokes its signing key
# with 'card rotate --sign --revoke sign'; what the old key signed in
# the window W before the revocation (terms.suspect, here 1m in both
# hotline.conf) is marked SUSPECT at both sides, in inbox, show,
# outbox, case show, the API objects and status; the announcing card
# envelope, what the new key signed and an older message are not.
#
# ru-cert's clock is frozen (start_daemon_frozen) so that its
# envelopes' times are exact: "old" at E, two more and the rotation at
# E+100 (T_rev = E+101), "after" at E+102.  us-cert's clock is the real
# one, within the allowed skew of ru-cert's.
. "$(dirname "$0")/test-lib.sh"

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
for p in ru-cert us-cert; do
	echo "terms.suspect = 1m" >>"$TEST_DIR/$p/hotline.conf"
done
E=$(date +%s)
TREV=$((E + 101))
TREV_TEXT=$(date -u -d "@$TREV" +%Y-%m-%dT%H:%M:%SZ)
SQ="'"

# received NAME N : NAME's inbox lists N messages.
received() {
	test "$(hl "$1" inbox --json | wc -l)" = "$2"
}

# wake NAME : asks NAME's hotlined to deliver now (its courier waited
# while the peer was away).
wake() {
	curl -sf --unix-socket "$TEST_DIR/$1/hotlined.sock" -X POST \
		http://hotlined/v1/wake >/dev/null
}

# api NAME PATH : NAME's hotlined's answer to GET PATH on its socket.
api() {
	curl -sf --unix-socket "$TEST_DIR/$1/hotlined.sock" "http://hotlined$2"
}

# fits PATH FILE : FILE is a 200 answer of GET PATH as docs/openapi.json
# describes it.
fits() {
	perl "$SRC_DIR/tests/openapi-check.pl" "$SRC_DIR/docs/openapi.json" answer GET "$1" 200 "$2"
}

# delivered : us-cert holds ru-cert's five messages, ru-cert's courier
# woken at each look (it may be waiting out a backoff).
delivered() {
	wake ru-cert
	received us-cert 5
}

# flagged NAME ID : the inbox line of ID at NAME ends with SUSPECT.
flagged() {
	hl "$1" inbox | grep "^$2 " | grep -q "  SUSPECT\$"
}

test_expect_success 'ru-cert sends, then revokes its signing key while us-cert is away' '
	start_daemon us-cert && start_daemon_frozen ru-cert "$E" &&
	hl ru-cert send --to us-cert --precedence routine --lang en "old" >/dev/null &&
	wait_for 30 received us-cert 1 &&
	stop_daemon us-cert &&
	clock_set ru-cert $((E + 100)) &&
	hl ru-cert send --case ru-cert#1 --precedence routine --lang en "w1" >/dev/null &&
	hl ru-cert send --to us-cert --precedence routine --lang en "w2" >/dev/null &&
	hl ru-cert link keys us-cert --json >keys0.json &&
	hl ru-cert card rotate --sign --revoke sign "key lost" >/dev/null &&
	clock_set ru-cert $((E + 102)) &&
	hl ru-cert send --case ru-cert#1 --precedence routine --lang en "after" >/dev/null
'
KEY=$(jq -r ".ours[0].keyid" "$TEST_DIR/keys0.json" 2>/dev/null)

test_expect_success 'the sender outbox marks what the old key signed in the window' '
	hl ru-cert outbox >out &&
	grep -q "us-cert/out/2 .*  SUSPECT\$" out &&
	grep -q "us-cert/out/3 .*  SUSPECT\$" out &&
	grep "us-cert/out/4 " out | grep -qv SUSPECT &&
	grep "us-cert/out/5 " out | grep -qv SUSPECT &&
	test "$(grep -c SUSPECT out)" = 2 &&
	hl ru-cert outbox --json >j &&
	test "$(jq -c "[.messages[] | .suspect | .key?]" j)" = "[\"$KEY\",\"$KEY\",null,null]" &&
	api ru-cert /v1/outbox >a && fits /v1/outbox a
'

test_expect_success 'us-cert inbox flags the two in the window, not the old, the card or after' '
	start_daemon us-cert &&
	wait_for 30 delivered &&
	hl us-cert inbox >out &&
	flagged us-cert ru-cert/2 && flagged us-cert ru-cert/3 &&
	! flagged us-cert ru-cert/1 && ! flagged us-cert ru-cert/4 &&
	! flagged us-cert ru-cert/5 &&
	test "$(grep -c SUSPECT out)" = 2 &&
	hl us-cert inbox --json >j &&
	test "$(jq -s -c "[.[] | .suspect]" j)" = "[null,{\"key\":\"$KEY\",\"revoked\":$TREV,\"window\":60},{\"key\":\"$KEY\",\"revoked\":$TREV,\"window\":60},null,null]"
'

test_expect_success 'the API objects carry the mark, as docs/openapi.json says' '
	api us-cert /v1/inbox >a && fits /v1/inbox a &&
	test "$(jq -c "[.items[].suspect.revoked]" a)" = "[null,$TREV,$TREV,null,null]" &&
	api us-cert "/v1/show?id=ru-cert/2" >a && fits /v1/show a &&
	test "$(jq .suspect.window a)" = 60 &&
	api us-cert /v1/status >a && fits /v1/status a &&
	api us-cert "/v1/case/show?id=ru-cert%231" >a && fits /v1/case/show a &&
	test "$(jq -c "[.events[].suspect.key]" a)" = "[null,\"$KEY\",null]"
'

test_expect_success 'show says which key, when it was revoked, and the window' '
	hl us-cert show ru-cert/2 >out &&
	grep -qx "SUSPECT: signed with ru-cert${SQ}s key $KEY, revoked at $TREV_TEXT (window 1m)" out &&
	hl us-cert show ru-cert/3 --json >j &&
	test "$(jq -c .suspect j)" = "{\"key\":\"$KEY\",\"revoked\":$TREV,\"window\":60}" &&
	hl us-cert show ru-cert/4 >out && ! grep -q SUSPECT out &&
	hl us-cert show ru-cert/1 --json >j && test "$(jq -c .suspect j)" = null &&
	hl ru-cert show us-cert/out/2 >out &&
	grep -qx "SUSPECT: signed with ru-cert${SQ}s key $KEY, revoked at $TREV_TEXT (window 1m)" out &&
	hl ru-cert show us-cert/out/1 >out && ! grep -q SUSPECT out
'

test_expect_success 'case show marks the one update in the window, at both sides' '
	hl us-cert case show ru-cert#1 >out &&
	test "$(grep -c "^  SUSPECT: signed with ru-cert" out)" = 1 &&
	grep -A4 " ru-cert/2 " out | grep -q "^  SUSPECT: " &&
	hl ru-cert case show ru-cert#1 >out &&
	test "$(grep -c "^  SUSPECT: signed with ru-cert" out)" = 1
'

# status exits 1 for a warning: what it prints is what counts here.
test_expect_success 'status warns for the window after the revocation, then no longer' '
	{ hl us-cert status >out || :; } &&
	grep -q "KEY REVOKED by ru-cert at $TREV_TEXT: 2 suspect message(s)" out &&
	{ hl us-cert status --json >j || :; } &&
	test "$(jq -c ".links[0].key_revoked" j)" = "[{\"by\":\"ru-cert\",\"key\":\"$KEY\",\"revoked\":$TREV,\"suspect\":2,\"window\":60}]" &&
	test "$(jq -r ".links[0].level" j)" = warning &&
	{ hl ru-cert status >out || :; } &&
	grep -q "KEY REVOKED by ru-cert at $TREV_TEXT: 2 suspect message(s)" out &&
	clock_set ru-cert $((E + 200)) &&
	{ hl ru-cert status --json >j || :; } &&
	test "$(jq -c ".links[0].key_revoked" j)" = "[]" &&
	hl ru-cert show us-cert/out/3 | grep -q "^SUSPECT: "
'

test_done
