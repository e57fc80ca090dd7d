#!/bin/sh
# pgtest.sh start DIR | stop DIR - a throw-away PostgreSQL cluster for the tests.
#
# start makes a cluster in DIR (absent or empty), starts it and prints
# one line on stdout, the libpq connection string the tests use:
#
#   host=DIR dbname=hotline user=hotline
#
# The server listens on a unix socket in DIR only (no TCP port), and the
# role hotline is its superuser with trust authentication: the socket is
# private to DIR, and tests make databases and schemas of their own.
# initdb refuses to run as root, so root runs the server as the system
# user hotline-test (made when missing) and gives it DIR; anyone else
# runs it as themselves.  Each DIR is a cluster of its own, so several
# run at once.  stop stops it at once (a throw-away cluster needs no
# checkpoint) and removes DIR.
set -eu

user=hotline-test
me=pgtest.sh

die() { echo "$me: $*" >&2; exit 1; }

# The newest PostgreSQL server Debian's packages installed: a version
# with only its client (psql) has no initdb.
pg_bin() {
	initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
	[ -x "$initdb" ] ||
		die "no PostgreSQL server (/usr/lib/postgresql/*/bin/initdb): install Debian's package postgresql (apt-get install postgresql)"
	dirname "$initdb"
}

# as_owner CMD... : runs CMD as the cluster's owner.
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

# Several starts at once may each find the user missing: a useradd that
# lost the race (the passwd file locked, or the name taken) is fine if
# the user is there after it.
make_user() {
	id -u "$user" >/dev/null 2>&1 && return 0
	for _ in 1 2 3 4 5; do
		useradd --system --no-create-home --shell /usr/sbin/nologin "$user" \
			2>/dev/null && return 0
		id -u "$user" >/dev/null 2>&1 && return 0
		sleep 1
	done
	die "cannot create the system user $user"
}

start() {
	# The path goes into a connection string unquoted and a socket's
	# path has at most 107 bytes.
	case $dir in
	*[!A-Za-z0-9/._-]*) die "$dir: only letters, digits and / . _ - please" ;;
	esac
	bin=$(pg_bin) || exit 1
	mkdir -p "$dir" || die "cannot make $dir"
	dir=$(cd "$dir" && pwd)
	[ ${#dir} -le 80 ] || die "$dir: too long for a unix socket's path"
	[ -z "$(ls -A "$dir")" ] || die "$dir is not empty"
	# The mark that lets stop remove DIR, and nothing else.
	: >"$dir/.pgtest"
	if [ "$(id -u)" -eq 0 ]; then
		make_user
		chown "$user:" "$dir"
		as_owner test -w "$dir" ||
			die "$user cannot reach $dir: its parent folders must let others through (x)"
	fi
	# -N (no sync): a throw-away cluster need not survive a power cut at
	# its birth, and initdb's syncs take most of its time on a disk.
	as_owner "$bin/initdb" -D "$dir/data" -U hotline -A trust -E UTF8 \
		--locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		die "initdb failed in $dir/data"
	}
	# fsync and synchronous_commit are on, the defaults, said here so
	# that no one turns them off for speed: the tests check the store's
	# durability promise (a commit is on disk before a cosignature goes
	# out).  300 connections: tests run several daemons at once, each
	# with a pool.
	cat >>"$dir/data/postgresql.conf" <<EOF

# tools/pgtest.sh
listen_addresses = ''
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 32MB
fsync = on
synchronous_commit = on
EOF
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
		>/dev/null 2>&1 || {
		tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
		die "the server in $dir/data did not start (its log: $dir/server.log)"
	}
	"$bin/createdb" -h "$dir" -U hotline hotline ||
		die "cannot create the database hotline in $dir"
	echo "host=$dir dbname=hotline user=hotline"
}

stop() {
	[ -d "$dir" ] || return 0
	# A start that refused DIR left it empty, as it was given.
	rmdir "$dir" 2>/dev/null && return 0
	[ -e "$dir/.pgtest" ] || die "$dir was not made by $me start: left as it is"
	if [ -e "$dir/data/postmaster.pid" ]; then
		bin=$(pg_bin) || exit 1
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null ||
			die "cannot stop the server in $dir/data"
	fi
	rm -rf "$dir"
}

[ $# -eq 2 ] || { echo "usage: $me start|stop DIR" >&2; exit 2; }
dir=$2
case $1 in
start) start ;;
stop) stop ;;
*) echo "usage: $me start|stop DIR" >&2; exit 2 ;;
esac
