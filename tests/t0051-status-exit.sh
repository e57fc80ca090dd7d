#!/bin/sh
# hotline status exits as a monitoring plugin does: 0 OK, 1 WARNING
# (something overdue), 2 CRITICAL (a link in alarm), 3 UNKNOWN
# (hotlined not running), and prints the same as JSON with --json.  The
# desk in hotlined says what is late by its own clock: a test of a
# deadline past moves that clock (start_daemon_at) and the CLI's.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"

# later SPAN PARTY ARGS... : hotline as PARTY, SPAN seconds from now
# ("+1200"), through at_clock.
later() {
	l_span=$1
	l_who=$2
	shift 2
	at_clock "$l_span" "$HOTLINE" --home "$TEST_DIR/$l_who" "$@"
}

# link_is PARTY KEY VALUE : PARTY's status --json says KEY is VALUE for
# its first link.
link_is() {
	"$HOTLINE" --home "$TEST_DIR/$1" status --json >"$TEST_DIR/li.json" 2>/dev/null
	test "$(jfield "$TEST_DIR/li.json" links 0 "$2")" = "$3"
}

# jfield FILE KEY... : the value at that path of the JSON in FILE.
jfield() {
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", shift) or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		for my $k (@ARGV) { $j = ref $j eq "ARRAY" ? $j->[$k] : $j->{$k} }
		print JSON::PP->new->allow_nonref->encode($j), "\n"' "$@"
}

test_expect_success 'without hotlined: 3 UNKNOWN, in the table and in JSON' '
	expect_code 3 hl eg-cert status >out &&
	grep -qx "hotlined: NOT RUNNING (nothing is delivered)" out &&
	expect_code 3 hl eg-cert status --json >j &&
	test "$(wc -l <j)" = 1 &&
	test "$(jfield j hotlined)" = false && test "$(jfield j level)" = "\"unknown\"" &&
	test "$(jfield j party)" = "\"eg-cert\"" && test "$(jfield j links)" = "[]" &&
	expect_code 3 hl eg-cert status --bogus
'

test_expect_success 'both running, nothing late: 0 OK' '
	start_daemon eg-cert && start_daemon ru-cert &&
	hl eg-cert send --to ru-cert --precedence flash "test" >/dev/null &&
	wait_for 20 link_is ru-cert received 1 && wait_for 20 link_is eg-cert outbox 0 &&
	expect_code 0 hl ru-cert status >out && grep -q "^hotlined: running" out &&
	expect_code 0 hl ru-cert status --json >j &&
	test "$(jfield j level)" = "\"ok\"" && test "$(jfield j links 0 received)" = 1 &&
	test "$(jfield j links 0 reachable)" = "\"not-tried\"" &&
	expect_code 0 hl eg-cert status --json >j &&
	test "$(jfield j links 0 reachable)" = "\"yes\""
'

test_expect_success 'an acknowledgment overdue: 1 WARNING on both sides' '
	stop_daemon ru-cert && start_daemon_at +1200 ru-cert &&
	expect_code 1 later +1200 ru-cert status >out &&
	grep -q "OVERDUE: 1 received message" out &&
	expect_code 1 later +1200 ru-cert status --json >j &&
	test "$(jfield j level)" = "\"warning\"" &&
	test "$(jfield j links 0 overdue_received)" = 1 &&
	stop_daemon eg-cert && start_daemon_at +1200 eg-cert &&
	expect_code 1 later +1200 eg-cert status --json >j &&
	test "$(jfield j links 0 overdue_sent)" = 1 &&
	hl ru-cert ack eg-cert/1 "read" >/dev/null &&
	wait_for 20 link_is ru-cert outbox 0 &&
	expect_code 0 later +1200 ru-cert status
'

test_expect_success 'a message of ours not receipted in time: 1 WARNING' '
	stop_daemon ru-cert &&
	hl eg-cert send --to ru-cert --precedence routine "late" >/dev/null &&
	stop_daemon eg-cert && start_daemon_at +259200 eg-cert &&
	expect_code 1 later +259200 eg-cert status >out &&
	grep -q "LATE: 1 of our messages not receipted" out &&
	stop_daemon eg-cert
'

# Equivocation, through batches: us-nrrc receives two different message 1.
new_party ru-nrrc "$(free_port)"
new_party us-nrrc "$(free_port)"

test_expect_success 'evidence of equivocation: 2 CRITICAL' '
	link_pair ru-nrrc us-nrrc &&
	cp -a ru-nrrc snap &&
	send_msg ru-nrrc us-nrrc "A" && exchange ru-nrrc us-nrrc eqA &&
	stop_daemon ru-nrrc &&
	rm -rf ru-nrrc && cp -a snap ru-nrrc &&
	send_msg ru-nrrc us-nrrc "B" && stop_daemon ru-nrrc &&
	"$HOTLINE" --home ru-nrrc batch export --link us-nrrc --out eqB.batch 2>/dev/null &&
	expect_code 1 "$HOTLINE" --home us-nrrc batch import --link ru-nrrc \
		--out eqB.receipt eqB.batch 2>/dev/null &&
	only_daemon us-nrrc &&
	expect_code 2 hl us-nrrc status >out &&
	grep -q "ALARM: 1 equivocation record" out &&
	expect_code 2 hl us-nrrc status --json >j &&
	test "$(jfield j level)" = "\"critical\"" && test "$(jfield j links 0 evidence)" = 1 &&
	stop_daemon us-nrrc
'

test_done
