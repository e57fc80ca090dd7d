#!/bin/sh
# A trail that cannot be written: with the disk full, every action is
# refused (503, nothing done) rather than done unrecorded; reads go on;
# once the disk has room, the next entry is written and actions resume.
# tests/preload/enospc.so makes writes to hotline.db fail while a flag
# file exists.
. "$(dirname "$0")/test-lib.sh"

SHIM="$HOTLINE_BUILD/tests/preload/enospc.so"
if [ ! -f "$SHIM" ]; then
	echo "1..0 # SKIP no $SHIM (run make unit first)"
	exit 0
fi
FULL="$TEST_DIR/disk-full"
PORT=$(free_port)
new_party eg-cert "$PORT"
SOCK="$TEST_DIR/eg-cert/hotlined.sock"

# send TO : POST /v1/send to TO; the body in reply, the status in code.
send() {
	curl -s --unix-socket "$SOCK" -o reply -w '%{http_code}' \
		-H 'Content-Type: application/json' \
		--data-binary "{\"to\":\"$1\",\"text\":\"x\"}" http://hotlined/v1/send >code
}

test_expect_success 'hotlined starts on a disk that can fill' '
	( export HL_ENOSPC_FLAG="$FULL" LD_PRELOAD="$SHIM" \
		ASAN_OPTIONS=verify_asan_link_order=0 && start_daemon eg-cert ) &&
	send nobody && test "$(cat code)" = 404
'

# refused_now STATUS : a send to no link now answers STATUS.
refused_now() {
	send nobody && test "$(cat code)" = "$1"
}

# (The listing first waits for the trail to write what it was given, so
# that the disk fills after the first entry is written, however loaded
# the machine.)
test_expect_success 'disk full: the refusal is given, then every action is refused' '
	hl eg-cert audit --json >/dev/null &&
	touch "$FULL" &&
	send nobody && test "$(cat code)" = 404 &&
	wait_for 10 refused_now 503 &&
	send nobody && test "$(cat code)" = 503 &&
	grep -q "the audit trail cannot be written" reply &&
	grep -q "nothing was done" reply
'

test_expect_success 'reads go on: the trail still lists what it holds' '
	hl eg-cert audit --json >out &&
	test "$(wc -l <out)" = 1 && grep -q "\"seq\":1," out
'

test_expect_success 'room again: the next entry is written and actions resume' '
	rm "$FULL" &&
	wait_for 10 refused_now 404 &&
	hl eg-cert audit verify >out && grep -q "^audit trail OK" out &&
	stop_daemon eg-cert
'

test_done
