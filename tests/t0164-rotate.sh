#!/bin/sh
# Our own key change (protocol.md 9.6): 'hotline card rotate' makes new
# keys in hotlined, sends the new card on every live link in one
# transaction, and signs and seals with the new keys from then on, while
# messages flow both ways; none is lost, both logs verify, old messages
# stay readable (the retired box key) and old proofs verify with the old
# card.  A new TLS key goes into use once the peer has the card, which it
# accepted both keys meanwhile.  After the change, an envelope signed
# with the retired key is refused at once.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge
command -v sqlite3 >/dev/null 2>&1 || { echo "1..0 # SKIP sqlite3 is not installed"; exit 0; }

RU_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$(free_port)"
cp "$TEST_DIR/ru-cert/card" "$TEST_DIR/ru-card-0"

db() {
	sqlite3 "$TEST_DIR/$1/hotline.db" "$2"
}

# burst FROM TO N TAG : FROM sends N messages to TO, one CLI call each.
burst() {
	i=0
	while [ "$i" -lt "$3" ]; do
		i=$((i + 1))
		"$HOTLINE" --home "$TEST_DIR/$1" send --to "$2" "$4 $i" >/dev/null || return 1
	done
}

# all_receipted NAME LINK N : N sent by NAME on LINK, all receipted.
all_receipted() {
	test "$(show_field "$1" "$2" sent)" = "$3 $3"
}

test_expect_success 'refusals: nothing to change, a revoke of what stays, no reason' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert send --to us-cert "before any change" >/dev/null &&
	expect_code 1 hl ru-cert card rotate "no reason" &&
	grep -q "nothing to change: give --sign, --box, --tls or --endpoint" ru-cert.err &&
	expect_code 1 hl ru-cert card rotate --sign --revoke box "half" &&
	grep -q "revoke box: the encryption key is not being changed" ru-cert.err &&
	expect_code 1 hl ru-cert card rotate --sign "" &&
	expect_code 2 hl ru-cert card rotate --sign &&
	test ! -e ru-cert/card.next && test ! -e ru-cert/identity.key.next &&
	cmp ru-cert/card ru-card-0
'

test_expect_success 'the signing key rotates while messages flow both ways' '
	(burst ru-cert us-cert 12 ru-a >burst-ru.out 2>&1; echo $? >burst-ru.rc) &
	(burst us-cert ru-cert 12 us-a >burst-us.out 2>&1; echo $? >burst-us.rc) &
	sleep 1 &&
	hl ru-cert card rotate --sign --revoke sign --json "scheduled rotation" >rot1.json &&
	wait_for 60 test -s burst-ru.rc && wait_for 60 test -s burst-us.rc &&
	test "$(cat burst-ru.rc burst-us.rc)" = "0
0" &&
	! cmp -s ru-cert/card ru-card-0 &&
	test "$(jq -r .fingerprint rot1.json)" = "$(fp_digits ru-cert/card)" &&
	test "$(jq -r ".links[0].link" rot1.json)" = us-cert &&
	test "$(ls ru-cert/keys | grep -c "^identity-")" = 1 &&
	test "$(stat -c %a ru-cert/keys/identity-*.key)" = 600 &&
	test "$(stat -c %a ru-cert/card)" = 644 &&
	test ! -e ru-cert/card.next && test ! -e ru-cert/identity.key.next
'

test_expect_success 'nothing lost: every message receipted, the peer holds the new era' '
	wait_for 60 all_receipted ru-cert us-cert 14 &&
	wait_for 60 all_receipted us-cert ru-cert 12 &&
	test "$(show_field us-cert ru-cert received)" = "14 14" &&
	test "$(db us-cert "SELECT era || how || revoked_uses FROM link_key
		WHERE side = 1 ORDER BY era" | tr "\n" " ")" = "0foundingsign 1rotated " &&
	test "$(db ru-cert "SELECT era || how FROM link_key WHERE side = 0 ORDER BY era" |
		tr "\n" " ")" = "0founding 1rotated " &&
	test "$(db us-cert "SELECT card FROM link WHERE name = '"'ru-cert'"'")" = \
		"$(cat ru-cert/card)"
'

test_expect_success 'the encryption key and the endpoint rotate; old bodies stay readable' '
	(burst us-cert ru-cert 6 us-b >burst-us.out 2>&1; echo $? >burst-us2.rc) &
	hl ru-cert card rotate --box "new encryption key" >out &&
	grep -q "us-cert: sent as us-cert/out/" out &&
	hl ru-cert card rotate --endpoint "https://localhost:$RU_PORT" "new name" >/dev/null &&
	wait_for 60 test -s burst-us2.rc && test "$(cat burst-us2.rc)" = 0 &&
	hl ru-cert send --to us-cert "after the box change" >/dev/null &&
	wait_for 60 all_receipted us-cert ru-cert 18 &&
	wait_for 60 all_receipted ru-cert us-cert 17 &&
	test "$(ls ru-cert/keys | grep -c "^box-")" = 1 &&
	test "$(db us-cert "SELECT endpoint FROM link WHERE name = '"'ru-cert'"'")" = \
		"https://localhost:$RU_PORT" &&
	hl ru-cert show us-cert/1 | grep -q "^us-a 1\$" &&
	hl ru-cert show us-cert/out/1 | grep -q "^before any change\$" &&
	hl ru-cert log verify >/dev/null && hl us-cert log verify >/dev/null
'

test_expect_success 'the TLS key rotates: both keys accepted, the switch after the receipt' '
	grep "^tls " ru-cert/card >pin-before &&
	(burst us-cert ru-cert 4 us-c >burst-us.out 2>&1; echo $? >burst-us3.rc) &
	hl ru-cert card rotate --tls "new TLS key" >out &&
	grep -q "goes into use once every peer has receipted" out &&
	wait_for 30 grep -q "our new TLS key is in use" ru-cert.log &&
	test ! -e ru-cert/tls-next.key && test -e ru-cert/tls-prev.key &&
	! grep -qx "$(cat pin-before)" ru-cert/card &&
	expect_code 1 hl ru-cert card tls-switch &&
	grep -q "no TLS key change is waiting" ru-cert.err &&
	wait_for 60 test -s burst-us3.rc && test "$(cat burst-us3.rc)" = 0 &&
	hl ru-cert send --to us-cert "over the new TLS key" >/dev/null &&
	wait_for 60 all_receipted us-cert ru-cert 22 &&
	wait_for 60 all_receipted ru-cert us-cert 19 &&
	wait_for 30 eval "test \"\$(hl us-cert link show ru-cert --json | jq -r .old_pin)\" = false"
'

test_expect_success 'after a restart: old and new bodies open, traffic goes on, the audit trail verifies' '
	stop_daemon ru-cert && start_daemon ru-cert &&
	hl ru-cert show us-cert/1 | grep -q "^us-a 1\$" &&
	hl ru-cert show us-cert/out/1 | grep -q "^before any change\$" &&
	hl ru-cert show us-cert/18 | grep -q "^us-b 6\$" &&
	hl ru-cert send --to us-cert "after the restart" >/dev/null &&
	hl us-cert send --to ru-cert "to the new keys" >/dev/null &&
	wait_for 60 all_receipted ru-cert us-cert 20 &&
	wait_for 60 all_receipted us-cert ru-cert 23 &&
	hl ru-cert audit verify >/dev/null &&
	hl ru-cert log verify >/dev/null && hl us-cert log verify >/dev/null
'

test_expect_success 'a proof of a message before the change verifies with the old card' '
	hl ru-cert proof export --link us-cert --seq 1 --out p1 &&
	"$HOTLINE" proof verify --card ru-card-0 --card us-cert/card p1 >out &&
	grep -q "^proof OK" out
'

test_expect_success 'an envelope signed with the retired key is refused at once' '
	stop_daemon ru-cert &&
	forge_retired ru-cert us-cert ru-card-0 &&
	before=$(show_field us-cert ru-cert received) &&
	start_daemon ru-cert &&
	wait_for 30 grep -q "push from ru-cert: no signature by the expected key" us-cert.log &&
	test "$(show_field us-cert ru-cert received)" = "$before"
'

test_done
