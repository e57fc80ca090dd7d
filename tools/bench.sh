#!/bin/sh
# bench.sh BUILD - runs every benchmark in BUILD/bench/ (make bench).
#
# Each benchmark makes its folders under $TMPDIR (or /tmp), on the disk
# whose fsync it measures, and prints its figures beside the floors it
# measured in the same run: a figure from another machine or another
# day means little.  Set TMPDIR to the disk the store will live on.
# bench_delivery runs twice: on SQLite, then on PostgreSQL (a throw-away
# cluster of tools/pgtest.sh under TMPDIR), skipped with the reason when
# no PostgreSQL server is installed.
set -u

build=${1:-build}
base=${TMPDIR:-/tmp}
fs=$(stat -f -c %T "$base" 2>/dev/null || echo '?')
status=0

echo "Hotline benchmarks, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm)"
echo "CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
	head -n 1) x $(nproc 2>/dev/null || echo '?'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "disk: $base ($fs)"
case $fs in
tmpfs|ramfs) echo "warning: $base is in memory, where fsync costs nothing" >&2 ;;
esac

# bench_delivery, bench_hub, bench_memory and bench_taxii run real daemons:
# $build/hotlined, which the bench target does not build.
if [ -x "$build/bench/bench_delivery" ] || [ -x "$build/bench/bench_hub" ] ||
	[ -x "$build/bench/bench_memory" ] || [ -x "$build/bench/bench_taxii" ]; then
	MAKEFLAGS= make -s --no-print-directory O="$build" "$build/hotlined" || status=1
fi

# bench_hub last: it runs 194 daemons, and takes minutes while a frozen
# peer can hold up the others (BENCH_HUB_ARGS, e.g. --members 50).
for b in $(ls "$build"/bench/bench_* | grep -v '/bench_hub$') "$build/bench/bench_hub"; do
	[ -x "$b" ] || continue
	echo
	echo "== $(basename "$b")"
	case $b in
	*/bench_hub) "$b" ${BENCH_HUB_ARGS:-} ;;
	# 60 s of load here; the issue's 10 minutes with
	# HOTLINE_BENCH_MEMORY_SECONDS=600 (it says which it ran).
	*/bench_memory) HOTLINE_BENCH_MEMORY_SECONDS=${HOTLINE_BENCH_MEMORY_SECONDS:-60} "$b" ;;
	*) "$b" ;;
	esac || { echo "$(basename "$b") failed"; status=1; }
	[ "${b##*/}" = bench_delivery ] || continue
	echo
	echo "== bench_delivery --store postgresql (the same runs, each party's store a schema of a throw-away PostgreSQL cluster)"
	"$b" --store postgresql --pgtest "$(dirname "$0")/pgtest.sh"
	case $? in
	0) ;;
	3) echo "bench_delivery on PostgreSQL: skipped (no cluster could be started, said above)" ;;
	*) echo "bench_delivery --store postgresql failed"; status=1 ;;
	esac
done
exit $status
