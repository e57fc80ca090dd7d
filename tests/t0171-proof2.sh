#!/bin/sh
# Proof files v2 (protocol.md 9.12).  The CLI verifies the v2 vector
# with the founding cards (the key chain, the terms in force, whether
# the receipt and the acknowledgment were in time) and refuses it with
# ru-cert's newest card alone (trust goes forward only).  On two real
# daemons, `proof export` writes v1 for a message that the founding
# cards verify, v2 with --terms and --ack, v2 with the key chain for a
# message at or after a key change (hl-forge rotate sends the `card`
# envelope), and v2 on a link of generation 2, which a v1 proof cannot
# show.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge

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

test_expect_success 'terms agreed, a FLASH message sent, receipted and acknowledged' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert link terms propose us-cert --lang en "terms" >/dev/null &&
	wait_for 30 eval "hl us-cert link terms ru-cert | grep -q ru-cert/1" &&
	hl us-cert link terms accept ru-cert/1 "agreed" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert received)\" = \"1 1\"" &&
	hl ru-cert send --to us-cert --precedence flash --lang en "the message" >out &&
	grep -q "as us-cert/out/2" out &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"2 2\"" &&
	hl us-cert ack --lang en ru-cert/2 "read" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert received)\" = \"2 2\""
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

test_expect_success 'a key change: its card envelope is proved with the chain, a message before without' '
	"$TOOLS/hl-forge" rotate --home ru-cert us-cert sign >out &&
	test "$(cat out)" = us-cert/out/3 &&
	hl ru-cert send --to us-cert --lang en "wakes the courier" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field us-cert ru-cert received)\" = \"3 3\"" &&
	hl us-cert proof export --link ru-cert --seq 3 --received --terms --out c.proof &&
	grep -aqx "chain 1" c.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card c.proof >out &&
	grep -q "^key chain: ru-cert era 0 (a card you gave) -> era 1 from seq 4 (20.*, rotated)$" out &&
	hl us-cert proof export --link ru-cert --seq 2 --received --terms --out b.proof &&
	grep -aqx "chain 0" b.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card b.proof >out &&
	grep -qx "key chain: ru-cert era 0 (a card you gave)" out
'

test_expect_success 'a link of generation 2: export writes v2, which the cards verify' '
	hl ru-cert link archive us-cert --now --lang en "closed" >/dev/null &&
	hl us-cert link archive ru-cert --now --lang en "closed" >/dev/null &&
	hl ru-cert link add us-cert --card us-cert/card >/dev/null &&
	hl us-cert link add ru-cert --card ru-cert/card >/dev/null &&
	hl ru-cert link confirm us-cert --fingerprint \
		"$("$HOTLINE" fingerprint us-cert/card | cut -c1-35)" >/dev/null &&
	hl us-cert link confirm ru-cert --fingerprint \
		"$("$HOTLINE" fingerprint ru-cert/card | cut -c1-35)" >/dev/null &&
	hl ru-cert send --to us-cert --lang en "on the new link" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"1 1\"" &&
	hl ru-cert proof export --link us-cert --seq 1 --disclose --out g2.proof &&
	head -n 2 g2.proof | tr "\n" " " | grep -qx "hotline.proof/v2 generation 2 " &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card g2.proof >out &&
	grep -qx "generation: 2" out && grep -qx "on the new link" out
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done
