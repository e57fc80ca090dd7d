#!/bin/sh
# Other Unix users reach the operator socket through api.group: the
# socket is then mode 0660 in that group, and each user is still let in
# only when mapped to an operator.  Needs root, to make a throw-away
# user and group (removed at the end); skipped otherwise.
. "$(dirname "$0")/test-lib.sh"

if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v runuser >/dev/null; then
	echo "1..0 # SKIP needs root, useradd and runuser to make a throw-away Unix user"
	exit 0
fi

U=hlop$$
G=hlgrp$$
PORT=$(free_port)
HOME_DIR="$TEST_DIR/ru-cert"
CONF="$HOME_DIR/hotline.conf"
SOCK="$HOME_DIR/hotlined.sock"

drop_users() {
	userdel "$U" 2>/dev/null
	groupdel "$G" 2>/dev/null
	cleanup
}
trap drop_users EXIT

# as_user WHO ARGS... : hotline for ru-cert run as Unix user WHO.
as_user() {
	who=$1
	shift
	ASAN_OPTIONS=detect_leaks=0 runuser -u "$who" -- "$HOTLINE" --home "$HOME_DIR" "$@" \
		2>"$TEST_DIR/$who.err"
}

test_expect_success 'a throw-away user in a throw-away group' '
	groupadd "$G" &&
	useradd -M -N -g nogroup -G "$G" -s /bin/sh "$U" &&
	id -nG "$U" | grep -qw "$G"
'

test_expect_success 'by default the socket is 0600: only hotlined'\''s user and root' '
	chmod 0711 "$TEST_DIR" &&
	new_party ru-cert "$PORT" &&
	chgrp "$G" "$HOME_DIR" && chmod 0710 "$HOME_DIR" &&
	start_daemon ru-cert &&
	test "$(stat -c %a "$SOCK")" = 600 &&
	expect_code 1 as_user "$U" operator list &&
	! grep -q "mapped to no operator" "$U.err"
'

test_expect_success 'api.group naming no group, or a home the group cannot enter, stops hotlined' '
	stop_daemon ru-cert &&
	echo "api.group = no-such-group-$$" >>"$CONF" &&
	expect_code 1 "$HOTLINED" --home "$HOME_DIR" >out 2>&1 &&
	grep -q "api.group no-such-group-$$: no such Unix group" out &&
	sed -i "s/^api.group = .*/api.group = $G/" "$CONF" &&
	chmod 0700 "$HOME_DIR" &&
	expect_code 1 "$HOTLINED" --home "$HOME_DIR" >out 2>&1 &&
	grep -q "its members cannot enter" out &&
	chmod 0710 "$HOME_DIR"
'

test_expect_success 'with api.group the socket is 0660 in that group' '
	start_daemon ru-cert &&
	test "$(stat -c "%a %G" "$SOCK")" = "660 $G"
'

test_expect_success 'a member mapped to no operator is refused, told how to be mapped' '
	expect_code 1 as_user "$U" operator list &&
	grep -q "Unix user $U is mapped to no operator of this party" "$U.err" &&
	grep -q "hotline operator map OPERATOR $U" "$U.err"
'

test_expect_success 'mapped, the member acts as that operator, with its roles' '
	hl ru-cert operator add ana --role duty --unix "$U" >/dev/null &&
	expect_code 1 as_user "$U" operator list &&
	grep -q "operator ana may not do this: it needs the auditor role" "$U.err" &&
	hl ru-cert operator role ana auditor >/dev/null &&
	as_user "$U" operator list >out &&
	grep -q "^ana " out
'

test_expect_success 'a user outside the group cannot reach the socket' '
	expect_code 1 as_user nobody operator list &&
	! grep -q "^ana " nobody.err
'

test_expect_success 'the member never reads a secret: the keys and the store stay 0600' '
	for f in identity.key box.key tls.key hotline.db; do
		test "$(stat -c %a "$HOME_DIR/$f")" = 600 || { echo "$f"; false; }
		! runuser -u "$U" -- cat "$HOME_DIR/$f" >/dev/null 2>&1 || { echo "$f read"; false; }
	done
'

test_done
