#!/bin/sh
# Envelopes: sealed by one party, opened only by the two parties on the
# link, verifiable by anyone with the sender's card, and tamper-evident.
. "$(dirname "$0")/test-lib.sh"

new_party ru-cert 7441
new_party us-cert 7442
new_party eu-cert 7443

test_expect_success 'a FLASH notification in Arabic is sealed for the peer' '
	seed_text >msg.txt &&
	"$HOTLINE" --home ru-cert envelope seal --to us-cert/card \
		--precedence flash --seq 1 --out m.env msg.txt &&
	head -n 1 m.env | grep -qx "hotline.envelope/v1" &&
	grep -qx "precedence flash" m.env &&
	! grep -qF "$(head -c 40 msg.txt)" m.env
'

test_expect_success 'the recipient opens it to exactly the text sent' '
	"$HOTLINE" --home us-cert envelope open --from ru-cert/card m.env >got 2>info &&
	cmp msg.txt got &&
	grep -q "ru-cert -> us-cert, seq 1, flash, notify" info
'

test_expect_success 'the sender can open its own copy' '
	"$HOTLINE" --home ru-cert envelope open m.env >got2 && cmp msg.txt got2
'

test_expect_success 'a third party cannot open it' '
	expect_code 1 "$HOTLINE" --home eu-cert envelope open --from ru-cert/card m.env 2>err &&
	grep -q "no content key is wrapped for this party" err
'

test_expect_success 'anyone with the sender card verifies it, without keys' '
	"$HOTLINE" envelope verify --from ru-cert/card m.env 2>out &&
	grep -q "signature and body OK" out
'

test_expect_success 'the wrong card does not verify it' '
	expect_code 1 "$HOTLINE" envelope verify --from us-cert/card m.env 2>err &&
	grep -q "sent by ru-cert" err
'

test_expect_success 'open without the sender card refuses to guess' '
	expect_code 1 "$HOTLINE" --home us-cert envelope open m.env 2>err &&
	grep -q "give its card with --from" err
'

# Every byte is flipped in-process by tests/unit/test_envelope.c; here
# every third header byte goes through the CLI.  Only the exit status
# counts (not 0), which a leak report would not change: leak checks are
# off for these runs, half of their time.
test_expect_success 'a one-byte change anywhere in the header is caught' '
	hdr=$(grep -abo "^$(printf "\342\200\224") " m.env | tail -n 1 | cut -d: -f1) &&
	hdr=$((hdr + 100)) && i=0 &&
	no_leaks="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" &&
	while [ $i -lt $hdr ]; do
		flip_byte m.env $i bad.env &&
		if ASAN_OPTIONS=$no_leaks "$HOTLINE" envelope verify --from ru-cert/card bad.env \
			2>/dev/null; then
			echo "byte $i: changed envelope accepted"; exit 1
		fi
		i=$((i + 3))
	done
'

test_expect_success 'changes across the encrypted body are caught' '
	n=$(file_size m.env) && i=$((n - 1)) &&
	while [ $i -gt 0 ]; do
		flip_byte m.env $i bad.env &&
		expect_code 1 "$HOTLINE" envelope verify --from ru-cert/card bad.env 2>err &&
		expect_code 1 "$HOTLINE" --home us-cert envelope open --from ru-cert/card bad.env \
			>out 2>>err &&
		test ! -s out || exit 1
		i=$((i - 97))
	done
'

test_expect_success 'truncated, extended and empty envelopes are refused' '
	n=$(file_size m.env) &&
	for k in 1 20 300 $((n / 2)) $((n - 1)); do
		head -c $k m.env >cut.env &&
		expect_code 1 "$HOTLINE" envelope verify --from ru-cert/card cut.env || exit 1
	done &&
	{ cat m.env; printf x; } >long.env &&
	expect_code 1 "$HOTLINE" envelope verify --from ru-cert/card long.env &&
	: >empty.env &&
	expect_code 1 "$HOTLINE" envelope verify --from ru-cert/card empty.env 2>err &&
	grep -q "not a valid envelope" err
'

test_expect_success 'a card is not taken for an envelope' '
	expect_code 1 "$HOTLINE" envelope verify --from ru-cert/card ru-cert/card 2>err &&
	grep -q "not a valid envelope" err
'

test_expect_success 'seal reads standard input and checks its options' '
	printf "comm check\n" | "$HOTLINE" --home ru-cert envelope seal \
		--to us-cert/card --kind check --seq 2 >c.env &&
	"$HOTLINE" --home us-cert envelope open --from ru-cert/card c.env >c.txt 2>info &&
	grep -qx "comm check" c.txt && grep -q "seq 2, routine, check" info &&
	expect_code 2 "$HOTLINE" --home ru-cert envelope seal --to us-cert/card --precedence urgent &&
	expect_code 2 "$HOTLINE" --home ru-cert envelope seal --to us-cert/card --seq 0 &&
	expect_code 2 "$HOTLINE" --home ru-cert envelope seal &&
	expect_code 1 "$HOTLINE" --home ru-cert envelope seal --to ru-cert/card </dev/null >x.env 2>err &&
	grep -q "cannot seal" err
'

test_expect_success 'an empty message is sealed and opened' '
	"$HOTLINE" --home ru-cert envelope seal --to us-cert/card </dev/null >e.env &&
	"$HOTLINE" --home us-cert envelope open --from ru-cert/card e.env >e.txt 2>/dev/null &&
	test ! -s e.txt
'

test_done
