#!/bin/sh
# Every listing speaks JSON: inbox, show, outbox, status, search, check
# report, link list and link show take --json and print the same data
# as their table, in the shapes docs/cli-json.md gives.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v faketime >/dev/null 2>&1 || { echo "1..0 # SKIP faketime is not installed"; exit 0; }

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
link_pair eg-cert ru-cert

# jcheck FILE PERL : every line of FILE is a JSON object, and PERL (with
# $j the object of line $.) holds for each.
jcheck() {
	perl -MJSON::PP -ne 'BEGIN { $c = shift } my $j = JSON::PP->new->utf8->decode($_);
		ref $j eq "HASH" or die "line $.: not an object\n";
		eval $c or die "line $.: $c\n$_"' "$2" "$1"
}

test_expect_success 'two messages reach ru-cert; a third waits at eg-cert' '
	only_daemon eg-cert &&
	hl eg-cert send --to ru-cert --precedence flash --lang ar --tlp TLP:GREEN \
		"رصدنا خادم تحكم" >/dev/null &&
	hl eg-cert send --to ru-cert --case eg-cert#1 --precedence immediate --lang en \
		"more on it" >/dev/null &&
	exchange eg-cert ru-cert b1 &&
	hl eg-cert send --to ru-cert --lang en "not yet delivered" >/dev/null
'

test_expect_success 'inbox --json: a line per message, as the table' '
	only_daemon ru-cert &&
	hl ru-cert inbox >table && hl ru-cert inbox --json >j &&
	test "$(wc -l <j)" = 2 &&
	sed 1d table | cut -d" " -f1 >ids.table &&
	perl -MJSON::PP -ne "print decode_json(\$_)->{id}, qq(\n)" j >ids.json &&
	cmp ids.table ids.json &&
	jcheck j "\$j->{link} eq q(eg-cert) && \$j->{seq} == $. && \$j->{sent} > 0 &&
		\$j->{case} eq q(eg-cert#1) && \$j->{ack}{state} eq q(due) && \$j->{ack}{due} > 0" &&
	head -n 1 j | jcheck /dev/stdin "\$j->{precedence} eq q(flash) && \$j->{kind} eq q(notify)" &&
	only_daemon_at +1200 ru-cert &&
	at_clock +1200 \
		"$HOTLINE" --home ru-cert inbox --json >late &&
	stop_daemon ru-cert && only_daemon ru-cert &&
	head -n 1 late | grep -q "\"ack\":{\"due\":[0-9]*,\"state\":\"overdue\"}" &&
	! grep -q "OVERDUE" late
'

test_expect_success 'show --json: the header and the content as sent' '
	hl ru-cert show --json eg-cert/1 >j && test "$(wc -l <j)" = 1 &&
	jcheck j "\$j->{id} eq q(eg-cert/1) && \$j->{from} eq q(eg-cert) &&
		\$j->{to} eq q(ru-cert) && \$j->{precedence} eq q(flash) &&
		\$j->{kind} eq q(notify) && \$j->{receipted} &&
		\$j->{content}{tlp} eq q(TLP:GREEN) && \$j->{content}{text}{lang} eq q(ar) &&
		!defined \$j->{raw}" &&
	grep -q "رصدنا خادم تحكم" j &&
	only_daemon eg-cert &&
	hl eg-cert show ru-cert/out/3 --json >j &&
	jcheck j "\$j->{id} eq q(ru-cert/out/3) && !\$j->{receipted} &&
		\$j->{ack}{state} eq q(due)"
'

test_expect_success 'outbox --json: a line per link with its messages' '
	hl eg-cert outbox --json >j && test "$(wc -l <j)" = 1 &&
	jcheck j "\$j->{link} eq q(ru-cert) && \$j->{awaiting} == 1 &&
		\$j->{messages}[0]{id} eq q(ru-cert/out/3) && \$j->{messages}[0]{kind} eq q(notify)" &&
	hl eg-cert outbox >table && grep -q "^  ru-cert/out/3 " table
'

test_expect_success 'link list and link show --json agree with their tables' '
	with_daemons eg-cert &&
	hl eg-cert link list --json >j && test "$(wc -l <j)" = 1 &&
	jcheck j "\$j->{name} eq q(ru-cert) && \$j->{sent} == 3 && \$j->{sent_receipted} == 2 &&
		\$j->{received} == 0 && \$j->{confirmed} > 0 && \$j->{evidence} == 0" &&
	hl eg-cert link list >table && grep -q "^ru-cert  *confirmed  *3  *2  *0  " table &&
	hl eg-cert link show ru-cert --json >j &&
	fp=$(perl -MJSON::PP -ne "print decode_json(\$_)->{fingerprint}" j) &&
	hl eg-cert link show ru-cert >table &&
	grep -qx "fingerprint: $fp" table &&
	grep -q "^link ID: *$(perl -MJSON::PP -ne "print decode_json(\$_)->{link_id}" j)$" table &&
	grep -qx "sent:        3, receipted up to 2" table &&
	end_daemons
'

test_expect_success 'check report --json: each check and the summary' '
	only_daemon eg-cert &&
	hl eg-cert check run ru-cert >/dev/null &&
	exchange eg-cert ru-cert b2 &&
	only_daemon ru-cert &&
	hl ru-cert ack eg-cert/4 "here" >/dev/null &&
	exchange ru-cert eg-cert b3 &&
	only_daemon eg-cert &&
	hl eg-cert check report ru-cert --json >j && test "$(wc -l <j)" = 1 &&
	jcheck j "\$j->{link} eq q(ru-cert) && \$j->{count} == 1 && \$j->{missed} == 0 &&
		\$j->{checks}[0]{id} eq q(ru-cert/out/4) && \$j->{checks}[0]{state} eq q(answered) &&
		\$j->{checks}[0]{receipt} > 0 && \$j->{checks}[0]{answer} > 0 &&
		!\$j->{silent} && !defined \$j->{every}" &&
	hl eg-cert check report ru-cert >table && grep -q "^ru-cert/out/4 .* answered$" table
'

test_expect_success 'status --json and search --json are JSON too' '
	no_daemons &&
	expect_code 3 hl eg-cert status --json >j && jcheck j "\$j->{party} eq q(eg-cert)" &&
	only_daemon ru-cert &&
	hl ru-cert search --json tlp:green >j && jcheck j "\$j->{found_in} eq q(field)"
'

test_done
