#!/bin/sh
# Sends from many clients at once, for long enough to cross several
# seconds: requests read the clock in parallel and reach the log in
# queue order, so the writer must never date a message before the one
# it follows.  The witness refuses such an envelope (protocol.md 9.5),
# and then nothing after it would ever be receipted.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

APISEND="$HOTLINE_BUILD/tests/tools/hl-apisend"
if [ ! -x "$APISEND" ]; then
	echo "1..0 # SKIP no $APISEND (run make unit first)"
	exit 0
fi
RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

test_expect_success 'thirty-two clients send for three seconds' '
	start_daemon ru-cert && start_daemon us-cert &&
	"$APISEND" --home "$TEST_DIR/ru-cert" --to us-cert --clients 32 --seconds 3 >rate &&
	cat rate && grep -q "(failed 0)" rate
'

# all_receipted : every message ru-cert sent is receipted by us-cert.
all_receipted() {
	set -- $(show_field ru-cert us-cert sent)
	test "$1" -gt 0 && test "$1" = "$2"
}

test_expect_success 'every one is receipted, none refused for its date' '
	wait_for 120 all_receipted &&
	! grep -q "is dated" us-cert.log &&
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
