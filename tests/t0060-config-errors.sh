#!/bin/sh
# Configuration errors name the culprit: an unknown key with the valid
# key nearest to it, a link.NAME key for a link the store lacks (refused
# by hotlined -n and by the CLI where it opens the store; hotlined
# itself starts with a warning, so that 'link add' can make the link),
# fatal errors logged as errors, an init that would sign an unreachable
# endpoint into the card, and a --lang without a catalogue.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
new_party ru-cert "$RU_PORT"
new_party us-cert "$US_PORT"
cp "$TEST_DIR/ru-cert/hotline.conf" "$TEST_DIR/conf.orig"

# with_conf LINES : ru-cert's hotline.conf as made by init, plus LINES.
with_conf() {
	{ cat conf.orig; printf '%s\n' "$@"; } >ru-cert/hotline.conf
}

test_expect_success 'an unknown key is named with the nearest valid one' '
	with_conf "ack.flsh = 5m" &&
	line=$(wc -l <ru-cert/hotline.conf) &&
	expect_code 1 "$HOTLINED" --home ru-cert -n 2>err &&
	cat err &&
	grep -q "hotlined: error: .*/hotline.conf:$line: unknown key '"'"'ack.flsh'"'"' (did you mean '"'"'ack.flash'"'"'?)$" err &&
	! grep -q "warning" err &&
	expect_code 1 "$HOTLINE" --home ru-cert card 2>err &&
	grep -q "^hotline: .*/hotline.conf:$line: unknown key '"'"'ack.flsh'"'"' (did you mean '"'"'ack.flash'"'"'?)$" err
'

test_expect_success 'a link key is guessed with its link name kept' '
	with_conf "link.us-cert.receipt.imediate = 5m" &&
	expect_code 1 "$HOTLINED" --home ru-cert -n 2>err &&
	grep -q "(did you mean '"'"'link.us-cert.receipt.immediate'"'"'?)" err
'

test_expect_success 'a key far from every valid one gets no guess' '
	with_conf "colour = red" &&
	expect_code 1 "$HOTLINED" --home ru-cert -n 2>err &&
	grep -q "unknown key '"'"'colour'"'"'$" err
'

test_expect_success 'hotlined -n refuses settings for a link that does not exist' '
	with_conf "link.us-cert.ack.flash = 5m" &&
	line=$(wc -l <ru-cert/hotline.conf) &&
	expect_code 1 "$HOTLINED" --home ru-cert -n 2>err &&
	cat err &&
	grep -q "error: .*/hotline.conf:$line: link.us-cert: no link to us-cert; add it" err
'

test_expect_success 'so does the CLI where it opens the store' '
	expect_code 1 "$HOTLINE" --home ru-cert log verify 2>err &&
	grep -q "^hotline: .*hotline.conf:[0-9]*: link.us-cert: no link to us-cert" err
'

test_expect_success 'hotlined starts with a warning, and link add makes the link' '
	line=$(wc -l <ru-cert/hotline.conf) &&
	start_daemon ru-cert &&
	grep -q "warning: .*hotline.conf:$line: link.us-cert: no link to us-cert; add it" \
		ru-cert.log &&
	"$HOTLINE" --home ru-cert link add us-cert --card us-cert/card >/dev/null &&
	stop_daemon ru-cert &&
	"$HOTLINED" --home ru-cert -n 2>err &&
	grep -qx "configuration OK" err &&
	"$HOTLINE" --home ru-cert log verify >/dev/null
'

test_expect_success 'a misspelt link name is guessed among the links' '
	with_conf "link.us-cret.ack.flash = 5m" &&
	expect_code 1 "$HOTLINED" --home ru-cert -n 2>err &&
	grep -q "link.us-cret: no link to us-cret (did you mean '"'"'link.us-cert'"'"'?)" err &&
	cp conf.orig ru-cert/hotline.conf
'

test_expect_success 'init refuses to sign a wildcard listen address as the endpoint' '
	expect_code 2 "$HOTLINE" init --name eu-cert --home eu --listen 0.0.0.0:7443 2>err &&
	grep -q "^hotline: --listen 0.0.0.0:7443: no peer can reach that address; pass --endpoint https://HOST:7443" err &&
	test ! -e eu &&
	expect_code 2 "$HOTLINE" init --name eu-cert --home eu --listen "[::]:7444" 2>err &&
	grep -q "pass --endpoint https://HOST:7444" err &&
	test ! -e eu &&
	"$HOTLINE" init --name eu-cert --home eu --listen 0.0.0.0:7443 \
		--endpoint https://hotline.eu-cert.example:7443 >/dev/null &&
	grep -qx "endpoint https://hotline.eu-cert.example:7443" eu/card &&
	"$HOTLINE" init --name eu2 --home eu2 --listen 0.0.0.0:7443 --endpoint none >/dev/null
'

test_expect_success 'a --lang without a catalogue says so once, then speaks English' '
	expect_code 2 "$HOTLINE" --lang xx help nosuch 2>err &&
	cat err &&
	test "$(grep -c "no messages in that language" err)" = 1 &&
	grep -qx "hotline: --lang xx: no messages in that language; using English" err &&
	grep -qx "hotline: no such command: nosuch" err &&
	"$HOTLINE" --lang fr-CA help >out 2>err &&
	test ! -s err
'

test_done
