#!/bin/sh
# At most 16 event streams are open at once: one more is refused with
# 503 and a JSON error that says why; a stream its client left frees
# its place within a second or two.
. "$(dirname "$0")/test-lib.sh"

PORT=$(free_port)
new_party cl-cert "$PORT"
SOCK="$TEST_DIR/cl-cert/hotlined.sock"
trap 'kill $(cat "$TEST_DIR"/*.w 2>/dev/null) 2>/dev/null; kill_daemons; cleanup' EXIT
start_daemon cl-cert

# get_events : one request for the stream, cut after a second; the
# status in code, the body in reply.
get_events() {
	curl -s -m 1 --unix-socket "$SOCK" -o reply -w "%{http_code}" \
		http://hotlined/v1/events >code || :
}

test_expect_success 'sixteen streams open' '
	for i in $(seq 16); do
		curl -sN --unix-socket "$SOCK" http://hotlined/v1/events >"s$i" &
		echo $! >"s$i.w"
	done &&
	for i in $(seq 16); do
		wait_for 10 grep -q "^: hotline events" "s$i" || return 1
	done
'

test_expect_success 'the seventeenth is refused: 503, with a JSON error' '
	get_events &&
	test "$(cat code)" = 503 &&
	perl -MJSON::PP -e "local \$/; my \$j = JSON::PP->new->decode(<STDIN>);
		exit !(\$j->{status} == 503 && \$j->{error} =~ /too many event streams/)" <reply
'

test_expect_success 'hotline watch says so and exits 1' '
	expect_code 1 "$HOTLINE" --home cl-cert watch >out 2>err &&
	grep -q "too many event streams are open (16)" err
'

test_expect_success 'a stream whose client left frees its place' '
	kill $(cat s1.w) && rm s1.w &&
	wait_for 10 sh -c "curl -s -m 1 --unix-socket \"$SOCK\" -o /dev/null \
		-w %{http_code} http://hotlined/v1/events | grep -qx 200"
'

test_expect_success 'a quiet stream gets a heartbeat comment within 15 s' '
	wait_for 20 grep -qx ": heartbeat" s2
'

test_expect_success 'the other requests are still served, and hotlined stops at once' '
	curl -s --unix-socket "$SOCK" -o /dev/null -w "%{http_code}" \
		http://hotlined/v1/status | grep -qx 200 &&
	stop_daemon cl-cert
'

test_done
