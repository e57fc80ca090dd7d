#!/bin/sh
# Refused: the peer server turns away every request that is not a
# confirmed peer's valid push, with a line in its log, and stores
# nothing of it: a client whose certificate is on no confirmed link's
# card (or that has none) in the TLS handshake, before any HTTP byte; a
# confirmed peer's bad request with the right HTTP status.  A valid push
# replayed byte for byte gets the same answer and stores nothing new.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
EU_PORT=$(free_port)
FR_PORT=$(free_port)
# ru-cert and us-cert are linked; eu-cert links to us-cert, which does
# not know it; us-cert has fr-cert's card but has not confirmed it.
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
new_party eu-cert "$EU_PORT"
new_party fr-cert "$FR_PORT"
with_daemons eu-cert fr-cert us-cert
"$HOTLINE" --home "$TEST_DIR/eu-cert" link add us-cert --card "$TEST_DIR/us-cert/card" >/dev/null
"$HOTLINE" --home "$TEST_DIR/eu-cert" link confirm us-cert \
	--fingerprint "$(fp_digits "$TEST_DIR/us-cert/card")" >/dev/null
"$HOTLINE" --home "$TEST_DIR/fr-cert" link add us-cert --card "$TEST_DIR/us-cert/card" >/dev/null
"$HOTLINE" --home "$TEST_DIR/fr-cert" link confirm us-cert \
	--fingerprint "$(fp_digits "$TEST_DIR/us-cert/card")" >/dev/null
"$HOTLINE" --home "$TEST_DIR/us-cert" link add fr-cert --card "$TEST_DIR/fr-cert/card" >/dev/null
end_daemons

# What us-cert logs for a certificate that is on no confirmed link's
# card, unknown or unconfirmed alike, and for none at all.
UNKNOWN='TLS handshake refused: no confirmed link has this certificate'
UNCONFIRMED=$UNKNOWN
NOCERT='TLS handshake failed or abandoned (no client certificate?)'

# post AS PATH FILE [CURL-ARGS...] : POSTs FILE to us-cert's PATH with
# AS's TLS certificate and key (AS a folder holding tls.crt and tls.key,
# or "none"); prints the HTTP status, the body goes to resp.
post() {
	p_as=$1 p_path=$2 p_file=$3
	shift 3
	if [ "$p_as" != none ]; then
		set -- --cert "$TEST_DIR/$p_as/tls.crt" --key "$TEST_DIR/$p_as/tls.key" "$@"
	fi
	curl -sk -m 10 -o "$TEST_DIR/resp" -w "%{http_code}" \
		-H "Content-Type: application/x.hotline.push" \
		--data-binary "@$p_file" "$@" "https://127.0.0.1:$US_PORT$p_path"
}

# us_state : everything us-cert's store says, to show nothing changed.
# Read before and after each refusal, some thirty times, with no leak
# check (look); the first time (start.state) with it.
us_state() {
	"$HOTLINE" --home "$TEST_DIR/us-cert" link list &&
	"$HOTLINE" --home "$TEST_DIR/us-cert" inbox &&
	"$HOTLINE" --home "$TEST_DIR/us-cert" log verify
}

# us_before : before.state, us_state before a refusal.  In a run of
# refusals in one test body, it is the state the last one left
# (after.state): read again, it would be the same unless something ran
# between, and then the comparison after this refusal fails, it does
# not pass.
us_before() {
	[ -z "${us_run:-}" ] || return 0
	if [ -n "${us_last:-}" ]; then
		cp after.state before.state
	else
		look us_state >before.state
	fi
}

# us_after : after.state, us_state after a refusal, the same as
# before.state.
us_after() {
	[ -z "${us_run:-}" ] || return 0
	us_last=
	look us_state >after.state &&
	cmp before.state after.state &&
	us_last=1
}

# us_run_begin, us_run_end : around a run of refusals in one test body,
# us_state is read once before the first and once after the last, not
# around each.  All that a refusal could leave in the store (a message,
# a link, evidence, a count) only grows: no later refusal could put
# back what an earlier one changed, and the store as it was after the
# last shows that none of them changed it.  Each refusal's status and
# log line are still checked.
us_run_begin() {
	us_before && us_run=1
}
us_run_end() {
	us_run= && us_after
}

# tls_refused WHY POST-ARGS... : the TLS handshake is refused: no HTTP
# status comes back (curl says 000), one more line with WHY is in
# us-cert's log, and us-cert's store is as it was.
tls_refused() {
	t_why=$1
	shift
	us_before &&
	t_seen=$(count_lines "$t_why" us-cert.log) &&
	t_got=$(post "$@" || :) &&
	echo "HTTP $t_got" &&
	test "$t_got" = 000 &&
	wait_for 5 eval "test \$(count_lines \"\$t_why\" us-cert.log) -eq $((t_seen + 1))" &&
	us_after
}

# refused CODE WHY POST-ARGS... : the request is refused with CODE and
# WHY in the answer, one more "refused (CODE): WHY" line is in us-cert's
# log, and us-cert's store is as it was.  WHY is a basic regexp.
refused() {
	r_code=$1 r_why=$2
	shift 2
	us_before &&
	r_seen=$(count_lines "refused ($r_code): $r_why" us-cert.log) &&
	r_got=$(post "$@") &&
	echo "HTTP $r_got: $(cat resp)" &&
	test "$r_got" = "$r_code" &&
	grep -q "$r_why" resp &&
	test "$(count_lines "refused ($r_code): $r_why" us-cert.log)" -eq $((r_seen + 1)) &&
	us_after
}

test_expect_success 'us-cert listens; ru-cert has a message for it, carried by hand' '
	with_daemon ru-cert "$HOTLINE" --home ru-cert send --to us-cert --lang en \
		"the real one" >/dev/null 2>&1 &&
	start_daemon us-cert &&
	"$HOTLINE" --home ru-cert batch export --link us-cert --out real.batch 2>err &&
	grep -q "1 message(s) in the batch" err &&
	us_state >start.state &&
	grep -q "^ru-cert  *confirmed  *0  *0  *0 " start.state &&
	printf "hello\n" >small
'

test_expect_success 'no client certificate: refused in the TLS handshake' '
	tls_refused "$NOCERT" none /hotline/v1/push real.batch
'

test_expect_success 'a certificate in ru-cert'"'"'s name but not on its card: refused in the handshake' '
	mkdir fake &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout fake/tls.key -out fake/tls.crt -subj /CN=ru-cert -days 2 2>/dev/null &&
	tls_refused "$UNKNOWN" fake /hotline/v1/push real.batch
'

test_expect_success 'a third party'"'"'s real certificate: refused in the handshake' '
	tls_refused "$UNKNOWN" eu-cert /hotline/v1/push real.batch
'

test_expect_success 'an unknown peer'"'"'s daemon is refused, and says so in its outbox' '
	look us_state >before.state &&
	seen=$(count_lines "$UNKNOWN" us-cert.log) &&
	start_daemon eu-cert &&
	"$HOTLINE" --home eu-cert send --to us-cert --lang en "let me in" >/dev/null &&
	wait_for 20 grep -q "courier us-cert: .* (will retry)" eu-cert.log &&
	"$HOTLINE" --home eu-cert outbox >ob &&
	grep -q "^us-cert: 1 awaiting receipt" ob &&
	stop_daemon eu-cert &&
	test "$(count_lines "$UNKNOWN" us-cert.log)" -gt "$seen" &&
	look us_state >after.state && cmp before.state after.state
'

test_expect_success 'a peer whose link is not confirmed: refused in the handshake, by hand or by daemon' '
	tls_refused "$UNCONFIRMED" fr-cert /hotline/v1/push real.batch &&
	look us_state >before.state &&
	seen=$(count_lines "$UNCONFIRMED" us-cert.log) &&
	start_daemon fr-cert &&
	"$HOTLINE" --home fr-cert send --to us-cert --lang fr "bonjour" >/dev/null &&
	wait_for 20 grep -q "courier us-cert: .* (will retry)" fr-cert.log &&
	stop_daemon fr-cert &&
	test "$(count_lines "$UNCONFIRMED" us-cert.log)" -gt "$seen" &&
	look us_state >after.state && cmp before.state after.state
'

test_expect_success 'a forged envelope in ru-cert'"'"'s push: refused, nothing stored' '
	set -- $(envelope_at real.batch) && us_run_begin &&
	for at in $(($1 + 40)) $(($1 + 200)) $(($1 + $2 - 30)) $(($1 + $2 - 1)); do
		flip_byte real.batch $at forged.batch &&
		us_before &&
		seen=$(count_lines "refused (4[0-9]*): push from ru-cert: " us-cert.log) &&
		got=$(post ru-cert /hotline/v1/push forged.batch) &&
		echo "byte $at: HTTP $got: $(cat resp)" &&
		case $got in 400|403|422) ;; *) exit 1 ;; esac &&
		test "$(count_lines "refused (4[0-9]*): push from ru-cert: " us-cert.log)" \
			-eq $((seen + 1)) &&
		us_after || exit 1
	done &&
	us_run_end
'

test_expect_success 'a forged checkpoint signature: 403' '
	# Another base64 letter inside the signature (a flipped bit could
	# leave the alphabet, which is malformed: 400, not a bad signature).
	n=$(file_size real.batch) &&
	perl -e '"'"'local $/; open(my $f, "<:raw", $ARGV[0]) or die; my $d = <$f>;
		my $i = $ARGV[1]; substr($d, $i, 1) = substr($d, $i, 1) eq "A" ? "B" : "A";
		open(my $o, ">:raw", $ARGV[2]) or die; print $o $d'"'"' \
		real.batch $((n - 10)) forged.batch &&
	refused 403 "push from ru-cert: " ru-cert /hotline/v1/push forged.batch
'

test_expect_success 'the real push is stored and cosigned' '
	got=$(post ru-cert /hotline/v1/push real.batch) &&
	test "$got" = 200 &&
	cp resp first.cosig &&
	grep -q "^— us-cert [A-Za-z0-9+/=]*$" first.cosig &&
	test "$(wc -l <first.cosig)" -eq 1 &&
	test "$(show_field us-cert ru-cert received)" = "1 1" &&
	wait_for 10 grep -q "peer ru-cert: stored 1 message(s)" us-cert.log &&
	test "$(count_lines "peer ru-cert: stored 1 message(s)" us-cert.log)" -eq 1
'

test_expect_success 'replayed byte for byte: 200, the same cosignature, nothing new' '
	look us_state >before.state &&
	for i in 1 2 3; do
		got=$(post ru-cert /hotline/v1/push real.batch) &&
		test "$got" = 200 && cmp first.cosig resp || exit 1
	done &&
	look us_state >after.state && cmp before.state after.state &&
	test "$(count_lines "peer ru-cert: stored" us-cert.log)" -eq 1
'

test_expect_success 'a body over 16 MiB: 413 before a byte of it is read' '
	us_run_begin &&
	refused 413 "body too large" ru-cert /hotline/v1/push small \
		-H "Content-Length: 999999999" &&
	refused 413 "body too large" ru-cert /hotline/v1/push small \
		-H "Content-Length: 16777217" &&
	us_run_end
'

# curl sends "Expect: 100-continue" before a body over 1 MiB and waits
# for the go-ahead: what it uploaded shows what the server let in.
test_expect_success 'a real 17 MB body: 413 and not one byte of it sent' '
	head -c 17000000 /dev/zero >big &&
	look us_state >before.state &&
	got=$(post ru-cert /hotline/v1/push big -D headers -w "%{http_code} %{size_upload}") &&
	echo "$got" && test "$got" = "413 0" &&
	grep -q "^Connection: close" headers &&
	look us_state >after.state && cmp before.state after.state
'

test_expect_success 'nor one byte of an unknown client'"'"'s 2 MB body' '
	head -c 2000000 /dev/urandom >mid &&
	got=$(post eu-cert /hotline/v1/push mid -w "%{http_code} %{size_upload}" || :) &&
	echo "$got" && test "$got" = "000 0" &&
	got=$(post none /hotline/v1/push mid -w "%{http_code} %{size_upload}" || :) &&
	echo "$got" && test "$got" = "000 0"
'

test_expect_success 'and an unknown client is refused before its length is looked at' '
	tls_refused "$UNKNOWN" eu-cert /hotline/v1/push small \
		-H "Content-Length: 999999999"
'

test_expect_success 'no Content-Length: 411' '
	refused 411 "Content-Length required" ru-cert /hotline/v1/push small \
		-H "Transfer-Encoding: chunked"
'

test_expect_success 'random bytes from a confirmed peer: 400, as a push or a receipt' '
	head -c 3000 /dev/urandom >garbage && us_run_begin &&
	refused 400 "push from ru-cert: " ru-cert /hotline/v1/push garbage &&
	: >empty &&
	refused 400 "push from ru-cert: " ru-cert /hotline/v1/push empty &&
	refused 400 "." ru-cert /hotline/v1/receipt garbage &&
	us_run_end
'

test_expect_success 'a wrong path: 404; a wrong method: 405' '
	us_run_begin &&
	refused 404 "no such path" ru-cert /hotline/v1/nothing small &&
	refused 404 "no such path" ru-cert /hotline/v1/push/ small &&
	refused 404 "no such path" ru-cert / small &&
	refused 405 "wrong method" ru-cert /hotline/v1/push small -X GET &&
	refused 405 "wrong method" ru-cert /hotline/v1/push small -X PUT &&
	refused 405 "wrong method" ru-cert /hotline/v1/checkpoint small &&
	us_run_end
'

test_expect_success 'after all that, ru-cert'"'"'s daemon gets its receipt' '
	start_daemon ru-cert &&
	curl -sf --unix-socket ru-cert/hotlined.sock -X POST http://hotlined/v1/wake >/dev/null &&
	wait_for 20 eval "test \"\$(show_field ru-cert us-cert sent)\" = \"1 1\"" &&
	"$HOTLINE" --home us-cert log verify >v &&
	grep -q "^ru-cert: OK: sent 0 (.*received 1 (receipted up to 1, " v &&
	! grep -q EVIDENCE v &&
	"$HOTLINE" --home us-cert inbox >inbox &&
	test "$(sed 1d inbox | cut -d" " -f1)" = ru-cert/1
'

test_expect_success 'both stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'

test_done
