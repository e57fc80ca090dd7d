#!/bin/sh
# Strangers cannot exhaust the server: a few hundred slow connections
# from several addresses (bare TCP that says nothing, a TLS record
# header trickled a byte a second, a TLS handshake without a
# certificate and then an HTTP request trickled a byte a second) hold
# us-cert's peer server while ru-cert's daemon sends a message: it is
# still receipted within a second.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-wire
US_PORT=$(free_port)
linked_pair ru-cert "$(free_port)" us-cert "$US_PORT"

FROM=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7

# push FILE : POSTs FILE to us-cert as ru-cert, as its courier would;
# prints the HTTP status and curl's time for the whole exchange (TLS
# handshake included) in milliseconds.
push() {
	curl -sk -m 10 -o resp -w "%{http_code} %{time_total}" \
		--cert ru-cert/tls.crt --key ru-cert/tls.key \
		-H "Content-Type: application/x.hotline.push" --data-binary "@$1" \
		"https://127.0.0.1:$US_PORT/hotline/v1/push" |
	awk '{ printf "%s %d\n", $1, $2 * 1000 }'
}

# in_time FILE : the push is receipted (200), within a second.
in_time() {
	got=$(push "$1") &&
	echo "$1: HTTP ${got% *} in ${got#* } ms" | tee -a times &&
	test "${got% *}" = 200 &&
	test "${got#* }" -lt 1000
}

test_expect_success 'ru-cert has three pushes ready, carried by its own hand' '
	start_daemon ru-cert &&
	for i in 1 2 3; do
		"$HOTLINE" --home ru-cert send --to us-cert --lang en "message $i" >/dev/null &&
		"$HOTLINE" --home ru-cert batch export --link us-cert --out $i.batch 2>/dev/null ||
		exit 1
	done &&
	stop_daemon ru-cert &&
	start_daemon us-cert &&
	in_time 1.batch
'

test_expect_success '300 trickling strangers from 6 addresses' '
	"$TOOLS/hl-wire" trickle --port "$US_PORT" --from "$FROM" --count 300 \
		--seconds 12 >trickle.out 2>&1 &
	echo $! >trickle.job &&
	sleep 4 &&
	kill -0 "$(cat trickle.job)"
'

test_expect_success 'meanwhile the peer'"'"'s pushes are receipted within a second' '
	in_time 2.batch &&
	sleep 2 &&
	in_time 3.batch &&
	test "$(show_field us-cert ru-cert received)" = "3 3"
'

test_expect_success 'and its daemon delivers too' '
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --lang en "by the courier" >/dev/null &&
	wait_for 10 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"4 4\""
'

test_expect_success 'the strangers were held off, and said so in the log' '
	while kill -0 "$(cat trickle.job)" 2>/dev/null; do sleep 0.5; done &&
	cat trickle.out &&
	grep -q "^opened [0-9]* closed-by-server [1-9][0-9]* " trickle.out &&
	grep -q "peer 127.0.0.[2-7]: TLS handshake" us-cert.log &&
	echo "$(grep -c "peer 127.0.0.[2-7]" us-cert.log) lines about strangers in the log" &&
	# At most five refusals a second one by one, then a count: some
	# fifteen thousand connections make well under two hundred lines.
	test "$(grep -c "peer 127.0.0.[2-7]\|peer server:\|peer connections:" us-cert.log)" -lt 200
'

test_expect_success 'both stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
