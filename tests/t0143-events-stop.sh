#!/bin/sh
# hotlined stops at once with event streams open: SIGTERM ends every
# stream (the readers see the end) and the daemon exits in well under a
# second, not when the streams time out.
. "$(dirname "$0")/test-lib.sh"

PORT=$(free_port)
new_party ke-cert "$PORT"
SOCK="$TEST_DIR/ke-cert/hotlined.sock"
trap 'kill $(cat "$TEST_DIR"/*.w 2>/dev/null) 2>/dev/null; kill_daemons; cleanup' EXIT

# open_streams N : N raw streams (curl) and one hotline watch, open.
open_streams() {
	for i in $(seq "$1"); do
		curl -sN --unix-socket "$SOCK" http://hotlined/v1/events >"s$i" &
		echo $! >"s$i.w"
	done
	"$HOTLINE" --home ke-cert watch >watch 2>watch.err &
	echo $! >watch.w
	for i in $(seq "$1"); do
		wait_for 10 grep -q "^: hotline events" "s$i" || return 1
	done
	wait_for 10 grep -q watching watch.err
}

# stop_timed NAME : SIGTERM, then prints how many ms until it exited.
stop_timed() {
	t0=$(date +%s%N)
	kill -TERM "$(cat "$TEST_DIR/$1.pid")"
	while ! [ -f "$TEST_DIR/$1.rc" ]; do
		sleep 0.01
		[ $(( $(date +%s%N) - t0 )) -lt 10000000000 ] || break
	done
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
}

test_expect_success 'SIGTERM with four streams open: hotlined exits in under a second' '
	start_daemon ke-cert &&
	open_streams 3 &&
	ms=$(stop_timed ke-cert) &&
	echo "# stopped in $ms ms with 4 streams open" &&
	test "$ms" -lt 1000 &&
	test "$(cat ke-cert.rc)" = 0 &&
	tail -n 1 ke-cert.log | grep -q "stopped$" &&
	rm -f ke-cert.pid
'

test_expect_success 'the raw streams ended with it' '
	for i in 1 2 3; do
		wait_for 5 sh -c "! kill -0 $(cat s$i.w) 2>/dev/null" || return 1
	done
'

test_expect_success 'watch saw the end, and waits for hotlined to come back' '
	wait_for 5 grep -q "the stream of changes ended" watch.err &&
	kill -0 $(cat watch.w)
'

test_expect_success 'a stream that a client left is freed: stopping stays prompt' '
	start_daemon ke-cert &&
	wait_for 10 grep -q "changes were missed" watch &&
	curl -sN -m 1 --unix-socket "$SOCK" http://hotlined/v1/events >gone || :
	ms=$(stop_timed ke-cert) &&
	echo "# stopped in $ms ms" &&
	test "$ms" -lt 1000 &&
	rm -f ke-cert.pid
'

test_done
