#!/bin/sh
# SIGHUP reloads hotline.conf: a file that does not parse, or that names
# a link the store lacks, is refused with a log line and the settings in
# use are kept; a good one takes effect at once (here a deadline and an
# escalation command that exist only in the reloaded file).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
link_pair ru-cert us-cert

event_hook "$TEST_DIR/hook" "$TEST_DIR/events"
cp "$TEST_DIR/ru-cert/hotline.conf" "$TEST_DIR/conf.orig"

# A FLASH from us-cert reaches ru-cert by batch; ru-cert's person has
# the default 15 minutes to acknowledge it, so nothing escalates yet.

with_daemon us-cert "$HOTLINE" --home "$TEST_DIR/us-cert" send --to ru-cert \
	--precedence flash "FLASH" >/dev/null 2>&1 &&
(cd "$TEST_DIR" && exchange us-cert ru-cert b1) || echo "Bail out! no batch"
start_daemon ru-cert || echo "Bail out! ru-cert did not start"

# conf LINES : ru-cert's file as made by init, a 2 s FLASH deadline and
# the hook, plus LINES.
conf() {
	{
		cat conf.orig
		echo "ack.flash = 2s"
		echo "escalate.every = 1s"
		echo "escalate.command = $TEST_DIR/hook"
		for l in "$@"; do echo "$l"; done
	} >ru-cert/hotline.conf.tmp && mv ru-cert/hotline.conf.tmp ru-cert/hotline.conf
}

# reloads : how many reloads ru-cert's hotlined logged, done or refused.
reloads() {
	count_lines ": reloaded \|: reload refused" ru-cert.log
}

# reloads_past N : more than N.
reloads_past() {
	test "$(reloads)" -gt "$1"
}

# hup : sends SIGHUP and waits for the reload's log line.
hup() {
	hup_n=$(reloads)
	kill -HUP "$(cat ru-cert.pid)" &&
	wait_for 20 reloads_past "$hup_n"
}

test_expect_success 'a file that does not parse is refused; the old settings stay' '
	conf "ack.flsh = 1s" &&
	hup &&
	grep "reload refused" ru-cert.log | tail -n 1 >line && cat line &&
	grep -q "warning: reload refused, the settings in use are kept: .*hotline.conf:[0-9]*: unknown key '"'"'ack.flsh'"'"'" line &&
	daemon_running ru-cert
'

test_expect_success 'so is one that names a link the store lacks' '
	conf "link.eu-cert.ack.flash = 1s" &&
	hup &&
	grep "reload refused" ru-cert.log | tail -n 1 | grep -q "no link to eu-cert" &&
	sleep 2 && test ! -e events &&
	daemon_running ru-cert
'

test_expect_success 'a good file takes effect: the new deadline and command run' '
	conf "link.us-cert.receipt.flash = 1m" &&
	hup &&
	grep ": reloaded \|: reload refused" ru-cert.log | tail -n 1 |
		grep -q "reloaded .*/ru-cert/hotline.conf$" &&
	wait_for 20 grep -q "\"event\":\"ack-overdue\"" events &&
	grep -q "\"message\":\"us-cert/" events
'

test_expect_success 'after the reloads hotlined still stops cleanly' '
	stop_daemon ru-cert
'

test_done
