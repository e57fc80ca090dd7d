#!/bin/sh
# Acknowledgments: a person's answer to a message, as a message of its
# own log that names the message by sender, seq and leaf hash; and the
# deadline each precedence sets for it.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
link_pair ru-cert us-cert

test_expect_success 'a FLASH message arrives, due for acknowledgment in 15 minutes' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang ar \
		"رصدنا هجوماً على مرفق للمياه" >/dev/null 2>&1 &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence routine --lang en \
		"weekly note" >/dev/null 2>&1 &&
	exchange ru-cert us-cert b1 &&
	only_daemon us-cert &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	grep -q "^ru-cert/1 .* flash .* due in 1[45]m$" inbox &&
	grep -q "^ru-cert/2 .* routine .* due in [23]d[0-9][0-9]h$" inbox &&
	! grep -q OVERDUE inbox
'

test_expect_success 'past its deadline it shows OVERDUE, with a hint' '
	# hotlined says what is overdue by its clock, the CLI how long by
	# its own: both 20 minutes ahead (at_clock: libfaketime preloaded,
	# not the faketime wrapper, whose semaphores in /dev/shm outlive a
	# killed run and fail a later one with the same pid).
	only_daemon_at +1200 us-cert &&
	at_clock +1200 \
		"$HOTLINE" --home us-cert inbox >inbox &&
	grep -q "^ru-cert/1 .* OVERDUE [45]m$" inbox &&
	grep -q "^1 message(s) OVERDUE for acknowledgment" inbox &&
	! grep -q "^ru-cert/2 .* OVERDUE" inbox
'

test_expect_success 'status counts it overdue on both sides' '
	expect_code 1 at_clock +1200 \
		"$HOTLINE" --home us-cert status >st &&
	grep -q "OVERDUE: 1 received message(s) not acknowledged in time" st &&
	only_daemon_at +1200 ru-cert &&
	expect_code 1 at_clock +1200 \
		"$HOTLINE" --home ru-cert status >st &&
	grep -q "OVERDUE: 1 of our messages not acknowledged by us-cert in time" st &&
	stop_daemon ru-cert && only_daemon us-cert &&
	{ "$HOTLINE" --home us-cert status >st || :; } &&
	grep -q "^hotlined: running" st && ! grep -q OVERDUE st
'

test_expect_success 'a person acknowledges it, once' '
	only_daemon us-cert &&
	"$HOTLINE" --home us-cert ack --lang en ru-cert/1 "read; investigating" >out 2>/dev/null &&
	grep -qx "acknowledged ru-cert/1 (flash): sent as ru-cert/out/1" out &&
	"$HOTLINE" --home us-cert ack ru-cert/1 >out 2>/dev/null &&
	grep -q "^ru-cert/1 was already acknowledged at .* (ru-cert/out/1)$" out &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	grep -q "^ru-cert/1 .* acked +" inbox &&
	hl_up us-cert link show ru-cert | grep -q "^sent: *1, receipted up to 0$"
'

test_expect_success 'the ack travels with the FLASH precedence and names the message' '
	"$HOTLINE" --home us-cert show ru-cert/out/1 >ack &&
	grep -qx "precedence: flash" ack && grep -qx "kind:       ack" ack &&
	grep -qx "text \\[en\\]:" ack && grep -qx "read; investigating" ack
'

test_expect_success 'the sender sees its message acknowledged once the ack arrives' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert show us-cert/out/1 >before &&
	grep -q "^acknowledgment: due in" before &&
	exchange us-cert ru-cert b2 &&
	"$HOTLINE" --home ru-cert show us-cert/out/1 >after &&
	grep -q "^acknowledgment: acked +" after &&
	"$HOTLINE" --home ru-cert show us-cert/out/2 | grep -q "^acknowledgment: due in" &&
	"$HOTLINE" --home ru-cert inbox >inbox &&
	grep -q "^us-cert/1 .* flash  *ack  *ru-cert#1  *-$" inbox
'

test_expect_success 'an ack for an unknown message, an ack, or our own message is refused' '
	only_daemon us-cert &&
	expect_code 1 "$HOTLINE" --home us-cert ack ru-cert/99 2>err &&
	grep -q "ru-cert/99: no such message" err &&
	only_daemon ru-cert &&
	expect_code 1 "$HOTLINE" --home ru-cert ack us-cert/1 2>err &&
	grep -q "needs no acknowledgment" err &&
	only_daemon us-cert &&
	expect_code 2 "$HOTLINE" --home us-cert ack ru-cert/out/1 2>err &&
	grep -q "a message this party sent" err &&
	expect_code 2 "$HOTLINE" --home us-cert ack --lang "en_US" ru-cert/2 2>err &&
	grep -q "BCP 47" err &&
	expect_code 1 "$HOTLINE" --home us-cert ack nobody/1 2>err &&
	expect_code 2 "$HOTLINE" --home us-cert ack ru-cert 2>err &&
	hl_up us-cert link show ru-cert | grep -q "^sent: *1,"
'

test_expect_success 'rebuild recomputes who acknowledged what' '
	{ ! daemon_running ru-cert || stop_daemon ru-cert; } &&
	{ ! daemon_running us-cert || stop_daemon us-cert; } &&
	"$HOTLINE" --home ru-cert rebuild >out &&
	grep -q "rebuilt the message and content indexes from 3 envelope(s)" out &&
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert show us-cert/out/1 | grep -q "^acknowledgment: acked +" &&
	"$HOTLINE" --home ru-cert log verify >/dev/null &&
	"$HOTLINE" --home us-cert log verify >/dev/null
'

test_done
