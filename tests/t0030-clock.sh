#!/bin/sh
# Clock discipline on the wire: a witness refuses an envelope dated more
# than clock.skew ahead of its own clock, or before its predecessor in
# the same log; the refusal is logged with both times, and the sender's
# courier shows the reason in status.  Batch import keeps the same rule.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

# The daemon runs threads: the multi-threaded library, preloaded directly.

# sent_at OFFSET WHO TEXT : WHO sends TEXT to us-cert through its own
# hotlined, started for it with its clock OFFSET (libfaketime's
# FAKETIME: "+3600", "-3d"; "" for the true time): hotlined dates what
# it signs.
sent_at() {
	(
		if [ -n "$1" ]; then
			export FAKETIME="$1" LD_PRELOAD="$FAKETIME_LIB" \
				ASAN_OPTIONS=verify_asan_link_order=0
		fi
		with_daemon "$2" "$HOTLINE" --home "$2" send --to us-cert --lang en "$3"
	) >/dev/null
}

TIME_RE='[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:]\{8\}Z'
linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"
new_party fr-cert "$(free_port)"
link_pair fr-cert us-cert

test_expect_success 'a message sealed by a clock an hour fast' '
	sent_at "" ru-cert "on time" &&
	sent_at +3600 ru-cert "from the future" &&
	hl_up ru-cert outbox >ob && cat ob &&
	grep -q "^us-cert: 2 awaiting receipt" ob
'

test_expect_success 'is refused by the witness, logged with both times' '
	start_daemon us-cert &&
	start_daemon ru-cert &&
	wait_for 20 grep -q "refused (422): push from ru-cert: envelope 2 is dated" us-cert.log &&
	grep "refused (422)" us-cert.log | head -n 1 >line && cat line &&
	grep -q "envelope 2 is dated $TIME_RE, more than 5m ahead of our clock ($TIME_RE)" line &&
	test "$(show_field us-cert ru-cert received)" = "0 0"
'

test_expect_success 'and the sender'"'"'s status shows why' '
	wait_for 20 grep -q "courier us-cert: HTTP 422: push from ru-cert: envelope 2" ru-cert.log &&
	{ "$HOTLINE" --home ru-cert status >st || test $? -le 2; } && cat st &&
	grep -q "last error: HTTP 422: push from ru-cert: envelope 2 is dated $TIME_RE, more than 5m ahead of our clock" st &&
	test "$(show_field ru-cert us-cert sent)" = "2 0"
'

test_expect_success 'a witness whose clock has caught up takes both' '
	stop_daemon us-cert &&
	# timeout: it cannot outlive a failed test (test-lib does not know it).
	# Started alone, not at the end of an && list: "&" would put the whole
	# list in the background, and $! would not be the timeout of the daemon.
	{ timeout 60 env FAKETIME=+3600 LD_PRELOAD="$FAKETIME_LIB" \
		ASAN_OPTIONS=verify_asan_link_order=0 \
		"$HOTLINED" --home "$TEST_DIR/us-cert" </dev/null >us-cert-late.log 2>&1 & }
	late=$! &&
	wait_for 20 grep -q "ready:" us-cert-late.log &&
	# ru-cert was refused at every try since the second test: its courier
	# is in backoff, which grows with how long those tests took.  Asked
	# to try now, it does not make the wait depend on the machine.
	curl -sf --unix-socket ru-cert/hotlined.sock -X POST http://hotlined/v1/wake >/dev/null &&
	wait_for 20 grep -q "peer ru-cert: stored 2 message(s)" us-cert-late.log &&
	kill -TERM $late && wait $late &&
	{ "$HOTLINE" --home ru-cert status >st || test $? -le 2; } && cat st &&
	wait_for 20 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"2 2\"" &&
	stop_daemon ru-cert
'

test_expect_success 'a message dated before its predecessor is refused' '
	sent_at "" fr-cert "maintenant" &&
	sent_at -3600 fr-cert "hier" &&
	start_daemon us-cert &&
	start_daemon fr-cert &&
	wait_for 20 grep -q "refused (422): push from fr-cert: envelope 2 is dated" us-cert.log &&
	grep "refused (422): push from fr-cert" us-cert.log | head -n 1 >line && cat line &&
	grep -q "envelope 2 is dated $TIME_RE, before envelope 1 ($TIME_RE)" line &&
	wait_for 20 grep -q "courier us-cert: HTTP 422: push from fr-cert: envelope 2" fr-cert.log &&
	{ "$HOTLINE" --home fr-cert status >st || test $? -le 2; } && cat st &&
	grep -q "last error: HTTP 422: .*before envelope 1" st &&
	test "$(show_field us-cert fr-cert received)" = "0 0" &&
	stop_daemon fr-cert && stop_daemon us-cert
'

test_expect_success 'batch import: the same rule, said on the command line' '
	"$HOTLINE" --home fr-cert batch export --link us-cert --out back.batch 2>/dev/null &&
	expect_code 1 "$HOTLINE" --home us-cert batch import --link fr-cert --out r back.batch \
		2>err && cat err &&
	grep -q "back.batch: refused: envelope 2 is dated $TIME_RE, before envelope 1" err &&
	test "$(show_field us-cert fr-cert received)" = "0 0"
'

test_expect_success 'batch import: an old file is fine, one from the future is not' '
	new_party de-cert "$(free_port)" &&
	link_pair de-cert us-cert &&
	sent_at -3d de-cert "alt" &&
	"$HOTLINE" --home de-cert batch export --link us-cert --out old.batch 2>/dev/null &&
	"$HOTLINE" --home us-cert batch import --link de-cert --out r old.batch 2>err &&
	test "$(show_field us-cert de-cert received)" = "1 1" &&
	sent_at +600 de-cert "bald" &&
	"$HOTLINE" --home de-cert batch export --link us-cert --out new.batch 2>/dev/null &&
	expect_code 1 "$HOTLINE" --home us-cert batch import --link de-cert --out r new.batch \
		2>err && cat err &&
	grep -q "new.batch: refused: envelope 2 is dated $TIME_RE, more than 5m ahead" err &&
	test "$(show_field us-cert de-cert received)" = "1 1"
'

test_expect_success 'clock.skew is the witness'"'"'s to set' '
	printf "clock.skew = 15m\n" >>us-cert/hotline.conf &&
	"$HOTLINE" --home us-cert batch import --link de-cert --out r new.batch 2>err &&
	test "$(show_field us-cert de-cert received)" = "2 2" &&
	sed -i "s/^clock.skew = 15m$/clock.skew = soon/" us-cert/hotline.conf &&
	expect_code 1 "$HOTLINE" --home us-cert log verify 2>err && cat err &&
	grep -q "clock.skew" err
'

test_done
