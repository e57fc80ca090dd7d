#!/bin/sh
# The proof of one audit entry: exported through hotlined, checked
# offline with the party's card alone (no daemon, no home); one byte
# changed anywhere, or another party's card, and it does not hold.
. "$(dirname "$0")/test-lib.sh"

PORT=$(free_port)
new_party eg-cert "$PORT"
new_party ru-cert "$(free_port)"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"

refuse() {
	for i in $(seq "$1"); do
		curl -s --unix-socket "$SOCK" -o /dev/null -H 'Content-Type: application/json' \
			--data-binary "{\"to\":\"nobody\",\"text\":\"$i\"}" http://hotlined/v1/send
	done
}

test_expect_success 'a proof of entry 3 of 7 is exported' '
	start_daemon eg-cert && refuse 7 &&
	hl eg-cert audit proof 3 -o p3 &&
	head -n 1 p3 | grep -qx "hotline.audit-proof/v1" &&
	grep -qx "seq 3" p3 && grep -qx "hotline.audit/v1/eg-cert" p3 &&
	hl eg-cert audit proof 7 >p7 && grep -qx "index 6" p7
'

test_expect_success 'an entry past the trail, or no number, is refused' '
	expect_code 1 hl eg-cert audit proof 99 &&
	grep -q "no audit entry 99" "$TEST_DIR/eg-cert.err" &&
	expect_code 2 hl eg-cert audit proof &&
	expect_code 2 hl eg-cert audit proof x
'

test_expect_success 'it holds offline with the card, hotlined stopped' '
	stop_daemon eg-cert &&
	"$HOTLINE" audit check-proof p3 --card "$TEST_DIR/eg-cert/card" >out &&
	head -n 1 out | grep -qx "audit proof OK" &&
	grep -q "^entry: *3 of eg-cert.s audit trail of 7" out &&
	grep -q "^action: */v1/send, status 404" out &&
	"$HOTLINE" audit check-proof p7 --card "$TEST_DIR/eg-cert/card" >out
'

test_expect_success 'one byte changed anywhere and it does not hold' '
	n=$(file_size p3) && i=0 &&
	for off in 30 60 100 150 $((n - 120)) $((n - 60)) $((n - 10)); do
		flip_byte p3 $off bad &&
		expect_code 1 "$HOTLINE" audit check-proof bad --card "$TEST_DIR/eg-cert/card" \
			2>err || { echo "held with byte $off changed"; return 1; }
		i=$((i + 1))
	done &&
	test $i = 7
'

test_expect_success 'another party'"'"'s card does not hold it' '
	expect_code 1 "$HOTLINE" audit check-proof p3 --card "$TEST_DIR/ru-cert/card" 2>err &&
	grep -q "does not hold" err
'

test_expect_success 'an entry moved to another index does not hold' '
	sed "s/^index 2$/index 3/" p3 >moved &&
	expect_code 1 "$HOTLINE" audit check-proof moved --card "$TEST_DIR/eg-cert/card"
'

test_expect_success 'check-proof needs a card and a file' '
	expect_code 2 "$HOTLINE" audit check-proof p3 &&
	expect_code 2 "$HOTLINE" audit check-proof --card "$TEST_DIR/eg-cert/card"
'

test_done
