#!/bin/sh
# hotline.conf and the agreed terms (protocol.md 8.13): terms.languages
# and terms.suspect are what the party's next proposal says, and a bad
# value is refused with its line; once terms are in force on a link,
# hotlined -n (and a reload) warns of each link.PEER key that is then
# only a proposal; and a message whose text and summary are in none of
# the link's working languages is sent with a note saying so.
. "$(dirname "$0")/test-lib.sh"

RU_PORT=$(free_port)
US_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
RU_CONF="$TEST_DIR/ru-cert/hotline.conf"
cp "$RU_CONF" "$TEST_DIR/ru.conf.orig"

# conf_bad LINE-TEXT WHAT : hotlined -n refuses ru-cert's conf with
# LINE-TEXT appended, naming its line and WHAT; the conf is put back.
conf_bad() {
	cp "$TEST_DIR/ru.conf.orig" "$RU_CONF" &&
	echo "$1" >>"$RU_CONF" &&
	cb_line=$(wc -l <"$RU_CONF") &&
	expect_code 1 "$HOTLINED" --home "$TEST_DIR/ru-cert" -n 2>err;
	cb_rc=$?
	cp "$TEST_DIR/ru.conf.orig" "$RU_CONF"
	[ $cb_rc -eq 0 ] && grep -q "hotline.conf:$cb_line: $2" err
}

test_expect_success 'hotline init writes the two keys, commented, with their defaults' '
	grep -q "^#terms.languages = en$" "$RU_CONF" &&
	grep -q "^#terms.suspect = 7d$" "$RU_CONF"
'

test_expect_success 'a bad terms.languages or terms.suspect is refused with its line' '
	conf_bad "terms.languages = en, english!" "terms.languages: 1 to 6 distinct" &&
	conf_bad "terms.languages = ru en RU" "terms.languages: 1 to 6 distinct" &&
	conf_bad "terms.languages = ar en es fr ru zh de" "terms.languages: 1 to 6" &&
	conf_bad "terms.languages = ," "terms.languages: 1 to 6" &&
	conf_bad "terms.suspect = 367d" "terms.suspect: want a duration" &&
	conf_bad "terms.suspect = 0s" "terms.suspect: want a duration"
'

printf 'terms.languages = ru en\nterms.suspect = 3d\n' >>"$RU_CONF"

test_expect_success 'the next proposal takes terms.languages and terms.suspect' '
	"$HOTLINED" --home "$TEST_DIR/ru-cert" -n 2>err && grep -q "configuration OK" err &&
	start_daemon ru-cert && start_daemon us-cert &&
	hl ru-cert link terms us-cert --json >j &&
	test "$(jq_ "join q(,), @{\$j->{defaults}{languages}}" <j)" = ru,en &&
	test "$(jq_ "\$j->{defaults}{suspect}" <j)" = 259200 &&
	hl us-cert link terms ru-cert --json >j &&
	test "$(jq_ "join q(,), @{\$j->{defaults}{languages}}" <j)" = en &&
	test "$(jq_ "\$j->{defaults}{suspect}" <j)" = 604800 &&
	hl ru-cert link terms propose us-cert --lang en "our terms" >out &&
	grep -q "proposed terms version 1 on us-cert" out &&
	hl ru-cert link terms us-cert --json >j &&
	test "$(jq_ "join q(,), @{\$j->{messages}[0]{terms}{languages}}" <j)" = ru,en &&
	test "$(jq_ "\$j->{messages}[0]{terms}{suspect}" <j)" = 259200
'

echo "link.us-cert.ack.flash = 10m" >>"$RU_CONF"
ACK_LINE=$(wc -l <"$RU_CONF")
echo "link.us-cert.check.every = none" >>"$RU_CONF"
WARNING="hotline.conf:$ACK_LINE: link.us-cert.ack.flash is not used: terms v1 are in force on us-cert ('hotline link terms us-cert')"

test_expect_success 'before any terms are in force, link keys draw no warning' '
	"$HOTLINED" --home "$TEST_DIR/ru-cert" -n 2>err && grep -q "configuration OK" err &&
	! grep -q "is not used" err
'

test_expect_success 'with terms in force, hotlined -n warns of each link key, by line' '
	wait_for 30 eval "hl us-cert link terms ru-cert --json | grep -q \"\\\"outcome\\\":\\\"open\\\"\"" &&
	hl us-cert link terms accept ru-cert/1 "agreed" >/dev/null &&
	wait_for 30 eval "hl ru-cert link terms us-cert --json | grep -q \"\\\"in_force\\\":{\"" &&
	"$HOTLINED" --home "$TEST_DIR/ru-cert" -n 2>err &&
	grep -qF "$WARNING" err &&
	grep -qF "hotline.conf:$((ACK_LINE + 1)): link.us-cert.check.every is not used: terms v1" err &&
	test "$(count_lines "is not used" err)" = 2 &&
	grep -q "configuration OK" err
'

test_expect_success 'a reload (SIGHUP) gives the same warnings' '
	before=$(count_lines "is not used" ru-cert.log) &&
	kill -HUP "$(cat ru-cert.pid)" &&
	wait_for 10 grep -qF "$WARNING" ru-cert.log &&
	wait_for 10 eval "test \$(count_lines \"is not used\" ru-cert.log) -ge \$((before + 2))"
'

test_expect_success 'a text in no working language is sent, with a note' '
	hl ru-cert send --to us-cert --lang de "Ein Bericht" >out &&
	grep -q "sent to us-cert" out &&
	grep -qF "note: de is not a working language of us-cert (ru, en): add a summary in one of them" ru-cert.err
'

test_expect_success 'a working language, by its primary subtag, or a summary in one: no note' '
	hl ru-cert send --to us-cert --lang en "A report" >out &&
	grep -q "sent to us-cert" out && ! grep -q "note:" ru-cert.err &&
	hl ru-cert send --to us-cert --lang EN-gb "A report" >/dev/null &&
	! grep -q "note:" ru-cert.err &&
	hl ru-cert send --to us-cert --lang de --summary "Doklad" --summary-lang ru \
		"Ein Bericht" >/dev/null &&
	! grep -q "note:" ru-cert.err
'

test_expect_success 'a summary in no working language either is named in the note' '
	hl ru-cert send --to us-cert --lang de --summary "Un rapport" --summary-lang fr \
		"Ein Bericht" >/dev/null &&
	grep -qF "note: de and fr are not working languages of us-cert (ru, en): write the summary in one of them" ru-cert.err
'

# ack_de : us-cert acknowledges ru-cert/2 (sent above) in German through
# its operator API; the answer in reply.
ack_de() {
	curl -s --unix-socket "$TEST_DIR/us-cert/hotlined.sock" -o reply -w "%{http_code}" \
		-H "Content-Type: application/json" \
		--data-binary "{\"id\":\"ru-cert/2\",\"text\":\"Gelesen\",\"lang\":\"de\"}" \
		http://hotlined/v1/ack | grep -q 200
}

test_expect_success 'the API answer of an ack carries the note' '
	wait_for 30 ack_de &&
	grep -q "\"note\": *\"de is not a working language of ru-cert (ru, en)" reply
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert
'
test_done
