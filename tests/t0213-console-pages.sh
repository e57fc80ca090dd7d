#!/bin/sh
# The console's pages for sending and for proof, in Debian's chromium on
# real daemons (tests/browser/pages.mjs): a FLASH notification composed
# with a STIX file reaches the peer, whose CLI shows it with its bundle
# and fields, and a bad STIX file is refused in place, before anything
# is sent; an update and a request of its case; the links board shows
# the link, a check the peer answered (chart or table), and a link that
# missed its check as silent, in words; a proof of the FLASH downloaded
# from the evidence page verifies with 'hotline proof verify', and its
# verify button has hotlined recompute the transcript, intact; an admin
# adds and disables an operator; the audit trail lists it, verifies
# intact, and a proof of an entry checks offline; a duty officer sees
# the precedences above their cap disabled with the reason.  No console
# error, no CSP violation, no serious axe violation on each page.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-browser.sh"

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"

test_expect_success 'eg-cert is linked to ru-cert (running) and us-cert (never running)' '
	link_pair eg-cert ru-cert &&
	link_pair eg-cert us-cert &&
	printf "%s\n" "link.us-cert.ack.immediate = 1s" "link.us-cert.receipt.immediate = 1s" \
		>>eg-cert/hotline.conf &&
	start_daemon ru-cert
'

test_expect_success 'the console of eg-cert, an operator of every role and a duty officer' '
	console_up eg-cert boss duty,supervisor,auditor,admin &&
	browser_operator eg-cert duty1 duty
'

# Sixty refusals fill the audit trail past its first page (50 entries):
# one by the CLI, fifty-nine by one curl (the same GET /v1/operator on
# the operator socket, a process each would take a third of a second).
test_expect_success 'the audit trail holds more than a page' '
	expect_code 1 hl eg-cert operator show nobody &&
	urls= && for i in $(seq 59); do
		urls="$urls -o /dev/null http://hotlined/v1/operator?name=nobody"
	done &&
	curl -s --unix-socket eg-cert/hotlined.sock -w "%{http_code}\n" $urls >codes &&
	test "$(count_lines "^404$" codes)" -eq 59 && test "$(wc -l <codes)" -eq 59
'

test_expect_success 'compose, links, evidence, operators and audit in the browser' '
	browser_run pages.mjs ru-cert us-cert
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon eg-cert && stop_daemon ru-cert
'

test_done
