#!/bin/sh
# A link's Keys in the console (tests/browser/keys.mjs), on two real
# daemons: us-cert's supervisor sees both sides' eras on its links board,
# era 0 of each the card the link was confirmed with; when ru-cert's
# rotation (a `card` envelope, made by hl-forge) reaches us-cert's
# witness, the peer's table shows era 1 without a reload, as `hotline
# link keys` says it.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-browser.sh"

require_tools hl-forge

linked_pair ru-cert "$(free_port)" us-cert "$(free_port)"

test_expect_success 'us-cert serves its console to its supervisor; a message from ru-cert is receipted' '
	console_up us-cert bob supervisor &&
	start_daemon ru-cert &&
	hl ru-cert send --to us-cert "before the rotation" >/dev/null &&
	wait_for 30 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"1 1\""
'

test_expect_success 'the Keys section shows both sides, and the rotation when it arrives' '
	HOTLINE_FORGE="$TOOLS/hl-forge" browser_run keys.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
