#!/bin/sh
# A reader of GET /v1/events that reconnects with Last-Event-ID (or
# ?after=) gets the events it missed, exactly once; one whose id the
# daemon no longer holds (an earlier run's) is told it missed events.
. "$(dirname "$0")/test-lib.sh"

EG_PORT=$(free_port)
FR_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" fr-cert "$FR_PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"
# fr-cert's hotlined never runs: eg-cert's messages stay unreceipted,
# and the only events are eg-cert's own.
start_daemon eg-cert

# stream FILE QUERY [CURL ARGS] : reads the event stream (with QUERY,
# "" for none) into FILE in the background (pid in FILE.w), until
# killed; returns once it is open.
stream() {
	st_out=$1
	st_query=$2
	shift 2
	curl -sN --unix-socket "$SOCK" "$@" "http://hotlined/v1/events$st_query" >"$st_out" &
	echo $! >"$st_out.w"
	wait_for 10 grep -q "^: hotline events" "$st_out"
}
trap 'kill $(cat "$TEST_DIR"/*.w 2>/dev/null) 2>/dev/null; kill_daemons; cleanup' EXIT

# send TEXT : eg-cert sends TEXT to fr-cert through the API.
send() {
	curl -s --unix-socket "$SOCK" -H "Content-Type: application/json" \
		--data-binary "{\"to\":\"fr-cert\",\"text\":\"$1\"}" http://hotlined/v1/send >/dev/null
}

# ids FILE : the ids of FILE's events, one a line.
ids() {
	sed -n "s/^id: //p" "$1"
}

# sent FILE : the messages of FILE's "sent" events, in order, on one line.
sent() {
	grep "^data: " "$1" | sed -n "s/.*\"message\":\"\([^\"]*\)\".*/\1/p" | tr "\n" " "
}

test_expect_success 'a stream gets each message committed as an event' '
	stream first "" &&
	send one && send two &&
	wait_for 10 test "$(ids first | wc -l)" -eq 2 &&
	test "$(sent first)" = "fr-cert/out/1 fr-cert/out/2 " &&
	kill $(cat first.w) && rm first.w
'

test_expect_success 'resuming with Last-Event-ID gets what was missed, exactly once' '
	last=$(ids first | tail -n 1) &&
	send three && send four &&
	stream again "" -H "Last-Event-ID: $last" &&
	wait_for 10 test "$(ids again | wc -l)" -eq 2 &&
	send five &&
	wait_for 10 test "$(ids again | wc -l)" -eq 3 &&
	sleep 0.5 &&
	test "$(sent again)" = "fr-cert/out/3 fr-cert/out/4 fr-cert/out/5 " &&
	test "$(ids again | sort -u | wc -l)" -eq 3 &&
	test "$(ids again | head -n 1)" -gt "$last" &&
	! grep -q "^event: missed" again &&
	kill $(cat again.w) && rm again.w
'

test_expect_success '?after= resumes the same way' '
	after=$(ids first | head -n 1) &&
	stream query "?after=$after" &&
	wait_for 10 test "$(ids query | wc -l)" -eq 4 &&
	test "$(sent query)" = "fr-cert/out/2 fr-cert/out/3 fr-cert/out/4 fr-cert/out/5 " &&
	kill $(cat query.w) && rm query.w
'

test_expect_success 'an id of an earlier run is told: missed, with where to resume' '
	last=$(ids again | tail -n 1) &&
	stop_daemon eg-cert && start_daemon eg-cert &&
	stream lost "" -H "Last-Event-ID: $last" &&
	wait_for 10 grep -q "^event: missed" lost &&
	grep "^data: " lost | grep -q "\"after\":$last" &&
	resume=$(ids lost) && test "$resume" -gt "$last" &&
	send six &&
	wait_for 10 test "$(ids lost | wc -l)" -eq 2 &&
	test "$(sent lost)" = "fr-cert/out/6 " &&
	kill $(cat lost.w) && rm lost.w
'

test_expect_success 'an id that is none of the daemon is told: missed' '
	stream bogus "" -H "Last-Event-ID: not-a-number" &&
	wait_for 10 grep -q "^event: missed" bogus &&
	kill $(cat bogus.w) && rm bogus.w
'

test_expect_success 'watch reconnects after a restart and says what it missed' '
	"$HOTLINE" --home eg-cert watch >watch 2>watch.err &
	echo $! >watch.w &&
	wait_for 10 grep -q "watching" watch.err &&
	send seven &&
	wait_for 10 grep -q "fr-cert/out/7 sent" watch &&
	stop_daemon eg-cert &&
	wait_for 10 grep -q "the stream of changes ended" watch.err &&
	start_daemon eg-cert &&
	wait_for 15 grep -q "changes were missed" watch &&
	send eight &&
	wait_for 10 grep -q "fr-cert/out/8 sent" watch &&
	test "$(grep -c "fr-cert/out/7 sent" watch)" -eq 1 &&
	kill $(cat watch.w) && rm watch.w
'

test_expect_success 'hotlined stops cleanly' 'stop_daemon eg-cert'

test_done
