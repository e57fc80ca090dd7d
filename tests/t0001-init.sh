#!/bin/sh
# hotline init: a party's files, their modes, and refusing to overwrite.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'init creates a party with 0600 secrets and a 0700 home' '
	"$HOTLINE" init --name ru-cert --home ru --listen 127.0.0.1:7441 >out &&
	grep -q "Created party ru-cert" out &&
	grep -Eq "Fingerprint: [0-9]{5}( [0-9]{5}){5}" out &&
	test "$(stat -c %a ru)" = 700 &&
	for f in identity.key box.key tls.key; do test "$(stat -c %a ru/$f)" = 600; done &&
	for f in card tls.crt hotline.conf; do test -s ru/$f; done &&
	grep -q "^name = ru-cert$" ru/hotline.conf &&
	grep -q "^endpoint = https://127.0.0.1:7441$" ru/hotline.conf
'

test_expect_success 'init refuses to overwrite a party and changes nothing' '
	sha256sum ru/* >before &&
	expect_code 1 "$HOTLINE" init --name other --home ru 2>err &&
	grep -q "already exists" err &&
	sha256sum ru/* >after && cmp before after
'

test_expect_success 'init rejects bad names, endpoints and listen addresses' '
	expect_code 2 "$HOTLINE" init --name Ru-Cert --home x1 2>err &&
	grep -q "not a valid party name" err &&
	expect_code 2 "$HOTLINE" init --name -ru --home x1 &&
	expect_code 2 "$HOTLINE" init --name "$(printf "a%.0s" $(seq 64))" --home x1 &&
	expect_code 2 "$HOTLINE" init --name ok --endpoint http://x:1 --home x1 2>err &&
	grep -q "endpoint" err &&
	expect_code 2 "$HOTLINE" init --name ok --listen nowhere --home x1 &&
	expect_code 2 "$HOTLINE" init --home x1 &&
	test ! -e x1
'

test_expect_success 'HOTLINE_HOME is used when --home is not given' '
	HOTLINE_HOME="$PWD/envhome" "$HOTLINE" init --name eu-cert --endpoint none >/dev/null &&
	grep -q "^endpoint none$" envhome/card &&
	HOTLINE_HOME="$PWD/envhome" "$HOTLINE" fingerprint >fp &&
	grep -q "eu-cert$" fp
'

test_expect_success 'the card verifies and carries the TLS certificate pin' '
	"$HOTLINE" card verify ru/card >out && grep -q "^card OK" out &&
	pin=$(grep "^tls " ru/card | cut -d" " -f2) &&
	test ${#pin} -eq 44
'

test_expect_success 'no command prints a secret key' '
	seed=$(sed -n 2p ru/identity.key) && box=$(sed -n 2p ru/box.key) &&
	{ "$HOTLINE" --home ru card; "$HOTLINE" --home ru fingerprint;
	  "$HOTLINE" card verify ru/card; "$HOTLINED" --home ru -n; } >all 2>&1 &&
	! grep -qF "$seed" all && ! grep -qF "$box" all &&
	! grep -q "PRIVATE KEY" all
'

test_expect_success 'hotlined -n checks the configuration' '
	"$HOTLINED" --home ru -n 2>err && grep -q "configuration OK" err &&
	"$HOTLINED" -V | grep -q "^hotlined "
'

test_expect_success 'hotlined -n refuses a key file that others can read' '
	chmod 644 ru/identity.key &&
	expect_code 1 "$HOTLINED" --home ru -n 2>err &&
	chmod 600 ru/identity.key &&
	grep -q "identity.key: a secret file is accessible" err
'

test_expect_success 'hotlined -n names the line of a bad configuration' '
	cp ru/hotline.conf conf.bak &&
	echo "colour = red" >>ru/hotline.conf &&
	expect_code 1 "$HOTLINED" --home ru -n 2>err &&
	cp conf.bak ru/hotline.conf &&
	grep -q "hotline.conf:[0-9]*: unknown key" err
'

test_expect_success 'a missing party is reported with the way to make one' '
	expect_code 1 "$HOTLINE" --home nowhere card 2>err &&
	grep -q "hotline init" err &&
	expect_code 1 "$HOTLINED" --home nowhere -n
'

test_expect_success 'a key that does not match the card is refused' '
	"$HOTLINE" init --name us-cert --home us >/dev/null &&
	cp ru/box.key box.bak && cp us/box.key ru/box.key.new &&
	mv ru/box.key.new ru/box.key &&
	expect_code 1 "$HOTLINED" --home ru -n 2>err &&
	cp box.bak ru/box.key && chmod 600 ru/box.key &&
	grep -q "box.key" err
'

test_expect_success 'help describes every command' '
	for c in init card fingerprint envelope help version; do
		"$HOTLINE" help $c >h && grep -q "^NAME" h && grep -q "hotline $c" h || exit 1
	done &&
	expect_code 2 "$HOTLINE" help nosuch &&
	expect_code 2 "$HOTLINE" nosuch 2>err && grep -q "unknown command" err &&
	expect_code 2 "$HOTLINE"
'

test_done
