#!/bin/sh
# Cards: exchange, verification, fingerprints, and every kind of damage.
. "$(dirname "$0")/test-lib.sh"

new_party ru-cert 7441
new_party us-cert 7442

test_expect_success 'each side prints its card and the other verifies it' '
	"$HOTLINE" --home ru-cert card >ru.card &&
	cmp ru.card ru-cert/card &&
	head -n 1 ru.card | grep -qx "hotline.card/v1" &&
	"$HOTLINE" --home us-cert card verify ru.card >out &&
	grep -q "^name: *ru-cert$" out
'

test_expect_success 'both sides read the same fingerprint' '
	"$HOTLINE" --home ru-cert fingerprint >own &&
	"$HOTLINE" --home us-cert fingerprint ru.card >theirs &&
	cmp own theirs &&
	grep -Eqx "[0-9]{5}( [0-9]{5}){5}  ru-cert" own
'

test_expect_success 'different parties have different fingerprints' '
	"$HOTLINE" fingerprint us-cert/card >us.fp &&
	! cmp -s own us.fp
'

# Every byte is flipped in-process by tests/unit/test_card.c; here every
# third byte goes through the CLI.
test_expect_success 'a change of a byte anywhere makes the card fail' '
	n=$(file_size ru.card) && i=0 &&
	while [ $i -lt $n ]; do
		flip_byte ru.card $i bad.card &&
		if "$HOTLINE" card verify bad.card >/dev/null 2>err; then
			echo "byte $i: changed card accepted"; exit 1
		fi &&
		grep -q "not a valid card" err || exit 1
		i=$((i + 3))
	done
'

test_expect_success 'a swapped key fails the signature check' '
	sed "s/^box .*/$(grep "^box " us-cert/card | sed "s/[\/&]/\\\\&/g")/" ru.card >swapped &&
	expect_code 1 "$HOTLINE" card verify swapped 2>err &&
	grep -q "signature verification failed" err
'

test_expect_success 'truncated, extended and empty cards are refused' '
	head -c 100 ru.card >short && expect_code 1 "$HOTLINE" card verify short &&
	head -n 8 ru.card >nosig && expect_code 1 "$HOTLINE" card verify nosig &&
	{ cat ru.card; echo junk; } >long && expect_code 1 "$HOTLINE" card verify long &&
	{ cat ru.card; printf x; } >tail && expect_code 1 "$HOTLINE" card verify tail &&
	: >empty && expect_code 1 "$HOTLINE" card verify empty 2>err &&
	grep -q "not a valid card" err
'

test_expect_success 'a card with a field twice or out of order is refused' '
	{ sed -n 1,2p ru.card; sed -n 2,99p ru.card; } >dup &&
	expect_code 1 "$HOTLINE" card verify dup 2>err && grep -q "field" err &&
	{ sed -n 1p ru.card; sed -n 3p ru.card; sed -n 2p ru.card; sed -n 4,99p ru.card; } >order &&
	expect_code 1 "$HOTLINE" card verify order
'

test_expect_success 'non-UTF-8 and control characters are refused' '
	sed "s/^name ru-cert/name ru-c\xffrt/" ru.card >latin &&
	expect_code 1 "$HOTLINE" card verify latin 2>err && grep -q "UTF-8" err &&
	sed "s/^name ru-cert/name ru-c\trt/" ru.card >ctl &&
	expect_code 1 "$HOTLINE" card verify ctl 2>err && grep -q "control" err
'

test_expect_success 'an oversized card is refused without being parsed' '
	head -c 100000 /dev/zero | tr "\0" a >huge &&
	expect_code 1 "$HOTLINE" card verify huge 2>err && grep -q "too large" err
'

# A rotated card (protocol.md 3.5) carries the old key's line after its
# own; nothing else may follow, and its own line must come first.
test_expect_success 'a rotated card verifies, with its lines in order only' '
	rot="$SRC_DIR/tests/golden/ru-cert-2.card" &&
	"$HOTLINE" card verify "$rot" >out &&
	grep -q "^created: *2027-11-22T09:54:00Z$" out &&
	{ cat "$rot"; tail -n 1 ru.card; } >three &&
	expect_code 1 "$HOTLINE" card verify three &&
	{ sed -n 1,8p "$rot"; sed -n 10p "$rot"; sed -n 9p "$rot"; } >swapped &&
	! cmp -s swapped "$rot" &&
	expect_code 1 "$HOTLINE" card verify swapped
'

test_expect_success 'a missing card file is a clear error' '
	expect_code 1 "$HOTLINE" card verify nosuch.card 2>err &&
	grep -q "nosuch.card: No such file" err
'

test_done
