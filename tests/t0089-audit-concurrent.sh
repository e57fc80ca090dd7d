#!/bin/sh
# Many operators at once: sixteen clients send through the API together
# for two seconds; every send that was answered is one entry of the
# trail, numbered without a gap, and the trail verifies.
. "$(dirname "$0")/test-lib.sh"

APISEND="$HOTLINE_BUILD/tests/tools/hl-apisend"
if [ ! -x "$APISEND" ]; then
	echo "1..0 # SKIP no $APISEND (run make unit first)"
	exit 0
fi
RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# The links were added and confirmed through hotlined: their entries
# come first, B of them.
test_expect_success 'sixteen clients send at once' '
	start_daemon ru-cert &&
	hl ru-cert audit --json >before &&
	"$APISEND" --home "$TEST_DIR/ru-cert" --to us-cert --clients 16 --seconds 2 >rate &&
	cat rate && grep -q "(failed 0)" rate
'
B=$(wc -l <"$TEST_DIR/before")

# sent : how many sends hl-apisend had answered with 200.
sent() {
	sed -n "s/^sent \([0-9]*\) .*/\1/p" rate
}

test_expect_success 'each answered send is one entry, numbered without a gap' '
	test "$(sent)" -gt 0 &&
	hl ru-cert audit --json --after $B --limit 1000 >trail &&
	perl -MJSON::PP -ne "BEGIN { \$n = $B } my \$e = decode_json(\$_);
		die qq(gap at \$n\n) unless \$e->{seq} == ++\$n;
		die qq(not a send\n) unless \$e->{action} eq q(/v1/send) && \$e->{status} == 200;
		END { print \$n - $B }" trail >count &&
	if [ "$(sent)" -le 1000 ]; then test "$(cat count)" = "$(sent)"; fi
'

test_expect_success 'the trail verifies, and its size is the sends' '
	hl ru-cert audit verify --json >out &&
	grep -q "\"ok\":true" out && grep -q "\"entries\":$((B + $(sent)))," out &&
	stop_daemon ru-cert
'

test_done
