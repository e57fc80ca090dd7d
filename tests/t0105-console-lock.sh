#!/bin/sh
# Ten wrong passwords in a row lock an operator, on the HTTPS door.
# After the n-th failure the next try waits 2^(n-1) s (1 s, 2 s, ...
# 256 s: 511 s to reach the tenth); a try during that wait is refused
# (429, saying until when), even with the right password and code, and
# is not counted.  From the tenth, the right password and code are
# refused (429, naming 'hotline operator enable'), across a restart,
# until an admin enables the operator; the audit trail holds every
# failure, every refusal and the enable.  Tries sent side by side are
# checked one at a time: only the first is counted, the others wait.
#
# hotlined's wall clock is stopped (libfaketime, start_daemon_frozen)
# and the test moves it: the waits take no time, each boundary is hit
# to the second, and the TOTP codes are made with oathtool for that
# very second.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-console.sh"

new_party eg-cert "$(free_port)"
console_on eg-cert
PW='ana reads arabic and russian'
ME=$(id -un)
T0=$(date +%s)

# code : ana's TOTP code at hotlined's (frozen) time.
code() {
	oathtool --totp -b "$(cat "$TEST_DIR/ana.totp")" -N "@$(clock_now eg-cert)"
}

# op_is NAME FIELD : member FIELD of operator NAME (GET /v1/operator
# on the unix socket: curl costs less than a sanitized CLI run).
op_is() {
	unix_api eg-cert GET "/v1/operator?name=$1" && test "$(cat code)" = 200 && field "$2"
}

# trail_count ACTION STATUS [REASON [LOCKED]] : how many entries of the
# audit trail are ACTION by ana with STATUS (and detail.reason REASON,
# and detail.locked true for LOCKED 1, absent for 0).
trail_count() {
	hl eg-cert audit --json --limit 1000 >trail &&
	perl -MJSON::PP -e '
		my ($action, $status, $reason, $locked) = @ARGV;
		open(my $f, "<", "trail") or die;
		my $n = 0;
		while (<$f>) {
			my $e = JSON::PP->new->decode($_);
			my $d = $e->{detail} // {};
			$n++ if $e->{action} eq $action && $e->{status} == $status &&
				$e->{operator} eq "ana" &&
				(!defined $reason || ($d->{reason} // "") eq $reason) &&
				(!defined $locked || ($d->{locked} ? 1 : 0) == $locked);
		}
		print $n' "$@"
}

test_expect_success 'hotlined starts, its clock stopped; ana, a duty officer, gets a password and TOTP' '
	start_daemon_frozen eg-cert "$T0" &&
	hl eg-cert operator add ana --role duty >/dev/null &&
	operator_secrets eg-cert ana "$PW" &&
	test "$(op_is ana failures)" = 0
'

# Twelve: the door takes up to 16 connections from one address.
test_expect_success 'twelve wrong passwords at once: one is checked, the eleven others wait (429)' '
	hl eg-cert operator add bo --role duty >/dev/null &&
	for i in $(seq 12); do
		mkdir -p try$i && (cd try$i && login eg-cert bo "wrong $i" 000000) &
	done &&
	wait &&
	for f in try*/code; do cat "$f"; echo; done | sort | uniq -c | awk "{print \$1, \$2}" >codes &&
	printf "1 401\n11 429\n" >want && { cmp want codes || { cat codes; false; }; } &&
	test "$(op_is bo failures)" = 1
'

test_expect_success 'nine wrong passwords, each tried as its wait ends; a try during the wait is refused and not counted' '
	t=$T0 n=1 &&
	while [ $n -le 9 ]; do
		wait=$((1 << (n - 1))) &&
		login eg-cert ana "wrong $n" "$(code)" && is_error 401 &&
		test "$(op_is ana failures)" = $n && test "$(field locked_until)" = $((t + wait)) &&
		clock_set eg-cert $((t + wait - 1)) &&
		login eg-cert ana "$PW" "$(code)" && is_error 429 "try again at" &&
		field error | grep -q "$(date -u -d "@$((t + wait))" +%Y-%m-%dT%H:%M:%SZ)" &&
		t=$((t + wait)) && clock_set eg-cert $t &&
		n=$((n + 1)) || return 1
	done &&
	test $t = $((T0 + 511))
'

test_expect_success 'the tenth wrong password locks ana: no time set to try again' '
	clock_set eg-cert $((T0 + 511)) &&
	login eg-cert ana "wrong 10" "$(code)" && is_error 401 &&
	test "$(op_is ana failures)" = 10 && test "$(field locked)" = 1 &&
	test -z "$(field locked_until)"
'

test_expect_success 'a day later, the right password and code are refused: 429, naming operator enable' '
	clock_set eg-cert $((T0 + 511 + 86400)) &&
	login eg-cert ana "$PW" "$(code)" &&
	is_error 429 "hotline operator enable ana" &&
	! grep -qi "set-cookie: __Host-hotline-session=[0-9a-f]" headers &&
	web eg-cert GET /v1/whoami && is_error 401
'

test_expect_success 'the lock is in the store: a restarted hotlined still refuses' '
	stop_daemon eg-cert &&
	start_daemon_frozen eg-cert $((T0 + 511 + 86400 + 60)) &&
	login eg-cert ana "$PW" "$(code)" &&
	is_error 429 "hotline operator enable ana"
'

test_expect_success 'the audit trail holds the ten failures, the tenth locking, and the refusals' '
	test "$(trail_count login-failed 401 "wrong password" 0)" = 9 &&
	test "$(trail_count login-failed 401 "wrong password" 1)" = 1 &&
	test "$(trail_count login-failed 429 waiting)" = 9 &&
	test "$(trail_count login-failed 429 locked)" = 2 &&
	test "$(trail_count login 200)" = 0
'

test_expect_success 'the admin enables ana: the lock is lifted, an entry of the trail' '
	hl eg-cert operator enable ana >/dev/null &&
	test "$(op_is ana failures)" = 0 && test "$(field locked)" = 0 &&
	hl eg-cert audit --json --limit 1000 >trail &&
	tail -n 1 trail | grep -q "\"action\":\"/v1/operator/enable\"" &&
	tail -n 1 trail | grep -q "\"operator\":\"$ME\"" &&
	tail -n 1 trail | grep -q "\"status\":200"
'

test_expect_success 'then the right password and code log ana in' '
	login eg-cert ana "$PW" "$(code)" && test "$(cat code)" = 200 &&
	web eg-cert GET /v1/whoami && test "$(cat code)" = 200 &&
	test "$(field name)" = ana &&
	test "$(trail_count login 200)" = 1
'

test_expect_success 'hotlined stops cleanly' 'stop_daemon eg-cert'

test_done
