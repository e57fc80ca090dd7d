#!/bin/sh
# Crashes: a daemon killed with SIGKILL in the middle of a burst of a
# thousand messages loses nothing and stores nothing twice; once it is
# back, every message is delivered exactly once and receipted.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-burst

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# received_count HOME LINK : how many messages HOME has received on LINK.
received_count() {
	show_field "$1" "$2" received | cut -d" " -f1
}

# all_done N : us-cert holds N messages from ru-cert, all receipted, and
# ru-cert has had all N receipted.
all_done() {
	test "$(show_field us-cert ru-cert received)" = "$1 $1" &&
	test "$(show_field ru-cert us-cert sent)" = "$1 $1"
}

# wake NAME : asks NAME's hotlined to deliver now, as 'hotline send' does.
wake() {
	curl -sf --unix-socket "$TEST_DIR/$1/hotlined.sock" -X POST \
		http://hotlined/v1/wake >/dev/null
}

# exactly_once N : us-cert's inbox lists seq 1 to N from ru-cert, each once.
exactly_once() {
	"$HOTLINE" --home us-cert inbox --link ru-cert | sed 1d | cut -d" " -f1 >ids &&
	test "$(wc -l <ids)" -eq "$1" &&
	test "$(sort -u ids | wc -l)" -eq "$1" &&
	seq 1 "$1" | sed "s|^|ru-cert/|" >want && cmp want ids
}

# more_lines PATTERN FILE N : more than N lines of FILE match PATTERN.
more_lines() {
	test "$(count_lines "$1" "$2")" -gt "$3"
}

# a_moment : sleeps up to 0.3 s, so that a kill lands anywhere in a push.
a_moment() {
	sleep "$(perl -e 'printf "%.2f", rand 0.3')"
}

# burst_text HOME ID : the text of message ID that HOME shows.
burst_text() {
	"$HOTLINE" --home "$1" show "$2" | sed "1,/^text \[en\]:\$/d"
}

test_expect_success 'both daemons start' '
	start_daemon ru-cert && start_daemon us-cert
'

test_expect_success 'the receiver killed with -9 in the middle of a 1,000 burst' '
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 1000 --tag first \
		>burst.out 2>&1 &
	burst=$! &&
	wait_for 60 more_lines "peer ru-cert: stored" us-cert.log 0 &&
	a_moment && kill_daemon us-cert &&
	wait $burst && grep -qx "sent 1000" burst.out &&
	got=$(received_count us-cert ru-cert) &&
	echo "us-cert had $got of 1000 when killed" &&
	test "$got" -gt 0 && test "$got" -lt 1000 &&
	# At least that many wait for their receipt: more when the kill
	# fell between the commit of a push and its answer.
	"$HOTLINE" --home ru-cert outbox --link us-cert >ob &&
	waiting=$(sed -n "s/^us-cert: \([0-9]*\) awaiting receipt.*/\1/p" ob) &&
	echo "ru-cert awaits $waiting receipts" &&
	test "$waiting" -ge $((1000 - got))
'

test_expect_success 'restarted, it gets the rest, each message exactly once' '
	start_daemon us-cert && wake ru-cert &&
	wait_for 90 all_done 1000 &&
	exactly_once 1000 &&
	test "$(burst_text us-cert ru-cert/1)" = "first 1 of 1000" &&
	test "$(burst_text us-cert ru-cert/617)" = "first 617 of 1000" &&
	test "$(burst_text us-cert ru-cert/1000)" = "first 1000 of 1000"
'

test_expect_success 'the sender has no outbox left, and both logs verify' '
	"$HOTLINE" --home ru-cert outbox >ob &&
	grep -qx "us-cert: 0 awaiting receipt, 0 failed attempt(s)" ob &&
	test "$(wc -l <ob)" -eq 1 &&
	"$HOTLINE" --home ru-cert log verify >v1 &&
	grep -q "^us-cert: OK: sent 1000 (receipted up to 1000, " v1 &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	grep -q "^ru-cert: OK: sent 0 (.*received 1000 (receipted up to 1000, " v2 &&
	! grep -q EVIDENCE v1 v2
'

test_expect_success 'the sender killed with -9 in the middle of a second burst' '
	stored=$(count_lines "peer ru-cert: stored" us-cert.log)
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 1000 --tag second \
		>burst.out 2>&1 &
	burst=$! &&
	wait_for 60 more_lines "peer ru-cert: stored" us-cert.log "$stored" &&
	a_moment && kill_daemon ru-cert &&
	wait $burst && grep -qx "sent 1000" burst.out &&
	got=$(received_count us-cert ru-cert) &&
	echo "us-cert had $got of 2000 when ru-cert was killed" &&
	test "$got" -gt 1000 && test "$got" -lt 2000
'

test_expect_success 'restarted, it delivers the rest and nothing is stored twice' '
	start_daemon ru-cert && wake ru-cert &&
	wait_for 90 all_done 2000 &&
	exactly_once 2000 &&
	test "$(burst_text us-cert ru-cert/1001)" = "second 1 of 1000" &&
	test "$(burst_text us-cert ru-cert/2000)" = "second 1000 of 1000" &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	grep -q "^ru-cert: OK: sent 0 (.*received 2000 (receipted up to 2000, " v2 &&
	"$HOTLINE" --home ru-cert log verify >v1 &&
	grep -q "^us-cert: OK: sent 2000 (receipted up to 2000, " v1 &&
	! grep -q EVIDENCE v1 v2 &&
	! grep -q "equivocat" us-cert.log
'

# The sender dies after the peer stored a push but before the receipt
# was stored: played out by carrying the push by hand, with the
# sender's own certificate, while its daemon is down.
test_expect_success 'a push stored by the peer, its receipt lost with the sender' '
	kill_daemon ru-cert &&
	"$TOOLS/hl-burst" --home ru-cert --link us-cert --count 100 --tag third >burst.out &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out lost.batch 2>err &&
	grep -q "100 message(s) in the batch" err &&
	code=$(curl -sk --cert ru-cert/tls.crt --key ru-cert/tls.key -o cosig \
		-w "%{http_code}" -H "Content-Type: application/x.hotline.push" \
		--data-binary @lost.batch "https://127.0.0.1:$US_PORT/hotline/v1/push") &&
	test "$code" = 200 && grep -q "^— us-cert " cosig &&
	test "$(show_field us-cert ru-cert received)" = "2100 2100" &&
	# Read with ru-cert still down: a daemon started to show it would
	# deliver at once, and the courier may be done before the CLI asks.
	"$HOTLINE" --home ru-cert log verify --link us-cert >v1 &&
	grep -q "^us-cert: OK: sent 2100 (receipted up to 2000, " v1
'

test_expect_success 'restarted, the sender pushes them again: stored once' '
	start_daemon ru-cert &&
	wait_for 90 all_done 2100 &&
	exactly_once 2100 &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	grep -q "^ru-cert: OK: sent 0 (.*received 2100 (receipted up to 2100, " v2 &&
	"$HOTLINE" --home ru-cert log verify >v1 &&
	grep -q "^us-cert: OK: sent 2100 (receipted up to 2100, " v1 &&
	! grep -q EVIDENCE v1 v2 &&
	wait_for 10 grep -q "peer ru-cert: stored .* receipted up to 2100$" us-cert.log &&
	test "$(grep -c "peer ru-cert: stored .* receipted up to 2100$" us-cert.log)" = 1
'

test_expect_success 'both stop cleanly after all that' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
