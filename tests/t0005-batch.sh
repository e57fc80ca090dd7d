#!/bin/sh
# Batches: pushes and receipts carried as files between two parties, the
# witness rule that stores and cosigns them, and everything it refuses.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-forge

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
new_party eu-cert "$(free_port)"

# The links have no endpoint: the daemons run all along (sends, link
# show) and never reach each other, so only the batches carry messages
# and receipts.
test_expect_success 'three parties run, linked without endpoints' '
	start_daemon ru-cert && start_daemon us-cert && start_daemon eu-cert &&
	link_offline ru-cert us-cert && link_offline ru-cert eu-cert &&
	"$HOTLINE" --home ru-cert link show us-cert | grep -qx "endpoint: *none" &&
	"$HOTLINE" --home us-cert link show ru-cert | grep -qx "endpoint: *none"
'

# state_before HOME LINK : before.state, the link's state before a
# refusal (read with no leak check: look).  In a run of refusals in one test body, it is the state the
# last one left (after.state, of the same link): read again, it would
# be the same unless something ran between, and then the comparison
# after this refusal fails, it does not pass.
state_before() {
	[ -z "${state_run:-}" ] || return 0
	if [ "${last_state:-}" = "$1 $2" ]; then
		cp after.state before.state
	else
		look state "$1" "$2" >before.state
	fi
}

# state_after HOME LINK : after.state, the link's state after a
# refusal, the same as before.state.
state_after() {
	[ -z "${state_run:-}" ] || return 0
	last_state=
	look state "$1" "$2" >after.state &&
	cmp before.state after.state &&
	last_state="$1 $2"
}

# state_run_begin HOME LINK, state_run_end HOME LINK : around a run of
# refusals on one link in a test body, the state is read once before
# the first and once after the last, not around each.  All that a
# refusal could leave (a message, a checkpoint, evidence, a count) only
# grows: no later refusal could put back what an earlier one changed,
# and the link as it was after the last shows that none of them changed
# it.  Each refusal's exit status and message are still checked.
state_run_begin() {
	state_before "$1" "$2" && state_run=1
}
state_run_end() {
	state_run= && state_after "$1" "$2"
}

# refused HOME LINK FILE WHAT : importing FILE is refused with a message
# naming it and containing WHAT, and the link is exactly as before.
refused() {
	state_before "$1" "$2" &&
	expect_code 1 "$HOTLINE" --home "$1" batch import --link "$2" --out refused.receipt \
		"$3" 2>err &&
	cat err && grep -q "^hotline: $3: .*$4" err &&
	test ! -e refused.receipt &&
	state_after "$1" "$2"
}

# refused_receipt HOME LINK FILE WHAT : the same for a receipt.
refused_receipt() {
	state_before "$1" "$2" &&
	expect_code 1 "$HOTLINE" --home "$1" batch receipt --link "$2" "$3" 2>err &&
	cat err && grep -q "^hotline: $3: .*$4" err &&
	state_after "$1" "$2"
}

test_expect_success 'an Arabic report goes from ru-cert to us-cert and is receipted' '
	seed_text | sed "\$a\\" >m1.txt &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash - <m1.txt >out &&
	grep -q "^sent to us-cert as us-cert/out/1 (flash, notify)" out &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out r1.batch 2>err &&
	grep -q "1 message(s) in the batch" err &&
	head -n 1 r1.batch | grep -qx "hotline.push/v1" &&
	! grep -qF "$(head -c 60 m1.txt)" r1.batch &&
	test "$(look show_field us-cert ru-cert received)" = "0 0" &&
	"$HOTLINE" --home us-cert batch import --link ru-cert --out r1.receipt r1.batch 2>err &&
	grep -q "1 new message(s) stored; receipted up to 1" err &&
	test "$(look show_field us-cert ru-cert received)" = "1 1" &&
	test "$(look show_field ru-cert us-cert sent)" = "1 0" &&
	"$HOTLINE" --home ru-cert batch receipt --link us-cert r1.receipt >out &&
	grep -qx "receipted by us-cert up to seq 1" out &&
	test "$(look show_field ru-cert us-cert sent)" = "1 1"
'

test_expect_success 'the receiver reads exactly the text that was sent' '
	look disclosed us-cert ru-cert 1 --received >got &&
	cmp m1.txt got
'

test_expect_success 'two rounds both ways, several messages a batch' '
	for round in 2 3; do
		{ seed_text; echo; echo "round $round"; } >m$round.txt &&
		{ echo "reply $round"; seed_text | sed "\$a\\"; } >a$round.txt &&
		"$HOTLINE" --home ru-cert send --to us-cert - <m$round.txt >/dev/null &&
		"$HOTLINE" --home ru-cert send --to us-cert --kind check "check $round" >/dev/null &&
		"$HOTLINE" --home us-cert send --to ru-cert --precedence immediate - \
			<a$round.txt >/dev/null &&
		exchange ru-cert us-cert r$round &&
		exchange us-cert ru-cert u$round || exit 1
	done &&
	test "$(look show_field ru-cert us-cert sent)" = "5 5" &&
	test "$(look show_field ru-cert us-cert received)" = "2 2" &&
	test "$(look show_field us-cert ru-cert sent)" = "2 2" &&
	test "$(look show_field us-cert ru-cert received)" = "5 5" &&
	look disclosed us-cert ru-cert 4 --received >got && cmp m3.txt got &&
	disclosed ru-cert us-cert 2 --received >got && cmp a3.txt got &&
	look disclosed us-cert ru-cert 5 --received >got && test "$(cat got)" = "check 3"
'

test_expect_success 'a batch that waited carries everything not yet receipted' '
	send_msg ru-cert us-cert "five" && send_msg ru-cert us-cert "six" &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out lost.batch 2>/dev/null &&
	send_msg ru-cert us-cert "seven" &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out r5.batch 2>err &&
	grep -q "3 message(s) in the batch" err &&
	"$HOTLINE" --home us-cert batch import --link ru-cert --out r5.receipt r5.batch 2>err &&
	grep -q "3 new message(s) stored; receipted up to 8" err &&
	"$HOTLINE" --home ru-cert batch receipt --link us-cert r5.receipt >/dev/null &&
	test "$(look show_field ru-cert us-cert sent)" = "8 8"
'

test_expect_success 'importing the same batch again gives a byte-identical receipt' '
	look state us-cert ru-cert >before.state &&
	at_clock +10 "$HOTLINE" --home us-cert batch import --link ru-cert \
		--out again.receipt r5.batch 2>err &&
	grep -q "already receipted; the same receipt again" err &&
	cmp r5.receipt again.receipt &&
	look state us-cert ru-cert >after.state && cmp before.state after.state &&
	"$HOTLINE" --home ru-cert batch receipt --link us-cert again.receipt >/dev/null
'

test_expect_success 'an old batch imported after a newer one gives its old receipt' '
	"$HOTLINE" --home us-cert batch import --link ru-cert --out old.receipt r2.batch 2>err &&
	grep -q "already receipted" err &&
	cmp r2.receipt old.receipt &&
	sed -n 2p old.receipt | grep -qx 3 &&
	"$HOTLINE" --home us-cert batch import --link ru-cert --out old.receipt r1.batch &&
	cmp r1.receipt old.receipt &&
	"$HOTLINE" --home ru-cert batch receipt --link us-cert old.receipt >out &&
	grep -q "up to seq 1$" out &&
	test "$(look show_field ru-cert us-cert sent)" = "8 8"
'

test_expect_success 'a batch never imported and overtaken asks for a resync' '
	refused us-cert ru-cert lost.batch "receipted up to 8; the peer should export again" &&
	test "$(look show_field ru-cert us-cert sent)" = "8 8" &&
	test "$(look show_field us-cert ru-cert received)" = "8 8"
'

test_expect_success 'export with nothing to send says so and writes nothing' '
	"$HOTLINE" --home ru-cert batch export --link us-cert --out none.batch 2>err &&
	grep -q "nothing to send" err && test ! -e none.batch &&
	"$HOTLINE" --home us-cert batch export --link ru-cert >none.out 2>err &&
	grep -q "nothing to send" err && test ! -s none.out
'

test_expect_success 'a fresh batch to test refusals on' '
	{ seed_text; echo; echo "pending"; } >p.txt &&
	"$HOTLINE" --home ru-cert send --to us-cert - <p.txt >/dev/null &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out p.batch 2>/dev/null &&
	test "$(envelope_at p.batch | cut -d" " -f2)" -gt 1000
'

test_expect_success 'a batch for another link is refused' '
	send_msg ru-cert eu-cert "for eu-cert only" &&
	"$HOTLINE" --home ru-cert batch export --link eu-cert --out eu.batch 2>/dev/null &&
	refused us-cert ru-cert eu.batch "another link"
'

test_expect_success 'our own batch sent back to us is refused' '
	send_msg us-cert ru-cert "from us" &&
	"$HOTLINE" --home us-cert batch export --link ru-cert --out own.batch 2>/dev/null &&
	refused us-cert ru-cert own.batch "another link"
'

test_expect_success 'a truncated batch is refused' '
	n=$(file_size p.batch) && state_run_begin us-cert ru-cert &&
	for k in 10 200 $((n / 2)) $((n - 100)) $((n - 1)); do
		head -c $k p.batch >cut.batch &&
		refused us-cert ru-cert cut.batch "truncated\|not of the expected form" || exit 1
	done &&
	state_run_end us-cert ru-cert
'

test_expect_success 'a batch with one changed byte in an envelope body is refused' '
	set -- $(envelope_at p.batch) && state_run_begin us-cert ru-cert &&
	flip_byte p.batch $(($1 + $2 - 10)) forged.batch &&
	refused us-cert ru-cert forged.batch "body does not match" &&
	flip_byte p.batch $(($1 + $2 - 600)) forged.batch &&
	refused us-cert ru-cert forged.batch "body does not match" &&
	state_run_end us-cert ru-cert
'

test_expect_success 'a batch with one changed byte in an envelope header is refused' '
	set -- $(envelope_at p.batch) && state_run_begin us-cert ru-cert &&
	off=$(grep -abo "^precedence routine" p.batch | head -n 1 | cut -d: -f1) &&
	flip_byte p.batch $((off + 11)) forged.batch &&
	refused us-cert ru-cert forged.batch "" &&
	off=$(grep -abo "^seq 9" p.batch | head -n 1 | cut -d: -f1) &&
	flip_byte p.batch $((off + 5)) forged.batch &&
	refused us-cert ru-cert forged.batch "" &&
	flip_byte p.batch $(($1 + 50)) forged.batch &&
	refused us-cert ru-cert forged.batch "" &&
	state_run_end us-cert ru-cert
'

test_expect_success 'a checkpoint signed again by a third party is refused' '
	"$TOOLS/hl-forge" resign-batch --home eu-cert p.batch resigned.batch &&
	! cmp -s p.batch resigned.batch &&
	refused us-cert ru-cert resigned.batch "no signature by the expected key"
'

test_expect_success 'garbage, an empty file and a card are refused' '
	head -c 5000 /dev/urandom >garbage.batch && state_run_begin us-cert ru-cert &&
	refused us-cert ru-cert garbage.batch "" &&
	{ echo hotline.push/v1; head -c 5000 /dev/urandom; } >garbage.batch &&
	refused us-cert ru-cert garbage.batch "" &&
	: >empty.batch &&
	refused us-cert ru-cert empty.batch "truncated" &&
	cp ru-cert/card card.batch &&
	refused us-cert ru-cert card.batch "wrong object type" &&
	expect_code 1 "$HOTLINE" --home us-cert batch import --link ru-cert nosuch 2>err &&
	grep -q "nosuch: No such file" err &&
	state_run_end us-cert ru-cert
'

test_expect_success 'after all that, the genuine batch is stored and receipted' '
	"$HOTLINE" --home us-cert batch import --link ru-cert --out p.receipt p.batch 2>err &&
	grep -q "1 new message(s) stored; receipted up to 9" err &&
	look disclosed us-cert ru-cert 9 --received >got && cmp p.txt got
'

test_expect_success 'a receipt from the wrong party is refused' '
	"$TOOLS/hl-forge" cosign --home eu-cert p.batch eu.receipt &&
	refused_receipt ru-cert us-cert eu.receipt "no signature by the expected key" &&
	refused_receipt ru-cert eu-cert p.receipt "another link" &&
	"$TOOLS/hl-forge" cosign --home ru-cert p.batch self.receipt &&
	refused_receipt ru-cert us-cert self.receipt "no signature by the expected key"
'

test_expect_success 'a checkpoint without a receipt, or garbage, is refused' '
	sed -n "/^hotline.log/,\$p" p.batch >bare.receipt && state_run_begin ru-cert us-cert &&
	refused_receipt ru-cert us-cert bare.receipt "no signature by the expected key" &&
	: >empty.receipt &&
	refused_receipt ru-cert us-cert empty.receipt "" &&
	cp p.batch batch.receipt &&
	refused_receipt ru-cert us-cert batch.receipt "" &&
	state_run_end ru-cert us-cert
'

# Only the exit status counts here (not 0), which a leak report would
# not change: leak checks are off for these runs.  Every 23rd byte and
# each line's first and last byte and newline: every line is changed,
# the short tree size line too (every 7th byte, as before, missed it),
# at half the runs.
test_expect_success 'a receipt with one byte changed is refused (each line, every 23rd byte)' '
	look state ru-cert us-cert >before.state &&
	flip_each p.receipt 23 0 0 flips &&
	tried=0 &&
	for i in $(ls flips); do
		if look "$HOTLINE" --home ru-cert batch receipt \
			--link us-cert flips/$i >/dev/null 2>&1; then
			echo "byte $i: changed receipt accepted"; exit 1
		fi
		tried=$((tried + 1))
	done &&
	echo "$tried changes tried" && test $tried -ge 30 &&
	look state ru-cert us-cert >after.state && cmp before.state after.state &&
	"$HOTLINE" --home ru-cert batch receipt --link us-cert p.receipt >/dev/null &&
	test "$(look show_field ru-cert us-cert sent)" = "9 9"
'

test_expect_success 'a receipt for a checkpoint we never signed is refused' '
	sed "s/^[0-9][0-9]*$/99/" p.receipt >big.receipt &&
	refused_receipt ru-cert us-cert big.receipt "no such entry"
'

# A fresh pair for equivocation: ru-nrrc signs two different first
# messages, the second from a copy of its store taken before the first.
new_party ru-nrrc "$(free_port)"
new_party us-nrrc "$(free_port)"

test_expect_success 'equivocation: a different message 1 after A was receipted' '
	start_daemon ru-nrrc && start_daemon us-nrrc &&
	link_offline ru-nrrc us-nrrc &&
	stop_daemon ru-nrrc && cp -a ru-nrrc snap && start_daemon ru-nrrc &&
	send_msg ru-nrrc us-nrrc "A" &&
	exchange ru-nrrc us-nrrc eqA &&
	test "$(look show_field us-nrrc ru-nrrc received)" = "1 1" &&
	stop_daemon ru-nrrc &&
	rm -rf ru-nrrc && cp -a snap ru-nrrc &&
	start_daemon ru-nrrc &&
	"$HOTLINE" --home ru-nrrc send --to us-nrrc "B" >out &&
	grep -q "as us-nrrc/out/1 " out &&
	"$HOTLINE" --home ru-nrrc batch export --link us-nrrc --out eqB.batch 2>/dev/null &&
	expect_code 1 "$HOTLINE" --home us-nrrc batch import --link ru-nrrc \
		--out eqB.receipt eqB.batch 2>err &&
	grep -q "equivocation" err && test ! -e eqB.receipt
'

test_expect_success 'the witness then shows the evidence and still holds A' '
	hl_up us-nrrc link show ru-nrrc >show &&
	grep -q "^EVIDENCE: *1 equivocation record" show &&
	grep -qx "received: *1, receipted up to 1" show &&
	hl_up us-nrrc link list >list &&
	test "$(look disclosed us-nrrc ru-nrrc 1 --received)" = "A" &&
	expect_code 3 "$HOTLINE" --home us-nrrc log verify >out &&
	grep -q "ru-nrrc: OK" out && grep -q "ru-nrrc: EVIDENCE: 1 " out
'

test_expect_success 'equivocation inside a longer push is kept as evidence too' '
	send_msg ru-nrrc us-nrrc "C" &&
	"$HOTLINE" --home ru-nrrc batch export --link us-nrrc --out eqC.batch 2>err &&
	grep -q "2 message(s)" err &&
	expect_code 1 "$HOTLINE" --home us-nrrc batch import --link ru-nrrc \
		--out eqC.receipt eqC.batch 2>err &&
	grep -q "equivocation" err && test ! -e eqC.receipt &&
	hl_up us-nrrc link show ru-nrrc >show &&
	# The same conflicting message 1 again: evidence is kept once.
	grep -q "^EVIDENCE: *1 equivocation record" show &&
	grep -qx "received: *1, receipted up to 1" show &&
	test "$(look disclosed us-nrrc ru-nrrc 1 --received)" = "A"
'

test_expect_success 'a batch on a link this party has not confirmed is refused' '
	hl_up us-cert link add eu-cert --card eu-cert/card --endpoint "" >/dev/null &&
	hl_up eu-cert link add us-cert --card us-cert/card --endpoint "" >/dev/null &&
	hl_up eu-cert link confirm us-cert \
		--fingerprint "$(fp_digits us-cert/card)" >/dev/null &&
	send_msg eu-cert us-cert "not yet" &&
	"$HOTLINE" --home eu-cert batch export --link us-cert --out unconf.batch 2>/dev/null &&
	refused us-cert eu-cert unconf.batch "not confirmed" &&
	test "$(look show_field us-cert eu-cert received)" = "0 0"
'

test_expect_success 'log verify passes on every side after all of this' '
	for p in ru-cert us-cert eu-cert ru-nrrc us-nrrc; do
		# 3: every check passed, and us-nrrc holds the evidence.
		v=0; "$HOTLINE" --home $p log verify >out 2>err || v=$?
		test $v -eq 0 || { test $v -eq 3 && test $p = us-nrrc; } ||
			{ cat out err; exit 1; }
		! grep -v ": OK: \|: EVIDENCE: " out || exit 1
	done &&
	"$HOTLINE" --home ru-cert log verify --link us-cert >out &&
	grep -qx "us-cert: OK: sent 9 (receipted up to 9, [0-9]* checkpoints), received 2 (receipted up to 2, [0-9]* checkpoints)" out
'

test_expect_success 'rebuild recomputes the index from every envelope' '
	"$HOTLINE" --home ru-cert rebuild >out &&
	grep -qx "rebuilt the message and content indexes from 12 envelope(s)" out &&
	"$HOTLINE" --home us-cert rebuild >out &&
	grep -qx "rebuilt the message and content indexes from 12 envelope(s)" out &&
	"$HOTLINE" --home us-nrrc rebuild >out &&
	grep -qx "rebuilt the message and content indexes from 1 envelope(s)" out &&
	"$HOTLINE" --home ru-cert log verify >/dev/null &&
	expect_code 2 "$HOTLINE" --home ru-cert rebuild extra
'

test_done
