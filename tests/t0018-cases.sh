#!/bin/sh
# Cases: a notification opens one; requests, answers, updates, closes,
# retractions and corrections follow, and both parties compute the same
# state from the same signed messages.  Two real daemons deliver.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge

EG_PORT=$(free_port)
RU_PORT=$(free_port)
linked_pair eg-cert "$EG_PORT" ru-cert "$RU_PORT"

# hl PARTY ARGS... : hotline as PARTY, stderr kept in PARTY.err.

# synced : each side has received everything the other sent, and has
# its receipts back.
synced() {
	in_sync eg-cert ru-cert
}

test_expect_success 'both daemons start' '
	start_daemon eg-cert && start_daemon ru-cert
'

cat >"$TEST_DIR/bundle.json" <<'EOF'
{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "ransomware C2", "pattern": "[ipv4-addr:value = '203.0.113.7']",
  "pattern_type": "stix", "valid_from": "2026-11-22T10:00:00Z"},
 {"type": "malware", "spec_version": "2.1",
  "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b",
  "created": "2026-11-22T10:00:00.000Z", "modified": "2026-11-22T10:00:00.000Z",
  "name": "LockBit", "is_family": true}]}
EOF

test_expect_success 'a FLASH notification opens a case on both sides' '
	hl eg-cert send --to ru-cert --precedence flash --lang ar \
		--category malicious-code/c2-server --tlp TLP:AMBER+STRICT --severity high \
		--summary "Ransomware C2 on a water utility" --summary-lang en --stix bundle.json \
		"رصدنا خادم تحكم لبرنامج فدية في شبكتكم" >out &&
	grep -qx "case eg-cert#1 opened" out &&
	wait_for 20 synced &&
	hl ru-cert case list >list &&
	grep -q "^eg-cert#1 *eg-cert *open .* flash .* high *TLP:AMBER+STRICT *0/0 *due in 1[45]m .* malicious-code/c2-server$" list &&
	grep -qx "    Ransomware C2 on a water utility" list &&
	hl eg-cert case list --json >eg.json && hl ru-cert case list --json >ru.json &&
	cmp eg.json ru.json && grep -q "\"state\":\"open\"" eg.json &&
	hl ru-cert status >st &&
	grep -qx "    cases: 1 open, 0 request(s) not yet done or declined (.hotline case list --open.)" st
'

test_expect_success 'a request, accepted then done, shows in one timeline' '
	hl eg-cert send --case eg-cert#1 --action take-down,preserve-evidence --lang en \
		--precedence immediate "Please take down 203.0.113.7 and keep its logs" >out &&
	grep -q "(immediate, request)" out &&
	wait_for 20 synced &&
	hl ru-cert answer eg-cert/2 accepted --lang ru "Принято, работаем" >out &&
	grep -qx "answered eg-cert/2 in case eg-cert#1: accepted" out &&
	expect_code 1 hl ru-cert answer eg-cert/2 accepted >out &&
	grep -q "already answered: accepted" ru-cert.err &&
	hl ru-cert answer eg-cert/2 done --lang en "server seized, image preserved" >/dev/null &&
	wait_for 20 synced &&
	hl eg-cert case show eg-cert#1 >show &&
	grep -q "^  requests: 1, 0 of them pending$" show &&
	grep -q "request (immediate)$" show &&
	grep -qx "  actions: take down infrastructure, preserve evidence" show &&
	grep -qx "  state: done" show &&
	hl eg-cert status >st && grep -q "^    cases: 1 open, 0 request(s)" st &&
	grep -qx "  text \\[ru\\]:" show && grep -qx "    Принято, работаем" show &&
	grep -qx "  text \\[ar\\]:" show &&
	hl eg-cert case list --json >eg.json && hl ru-cert case list --json >ru.json &&
	cmp eg.json ru.json
'

test_expect_success 'an answer to our own request, or to a message that is no request, is refused' '
	expect_code 1 hl eg-cert answer ru-cert/out/2 done "x" >out &&
	grep -q "a message this party sent" eg-cert.err &&
	expect_code 1 hl ru-cert answer eg-cert/1 done "x" >out &&
	grep -q "is not a request" ru-cert.err
'

test_expect_success 'indicators are searchable on both sides, and exported as one bundle' '
	hl ru-cert search 203.0.113.7 >found &&
	grep -q " eg-cert#1 *eg-cert/1 *indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f (ipv4-addr:value)$" found &&
	hl eg-cert search lockbit >found &&
	grep -q " eg-cert#1 *ru-cert/out/1 *malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b (malware)$" found &&
	expect_code 1 hl eg-cert search 198.51.100.1 >found &&
	grep -q "mentioned in no case" found &&
	hl ru-cert export --stix eg-cert#1 -o out.json &&
	grep -q "\"type\": \"bundle\"" out.json &&
	grep -q "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f" out.json &&
	hl ru-cert send --case eg-cert#1 --stix out.json --lang en "our view of it" >/dev/null
'

test_expect_success 'a malformed STIX pattern is refused with the object and why; nothing is sent' '
	before=$(show_field eg-cert ru-cert sent) &&
	sed "s/= .203.0.113.7.\\]/= 203.0.113.7]/" bundle.json >bad.json &&
	expect_code 1 hl eg-cert send --case eg-cert#1 --stix bad.json "bad" >out &&
	grep -q "not a valid STIX 2.1 bundle: indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: pattern: " eg-cert.err &&
	test "$(show_field eg-cert ru-cert sent)" = "$before"
'

test_expect_success 'a language tag that is not BCP 47 is refused; nothing is sent' '
	before=$(show_field eg-cert ru-cert sent) &&
	expect_code 2 hl eg-cert send --to ru-cert --lang en_US "x" >out &&
	grep -q "en_US: not a BCP 47 language tag" eg-cert.err &&
	expect_code 2 hl eg-cert send --to ru-cert --category malware "x" >out &&
	grep -q "malware: not a category" eg-cert.err &&
	expect_code 2 hl eg-cert send --to ru-cert --tlp TLP:WHITE "x" >out &&
	grep -q "TLP:WHITE: not a TLP 2.0 label" eg-cert.err &&
	test "$(show_field eg-cert ru-cert sent)" = "$before"
'

test_expect_success 'a closed case takes no answer; retracting the close reopens it' '
	hl eg-cert send --case eg-cert#1 --action identify-actor --lang en "who is it?" >/dev/null &&
	wait_for 20 synced &&
	hl eg-cert case close eg-cert#1 --lang en "resolved" >out &&
	grep -qx "case eg-cert#1 closed" out &&
	wait_for 20 synced &&
	before=$(show_field ru-cert eg-cert sent) &&
	expect_code 1 hl ru-cert answer eg-cert/3 declined "no" >out &&
	grep -q "case eg-cert#1 is closed: its requests take no more answers" ru-cert.err &&
	expect_code 1 hl ru-cert send --case eg-cert#1 "late update" >out &&
	grep -q "case eg-cert#1 is closed" ru-cert.err &&
	test "$(show_field ru-cert eg-cert sent)" = "$before" &&
	hl ru-cert case list --open >list && grep -q "^no cases match" list &&
	hl eg-cert retract ru-cert/out/4 --lang en "closed by mistake" >out &&
	grep -qx "retracted ru-cert/out/4" out &&
	wait_for 20 synced &&
	hl ru-cert case show eg-cert#1 >show && grep -qx "  state: open" show &&
	hl ru-cert answer eg-cert/3 declined --lang en "not our jurisdiction" >/dev/null
'

test_expect_success 'a retraction shows in both parties case views' '
	hl ru-cert send --to eg-cert --precedence priority --category availability/ddos \
		--tlp TLP:GREEN --severity medium --lang en "DDoS on the ministry" >out &&
	grep -qx "case ru-cert#1 opened" out &&
	hl ru-cert retract eg-cert/out/5 --lang en "sent to the wrong party" >/dev/null &&
	wait_for 20 synced &&
	for who in eg-cert ru-cert; do
		hl $who case show ru-cert#1 >show.$who &&
		grep -qx "  state: retracted" show.$who &&
		grep -q "notification (priority)  RETRACTED$" show.$who &&
		grep -qx "    sent to the wrong party" show.$who || exit 1
	done &&
	expect_code 1 hl eg-cert retract ru-cert/4 "x" >out &&
	grep -q "only its sender may retract" eg-cert.err
'

test_expect_success 'a correction replaces the fields it gives; the original stays' '
	hl eg-cert correct ru-cert/out/1 --severity critical --lang en "corrected: two C2 servers" >out &&
	grep -qx "corrected ru-cert/out/1" out &&
	wait_for 20 synced &&
	hl ru-cert case show eg-cert#1 >show &&
	grep -qx "  severity: critical" show &&
	grep -q "^  corrected by eg-cert/" show &&
	grep -qx "    رصدنا خادم تحكم لبرنامج فدية في شبكتكم" show
'

# api PARTY BODY : POSTs BODY to PARTY's hotlined at /v1/send; prints
# the status line's code and the body.
api() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		print $s "POST /v1/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" .
			"Content-Length: " . length($ARGV[1]) . "\r\nConnection: close\r\n\r\n$ARGV[1]";
		local $/; my $r = <$s>; $r =~ m{^HTTP/1\.1 (\d+)} and print "$1\n";
		$r =~ s/.*?\r\n\r\n//s; print "$r\n";' "$TEST_DIR/$1/hotlined.sock" "$2"
}

test_expect_success 'the operator API sends a notification with fields and indicators' '
	bundle=$(tr -d "\n" <bundle.json) &&
	api eg-cert "{\"to\":\"ru-cert\",\"text\":\"via the API\",\"lang\":\"en\",\"category\":\"availability/ddos\",\"tlp\":\"TLP:RED\",\"severity\":\"critical\",\"stix\":$bundle}" >out &&
	head -n 1 out | grep -qx 200 && id=$(sed -n "s/.*\"case\": *\"\([^\"]*\)\".*/\1/p" out) &&
	test "$id" = "eg-cert#2" &&
	wait_for 20 synced &&
	hl ru-cert case show "$id" >show &&
	grep -qx "  TLP: TLP:RED (the named recipients only)" show &&
	grep -q "^  category: .*(availability/ddos)$" show &&
	bad=$(sed "s/= .203.0.113.7.\\]/= 203.0.113.7]/" bundle.json | tr -d "\n") &&
	api eg-cert "{\"to\":\"ru-cert\",\"text\":\"x\",\"stix\":$bad}" >out &&
	head -n 1 out | grep -qx 422 &&
	grep -q "stix: not a valid STIX 2.1 bundle: indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: pattern: expected" out &&
	api eg-cert "{\"to\":\"ru-cert\",\"text\":\"x\",\"tlp\":\"TLP:WHITE\"}" >out &&
	head -n 1 out | grep -qx 400 &&
	api eg-cert "{\"to\":\"ru-cert\",\"text\":\"x\",\"kind\":\"request\"}" >out &&
	head -n 1 out | grep -qx 400
'

test_expect_success 'a peer that breaks the rules: stored, receipted, shown, not counted' '
	sed "s/= .203.0.113.7.\\]/= 203.0.113.9]/" bundle.json >bad.json &&
	printf "{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"forged\"},\"severity\":\"high\",\"stix\":%s}" \
		"$(tr -d "\n" <bad.json)" >forged1.json &&
	printf "not json at all" >forged2.txt &&
	printf "{\"v\":1,\"type\":\"close\",\"text\":{\"lang\":\"en\",\"text\":\"x\"}}" >forged3.json &&
	"$TOOLS/hl-forge" send --home ru-cert eg-cert notify forged1.json >f1 &&
	"$TOOLS/hl-forge" send --home ru-cert eg-cert notify forged2.txt >f2 &&
	"$TOOLS/hl-forge" send --home ru-cert eg-cert notify forged3.json >f3 &&
	# Written behind hotlined: counted once it reads its index again.
	hl ru-cert check report eg-cert >/dev/null &&
	hl ru-cert send --to eg-cert --lang en "and a genuine one" >genuine &&
	wait_for 30 synced &&
	n1=$(sed "s|.*/||" f1) && n2=$(sed "s|.*/||" f2) && n3=$(sed "s|.*/||" f3) &&
	grep -qx "case ru-cert#$((n1 + 1)) opened" genuine &&
	hl eg-cert case show "ru-cert#$n1" >show &&
	grep -q "^  STIX: indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f: pattern: " show &&
	grep -qx "  severity: high" show &&
	expect_code 1 hl eg-cert search 203.0.113.9 >found &&
	hl eg-cert show "ru-cert/$n2" >show2 &&
	grep -q "not hotline JSON" show2 && grep -qx "not json at all" show2 &&
	expect_code 1 hl eg-cert case show "ru-cert/$n2" >out &&
	expect_code 1 hl eg-cert case show "ru-cert/$n3" >out &&
	grep -q "no such case" eg-cert.err &&
	hl eg-cert log verify --link ru-cert >/dev/null
'

# One random step for party $1 (peer $2), choice $3 in 0..7.
step() {
	me=$1 peer=$2 r=$3
	case $r in
	0)
		hl $me send --to $peer --category other/undetermined --severity low \
			--lang en "case $n from $me" ;;
	1|2)
		id=$(look hl $me case list --open | sed -n "s/^\\([a-z-]*#[0-9]*\\) .*/\\1/p" |
			sed -n "$(( (n % 5) + 1 ))p")
		test -n "$id" || return 1
		if [ $r = 1 ]; then
			hl $me send --case "$id" --action investigate --lang en "request $n"
		else
			hl $me send --case "$id" --severity high --lang en "update $n"
		fi ;;
	3)
		msg=$(look hl $me inbox | sed -n "s/^\\($peer\\/[0-9]*\\) .* request .*/\\1/p" |
			sed -n "$(( (n % 4) + 1 ))p")
		test -n "$msg" || return 1
		set -- accepted done declined
		eval a=\${$(( (n % 3) + 1 ))}
		hl $me answer "$msg" "$a" --lang en "answer $n" ;;
	4)
		id=$(look hl $me case list --open | sed -n "s/^\\([a-z-]*#[0-9]*\\) .*/\\1/p" |
			sed -n "$(( (n % 7) + 1 ))p")
		test -n "$id" || return 1
		hl $me case close "$id" --lang en "closed $n" ;;
	5|6)
		sent=$(look show_field $me $peer sent) && sent=${sent% *}
		test "$sent" -gt 0 || return 1
		if [ $r = 5 ]; then
			hl $me retract "$peer/out/$(( (n * 7) % sent + 1 ))" --lang en "retract $n"
		else
			hl $me correct "$peer/out/$(( (n * 5) % sent + 1 ))" --lang en "fixed $n"
		fi ;;
	7)
		got=$(look show_field $me $peer received) && got=${got% *}
		test "$got" -gt 0 || return 1
		hl $me ack "$peer/$(( (n * 3) % got + 1 ))" --lang en "read $n" ;;
	esac
}

# covered : in the steps done (the file done, "SIDE CHOICE" a line),
# each of the 8 kinds of step, and steps by both sides.
covered() {
	test "$(cut -d" " -f2 done | sort -u | wc -l)" -eq 8 &&
	test "$(cut -d" " -f1 done | sort -u | wc -l)" -eq 2
}

# The plan: blocks of the 16 steps (either side, each choice 0..7) in a
# random order.  A step that finds nothing to act on (no open case, no
# request to answer) does not count.  It runs until 40 steps were done,
# every kind of message among them and both sides acting, interleaved
# at random with the deliveries; a plan of 100 uniformly random steps
# took twice as long and did not check that it covered them.  (Answers
# are the rarest: a step 3 finds a request to answer one time in ten.)
test_expect_success 'after a random exchange of 40 messages, of every kind, both compute the same state' '
	awk "BEGIN { srand(20261122); for (b = 0; b < 50; b++) {
		for (i = 0; i < 16; i++) p[i] = i
		for (i = 15; i > 0; i--) { j = int(rand() * (i + 1)); t = p[i]; p[i] = p[j]; p[j] = t }
		for (i = 0; i < 16; i++) print int(p[i] / 8), p[i] % 8 } }" >plan &&
	n=0 total=0 && : >done &&
	while read side r; do
		[ "$total" -lt 40 ] || ! covered || break
		n=$((n + 1))
		if [ "$side" = 0 ]; then
			step eg-cert ru-cert "$r" >/dev/null &&
				echo "$side $r" >>done && total=$((total + 1)) || :
		else
			step ru-cert eg-cert "$r" >/dev/null &&
				echo "$side $r" >>done && total=$((total + 1)) || :
		fi
	done <plan &&
	echo "$total steps done of $n tried" &&
	test "$total" -ge 40 && covered &&
	wait_for 60 synced &&
	hl eg-cert case list --json | sort >eg.json &&
	hl ru-cert case list --json | sort >ru.json &&
	test "$(count_lines "\"id\"" eg.json)" -ge 5 &&
	cmp eg.json ru.json &&
	grep -q "\"state\":\"closed\"" eg.json &&
	grep -q "\"retracted\":true" eg.json &&
	grep -q "\"corrected_by\":" eg.json
'

test_expect_success 'the logs verify, and a rebuilt index computes the same state' '
	hl eg-cert log verify --link ru-cert >/dev/null &&
	hl ru-cert log verify --link eg-cert >/dev/null &&
	hl eg-cert rebuild >/dev/null &&
	hl eg-cert case list --json | sort >eg2.json &&
	cmp eg.json eg2.json
'

test_expect_success 'both daemons stop cleanly' '
	stop_daemon eg-cert && stop_daemon ru-cert
'

test_done
