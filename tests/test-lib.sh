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
# output is kept and shown as TAP comments when the test fails.  With
# TEST_TIMES=1 in the environment, each test's wall time follows it as
# a TAP comment ("# took 1234 ms"), to find where a slow test spends it.
set -u

TEST_NAME=$(basename "$0" .sh)
SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)
: "${HOTLINE_BUILD:=$SRC_DIR/build}"
HOTLINE_BUILD=$(cd "$HOTLINE_BUILD" 2>/dev/null && pwd || echo "$HOTLINE_BUILD")
HOTLINE="$HOTLINE_BUILD/hotline"
HOTLINED="$HOTLINE_BUILD/hotlined"
# Test data lives in the repository, never beside it.
SEEDS="$SRC_DIR/tests/data"

# test_tmpdir : where the scratch folders go: $TEST_TMPDIR if set, else
# /dev/shm where it is a tmpfs that runs programs, else $TMPDIR or /tmp.
# hotlined syncs its store at every commit and init syncs a dozen
# files: on a disk each fsync waited 10 ms, and far more while others
# wrote, most of many a test's time.  On a tmpfs it returns at once, and
# no test shows less for it: a crash here is a SIGKILL, which the page
# cache survives, and a full disk is tests/preload/enospc.so.
test_tmpdir() {
	if [ -n "${TEST_TMPDIR:-}" ]; then
		echo "$TEST_TMPDIR"
	elif awk '$2 == "/dev/shm" && $3 == "tmpfs" && $4 !~ /noexec/ { f = 1 }
		END { exit !f }' /proc/mounts 2>/dev/null && [ -w /dev/shm ]; then
		echo /dev/shm
	else
		echo "${TMPDIR:-/tmp}"
	fi
}
TEST_DIR=$(mktemp -d "$(test_tmpdir)/$TEST_NAME.XXXXXX")
unset HOTLINE_HOME
export LC_ALL=C.UTF-8

test_count=0
test_failed=0

cleanup() {
	[ -n "${KEEP:-}" ] && { echo "# kept $TEST_DIR"; return; }
	pg_schemas_drop
	[ -n "${TEST_DIR:-}" ] && rm -rf "$TEST_DIR"
}

# With HOTLINE_TEST_ENGINE=postgresql, each party new_party makes keeps
# its store in a schema of its own in the test cluster ($HOTLINE_TEST_PG),
# dropped at the end (t0246 runs tests so).
pg_schemas_drop() {
	[ -f "${TEST_DIR:-}/.pg_schemas" ] || return 0
	while read -r pd_schema; do
		psql -X -q "$HOTLINE_TEST_PG" -c "DROP SCHEMA IF EXISTS $pd_schema CASCADE" \
			>/dev/null 2>&1
	done <"$TEST_DIR/.pg_schemas"
}
trap cleanup EXIT

if [ ! -x "$HOTLINE" ] || [ ! -x "$HOTLINED" ]; then
	echo "1..0 # SKIP no binaries in $HOTLINE_BUILD (run make first)"
	exit 0
fi

# $HOTLINE is a wrapper of $HOTLINE_BUILD/hotline that leaves the leak
# check (an ASan build's LeakSanitizer, at exit) on for the first run of
# each command in a test ("link show", "batch import", "send") and
# turns it off for the repeats.  A leak check costs as much as the rest
# of a short command again, and the tests run the CLI thousands of
# times, mostly the same few commands: each command a test uses is
# still leak checked in it, and hotlined and the test tools are at
# every run.  CLI_LEAKS=all in the environment checks every run.  A
# caller's own detect_leaks=0 (look, wait_for) is kept, and that run is
# not the one checked.
mkdir "$TEST_DIR/.bin" "$TEST_DIR/.leaks"
{
	printf '#!/bin/sh\nhl_bin=%s hl_seen=%s\n' "'$HOTLINE'" "'$TEST_DIR/.leaks'"
	cat <<'EOF'
# The command's words: up to two, after the global options.
k= skip=
for a; do
	if [ -n "$skip" ]; then skip=; continue; fi
	case $a in
	--home|--lang) [ -n "$k" ] && break; skip=1 ;;
	-*) [ -n "$k" ] && break ;;
	''|*[!a-z-]*) break ;;
	*) k=${k:+$k-}$a; [ "${k#*-}" = "$k" ] || break ;;
	esac
done
case ${ASAN_OPTIONS-} in
*detect_leaks=0*) ;;
*)
	if [ "${CLI_LEAKS-}" != all ] && [ -e "$hl_seen/${k:-none}" ]; then
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
	else
		: >"$hl_seen/${k:-none}" 2>/dev/null
	fi ;;
esac
exec "$hl_bin" "$@"
EOF
} >"$TEST_DIR/.bin/hotline"
chmod 0755 "$TEST_DIR/.bin" "$TEST_DIR/.bin/hotline"
HOTLINE="$TEST_DIR/.bin/hotline"

# What a failed step said, and the last lines of each daemon's log, for
# the test's standard error: prove shows it without -v (the TAP comments
# on standard output it hides), so a CI log explains a failure.
test_failure_said() {
	echo "# $TEST_NAME: not ok $test_count - $1; its output:"
	tail -n 40 "$TEST_DIR/.log" | sed 's/^/#   /'
	for tf_log in "$TEST_DIR"/*.log; do
		[ -f "$tf_log" ] || continue
		echo "# the last lines of ${tf_log##*/}:"
		tail -n 20 "$tf_log" | sed 's/^/#   /'
	done
}

test_expect_success() {
	test_count=$((test_count + 1))
	[ -z "${TEST_TIMES:-}" ] || te_start=$(date +%s%N)
	if (cd "$TEST_DIR" && set -e && eval "$2") >"$TEST_DIR/.log" 2>&1; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		sed 's/^/#   /' "$TEST_DIR/.log"
		test_failure_said "$1" >&2
	fi
	[ -z "${TEST_TIMES:-}" ] ||
		echo "# took $((($(date +%s%N) - te_start) / 1000000)) ms"
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

# flip_offsets FILE STEP : the offsets of FILE's bytes for a test to
# change one at a time: every STEP-th byte, and the first and last byte
# of every line and its newline, so that each line, however short, and
# each line break is tried (a stride alone skips a short line).
flip_offsets() {
	perl -e 'local $/; open(my $f, "<:raw", $ARGV[0]) or die; my $d = <$f>;
		my ($at, %o) = (0);
		for (my $i = 0; $i < length($d); $i += $ARGV[1]) { $o{$i} = 1 }
		for my $l (split /(?<=\n)/, $d) {
			my $n = length($l);
			@o{$at, $at + $n - 1} = (1, 1);
			$o{$at + $n - 2} = 1 if $n > 1 && substr($l, -1) eq "\n";
			$at += $n;
		}
		print join(" ", sort { $a <=> $b } keys %o), "\n"' "$1" "$2"
}

# flip_each IN STEP FROM TO DIR : DIR/I for every I of flip_offsets IN
# STEP outside [FROM, TO) (0 0: none left out): IN with one bit of byte
# I changed, all written by one perl run.
flip_each() {
	mkdir -p "$5" &&
	perl -e 'my ($in, $from, $to, $dir, @at) = @ARGV; local $/;
		open(my $f, "<:raw", $in) or die; my $d = <$f>;
		for my $i (@at) {
			next if $i >= $from && $i < $to;
			my $b = $d; substr($b, $i, 1) ^= "\x01";
			open(my $o, ">:raw", "$dir/$i") or die; print $o $b; close($o);
		}' "$1" "$3" "$4" "$5" $(flip_offsets "$1" "$2")
}

# file_size FILE
file_size() {
	wc -c <"$1" | tr -d ' '
}

# new_party NAME PORT : creates a party in $TEST_DIR/NAME.
new_party() {
	"$HOTLINE" init --name "$1" --home "$TEST_DIR/$1" --listen "127.0.0.1:$2" >/dev/null ||
		return 1
	[ "${HOTLINE_TEST_ENGINE:-}" = postgresql ] || return 0
	np_schema=$(basename "$0" .sh | cut -d- -f1)_$(echo "$1" | tr -c 'a-z0-9\n' _)_$$
	echo "$np_schema" >>"$TEST_DIR/.pg_schemas" &&
	psql -X -q -v ON_ERROR_STOP=1 "$HOTLINE_TEST_PG" -c "CREATE SCHEMA $np_schema" &&
	echo "store = $HOTLINE_TEST_PG options=-csearch_path=$np_schema" \
		>>"$TEST_DIR/$1/hotline.conf"
}

# seed_text : an Arabic report of about 2 kB (tests/data/report-ar.txt,
# in the repository: no test reads anything outside it).
seed_text() {
	cat "$SEEDS/report-ar.txt"
}

# --- Daemons -------------------------------------------------------------
#
# A party NAME lives in $TEST_DIR/NAME; its hotlined logs to
# $TEST_DIR/NAME.log (appended to across restarts), its pid is in
# $TEST_DIR/NAME.pid while it runs, and its exit status lands in
# $TEST_DIR/NAME.rc when it ends.  Every daemon still running when the
# test ends is killed by the exit trap.

# free_port : prints a TCP port on 127.0.0.1 that nothing listens on,
# a different one at each call within a test.  The search starts at a
# place derived from the test's pid, so tests run side by side (prove
# -j) look in different places, below the kernel's ephemeral range.
free_port() {
	last=$(cat "$TEST_DIR/.port" 2>/dev/null || echo $((20000 + ($$ * 37) % 12000)))
	port=$last
	while :; do
		port=$((port + 1))
		[ "$port" -lt 32000 ] || port=20000
		if perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(
			LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
			Listen => 1, ReuseAddr => 1)' "$port"; then
			break
		fi
	done
	echo "$port" >"$TEST_DIR/.port"
	echo "$port"
}

# jq_ PERL-EXPR : what EXPR gives of the JSON on standard input ($j),
# "null" when it gives nothing.
jq_() {
	perl -MJSON::PP -e 'local $/; my $j = JSON::PP->new->utf8->decode(<STDIN>);
		my $v = eval $ARGV[0]; print defined $v ? $v : "null"' "$1"
}

# hl NAME ARGS... : runs hotline for party NAME, its standard error
# kept in $TEST_DIR/NAME.err.
hl() {
	hl_who=$1
	shift
	"$HOTLINE" --home "$TEST_DIR/$hl_who" "$@" 2>"$TEST_DIR/$hl_who.err"
}

# look CMD... : CMD with no leak check at its exit, which under ASan
# doubles the time of a short command: for the reads a test repeats to
# compare states or pick what to act on (link show, log verify, case
# list), where the same commands run with leak checks elsewhere in it.
# What a test acts with or proves keeps them.
look() {
	(
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		"$@"
	)
}

# event_hook HOOK EVENTS : makes HOOK an escalation command that appends
# each event JSON it is given, and a newline, to EVENTS.
event_hook() {
	printf '#!/bin/sh\n{ cat; echo; } >>"%s"\n' "$2" >"$1" &&
	chmod +x "$1"
}

# count_lines PATTERN FILE : how many lines of FILE match PATTERN (0 if
# there is no FILE).
count_lines() {
	cl_n=$(grep -c -- "$1" "$2" 2>/dev/null || :)
	echo "${cl_n:-0}"
}

# daemon_running NAME : true while NAME's hotlined runs.
daemon_running() {
	[ -f "$TEST_DIR/$1.pid" ] && [ ! -f "$TEST_DIR/$1.rc" ]
}

# wait_for SECONDS CMD... : runs CMD until it succeeds, after 0.1 s,
# 0.2 s, 0.4 s, then every 0.5 s; fails when SECONDS have passed
# without success.  CMD is often a few sanitized CLI runs: polled every
# 0.2 s through a long wait, those took more CPU than the test, and on
# 2 cores starved the daemons it waited for.  A CMD that took under
# 20 ms (a grep of a log) is run again every 0.1 s all along: at
# the slower pace, a wait of a second overran by half a second on
# average, which twenty takeovers in a row (t0243) added up.  Leak
# checks, which cost as much again at each exit, are off in CMD (the
# same commands run with them elsewhere in the tests).
wait_for() {
	uptime_cs
	wf_until=$((up_cs + $1 * 100))
	wf_nap=0.1
	wf_asan=${ASAN_OPTIONS-}
	shift
	export ASAN_OPTIONS="${wf_asan:+$wf_asan:}detect_leaks=0"
	while uptime_cs && wf_began=$up_cs && ! "$@" >/dev/null 2>&1; do
		uptime_cs
		if [ "$up_cs" -ge "$wf_until" ]; then
			echo "gave up waiting for: $*"
			ASAN_OPTIONS=$wf_asan
			return 1
		fi
		if [ $((up_cs - wf_began)) -le 1 ]; then
			sleep 0.1
			continue
		fi
		sleep $wf_nap
		case $wf_nap in 0.1) wf_nap=0.2 ;; 0.2) wf_nap=0.4 ;; *) wf_nap=0.5 ;; esac
	done
	ASAN_OPTIONS=$wf_asan
}

# uptime_cs : sets up_cs to the time since boot in hundredths of a
# second, starting no process (wait_for reads it twice a poll); from
# date, to the second, where /proc/uptime cannot be read.
uptime_cs() {
	if read -r up_cs up_idle </proc/uptime 2>/dev/null; then
		up_cs=${up_cs%.*}${up_cs#*.}
	else
		up_cs=$(($(date +%s) * 100))
	fi
}

# start_daemon NAME : starts hotlined for party NAME and waits up to
# 10 s for its readiness line, looked for every 50 ms (a grep of the
# log); fails with its log shown otherwise.
# With SD_NODE set, hotlined is that node of the party (--node), and a
# node's "standby:" line is as good as ready.
start_daemon() {
	sd_log="$TEST_DIR/$1.log"
	sd_line="ready:"
	[ -z "${SD_NODE:-}" ] || sd_line="ready:\|standby:"
	if daemon_running "$1"; then
		echo "hotlined $1 is already running"
		return 1
	fi
	rm -f "$TEST_DIR/$1.pid" "$TEST_DIR/$1.rc"
	sd_ready=$(count_lines "$sd_line" "$sd_log")
	# The wrapper waits for the daemon to record its exit status; its
	# watchdog kills the daemon when the test's shell ($$) is gone,
	# however that ended (even by SIGKILL, where no trap runs).
	sh -c '"$0" --home "$1" ${6:+--node "$6"} </dev/null >>"$2" 2>&1 &
		d=$!; echo $d >"$3.tmp"; mv "$3.tmp" "$3"
		(while kill -0 "$5" && kill -0 $d; do sleep 1; done; kill -KILL $d) &
		w=$!; wait $d; rc=$?; kill $w
		echo $rc >"$4.tmp"; mv "$4.tmp" "$4"' \
		"$HOTLINED" "$TEST_DIR/$1" "$sd_log" "$TEST_DIR/$1.pid" "$TEST_DIR/$1.rc" $$ \
		"${SD_NODE:-}" \
		</dev/null >/dev/null 2>&1 &
	uptime_cs
	sd_until=$((up_cs + 1000))
	while [ "$(count_lines "$sd_line" "$sd_log")" -le "$sd_ready" ]; do
		uptime_cs
		if [ -f "$TEST_DIR/$1.rc" ] || [ "$up_cs" -ge "$sd_until" ]; then
			echo "hotlined $1 did not start (exit status $(cat "$TEST_DIR/$1.rc" 2>/dev/null || echo none)); its log:"
			sed 's/^/  /' "$sd_log" 2>/dev/null
			kill_daemon "$1" 2>/dev/null
			return 1
		fi
		sleep 0.05
	done
}

# FAKETIME_LIB: libfaketime's thread-safe build, for hotlined.  The
# plain one rereads its clock into static buffers without a lock, and
# a thread of a busy daemon then reads a wrong time (the real one, or
# garbage) once in a few thousand calls: a frozen clock that jumps.
FAKETIME_LIB='/usr/$LIB/faketime/libfaketimeMT.so.1'

# start_daemon_at SPAN NAME : start_daemon NAME with its clock SPAN
# seconds ahead ("+1200"), through libfaketime: the desk in hotlined
# says what is due and overdue by its own clock, so a test of a
# deadline past moves that clock, not the CLI's.
start_daemon_at() {
	(
		export LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$1"
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
		start_daemon "$2"
	)
}

# start_daemon_frozen NAME EPOCH : start_daemon NAME with its wall
# clock stopped at EPOCH (seconds), and moved only by clock_set: a test
# of waits of minutes (a login's backoff) takes none of them, and knows
# hotlined's time to the second (a TOTP code for it is exact).
# libfaketime rereads $TEST_DIR/NAME.clock at every call; the monotonic
# clock stays the real one, so hotlined's timers and polls run as usual.
start_daemon_frozen() {
	clock_set "$1" "$2" &&
	(
		export LD_PRELOAD="$FAKETIME_LIB" \
			FAKETIME_TIMESTAMP_FILE="$TEST_DIR/$1.clock" FAKETIME_FMT=%s \
			FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1
		unset FAKETIME
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
		start_daemon "$1"
	)
}

# at_clock SPAN CMD... : runs CMD with its wall clock SPAN seconds
# ahead ("+10") through libfaketime: a command that must give the same
# answer later shows it without a test sleeping for it.
at_clock() {
	(
		export LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$1"
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
		shift
		"$@"
	)
}

# clock_set NAME EPOCH : NAME's frozen clock (start_daemon_frozen) reads
# EPOCH from now on; clock_now NAME prints what it reads.
clock_set() {
	echo "$2" >"$TEST_DIR/$1.clock.tmp" && mv "$TEST_DIR/$1.clock.tmp" "$TEST_DIR/$1.clock"
}
clock_now() {
	cat "$TEST_DIR/$1.clock"
}

# only_daemon_at SPAN NAME : NAME's hotlined the one running, its clock
# SPAN seconds ahead (start_daemon_at), for a listing of what is overdue
# then; stop it after (stop_daemon), before only_daemon NAME.
only_daemon_at() {
	for oda_pid in "$TEST_DIR"/*.pid; do
		[ -f "$oda_pid" ] || continue
		oda_name=$(basename "$oda_pid" .pid)
		if daemon_running "$oda_name"; then
			stop_daemon "$oda_name" || return 1
		fi
	done
	start_daemon_at "$1" "$2"
}

# daemon_wait NAME : waits up to 30 s for NAME's hotlined to exit;
# prints its exit status.  The status file is looked for every 20 ms, a
# poll that starts no process but sleep (the deadline is uptime_cs'):
# at every 0.1 s, each stop and kill waited 50 ms after the exit on
# average, and t0243's twenty kills, and every test's stops, added up.
daemon_wait() {
	uptime_cs
	dw_until=$((up_cs + 3000))
	while [ ! -f "$TEST_DIR/$1.rc" ]; do
		uptime_cs
		if [ ! -f "$TEST_DIR/$1.pid" ] || [ "$up_cs" -ge "$dw_until" ]; then
			echo "hotlined $1 did not exit" >&2
			return 1
		fi
		sleep 0.02
	done
	cat "$TEST_DIR/$1.rc"
}

# stop_daemon NAME : stops NAME's hotlined with SIGTERM; fails unless it
# exits 0 after logging "stopped".
stop_daemon() {
	if ! daemon_running "$1"; then
		echo "hotlined $1 is not running"
		return 1
	fi
	kill -TERM "$(cat "$TEST_DIR/$1.pid")"
	sd_rc=$(daemon_wait "$1") || { kill_daemon "$1"; return 1; }
	rm -f "$TEST_DIR/$1.pid"
	if [ "$sd_rc" -ne 0 ] || ! tail -n 1 "$TEST_DIR/$1.log" | grep -q "stopped$"; then
		echo "hotlined $1 exited with $sd_rc; its log ends:"
		tail -n 30 "$TEST_DIR/$1.log" | sed 's/^/  /'
		return 1
	fi
}

# kill_daemon NAME : kills NAME's hotlined with SIGKILL, as a crash would.
kill_daemon() {
	if daemon_running "$1"; then
		kill -KILL "$(cat "$TEST_DIR/$1.pid")" 2>/dev/null
		daemon_wait "$1" >/dev/null
	fi
	rm -f "$TEST_DIR/$1.pid"
}

# hl_up NAME ARGS... : "$HOTLINE" --home $TEST_DIR/NAME ARGS, with
# NAME's hotlined running: started for that one command (and stopped
# after) when it was not.  Commands that ask hotlined (link, proof
# export) use it in tests that otherwise run no daemon.  Exits as the
# command did.
hl_up() {
	hu_who=$1
	shift
	hu_started=
	if ! daemon_running "$hu_who"; then
		start_daemon "$hu_who" >&2 || return 1
		hu_started=$hu_who
	fi
	if "$HOTLINE" --home "$TEST_DIR/$hu_who" "$@"; then hu_rc=0; else hu_rc=$?; fi
	if [ -n "$hu_started" ]; then
		stop_daemon "$hu_started" >&2 || return 1
	fi
	return $hu_rc
}

# with_daemons NAME... : starts the hotlined of each NAME that does not
# run yet; end_daemons stops those it started.  For a few commands in a
# row that ask hotlined (linking two parties, in a test that starts
# its daemons later or never).
with_daemons() {
	for wd_n in "$@"; do
		daemon_running "$wd_n" && continue
		start_daemon "$wd_n" >&2 || return 1
		wd_started="${wd_started-} $wd_n"
	done
}
end_daemons() {
	for wd_n in ${wd_started-}; do
		stop_daemon "$wd_n" >&2 || return 1
	done
	wd_started=
}

# link_both A B : A and B add each other's cards and confirm the link,
# through their daemons (started for it when they are not running).
link_both() {
	with_daemons "$1" "$2" &&
	"$HOTLINE" --home "$TEST_DIR/$1" link add "$2" --card "$TEST_DIR/$2/card" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$2" link add "$1" --card "$TEST_DIR/$1/card" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$1" link confirm "$2" --fingerprint \
		"$("$HOTLINE" fingerprint "$TEST_DIR/$2/card" | cut -c1-35)" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$2" link confirm "$1" --fingerprint \
		"$("$HOTLINE" fingerprint "$TEST_DIR/$1/card" | cut -c1-35)" >/dev/null
	lb_rc=$?
	end_daemons || return 1
	return $lb_rc
}

# linked_pair A PORTA B PORTB : creates parties A and B listening on
# their ports, and links them both ways, confirmed by fingerprint.
linked_pair() {
	new_party "$1" "$2" && new_party "$3" "$4" && link_both "$1" "$3"
}

# only_daemon NAME : makes NAME's hotlined the one running in this test
# (stopping the others, starting NAME's unless it runs), for tests that
# act through the operator API but carry messages by batch: with one
# daemon up, none reaches its peer over the network.
only_daemon() {
	for od_pid in "$TEST_DIR"/*.pid; do
		[ -f "$od_pid" ] || continue
		od_name=$(basename "$od_pid" .pid)
		[ "$od_name" = "$1" ] && continue
		if daemon_running "$od_name"; then
			stop_daemon "$od_name" || return 1
		fi
	done
	daemon_running "$1" || start_daemon "$1"
}

# no_daemons : stops every hotlined of this test that runs, cleanly.
no_daemons() {
	for nd_pid in "$TEST_DIR"/*.pid; do
		[ -f "$nd_pid" ] || continue
		nd_name=$(basename "$nd_pid" .pid)
		if daemon_running "$nd_name"; then
			stop_daemon "$nd_name" || return 1
		fi
	done
}

# with_daemon NAME CMD... : runs CMD with NAME's hotlined up, started
# for it (and stopped after it) unless it ran already: an action through
# the operator API, carried to the peer by hand rather than delivered
# (while the peer's daemon is down).
with_daemon() {
	wd_who=$1
	shift
	wd_started=
	if ! daemon_running "$wd_who"; then
		start_daemon "$wd_who" || return 1
		wd_started=1
	fi
	"$@"
	wd_rc=$?
	if [ -n "$wd_started" ]; then
		stop_daemon "$wd_who" || return 1
	fi
	return $wd_rc
}

# kill_daemons : the exit trap's part: no daemon outlives its test.
kill_daemons() {
	for kd_pid in "$TEST_DIR"/*.pid; do
		[ -f "$kd_pid" ] || continue
		kd_name=$(basename "$kd_pid" .pid)
		daemon_running "$kd_name" && kill_daemon "$kd_name"
	done
	return 0
}
trap 'kill_daemons; cleanup' EXIT
# dash runs no EXIT trap when a signal ends it: exit, so that it does.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

