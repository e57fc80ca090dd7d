#!/bin/sh
# A full disk: what cannot be written is refused with a clear error, and
# nothing already stored is lost.  tests/preload/enospc.so makes every
# write to a party's hotline.db fail with ENOSPC while a flag file
# exists; removing it frees the disk.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

SHIM="$HOTLINE_BUILD/tests/preload/enospc.so"
if [ ! -f "$SHIM" ]; then
	echo "1..0 # SKIP no $SHIM (run make unit first)"
	exit 0
fi
FULL="$TEST_DIR/disk-full"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# received HOME LINK N / receipted HOME LINK N, as in t0010.
received() {
	test "$(show_field "$1" "$2" received)" = "$3 $3"
}
receipted() {
	test "$(show_field "$1" "$2" sent)" = "$3 $3"
}

# status_has PATTERN : ru-cert's status has a line matching PATTERN.
status_has() {
	"$HOTLINE" --home ru-cert status | grep -q "$1"
}

# trail_writes : ru-cert's hotlined acts again.  Once a commit of its
# audit trail failed (a full disk), every action is refused with 503
# until an entry is written again (docs/api.md): a send to no link is
# refused, its refusal an entry; 404, not 503, says actions resume.
trail_writes() {
	curl -s --unix-socket "$TEST_DIR/ru-cert/hotlined.sock" -o /dev/null \
		-w "%{http_code}" --data-binary "{\"to\":\"nobody\",\"text\":\"x\"}" \
		http://hotlined/v1/send | grep -qx 404
}

# hotlined writes what an action sends: ru-cert's runs on the shim while
# the sender's disk fills (us-cert's is down: nothing is delivered yet).
test_expect_success 'the shim fills the disk only while the flag exists' '
	( export HL_ENOSPC_FLAG="$FULL" LD_PRELOAD="$SHIM" \
		ASAN_OPTIONS=verify_asan_link_order=0 && start_daemon ru-cert ) &&
	"$HOTLINE" --home ru-cert send --to us-cert "before" >/dev/null 2>&1 &&
	test "$(show_field ru-cert us-cert sent)" = "1 0"
'

test_expect_success 'a send on a full disk fails, says why, and stores nothing' '
	state ru-cert us-cert >before &&
	touch "$FULL" &&
	expect_code 1 "$HOTLINE" --home ru-cert send --to us-cert \
		--precedence flash "FLASH on a full disk" >out 2>err &&
	grep -q "the database failed" err &&
	rm "$FULL" &&
	state ru-cert us-cert >after &&
	cmp before after
'

test_expect_success 'once there is room the next send takes the next number' '
	wait_for 10 trail_writes &&
	"$HOTLINE" --home ru-cert send --to us-cert "after" >out 2>/dev/null &&
	grep -q "as us-cert/out/2 " out
'

test_expect_success 'a receiver with a full disk does not receipt; the sender keeps it' '
	touch "$FULL" &&
	stop_daemon ru-cert &&
	( export HL_ENOSPC_FLAG="$FULL" LD_PRELOAD="$SHIM" \
		ASAN_OPTIONS=verify_asan_link_order=0 && start_daemon us-cert ) &&
	start_daemon ru-cert &&
	for i in 3 4 5; do
		"$HOTLINE" --home ru-cert send --to us-cert "message $i" >/dev/null 2>&1 || exit 1
	done &&
	wait_for 30 grep -q "database or disk is full" us-cert.log &&
	wait_for 30 status_has "^    last error: .*503" &&
	test "$(show_field ru-cert us-cert sent)" = "5 0" &&
	test "$(show_field us-cert ru-cert received)" = "0 0"
'

test_expect_success 'with room again, everything arrives, once, and is receipted' '
	rm "$FULL" &&
	"$HOTLINE" --home ru-cert send --to us-cert "message 6" >/dev/null 2>&1 &&
	wait_for 60 received us-cert ru-cert 6 &&
	wait_for 60 receipted ru-cert us-cert 6 &&
	"$HOTLINE" --home us-cert log verify --link ru-cert >/dev/null &&
	"$HOTLINE" --home ru-cert log verify --link us-cert >/dev/null &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	test "$(grep -c "^ru-cert/[0-9]" inbox)" = 6
'

test_expect_success 'the operator API answers 503 on a full disk and keeps nothing' '
	touch "$FULL" &&
	stop_daemon ru-cert &&
	( export HL_ENOSPC_FLAG="$FULL" LD_PRELOAD="$SHIM" \
		ASAN_OPTIONS=verify_asan_link_order=0 && start_daemon ru-cert ) &&
	perl -MIO::Socket::UNIX -e '"'"'
		my $b = "{\"to\":\"us-cert\",\"text\":\"via the API\"}";
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		print $s "POST /v1/send HTTP/1.1\r\nHost: x\r\nContent-Length: " . length($b) .
			"\r\nConnection: close\r\n\r\n$b";
		local $/; my $r = <$s>; print $r;'"'"' "$TEST_DIR/ru-cert/hotlined.sock" >out &&
	head -n 1 out | grep -q "^HTTP/1.1 503" &&
	grep -q "database" out &&
	rm "$FULL" &&
	test "$(show_field ru-cert us-cert sent)" = "6 6"
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
