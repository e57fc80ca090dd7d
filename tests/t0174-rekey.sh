#!/bin/sh
# A new key by voice after a loss (protocol.md 9.15): ru-cert's admin
# runs 'card rekey', which makes new signing and encryption keys and a
# card signed by the new key alone, and sends a `rekey` message signed
# by it.  Until us-cert's supervisor gives that card to 'link rekey' and
# confirms its fingerprint, ru-cert's pushes wait (403, no evidence);
# then traffic resumes both ways, every message receipted, both logs
# verify, us-cert holds ru-cert's era 1 `rekeyed` with era 0 revoked,
# and an envelope signed with ru-cert's old key after the rekey is
# refused.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
new_party eg-cert "$(free_port)"
cp "$TEST_DIR/ru-cert/card" "$TEST_DIR/ru-card-0"
WAITING="waiting for the voice confirmation of ru-cert's new card"

# all_receipted NAME LINK N : N sent by NAME on LINK, all receipted.
all_receipted() {
	test "$(show_field "$1" "$2" sent)" = "$3 $3"
}

# keys FILE SIDE JQ : a jq expression on SIDE's eras in FILE, the output
# of 'link keys --json'.
keys() {
	jq -r ".$2 | $3" "$1"
}

test_expect_success 'ru-cert rekeys: a card signed by its new key alone, a rekey on the link' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl us-cert link add eg-cert --card eg-cert/card >/dev/null &&
	hl ru-cert send --to us-cert "before the loss" >/dev/null &&
	hl us-cert send --to ru-cert "to the old keys" >/dev/null &&
	wait_for 30 all_receipted ru-cert us-cert 1 &&
	wait_for 30 all_receipted us-cert ru-cert 1 &&
	expect_code 1 hl ru-cert card rekey "" &&
	test ! -e ru-cert/card.next && cmp ru-cert/card ru-card-0 &&
	hl ru-cert card rekey --json "our identity key was stolen" >rekey.json &&
	test "$(jq -r .voice rekey.json)" = true &&
	test "$(jq -r .fingerprint rekey.json)" = "$(fp_digits ru-cert/card)" &&
	test "$(jq -r ".links[0].id" rekey.json)" = us-cert/out/2 &&
	! cmp -s ru-cert/card ru-card-0 && test ! -e ru-cert/card.next &&
	"$HOTLINE" card verify ru-cert/card >/dev/null &&
	test "$(grep -c "^— ru-cert " ru-cert/card)" = 1 &&
	test "$(ls ru-cert/keys | grep -c "^identity-")" = 1 &&
	hl ru-cert link keys us-cert --json >ru-keys.json &&
	test "$(keys ru-keys.json ours "map(.how) | join(\",\")")" = founding,rekeyed &&
	test "$(keys ru-keys.json ours ".[0].revoked.uses | join(\",\")")" = sign,box &&
	test "$(keys ru-keys.json ours ".[1].from_seq")" = 2
'

test_expect_success 'until us-cert confirms the new card, ru-cert waits (403, no evidence)' '
	hl ru-cert send --to us-cert "after the loss" >/dev/null &&
	hl us-cert send --to ru-cert "while waiting" >/dev/null &&
	wait_for 30 grep -q "peer ru-cert: $WAITING" us-cert.log &&
	test "$(show_field us-cert ru-cert received)" = "1 1" &&
	test "$(hl_up us-cert link show ru-cert --json | jq -r .evidence)" = 0 &&
	! grep -q "key change refused" us-cert.log
'

test_expect_success 'link rekey refuses another party'"'"'s card, the key in force, a key of another link or ours' '
	"$TOOLS/hl-forge" rename --home eg-cert ru-cert eg-as-ru &&
	"$TOOLS/hl-forge" rename --home us-cert ru-cert us-as-ru &&
	expect_code 1 hl us-cert link rekey ru-cert --card eg-cert/card &&
	grep -q "the card is eg-cert'"'"'s, not ru-cert'"'"'s" us-cert.err &&
	expect_code 1 hl us-cert link rekey ru-cert --card ru-card-0 &&
	grep -q "ru-cert: the card'"'"'s sign key is the one in force: that is a rotation, not a new key" us-cert.err &&
	expect_code 1 hl us-cert link rekey ru-cert --card eg-as-ru &&
	grep -q "the card carries the key or TLS pin of link eg-cert: refused" us-cert.err &&
	expect_code 1 hl us-cert link rekey ru-cert --card us-as-ru &&
	grep -q "the card carries this party'"'"'s own key or TLS pin" us-cert.err &&
	test "$(hl_up us-cert link show ru-cert --json | jq -r .pending_card)" = null
'

test_expect_success 'us-cert takes the new card and confirms it by voice (a wrong fingerprint first)' '
	stop_daemon ru-cert &&
	hl us-cert link rekey ru-cert --card ru-cert/card >out &&
	grep -q "New card of ru-cert kept, fingerprint $(fp_digits ru-cert/card)" out &&
	test "$(hl_up us-cert link show ru-cert --json | jq -r .pending_card.confirmed)" = null &&
	hl us-cert link show ru-cert | grep -q "^NEW CARD: .*hotline link confirm ru-cert" &&
	expect_code 1 hl us-cert link confirm ru-cert --fingerprint "$(fp_digits ru-card-0)" &&
	grep -q "the fingerprint does not match" us-cert.err &&
	test "$(hl_up us-cert link show ru-cert --json | jq -r .pending_card.confirmed)" = null &&
	hl us-cert link confirm ru-cert --fingerprint "$(fp_digits ru-cert/card)" >out &&
	grep -q "New card of ru-cert confirmed" out &&
	hl us-cert link show ru-cert | grep -q "^NEW CARD: .*confirmed by voice" &&
	hl us-cert send --to ru-cert "sealed to the new key" >/dev/null &&
	start_daemon ru-cert
'

test_expect_success 'traffic resumes both ways, every message receipted, both logs verify' '
	hl ru-cert send --to us-cert "after the confirmation" >/dev/null &&
	hl us-cert send --to ru-cert "to the new keys" >/dev/null &&
	wait_for 60 all_receipted ru-cert us-cert 4 &&
	wait_for 60 all_receipted us-cert ru-cert 4 &&
	test "$(show_field us-cert ru-cert received)" = "4 4" &&
	test "$(show_field ru-cert us-cert received)" = "4 4" &&
	hl us-cert show ru-cert/3 | grep -q "^after the loss\$" &&
	hl ru-cert show us-cert/2 | grep -q "^while waiting\$" &&
	hl ru-cert show us-cert/1 | grep -q "^to the old keys\$" &&
	hl ru-cert log verify >/dev/null && hl us-cert log verify >/dev/null
'

test_expect_success 'us-cert holds ru-cert'"'"'s era 1 rekeyed, confirmed, and era 0 revoked' '
	hl us-cert link keys ru-cert --json >us-keys.json &&
	test "$(keys us-keys.json theirs "map(.how) | join(\",\")")" = founding,rekeyed &&
	test "$(keys us-keys.json theirs ".[0].revoked.uses | join(\",\")")" = sign,box &&
	test "$(keys us-keys.json theirs ".[0].revoked.by")" = 2 &&
	test "$(keys us-keys.json theirs ".[1].from_seq")" = 2 &&
	test "$(keys us-keys.json theirs ".[1].confirmed")" != null &&
	test "$(keys us-keys.json theirs ".[1].fingerprint")" = "$(fp_digits ru-cert/card)" &&
	test "$(hl_up us-cert link show ru-cert --json | jq -r .pending_card)" = null
'

test_expect_success 'once confirmed, us-cert seals to the new card'"'"'s box key, before its rekey arrived' '
	stop_daemon ru-cert &&
	mkdir aside && mv ru-cert/keys/box-*.key aside/ &&
	start_daemon ru-cert &&
	hl ru-cert show us-cert/3 | grep -q "^sealed to the new key\$" &&
	expect_code 1 hl ru-cert show us-cert/2 &&
	stop_daemon ru-cert && mv aside/box-*.key ru-cert/keys/
'

# ru-cert is stopped.
test_expect_success 'an envelope signed with ru-cert'"'"'s old key after the rekey is refused' '
	forge_retired ru-cert us-cert ru-card-0 &&
	before=$(show_field us-cert ru-cert received) &&
	start_daemon ru-cert &&
	wait_for 30 grep -q "push from ru-cert: no signature by the expected key" us-cert.log &&
	test "$(show_field us-cert ru-cert received)" = "$before"
'

test_done
