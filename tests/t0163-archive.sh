#!/bin/sh
# Archive: ru-cert archives its link to us-cert, saying why.  While its
# archive message waits for us-cert's receipt the link is being
# archived and nothing new is sent; once receipted, both sides have
# archived it (us-cert when the message came) under NAME~1, nothing can
# be sent on it, and its transcript stays readable and verifiable.  A
# new link between the same parties then starts new logs under the next
# link ID, and messages flow on it; --now archives without waiting (the
# archive message then never leaves).
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

# field PARTY LINK MEMBER : a member of PARTY's view of LINK.
field() {
	hl "$1" link show "$2" --json | jq_ "\$j->{$3}"
}

test_expect_success 'messages flow on the first link' '
	start_daemon ru-cert && start_daemon us-cert &&
	hl ru-cert send --to us-cert --lang en "before the archive" >/dev/null &&
	hl us-cert send --to ru-cert --lang en "an answer before the archive" >/dev/null &&
	wait_for 30 eval "test \"\$(field ru-cert us-cert sent_receipted)\" = 1" &&
	wait_for 30 eval "test \"\$(field us-cert ru-cert sent_receipted)\" = 1" &&
	field ru-cert us-cert link_id >old_id
'

test_expect_success 'an archive says why; while it waits for the receipt nothing new is sent' '
	stop_daemon us-cert &&
	expect_code 1 hl ru-cert link archive us-cert "" &&
	grep -q "say why the link is archived" ru-cert.err &&
	hl ru-cert link archive us-cert --lang en "the channel is closed by agreement" >out &&
	grep -q "archiving us-cert: us-cert/out/2 is its last message" out &&
	test "$(field ru-cert us-cert state)" = archiving &&
	expect_code 1 hl ru-cert send --to us-cert --lang en "one more" &&
	grep -q "us-cert: the link is being archived: nothing new can be sent" ru-cert.err &&
	expect_code 1 hl ru-cert check run us-cert &&
	expect_code 1 hl ru-cert link archive us-cert "again" &&
	grep -q "us-cert is already being archived" ru-cert.err
'

test_expect_success 'once receipted, both sides have archived it as NAME~1' '
	start_daemon us-cert &&
	wait_for 30 eval "hl ru-cert link show us-cert~1 --json >/dev/null 2>&1" &&
	wait_for 30 eval "hl us-cert link show ru-cert~1 --json >/dev/null 2>&1" &&
	test "$(field ru-cert us-cert~1 state)" = archived &&
	test "$(field us-cert ru-cert~1 state)" = archived &&
	grep -q "clock: ru-cert archived as ru-cert~1 (by the peer.s archive message)" us-cert.log &&
	grep -q "clock: us-cert archived as us-cert~1 (our archive was receipted)" ru-cert.log &&
	hl ru-cert link show us-cert~1 >out && grep -q "ARCHIVED:" out &&
	hl ru-cert link list >out && ! grep -q "us-cert" out &&
	hl ru-cert link list --archived >out && grep -q "^us-cert~1 *archived" out &&
	hl ru-cert status --json >j && test "$(jq_ "scalar @{\$j->{links}}" <j)" = 0
'

test_expect_success 'nothing can be sent on it; its transcript stays readable and verifiable' '
	expect_code 1 hl ru-cert send --to us-cert~1 --lang en "after" &&
	grep -q "us-cert~1: the link is archived: nothing can be sent" ru-cert.err &&
	hl us-cert show ru-cert~1/2 >out &&
	grep -q "the channel is closed by agreement" out &&
	hl us-cert show ru-cert~1/1 | grep -q "before the archive" &&
	hl ru-cert log verify >out && hl us-cert log verify >out
'

test_expect_success 'a new link between the same parties starts new logs under the next ID' '
	hl ru-cert link add us-cert --card us-cert/card >/dev/null &&
	hl us-cert link add ru-cert --card ru-cert/card >/dev/null &&
	hl ru-cert link confirm us-cert --fingerprint \
		"$("$HOTLINE" fingerprint us-cert/card | cut -c1-35)" >/dev/null &&
	hl us-cert link confirm ru-cert --fingerprint \
		"$("$HOTLINE" fingerprint ru-cert/card | cut -c1-35)" >/dev/null &&
	test "$(field ru-cert us-cert link_id)" = "$(field us-cert ru-cert link_id)" &&
	test "$(field ru-cert us-cert link_id)" != "$(cat old_id)" &&
	test "$(field ru-cert us-cert~1 link_id)" = "$(cat old_id)" &&
	test "$(field ru-cert us-cert generation)" = 2 &&
	test "$(field ru-cert us-cert~1 generation)" = 1 &&
	hl us-cert link show ru-cert | grep -q "^generation:  2" &&
	hl ru-cert send --to us-cert --lang en "on the new link" >out &&
	grep -q "as us-cert/out/1" out &&
	wait_for 30 eval "test \"\$(field ru-cert us-cert sent_receipted)\" = 1" &&
	hl us-cert show ru-cert/1 | grep -q "on the new link" &&
	test "$(field ru-cert us-cert~1 sent)" = 2 &&
	hl ru-cert log verify >/dev/null && hl us-cert log verify >/dev/null
'

test_expect_success 'archive --now does not wait for the peer' '
	hl us-cert link archive ru-cert --now --lang en "closed at once" >out &&
	grep -q "archived ru-cert as ru-cert~2" out &&
	test "$(field us-cert ru-cert~2 state)" = archived &&
	expect_code 1 hl us-cert send --to ru-cert~2 --lang en "after" &&
	grep -q "the link is archived" us-cert.err
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done
