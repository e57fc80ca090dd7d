#!/bin/sh
# Escalation under a backlog: 300 messages to a stopped peer, each past
# its receipt deadline and a slow hook.  Only the highest step due runs
# for each (the lower ones recorded skipped), hooks run side by side,
# SIGTERM stops hotlined at once whatever the backlog, a restart runs no
# step twice, and once the receipts are in the steps stop.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-burst

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# The hook takes a second: it notes when it started, then, done, what
# it was told.  A hook killed on the way records nothing done.
cat >"$TEST_DIR/hook" <<HOOK
#!/bin/sh
json=\$(cat)
echo "\$(date +%s.%N) \$json" >>"$TEST_DIR/started"
sleep 1
echo "\$json" >>"$TEST_DIR/events"
HOOK
chmod +x "$TEST_DIR/hook"
cat >>"$TEST_DIR/ru-cert/hotline.conf" <<CONF
receipt.routine = 1s
escalate.every = 1s
escalate.ladder = duty-officer, supervisor, policy-contact
escalate.command = $TEST_DIR/hook
CONF

# runs : the hook runs that ended, as "message step" lines.
runs() {
	sed 's/.*"step":\([0-9]*\).*"message":"\([^"]*\)".*/\2 \1/' events 2>/dev/null
}

# ran_at_least N : N hook runs ended.
ran_at_least() {
	test "$(runs | wc -l)" -ge "$1"
}

# delivered : us-cert has stored all 300; else ru-cert's courier, in
# backoff after a long outage, is asked to try now (POST /v1/wake).
delivered() {
	grep -q "receipted up to 300" us-cert.log && return 0
	curl -s -X POST --unix-socket ru-cert/hotlined.sock http://hotlined/v1/wake >/dev/null
	sleep 1
	return 1
}

# status_of STATUS : how many escalation steps the store holds so.
status_of() {
	sqlite3 ru-cert/hotline.db \
		"SELECT count(*) FROM escalation WHERE status = '$1'"
}

test_expect_success '300 messages wait for a stopped peer, past their deadlines' '
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 300 >/dev/null &&
	sleep 3
'

test_expect_success 'hooks run side by side: 16 one-second steps in well under 16 s' '
	start=$(date +%s) &&
	start_daemon ru-cert &&
	wait_for 30 ran_at_least 16 &&
	test $(($(date +%s) - start)) -lt 10
'

test_expect_success 'each item runs only its highest step due; the lower are skipped' '
	test "$(runs | cut -d" " -f2 | sort -u)" = 3 &&
	test "$(status_of skipped)" -ge 32
'

test_expect_success 'SIGTERM in the middle of the backlog stops hotlined within 3 s' '
	t0=$(date +%s%N) &&
	stop_daemon ru-cert &&
	t1=$(date +%s%N) &&
	echo $(((t1 - t0) / 1000000)) >stop_ms &&
	test $(((t1 - t0) / 1000000)) -lt 3000 &&
	grep -q "abandoned as hotlined stops" ru-cert.log &&
	test "$(status_of running)" -eq 0
'

test_expect_success 'a restart runs no step twice' '
	before=$(runs | wc -l) &&
	start_daemon ru-cert &&
	wait_for 30 ran_at_least $((before + 16)) &&
	test -z "$(runs | sort | uniq -d)" &&
	test -z "$(sqlite3 ru-cert/hotline.db "SELECT seq FROM escalation GROUP BY seq
		HAVING count(*) > 3")"
'

test_expect_success 'once the peer has receipted, the steps stop within 2 s' '
	start_daemon us-cert &&
	wait_for 60 delivered &&
	wait_for 30 sh -c "\"$HOTLINE\" --home ru-cert outbox | grep -q \"^us-cert: 0 awaiting\"" &&
	receipted=$(date +%s.%N) &&
	sleep 3 &&
	last=$(cut -d" " -f1 started | sort -n | tail -n 1) &&
	awk -v a="$last" -v b="$receipted" "BEGIN { printf \"%.2f\n\", a - b }" >lag &&
	awk -v a="$last" -v b="$receipted" "BEGIN { exit !(a < b + 2) }"
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

echo "# SIGTERM to exit: $(cat "$TEST_DIR/stop_ms" 2>/dev/null) ms;" \
	"last step started $(cat "$TEST_DIR/lag" 2>/dev/null) s after the receipts"
test_done
