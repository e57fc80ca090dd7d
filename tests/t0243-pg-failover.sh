#!/bin/sh
# Two nodes of one party share its PostgreSQL store: one is active, the
# other waits as the standby, binding nothing.  Killed (SIGKILL) in the
# middle of traffic both ways, the active node's lease goes with its
# connection and the standby takes over within seconds, on the same
# address; twenty times over.  The peer receives every message exactly
# once, nothing is lost, both logs verify, and no sequence number was
# ever signed twice (the peer's log verify would find a second version).
# Cut off from the database (the server ends its connections), the
# active node stops at once, and the standby takes over.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"
. "$(dirname "$0")/lib-pg.sh"

ROUNDS=20

RU_PORT=$(free_port)
US_PORT=$(free_port)

# node HOME NAME : starts NAME's hotlined on HOME, active or standby.
node() {
	SD_NODE=$2 start_daemon "$1"
}

# took_over HOME N : HOME's log says "ready:" N times.
took_over() {
	test "$(count_lines "ready:" "$TEST_DIR/$1.log")" -ge "$2"
}

test_expect_success 'ru-cert has two nodes on one PostgreSQL store' '
	pg_schema &&
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	echo "store = $PG" >>ru-cert/hotline.conf &&
	link_both ru-cert us-cert &&
	cp -a ru-cert ru-cert-b
'

test_expect_success 'the first node is active, the second waits and binds nothing' '
	node ru-cert a && node ru-cert-b b && start_daemon us-cert &&
	grep -q "active: a holds the lease" ru-cert.log &&
	grep -q "standby: a is the active node; b takes over when it stops" ru-cert-b.log &&
	! grep -q "ready:" ru-cert-b.log &&
	test ! -S ru-cert-b/hotlined.sock
'

# Each round, us-cert's three messages and the active node's two go out
# side by side, while the node killed the round before starts again as
# the standby: it must be up (start_daemon saw its "standby:" line)
# before the active node is killed.
test_expect_success "killed $ROUNDS times in the middle of traffic, a standby takes over each time" '
	active=ru-cert standby=ru-cert-b an=a sn=b &&
	round=1 && sent=0 && got=0 && restart= &&
	while [ $round -le $ROUNDS ]; do
		(
			for i in 1 2 3; do
				echo "us-cert $round.$i" | "$HOTLINE" --home us-cert send \
					--to ru-cert --precedence flash - >/dev/null || exit 1
			done
		) &
		us_sends=$!
		for i in 1 2; do
			echo "ru-cert $round.$i" | "$HOTLINE" --home $active send --to us-cert \
				--precedence flash - >/dev/null || return 1
			sent=$((sent + 1))
		done &&
		wait $us_sends && got=$((got + 3)) &&
		{ [ -z "$restart" ] || wait $restart; } && restart= &&
		ready=$(($(count_lines "ready:" "$TEST_DIR/$standby.log") + 1)) &&
		kill_daemon $active &&
		t0=$(date +%s) &&
		wait_for 10 took_over $standby $ready &&
		echo "round $round: $sn took over in $(($(date +%s) - t0)) s" &&
		grep -q "active: $sn holds the lease (epoch [0-9]*), taking over" \
			$standby.log || return 1
		node $active $an &
		restart=$!
		t=$active && active=$standby && standby=$t &&
		t=$an && an=$sn && sn=$t &&
		round=$((round + 1)) || return 1
	done &&
	wait $restart &&
	echo "$sent $got $active" >counts
'

test_expect_success 'every message arrived exactly once, and every one is receipted' '
	read sent got active <counts &&
	wait_for 30 received us-cert ru-cert $sent &&
	wait_for 30 received $active us-cert $got &&
	wait_for 30 receipted $active us-cert $sent &&
	wait_for 30 receipted us-cert ru-cert $got &&
	test "$(pg_rows envelope)" = $((sent + got))
'

test_expect_success 'both logs verify: no entry of ru-cert was ever signed twice' '
	read sent got active <counts &&
	"$HOTLINE" --home $active log verify >v1 &&
	"$HOTLINE" --home us-cert log verify >v2 &&
	! grep -qi "equivocat" us-cert.log
'

test_expect_success 'cut off from the database, the active node stops at once; the standby takes over' '
	read sent got active <counts &&
	if [ $active = ru-cert ]; then an=a standby=ru-cert-b; else an=b standby=ru-cert; fi &&
	ready=$(($(count_lines "ready:" "$TEST_DIR/$standby.log") + 1)) &&
	psql -X -q -A -t "$HOTLINE_TEST_PG" -c "SELECT count(pg_terminate_backend(pid))
		FROM pg_stat_activity WHERE application_name = '\''$an'\''" >killed &&
	test "$(cat killed)" -ge 2 &&
	test "$(daemon_wait $active)" = 75 &&
	grep -q "lost the database connection that holds the lease" $active.log &&
	wait_for 10 took_over $standby $ready &&
	echo "us-cert after the cut" | "$HOTLINE" --home us-cert send --to ru-cert - >/dev/null &&
	echo "ru-cert after the cut" | "$HOTLINE" --home $standby send --to us-cert - >/dev/null &&
	wait_for 30 received us-cert ru-cert $((sent + 1)) &&
	wait_for 30 received $standby us-cert $((got + 1)) &&
	"$HOTLINE" --home $standby log verify >v3 &&
	"$HOTLINE" --home us-cert log verify >v4 &&
	echo "$((sent + 1)) $((got + 1)) $standby" >counts
'

test_expect_success 'hotline status says which node is active, on either node' '
	read sent got active <counts &&
	if [ $active = ru-cert ]; then an=a other=ru-cert-b; else an=b other=ru-cert; fi &&
	"$HOTLINE" --home $active status >st &&
	grep -q "^node: $an is active since .* (epoch [0-9]*)$" st &&
	"$HOTLINE" --home $active status --json >st.json &&
	test "$(jq_ '\''$j->{node}{active}'\'' <st.json)" = $an &&
	expect_code 3 "$HOTLINE" --home $other status >st2 &&
	grep -q "^hotlined: NOT RUNNING" st2 &&
	grep -q "^node: $an is active since" st2
'

test_done
