# lib-browser.sh - sourced by the console's browser tests, after
# test-lib.sh and lib-console.sh.  Each test is a shell test (real
# daemons) whose browser steps are node scripts in tests/browser/
# (tests/browser/lib.mjs): Debian's chromium driven by playwright-core,
# both installed by tools/deps.sh browser (make check runs it).
#
#   console_up NAME [OPERATOR [ROLES]]
#       NAME's console on a free loopback port, serving the repository's
#       console/; hotlined started; OPERATOR (default officer, roles
#       ROLES, default duty) made if new and given a password and a TOTP
#       secret.  NAME and OPERATOR become the ones browser_run logs in.
#   browser_operator NAME OPERATOR [ROLES]
#       another operator of NAME (hotlined running), for the scripts to
#       log in as (lib.mjs: operator(party, name)).
#   browser_run SCRIPT.mjs ARGS...
#       node tests/browser/SCRIPT.mjs from $TEST_DIR; its TAP output
#       (each step's time too) lands in the step's log, shown when it
#       fails, and is kept as $HOTLINE_ARTIFACTS/TEST.SCRIPT.tap.  When
#       it fails, that output goes to the test's standard error too,
#       which prove shows without -v (a step's log is TAP comments, which
#       it hides), with the screenshots lib.mjs takes of each page open
#       at a failed step.
#
# What the scripts get (lib.mjs reads it): HOTLINE_URL, HOTLINE_PARTY,
# HOTLINE_OPERATOR, HOTLINE_PASSWORD, HOTLINE_TOTP (base32 secret) of the
# last console_up; HOTLINE_OPERATORS, a file of every operator made here
# ("party operator secret url" a line); HOTLINE_TEST_DIR, HOTLINE_BIN
# (the hotline CLI, to act as a party: lib.mjs hl()), HOTLINE_ARTIFACTS
# (screenshots; default tests/artifacts, kept after the test).

BROWSER_DIR="$SRC_DIR/tests/browser"
# The test's standard error, kept for browser_run: inside a step it is
# the step's log.
exec 7>&2
BROWSER_PASSWORD='correct horse battery staple'
: "${CHROMIUM:=/usr/bin/chromium}"
: "${HOTLINE_ARTIFACTS:=$SRC_DIR/tests/artifacts}"
export CHROMIUM HOTLINE_ARTIFACTS

# Nothing is skipped: a machine without the browser fails the test,
# saying what is missing (tools/deps.sh browser installs all of it).
browser_missing() {
	[ -x "$CHROMIUM" ] || { echo "chromium ($CHROMIUM)"; return; }
	command -v node >/dev/null 2>&1 || { echo "node (Debian's nodejs)"; return; }
	for bm_mod in playwright-core axe-core; do
		[ -f "$SRC_DIR/node_modules/$bm_mod/package.json" ] ||
			{ echo "node_modules/$bm_mod (npm ci)"; return; }
	done
}
bm_what=$(browser_missing)
if [ -n "$bm_what" ]; then
	echo "not ok 1 - the browser tests have what they run on: no $bm_what"
	echo "# tools/deps.sh browser installs it (make check and .ci/run run it)"
	echo "1..1"
	exit 1
fi

# console_up NAME [OPERATOR [ROLES]]
console_up() {
	cu_who=$1 cu_op=${2:-officer} cu_roles=${3:-duty}
	console_on "$cu_who" || return 1	# console.root: the repository's console/
	start_daemon "$cu_who" || return 1
	echo "https://127.0.0.1:$(cat "$TEST_DIR/$cu_who.console")/" >"$TEST_DIR/$cu_who.url"
	browser_operator "$cu_who" "$cu_op" "$cu_roles" || return 1
	printf '%s %s\n' "$cu_who" "$cu_op" >"$TEST_DIR/.browser-current"
	echo "console of $cu_who: $(cat "$TEST_DIR/$cu_who.url"), operator $cu_op"
}

# browser_operator NAME OPERATOR [ROLES]
browser_operator() {
	bo_who=$1 bo_op=$2 bo_roles=${3:-duty}
	if ! hl "$bo_who" operator show "$bo_op" >/dev/null; then
		hl "$bo_who" operator add "$bo_op" --role "$bo_roles" >/dev/null ||
			{ cat "$TEST_DIR/$bo_who.err"; return 1; }
	fi
	printf '%s\n' "$BROWSER_PASSWORD" | hl "$bo_who" operator passwd "$bo_op" --stdin >/dev/null ||
		{ cat "$TEST_DIR/$bo_who.err"; return 1; }
	hl "$bo_who" operator totp "$bo_op" --json >"$TEST_DIR/.totp.json" ||
		{ cat "$TEST_DIR/$bo_who.err"; return 1; }
	bo_secret=$(perl -MJSON::PP -e 'local $/; print JSON::PP->new->decode(<STDIN>)->{secret}' \
		<"$TEST_DIR/.totp.json")
	rm -f "$TEST_DIR/.totp.json"
	[ -n "$bo_secret" ] || { echo "no TOTP secret for $bo_op"; return 1; }
	# A new secret replaces the one before.
	touch "$TEST_DIR/browser.operators"
	grep -v "^$bo_who $bo_op " "$TEST_DIR/browser.operators" >"$TEST_DIR/.ops" || :
	printf '%s %s %s %s\n' "$bo_who" "$bo_op" "$bo_secret" "$(cat "$TEST_DIR/$bo_who.url")" \
		>>"$TEST_DIR/.ops"
	mv "$TEST_DIR/.ops" "$TEST_DIR/browser.operators"
}

# browser_run SCRIPT.mjs ARGS...
browser_run() {
	br_script=$1
	shift
	read -r br_who br_op <"$TEST_DIR/.browser-current" || { echo "no console_up before"; return 1; }
	br_secret=$(awk -v w="$br_who" -v o="$br_op" '$1 == w && $2 == o {print $3}' \
		"$TEST_DIR/browser.operators")
	br_tap="$HOTLINE_ARTIFACTS/$TEST_NAME.${br_script%.mjs}.tap"
	mkdir -p "$HOTLINE_ARTIFACTS" || return 1
	(
		cd "$TEST_DIR" &&
		HOTLINE_URL=$(cat "$TEST_DIR/$br_who.url") HOTLINE_PARTY=$br_who \
		HOTLINE_OPERATOR=$br_op HOTLINE_PASSWORD=$BROWSER_PASSWORD HOTLINE_TOTP=$br_secret \
		HOTLINE_OPERATORS="$TEST_DIR/browser.operators" HOTLINE_TEST_DIR=$TEST_DIR \
		HOTLINE_BIN=$HOTLINE exec node "$BROWSER_DIR/$br_script" "$@"
	) >"$br_tap" 2>&1 7>&-
	br_rc=$?
	cat "$br_tap"
	if [ "$br_rc" -ne 0 ]; then
		{
			echo "# $TEST_NAME: tests/browser/$br_script failed (exit $br_rc); its output, kept as $br_tap:"
			cat "$br_tap"
		} >&7
	fi
	return $br_rc
}
