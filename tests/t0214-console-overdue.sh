#!/bin/sh
# The inbox puts an overdue message on top and says it in words
# (tests/browser/overdue.mjs; the duty officer logs in with a one-time
# ticket): us-cert acknowledges ROUTINE within 3 s,
# so a ROUTINE received turns overdue while the page is open and goes
# above a FLASH still due.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-browser.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
printf 'ack.routine = 3s\nack.flash = 1h\n' >>"$TEST_DIR/us-cert/hotline.conf"

test_expect_success 'ru-cert runs; us-cert serves its console to ana' '
	start_daemon ru-cert &&
	console_up us-cert ana duty
'

test_expect_success 'an overdue ROUTINE goes above a FLASH still due, in words' '
	browser_run overdue.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
