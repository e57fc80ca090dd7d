#!/bin/sh
# test-lib.sh itself: the CLI's leak checks (on for the first run of
# each command in a test, and for every run with CLI_LEAKS=all) and the
# place of the scratch folders.  A stand-in CLI built with ASan leaks at
# every run; a small test on test-lib.sh runs it as $HOTLINE.
. "$(dirname "$0")/test-lib.sh"

if ! printf 'int main(void) { return 0; }\n' >"$TEST_DIR/ok.c" ||
	! cc -fsanitize=address -o "$TEST_DIR/ok" "$TEST_DIR/ok.c" 2>/dev/null; then
	echo "1..0 # SKIP no C compiler with ASan"
	exit 0
fi

# A CLI that leaks 64 bytes at every run, and a test that runs it as
# $HOTLINE: a command, the same again, others, and a look, each
# followed by its exit status.
mkdir "$TEST_DIR/fake" "$TEST_DIR/sub"
printf '%s\n' '#include <stdlib.h>' 'void *volatile sink;' \
	'int main(void) { sink = malloc(64); sink = 0; return 0; }' >"$TEST_DIR/leak.c"
cc -O0 -fsanitize=address -o "$TEST_DIR/fake/hotline" "$TEST_DIR/leak.c"
cp "$TEST_DIR/fake/hotline" "$TEST_DIR/fake/hotlined"
cat >"$TEST_DIR/sub/t-leaks.sh" <<EOF
. "$SRC_DIR/tests/test-lib.sh"
st() { if "\$@" 2>/dev/null; then echo 0; else echo \$?; fi; }
echo "first \$(st "\$HOTLINE" --home "\$TEST_DIR/p" link show peer)"
echo "again \$(st "\$HOTLINE" --home "\$TEST_DIR/p" link show other)"
echo "other \$(st "\$HOTLINE" link add peer)"
echo "look \$(st look "\$HOTLINE" send --to peer)"
echo "after \$(st "\$HOTLINE" send --to peer text)"
echo "dir \$TEST_DIR"
EOF

# sub [VAR=VALUE...] : runs that test with the stand-in CLI.
sub() {
	env HOTLINE_BUILD="$TEST_DIR/fake" ASAN_OPTIONS= "$@" sh "$TEST_DIR/sub/t-leaks.sh"
}

test_expect_success 'the stand-in CLI leaks, and ASan says so' '
	expect_code 1 fake/hotline 2>err && grep -q "LeakSanitizer: detected memory leaks" err
'

test_expect_success 'the first run of each command is leak checked, not its repeats' '
	sub >out && cat out &&
	grep -qx "first 1" out && grep -qx "again 0" out && grep -qx "other 1" out &&
	grep -qx "look 0" out && grep -qx "after 1" out
'

test_expect_success 'CLI_LEAKS=all leak checks every run' '
	sub CLI_LEAKS=all >out && cat out &&
	grep -qx "first 1" out && grep -qx "again 1" out && grep -qx "other 1" out &&
	grep -qx "look 0" out && grep -qx "after 1" out
'

test_expect_success 'the scratch folder is on /dev/shm where that is a tmpfs, or TEST_TMPDIR' '
	if awk "\$2 == \"/dev/shm\" && \$3 == \"tmpfs\" && \$4 !~ /noexec/ { f = 1 }
		END { exit !f }" /proc/mounts && [ -w /dev/shm ]; then
		case $TEST_DIR in /dev/shm/t0008-test-lib.*) ;; *) exit 1 ;; esac
	fi &&
	mkdir elsewhere && sub TEST_TMPDIR="$TEST_DIR/elsewhere" >out && cat out &&
	grep -q "^dir $TEST_DIR/elsewhere/t-leaks\.......\$" out && ! ls elsewhere | grep .
'

test_done
