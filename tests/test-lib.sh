# test-lib.sh - sourced by every tests/tNNNN-*.sh integration test.
#
# Gives each test a private scratch folder (removed on exit), the paths
# of the binaries under test ($HOTLINE, $HOTLINED; the build in
# $HOTLINE_BUILD, by default ./build), and git-style TAP helpers:
#
#   test_expect_success 'what it shows' 'shell commands'
#   test_done
#
# Inside a test body, commands run with 'set -e' from $TEST_DIR; their
# output is kept and shown as TAP comments when the test fails.
set -u

TEST_NAME=$(basename "$0" .sh)
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
: "${HOTLINE_BUILD:=$SRC_DIR/build}"
HOTLINE_BUILD=$(cd "$HOTLINE_BUILD" 2>/dev/null && pwd || echo "$HOTLINE_BUILD")
HOTLINE="$HOTLINE_BUILD/hotline"
HOTLINED="$HOTLINE_BUILD/hotlined"
SEEDS="${HOTLINE_SEEDS:-$SRC_DIR/../shared/seeds}"
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$TEST_NAME.XXXXXX")
unset HOTLINE_HOME
export LC_ALL=C.UTF-8

test_count=0
test_failed=0

cleanup() {
	[ -n "${TEST_DIR:-}" ] && rm -rf "$TEST_DIR"
}
trap cleanup EXIT

if [ ! -x "$HOTLINE" ] || [ ! -x "$HOTLINED" ]; then
	echo "1..0 # SKIP no binaries in $HOTLINE_BUILD (run make first)"
	exit 0
fi

test_expect_success() {
	test_count=$((test_count + 1))
	if (cd "$TEST_DIR" && set -e && eval "$2") >"$TEST_DIR/.log" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.log"
	fi
}

test_done() {
	echo "1..$test_count"
	[ "$test_failed" -eq 0 ]
}

# expect_code N cmd... : runs cmd, fails unless it exits with N.
expect_code() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "expected exit $want, got $got: $*"
		return 1
	fi
}

# flip_byte IN OFFSET OUT : OUT is IN with one bit of byte OFFSET changed.
flip_byte() {
	perl -e 'local $/; open(my $f, "<:raw", $ARGV[0]) or die; my $d = <$f>;
		substr($d, $ARGV[1], 1) ^= "\x01"; open(my $o, ">:raw", $ARGV[2]) or die;
		print $o $d' "$1" "$2" "$3"
}

# file_size FILE
file_size() {
	wc -c <"$1" | tr -d ' '
}

# new_party NAME PORT : creates a party in $TEST_DIR/NAME.
new_party() {
	"$HOTLINE" init --name "$1" --home "$TEST_DIR/$1" --listen "127.0.0.1:$2" >/dev/null
}

# seed_text : the Arabic report, or a fixed Arabic sentence without it.
seed_text() {
	f=$(ls "$SEEDS"/000_*.txt 2>/dev/null | head -n 1)
	if [ -n "$f" ]; then
		cat "$f"
	else
		printf 'أكد السفير أن البلدين يحافظان على تعاون نشط في مجال الأمن السيبراني.\n'
	fi
}
