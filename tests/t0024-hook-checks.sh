#!/bin/sh
# A broken alarm path is caught early: 'hotlined -n' refuses an
# escalate.command that is not an executable file and an
# escalate.webhook that is not an https:// URL; at run time a hook that
# fails is recorded with its step and shown by 'hotline status' until a
# later step's hooks succeed.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
HOOK_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
cp "$TEST_DIR/us-cert/hotline.conf" "$TEST_DIR/us-cert.conf"

# conf LINES... : us-cert's hotline.conf with these lines added.
conf() {
	cp us-cert.conf us-cert/hotline.conf
	for l in "$@"; do
		echo "$l" >>us-cert/hotline.conf
	done
}

printf '#!/bin/sh\ncat >/dev/null\nexit "$(cat %s/exit)"\n' "$TEST_DIR" >"$TEST_DIR/hook"
chmod +x "$TEST_DIR/hook"
echo 3 >"$TEST_DIR/exit"
echo "not a program" >"$TEST_DIR/notes.txt"

test_expect_success 'hotlined -n refuses an escalate.command that is missing' '
	conf "escalate.command = $TEST_DIR/no-such-hook" &&
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	grep -q "escalate.command $TEST_DIR/no-such-hook: No such file or directory" err
'

test_expect_success 'or not executable, or not a file' '
	conf "escalate.command = $TEST_DIR/notes.txt" &&
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	grep -q "escalate.command $TEST_DIR/notes.txt: not an executable file" err &&
	conf "escalate.command = $TEST_DIR" &&
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	grep -q "not an executable file" err
'

test_expect_success 'hotlined -n refuses a webhook that is not https (but for loopback)' '
	conf "escalate.webhook = http://ops.example/page" &&
	expect_code 1 "$HOTLINED" --home us-cert -n 2>err &&
	grep -q "escalate.webhook http://ops.example/page: not an https:// URL" err &&
	conf "escalate.webhook = https://ops.example/page" &&
	"$HOTLINED" --home us-cert -n 2>err &&
	conf "escalate.webhook = http://127.0.0.1:$HOOK_PORT/page" \
		"escalate.command = $TEST_DIR/hook" &&
	"$HOTLINED" --home us-cert -n 2>err && grep -q "configuration OK" err
'

# A webhook receiver that answers 500 to everything.  (The steps come
# every 2s: a loaded machine may first see step 2 or 3 failing.)
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $ARGV[0],
				      Listen => 8, ReuseAddr => 1) or die;
	while (my $c = $s->accept) {
		my $len = 0;
		while (my $l = <$c>) {
			$len = $1 if $l =~ /^Content-Length:\s*(\d+)/i;
			last if $l =~ /^\r?$/;
		}
		read($c, my $body, $len);
		print $c "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
		close $c;
	}' "$HOOK_PORT" &
echo $! >"$TEST_DIR/.webhook"
trap 'kill $(cat "$TEST_DIR/.webhook") 2>/dev/null; kill_daemons; cleanup' EXIT

failing() {
	{ "$HOTLINE" --home us-cert status >st 2>&1 || test $? -le 2; } && grep -q "^escalation hook failing: $1" st
}

test_expect_success 'a hook that fails at run time shows in status, with its step' '
	conf "ack.flash = 1s" "escalate.every = 2s" "escalate.command = $TEST_DIR/hook" \
		"escalate.webhook = http://127.0.0.1:$HOOK_PORT/page" &&
	start_daemon ru-cert && start_daemon us-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash --lang en \
		"FLASH: test the pager" >/dev/null 2>&1 &&
	wait_for 60 failing "command exit 3, webhook 500 (step [0-9]* of ack-overdue, " &&
	grep -q "escalation hook failing: command exit 3, webhook 500 (step 1 of ack-overdue ru-cert/1)" \
		us-cert.log &&
	test "$(sqlite3 us-cert/hotline.db "SELECT status FROM escalation WHERE step = 0")" = failed
'

test_expect_success 'once a later step succeeds, status no longer shows it' '
	echo 0 >exit &&
	kill "$(cat .webhook)" &&
	stop_daemon us-cert &&
	conf "ack.flash = 1s" "escalate.every = 2s" "escalate.command = $TEST_DIR/hook" &&
	start_daemon us-cert &&
	wait_for 60 sh -c "test \"\$(sqlite3 us-cert/hotline.db \"SELECT status FROM escalation
		WHERE step > 0 AND status = '"'ok'"'\")\" != \"\"" &&
	{ "$HOTLINE" --home us-cert status >st || test $? -le 2; } &&
	! grep -q "hook failing" st
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon us-cert && stop_daemon ru-cert
'

test_done
