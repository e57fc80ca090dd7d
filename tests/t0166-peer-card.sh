#!/bin/sh
# GET /hotline/v1/card: a confirmed peer gets this party's card as its
# home holds it now, byte for byte; a stranger is refused in the
# handshake.  'hotline link card' has the courier fetch it, pinned, and
# says whether it is the card we hold: a card changed under a running
# daemon shows at once, a peer that is down fails fast, and a link
# whose peer has no endpoint cannot be asked.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge
US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"
"$HOTLINE" init --name eg-cert --home "$TEST_DIR/eg-cert" --endpoint none >/dev/null
URL="https://127.0.0.1:$US_PORT/hotline/v1/card"

# created DIR : the created line of DIR's card.
created() {
	sed -n 's/^created //p' "$1/card"
}

# peer_get ARGS... : curl as ru-cert (its client key and certificate)
# to us-cert's card route; the body in got, the status and type printed.
peer_get() {
	curl -s -k --tlsv1.3 --cert ru-cert/tls.crt --key ru-cert/tls.key \
		-o got -w "%{http_code} %{content_type}\n" "$@"
}

test_expect_success 'hotline link card: us-cert serves the card we hold' '
	start_daemon us-cert && start_daemon ru-cert &&
	hl ru-cert link card us-cert >out &&
	test "$(cat out)" = "us-cert serves the card we hold (created $(created us-cert))"
'

test_expect_success 'with --json: current, the card text, its time and fingerprint' '
	hl ru-cert link card us-cert --json >out.json &&
	jq -e ".link == \"us-cert\" and .current == true" out.json >/dev/null &&
	jq -j .card out.json >card.json && cmp card.json us-cert/card &&
	test "$(jq -r .created out.json)" = "$(date -u -d "$(created us-cert)" +%s)" &&
	curl -s --unix-socket ru-cert/hotlined.sock -o body -w "%{http_code}" \
		"http://hotlined/v1/link/card?name=us-cert" >code &&
	test "$(cat code)" = 200 &&
	perl "$SRC_DIR/tests/openapi-check.pl" "$SRC_DIR/docs/openapi.json" \
		answer GET /v1/link/card 200 body &&
	test "$(jq -r .fingerprint out.json)" = "$("$HOTLINE" fingerprint us-cert/card | cut -c1-35)"
'

test_expect_success 'a confirmed peer gets the exact card bytes, text/x.hotline.card' '
	test "$(peer_get "$URL")" = "200 text/x.hotline.card" &&
	cmp got us-cert/card
'

test_expect_success 'without a client certificate the handshake is refused' '
	rm -f got &&
	if curl -s -k --tlsv1.3 -o got -w "%{http_code}" "$URL" >code 2>err; then false; fi &&
	test "$(cat code)" = 000 && test ! -s got &&
	grep -q "TLS handshake failed or abandoned (no client certificate?)" us-cert.log
'

test_expect_success 'a POST is 405 and a GET with a body 400, as on the other routes' '
	test "$(peer_get -X POST --data-binary x "$URL")" = "405 text/plain; charset=utf-8" &&
	test "$(cat got)" = "wrong method" &&
	test "$(peer_get -X GET --data-binary x "$URL")" = "400 text/plain; charset=utf-8" &&
	test "$(cat got)" = "no body expected"
'

test_expect_success 'us-cert'"'"'s card file replaced while it runs: another card, exit 1' '
	T0=$(created us-cert) &&
	"$TOOLS/hl-forge" recard --home us-cert new.card &&
	"$HOTLINE" card verify new.card >/dev/null &&
	! cmp -s new.card us-cert/card &&
	cp new.card us-cert/card &&
	expect_code 1 hl ru-cert link card us-cert >out &&
	test "$(cat out)" = "us-cert serves a card other than the one we hold (created $(created us-cert))" &&
	test "$(created us-cert)" != "$T0" &&
	expect_code 1 hl ru-cert link card us-cert --json >out.json &&
	jq -e ".current == false" out.json >/dev/null &&
	peer_get "$URL" >/dev/null && cmp got new.card
'

test_expect_success 'a link whose peer has no endpoint cannot be asked' '
	hl ru-cert link add eg-cert --card eg-cert/card >/dev/null &&
	hl ru-cert link confirm eg-cert --fingerprint \
		"$("$HOTLINE" fingerprint eg-cert/card | cut -c1-35)" >/dev/null &&
	expect_code 1 hl ru-cert link card eg-cert >out &&
	grep -q "eg-cert has no endpoint: its card cannot be fetched" ru-cert.err &&
	test ! -s out
'

test_expect_success 'an unknown link: refused' '
	expect_code 1 hl ru-cert link card nobody >out &&
	grep -q "nobody" ru-cert.err
'

test_expect_success 'us-cert with another TLS key: the pin mismatch, said' '
	stop_daemon us-cert &&
	cp us-cert/tls.key us-cert/tls.key.own && cp us-cert/tls.crt us-cert/tls.crt.own &&
	cp eg-cert/tls.key us-cert/tls.key && cp eg-cert/tls.crt us-cert/tls.crt &&
	start_daemon us-cert &&
	expect_code 1 hl ru-cert link card us-cert >out &&
	stop_daemon us-cert &&
	mv us-cert/tls.key.own us-cert/tls.key && mv us-cert/tls.crt.own us-cert/tls.crt &&
	grep -qx "hotline: us-cert: TLS KEY PIN MISMATCH: the peer at https://127.0.0.1:$US_PORT does not present the key its card pins (sha256//$(sed -n "s/^tls //p" us-cert/card))" ru-cert.err &&
	test ! -s out
'

test_expect_success 'us-cert down: fails at once with why, well within the 10 s' '
	t0=$(date +%s) &&
	expect_code 1 hl ru-cert link card us-cert >out &&
	t1=$(date +%s) &&
	test $((t1 - t0)) -le 5 &&
	grep -q "us-cert cannot be reached at https://127.0.0.1:$US_PORT: " ru-cert.err &&
	test ! -s out
'

# A listener on us-cert's port that takes the connection and never says
# a word: the fetch gives up at the courier's connect timeout (5 s, the
# TLS handshake included), inside the 10 s the whole fetch may take.
test_expect_success 'a peer that never answers: given up on within 10 s' '
	perl -MIO::Socket::INET -e "alarm 20; \$s = IO::Socket::INET->new(LocalAddr => q(127.0.0.1),
		LocalPort => \$ARGV[0], Listen => 5, ReuseAddr => 1) or die; \$c = \$s->accept;
		sleep 20" "$US_PORT" &
	mute=$! &&
	sleep 0.5 &&
	t0=$(date +%s) &&
	expect_code 1 hl ru-cert link card us-cert >out &&
	t1=$(date +%s) &&
	kill $mute &&
	test $((t1 - t0)) -le 10 &&
	grep -q "us-cert cannot be reached at https://127.0.0.1:$US_PORT: .*[Tt]imeout\|timed out" ru-cert.err
'

test_expect_success 'ru-cert stops cleanly' '
	stop_daemon ru-cert
'

test_done
