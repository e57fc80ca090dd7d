#!/bin/sh
# Proofs: one message shown to a third party who holds only the two
# cards, with or without its content, and every way a proof can lie.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

new_party ru-cert "$(free_port)"
new_party us-cert "$(free_port)"
new_party eu-cert "$(free_port)"

test_expect_success 'three parties run, linked without endpoints' '
	start_daemon ru-cert && start_daemon us-cert && start_daemon eu-cert &&
	link_offline ru-cert us-cert && link_offline ru-cert eu-cert &&
	"$HOTLINE" --home ru-cert link show us-cert | grep -qx "endpoint: *none"
'

# body_range PROOF : "START END" of the envelope's encrypted body.
body_range() {
	set -- $(envelope_at "$1") "$(grep -a -m 1 "^body " "$1" | cut -d" " -f2)" &&
	echo "$(($1 + $2 - $3)) $(($1 + $2))"
}

test_expect_success 'messages both ways, in several receipted batches' '
	{ seed_text | sed "\$a\\"; } >m1.txt &&
	"$HOTLINE" --home ru-cert send --to us-cert --precedence flash - <m1.txt >/dev/null &&
	send_msg ru-cert us-cert "second" &&
	exchange ru-cert us-cert b1 &&
	for i in 3 4 5 6 7; do send_msg ru-cert us-cert "message $i" || exit 1; done &&
	exchange ru-cert us-cert b2 &&
	{ echo "reply"; seed_text | sed "\$a\\"; } >a1.txt &&
	"$HOTLINE" --home us-cert send --to ru-cert --kind reply - <a1.txt >/dev/null &&
	exchange us-cert ru-cert u1 &&
	send_msg ru-cert us-cert "not yet receipted" &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out b3.batch 2>/dev/null &&
	"$HOTLINE" --home us-cert batch import --link ru-cert --out b3.receipt b3.batch 2>/dev/null &&
	send_msg ru-cert eu-cert "for eu-cert" &&
	exchange ru-cert eu-cert e1
'

test_expect_success 'a proof of a sent message, not disclosed, shows no content' '
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 1 --out s1.proof &&
	head -n 1 s1.proof | grep -qx "hotline.proof/v1" &&
	grep -aq "c2sp.org/tlog-proof@v1$" s1.proof && grep -aqx "index 0" s1.proof &&
	! grep -aq "key [A-Za-z0-9+/=]*$" s1.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card s1.proof >out &&
	grep -qx "proof OK" out &&
	grep -q "^message:  ru-cert -> us-cert, seq 1, flash, notify, sent 20" out &&
	grep -qx "signed:   by ru-cert (fingerprint $(fp_digits ru-cert/card))" out &&
	grep -qx "logged:   entry 1 of ru-cert.s log of 2" out &&
	grep -q "^receipt:  cosigned by us-cert (fingerprint $(fp_digits us-cert/card)) at 20" out &&
	grep -q "^content:  not disclosed" out &&
	! grep -q "^text \[" out &&
	! grep -qF "$(head -c 40 m1.txt)" out
'

test_expect_success 'the cards may be given in either order' '
	"$HOTLINE" proof verify --card us-cert/card --card ru-cert/card s1.proof >out2 &&
	cmp out out2
'

test_expect_success 'a disclosed proof shows that message, and only it' '
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 1 --disclose --out d1.proof &&
	grep -aq "key [A-Za-z0-9+/]*=$" d1.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card d1.proof >out &&
	grep -q "^content:  disclosed" out &&
	proof_text <out >got && cmp m1.txt got &&
	"$HOTLINE" proof verify --card us-cert/card --card ru-cert/card d1.proof >out2 &&
	cmp out out2
'

test_expect_success 'a proof deep in a larger log carries its inclusion path' '
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 5 --disclose --out d5.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card d5.proof >out &&
	grep -qx "logged:   entry 5 of ru-cert.s log of 7" out &&
	test "$(proof_text <out)" = "message 5" &&
	test $(sed -n "/^index 4$/,/^$/p" d5.proof | grep -c "^[A-Za-z0-9+/]*=$") -ge 2
'

test_expect_success 'the receiver exports the same proof of a message it received' '
	"$HOTLINE" --home us-cert proof export --link ru-cert --seq 1 --received --out r1.proof &&
	cmp s1.proof r1.proof &&
	"$HOTLINE" --home us-cert proof export --link ru-cert --seq 5 --received --disclose \
		--out r5.proof &&
	cmp d5.proof r5.proof
'

test_expect_success 'a received reply, disclosed, verifies with its text' '
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 1 --received --disclose \
		--out ra.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card ra.proof >out &&
	grep -q "^message:  us-cert -> ru-cert, seq 1, routine, reply" out &&
	grep -q "^receipt:  cosigned by ru-cert" out &&
	proof_text <out >got && cmp a1.txt got &&
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 1 --received >ra-n.proof &&
	"$HOTLINE" proof verify --card us-cert/card --card ru-cert/card ra-n.proof >out &&
	grep -q "^content:  not disclosed" out && ! grep -q "^reply$" out
'

test_expect_success 'no proof of a message not yet receipted, or not there' '
	expect_code 1 "$HOTLINE" --home ru-cert proof export --link us-cert --seq 8 \
		--out no.proof 2>err &&
	grep -q "no receipted message 8 in the sent log" err && test ! -e no.proof &&
	"$HOTLINE" --home ru-cert link show us-cert | grep -qx "sent: *8, receipted up to 7" &&
	expect_code 1 "$HOTLINE" --home ru-cert proof export --link us-cert --seq 9 2>err &&
	grep -q "no receipted message 9" err &&
	expect_code 1 "$HOTLINE" --home ru-cert proof export --link us-cert --seq 2 \
		--received 2>err &&
	grep -q "no receipted message 2 in the received log" err &&
	expect_code 1 "$HOTLINE" --home ru-cert proof export --link nosuch --seq 1 2>err &&
	grep -q "no such link" err &&
	expect_code 2 "$HOTLINE" --home ru-cert proof export --link us-cert --seq 0 &&
	expect_code 2 "$HOTLINE" --home ru-cert proof export --link us-cert --seq x &&
	expect_code 2 "$HOTLINE" --home ru-cert proof export --link us-cert
'

test_expect_success 'once receipted, that message has its proof' '
	"$HOTLINE" --home ru-cert batch receipt --link us-cert b3.receipt >/dev/null &&
	"$HOTLINE" --home ru-cert proof export --link us-cert --seq 8 --disclose --out d8.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card us-cert/card d8.proof >out &&
	test "$(proof_text <out)" = "not yet receipted"
'

test_expect_success 'a proof checked with a third party card fails' '
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card eu-cert/card \
		d1.proof >out 2>err &&
	grep -q "^hotline: d1.proof: the proof does not hold" err && test ! -s out &&
	expect_code 1 "$HOTLINE" proof verify --card eu-cert/card --card us-cert/card \
		d1.proof >out 2>err &&
	grep -q "does not hold" err && test ! -s out &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card ru-cert/card \
		d1.proof >out 2>err &&
	grep -q "does not hold" err && test ! -s out
'

test_expect_success 'proof verify checks its arguments' '
	expect_code 2 "$HOTLINE" proof verify --card ru-cert/card d1.proof &&
	expect_code 2 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card &&
	"$HOTLINE" proof verify --card eu-cert/card --card us-cert/card --card ru-cert/card \
		d1.proof >/dev/null &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		nosuch 2>err &&
	grep -q "nosuch: No such file" err &&
	expect_code 1 "$HOTLINE" proof verify --card b1.receipt --card us-cert/card \
		d1.proof 2>err &&
	grep -q "not a valid card" err
'

test_expect_success 'a proof of another link does not hold for this one' '
	"$HOTLINE" --home ru-cert proof export --link eu-cert --seq 1 --disclose --out eu.proof &&
	"$HOTLINE" proof verify --card ru-cert/card --card eu-cert/card eu.proof >out &&
	test "$(proof_text <out)" = "for eu-cert" &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		eu.proof >out 2>err &&
	grep -q "does not hold" err && test ! -s out
'

test_expect_success 'a proof with its parts swapped between messages fails' '
	set -- $(envelope_at d5.proof) &&
	head -c $(($1 + $2)) d1.proof >mix.proof &&
	tail -c +$(($(envelope_at d1.proof | tr " " +) + 1)) d5.proof >>mix.proof &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		mix.proof >out 2>err && test ! -s out &&
	set -- $(envelope_at eu.proof) &&
	head -c $(($1 + $2)) eu.proof >mix.proof &&
	tail -c +$(($(envelope_at d1.proof | tr " " +) + 1)) d1.proof >>mix.proof &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		mix.proof >out 2>err && test ! -s out
'

# verify_each DIR : proof verify of every file in DIR, two at a time,
# leaving DIR/I.rc, DIR/I.out and DIR/I.err.  Leak checks are off here
# only to halve the time of hundreds of runs; the other tests keep them.
verify_each() {
	ls "$1" | ASAN_OPTIONS=detect_leaks=0 xargs -n 20 -P 2 sh -c '
		h=$1 dir=$2; shift 2
		for i; do
			"$h" proof verify --card ru-cert/card --card us-cert/card "$dir/$i" \
				>"$dir/$i.out" 2>"$dir/$i.err"
			echo $? >"$dir/$i.rc"
		done' sh "$HOTLINE" "$1"
}

# Each line's first and last byte and newline, and every 11th byte:
# every field of every line is changed, at less than half the runs of
# every 3rd byte.
test_expect_success 'a changed byte outside the body fails (each line, every 11th byte)' '
	flip_each d5.proof 11 $(body_range d5.proof) flips &&
	verify_each flips &&
	tried=0 &&
	for i in $(ls flips | grep -v "\."); do
		if [ "$(cat flips/$i.rc)" != 1 ] || [ -s flips/$i.out ] ||
		   ! grep -q "^hotline: flips/$i: " flips/$i.err; then
			echo "byte $i: exit $(cat flips/$i.rc)"; cat flips/$i.out flips/$i.err
			exit 1
		fi
		tried=$((tried + 1))
	done &&
	echo "$tried changes tried" && test $tried -gt 150
'

test_expect_success 'changes in the encrypted body fail too' '
	set -- $(body_range d1.proof) &&
	for i in $1 $(($1 + 1)) $((($1 + $2) / 2)) $(($2 - 17)) $(($2 - 1)); do
		flip_byte d1.proof $i bad.proof &&
		expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
			bad.proof >out 2>err && test ! -s out || exit 1
	done
'

test_expect_success 'truncated, extended and empty proofs fail' '
	n=$(file_size d5.proof) &&
	for k in 1 17 100 $((n / 2)) $((n - 200)) $((n - 1)); do
		head -c $k d5.proof >cut.proof &&
		expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
			cut.proof >out 2>err && test ! -s out &&
		grep -q "^hotline: cut.proof: .*truncated" err || exit 1
	done &&
	{ cat d5.proof; echo; } >long.proof &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card long.proof &&
	: >empty.proof &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		empty.proof 2>err &&
	grep -q "not a valid proof" err &&
	expect_code 1 "$HOTLINE" proof verify --card ru-cert/card --card us-cert/card \
		b1.batch 2>err &&
	grep -q "not a valid proof" err
'

# corrupt HOME PATTERN : HOME/hotline.db with its middle half
# overwritten by PATTERN's bytes, in place.
corrupt() {
	n=$(file_size "$1/hotline.db") &&
	dd if="$2" of="$1/hotline.db" bs=1024 seek=$((n / 4096)) count=$((n / 2048)) \
		conv=notrunc 2>/dev/null
}

# fails_cleanly CMD... : exit 1, a message from hotline, no sanitizer.
fails_cleanly() {
	expect_code 1 "$@" >out 2>err &&
	grep -q "^hotline: .*database" err &&
	! grep -q "Sanitizer\|runtime error" err
}

test_expect_success 'the daemons stop, their stores whole on disk' '
	stop_daemon ru-cert && stop_daemon us-cert && stop_daemon eu-cert
'

test_expect_success 'a corrupted database fails with a clear error, no crash' '
	test $(file_size us-cert/hotline.db) -ge 16384 &&
	yes "garbage garbage garbage" | head -c 1048576 >text.garbage &&
	for garbage in /dev/urandom /dev/zero text.garbage; do
		rm -rf bad-us && cp -a us-cert bad-us &&
		corrupt bad-us $garbage &&
		! cmp -s us-cert/hotline.db bad-us/hotline.db &&
		fails_cleanly "$HOTLINE" --home bad-us log verify &&
		cat err &&
		expect_code 1 timeout 20 "$HOTLINED" --home bad-us 2>err &&
		grep -q "is damaged" err || exit 1
	done
'

test_expect_success 'other commands on a corrupted database fail cleanly too' '
	for cmd in "link show ru-cert" "rebuild" "send --to ru-cert x" \
		"proof export --link ru-cert --seq 1 --received" \
		"batch import --link ru-cert b1.batch"; do
		"$HOTLINE" --home bad-us $cmd >out 2>err
		rc=$?
		if [ $rc -gt 1 ] || grep -q "Sanitizer\|runtime error" err; then
			echo "$cmd: exit $rc"; cat err; exit 1
		fi
	done
'

test_expect_success 'the intact stores still verify' '
	"$HOTLINE" --home ru-cert log verify >/dev/null &&
	"$HOTLINE" --home us-cert log verify >/dev/null &&
	"$HOTLINE" --home eu-cert log verify >/dev/null
'

test_done
