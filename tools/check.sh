#!/bin/sh
# check.sh CMD... - runs CMD (make check's prove) beside a throw-away
# PostgreSQL cluster, and exits with CMD's status.
#
# The cluster (tools/pgtest.sh) is named to the tests by its connection
# string in HOTLINE_TEST_PG, and stopped and removed after CMD, whatever
# CMD's status.  A cluster that does not start fails the run: the
# PostgreSQL tests are never skipped for want of a server.
set -u

pgtest="$(dirname "$0")/pgtest.sh"

# On a tmpfs where there is one, as test-lib.sh puts the tests' own
# folders: the server's fsyncs then return at once, and a test's crash
# is a SIGKILL, which the page cache survives.
if [ -n "${TEST_TMPDIR:-}" ]; then
	tmp=$TEST_TMPDIR
elif awk '$2 == "/dev/shm" && $3 == "tmpfs" { f = 1 } END { exit !f }' /proc/mounts \
	2>/dev/null && [ -w /dev/shm ]; then
	tmp=/dev/shm
else
	tmp=${TMPDIR:-/tmp}
fi
dir=$(mktemp -d "$tmp/hotline-pg.XXXXXX") || { echo "check.sh: no folder for the cluster" >&2; exit 1; }

stop() { "$pgtest" stop "$dir" || echo "check.sh: the cluster in $dir did not stop" >&2; }
trap stop EXIT
# Ctrl-C or a kill: exit, and the EXIT trap stops the cluster.
trap 'exit 130' INT
trap 'exit 143' TERM

HOTLINE_TEST_PG=$("$pgtest" start "$dir") || {
	echo "check.sh: the PostgreSQL cluster for the tests did not start (see above)" >&2
	exit 1
}
export HOTLINE_TEST_PG
"$@"
exit $?
