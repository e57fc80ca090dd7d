#!/bin/sh
# Escalation: a FLASH message not acknowledged in time runs the hooks at
# each step of the ladder, exactly once a step, and an ack stops it.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
HOOK_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# us-cert's duty desk: two seconds to acknowledge a FLASH, a step each
# three seconds after that (time enough for an ack under a loaded
# machine); the command and a webhook both record each event.
event_hook "$TEST_DIR/hook" "$TEST_DIR/events"
cat >>"$TEST_DIR/us-cert/hotline.conf" <<CONF
ack.flash = 2s
escalate.every = 3s
escalate.ladder = duty-officer, supervisor, policy-contact
escalate.command = $TEST_DIR/hook
escalate.webhook = http://127.0.0.1:$HOOK_PORT/page
CONF

# A webhook receiver: appends each POSTed body, answers 204.
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
				      Listen => 8, ReuseAddr => 1) or die;
	while (my $c = $s->accept) {
		my ($len, $body) = (0, "");
		while (my $l = <$c>) {
			$len = $1 if $l =~ /^Content-Length:\s*(\d+)/i;
			last if $l =~ /^\r?$/;
		}
		read($c, $body, $len);
		open(my $f, ">>", $ARGV[1]); print $f "$body\n"; close $f;
		print $c "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n";
		close $c;
	}' "$HOOK_PORT" "$TEST_DIR/webhook" &
echo $! >"$TEST_DIR/.webhook"
trap 'kill $(cat "$TEST_DIR/.webhook") 2>/dev/null; kill_daemons; cleanup' EXIT

start_daemon ru-cert
start_daemon us-cert

# steps FILE SEQ : the steps recorded for ack-overdue of ru-cert/SEQ.
steps() {
	grep "\"event\":\"ack-overdue\"" "$1" 2>/dev/null | grep "\"message\":\"ru-cert/$2\"" |
		sed 's/.*"step":\([0-9]*\).*/\1/' | tr '\n' ' '
}

# has_steps FILE SEQ WANT : the steps recorded are exactly WANT.
has_steps() {
	test "$(steps "$1" "$2")" = "$3"
}

test_expect_success 'an unacknowledged FLASH climbs the ladder, once a step' '
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: attack on the grid" >/dev/null 2>&1 &&
	wait_for 20 has_steps events 1 "1 2 3 " &&
	sleep 2.5 &&
	test "$(steps events 1)" = "1 2 3 " &&
	test "$(steps webhook 1)" = "1 2 3 "
'

test_expect_success 'step k runs escalate.every x (k - 1) after the deadline' '
	for k in 1 2 3; do
		late=$(grep "\"message\":\"ru-cert/1\"" events | grep "\"step\":$k," |
			sed "s/.*\"late_seconds\":\([0-9]*\).*/\1/") &&
		test "$late" -ge $((3 * (k - 1))) || return 1
	done
'

test_expect_success 'each event names the step, the message and how late it is' '
	grep "\"step\":2" events | grep -q "\"step_name\":\"supervisor\"" &&
	grep "\"step\":1" events | grep "\"party\":\"us-cert\"" | grep "\"side\":\"received\"" |
		grep "\"precedence\":\"flash\"" | grep -q "\"late_seconds\":[0-9]" &&
	grep -q "escalation: ack-overdue ru-cert/1, .* step 3 (policy-contact): command exit 0, webhook 204" \
		us-cert.log
'

test_expect_success 'an acknowledgment stops the ladder' '
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: second attack" >/dev/null 2>&1 &&
	wait_for 20 has_steps events 2 "1 " &&
	"$HOTLINE" --home us-cert ack ru-cert/2 "on it" >/dev/null 2>&1 &&
	sleep 4.5 &&
	test "$(steps events 2)" = "1 "
'

test_expect_success 'the sender, with the default deadlines, escalates nothing' '
	! grep -q escalation ru-cert.log
'

test_expect_success 'a restart does not run a step twice' '
	stop_daemon us-cert && start_daemon us-cert &&
	sleep 2.5 &&
	test "$(steps events 1)" = "1 2 3 " && test "$(steps events 2)" = "1 "
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
