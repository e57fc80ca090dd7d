#!/bin/sh
# A hub and 25 members, each a real hotlined on loopback: a FLASH
# communication check from the hub to all of them is receipted by all
# and answered by all; a member killed after the check was sent, before
# it could receipt it, is shown unreachable at the hub while the 24
# others complete.  HUB_N=10 in the environment runs it with 10; with
# groups in the build the check is one 'check run --group' (lib-hub.sh).
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-hub.sh"

N=${HUB_N:-25}
hub_names $N
VICTIM=$(echo $HUB_MEMBERS | cut -d" " -f$((N / 2)))

test_expect_success "a hub and $N members, linked and confirmed both ways" '
	hub_setup $N &&
	hub_cli hub link list --json >links &&
	test "$(grep -c "\"confirmed\":[0-9]" links)" -eq $N &&
	for m in $HUB_MEMBERS; do
		hub_cli $m link list --json >links.$m &&
		grep -q "\"confirmed\":[0-9].*\"name\":\"hub\"" links.$m || return 1
	done
'

# The victim is frozen before the check (so it cannot take it), killed
# once the check is sent: the hub's attempt on it then fails.
test_expect_success "a FLASH check to all: $((N - 1)) receipt it, the killed one does not" '
	kill -STOP "$(cat $VICTIM.pid)" &&
	hub_check_all flash &&
	kill_daemon $VICTIM &&
	hub_wait_receipted 60 $VICTIM &&
	hub_states states &&
	test "$(grep -c " awaiting-answer$" states)" -eq $((N - 1)) &&
	grep -Eqx "$VICTIM not-(yet-receipted|receipted-in-time)" states
'

test_expect_success 'the hub shows the killed member unreachable, its check waiting' '
	wait_for 20 eval "test \"\$(hub_link_status $VICTIM reachable)\" = no" &&
	test "$(hub_link_status $VICTIM outbox)" -ge 1 &&
	hub_outbox_left >left &&
	test "$(cat left)" = $VICTIM &&
	{ hub_cli hub status --json >st || :; } &&
	test "$(jq_ "scalar grep { \$_->{reachable} eq \"yes\" } @{\$j->{links}}" <st)" -eq $((N - 1))
'

test_expect_success "the $((N - 1)) others answer it, and the hub has every answer" '
	hub_ack_all $VICTIM &&
	wait_for 60 eval "hub_states states && test \"\$(grep -c \" answered\$\" states)\" -eq $((N - 1))" &&
	grep -Eqx "$VICTIM not-(yet-receipted|receipted-in-time)" states
'

test_expect_success 'every daemon left stops cleanly' '
	hub_stop_all &&
	! ls *.pid 2>/dev/null
'

test_done
