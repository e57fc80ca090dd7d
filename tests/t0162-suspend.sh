#!/bin/sh
# Suspension: ru-cert suspends its link to us-cert with a reason; both
# sides show who, when and why.  New cases and requests are held on
# both sides (exit 0), answers and checks go on, a supervisor may
# override, a duty officer may not.  Only ru-cert can resume: us-cert's
# resume is refused.  Both daemons then run a year later (faketime);
# ru-cert's resume checks both cards (refused while us-cert serves
# another card, or cannot be reached), and then every held message is
# sent, in the order held, exactly once, also across a restart.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge
command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
YEAR=+31622400

# state PARTY PEER : PEER's link state at PARTY.
state() {
	hl "$1" link show "$2" --json | jq_ '$j->{state}'
}

test_expect_success 'ru-cert suspends the link, saying why' '
	start_daemon ru-cert && start_daemon us-cert &&
	{ "$HOTLINE" --home "$TEST_DIR/us-cert" watch >watch.out 2>/dev/null & echo $! >watch.job; } &&
	expect_code 1 hl ru-cert link suspend us-cert "" &&
	grep -q "say why the link is suspended" ru-cert.err &&
	hl ru-cert link suspend us-cert --lang en "frozen by decision of the council" >out &&
	grep -q "suspended us-cert: us-cert/out/1" out &&
	expect_code 1 hl ru-cert link suspend us-cert --lang en "again" &&
	grep -q "us-cert is already suspended by us since" ru-cert.err
'

test_expect_success 'both sides show who suspended it, when and why' '
	test "$(state ru-cert us-cert)" = suspended &&
	wait_for 30 eval "test \"\$(state us-cert ru-cert)\" = suspended" &&
	hl us-cert link show ru-cert >out &&
	grep -q "SUSPENDED by ru-cert since .* (ru-cert/1, by $(id -un)): \"frozen by decision of the council\" \[en\]" out &&
	hl us-cert status >out &&
	grep -q "SUSPENDED by ru-cert" out &&
	hl us-cert status --json >j &&
	test "$(jq_ "\$j->{links}[0]{level}" <j)" = ok &&
	wait_for 10 grep -q "ru-cert: suspended by ru-cert" watch.out &&
	test "$(jq_ "\$j->{links}[0]{suspended}[0]{by}" <j)" = ru-cert
'

test_expect_success 'new cases and requests are held on both sides; the rest goes on' '
	hl us-cert send --to ru-cert --lang en "first held notification" >out &&
	grep -q "held: ru-cert is suspended; sent when resumed (ru-cert/held/1)" out &&
	grep -q "case us-cert#1: held until the link is resumed" out &&
	hl us-cert send --to ru-cert --precedence flash --lang en "second held notification" >out &&
	grep -q "ru-cert/held/2" out &&
	hl ru-cert send --to us-cert --lang en "ru-cert held notification" >out &&
	grep -q "us-cert/held/1" out &&
	hl us-cert check run ru-cert >/dev/null &&
	hl us-cert ack ru-cert/1 --lang en "noted" >/dev/null &&
	hl us-cert held ru-cert >out &&
	test "$(wc -l <out)" = 2 &&
	wait_for 10 grep -q "ru-cert/held/2: held until the link is resumed" watch.out &&
	kill "$(cat watch.job)" &&
	grep -q "first held notification" out &&
	hl us-cert link show ru-cert --json | jq_ "\$j->{held}" >n && test "$(cat n)" = 2
'

test_expect_success 'a supervisor overrides the hold; a duty officer may not' '
	hl us-cert send --to ru-cert --override-suspension --lang en "urgent despite the freeze" >out &&
	grep -q "sent to ru-cert as ru-cert/out/3" out &&
	hl us-cert operator role "$(id -un)" duty,admin >/dev/null &&
	expect_code 1 hl us-cert send --to ru-cert --override-suspension --lang en "mine too" &&
	grep -q "may not override a suspension" us-cert.err &&
	hl us-cert operator role "$(id -un)" duty,supervisor,auditor,admin >/dev/null
'

test_expect_success 'only the party that suspended can resume' '
	expect_code 1 hl us-cert link resume ru-cert &&
	grep -q "ru-cert is suspended by ru-cert, not by us: only ru-cert can resume it" us-cert.err
'

test_expect_success 'a year later, the resume checks the peer is reachable and serves the card held' '
	stop_daemon ru-cert && stop_daemon us-cert &&
	start_daemon_at "$YEAR" ru-cert &&
	expect_code 1 hl ru-cert link resume us-cert &&
	grep -q "cannot resume us-cert: cannot check its card" ru-cert.err &&
	cp us-cert/card us-cert/card.kept &&
	"$TOOLS/hl-forge" recard --home us-cert new.card && cp new.card us-cert/card &&
	start_daemon_at "$YEAR" us-cert &&
	expect_code 1 hl ru-cert link resume us-cert &&
	grep -q "us-cert serves a card other than the one we hold" ru-cert.err &&
	stop_daemon us-cert && cp us-cert/card.kept us-cert/card &&
	start_daemon_at "$YEAR" us-cert &&
	test "$(state ru-cert us-cert)" = suspended
'

test_expect_success 'ru-cert resumes: every held message goes, in order, once' '
	hl ru-cert link resume us-cert --lang en "the council lifted the freeze" >out &&
	grep -q "resumed us-cert: us-cert/out/[0-9]*; both cards checked" out &&
	wait_for 30 eval "test \"\$(hl us-cert held ru-cert --json | wc -l)\" = 0" &&
	wait_for 30 eval "test \"\$(hl ru-cert held us-cert --json | wc -l)\" = 0" &&
	wait_for 30 eval "test \"\$(state us-cert ru-cert)\" = active" &&
	wait_for 30 eval "hl ru-cert inbox --json | grep -q us-cert#2" &&
	hl ru-cert inbox --json >in &&
	test "$(grep -c "\"case\":\"us-cert#1\"" in)" = 1 &&
	test "$(grep -c "\"case\":\"us-cert#2\"" in)" = 1 &&
	first=$(grep "\"case\":\"us-cert#1\"" in | jq_ "\$j->{id}") &&
	second=$(grep "\"case\":\"us-cert#2\"" in | jq_ "\$j->{id}") &&
	test "${first#us-cert/}" -lt "${second#us-cert/}" &&
	hl ru-cert show "$first" | grep -q "first held notification" &&
	hl ru-cert show "$second" | grep -q "second held notification" &&
	wait_for 30 eval "hl us-cert inbox --json | grep -q ru-cert#1" &&
	grep -q "ru-cert: no suspension in force: 2 held messages sent as ru-cert/out/" us-cert.log &&
	grep -q "us-cert: no suspension in force: 1 held message sent as us-cert/out/" ru-cert.log
'

test_expect_success 'after a restart nothing is sent again' '
	stop_daemon ru-cert && stop_daemon us-cert &&
	start_daemon_at "$YEAR" ru-cert && start_daemon_at "$YEAR" us-cert &&
	sleep 2 &&
	hl ru-cert inbox --json >in &&
	test "$(grep -c "\"case\":\"us-cert#1\"" in)" = 1 &&
	test "$(grep -c "\"case\":\"us-cert#2\"" in)" = 1 &&
	test "$(grep -c "held messages sent" us-cert.log)" = 1
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done
