#!/bin/sh
# A deadline passing and the escalation step it starts are events: a
# FLASH not acknowledged within ack.flash shows as "deadline", then the
# ladder's first step as "escalation" with its status.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

event_hook "$TEST_DIR/hook" "$TEST_DIR/hooked"
cat >>"$TEST_DIR/us-cert/hotline.conf" <<CONF
ack.flash = 2s
escalate.every = 1h
escalate.ladder = duty-officer, supervisor
escalate.command = $TEST_DIR/hook
CONF

start_daemon ru-cert
start_daemon us-cert
"$HOTLINE" --home "$TEST_DIR/us-cert" watch --json >"$TEST_DIR/watch.json" \
	2>"$TEST_DIR/watch.err" &
echo $! >"$TEST_DIR/watch.w"
trap 'kill $(cat "$TEST_DIR/watch.w") 2>/dev/null; kill_daemons; cleanup' EXIT

test_expect_success 'watch is open' 'wait_for 10 grep -q watching watch.err'

test_expect_success 'a FLASH not acknowledged in 2 s: a deadline event' '
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: grid attack" >/dev/null 2>&1 &&
	wait_for 10 grep -q "\"message\":\"ru-cert/1\"" watch.json &&
	wait_for 10 grep -q "\"event\":\"deadline\"" watch.json &&
	line=$(grep "\"event\":\"deadline\"" watch.json) &&
	echo "$line" | grep "\"message\":\"ru-cert/1\"" | grep "\"due\":\"ack\"" |
		grep "\"link\":\"ru-cert\"" | grep "\"side\":\"received\"" |
		grep "\"precedence\":\"flash\"" | grep -q "\"deadline\":[0-9]"
'

test_expect_success 'then the first step of the ladder, with its status' '
	wait_for 15 grep -q "\"event\":\"escalation\"" watch.json &&
	line=$(grep "\"event\":\"escalation\"" watch.json) &&
	echo "$line" | grep "\"message\":\"ru-cert/1\"" | grep "\"step\":1" |
		grep "\"step_name\":\"duty-officer\"" | grep "\"status\":\"ok\"" |
		grep -q "\"event\":\"ack-overdue\"" &&
	test -s hooked
'

test_expect_success 'the deadline came once, before the step' '
	test "$(grep -c "\"event\":\"deadline\"" watch.json)" -eq 1 &&
	grep -n "\"event\":\"\(deadline\|escalation\)\"" watch.json | head -n 1 |
		grep -q deadline
'

test_expect_success 'watch says it in words' '
	"$HOTLINE" --home us-cert watch >watch.txt 2>watch.txt.err &
	pid=$! &&
	wait_for 10 grep -q watching watch.txt.err &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH again" >/dev/null 2>&1 &&
	wait_for 15 grep -q "ru-cert/2: our acknowledgment is overdue (due " watch.txt &&
	wait_for 15 grep -q "ru-cert/2: ack-overdue, step 1 (duty-officer): ok" watch.txt &&
	kill $pid
'

test_expect_success 'no receipt was late: no deadline for one' '
	! grep -q "\"due\":\"receipt\"" watch.json &&
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
