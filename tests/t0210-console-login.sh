#!/bin/sh
# The console in a real browser (Debian's chromium, driven by
# playwright-core: tests/browser/login.mjs): hotlined serves it with its
# Content-Security-Policy; the login page has no serious accessibility
# fault (axe-core); a wrong password shows hotlined's refusal without a
# reload; the right password and TOTP code log the operator in; no
# console error and no CSP violation all along.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-browser.sh"

new_party eg-cert "$(free_port)"

test_expect_success 'hotlined serves the console; an operator has a password and a TOTP secret' '
	console_up eg-cert amira duty
'

test_expect_success 'the browser logs in through the login page' '
	browser_run login.mjs
'

test_expect_success 'the failed try and the login are in the audit trail, with the operator' '
	hl eg-cert audit --json --limit 1000 >trail &&
	grep "\"action\":\"login-failed\"" trail | grep -q "\"amira\"" &&
	grep "\"action\":\"login\"" trail | grep -q "\"amira\""
'

test_done
