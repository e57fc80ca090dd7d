#!/bin/sh
# A peer that presents a TLS key other than its card's is an alarm, not
# a network blip: its own state in 'hotline status', a log line with the
# pin the card gives and the pin seen, and the pin-mismatch escalation
# event, once per incident.  The right key back, the alarm ends.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
EG_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
new_party eg-cert "$EG_PORT"

event_hook "$TEST_DIR/hook" "$TEST_DIR/events"
cat >>"$TEST_DIR/ru-cert/hotline.conf" <<CONF
escalate.command = $TEST_DIR/hook
CONF

pin() {
	sed -n 's/^tls //p' "$1/card"
}

# status_has REGEX : ru-cert's status has a line matching REGEX.
status_has() {
	{ "$HOTLINE" --home ru-cert status >st 2>&1 || test $? -le 2; } && grep -q "$1" st
}

pin_events() {
	grep -c "\"event\":\"pin-mismatch\"" events 2>/dev/null || :
}

test_expect_success 'us-cert comes up with eg-cert'"'"'s TLS key and certificate' '
	cp us-cert/tls.key us-cert/tls.key.own && cp us-cert/tls.crt us-cert/tls.crt.own &&
	cp eg-cert/tls.key us-cert/tls.key && cp eg-cert/tls.crt us-cert/tls.crt &&
	start_daemon us-cert && start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"is this you?" >/dev/null 2>&1
'

test_expect_success 'status shows PIN MISMATCH with both pins' '
	wait_for 20 status_has "^us-cert .* PIN MISMATCH " &&
	grep -qx "    TLS KEY PIN MISMATCH: the card pins sha256//$(pin us-cert), the peer presents sha256//$(pin eg-cert)" st &&
	expect_code 2 "$HOTLINE" --home ru-cert status >/dev/null &&
	expect_code 2 "$HOTLINE" --home ru-cert status --json >st.json &&
	grep -q "\"reachable\":\"pin-mismatch\"" st.json
'

test_expect_success 'the log says what was expected and what was seen' '
	grep -q "courier us-cert: TLS KEY PIN MISMATCH: the card pins sha256//$(pin us-cert), the peer presented sha256//$(pin eg-cert)" ru-cert.log
'

test_expect_success 'the pin-mismatch event runs once for the incident' '
	wait_for 10 eval "test \"\$(pin_events)\" -ge 1" &&
	"$HOTLINE" --home ru-cert send --to us-cert --lang en "again?" >/dev/null 2>&1 &&
	sleep 3 &&
	test "$(pin_events)" -eq 1 &&
	grep "pin-mismatch" events | grep "\"link\":\"us-cert\"" |
		grep "\"expected\":\"sha256//$(pin us-cert)\"" |
		grep -q "\"seen\":\"sha256//$(pin eg-cert)\"" &&
	test "$(grep -c "TLS KEY PIN MISMATCH" ru-cert.log)" -eq 1
'

test_expect_success 'with its own key back, us-cert is reachable and the alarm ends' '
	stop_daemon us-cert &&
	mv us-cert/tls.key.own us-cert/tls.key && mv us-cert/tls.crt.own us-cert/tls.crt &&
	start_daemon us-cert &&
	curl -s -X POST --unix-socket ru-cert/hotlined.sock http://hotlined/v1/wake &&
	wait_for 30 status_has "^us-cert .* yes " &&
	! grep -q "PIN MISMATCH" st &&
	grep -q "courier us-cert: the peer.s TLS key matches its card again" ru-cert.log
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
