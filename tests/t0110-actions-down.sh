#!/bin/sh
# The actions go through hotlined's operator API: with hotlined down,
# each fails at once with one clear line, and nothing is stored.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
link_pair ru-cert us-cert

# down NAME ARGS... : hotline for NAME fails (1) saying hotlined is down.
down() {
	dn_who=$1
	shift
	expect_code 1 "$HOTLINE" --home "$dn_who" "$@" >out 2>err &&
	test "$(wc -l <err)" = 1 &&
	grep -q "^hotline: hotlined is not running for .*/$dn_who: nothing was done" err &&
	test ! -s out || { echo "$dn_who $*:"; cat out err; return 1; }
}

test_expect_success 'setup: a case and a request, carried by batch' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert send --to us-cert --lang en "C2 seen" >/dev/null &&
	"$HOTLINE" --home ru-cert send --case ru-cert#1 --action block --lang en "block" \
		>/dev/null &&
	stop_daemon ru-cert &&
	exchange ru-cert us-cert b1 &&
	test "$(show_field ru-cert us-cert sent)" = "2 2"
'

test_expect_success 'with hotlined down, every action of the sender fails, nothing stored' '
	down ru-cert send --to us-cert "x" &&
	down ru-cert send --case ru-cert#1 --severity high "more" &&
	down ru-cert correct us-cert/out/1 "fixed" &&
	down ru-cert retract us-cert/out/2 "withdrawn" &&
	down ru-cert case close ru-cert#1 "done" &&
	down ru-cert check run us-cert &&
	test "$(show_field ru-cert us-cert sent)" = "2 2"
'

test_expect_success 'with hotlined down, the receiver can neither ack nor answer' '
	down us-cert ack ru-cert/1 "read" &&
	down us-cert answer ru-cert/2 accepted &&
	echo "from stdin" | down us-cert answer ru-cert/2 done - &&
	test "$(show_field us-cert ru-cert sent)" = "0 0"
'

test_expect_success 'the same actions work once hotlined runs' '
	only_daemon us-cert &&
	"$HOTLINE" --home us-cert ack ru-cert/1 "read" >out &&
	grep -qx "acknowledged ru-cert/1 (routine): sent as ru-cert/out/1" out &&
	test "$(show_field us-cert ru-cert sent)" = "1 0"
'

test_done
