#!/bin/sh
# The clock's open deadlines are not held in the daemon's memory: two
# rows for each message within its deadlines' span, millions under a
# full load, grew hotlined's heap without bound (issue 16: RSS flat
# under load).  They live in an unlinked SQLite temporary file of which
# only a small page cache stays resident: with a backlog of messages
# the peer never receipted, hotlined holds that file open, and keeps
# escalating from it.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-burst

US_PORT=$(free_port)
RU_PORT=$(free_port)
new_party us-cert "$US_PORT" && new_party ru-cert "$RU_PORT" &&
link_both us-cert ru-cert || exit 1
mkdir "$TEST_DIR/tmp" || exit 1
# Every message sent is overdue a second later: ru-cert never runs.
cat >>"$TEST_DIR/us-cert/hotline.conf" <<CONF
receipt.routine = 1s
escalate.every = 1h
escalate.ladder = duty-officer
CONF
trap 'kill_daemons; cleanup' EXIT

# temp_files : the unlinked SQLite temporary files in tmp that
# us-cert's hotlined holds open, one name a line.
temp_files() {
	ls -l "/proc/$(cat us-cert.pid)/fd" 2>/dev/null |
		sed -n "s|.* -> $TEST_DIR/tmp/\(etilqs_[0-9a-f]*\) (deleted)\$|\1|p" | sort
}

# held_file : hotlined holds one open, the same one a second later (a
# sort's file would come and go).
held_file() {
	temp_files >held1 && test -s held1 && sleep 1 && temp_files >held2 &&
	test -n "$(comm -12 held1 held2)"
}

test_expect_success 'a backlog of 2000 messages the peer never receipted' '
	"$TOOLS/hl-burst" --home us-cert --link ru-cert --count 2000 >burst &&
	grep -qx "sent 2000" burst
'

test_expect_success 'hotlined keeps their deadlines in a temporary file, not its heap' '
	( SQLITE_TMPDIR=$TEST_DIR/tmp && export SQLITE_TMPDIR && start_daemon us-cert ) &&
	wait_for 60 held_file
'

# escalated N : N of the backlog's messages were escalated.  Not one
# named message: the clock works the backlog in chunks, a few of a link
# at a time, so the 2000th came anywhere from 5 s to over a minute in.
escalated() {
	test "$(grep -c "escalation: receipt-overdue ru-cert/out/[0-9]*, " us-cert.log)" -ge "$1"
}

test_expect_success 'and escalates from it' '
	wait_for 60 escalated 200
'

test_expect_success 'hotlined stops cleanly' '
	stop_daemon us-cert
'

test_done
