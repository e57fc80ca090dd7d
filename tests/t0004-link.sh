#!/bin/sh
# Links: adding a peer's card, and confirming it by its fingerprint
# before anything is sent on it.  The link commands ask hotlined:
# ru-cert's runs throughout; us-cert's only for its own link commands,
# so that nothing is delivered between the two.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
new_party ru-cert "$RU_PORT"
new_party us-cert "$US_PORT"
new_party eu-cert "$(free_port)"

test_expect_success 'with hotlined down, link add fails at once and adds nothing' '
	expect_code 1 "$HOTLINE" --home ru-cert link add us-cert --card us-cert/card 2>err &&
	grep -q "^hotline: hotlined is not running for .*ru-cert: nothing was done" err &&
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert link list >out &&
	test $(wc -l <out) -eq 1
'

test_expect_success 'a link is added under the name on the card' '
	"$HOTLINE" --home ru-cert link add us-cert --card us-cert/card >out &&
	grep -q "^Added link us-cert (unconfirmed)$" out &&
	grep -qx "Fingerprint: $(fp_digits us-cert/card)" out &&
	grep -q "hotline link confirm us-cert" out
'

test_expect_success 'a name that is not the one on the card is refused' '
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card us-cert/card 2>err &&
	grep -q "the card is us-cert.s, not eu-cert.s" err &&
	expect_code 1 "$HOTLINE" --home ru-cert link show eu-cert 2>err &&
	grep -q "no such link" err
'

test_expect_success 'this party cannot link to its own card' '
	expect_code 1 "$HOTLINE" --home ru-cert link add ru-cert --card ru-cert/card 2>err &&
	grep -q "own card" err &&
	expect_code 1 "$HOTLINE" --home ru-cert link show ru-cert
'

test_expect_success 'a damaged card is refused' '
	flip_byte eu-cert/card 30 bad.card &&
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card bad.card 2>err &&
	grep -q "not a valid card" err &&
	: >empty.card &&
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card empty.card 2>err &&
	grep -q "not a valid card" err &&
	expect_code 1 "$HOTLINE" --home ru-cert link add eu-cert --card nosuch 2>err &&
	grep -q "nosuch: No such file" err &&
	expect_code 1 "$HOTLINE" --home ru-cert link show eu-cert
'

test_expect_success 'a second link to the same party is refused' '
	"$HOTLINE" --home ru-cert link show us-cert >before &&
	expect_code 1 "$HOTLINE" --home ru-cert link add us-cert --card us-cert/card 2>err &&
	grep -q "already exists" err &&
	"$HOTLINE" --home ru-cert link show us-cert >after &&
	cmp before after
'

test_expect_success 'link add checks its arguments' '
	expect_code 2 "$HOTLINE" --home ru-cert link add us-cert &&
	expect_code 2 "$HOTLINE" --home ru-cert link add --card eu-cert/card &&
	expect_code 2 "$HOTLINE" --home ru-cert link add eu-cert --card eu-cert/card \
		--endpoint http://x 2>err &&
	grep -q "endpoint" err &&
	expect_code 2 "$HOTLINE" --home ru-cert link frobnicate
'

test_expect_success 'list shows the new link as UNCONFIRMED' '
	"$HOTLINE" --home ru-cert link list >out &&
	head -n 1 out | grep -q "^LINK  *STATE  *SENT  *RECEIPTED  *RECEIVED  *ENDPOINT" &&
	grep -Eq "^us-cert +UNCONFIRMED +0 +0 +0 +https://127.0.0.1:$US_PORT$" out &&
	test $(wc -l <out) -eq 2
'

test_expect_success 'nothing is sent on an unconfirmed link' '
	only_daemon ru-cert &&
	expect_code 1 "$HOTLINE" --home ru-cert send --to us-cert "too early" 2>err &&
	grep -q "not confirmed" err &&
	test "$(show_field ru-cert us-cert sent)" = "0 0" &&
	expect_code 1 "$HOTLINE" --home ru-cert batch export --link us-cert --out b 2>err &&
	grep -q "not confirmed" err && test ! -e b
'

test_expect_success 'a wrong fingerprint is refused and the link stays unconfirmed' '
	fp=$(fp_digits us-cert/card) &&
	wrong=$(fp_digits eu-cert/card) &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint "$wrong" 2>err &&
	grep -q "does not match" err && grep -q "stays unconfirmed" err &&
	last=${fp#"${fp%?}"} && short=${fp%?} &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint "$short" &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert \
		--fingerprint "${short}$(( (last + 1) % 10 ))" &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint "${fp}0" &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint "x$fp" &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert --fingerprint "" &&
	expect_code 1 "$HOTLINE" --home ru-cert link confirm us-cert </dev/null 2>err &&
	grep -q -- "--fingerprint" err &&
	"$HOTLINE" --home ru-cert link list | grep -q "^us-cert  *UNCONFIRMED" &&
	"$HOTLINE" --home ru-cert link show us-cert | grep -q "^state: *UNCONFIRMED"
'

test_expect_success 'confirm of an unknown link is refused' '
	expect_code 1 "$HOTLINE" --home ru-cert link confirm eu-cert \
		--fingerprint "$(fp_digits eu-cert/card)" 2>err &&
	grep -q "no such link" err
'

test_expect_success 'the right fingerprint confirms the link, spaces or not' '
	"$HOTLINE" --home ru-cert link confirm us-cert \
		--fingerprint "$(fp_digits us-cert/card)" >out &&
	grep -q "^Link us-cert confirmed (fingerprint $(fp_digits us-cert/card))$" out &&
	"$HOTLINE" --home ru-cert link list | grep -Eq "^us-cert +confirmed +0" &&
	with_daemons us-cert &&
	"$HOTLINE" --home us-cert link add ru-cert --card ru-cert/card >/dev/null &&
	"$HOTLINE" --home us-cert link confirm ru-cert \
		--fingerprint "$(fp_digits ru-cert/card | tr -d " ")" >out &&
	grep -q "^Link ru-cert confirmed" out &&
	"$HOTLINE" --home us-cert link show ru-cert | grep -q "^state: *confirmed 20" &&
	end_daemons
'

test_expect_success 'show prints the fingerprint and the link ID both sides share' '
	"$HOTLINE" --home ru-cert link show us-cert >ru.show &&
	hl_up us-cert link show ru-cert >us.show &&
	grep -qx "link: *us-cert" ru.show &&
	grep -qx "fingerprint: $(fp_digits us-cert/card)" ru.show &&
	grep -qx "fingerprint: $(fp_digits ru-cert/card)" us.show &&
	grep -qx "endpoint: *https://127.0.0.1:$US_PORT" ru.show &&
	grep -Eq "^link ID: +[0-9a-f]{64}$" ru.show &&
	test "$(grep "^link ID" ru.show)" = "$(grep "^link ID" us.show)" &&
	grep -qx "sent: *0, receipted up to 0" ru.show &&
	grep -qx "received: *0, receipted up to 0" ru.show &&
	! grep -q EVIDENCE ru.show
'

test_expect_success 'the link ID is the one in the envelopes and checkpoints' '
	send_msg ru-cert us-cert "first" &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out b 2>/dev/null &&
	id=$(sed -n "s/^link ID: *//p" ru.show) &&
	grep -aq "^hotline.log/v1/$id/ru-cert$" b &&
	b64=$(grep -a "^link " b | head -n 1 | cut -d" " -f2) &&
	test "$(printf %s "$b64" | base64 -d | od -An -tx1 | tr -d " \n")" = "$id"
'

test_expect_success 'sending works once confirmed, and list counts it' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert "second" >out &&
	grep -q "^sent to us-cert as us-cert/out/2 (routine, notify)" out &&
	"$HOTLINE" --home ru-cert link list | grep -Eq "^us-cert +confirmed +2 +0 +0 "
'

test_expect_success 'a link may override the endpoint on the card' '
	"$HOTLINE" --home ru-cert link add eu-cert --card eu-cert/card \
		--endpoint https://eu.example:9443 >/dev/null &&
	"$HOTLINE" --home ru-cert link show eu-cert | grep -qx "endpoint: *https://eu.example:9443" &&
	"$HOTLINE" --home ru-cert link list >out &&
	test "$(cut -d" " -f1 out | tail -n +2 | tr "\n" " ")" = "eu-cert us-cert "
'

test_expect_success 'a second confirmation keeps the first one'"'"'s time' '
	"$HOTLINE" --home ru-cert link show us-cert --json >before &&
	sleep 1 &&
	"$HOTLINE" --home ru-cert link confirm us-cert \
		--fingerprint "$(fp_digits us-cert/card)" >/dev/null &&
	"$HOTLINE" --home ru-cert link show us-cert --json >after &&
	cmp before after
'

test_expect_success 'hotlined stops cleanly' '
	stop_daemon ru-cert
'

test_done
