#!/bin/sh
# The board of a group message (issue 13, point 4): a hub linked to
# three members sends a FLASH check to the group.  ae-cert acknowledges
# it (the board says when and by whom), ru-cert never does (overdue,
# then escalated once the ladder runs), us-cert was stopped before the
# send (unreachable, then receipted once it runs again).  ru-cert, then
# removed from the group, acknowledges after its removal: kept, shown
# and counted late, never as an answer.  The totals line is exact; the
# JSON is read field by field; an unknown or malformed id is refused.
#
# Step 1 of the ladder runs at the deadline itself, so "overdue" would
# last no longer than a clock tick: the hub's hook blocks until told,
# and eight earlier checks to the group, left unacknowledged, fill the
# hooks the clock runs at once (eight, or eight for one link) before the
# check under test is due, so that its step waits, overdue, until the
# hooks are let go.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-group.sh"

group_parties

# The hub: two seconds for a FLASH's acknowledgment (ten minutes on
# us-cert's link), thirty for its receipt; a hook that records each
# event and waits for the file "release" (hotlined kills it after 10 s).
cat >"$TEST_DIR/hook" <<HOOK
#!/bin/sh
{ cat; echo; } >>"$TEST_DIR/events"
while [ ! -f "$TEST_DIR/release" ]; do sleep 0.2; done
HOOK
chmod +x "$TEST_DIR/hook"
cat >>"$TEST_DIR/hub/hotline.conf" <<CONF
ack.flash = 2s
receipt.flash = 30s
link.us-cert.ack.flash = 10m
escalate.every = 10m
escalate.ladder = duty-officer, supervisor
escalate.command = $TEST_DIR/hook
CONF

group_linked

# api PATH FILE : GET PATH of the hub's operator API into FILE; prints
# the HTTP status.
api() {
	curl -s --unix-socket "$TEST_DIR/hub/hotlined.sock" -o "$2" -w "%{http_code}" \
		"http://hotlined$1"
}

# board : the hub's board of the check under test, as JSON, in board.json.
board() {
	hl hub group board "$GID" --json >board.json
}

# member LINK PERL : PERL of LINK's row of the board in board.json.
member() {
	jq_ "(grep { \$_->{link} eq \"$1\" } @{\$j->{members}})[0]$2" <board.json
}

# state_is LINK STATE : the board says LINK stands at STATE now.
state_is() {
	board && test "$(member "$1" "{state}")" = "$2"
}

# first_state_is GID STATE : the first member on the board of GID (in
# held.json) stands at STATE now.
first_state_is() {
	hl hub group board "$1" --json >held.json &&
	test "$(jq_ "\$j->{members}[0]{state}" <held.json)" = "$2"
}

# totals_are LINE : the board's last line is LINE now.
totals_are() {
	hl hub group board "$GID" >board.txt && test "$(tail -n 1 board.txt)" = "$1"
}

# events_past N : more than N events reached the hub's hook.
events_past() {
	test "$(count_lines '"event"' events)" -gt "$1"
}

test_expect_success 'eight unacknowledged checks fill the hooks of the hub' '
	hl hub group create poc >/dev/null &&
	hl hub group add poc ae-cert ru-cert us-cert >/dev/null &&
	stop_daemon us-cert &&
	for i in 1 2 3 4 5 6 7 8; do
		hl hub check run --group poc --precedence flash >/dev/null &
	done &&
	wait &&
	test "$(sqlite3 hub/hotline.db "SELECT count(DISTINCT gid) FROM group_envelope")" = 8 &&
	wait_for 20 events_past 7
'

test_expect_success 'a FLASH check to the group: its id, as send gives it' '
	hl hub check run --group poc --precedence flash >out &&
	GID=$(sed -n "s/^group poc: .*(message \([0-9a-f]*\))$/\1/p" out) &&
	echo "$GID" | grep -Eq "^[0-9a-f]{32}$" &&
	echo "$GID" >gid
'
GID=$(cat "$TEST_DIR/gid" 2>/dev/null)

test_expect_success 'past the deadline, the members that did not acknowledge are overdue' '
	wait_for 8 state_is ru-cert overdue &&
	test "$(member ru-cert "{overdue}")" = ack &&
	test "$(member ru-cert "{escalation}")" = null &&
	test "$(member ru-cert "{ack_due}")" = $(($(member ru-cert "{sent}") + 2)) &&
	test "$(member ru-cert "{seq}")" = 9 && test "$(member ru-cert "{id}")" = ru-cert/out/9 &&
	test "$(member ae-cert "{overdue}")" = ack &&
	test "$(jq_ "\$j->{totals}{overdue}" <board.json)" -ge 1 &&
	hl hub group board "$GID" >board.txt &&
	grep "^ru-cert " board.txt | grep -q "ack overdue"
'

test_expect_success 'the stopped member is unreachable: the courier says why' '
	board &&
	test "$(member us-cert "{state}")" = unreachable &&
	test "$(member us-cert "{receipted}")" = null &&
	test "$(member us-cert "{courier}{reachable}")" = 0 &&
	test -n "$(member us-cert "{courier}{last_error}")"
'

test_expect_success 'once the ladder runs, they are escalated: the step and its status' '
	touch release &&
	wait_for 20 state_is ru-cert escalated &&
	wait_for 10 state_is ae-cert escalated &&
	test "$(member ru-cert "{escalation}{event}")" = peer-ack-overdue &&
	test "$(member ru-cert "{escalation}{step}")" = 1 &&
	test "$(member ru-cert "{escalation}{step_name}")" = duty-officer &&
	test -n "$(member ru-cert "{escalation}{status}")" &&
	test "$(member ru-cert "{overdue}")" = ack &&
	totals_are "0 of 3 acknowledged, 2 receipted, 2 escalated, 1 unreachable" &&
	grep "^ru-cert " board.txt | grep -q "step 1 duty-officer"
'

test_expect_success 'the member that acknowledges: when, and by whom' '
	hl ae-cert ack hub/9 >/dev/null &&
	wait_for 20 state_is ae-cert acknowledged &&
	op=$(hl ae-cert operator list --json | jq_ "\$j->{operators}[0]{name}") &&
	test "$(member ae-cert "{ack}{operator}")" = "$op" &&
	test "$(member ae-cert "{ack}{role}")" = duty &&
	test "$(member ae-cert "{acknowledged}")" -ge "$(member ae-cert "{sent}")" &&
	test "$(member ae-cert "{receipted}")" -ge "$(member ae-cert "{sent}")" &&
	totals_are "1 of 3 acknowledged, 2 receipted, 1 escalated, 1 unreachable" &&
	grep "^ae-cert " board.txt | grep -q "$op (duty)"
'

test_expect_success 'the stopped member, running again, is receipted' '
	start_daemon us-cert &&
	curl -s --unix-socket "$TEST_DIR/hub/hotlined.sock" -X POST -d "{}" \
		http://hotlined/v1/wake >/dev/null &&
	wait_for 30 state_is us-cert receipted &&
	test "$(member us-cert "{receipted}")" -ge "$(member us-cert "{sent}")" &&
	totals_are "1 of 3 acknowledged, 3 receipted, 1 escalated, 1 waiting"
'

test_expect_success 'a removed member that acknowledges after its removal is late' '
	hl hub group remove poc ru-cert >/dev/null &&
	hl ru-cert ack hub/9 >/dev/null &&
	wait_for 20 state_is ru-cert late &&
	test "$(member ru-cert "{late}")" = 1 &&
	test "$(member ru-cert "{late_what}")" = ack &&
	test "$(member ru-cert "{removed}")" != null &&
	test "$(member ru-cert "{ack}{time}")" -ge "$(member ru-cert "{removed}")" &&
	test "$(jq_ "\$j->{totals}{late}" <board.json)" = 1 &&
	test "$(jq_ "\$j->{totals}{acknowledged}" <board.json)" = 1 &&
	test "$(jq_ "\$j->{totals}{receipted}" <board.json)" = 2 &&
	test "$(jq_ "\$j->{totals}{members}" <board.json)" = 3 &&
	totals_are "1 of 3 acknowledged, 2 receipted, 1 late, 1 waiting"
'

test_expect_success 'the JSON board: the message and its members in link order' '
	board &&
	test "$(jq_ "\$j->{id}" <board.json)" = "$GID" &&
	test "$(jq_ "\$j->{group}" <board.json)" = poc &&
	test "$(jq_ "\$j->{kind}" <board.json)" = check &&
	test "$(jq_ "\$j->{precedence}" <board.json)" = flash &&
	test "$(jq_ "join q(,), map { \$_->{link} } @{\$j->{members}}" <board.json)" = \
		ae-cert,ru-cert,us-cert &&
	for k in unreachable escalated overdue held; do
		test "$(jq_ "\$j->{totals}{$k}" <board.json)" = 0 || exit 1
	done &&
	hl hub group board --group poc --json >latest.json &&
	test "$(jq_ "\$j->{id}" <latest.json)" = "$GID"
'

test_expect_success 'group messages lists the group messages, newest first' '
	hl hub group messages poc --json >msgs.json &&
	test "$(jq_ "scalar @{\$j->{messages}}" <msgs.json)" = 9 &&
	test "$(jq_ "\$j->{messages}[0]{id}" <msgs.json)" = "$GID" &&
	test "$(jq_ "\$j->{messages}[0]{totals}{late}" <msgs.json)" = 1 &&
	test "$(jq_ "\$j->{messages}[8]{totals}{acknowledged}" <msgs.json)" = 0 &&
	hl hub group messages poc >msgs.txt &&
	grep "^$GID" msgs.txt | grep -q "1 of 3 acknowledged, 2 receipted, 1 late, 1 waiting"
'

test_expect_success 'a member whose link is suspended is held, then sent on resumption' '
	hl hub link suspend ae-cert --lang en "maintenance" >/dev/null &&
	hl hub send --group poc --lang en "While ae-cert is suspended" >out &&
	gid=$(sed -n "s/^group poc: .*(message \([0-9a-f]*\))$/\1/p" out) &&
	hl hub group board "$gid" --json >held.json &&
	test "$(jq_ "\$j->{members}[0]{state}" <held.json)" = held &&
	test "$(jq_ "\$j->{members}[0]{held}" <held.json)" = ae-cert/held/1 &&
	test "$(jq_ "\$j->{totals}{held}" <held.json)" = 1 &&
	hl hub group board --group poc | grep -q "^ae-cert  *ae-cert/held/1 *held " &&
	hl hub link resume ae-cert --lang en "done" >/dev/null &&
	wait_for 30 first_state_is "$gid" receipted &&
	test "$(jq_ "\$j->{members}[0]{held}" <held.json)" = ae-cert/held/1 &&
	test "$(jq_ "\$j->{members}[0]{seq}" <held.json)" -gt 9 &&
	test "$(jq_ "\$j->{totals}{held}" <held.json)" = 0
'

test_expect_success 'an unknown group message is 404, a malformed id 400' '
	test "$(api "/v1/group/board?id=00000000000000000000000000000000" r1)" = 404 &&
	grep -q "no group message 00000000000000000000000000000000" r1 &&
	test "$(api "/v1/group/board?id=NOTHEX" r2)" = 400 &&
	grep -q "not a group message id" r2 &&
	test "$(api "/v1/group/board?group=nobody" r3)" = 404 &&
	test "$(api "/v1/group/messages?group=nobody" r4)" = 404 &&
	expect_code 1 hl hub group board 00000000000000000000000000000000 &&
	grep -q "no group message" hub.err &&
	expect_code 2 hl hub group board
'

test_done
