#!/bin/sh
# The courier serves its links side by side (protocol.md 10.8): a peer
# that stops answering (a frozen process, whose kernel still accepts
# the connection) holds up no other link, and a send on one link leaves
# every other link's backoff as it was.  The hub's wall clock is frozen
# (start_daemon_frozen): a backoff then never runs out by itself, so
# every attempt it makes is one a wake asked for.
. "$(dirname "$0")/test-lib.sh"

PEERS="a-frozen b-cert c-cert d-cert e-cert"
HEALTHY="b-cert c-cert d-cert"
new_party hub "$(free_port)"
for p in $PEERS; do
	new_party "$p" "$(free_port)"
done

# link_value NAME KEY : what the hub's status --json says of link NAME's KEY.
link_value() {
	{ "$HOTLINE" --home "$TEST_DIR/hub" status --json >"$TEST_DIR/lv.json" 2>/dev/null ||
		test $? -le 2; } &&
	jq_ '(grep { $_->{name} eq "'"$1"'" } @{$j->{links}})[0]->{'"$2"'}' <"$TEST_DIR/lv.json"
}

# receipted NAME... : the hub's outbox to each NAME is empty.
receipted() {
	"$HOTLINE" --home "$TEST_DIR/hub" status --json >"$TEST_DIR/rc.json" 2>/dev/null ||
		test $? -le 2
	for r_n in "$@"; do
		test "$(jq_ '(grep { $_->{name} eq "'"$r_n"'" } @{$j->{links}})[0]->{outbox}' \
			<"$TEST_DIR/rc.json")" = 0 || return 1
	done
}

# flash NAME : the hub sends a FLASH to NAME.
flash() {
	echo "FLASH to $1" | hl hub send --to "$1" --precedence flash --lang en - >/dev/null
}

ms() {
	echo $(($(date +%s%N) / 1000000))
}

test_expect_success 'a hub linked to five peers delivers one message to each' '
	start_daemon_frozen hub "$(date +%s)" &&
	for p in $PEERS; do start_daemon $p & done &&
	wait &&
	for p in $PEERS; do daemon_running $p && link_both hub $p || exit 1; done &&
	for p in $PEERS; do flash $p || exit 1; done &&
	wait_for 20 receipted $PEERS
'

# failed NAME : the hub's last attempt on NAME failed.
failed() {
	test "$(link_value "$1" reachable)" = no
}

test_expect_success 'a send on one link leaves another link'"'"'s backoff alone' '
	stop_daemon e-cert &&
	flash e-cert &&
	wait_for 10 failed e-cert &&
	sleep 0.5 &&
	tries=$(link_value e-cert attempts) && next=$(link_value e-cert next_attempt) &&
	test "$tries" -ge 1 && test "$next" -gt 0 &&
	flash b-cert &&
	wait_for 10 receipted b-cert &&
	sleep 1 &&
	test "$(link_value e-cert attempts)" = "$tries" &&
	test "$(link_value e-cert next_attempt)" = "$next"
'

test_expect_success 'a frozen peer first in name order holds up none of the others' '
	kill -STOP "$(cat a-frozen.pid)" &&
	flash a-frozen &&
	for p in $HEALTHY; do flash $p || exit 1; done &&
	t0=$(ms) &&
	wait_for 10 receipted $HEALTHY &&
	took=$(($(ms) - t0)) &&
	echo "# the healthy peers receipted $took ms after the last send" &&
	test "$took" -lt 5000 &&
	! receipted a-frozen
'

test_expect_success 'thawed and woken, the frozen and the stopped peer get the rest' '
	kill -CONT "$(cat a-frozen.pid)" &&
	start_daemon e-cert &&
	kill -HUP "$(cat hub.pid)" &&
	wait_for 20 receipted $PEERS &&
	test "$(link_value e-cert attempts)" = 0 &&
	test "$(link_value a-frozen reachable)" = yes
'

test_expect_success 'the hub stops cleanly' '
	stop_daemon hub
'

test_done
