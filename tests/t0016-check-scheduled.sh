#!/bin/sh
# Scheduled communication checks: hotlined sends one on a link every
# check.every by itself; one the peer answers is reported answered, one
# a stopped peer cannot receipt is MISSED and escalated, and goes out
# when the peer is back.  A link's own deadlines override the party's.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

event_hook "$TEST_DIR/hook" "$TEST_DIR/events"
# ru-cert checks us-cert every 2 s: its machine must receipt a check
# in 10 s and a person answer it in 45 s (generous: under load, ASan
# daemons take seconds to deliver, and the first check's answer must
# come in time; once it has, ru-cert restarts with 3 s and 5 s, so
# that the check missed later is late and MISSED without long waits:
# us-cert is stopped then, and nothing it could do in time is timed).
# ru-cert's other deadlines, and us-cert's, stay the defaults.
cat >>"$TEST_DIR/ru-cert/hotline.conf" <<CONF
link.us-cert.check.every = 2s
link.us-cert.receipt.immediate = 10s
link.us-cert.ack.immediate = 45s
escalate.every = 1s
escalate.command = $TEST_DIR/hook
CONF
# us-cert: a FLASH from ru-cert must be answered in 3 s, though the
# party-wide value is an hour.
cat >>"$TEST_DIR/us-cert/hotline.conf" <<CONF
ack.flash = 1h
link.ru-cert.ack.flash = 3s
CONF
trap 'kill_daemons; cleanup' EXIT

# sent_checks : the seqs of the checks ru-cert's hotlined logged sending.
sent_checks() {
	sed -n 's|.*check sent to us-cert as us-cert/out/\([0-9]*\)$|\1|p' ru-cert.log
}

# last_check : the last of them.
last_check() {
	sent_checks | tail -n 1
}

# checks_past N : ru-cert's hotlined has sent a check numbered above N.
checks_past() {
	test "$(last_check)" -gt "$1"
}

# report_has REGEX : ru-cert's check report has a line matching REGEX.
report_has() {
	"$HOTLINE" --home ru-cert check report us-cert >rep 2>&1 && grep -q "$1" rep
}

# inbox_has REGEX : us-cert's inbox has a line matching REGEX.
inbox_has() {
	"$HOTLINE" --home us-cert inbox >inbox 2>&1 && grep -q "$1" inbox
}

# events_for EVENT ID : how many hook runs EVENT had for message ID.
events_for() {
	grep "\"event\":\"$1\"" events 2>/dev/null | grep -c "\"message\":\"$2\"" || :
}

# escalated EVENT ID : the hook ran for EVENT of message ID.
escalated() {
	test "$(events_for "$1" "$2")" -ge 1
}

# The report comes from hotlined; ru-cert's sends its first check as it
# starts, so its schedule line is read once it runs.
test_expect_success 'without a schedule no check is sent' '
	start_daemon us-cert &&
	"$HOTLINE" --home us-cert check report ru-cert >rep &&
	grep -qx "no scheduled checks on ru-cert (check.every in hotline.conf)" rep
'

test_expect_success 'hotlined sends the first check as it starts' '
	start_daemon ru-cert &&
	wait_for 60 inbox_has "^ru-cert/1 .* immediate  *check  *-  *due in" &&
	test "$(sent_checks | head -n 1)" = 1 &&
	"$HOTLINE" --home ru-cert check report us-cert >rep &&
	grep -q "^checks every 2s; next due " rep
'

test_expect_success 'answered in time: the report shows both latencies' '
	{ "$HOTLINE" --home us-cert ack ru-cert/1 "line works" >ack.out 2>&1 ||
		{ cat ack.out; false; }; } &&
	wait_for 60 report_has "^us-cert/out/1 .* immediate  *[0-9]*s  *[0-9]*s  *answered$" &&
	grep -q "^checks every 2s; next due [0-9T:-]*Z$" rep
'

test_expect_success 'more checks follow, one every 2 s, each receipted' '
	wait_for 60 checks_past 2 &&
	sent_checks >seqs &&
	test "$(tr "\n" " " <seqs)" = "$(seq -s " " 1 "$(tail -n 1 seqs)") " &&
	wait_for 60 report_has "^us-cert/out/3 .* immediate  *[0-9]*s  *-  *" &&
	! grep -q "^us-cert/out/[1-3] .*not receipted" rep
'

test_expect_success 'a link.NAME.ack deadline overrides the party-wide one' '
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: is the line up?" >out 2>&1 &&
	flash=$(sed -n "s|^sent to us-cert as us-cert/out/\([0-9]*\) .*|\1|p" out) &&
	test -n "$flash" &&
	wait_for 60 inbox_has "^ru-cert/$flash .* flash  *notify  *ru-cert#[0-9]*  *OVERDUE" &&
	! grep -q "^ru-cert/$flash .* due in" inbox
'

# The desk reads hotline.conf's deadlines as hotlined starts (a reload
# moves only the clock's), hence a restart with the shorter one.
test_expect_success 'with the peer stopped, the next check is not receipted' '
	stop_daemon us-cert &&
	before=$(last_check) &&
	stop_daemon ru-cert &&
	sed -i -e "s/^\(link.us-cert.receipt.immediate =\) 10s$/\1 3s/" \
		-e "s/^\(link.us-cert.ack.immediate =\) 45s$/\1 5s/" ru-cert/hotline.conf &&
	grep -qx "link.us-cert.receipt.immediate = 3s" ru-cert/hotline.conf &&
	grep -qx "link.us-cert.ack.immediate = 5s" ru-cert/hotline.conf &&
	start_daemon ru-cert &&
	wait_for 60 checks_past "$before" &&
	missed=$(last_check) && echo "$missed" >missed &&
	wait_for 60 report_has "^us-cert/out/$missed .* immediate  *-  *-  *not receipted in time$\|^us-cert/out/$missed .* MISSED, not receipted$"
'

test_expect_success 'past its answer deadline it is MISSED, not receipted' '
	missed=$(cat missed) &&
	wait_for 60 report_has "^us-cert/out/$missed .* immediate  *-  *-  *MISSED, not receipted$" &&
	lost=$(grep -c "not receipted\( in time\)*$" rep) &&
	test "$lost" -ge 1 &&
	grep -qx "$lost not receipted: peer unreachable?" rep &&
	grep -q "^[0-9]* check(s), [1-9][0-9]* missed or answered late$" rep
'

test_expect_success 'the escalation hook ran for the missed check' '
	missed=$(cat missed) &&
	wait_for 60 escalated receipt-overdue "us-cert/out/$missed" &&
	wait_for 60 escalated peer-ack-overdue "us-cert/out/$missed" &&
	grep "\"message\":\"us-cert/out/$missed\"" events | grep "\"event\":\"receipt-overdue\"" |
		grep "\"step\":1," | grep "\"side\":\"sent\"" | grep "\"kind\":\"check\"" |
		grep -q "\"precedence\":\"immediate\"" &&
	grep -q "escalation: receipt-overdue us-cert/out/$missed, .* step 1 (duty-officer): command exit 0" \
		ru-cert.log
'

test_expect_success 'restarted, the peer gets the pending check' '
	missed=$(cat missed) &&
	start_daemon us-cert &&
	wait_for 60 inbox_has "^ru-cert/$missed .* immediate  *check  *-  *due in" &&
	wait_for 60 report_has "^us-cert/out/$missed .* immediate  *[0-9hms]*  *-  *MISSED$" &&
	! grep -q "^us-cert/out/$missed .*not receipted" rep
'

test_expect_success 'us-cert, with no schedule, sent no check' '
	! grep -q "check sent to" us-cert.log
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
