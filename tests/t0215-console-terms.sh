#!/bin/sh
# A link's Terms in the console (tests/browser/terms.mjs), on two real
# daemons each serving its console to its supervisor: before any
# agreement both say so with the defaults; ru-cert's supervisor proposes
# from the console (a bad value refused in place, only what changed
# sent), us-cert's sees the open proposal without a reload and accepts
# it, and both consoles show version 1 in force; a duty officer sees a
# proposal but no Accept, Decline or Propose; a decline says why, in
# both histories.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-browser.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"

test_expect_success 'ru-cert and us-cert serve their consoles to their supervisors; us-cert has a duty officer' '
	console_up ru-cert ana supervisor &&
	console_up us-cert bob supervisor &&
	browser_operator us-cert duty1 duty
'

test_expect_success 'propose, see, accept and decline the terms in both consoles' '
	browser_run terms.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
