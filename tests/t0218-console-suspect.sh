#!/bin/sh
# The console's SUSPECT badge (tests/browser/suspect.mjs), on two real
# daemons: ru-cert sends a notify and an update, then revokes its
# signing key and sends another update with the new one; us-cert's duty
# officer sees the first two badged SUSPECT in the inbox and on the case
# page (the default window, 7d), not the card envelope or the update
# after it.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-browser.sh"

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"

# received N : us-cert's inbox lists N messages.
received() {
	test "$(hl us-cert inbox --json | wc -l)" = "$1"
}

test_expect_success 'ru-cert sends, revokes its signing key, sends again' '
	console_up us-cert ana duty &&
	start_daemon ru-cert &&
	hl ru-cert send --to us-cert --lang en "before" >/dev/null &&
	hl ru-cert send --case ru-cert#1 --lang en "still before" >/dev/null &&
	hl ru-cert card rotate --sign --revoke sign "key lost" >/dev/null &&
	hl ru-cert send --case ru-cert#1 --lang en "with the new key" >/dev/null &&
	wait_for 30 received 4
'

test_expect_success 'the inbox and the case page badge the two, and no other' '
	browser_run suspect.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
