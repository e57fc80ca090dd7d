#!/bin/sh
# With hotlined down, every listing fails at once with one clear line
# and prints nothing else; status says NOT RUNNING and exits 3 UNKNOWN,
# in its table and in its JSON.
. "$(dirname "$0")/test-lib.sh"

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"

# down CMD... : eg-cert's hotline CMD fails (1) at once (5 s, for a loaded machine), its
# standard output empty, one line on standard error that says hotlined
# is not running.
down() {
	d_start=$(date +%s)
	expect_code 1 hl eg-cert "$@" >out &&
	test $(($(date +%s) - d_start)) -le 5 &&
	test ! -s out && test "$(wc -l <eg-cert.err)" = 1 &&
	grep -q "^hotline: hotlined is not running for .*: nothing was done" eg-cert.err
}

test_expect_success 'a message arrives while both run' '
	start_daemon eg-cert && start_daemon ru-cert &&
	hl ru-cert send --to eg-cert "hello" >/dev/null &&
	wait_for 90 hl eg-cert show ru-cert/1 &&
	stop_daemon eg-cert && stop_daemon ru-cert
'

test_expect_success 'each listing fails at once with the clear line' '
	down inbox && down inbox --json && down show ru-cert/1 && down show --json ru-cert/1 &&
	down outbox && down case list && down case list --json &&
	down case show ru-cert#1 && down search hello && down search --json hello &&
	down export --stix ru-cert#1 -o x.json && test ! -e x.json
'

test_expect_success 'status: hotlined NOT RUNNING, 3 UNKNOWN, in the table and the JSON' '
	expect_code 3 hl eg-cert status >out &&
	grep -qx "hotlined: NOT RUNNING (nothing is delivered)" out &&
	test "$(wc -l <out)" = 1 &&
	grep -q "hotlined is not running" eg-cert.err &&
	expect_code 3 hl eg-cert status --json >j && test "$(wc -l <j)" = 1 &&
	grep -qx "{\"hook_failing\":null,\"hotlined\":false,\"level\":\"unknown\",\"links\":\[\],\"party\":\"eg-cert\",\"tls\":null}" j
'

test_done
