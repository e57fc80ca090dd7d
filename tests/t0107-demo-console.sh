#!/bin/sh
# make demo KEEP=1 (tools/demo.sh on the build under test): after its
# tour it prints us-cert's console address and a one-time login for
# its duty officer; the login works and the console is served; both
# daemons keep running, Enter sends a FLASH from ru-cert that arrives
# at us-cert; a signal (Ctrl-C, or here SIGTERM) stops both daemons
# and removes the demo's folder.
. "$(dirname "$0")/test-lib.sh"

# The demo's input: Enter is a line written to fd 3.  Opened read and
# write, the FIFO never reads as ended while the test holds it.
mkfifo "$TEST_DIR/enter"
exec 3<>"$TEST_DIR/enter"

# Whatever happens, the demo (and so its daemons) is stopped at the end.
stop_demo() {
	sd_pid=$(cat "$TEST_DIR/demo.pid" 2>/dev/null) || return 0
	kill -TERM "$sd_pid" 2>/dev/null || return 0
	sd_n=0
	while kill -0 "$sd_pid" 2>/dev/null && [ $sd_n -lt 100 ]; do
		sleep 0.1
		sd_n=$((sd_n + 1))
	done
}
trap 'stop_demo; cleanup' EXIT

# demo_says PATTERN : the demo's output has a line matching PATTERN.
demo_says() {
	grep -q -- "$1" "$TEST_DIR/demo.out"
}

test_expect_success 'the demo runs its tour, then keeps its daemons running' '
	KEEP=1 TMPDIR="$TEST_DIR" sh "$SRC_DIR/tools/demo.sh" "$HOTLINE_BUILD" \
		<enter >demo.out 2>&1 &
	echo $! >demo.pid &&
	wait_for 90 demo_says "keep running (KEEP=1) until Ctrl-C" &&
	! demo_says "^== Done" &&
	demo_says "proof OK" &&
	ls -d hotline-demo.* >demo.dir && test "$(wc -l <demo.dir)" = 1
'

DEMO="$TEST_DIR/$(cat "$TEST_DIR/demo.dir" 2>/dev/null)"

test_expect_success 'it prints the console address and a one-time login' '
	cat demo.out &&
	sed -n "s|^  address: *https://127.0.0.1:\([0-9]*\)/$|\1|p" demo.out >port &&
	test -s port &&
	sed -n "s|^  one-time login: *https://127.0.0.1:$(cat port)/#ticket=\([0-9a-f]\{64\}\)$|\1|p" \
		demo.out >ticket &&
	test "$(wc -l <ticket)" = 1 &&
	grep -q "^console.root = $SRC_DIR/console$" "$DEMO/us-cert/hotline.conf"
'

# us METHOD PATH [CURL ARGS...] : a request to us-cert's console.
us() {
	us_m=$1 us_p=$2
	shift 2
	curl -s --cacert "$DEMO/us-cert/tls.crt" --resolve "us-cert:$(cat port):127.0.0.1" \
		-X "$us_m" -o reply -w "%{http_code}" -b jar -c jar "$@" \
		"https://us-cert:$(cat port)$us_p" >code
}

test_expect_success 'the login logs in the duty officer, once; the console is served' '
	us POST /v1/login -H "Content-Type: application/json" \
		--data-binary "{\"ticket\":\"$(cat ticket)\"}" &&
	test "$(cat code)" = 200 && grep -q "\"name\":\"ana\"" reply &&
	us GET /v1/whoami && test "$(cat code)" = 200 &&
	us GET / && test "$(cat code)" = 200 && grep -qi "<html" reply &&
	us POST /v1/login -H "Content-Type: application/json" \
		--data-binary "{\"ticket\":\"$(cat ticket)\"}" &&
	test "$(cat code)" = 401
'

test_expect_success 'Enter sends a FLASH from ru-cert, which arrives at us-cert' '
	echo >&3 &&
	wait_for 30 demo_says "^sent to us-cert as us-cert/out/4 (flash" &&
	wait_for 30 sh -c "\"$HOTLINE\" --home \"$DEMO/us-cert\" inbox | grep -q \"^ru-cert/4 .* flash\""
'

test_expect_success 'a signal stops both daemons and removes the folder' '
	pid=$(cat demo.pid) &&
	ps -o pid= --ppid "$pid" >kids && test "$(wc -l <kids)" -ge 2 &&
	kill -TERM "$pid" &&
	wait_for 30 sh -c "! kill -0 $pid" &&
	for k in $(cat kids); do ! kill -0 "$k" 2>/dev/null || exit 1; done &&
	test ! -e "$DEMO"
'

test_done
