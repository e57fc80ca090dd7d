#!/bin/sh
# Live changes as server-sent events: a FLASH sent by the peer shows at
# once, as do the receipt of our message and the peer's acknowledgment;
# hotline watch prints them in the operator's words or as JSON.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
SOCK="$TEST_DIR/us-cert/hotlined.sock"

start_daemon ru-cert
start_daemon us-cert

# watching NAME FILE [ARGS] : hotline watch for NAME into FILE, its pid in
# FILE.w (not .pid: those are the daemons'); returns once it is open.
watching() {
	"$HOTLINE" --home "$TEST_DIR/$1" watch ${3:-} >"$2" 2>"$2.err" &
	echo $! >"$2.w"
	wait_for 10 grep -q "watching" "$2.err"
}
trap 'kill $(cat "$TEST_DIR"/*.w 2>/dev/null) 2>/dev/null; kill_daemons; cleanup' EXIT

test_expect_success 'a FLASH sent by the peer shows within one second' '
	watching us-cert watch.json --json &&
	watching us-cert watch.txt &&
	# The first push opens the TLS connection; the FLASH finds it open.
	"$HOTLINE" --home ru-cert send --to us-cert --lang en "good morning" >/dev/null 2>&1 &&
	wait_for 10 grep -q "\"message\":\"ru-cert/1\"" watch.json &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: grid attack" >/dev/null 2>&1 &&
	t0=$(date +%s%N) &&
	until grep -q "\"message\":\"ru-cert/2\"" watch.json; do
		test $(( $(date +%s%N) - t0 )) -lt 5000000000 || { cat watch.json.err; exit 1; }
		sleep 0.02
	done &&
	ms=$(( ($(date +%s%N) - t0) / 1000000 )) &&
	echo "# arrived as an event after $ms ms" &&
	test "$ms" -lt 1000 &&
	grep "\"event\":\"message\"" watch.json | grep "\"message\":\"ru-cert/2\"" |
		grep "\"precedence\":\"flash\"" | grep "\"kind\":\"notify\"" |
		grep -q "\"link\":\"ru-cert\"" &&
	wait_for 5 grep -q "ru-cert/2 arrived: flash notify" watch.txt
'

test_expect_success 'each JSON line has an id, the event and its data; ids increase' '
	perl -MJSON::PP -ne "my \$j = JSON::PP->new->decode(\$_);
		die unless \$j->{id} > \$last && \$j->{event} && ref \$j->{data} eq q(HASH) &&
			\$j->{data}{time} > 0;
		\$last = \$j->{id}" watch.json
'

test_expect_success 'our message, its receipt and the peer acknowledgment show' '
	curl -s --unix-socket "$SOCK" -H "Content-Type: application/json" \
		--data-binary "{\"to\":\"ru-cert\",\"text\":\"hello\",\"precedence\":\"flash\"}" \
		http://hotlined/v1/send >reply &&
	wait_for 10 grep -q "\"event\":\"sent\"" watch.json &&
	grep "\"event\":\"sent\"" watch.json | grep -q "\"message\":\"ru-cert/out/1\"" &&
	wait_for 10 grep -q "\"event\":\"receipt\"" watch.json &&
	grep "\"event\":\"receipt\"" watch.json | grep "\"link\":\"ru-cert\"" |
		grep -q "\"size\":1" &&
	hl ru-cert ack us-cert/1 "seen" >/dev/null &&
	wait_for 10 grep -q "\"event\":\"ack\"" watch.json &&
	grep "\"event\":\"ack\"" watch.json | grep "\"side\":\"received\"" |
		grep -q "\"message\":\"ru-cert/3\"" &&
	wait_for 5 grep -q "ru-cert/3: the peer.s acknowledgment arrived (flash)" watch.txt &&
	grep -q "ru-cert receipted our messages up to 1" watch.txt &&
	grep -q "ru-cert/out/1 sent: flash notify" watch.txt
'

test_expect_success 'the sender sees the receipt of its FLASH too' '
	watching ru-cert ru.json --json &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"second" >/dev/null 2>&1 &&
	wait_for 10 grep -q "\"event\":\"receipt\"" ru.json &&
	grep "\"event\":\"receipt\"" ru.json | grep -q "\"size\":4"
'

test_expect_success 'watch refuses arguments it does not know' '
	expect_code 2 "$HOTLINE" --home us-cert watch --bogus 2>err &&
	grep -q "usage: hotline watch" err &&
	expect_code 2 "$HOTLINE" --home us-cert watch extra 2>err
'

test_expect_success 'GET /v1/events refuses a bad after and an unknown argument' '
	code=$(curl -s --unix-socket "$SOCK" -o reply -w "%{http_code}" \
		"http://hotlined/v1/events?after=x") && test "$code" = 400 &&
	grep -q "after: not a whole number" reply &&
	code=$(curl -s --unix-socket "$SOCK" -o reply -w "%{http_code}" \
		"http://hotlined/v1/events?since=1") && test "$code" = 400 &&
	grep -q "since: no such argument" reply
'

test_expect_success 'the streams are text/event-stream with a retry' '
	curl -s -m 1 -D head --unix-socket "$SOCK" http://hotlined/v1/events >body || :
	grep -qi "^content-type: text/event-stream" head &&
	grep -qx "retry: 3000" body
'

test_expect_success 'watch ends when killed, and both daemons stop cleanly' '
	kill $(cat watch.json.w watch.txt.w ru.json.w) &&
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
