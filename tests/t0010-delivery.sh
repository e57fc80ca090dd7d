#!/bin/sh
# Delivery: two running hotlined deliver messages both ways over mutual
# TLS and bring the receipts back; what a stopped peer cannot take waits
# in the outbox and goes out by itself when the peer is back.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# outbox_size HOME LINK : how many messages wait for LINK's receipt.
outbox_size() {
	"$HOTLINE" --home "$1" outbox --link "$2" | sed -n "s/^$2: \([0-9]*\) awaiting.*/\1/p"
}

# received HOME LINK N : HOME has received N messages on LINK.
received() {
	test "$(show_field "$1" "$2" received)" = "$3 $3"
}

# receipted HOME LINK N : HOME's N messages on LINK are all receipted.
receipted() {
	test "$(show_field "$1" "$2" sent)" = "$3 $3" && test "$(outbox_size "$1" "$2")" = 0
}

# body FILE LANG : the text that 'hotline show' printed, tagged LANG.
body() {
	sed "1,/^text \\[$2\\]:\$/d" "$1"
}

# marks_in_order LOG STAGE... : LOG has a trace mark of each STAGE
# (src/core/trace.h), the first of each after the first of the one before.
marks_in_order() {
	mo_log=$1
	shift
	mo_last=0
	for mo_s in "$@"; do
		mo_at=$(grep -n "^trace [0-9]*\.[0-9]* $mo_s [0-9]*$" "$mo_log" | head -n 1 | cut -d: -f1)
		test -n "$mo_at" && test "$mo_at" -gt "$mo_last" || {
			echo "$mo_log: no trace mark $mo_s after line $mo_last"
			return 1
		}
		mo_last=$mo_at
	done
}

# last_mark LOG STAGE : the time of the last trace mark STAGE in LOG.
last_mark() {
	grep "^trace [0-9]*\.[0-9]* $2 [0-9]*$" "$1" | tail -n 1 | cut -d' ' -f2
}

test_expect_success 'both daemons start and say where they listen' '
	(HOTLINE_TRACE=1 && export HOTLINE_TRACE && start_daemon ru-cert) &&
	start_daemon us-cert &&
	grep -q "ready: party ru-cert, peers on https://127.0.0.1:$RU_PORT, operators on $TEST_DIR/ru-cert/hotlined.sock" ru-cert.log &&
	grep -q "ready: party us-cert, peers on https://127.0.0.1:$US_PORT" us-cert.log &&
	test -S ru-cert/hotlined.sock && test -S us-cert/hotlined.sock
'

test_expect_success 'a FLASH report in Arabic goes from ru-cert to us-cert' '
	seed_text | sed "\$a\\" >m1.txt &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang ar - <m1.txt >out 2>err &&
	grep -q "^sent to us-cert as us-cert/out/1 (flash, notify)" out &&
	test ! -s err &&
	wait_for 20 received us-cert ru-cert 1 &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	grep -q "^ru-cert/1  *[0-9T:-]*Z  flash  *notify  *ru-cert#1  *due in" inbox
'

test_expect_success 'us-cert reads exactly the text that was sent' '
	"$HOTLINE" --home us-cert show ru-cert/1 >shown &&
	grep -qx "from:       ru-cert" shown &&
	grep -qx "precedence: flash" shown &&
	body shown ar >got && cmp m1.txt got
'

test_expect_success 'the receipt comes back: ru-cert has nothing in its outbox' '
	wait_for 20 receipted ru-cert us-cert 1 &&
	"$HOTLINE" --home ru-cert status >st &&
	grep -qx "hotlined: running" st &&
	grep -q "^us-cert  *confirmed  *yes  *0  20[0-9-]*T[0-9:]*Z  *0$" st &&
	! grep -q "last error" st &&
	"$HOTLINE" --home ru-cert show us-cert/out/1 >mine &&
	grep -qx "receipted:  yes" mine
'

test_expect_success 'with HOTLINE_TRACE=1 the sender marked the stages of its message in order; the peer, without it, none' '
	marks_in_order ru-cert.log api.read api.parsed send.sealed writer.begin \
		writer.commit courier.built courier.answered courier.receipted &&
	! grep -q "^trace " us-cert.log
'

test_expect_success 'the recipient counts it received and blames nobody' '
	"$HOTLINE" --home us-cert status >st &&
	grep -q "^ru-cert  *confirmed  *not tried  *0  never  *1$" st &&
	! grep -q "NO\|last error" st
'

test_expect_success 'and a FLASH answer in Arabic goes the other way' '
	seed_text | sed "\$a\\" | sed "1s/^/رد: /" >m2.txt &&
	"$HOTLINE" --home us-cert send --to ru-cert --precedence flash --lang ar - <m2.txt >out &&
	grep -q "^sent to ru-cert as ru-cert/out/1 (flash, notify)" out &&
	wait_for 20 received ru-cert us-cert 1 &&
	"$HOTLINE" --home ru-cert show us-cert/1 >shown &&
	grep -qx "from:       us-cert" shown &&
	body shown ar >got && cmp m2.txt got &&
	wait_for 20 receipted us-cert ru-cert 1
'

test_expect_success 'both transcripts verify' '
	"$HOTLINE" --home ru-cert log verify >v1 &&
	grep -q "^us-cert: OK: sent 1 (receipted up to 1, .*received 1 (receipted up to 1" v1 &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	grep -q "^ru-cert: OK: sent 1 (receipted up to 1, .*received 1 (receipted up to 1" v2
'

test_expect_success 'SIGTERM stops a daemon cleanly' '
	stop_daemon us-cert &&
	grep -q "stopping on signal 15" us-cert.log &&
	test ! -e us-cert/hotlined.sock
'

test_expect_success 'with the peer down, five messages wait in the outbox' '
	for i in 1 2 3 4 5; do
		"$HOTLINE" --home ru-cert send --to us-cert --lang en "while you were out $i" >/dev/null ||
		exit 1
	done &&
	"$HOTLINE" --home ru-cert outbox >ob &&
	grep -q "^us-cert: 5 awaiting receipt, [1-9][0-9]* failed attempt(s), last error: " ob &&
	for s in 2 3 4 5 6; do grep -q "^  us-cert/out/$s " ob || exit 1; done &&
	test $(grep -c "^  us-cert/out/" ob) = 5
'

test_expect_success 'status shows the peer unreachable, with the error' '
	expect_code 1 "$HOTLINE" --home ru-cert status >st &&
	grep -q "^us-cert  *confirmed  *NO  *5  " st &&
	grep -q "^    last error: Couldn.t connect to server (attempt [1-9][0-9]*)$" st &&
	grep -q "courier us-cert: Couldn.t connect to server (will retry)" ru-cert.log
'

test_expect_success 'the peer back, all five arrive with nothing else done' '
	(HOTLINE_TRACE=1 && export HOTLINE_TRACE && start_daemon us-cert) &&
	wait_for 75 received us-cert ru-cert 6 &&
	wait_for 20 receipted ru-cert us-cert 6 &&
	for s in 2 3 4 5 6; do
		"$HOTLINE" --home us-cert show ru-cert/$s >shown &&
		test "$(body shown en)" = "while you were out $((s - 1))" || exit 1
	done &&
	grep -q "courier us-cert: reachable again" ru-cert.log &&
	"$HOTLINE" --home ru-cert status >st &&
	grep -q "^us-cert  *confirmed  *yes  *0  " st && ! grep -q "last error" st
'

test_expect_success 'both transcripts still verify' '
	"$HOTLINE" --home ru-cert log verify >v1 &&
	grep -q "^us-cert: OK: sent 6 (receipted up to 6, .*received 1 (receipted up to 1" v1 &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	grep -q "^ru-cert: OK: sent 1 (receipted up to 1, .*received 6 (receipted up to 6" v2
'

test_expect_success 'a second hotlined on the same home refuses to start' '
	expect_code 1 "$HOTLINED" --home us-cert </dev/null >out 2>err &&
	cat err &&
	grep -q "cannot start: another hotlined already serves $TEST_DIR/us-cert/hotlined.sock" err &&
	! grep -q "ready:" err &&
	daemon_running us-cert && test -S us-cert/hotlined.sock
'

test_expect_success 'and the first one still delivers' '
	"$HOTLINE" --home ru-cert send --to us-cert "still there?" >/dev/null &&
	wait_for 20 received us-cert ru-cert 7 &&
	wait_for 20 receipted ru-cert us-cert 7
'

test_expect_success 'the peer marked its stages too, on the clock the sender marks on' '
	marks_in_order us-cert.log peer.push witness.verified witness.committed peer.answered &&
	built=$(last_mark ru-cert.log courier.built) &&
	pushed=$(last_mark us-cert.log peer.push) &&
	committed=$(last_mark us-cert.log witness.committed) &&
	answered=$(last_mark ru-cert.log courier.answered) &&
	echo "$built $pushed $committed $answered" &&
	awk -v a="$built" -v b="$pushed" -v c="$committed" -v d="$answered" \
		"BEGIN { exit !(a <= b && b <= c && c <= d) }"
'

test_expect_success 'hotlined -n checks the configuration, running or not' '
	"$HOTLINED" -n --home ru-cert 2>err && grep -qx "configuration OK" err &&
	stop_daemon ru-cert && stop_daemon us-cert &&
	"$HOTLINED" -n --home us-cert 2>err && grep -qx "configuration OK" err
'

test_done
