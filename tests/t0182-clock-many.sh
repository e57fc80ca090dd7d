#!/bin/sh
# The clock serves each link in its own time: a link whose escalation
# hooks are slow (a backlog of overdue messages, each hook 9 s) delays
# no other link's escalation by more than a second or so, and the
# clock's thread never waits for a hook to end.  And it serves every
# link, however many: 302 links all escalate.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-burst

US_PORT=$(free_port)
RU_PORT=$(free_port)
FR_PORT=$(free_port)
new_party us-cert "$US_PORT" && new_party ru-cert "$RU_PORT" && new_party fr-cert "$FR_PORT" &&
link_both us-cert ru-cert && link_both us-cert fr-cert || exit 1

# us-cert escalates each message not receipted within a second, one
# step; ru-cert and fr-cert stay down, so nothing is ever receipted.
# The hook takes 9 s for ru-cert's messages and no time for fr-cert's,
# and notes when it was started.
cat >"$TEST_DIR/hook" <<HOOK
#!/bin/sh
json=\$(cat)
case \$json in
*'"link":"ru-cert"'*) echo "\$(date +%s.%N)" >>"$TEST_DIR/slow"; sleep 9 ;;
*) echo "\$(date +%s.%N) \$json" >>"$TEST_DIR/fast" ;;
esac
HOOK
chmod +x "$TEST_DIR/hook"
cat >>"$TEST_DIR/us-cert/hotline.conf" <<CONF
receipt.routine = 1s
escalate.every = 1h
escalate.ladder = duty-officer
escalate.command = $TEST_DIR/hook
CONF

# send_fr : sends a routine message to fr-cert; its time in sent.
send_fr() {
	date +%s.%N >sent &&
	"$HOTLINE" --home us-cert send --to fr-cert --lang en "routine $1" >/dev/null 2>&1
}

# at_least N FILE : FILE has N lines or more.
at_least() {
	test "$(count_lines . "$2")" -ge "$1"
}

# steps_ok N : N escalation steps or more ended ok.
steps_ok() {
	test "$(sqlite3 us-cert/hotline.db \
		"SELECT count(*) FROM escalation WHERE status = 'ok'")" -ge "$1"
}

# on_time N : fr-cert's Nth message escalated on time: within 4.5 s of
# its send (its deadline 1 s after the second it was dated in, the
# clock's tick of 1 s, and room for a loaded machine).  A clock whose
# hooks were all held by ru-cert's 9 s backlog took 8.5 s.
on_time() {
	lag "$1" >"lag$1" && cat "lag$1" &&
	awk -v l="$(cat "lag$1")" "BEGIN { exit !(l < 4.5) }"
}

# lag N : seconds from the Nth send to fr-cert to its escalation.
lag() {
	awk -v a="$(sed -n "$1p" fast | cut -d" " -f1)" -v b="$(cat sent)" \
		"BEGIN { printf \"%.2f\n\", a - b }"
}

test_expect_success 'one slow hook on ru-cert: fr-cert escalates on time' '
	start_daemon us-cert &&
	"$HOTLINE" --home us-cert send --to ru-cert --lang en "routine 1" >/dev/null 2>&1 &&
	wait_for 10 test -s slow &&
	send_fr 1 &&
	wait_for 15 at_least 1 fast &&
	test "$(count_lines ru-cert fast)" -eq 0 &&
	on_time 1
'

test_expect_success 'a backlog of slow hooks on ru-cert: fr-cert still escalates on time' '
	"$TOOLS/hl-burst" --home us-cert --link ru-cert --count 9 >/dev/null &&
	wait_for 10 at_least 4 slow &&
	send_fr 2 &&
	wait_for 20 at_least 2 fast &&
	on_time 2
'

test_expect_success 'the slow steps end as before: ok, once each, none left running' '
	wait_for 20 steps_ok 3 &&
	test "$(sqlite3 us-cert/hotline.db "SELECT count(*) FROM escalation e
		JOIN link l ON l.id = e.link WHERE l.name = '\''fr-cert'\''
		AND e.status = '\''ok'\''")" -eq 2 &&
	test -z "$(sqlite3 us-cert/hotline.db "SELECT seq FROM escalation
		GROUP BY link, side, seq, event HAVING count(*) > 1")"
'

test_expect_success 'hotlined stops at once with slow hooks running' '
	stop_daemon us-cert &&
	test "$(sqlite3 us-cert/hotline.db "SELECT count(*) FROM escalation
		WHERE status = '\''running'\''")" -eq 0
'

# escalated_links N : the escalation steps recorded name N links or more.
escalated_links() {
	test "$(sqlite3 us-cert/hotline.db \
		"SELECT count(DISTINCT link) FROM escalation WHERE status = 'ok'")" -ge "$1"
}

# 300 links more, in name order between fr-cert and ru-cert; no hook,
# so that 300 steps cost no 300 processes: each step is recorded ok.
test_expect_success 'with 300 links more, each link escalates, past the 256th too' '
	"$TOOLS/hl-links" --home us-cert --count 300 >/dev/null &&
	sed -i "/^escalate.command/d" us-cert/hotline.conf &&
	t0=$(date +%s) &&
	start_daemon us-cert &&
	{ wait_for 60 escalated_links 302 || { sqlite3 us-cert/hotline.db \
		"SELECT count(DISTINCT link) || '\'' links escalated'\'' FROM escalation"; false; }; } &&
	echo $(($(date +%s) - t0)) >took300 &&
	stop_daemon us-cert &&
	test "$(sqlite3 us-cert/hotline.db "SELECT count(*) FROM escalation e
		JOIN link l ON l.id = e.link WHERE l.name LIKE '\''m%-cert'\''")" -eq 300
'

echo "# 300 more links all escalated $(cat "$TEST_DIR/took300" 2>/dev/null) s after the start"
echo "# fr-cert escalated $(cat "$TEST_DIR/lag1" 2>/dev/null) s after its send beside" \
	"one slow hook, $(cat "$TEST_DIR/lag2" 2>/dev/null) s beside a backlog of them" \
	"(deadline 1 s)"
test_done
