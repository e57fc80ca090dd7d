#!/bin/sh
# README's five-minute tour runs as written.  The commands are taken
# from README.md itself: each code block after a '<!-- tour: PARTY -->'
# comment, its '$ ' lines, run at PARTY, or at the party a line ends
# with '(at PARTY)'; other words in parentheses after a command are
# comments.  They run in order, in one scratch folder, with the build's
# binaries first on PATH and HOTLINE_HOME the party's home, and each
# must succeed.
#
# What the test supplies, because a reader does it by hand:
#   - the ports of --listen: free ones instead of 7441 and 7442;
#   - after the inits, each party's card copied to NAME.card (the
#     cards "swapped out of band"), and both hotlined started ("each
#     runs hotlined");
#   - the fingerprint of 'link confirm NAME' read from NAME.card, as
#     the peer reads it aloud;
#   - 'hotline watch' stopped after 3 s (a reader interrupts it);
#   - before a command at one party that follows one at the other, a
#     wait until every message has been delivered and receipted both
#     ways (a reader waits for the message to arrive).
# Each command but init runs under tests/preload/opens.so: none may open
# a party's store or keys (only hotlined does).  Then the outcomes the
# tour shows: the sent FLASH, the acknowledgment, the operator named in
# the timeline and in the proof, the proofs OK.
. "$(dirname "$0")/test-lib.sh"

ME=$(id -un)
OPENS="$HOTLINE_BUILD/tests/preload/opens.so"
TOUR="$TEST_DIR/tour"
mkdir "$TOUR"
PATH="$HOTLINE_BUILD:$PATH"
export PATH

# The tour's commands, one a line: PARTY, a tab, the command, a tab,
# the first line README shows of its output (or nothing).
perl -ne '
	if (/^<!-- tour: ([a-z0-9-]+)/) { $party = $1; $want = 1; next }
	if ($want && /^    /) {
		$in = 1;
		s/^    //; chomp;
		if ($cont ne "" || s/^\$ //) {
			$cont .= $_;
			next if $cont =~ s/\\$//;
			my $at = $cont =~ s/\s{2,}\(at ([a-z0-9-]+)\)\s*$// ? $1 : $party;
			$cont =~ s/\s{2,}\(.*\)\s*$//;
			$cont =~ s/\s+/ /g;
			push @cmds, [$at, $cont, ""];
			$cont = "";
			$first = 1;
		} elsif ($first) {
			$cmds[-1][2] = $_ unless $_ eq "...";
			$first = 0;
		}
		next;
	}
	next if /^\s*$/;
	($want, $in, $first) = (0, 0, 0) if $in || !/^<!--/;
	END { print join("\t", @$_), "\n" for @cmds }
' "$SRC_DIR/README.md" >"$TEST_DIR/tour.cmds"

# same_line A B : lines A and B are the same but for times, fingerprints,
# paths, group message ids, numbers and spacing (README shows a run on another day, under
# /root/.hotline).
same_line() {
	perl -e '
		sub norm {
			local $_ = shift;
			s/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/TIME/g;
			s/\d{5}( \d{5}){5}/FINGERPRINT/g;
			s{(^|\s)/\S+}{$1PATH}g;
			s/\b[0-9a-f]{32}\b/GROUPID/g;
			s/\d+/N/g;
			s/\s+/ /g; s/^ | $//g;
			$_
		}
		exit(norm($ARGV[0]) ne norm($ARGV[1]))' "$1" "$2" ||
	{ echo "README shows: $1"; echo "hotline says: $2"; return 1; }
}

for p in ru-cert us-cert; do
	eval "PORT_$(echo $p | tr - _)=$(free_port)"
done

test_expect_success 'README has a tour: two inits, links, a send, an ack, a proof, the audit' '
	cat tour.cmds &&
	test "$(cut -f2 tour.cmds | grep -c "^hotline init ")" = 2 &&
	grep -q "^us-cert	hotline ack " tour.cmds &&
	grep -q "^ru-cert	hotline proof verify " tour.cmds &&
	grep -q "^ru-cert	hotline audit check-proof " tour.cmds
'

# settled : every message sent either way is delivered and receipted
# (no link of either party has one awaiting its receipt).
settled() {
	hl ru-cert outbox >settled.ru && hl us-cert outbox >settled.us &&
	! cat settled.ru settled.us | grep -v ": 0 awaiting"
}

# run_at N PARTY COMMAND [SHOWN] : the tour's command N, as a reader
# types it, with the test's few substitutions; its output in TOUR/out.N,
# its first line SHOWN, when README shows one.
run_at() {
	ra_port=$(eval echo "\$PORT_$(echo "$2" | tr - _)")
	ra_cmd=$(printf '%s\n' "$3" | sed "s/--listen 127\.0\.0\.1:[0-9]*/--listen 127.0.0.1:$ra_port/")
	case $ra_cmd in
	"hotline link confirm "*)
		ra_peer=$(echo "$ra_cmd" | cut -d" " -f4)
		ra_fp=$(hotline fingerprint "$TOUR/$ra_peer.card" | cut -c1-35)
		ra_cmd=$(printf '%s\n' "$ra_cmd" | sed "s/--fingerprint \"[0-9 ]*\"/--fingerprint \"$ra_fp\"/")
		;;
	"hotline watch"*)
		ra_cmd="timeout 3 $ra_cmd" ;;
	esac
	echo "at $2: $ra_cmd"
	(cd "$TOUR" && HOTLINE_HOME="$TEST_DIR/$2" && export HOTLINE_HOME &&
		case $ra_cmd in
		"hotline init "*) ;;
		*) export LD_PRELOAD="$OPENS" HL_OPENS_LOG="$TEST_DIR/opened" \
			ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" ;;
		esac &&
		eval "$ra_cmd") </dev/null >"$TOUR/out.$1" 2>&1
	ra_rc=$?
	cat "$TOUR/out.$1"
	case $ra_cmd in
	"timeout 3 hotline watch"*) [ $ra_rc = 124 ] ;;
	*) [ $ra_rc = 0 ] ;;
	esac &&
	if [ -n "${4:-}" ]; then same_line "$4" "$(head -n 1 "$TOUR/out.$1")"; fi
}

# quote WORDS : WORDS as one single-quoted shell word.
quote() {
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

n=0
last=
up=
while IFS='	' read -r party cmd shown <&3; do
	n=$((n + 1))
	case $cmd in
	"hotline init "*) ;;
	*)
		if [ -z "$up" ]; then
			test_expect_success 'the cards are swapped; each party runs hotlined' '
				cp ru-cert/card tour/ru-cert.card &&
				cp us-cert/card tour/us-cert.card &&
				start_daemon ru-cert && start_daemon us-cert
			'
			up=1
		elif [ "$party" != "$last" ]; then
			test_expect_success "before $party acts: every message so far delivered and receipted" '
				daemon_running ru-cert && daemon_running us-cert &&
				wait_for 30 settled
			'
		fi
		;;
	esac
	last=$party
	test_expect_success "tour $n at $party: \$ $cmd" \
		"run_at $n $party $(quote "$cmd") $(quote "$shown")"
done 3<"$TEST_DIR/tour.cmds"

test_expect_success 'the FLASH went out and opened a case' '
	grep -q "^sent to us-cert as us-cert/out/1 (flash, notify)" tour/out.* &&
	grep -q "^case ru-cert#1 opened" tour/out.*
'

test_expect_success 'us-cert acknowledged it; ru-cert sees the ack, naming its operator' '
	grep -q "^acknowledged ru-cert/1 (flash): sent as ru-cert/out/1" tour/out.* &&
	hl ru-cert show us-cert/1 >ack &&
	grep -q "by $ME (" ack &&
	hl ru-cert show us-cert/out/1 >flash &&
	grep -q "^acknowledgment: *acked" flash
'

test_expect_success 'the proof verifies, naming the operator who sent the FLASH' '
	grep -l "^proof OK" tour/out.* >verified && test "$(wc -l <verified)" = 1 &&
	grep -q "by $ME (" "$(cat verified)" &&
	grep -q "^audit trail OK" tour/out.* &&
	grep -q "^audit proof OK" tour/out.*
'

test_expect_success 'no command after init opened a store or a key: hotlined did' '
	test -f "$OPENS" && test ! -s opened
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
