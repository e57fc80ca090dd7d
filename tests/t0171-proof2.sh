#!/bin/sh
# Proof files v2 (protocol.md 9.12).  The CLI verifies the v2 vector
# with the founding cards (the key chain, the terms in force, whether
# the receipt and the acknowledgment were in time) and refuses it with
# ru-cert's newest card alone (trust goes forward only).  On two real
# daemons, `proof export` writes v1 for a message that the founding
# cards verify, v2 with --terms and --ack, v2 with the key chain for a
# message after a real `card rotate` (verified from the founding cards;
# with the newest card alone an era-0 message is refused), and v2 on a
# link of generation 2, which a v1 proof cannot show.  (Chains of more
# than one change, rekeys and revocations: test_proof2.)
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

G="$SRC_DIR/tests/golden"

test_expect_success 'the v2 vector: the chain from the founding cards, the terms, the deadlines' '
	"$HOTLINE" proof verify --card "$G/ru-cert.card" --card "$G/us-cert.card" \
		"$G/ru-to-us-2.proof" >out &&
	grep -qx "proof OK" out &&
	grep -q "^message:  ru-cert -> us-cert, seq 3, flash, notify, sent 2027-11-22T10:03:00Z$" out &&
	grep -qx "generation: 1" out &&
	grep -qx "key chain: ru-cert era 0 (a card you gave) -> era 1 from seq 3 (2027-11-22T10:02:01Z, rotated)" out &&
	grep -qx "key chain: us-cert era 0 (a card you gave)" out &&
	grep -qx "terms: version 1 in force since 2027-11-22T10:01:00Z (proposed ru-cert/1, accepted us-cert/1)" out &&
	grep -qx "receipt: due 2027-11-22T10:05:00Z (receipt.flash 2m), receipted by 2027-11-22T10:05:01Z: LATE by 1s" out &&
	grep -qx "acknowledgment: due 2027-11-22T10:18:00Z (ack.flash 15m), acknowledged at 2027-11-22T10:05:00Z: in time" out &&
	grep -q "^Ransomware attack on the power grid" out
'

test_expect_success 'with ru-cert'"'"'s newest card alone it does not hold; with both it does' '
	expect_code 1 "$HOTLINE" proof verify --card "$G/ru-cert-2.card" --card "$G/us-cert.card" \
		"$G/ru-to-us-2.proof" 2>err &&
	grep -q "before the card you trust (era 1): give an earlier card of ru-cert" err &&
	"$HOTLINE" proof verify --card "$G/ru-cert-2.card" --card "$G/us-cert.card" \
		--card "$G/ru-cert.card" "$G/ru-to-us-2.proof" >out &&
	grep -qx "key chain: ru-cert era 0 (a card you gave) -> era 1 from seq 3 (2027-11-22T10:02:01Z, rotated) (a card you gave)" out
'

test_expect_success 'a v1 proof verifies with more than two cards, in any order' '
	"$HOTLINE" proof verify --card "$G/ru-cert-2.card" --card "$G/us-cert.card" \
		--card "$G/ru-cert.card" "$G/ru-to-us.proof" >out &&
	grep -qx "proof OK" out && ! grep -q "^generation:" out &&
	expect_code 1 "$HOTLINE" proof verify --card "$G/ru-cert-2.card" --card "$G/us-cert.card" \
		"$G/ru-to-us.proof" &&
	expect_code 2 "$HOTLINE" proof verify --card "$G/us-cert.card" "$G/ru-to-us.proof"
'

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
cp "$TEST_DIR/ru-cert/card" "$TEST_DIR/ru-card-0"
new_party jp-cert "$(free_port)"
link_both jp-cert us-cert

# got NAME LINK SEQ [--received] : NAME holds message SEQ receipted
# (its proof can be made).
got() {
	"$HOTLINE" --home "$TEST_DIR/$1" proof export --link "$2" --seq "$3" ${4:-} \
		--out /dev/null 2>/dev/null
}

test_expect_success 'terms agreed, a FLASH message sent, receipted and acknowledged' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert link terms propose us-cert --lang en "terms" >/dev/null &&
	wait_for 30 got us-cert ru-cert 1 --received &&
	hl us-cert link terms accept ru-cert/1 "agreed" >/dev/null &&
	wait_for 30 got ru-cert us-cert 1 --received &&
	hl ru-cert send --to us-cert --precedence flash --lang en "the message" >out &&
	grep -q "as us-cert/out/2" out &&
	wait_for 30 got ru-cert us-cert 2 &&
	hl us-cert ack --lang en ru-cert/2 "read" >/dev/null &&
	wait_for 30 got ru-cert us-cert 2 --received
'

test_expect_success 'export writes v1 when the founding cards verify it' '
	hl ru-cert proof export --link us-cert --seq 2 --out v1.proof &&
	head -n 1 v1.proof | grep -qx "hotline.proof/v1" &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card v1.proof >out &&
	grep -qx "proof OK" out
'

test_expect_success 'export --terms --ack writes v2: the terms in force and the acknowledgment' '
	hl ru-cert proof export --link us-cert --seq 2 --terms --ack --disclose --out t.proof &&
	head -n 1 t.proof | grep -qx "hotline.proof/v2" &&
	grep -aqx "terms 2" t.proof && grep -aqx "ack 1" t.proof && grep -aqx "chain 0" t.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card t.proof >out &&
	grep -q "^terms: version 1 in force since 20.* (proposed ru-cert/1, accepted us-cert/1)$" out &&
	grep -q "^receipt: due 20.* (receipt.flash 2m), receipted by 20.*: in time$" out &&
	grep -q "^acknowledgment: due 20.* (ack.flash 15m), acknowledged at 20.*: in time$" out &&
	grep -qx "the message" out &&
	hl us-cert proof export --link ru-cert --seq 2 --received --terms --ack --out r.proof &&
	"$HOTLINE" proof verify --card us-cert/card --card ru-cert/card r.proof >out2 &&
	grep -q "^acknowledgment: due" out2
'

test_expect_success 'without the terms, export --ack says the deadlines cannot be judged' '
	hl ru-cert proof export --link us-cert --seq 2 --ack --out a.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card a.proof >out &&
	grep -qx "terms: none shown: deadlines cannot be judged" out &&
	grep -q "^acknowledgment: acknowledged at 20" out
'

test_expect_success 'a real rotation: a message after it verifies by the chain from the founding cards' '
	hl ru-cert card rotate --sign --revoke sign "scheduled rotation" >out &&
	grep -q "us-cert: sent as us-cert/out/3" out &&
	! cmp -s ru-cert/card ru-card-0 &&
	hl ru-cert send --to us-cert --lang en "after the rotation" >/dev/null &&
	wait_for 30 hl us-cert proof export --link ru-cert --seq 4 --received --disclose \
		--out r3.proof &&
	grep -aqx "chain 1" r3.proof &&
	"$HOTLINE" proof verify --card ru-card-0 --card us-cert/card r3.proof >out &&
	grep -q "^key chain: ru-cert era 0 (a card you gave) -> era 1 from seq 4 (20.*, rotated; revoked: sign)$" out &&
	grep -q "^signed:   by ru-cert (fingerprint $(fp_digits ru-cert/card))$" out &&
	grep -qx "after the rotation" out &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card r3.proof >out &&
	grep -qx "proof OK" out
'

test_expect_success 'a message before the rotation: the founding card, not the newest alone' '
	hl ru-cert proof export --link us-cert --seq 2 --out r1.proof &&
	head -n 1 r1.proof | grep -qx "hotline.proof/v1" &&
	"$HOTLINE" proof verify --card ru-card-0 --card us-cert/card r1.proof >/dev/null &&
	hl ru-cert proof export --link us-cert --seq 2 --terms --ack --out r1b.proof &&
	grep -aqx "chain 0" r1b.proof &&
	"$HOTLINE" proof verify --card ru-card-0 --card us-cert/card r1b.proof >/dev/null &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card r1b.proof 2>err &&
	grep -q "the key is not reached from a card you trust" err &&
	grep -q "no card you gave is ru-cert.s of era 0 or leads to it: give a card of ru-cert" err
'

test_expect_success 'a link of generation 2: export writes v2, which the cards verify' '
	start_daemon jp-cert &&
	hl jp-cert link archive us-cert --now --lang en "closed" >/dev/null &&
	hl us-cert link archive jp-cert --now --lang en "closed" >/dev/null &&
	hl jp-cert link add us-cert --card us-cert/card >/dev/null &&
	hl us-cert link add jp-cert --card jp-cert/card >/dev/null &&
	hl jp-cert link confirm us-cert --fingerprint "$(fp_digits us-cert/card)" >/dev/null &&
	hl us-cert link confirm jp-cert --fingerprint "$(fp_digits jp-cert/card)" >/dev/null &&
	hl jp-cert send --to us-cert --lang en "on the new link" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field jp-cert us-cert sent)\" = \"1 1\"" &&
	hl jp-cert proof export --link us-cert --seq 1 --disclose --out g2.proof &&
	head -n 2 g2.proof | tr "\n" " " | grep -qx "hotline.proof/v2 generation 2 " &&
	"$HOTLINE" proof verify --card jp-cert/card --card us-cert/card g2.proof >out &&
	grep -qx "generation: 2" out && grep -qx "on the new link" out &&
	hl us-cert proof export --link jp-cert --seq 1 --received --out g2r.proof &&
	"$HOTLINE" proof verify --card jp-cert/card --card us-cert/card g2r.proof >/dev/null
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert && stop_daemon jp-cert
'
test_done
