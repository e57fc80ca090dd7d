# lib-hub.sh - a hub and N member parties, each a real hotlined on
# loopback, for scale tests.  Sourced after test-lib.sh:
#
#   hub_setup N          parties hub and m01..mNN, every member linked
#                        with the hub and confirmed both ways, all N+1
#                        daemons running; $HUB_MEMBERS lists the members
#   hub_check_all [P]    a communication check from the hub to every
#                        member (precedence P, default flash)
#   hub_send_all ARGS    'hotline send ARGS TEXT' from the hub to every
#                        member
#   hub_all_receipted [M...]  true when the hub holds the receipt of
#                        everything it sent, but on the links M
#   hub_ack_all [M...]   every member but M acks the last check it got,
#                        a batch at a time (see there)
#   hub_check_state M    the state of the hub's last check to M, as
#                        'check report M --json' gives it: answered, ...
#   hub_stop_all         stops every daemon of the test, all at once
#
# The hub addresses all its members in one place, hub_to_all: with
# groups in the build ('hotline help group' succeeds, and 'hotline help
# check' knows --group) it sends one group message to the group
# $HUB_GROUP made at setup; without, one CLI process per member, in
# parallel.  HUB_GROUPS=no in the environment keeps the latter.
#
# Setup costs: 'hotline init' is local and quick (no passphrase, no
# Argon2), so all parties are made at once; the daemons start together
# and are waited for together; the links are added and confirmed
# through them (the CLI has no offline 'link add'), over the operator
# API with curl, every member's four requests in parallel with the
# others'.  Leak checks of the ASan build are off for these bulk
# commands: each runs with them in other tests.  Each party's log is
# $TEST_DIR/NAME.log, as start_daemon's.

HUB_GROUP=all-members
HUB_MEMBERS=
HUB=hub
HUB_RUN="$TEST_DIR/.hub"

# hub_cli NAME ARGS... : hotline for party NAME, its standard error in
# $HUB_RUN/NAME.err (one file per party: these run in parallel).
hub_cli() {
	hc_who=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$HOTLINE" --home "$TEST_DIR/$hc_who" "$@" 2>>"$HUB_RUN/$hc_who.err"
}

# hub_ports K : K free ports on 127.0.0.1 into $HUB_RUN/ports, found
# as free_port finds one, in one perl run.
hub_ports() {
	hp_last=$(cat "$TEST_DIR/.port" 2>/dev/null || echo $((20000 + ($$ * 37) % 12000)))
	perl -MIO::Socket::INET -e 'my ($n, $p) = @ARGV; my @got;
		while (@got < $n) {
			$p = $p + 1 < 32000 ? $p + 1 : 20000;
			IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $p,
				Listen => 1, ReuseAddr => 1) and push @got, $p;
		}
		print "$_\n" for @got' "$1" "$hp_last" >"$HUB_RUN/ports" &&
	tail -n 1 "$HUB_RUN/ports" >"$TEST_DIR/.port"
}

# hub_launch NAME : starts NAME's hotlined as start_daemon does (pid,
# rc, log, the watchdog), without waiting for it to be ready.  The
# members' run without the ASan build's leak check at exit (the hub's
# and every other test's daemons keep it): N of them at once took most
# of the test's stop.
hub_launch() {
	rm -f "$TEST_DIR/$1.pid" "$TEST_DIR/$1.rc"
	hl_asan=${ASAN_OPTIONS-}
	[ "$1" = "$HUB" ] || hl_asan="${hl_asan:+$hl_asan:}detect_leaks=0"
	ASAN_OPTIONS=$hl_asan sh -c '"$0" --home "$1" </dev/null >>"$2" 2>&1 &
		d=$!; echo $d >"$3.tmp"; mv "$3.tmp" "$3"
		(while kill -0 "$5" && kill -0 $d; do sleep 1; done; kill -KILL $d) &
		w=$!; wait $d; rc=$?; kill $w
		echo $rc >"$4.tmp"; mv "$4.tmp" "$4"' \
		"$HOTLINED" "$TEST_DIR/$1" "$TEST_DIR/$1.log" "$TEST_DIR/$1.pid" \
		"$TEST_DIR/$1.rc" $$ </dev/null >/dev/null 2>&1 &
}

# hub_wait_ready SECONDS NAME... : waits until each NAME's log has its
# "ready:" line; fails with the first missing one's log.
hub_wait_ready() {
	hw_until=$(($(date +%s) + $1))
	shift
	for hw_n in "$@"; do
		until grep -q "ready:" "$TEST_DIR/$hw_n.log" 2>/dev/null; do
			if [ -f "$TEST_DIR/$hw_n.rc" ] || [ "$(date +%s)" -ge "$hw_until" ]; then
				echo "hotlined $hw_n did not start; its log:"
				sed 's/^/  /' "$TEST_DIR/$hw_n.log" 2>/dev/null
				return 1
			fi
			sleep 0.1
		done
	done
}

# hub_api NAME PATH JSON OUT : POST JSON to NAME's operator API (curl
# on its socket: a tenth of the CPU of a sanitized CLI run); the
# answer into OUT; fails unless it is 200.
hub_api() {
	ha_code=$(curl -s -m 30 --unix-socket "$TEST_DIR/$1/hotlined.sock" \
		-H "Content-Type: application/json" --data-binary "$3" \
		-o "$4" -w "%{http_code}" "http://localhost$2")
	[ "$ha_code" = 200 ] || { echo "$1 POST $2: $ha_code $(cat "$4")" >&2; return 1; }
}

# hub_get NAME PATH OUT : GET PATH of NAME's operator API into OUT.
hub_get() {
	[ "$(curl -s -m 30 --unix-socket "$TEST_DIR/$1/hotlined.sock" -o "$3" \
		-w "%{http_code}" "http://localhost$2")" = 200 ]
}

# hub_link_add A B : A adds B's card (POST /v1/link/add, as 'hotline
# link add') and confirms it by the fingerprint of B's card (POST
# /v1/link/confirm).  Each pair has its own answer file: these run in
# parallel.
hub_link_add() {
	hla_out="$HUB_RUN/$1-$2.api"
	hub_api "$1" /v1/link/add "{\"name\":\"$2\",\"card\":$(cat "$HUB_RUN/$2.card.json")}" \
		"$hla_out" &&
	hla_fp=$(grep -o '"fingerprint":"[0-9 ]*"' "$hla_out" | head -n 1 | cut -d'"' -f4) &&
	[ "$hla_fp" = "$(cat "$HUB_RUN/$2.fp")" ] &&
	hub_api "$1" /v1/link/confirm "{\"name\":\"$2\",\"fingerprint\":\"$hla_fp\"}" \
		"$hla_out"
}

# hub_link NAME : NAME and the hub add each other's cards and confirm
# them by fingerprint, through their daemons' operator API.
hub_link() {
	hub_link_add "$1" "$HUB" 2>>"$HUB_RUN/$1.err" &&
	hub_link_add "$HUB" "$1" 2>>"$HUB_RUN/$1.err"
}

# hub_each CMD : runs 'CMD NAME' for each member at once, in the
# background (waited for by pid: the daemons are jobs too); fails
# unless every one succeeded (the failures' names in $HUB_RUN/failed).
hub_each() {
	: >"$HUB_RUN/failed"
	he_jobs=
	for he_m in $HUB_MEMBERS; do
		{ $1 "$he_m" || echo "$he_m" >>"$HUB_RUN/failed"; } &
		he_jobs="$he_jobs $!"
	done
	wait $he_jobs
	if [ -s "$HUB_RUN/failed" ]; then
		echo "$1 failed for: $(tr '\n' ' ' <"$HUB_RUN/failed")"
		return 1
	fi
}

# hub_init_one NAME I : party NAME on the I-th port; its card's
# fingerprint (as read out) and its card as a JSON string beside.
hub_init_one() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		new_party "$1" "$(sed -n "$2p" "$HUB_RUN/ports")" &&
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		"$HOTLINE" fingerprint "$TEST_DIR/$1/card" | cut -c1-35 >"$HUB_RUN/$1.fp" &&
	perl -MJSON::PP -e 'local $/; print JSON::PP->new->allow_nonref->encode(<STDIN>)' \
		<"$TEST_DIR/$1/card" >"$HUB_RUN/$1.card.json"
}

# hub_names N : sets HUB_MEMBERS to m01..mNN (m001.. from 100).  Call
# it at the top level of a test too: its bodies run in subshells.
hub_names() {
	hn_w=2
	[ "$1" -lt 100 ] || hn_w=3
	HUB_MEMBERS=$(seq -f "m%0${hn_w}g" 1 "$1" | tr '\n' ' ')
}

# hub_setup N : the hub and N members (m01..), made, started, linked.
hub_setup() {
	mkdir -p "$HUB_RUN" &&
	hub_ports $(($1 + 1)) || return 1
	hub_names "$1"
	hs_i=1
	: >"$HUB_RUN/failed"
	hs_jobs=
	for hs_n in $HUB $HUB_MEMBERS; do
		{ hub_init_one "$hs_n" $hs_i || echo "$hs_n" >>"$HUB_RUN/failed"; } &
		hs_jobs="$hs_jobs $!"
		hs_i=$((hs_i + 1))
	done
	wait $hs_jobs
	if [ -s "$HUB_RUN/failed" ]; then
		echo "init failed for: $(tr '\n' ' ' <"$HUB_RUN/failed")"
		return 1
	fi
	for hs_n in $HUB $HUB_MEMBERS; do
		hub_launch "$hs_n"
	done
	hub_wait_ready $((10 + $1 / 2)) $HUB $HUB_MEMBERS &&
	hub_each hub_link &&
	hub_group_make
}

# --- Addressing every member -------------------------------------------

# hub_groups : true when the hub sends to a group in one command: the
# build has 'hotline group' and 'check run --group'.
hub_groups() {
	[ "${HUB_GROUPS:-}" != no ] && "$HOTLINE" help group >/dev/null 2>&1 &&
	"$HOTLINE" help check 2>/dev/null | grep -q -- "--group"
}

# hub_group_make : the group $HUB_GROUP of every member, when groups
# are in the build.
hub_group_make() {
	hub_groups || return 0
	hub_cli "$HUB" group create "$HUB_GROUP" >/dev/null &&
	hub_cli "$HUB" group add "$HUB_GROUP" $HUB_MEMBERS >/dev/null
}

# hub_to_all send|check ARGS... : the one place where the hub addresses
# all its members: 'send --group'/'check run --group' with groups, else
# one 'send --to M'/'check run M' per member, in parallel.  Its output
# in $HUB_RUN/to-all.
hub_to_all() {
	hta_what=$1
	shift
	if hub_groups; then
		case $hta_what in
		send) hub_cli "$HUB" send --group "$HUB_GROUP" "$@" ;;
		check) hub_cli "$HUB" check run --group "$HUB_GROUP" "$@" ;;
		esac >"$HUB_RUN/to-all"
		return
	fi
	: >"$HUB_RUN/to-all"
	: >"$HUB_RUN/failed"
	hta_jobs=
	for hta_m in $HUB_MEMBERS; do
		case $hta_what in
		send) set -- --to "$hta_m" "$@" ;;
		check) set -- run "$hta_m" "$@" ;;
		esac
		{ hub_cli "$HUB" "$hta_what" "$@" >>"$HUB_RUN/to-all" ||
			echo "$hta_m" >>"$HUB_RUN/failed"; } &
		hta_jobs="$hta_jobs $!"
		shift 2
	done
	wait $hta_jobs
	if [ -s "$HUB_RUN/failed" ]; then
		echo "$hta_what failed for: $(tr '\n' ' ' <"$HUB_RUN/failed")"
		return 1
	fi
}

hub_check_all() {
	hub_to_all check --precedence "${1:-flash}"
}

hub_send_all() {
	hub_to_all send "$@"
}

# --- What the hub and the members hold ---------------------------------

# hub_outbox_left [M...] : prints each link of the hub whose outbox is
# not empty, but the links M (hotline outbox --json).
hub_outbox_left() {
	hub_cli "$HUB" outbox --json >"$HUB_RUN/outbox" || return 1
	perl -MJSON::PP -ne 'BEGIN { %skip = map { $_ => 1 } @ARGV; @ARGV = () }
		my $j = decode_json($_);
		print "$j->{link}\n" if $j->{awaiting} && !$skip{$j->{link}}' "$@" \
		<"$HUB_RUN/outbox"
}

# hub_all_receipted [M...] : every message of the hub receipted, but on
# the links M.
hub_all_receipted() {
	hub_outbox_left "$@" >"$HUB_RUN/left" && [ ! -s "$HUB_RUN/left" ]
}

# hub_wait_receipted SECONDS [M...] : waits for hub_all_receipted.
hub_wait_receipted() {
	hwr_s=$1
	shift
	wait_for "$hwr_s" hub_all_receipted "$@" || {
		echo "not receipted at the hub: $(tr '\n' ' ' <"$HUB_RUN/left")"
		return 1
	}
}

# hub_ack_one M : M acknowledges (answers) with 'hotline ack' the last
# check from the hub in its inbox (GET /v1/inbox).
hub_ack_one() {
	hub_get "$1" "/v1/inbox?link=$HUB" "$HUB_RUN/$1.inbox" &&
	hao_id=$(perl -MJSON::PP -e 'local $/; my $j = decode_json(<STDIN>);
		my @c = grep { $_->{kind} eq "check" } @{$j->{items}};
		print @c ? $c[-1]{id} : ""' <"$HUB_RUN/$1.inbox") &&
	[ -n "$hao_id" ] &&
	hub_cli "$1" ack "$hao_id" >/dev/null
}

# hub_ack_delivered M : M's acknowledgment is at the hub: M's outbox is
# empty (GET /v1/outbox).
hub_ack_delivered() {
	hub_get "$1" "/v1/outbox?link=$HUB" "$HUB_RUN/$1.outbox" &&
	grep -q '"awaiting":0[,}]' "$HUB_RUN/$1.outbox"
}

# hub_ack_all [M...] : every member but M acks the hub's last check,
# $HUB_ACK_BATCH (8) members at a time, each batch's acks at the hub
# before the next batch acks.  The members' acks all come to the hub's
# peer server from 127.0.0.1, where it holds 8 connections in handshake
# from one address (HL_WIRE_PENDING_PER_IP) and refuses the others,
# which then retry after their backoff: batches of 8 keep the test's
# time that of the acks, not of the backoff.
hub_ack_all() {
	haa_keep=$HUB_MEMBERS
	haa_left=$HUB_MEMBERS
	for haa_m in "$@"; do
		haa_left=$(echo " $haa_left " | sed "s/ $haa_m / /")
	done
	haa_rc=0
	while [ -n "$(echo $haa_left)" ] && [ $haa_rc -eq 0 ]; do
		HUB_MEMBERS=$(echo $haa_left | cut -d" " -f1-"${HUB_ACK_BATCH:-8}")
		haa_left=$(echo $haa_left | cut -s -d" " -f$((${HUB_ACK_BATCH:-8} + 1))-)
		hub_each hub_ack_one && hub_each hub_ack_wait || haa_rc=1
	done
	HUB_MEMBERS=$haa_keep
	return $haa_rc
}

hub_ack_wait() {
	wait_for 30 hub_ack_delivered "$1"
}

# hub_check_state M : the state of the hub's last check to M, from GET
# /v1/check/report (as 'check report M --json': answered,
# awaiting-answer, not-yet-receipted, ...); "none" without one.
hub_check_state() {
	hub_get "$HUB" "/v1/check/report?link=$1" "$HUB_RUN/$1.report" &&
	jq_ 'my $c = $j->{checks}; @$c ? $c->[-1]{state} : "none"' <"$HUB_RUN/$1.report"
}

# hub_states FILE : "M STATE" for every member, into FILE.
hub_states() {
	hst_jobs=
	for hst_m in $HUB_MEMBERS; do
		echo "$hst_m $(hub_check_state "$hst_m")" >"$HUB_RUN/state.$hst_m" &
		hst_jobs="$hst_jobs $!"
	done
	wait $hst_jobs
	for hst_m in $HUB_MEMBERS; do
		cat "$HUB_RUN/state.$hst_m"
	done >"$1"
}

# hub_link_status M MEMBER : MEMBER of M's link in the hub's status
# --json (reachable, outbox, last_error, ...).
hub_link_status() {
	hub_cli "$HUB" status --json | jq_ \
		'my ($l) = grep { $_->{name} eq "'"$1"'" } @{$j->{links}}; $l->{'"$2"'}'
}

# hub_stop_all : SIGCONT and SIGTERM to every daemon of the test at
# once (one stopped with SIGSTOP would not see the SIGTERM); fails
# unless each exited 0 after logging "stopped".  Those that do not
# exit are killed (test-lib's exit trap kills any left on failure).
hub_stop_all() {
	hsa_rc=0
	for hsa_p in "$TEST_DIR"/*.pid; do
		[ -f "$hsa_p" ] || continue
		hsa_n=$(basename "$hsa_p" .pid)
		daemon_running "$hsa_n" || continue
		kill -CONT "$(cat "$hsa_p")"
		kill -TERM "$(cat "$hsa_p")"
	done
	for hsa_p in "$TEST_DIR"/*.pid; do
		[ -f "$hsa_p" ] || continue
		hsa_n=$(basename "$hsa_p" .pid)
		hsa_st=$(daemon_wait "$hsa_n") || { kill_daemon "$hsa_n"; hsa_rc=1; continue; }
		rm -f "$hsa_p"
		if [ "$hsa_st" -ne 0 ] || ! tail -n 1 "$TEST_DIR/$hsa_n.log" | grep -q "stopped$"; then
			echo "hotlined $hsa_n exited with $hsa_st; its log ends:"
			tail -n 10 "$TEST_DIR/$hsa_n.log" | sed 's/^/  /'
			hsa_rc=1
		fi
	done
	return $hsa_rc
}
