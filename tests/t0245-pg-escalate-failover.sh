#!/bin/sh
# Escalation across a failover: us-cert runs two nodes on PostgreSQL;
# a FLASH it does not acknowledge climbs its ladder, and when the active
# node is killed after the first step, the standby takes over and goes
# on from the store: each step runs once, none twice, none skipped.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-pg.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)

# steps SEQ : the steps recorded for ack-overdue of ru-cert/SEQ.
steps() {
	grep "\"event\":\"ack-overdue\"" events 2>/dev/null | grep "\"message\":\"ru-cert/$1\"" |
		sed 's/.*"step":\([0-9]*\).*/\1/' | tr '\n' ' '
}

has_steps() {
	test "$(steps "$1")" = "$2"
}

test_expect_success 'us-cert has two nodes on PostgreSQL, with a ladder of three steps' '
	pg_schema &&
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	event_hook "$TEST_DIR/hook" "$TEST_DIR/events" &&
	cat >>us-cert/hotline.conf <<-CONF &&
	store = $PG
	ack.flash = 1s
	escalate.every = 3s
	escalate.ladder = duty-officer, supervisor, policy-contact
	escalate.command = $TEST_DIR/hook
	CONF
	link_both ru-cert us-cert &&
	cp -a us-cert us-cert-b &&
	SD_NODE=a start_daemon us-cert && SD_NODE=b start_daemon us-cert-b &&
	start_daemon ru-cert
'

test_expect_success 'the first step runs on node a, which is then killed' '
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: attack on the grid" >/dev/null &&
	wait_for 20 has_steps 1 "1 " &&
	kill_daemon us-cert &&
	wait_for 10 grep -q "active: b holds the lease" us-cert-b.log
'

test_expect_success 'node b runs the next two steps, each once, and none again' '
	wait_for 30 has_steps 1 "1 2 3 " &&
	sleep 4 &&
	test "$(steps 1)" = "1 2 3 "
'

test_done
