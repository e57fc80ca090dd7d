#!/bin/sh
# The clock and the signed times: a message dated a year ahead does not
# silence the ones after it, and a message that arrives already past
# every step of its ladder (the peer was down) escalates once, at the
# highest step due, its deadline counted from the time its sender signed.
. "$(dirname "$0")/test-lib.sh"
command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

for p in ru-cert us-cert; do
	event_hook "$TEST_DIR/$p.hook" "$TEST_DIR/$p.events"
	cat >>"$TEST_DIR/$p/hotline.conf" <<CONF
receipt.flash = 1s
ack.flash = 2s
escalate.every = 1s
escalate.ladder = duty-officer, supervisor, policy-contact
escalate.command = $TEST_DIR/$p.hook
CONF
done

# steps WHO EVENT ID : the steps WHO's hook ran for EVENT of ID.
steps() {
	grep "\"event\":\"$2\"" "$1.events" 2>/dev/null | grep "\"message\":\"$3\"" |
		sed 's/.*"step":\([0-9]*\).*/\1/' | tr '\n' ' '
}

has_steps() {
	test "$(steps "$1" "$2" "$3")" = "$4"
}

received() {
	"$HOTLINE" --home us-cert link show ru-cert | grep -q "^received: *$1,"
}

test_expect_success 'a FLASH to a stopped peer' '
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: first" >/dev/null 2>&1
'

# ladder_of SEQ : the escalation records of us-cert's ack-overdue for
# ru-cert's message SEQ, step and status, in step order.
ladder_of() {
	sqlite3 us-cert/hotline.db "SELECT group_concat(step || status, ' ') FROM
		(SELECT step, status FROM escalation WHERE seq = $1 AND event = 'ack-overdue'
		ORDER BY step)"
}

test_expect_success 'past every step when it arrives, it escalates once, at the top step' '
	sleep 4 &&
	start_daemon us-cert &&
	wait_for 30 received 1 &&
	wait_for 10 has_steps us-cert ack-overdue ru-cert/1 "3 " &&
	wait_for 10 eval "test \"\$(ladder_of 1)\" = \"0skipped 1skipped 2ok\"" &&
	sleep 1 &&
	test "$(steps us-cert ack-overdue ru-cert/1)" = "3 " &&
	late=$(grep "\"message\":\"ru-cert/1\"" us-cert.events |
		sed "s/.*\"late_seconds\":\([0-9]*\).*/\1/") &&
	# Counted from the signed time: the top step (3) is due 2 s past
	# the deadline, and it ran.
	test "$late" -ge 2
'

# The witness refuses an envelope dated ahead of its clock (9.5), so the
# far-future message stays in the sender's own log: there, it must not
# hide the FLASH after it from the clock.
test_expect_success 'a message dated a year ahead, then a FLASH, to a stopped peer' '
	stop_daemon us-cert &&
	# hotlined dates what it signs: the one of ru-cert, its clock a year
	# fast, for that one message.
	stop_daemon ru-cert &&
	(
		export FAKETIME=+365d ASAN_OPTIONS=verify_asan_link_order=0 \
			LD_PRELOAD="$FAKETIME_LIB" &&
		with_daemon ru-cert "$HOTLINE" --home ru-cert send --to us-cert \
			--precedence flash --lang en "dated next year"
	) >/dev/null 2>&1 &&
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: now" >/dev/null 2>&1
'

test_expect_success 'the FLASH is escalated all the same: no time silences the clock' '
	wait_for 20 has_steps ru-cert receipt-overdue us-cert/out/3 "1 2 3 " &&
	test -z "$(steps ru-cert receipt-overdue us-cert/out/2)"
'

test_expect_success 'ru-cert stops cleanly' '
	stop_daemon ru-cert
'

test_done
