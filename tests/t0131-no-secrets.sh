#!/bin/sh
# Only hotlined reads the secrets: every hotline command but the local
# ones runs as a client of its API and never opens hotline.db (nor its
# -wal and -shm) or a key file.  Each command runs under a preloaded
# library (tests/preload/opens.c) that records every open of those
# files.  The commands come from 'hotline help', so a new command is
# covered: it needs an invocation below, or a place among the local
# ones (DESIGN.md decision 9).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

OPENS="$HOTLINE_BUILD/tests/preload/opens.so"
if [ ! -f "$OPENS" ]; then
	echo "1..0 # SKIP no $OPENS (run make unit first)"
	exit 0
fi

# The commands that need no daemon and may open the store or the keys
# (issue 10): init, card (and card verify), fingerprint, envelope,
# batch, log verify, rebuild, store migrate, help, version; proof
# verify is local too, proof export is not.  status reads the store
# itself only for its node line, on a PostgreSQL store (issue 15).
LOCAL="init card fingerprint envelope batch log rebuild store help version"


RU_PORT=$(free_port)
US_PORT=$(free_port)
new_party eu-cert "$(free_port)"

# api NAME PATH JSON : POSTs JSON to NAME's operator API.
api() {
	curl -sf -m 20 --unix-socket "$TEST_DIR/$1/hotlined.sock" -o /dev/null \
		-X POST -H "Content-Type: application/json" --data-binary "$3" \
		"http://hotlined$2"
}

# received NAME PEER N : NAME holds N messages from PEER.
received() {
	"$HOTLINE" --home "$TEST_DIR/$1" link show "$2" | grep -q "^received: *$3,"
}

# traced ARGS... : hotline ARGS for ru-cert under the preloaded library;
# the secret files it opens are appended to opened.
# watch runs until interrupted: it is stopped after two seconds, and
# counts as done when it was (timeout's 124).
traced() {
	tr_limit=
	[ "$1" = watch ] && tr_limit="timeout 2"
	HL_OPENS_LOG="$TEST_DIR/opened" LD_PRELOAD="$OPENS" \
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
		$tr_limit "$HOTLINE" --home "$TEST_DIR/ru-cert" "$@"
	tr_rc=$?
	[ -n "$tr_limit" ] && [ $tr_rc -eq 124 ] && tr_rc=0
	return $tr_rc
}

# The daemons run with links of no endpoint, and batches carry the
# messages: nothing depends on the network's timing.
test_expect_success 'two parties run, a message each way, receipted' '
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	start_daemon ru-cert && start_daemon us-cert &&
	link_offline ru-cert us-cert &&
	api ru-cert /v1/send "{\"to\":\"us-cert\",\"text\":\"from ru\",\"lang\":\"en\"}" &&
	api us-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"from us\",\"lang\":\"en\"}" &&
	exchange ru-cert us-cert b1 && exchange us-cert ru-cert b2 &&
	received ru-cert us-cert 1 && received us-cert ru-cert 1
'

test_expect_success 'the library records what a local command opens' '
	rm -f opened &&
	traced log verify >/dev/null &&
	grep -q "/ru-cert/hotline.db$" opened &&
	rm -f opened &&
	traced card >/dev/null &&
	test ! -e opened
'

# One line per invocation: the command, then its arguments.
cat >"$TEST_DIR/invocations" <<EOF
link list
link list --json
link show us-cert
link show us-cert --json
link add eu-cert --card $TEST_DIR/eu-cert/card
link confirm eu-cert --fingerprint $("$HOTLINE" fingerprint "$TEST_DIR/eu-cert/card" 2>/dev/null | cut -c1-35 | tr -d " ")
link terms us-cert
link suspend eu-cert --lang en frozen
held eu-cert
held eu-cert --json
link resume eu-cert
link archive eu-cert --now --lang en closed
link list --archived
proof export --link us-cert --seq 1 --out $TEST_DIR/p1.proof
proof export --link us-cert --seq 1 --received --disclose --out $TEST_DIR/p2.proof
group create g1
group add g1 us-cert
group list
group show g1 --all --json
group messages g1 --json
group board --group g1
group remove g1 us-cert
send --to us-cert hello
inbox
inbox --json
show us-cert/1
show us-cert/out/1 --json
ack us-cert/1 read
case list
case show us-cert#1
case close ru-cert#1 --lang en closed
answer us-cert/1 accepted --lang en ok
retract us-cert/out/2 --lang en withdrawn
correct us-cert/out/1 --lang en corrected
search 192.0.2.1
export --stix ru-cert#1 -o $TEST_DIR/bundle.json
check run us-cert
check report us-cert
check report us-cert --json
outbox
outbox --json
status
status --json
operator list
operator show $(id -un) --json
operator add clerk --role duty
feed token add clerk misp
feed token list --json
feed token revoke clerk misp
audit
audit verify
audit proof 1 -o $TEST_DIR/audit.proof
watch
watch --json
EOF

test_expect_success 'every command of hotline help is local or has an invocation' '
	"$HOTLINE" help | sed -n "/^Commands:/,/^\$/s/^  \([a-z]*\) .*/\1/p" >commands &&
	test "$(wc -l <commands)" -ge 20 &&
	while read -r cmd; do
		case " $LOCAL " in *" $cmd "*) continue ;; esac
		grep -q "^$cmd " invocations ||
			{ echo "$cmd: no invocation in t0131: add one"; exit 1; }
	done <commands
'

test_expect_success 'no client command opens the store or a key' '
	rm -f opened && : >ran &&
	while read -r cmd args; do
		rc=0
		traced $cmd $args >out 2>err || rc=$?
		echo "$cmd $args: exit $rc" >>ran
		if [ -s opened ]; then
			echo "$cmd $args opened:"; cat opened; exit 1
		fi
		test $rc -le 1 || { cat ran err; exit 1; }
	done <invocations &&
	cat ran &&
	test "$(grep -c ": exit 0$" ran)" -ge 8
'

test_expect_success 'the client commands did their work' '
	"$HOTLINE" --home ru-cert link show eu-cert~1 >shown &&
	grep -q "^state: *confirmed" shown && grep -q "^ARCHIVED:" shown &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card p2.proof >out &&
	grep -q "^content:  disclosed" out
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
