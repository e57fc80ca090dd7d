#!/bin/sh
# Which messages a person must acknowledge: a notification, a request,
# a check and an update at FLASH or IMMEDIATE; not an update at a lower
# precedence, an answer, a retraction or a close.  Answering a request
# acknowledges it, closing a case acknowledges what the peer sent in it.
# inbox, show, status and the escalation ladder agree.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

for p in ru-cert us-cert; do
	event_hook "$TEST_DIR/$p.hook" "$TEST_DIR/$p.events"
	cat >>"$TEST_DIR/$p/hotline.conf" <<CONF
ack.flash = 2s
ack.routine = 2s
escalate.every = 1h
escalate.command = $TEST_DIR/$p.hook
CONF
done
start_daemon ru-cert
start_daemon us-cert

# synced : each side holds the other's messages.
synced() {
	test "$(hl us-cert link show ru-cert | sed -n 's/^received: *\([0-9]*\).*/\1/p')" -ge "$1" &&
	test "$(hl ru-cert link show us-cert | sed -n 's/^received: *\([0-9]*\).*/\1/p')" -ge "$2"
}

# state WHO ID : the ACKNOWLEDGMENT column of ID in WHO's inbox.
state() {
	hl "$1" inbox | grep "^$2 " | sed 's/.*  //'
}

# escalated WHO EVENT ID : WHO's hook ran for EVENT of ID.
escalated() {
	grep "\"event\":\"$2\"" "$1.events" 2>/dev/null | grep -q "\"message\":\"$3\""
}

test_expect_success 'a case: a notify, two updates, a request, a retraction' '
	hl ru-cert send --to us-cert --precedence flash --lang en "C2 at 203.0.113.7" &&
	hl ru-cert send --case ru-cert#1 --precedence routine --lang en "more hosts" &&
	hl ru-cert send --case ru-cert#1 --precedence flash --lang en "now spreading" &&
	hl ru-cert send --case ru-cert#1 --action investigate --precedence immediate --lang en \
		"please look" &&
	hl ru-cert retract us-cert/out/2 --lang en "wrong hosts" &&
	wait_for 30 synced 5 0
'

test_expect_success 'an answer acknowledges the request, and needs none itself' '
	hl us-cert answer ru-cert/4 accepted --lang en "on it" &&
	wait_for 30 synced 5 1 &&
	state us-cert ru-cert/4 | grep -q "^acked +" &&
	hl ru-cert show us-cert/out/4 | grep -q "^acknowledgment: acked +" &&
	test "$(state ru-cert us-cert/1)" = "-"
'

test_expect_success 'past the deadlines: the notify and the FLASH update are overdue, not the rest' '
	sleep 3 &&
	state us-cert ru-cert/1 | grep -q "^OVERDUE" &&
	state us-cert ru-cert/3 | grep -q "^OVERDUE" &&
	test "$(state us-cert ru-cert/2)" = "-" &&
	test "$(state us-cert ru-cert/5)" = "-" &&
	hl us-cert status | grep -q "OVERDUE: 2 received message(s) not acknowledged" &&
	hl ru-cert status | grep -q "OVERDUE: 2 of our messages not acknowledged by us-cert"
'

test_expect_success 'the ladder agrees: it escalates those two, and nothing else' '
	wait_for 20 escalated us-cert ack-overdue ru-cert/3 &&
	escalated us-cert ack-overdue ru-cert/1 &&
	wait_for 20 escalated ru-cert peer-ack-overdue us-cert/out/3 &&
	escalated ru-cert peer-ack-overdue us-cert/out/1 &&
	! grep "ack-overdue" us-cert.events | grep -q "\"message\":\"ru-cert/[245]\"" &&
	! grep "ack-overdue" ru-cert.events | grep -q "\"message\":\"us-cert/out/[245]\"" &&
	! grep -q "\"event\":\"ack-overdue\"" ru-cert.events
'

test_expect_success 'closing the case acknowledges what the peer sent in it' '
	hl us-cert case close ru-cert#1 --lang en "handled" &&
	wait_for 30 synced 5 2 &&
	state us-cert ru-cert/1 | grep -q "^acked +" &&
	state us-cert ru-cert/3 | grep -q "^acked +" &&
	hl ru-cert show us-cert/out/1 | grep -q "^acknowledgment: acked +" &&
	test "$(state ru-cert us-cert/2)" = "-" &&
	! hl us-cert status | grep -q OVERDUE &&
	! hl ru-cert status | grep -q OVERDUE
'

test_expect_success 'what needs no acknowledgment cannot be acknowledged' '
	expect_code 1 hl us-cert ack ru-cert/2 &&
	grep -q "needs no acknowledgment" us-cert.err &&
	expect_code 1 hl ru-cert ack us-cert/1 &&
	grep -q "needs no acknowledgment" ru-cert.err
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
