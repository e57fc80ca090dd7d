#!/bin/sh
# fuzz.sh - build and run Hotline's libFuzzer targets (fuzz/fuzz_*.c).
#
#   tools/fuzz.sh SECONDS [TARGET...]	run each target (all by default)
#					for SECONDS; fails if any crashes
#   tools/fuzz.sh seeds [TARGET...]	rewrite fuzz/seeds/ (all, or those
#					targets') from the fixture
#
# The core's modules and the party's config parser are built with clang
# into build/fuzz/libcore.a, instrumented but without libFuzzer's main,
# and each target links against that archive.  Each target's corpus
# fuzz/corpus/<target>/ is gitignored and starts from the committed
# fuzz/seeds/<target>/; crash inputs go to build/fuzz/artifacts/<target>/,
# logs to build/fuzz/logs/.
# FUZZ_OUT names another build folder, for runs side by side.
set -eu

cd "$(dirname "$0")/.."
OUT=${FUZZ_OUT:-build/fuzz}
CC=${FUZZ_CC:-clang}
CFLAGS="-std=c11 -D_GNU_SOURCE -UNDEBUG -g -O1 -fno-omit-frame-pointer -Wall -Wextra"
CFLAGS="$CFLAGS -Isrc/core -Isrc/party -Isrc/store -Ifuzz"
CFLAGS="$CFLAGS $(pkg-config --cflags libsodium gnutls jansson sqlite3 libpq)"
SAN="address,undefined -fno-sanitize-recover=all"
LIBS=$(pkg-config --libs libsodium gnutls jansson sqlite3 libpq)

usage() {
	sed -n '4,6p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# Compiles src/core/*.c, src/party/config.c (which needs the core, and
# the store's engines to check its store setting: src/store/db.c and
# pg.c) and the fixture for linking into fuzz targets.
build_lib() {
	mkdir -p "$OUT/obj"
	objs=""
	for src in src/core/*.c src/party/config.c src/store/db.c src/store/pg.c \
		fuzz/fixture.c; do
		obj=$OUT/obj/$(basename "$src" .c).o
		$CC $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c "$src" -o "$obj"
		objs="$objs $obj"
	done
	rm -f "$OUT/libcore.a"
	ar rcs "$OUT/libcore.a" $objs
}

build_target() {
	$CC $CFLAGS -fsanitize=fuzzer,$SAN -o "$OUT/fuzz_$1" \
		"fuzz/fuzz_$1.c" "$OUT/libcore.a" $LIBS
}

max_len() {
	case $1 in
	note) echo 70000 ;;
	card) echo 8192 ;;
	envelope) echo 20000 ;;
	checkpoint) echo 5000 ;;	# past HL_CHECKPOINT_MAX
	batch | proof) echo 16384 ;;	# a few envelopes and a checkpoint
	proof2) echo 32768 ;;	# five v1 proofs and two cards
	auditlog) echo 16384 ;;	# an entry, its path and a checkpoint
	*) echo 4096 ;;
	esac
}

seeds() {
	build_lib
	$CC $CFLAGS -fsanitize=fuzzer-no-link,$SAN -o "$OUT/gen_seeds" \
		fuzz/gen_seeds.c "$OUT/libcore.a" $LIBS
	[ $# -gt 0 ] || set -- note card envelope text checkpoint batch proof auditlog
	for t in "$@"; do
		mkdir -p "fuzz/seeds/$t"
	done
	"$OUT/gen_seeds" fuzz/seeds "$@"
	echo "fuzz.sh: seeds written to fuzz/seeds/"
}

# Prints one line for target $1 from its log; $2 is libFuzzer's status.
summary() {
	log=$OUT/logs/$1.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1)
	if [ "$2" -eq 0 ]; then
		result=ok
	else
		crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
		result="FAILED (exit $2${crash:+, input $crash}, see $log)"
	fi
	printf '%-9s %10s execs in %ss  %-30s %s\n' "$1" "${execs:-?}" \
		"$SECONDS_EACH" "${cov:-cov: ?}" "$result"
}

run_target() {
	corpus=fuzz/corpus/$1
	mkdir -p "$corpus" "$OUT/artifacts/$1" "$OUT/logs"
	if [ -d "fuzz/seeds/$1" ]; then
		cp -p "fuzz/seeds/$1"/* "$corpus"/ 2>/dev/null || true
	fi
	status=0
	"$OUT/fuzz_$1" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$1")" \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="$OUT/artifacts/$1/" "$corpus" \
		>"$OUT/logs/$1.log" 2>&1 || status=$?
	summary "$1" "$status"
	return "$status"
}

[ $# -ge 1 ] || usage
if [ "$1" = seeds ]; then
	shift
	seeds "$@"
	exit 0
fi
case $1 in
'' | *[!0-9]*) usage ;;
esac
SECONDS_EACH=$1
shift
targets=$*
if [ -z "$targets" ]; then
	targets=$(ls fuzz/fuzz_*.c | sed 's,^fuzz/fuzz_,,; s,\.c$,,')
fi

build_lib
for t in $targets; do
	[ -f "fuzz/fuzz_$t.c" ] || { echo "fuzz.sh: no target '$t'" >&2; exit 2; }
	build_target "$t"
done
failed=0
for t in $targets; do
	run_target "$t" || failed=1
done
exit $failed
