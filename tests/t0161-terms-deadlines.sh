#!/bin/sh
# The agreed terms are the deadlines both daemons enforce: a FLASH sent
# after the acceptance is late by the terms' 3 s at both parties, which
# escalate it with the same deadline, while a FLASH sent before keeps
# hotline.conf's 15 minutes and escalates nowhere.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
for p in ru-cert us-cert; do
	event_hook "$TEST_DIR/hook.$p" "$TEST_DIR/events.$p"
	cat >>"$TEST_DIR/$p/hotline.conf" <<CONF
ack.flash = 15m
escalate.every = 1h
escalate.command = $TEST_DIR/hook.$p
CONF
done

# watching NAME FILE : hotline watch --json for NAME into FILE, its pid
# in FILE.w; returns once it is open.
watching() {
	"$HOTLINE" --home "$TEST_DIR/$1" watch --json >"$2" 2>"$2.err" &
	echo $! >"$2.w"
	wait_for 10 grep -q "watching" "$2.err"
}
trap 'kill $(cat "$TEST_DIR"/*.w 2>/dev/null) 2>/dev/null; kill_daemons; cleanup' EXIT

# deadline_of EVENTS EVENT MESSAGE : the deadline of EVENT for MESSAGE.
deadline_of() {
	perl -MJSON::PP -e 'while (<STDIN>) { my $j = eval { decode_json($_) } or next;
		print $j->{deadline}, "\n" if $j->{event} eq $ARGV[0] &&
			$j->{message} eq $ARGV[1] }' "$2" "$3" <"$1" | head -n 1
}

test_expect_success 'a FLASH before any terms; then terms of 3 s, proposed and accepted' '
	start_daemon ru-cert && start_daemon us-cert &&
	hl ru-cert send --to us-cert --precedence flash "before the terms" >/dev/null &&
	sleep 1 &&	# times are whole seconds: the FLASH is dated before the terms
	hl ru-cert link terms propose us-cert --ack 3s,1h,1d,3d --receipt 2s,10m,1h,1d \
		"a FLASH is read within 3 s" >/dev/null &&
	wait_for 30 eval "hl us-cert link terms ru-cert --json | grep -q \"\\\"outcome\\\":\\\"open\\\"\"" &&
	watching ru-cert watch.ru &&
	hl us-cert link terms accept ru-cert/2 >/dev/null &&
	wait_for 30 eval "hl ru-cert link terms us-cert | grep -q \"version 1, in force\""
'

test_expect_success 'the proposer is told, live, that version 1 came into force' '
	wait_for 30 eval "grep \"\\\"event\\\":\\\"terms\\\"\" watch.ru | grep -q \"\\\"version\\\":1\""
'

test_expect_success 'a FLASH after the acceptance is late at both parties, by the same deadline' '
	hl ru-cert send --to us-cert --precedence flash "after the terms" >/dev/null &&
	wait_for 40 eval "grep -q \"\\\"message\\\":\\\"ru-cert/3\\\"\" events.us-cert" &&
	wait_for 40 eval "grep -q \"\\\"message\\\":\\\"us-cert/out/3\\\"\" events.ru-cert" &&
	us=$(deadline_of events.us-cert ack-overdue ru-cert/3) &&
	ru=$(deadline_of events.ru-cert peer-ack-overdue us-cert/out/3) &&
	test -n "$us" && test "$us" = "$ru" &&
	grep "\"message\":\"ru-cert/3\"" events.us-cert | grep -q "\"terms\":1"
'

test_expect_success 'the FLASH from before keeps hotline.conf'"'"'s 15 minutes' '
	! grep -q "\"message\":\"ru-cert/1\"" events.us-cert &&
	! grep -q "\"message\":\"us-cert/out/1\"" events.ru-cert &&
	hl us-cert inbox >inbox && grep "^ru-cert/1 " inbox | grep -qv overdue
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done
