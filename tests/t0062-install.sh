#!/bin/sh
# make install lays out a service that works on a fresh Debian 12: the
# binaries, the console's files (where console.root looks by default),
# the unit (its paths under PREFIX, reload by SIGHUP), the sysusers.d
# and tmpfiles.d files that make the hotline user and its 0710 home (its
# group may enter, for api.group), and the manual pages, which render
# without a warning.
. "$(dirname "$0")/test-lib.sh"

ROOT="$TEST_DIR/root"

# install_to DESTDIR ARGS... : make install of the build under test,
# as it is (-o: never rebuilt under the tests running beside this one).
install_to() {
	it_dest=$1
	shift
	set -- -o "$HOTLINE_BUILD/hotline" -o "$HOTLINE_BUILD/hotlined" "$@"
	for it_mo in "$HOTLINE_BUILD"/locale/*/LC_MESSAGES/hotline.mo; do
		set -- -o "$it_mo" "$@"
	done
	make -s -C "$SRC_DIR" install O="$HOTLINE_BUILD" DESTDIR="$it_dest" "$@" \
		>"$TEST_DIR/make.out" 2>&1 || { cat "$TEST_DIR/make.out"; return 1; }
}

# mode FILE : its permission bits, in octal.
mode() {
	stat -c %a "$1"
}

test_expect_success 'make install lays out the binaries, service files and manual pages' '
	install_to "$ROOT" &&
	test "$(mode root/usr/local/bin/hotline)" = 755 &&
	test "$(mode root/usr/local/bin/hotlined)" = 755 &&
	for f in etc/systemd/system/hotlined.service etc/sysusers.d/hotline.conf \
		etc/tmpfiles.d/hotline.conf usr/local/share/man/man1/hotline.1 \
		usr/local/share/man/man8/hotlined.8 usr/local/share/man/man5/hotline.conf.5 \
		usr/local/share/doc/hotline/protocol.md \
		usr/local/share/locale/fr/LC_MESSAGES/hotline.mo \
		usr/local/share/hotline/console/index.html; do
		test "$(mode root/$f)" = 644 || { echo "$f: mode $(mode root/$f)"; exit 1; }
	done
'

test_expect_success 'the unit runs as hotline in /var/lib/hotline and reloads on SIGHUP' '
	u=root/etc/systemd/system/hotlined.service &&
	grep -qx "User=hotline" $u && grep -qx "Group=hotline" $u &&
	grep -qx "Environment=HOTLINE_HOME=/var/lib/hotline" $u &&
	grep -qx "StateDirectory=hotline" $u && grep -qx "StateDirectoryMode=0710" $u &&
	grep -qx "ExecStartPre=/usr/local/bin/hotlined -n" $u &&
	grep -qx "ExecStart=/usr/local/bin/hotlined" $u &&
	grep -qx "ExecReload=kill -HUP \$MAINPID" $u &&
	grep -qx "u hotline - \"Hotline daemon\" /var/lib/hotline" root/etc/sysusers.d/hotline.conf &&
	grep -qx "d /var/lib/hotline 0710 hotline hotline -" root/etc/tmpfiles.d/hotline.conf
'

test_expect_success 'PREFIX moves the binaries, and the unit follows' '
	install_to "$TEST_DIR/opt" PREFIX=/opt/hotline &&
	test -x opt/opt/hotline/bin/hotlined &&
	cmp "$SRC_DIR/console/index.html" opt/opt/hotline/share/hotline/console/index.html &&
	test -f opt/opt/hotline/share/man/man8/hotlined.8 &&
	grep -qx "ExecStart=/opt/hotline/bin/hotlined" opt/etc/systemd/system/hotlined.service &&
	! grep -q /usr/local opt/etc/systemd/system/hotlined.service
'

if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
test_expect_success 'systemd-sysusers and systemd-tmpfiles make the user and its 0710 home' '
	mkdir -p root/etc &&
	systemd-sysusers --root="$ROOT" >/dev/null 2>&1 &&
	grep -q "^hotline:x:[0-9]*:[0-9]*:Hotline daemon:/var/lib/hotline:" root/etc/passwd &&
	uid=$(sed -n "s/^hotline:x:\([0-9]*\):.*/\1/p" root/etc/passwd) &&
	systemd-tmpfiles --root="$ROOT" --create >/dev/null 2>&1 &&
	test "$(mode root/var/lib/hotline)" = 710 &&
	test "$(stat -c %u root/var/lib/hotline)" = "$uid"
'
fi

test_expect_success 'init as documented fills that home, and hotlined -n accepts it' '
	mkdir -p -m 0710 root/var/lib/hotline &&
	root/usr/local/bin/hotline init --name ru-cert --home "$ROOT/var/lib/hotline" \
		--listen 0.0.0.0:7443 --endpoint https://hotline.ru-cert.example:7443 >/dev/null &&
	test "$(mode root/var/lib/hotline)" = 710 &&
	test "$(mode root/var/lib/hotline/identity.key)" = 600 &&
	HOTLINE_HOME="$ROOT/var/lib/hotline" root/usr/local/bin/hotlined -n 2>err &&
	grep -qx "configuration OK" err
'

test_expect_success 'the console is installed whole, where console.root looks by default' '
	(cd "$SRC_DIR/console" && find . -type f | sort) >want &&
	(cd root/usr/local/share/hotline/console && find . -type f | sort) >got &&
	diff want got &&
	while read -r f; do
		cmp "$SRC_DIR/console/$f" "root/usr/local/share/hotline/console/$f" &&
		test "$(mode "root/usr/local/share/hotline/console/$f")" = 644 || exit 1
	done <want &&
	grep -qx "#console.root = /usr/local/share/hotline/console" \
		root/var/lib/hotline/hotline.conf
'

test_expect_success 'the manual pages render without a warning' '
	for m in man1/hotline.1 man8/hotlined.8 man5/hotline.conf.5; do
		groff -man -Tutf8 -z -ww root/usr/local/share/man/$m >out 2>&1 &&
		test ! -s out || { cat out; exit 1; }
	done &&
	if command -v man >/dev/null; then
		MANWIDTH=80 man -l root/usr/local/share/man/man5/hotline.conf.5 >page 2>err &&
		grep -q "^NAME" page && grep -q "did you mean" page &&
		MANWIDTH=80 man -l root/usr/local/share/man/man8/hotlined.8 >page 2>err &&
		grep -q "^SIGNALS" page
	fi
'

test_done
