#!/bin/sh
# Groups and the board in the console (issue 13, point 4), in Debian's
# chromium on real daemons (tests/browser/groups.mjs): a hub linked to
# ae-cert and ru-cert, whose CLI made the group poc of both; the
# supervisor sam logs in, sees poc on the Groups page (2 members,
# confidential), sends a FLASH notification to it from Compose (the "To"
# list names it as a group of 2), which answers one line per member and
# a link to the board; the board lists both members with the totals
# line; ae-cert acknowledges with its CLI and the open board says
# "acknowledged", by whom, with the totals line, without a reload.  No
# console error, no CSP violation, no serious axe violation; the board
# in Arabic is right to left.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-browser.sh"

HUB_PORT=$(free_port)
AE_PORT=$(free_port)
RU_PORT=$(free_port)
new_party hub "$HUB_PORT" && new_party ae-cert "$AE_PORT" && new_party ru-cert "$RU_PORT" &&
link_both hub ae-cert && link_both hub ru-cert ||
	echo "Bail out! the hub and its two members could not be made and linked"

test_expect_success 'the members run; the hub serves its console to sam (supervisor)' '
	start_daemon ae-cert && start_daemon ru-cert &&
	console_up hub sam supervisor
'

test_expect_success 'the hub makes the group poc of ae-cert and ru-cert with its CLI' '
	hl hub group create poc >/dev/null &&
	hl hub group add poc ae-cert ru-cert >/dev/null &&
	hl hub group list >groups.txt &&
	grep -q "^poc " groups.txt
'

test_expect_success 'Groups, Compose to a group, the board live in the browser' '
	browser_run groups.mjs
'

test_expect_success 'the hub stored the group message and its acknowledgment' '
	hl hub group board --group poc --json >board.json &&
	test "$(jq_ "scalar @{\$j->{members}}" <board.json)" = 2 &&
	test "$(jq_ "\$j->{totals}{acknowledged}" <board.json)" = 1 &&
	test "$(jq_ "\$j->{precedence}" <board.json)" = flash
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon hub && stop_daemon ae-cert && stop_daemon ru-cert
'

test_done
