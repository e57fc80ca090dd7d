#!/bin/sh
# Communication checks: a test message the peer's machine must receipt
# and a person must answer in time, and the report of how each went.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }
# later OFFSET HOME ARGS... : hotline run against HOME's hotlined, the
# only one up, started for it at a moved clock (libfaketime's FAKETIME:
# "+2h", "+8d"): the report is hotlined's, and so is its time.
later() {
	offset=$1 home=$2
	shift 2
	no_daemons &&
	(
		export FAKETIME="$offset" LD_PRELOAD="$FAKETIME_LIB" \
			ASAN_OPTIONS=verify_asan_link_order=0 &&
		with_daemon "$home" "$HOTLINE" --home "$TEST_DIR/$home" "$@"
	)
}

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
link_pair ru-cert us-cert

test_expect_success 'a link never heard from is reported silent' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert check report us-cert >rep &&
	grep -q "^no checks sent to us-cert yet" rep &&
	grep -q "^last sign of life from us-cert: never$" rep &&
	grep -q "^us-cert is SILENT" rep
'

test_expect_success 'two checks go out, one FLASH' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert check run us-cert >out 2>/dev/null &&
	grep -qx "check sent to us-cert as us-cert/out/1 (immediate): the peer answers it with '"'"'hotline ack'"'"'" out &&
	"$HOTLINE" --home ru-cert check run us-cert --precedence flash >/dev/null 2>&1 &&
	expect_code 2 "$HOTLINE" --home ru-cert check run us-cert --precedence soon 2>/dev/null &&
	expect_code 1 "$HOTLINE" --home ru-cert check run nobody 2>/dev/null &&
	exchange ru-cert us-cert c1 &&
	only_daemon us-cert &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	grep -q "^ru-cert/1 .* immediate  *check  *-  *due in" inbox &&
	grep -q "^ru-cert/2 .* flash  *check  *-  *due in" inbox
'

test_expect_success 'receipted but unanswered, then one answered by a person' '
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert check report us-cert >rep &&
	grep -q "^us-cert/out/1 .* immediate  *[0-9]*s  *-  *receipted, awaiting an answer$" rep &&
	only_daemon us-cert &&
	"$HOTLINE" --home us-cert ack ru-cert/2 "line works" >/dev/null 2>&1 &&
	exchange us-cert ru-cert c2 &&
	only_daemon ru-cert &&
	"$HOTLINE" --home ru-cert check report us-cert >rep &&
	grep -q "^us-cert/out/2 .* flash  *[0-9]*s  *[0-9]*s  *answered$" rep &&
	grep -q "^2 check(s), 0 missed or answered late$" rep &&
	! grep -q SILENT rep
'

test_expect_success 'past its deadline the unanswered check is MISSED' '
	later +2h ru-cert check report us-cert >rep &&
	grep -q "^us-cert/out/1 .* MISSED$" rep &&
	grep -q "^us-cert/out/2 .* answered$" rep &&
	grep -q "^2 check(s), 1 missed or answered late$" rep
'

test_expect_success 'a week without a sign of life makes the link SILENT' '
	later +8d ru-cert check report us-cert >rep &&
	grep -q "^us-cert is SILENT" rep
'

test_done
