#!/bin/sh
# A link's suspension in the console (tests/browser/suspend.mjs), on two
# real daemons each serving its console to its supervisor: ru-cert's
# supervisor suspends the link from the links board (a reason
# required); us-cert's board shows the banner without a reload and does
# not offer Resume (only ru-cert can resume it); us-cert's duty
# officer's new case is held and the compose page says so; a held
# message is dropped by a supervisor, not by another duty officer; a
# supervisor sends at once despite the suspension; ru-cert resumes, the
# banners go and the held message is delivered (the CLI says so).
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

test_expect_success 'suspend, see, hold, drop, override and resume in both consoles' '
	browser_run suspend.mjs
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
