#!/bin/sh
# Crash safety: SIGKILL at random moments while envelopes are appended
# and while a witness imports them.  After every kill the store opens,
# 'hotline log verify' passes, every append that was acknowledged as
# durable is there, and every receipt that was written refers only to
# envelopes the witness holds.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
require_tools hl-stress

ROUNDS=${HOTLINE_CRASH_ROUNDS:-8}
KILLS=3		# append kills a round

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
link_pair ru-cert us-cert

# rand LO HI : a random integer in [LO, HI].
rand() {
	echo $(($1 + $(od -An -N4 -tu4 /dev/urandom | tr -d " ") % ($2 - $1 + 1)))
}

# verified FILE PEER FIELD : "sent" or "received" -> "COUNT RECEIPTED",
# as 'hotline log verify' (its output in FILE) found them on link PEER.
# us-cert's counts are read this way, from the log verify that checks
# its store anyway: asking its hotlined (link show) would start it, at
# a second or two each time on a store of thousands of envelopes, and
# with ru-cert's up the courier could then carry what only the batches
# may.
verified() {
	sed -n "s/^$2: OK: .*$3 \([0-9]*\) (receipted up to \([0-9]*\),.*/\1 \2/p" "$1"
}

# kill_after MS PID : SIGKILL to PID, a child of this shell, after MS
# ms if it still runs; returns as soon as it ended (gone, or a zombie
# not yet waited for), not MS ms later.
kill_after() {
	perl -MTime::HiRes=usleep,time -e '
		my ($ms, $pid) = @ARGV; my $end = time + $ms / 1000;
		sub running { open(my $s, "<", "/proc/$pid/stat") or return 0;
			return <$s> !~ /^\d+ \(.*\) [ZX]/ }
		usleep(2000) while time < $end && running();
		kill("KILL", $pid);' "$1" "$2"
	wait "$2" 2>/dev/null || true
}

# stress_killed OUT ERR : hl-stress appends on ru-cert's link until a
# SIGKILL, its acknowledgments ("seq N") in OUT: one time in four at a
# random moment of its first 200 ms (while it opens the store), else 0
# to 5 ms after it acknowledged its Nth append, N from 1 to 50: inside
# an append that follows, at a random point of it.  (A random time of
# up to 700 ms appended a thousand envelopes a kill on a fast machine,
# and every log verify after read them all again; N up to 150 still
# grew the store to some 1500 envelopes, read by 40 log verify runs.
# Where in an append the kill lands does not depend on N.)  Says when
# it killed.
stress_killed() {
	perl -MTime::HiRes=usleep,time -e '
		my ($out, $err, @cmd) = @ARGV;
		my ($early, $n, $t0) = (rand() < 0.25, 1 + int(rand(50)), time);
		my $pid = open(my $p, "-|") // die "fork: $!";
		if (!$pid) {
			open(STDERR, ">", $err) or die "$err: $!";
			exec(@cmd) or die "exec: $!";
		}
		open(my $o, ">", $out) or die "$out: $!";
		my ($k, $how) = (0);
		if ($early) {
			usleep(int(rand(200000)));
			$how = sprintf("%.0f ms after its start", (time - $t0) * 1000);
		} else {
			while (<$p>) { print $o $_; last if ++$k >= $n; }
			usleep(int(rand(5000)));
			$how = "just after its ack $k";
		}
		kill("KILL", $pid);
		# What it acknowledged before the kill, still in the pipe.
		print $o $_ while <$p>;
		close($o) or die; close($p);
		print $how;' "$@"
}

# The log verify after each kill, and the counts read, run with no
# leak check (look): 40 times over, it would find what it finds once in
# the last test, which runs both with it.  After an append killed, the
# count stored is the one that log verify found (verified), as for
# us-cert; ru-cert's hotlined says its own at the end of each round.

# append_killed ROUND KILL : hl-stress appends until a SIGKILL at a
# random moment; checks what it acknowledged against the store.  What
# the store held before is what the last kill left (stored.last): only
# hl-stress appends, batches and receipts leave the count alone.
append_killed() {
	acked=$(cat stored.last 2>/dev/null || look show_field ru-cert us-cert sent | cut -d" " -f1)
	test -n "$acked" || return 1
	how=$(stress_killed "seq.$1.$2" "stress.$1.$2.err" "$TOOLS/hl-stress" append \
		--home ru-cert --link us-cert --count 1000000) || return 1
	! grep -q "Sanitizer\|runtime error" "stress.$1.$2.err" || return 1
	last=$(tail -n 1 "seq.$1.$2" | sed -n "s/^seq //p")
	last=${last:-$acked}
	look "$HOTLINE" --home ru-cert log verify >verify.out || return 1
	sent=$(verified verify.out us-cert sent | cut -d" " -f1)
	test -n "$sent" || return 1
	echo "round $1 kill $2 $how: acknowledged up to $last, stored $sent" |
		tee -a crash.log
	# Each acknowledged append is there; at most one more was
	# committed but not yet acknowledged when the kill came.
	test "$sent" -ge "$last" && test "$sent" -le $((last + 1)) &&
	echo "$sent" >stored.last
}

# import_killed ROUND : the witness imports the round's batch and is
# killed at a random moment, maybe after it finished.  Any receipt it
# wrote must cover only envelopes it holds.
import_killed() {
	rm -f "killed.$1.receipt"
	"$HOTLINE" --home us-cert batch import --link ru-cert --out "killed.$1.receipt" \
		"round.$1.batch" 2>"import.$1.err" &
	pid=$!
	ms=$(rand 10 600)
	kill_after $ms $pid
	! grep -q "Sanitizer\|runtime error" "import.$1.err" || return 1
	look "$HOTLINE" --home us-cert log verify >verify.us || return 1
	got=$(verified verify.us ru-cert received)
	test -n "$got" || return 1
	if [ ! -s "killed.$1.receipt" ]; then
		echo "round $1: import killed after ${ms}ms, before its receipt;" \
			"the witness holds and receipted $got" | tee -a crash.log
		return 0
	fi
	size=$(sed -n 2p "killed.$1.receipt")
	echo "round $1: import killed after ${ms}ms; its receipt covers ${size:-?}," \
		"the witness holds and receipted $got" | tee -a crash.log
	[ -z "$size" ] || { test "${got% *}" -ge "$size" && test "${got#* }" -ge "$size"; }
}

# ru-cert's hotlined, started to send the first message, runs to the
# end and answers for its side (show_field); us-cert's never runs, so
# that only the batches carry the messages.
test_expect_success 'a first batch is cosigned before the crashes begin' '
	send_msg ru-cert us-cert "before" &&
	exchange ru-cert us-cert round.0 &&
	daemon_running ru-cert && ! daemon_running us-cert
'

round=1
while [ $round -le $ROUNDS ]; do
	test_expect_success "round $round: appends killed $KILLS times, then an exchange" '
		k=1 &&
		while [ $k -le $KILLS ]; do
			append_killed $round $k || exit 1
			k=$((k + 1))
		done &&
		"$HOTLINE" --home ru-cert batch export --link us-cert --out round.$round.batch \
			2>/dev/null &&
		if [ $round -lt $ROUNDS ]; then import_killed $round; fi &&
		"$HOTLINE" --home us-cert batch import --link ru-cert --out round.$round.receipt \
			round.$round.batch 2>err &&
		if [ -s killed.$round.receipt ]; then
			size=$(file_size killed.$round.receipt) &&
			head -c $size round.$round.receipt | cmp - killed.$round.receipt
		fi &&
		"$HOTLINE" --home ru-cert batch receipt --link us-cert round.$round.receipt \
			>/dev/null &&
		look "$HOTLINE" --home us-cert log verify >verify.us &&
		s=$(look show_field ru-cert us-cert sent) && r=$(verified verify.us ru-cert received) &&
		test -n "$s" && test "${s#* }" = "${r#* }" && test "${r% *}" -ge "${r#* }"
	'
	round=$((round + 1))
done

test_expect_success 'at the end every envelope is receipted and both logs verify' '
	while "$HOTLINE" --home ru-cert batch export --link us-cert --out last.batch \
		2>err && test -s last.batch; do
		"$HOTLINE" --home us-cert batch import --link ru-cert --out last.receipt \
			last.batch 2>/dev/null &&
		"$HOTLINE" --home ru-cert batch receipt --link us-cert last.receipt >/dev/null &&
		rm -f last.batch || exit 1
	done &&
	grep -q "nothing to send" err &&
	"$HOTLINE" --home ru-cert log verify >verify.ru &&
	"$HOTLINE" --home us-cert log verify >verify.us &&
	s=$(show_field ru-cert us-cert sent) && r=$(verified verify.us ru-cert received) &&
	test -n "$s" && test "${s% *}" = "${s#* }" && test "$s" = "$r" &&
	test "$(verified verify.ru us-cert sent)" = "$s" &&
	echo "${s% *}" >total
'

sed "s/^/# /" "$TEST_DIR/crash.log" 2>/dev/null
echo "# $(cat "$TEST_DIR/total" 2>/dev/null || echo "?") envelopes appended, killed" \
	"$((ROUNDS * KILLS)) times while appending and $((ROUNDS - 1)) times while importing"
test_done
