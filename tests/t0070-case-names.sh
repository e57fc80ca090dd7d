#!/bin/sh
# Case names are unique at a party: ru-cert, linked to us-cert and to
# eg-cert, numbers its cases across both links, each side of a link
# names a case alike, and a name finds its case on whichever link it is.
# Names given before numbers were party-wide (a notify's seq) can be on
# two links: such a name is refused until the link is named.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

require_tools hl-forge

RU_PORT=$(free_port)
US_PORT=$(free_port)
EG_PORT=$(free_port)
linked_pair ru-cert "$RU_PORT" us-cert "$US_PORT"
new_party eg-cert "$EG_PORT"
link_pair ru-cert eg-cert

# hl PARTY ARGS... : hotline as PARTY, stderr kept in PARTY.err.

# synced A B : each of A and B holds what the other sent, receipted.
synced() {
	in_sync "$1" "$2"
}

# api PARTY BODY : POSTs BODY to PARTY's /v1/send; prints the status
# code, then the body.
api() {
	perl -MIO::Socket::UNIX -e '
		my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect: $!";
		print $s "POST /v1/send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" .
			"Content-Length: " . length($ARGV[1]) . "\r\nConnection: close\r\n\r\n$ARGV[1]";
		local $/; my $r = <$s>; $r =~ m{^HTTP/1\.1 (\d+)} and print "$1\n";
		$r =~ s/.*?\r\n\r\n//s; print "$r\n";' "$TEST_DIR/$1/hotlined.sock" "$2"
}

# Notifications as an older hotline wrote them, with no case number:
# each names its case by its seq, ru-cert#1 on both links.
for p in us eg; do
	printf '{"v":1,"type":"notify","text":{"lang":"en","text":"old case %s"}}' $p \
		>"$TEST_DIR/old-$p.json"
done

test_expect_success 'cases opened before numbers were party-wide, and three daemons' '
	"$TOOLS/hl-forge" send --home ru-cert us-cert notify old-us.json >/dev/null &&
	"$TOOLS/hl-forge" send --home ru-cert eg-cert notify old-eg.json >/dev/null &&
	start_daemon ru-cert && start_daemon us-cert && start_daemon eg-cert
'

test_expect_success 'ru-cert numbers its new cases across both links' '
	hl ru-cert send --to us-cert --severity high --lang en "phishing wave" >out &&
	grep -qx "case ru-cert#2 opened" out &&
	hl ru-cert send --to eg-cert --severity low --lang en "scanning" >out &&
	grep -qx "case ru-cert#3 opened" out &&
	hl ru-cert send --to us-cert --lang en "DDoS on the ministry" >out &&
	grep -qx "case ru-cert#4 opened" out &&
	api ru-cert "{\"to\":\"eg-cert\",\"text\":\"x\",\"tlp\":\"TLP:WHITE\"}" >out &&
	head -n 1 out | grep -qx 400 &&
	api ru-cert "{\"to\":\"jp-cert\",\"text\":\"x\"}" >out && head -n 1 out | grep -qx 404 &&
	api ru-cert "{\"to\":\"eg-cert\",\"text\":\"via the API\",\"lang\":\"en\"}" >out &&
	head -n 1 out | grep -qx 200 && grep -q "\"case\": *\"ru-cert#5\"" out &&
	wait_for 30 synced ru-cert us-cert && wait_for 30 synced ru-cert eg-cert
'

test_expect_success 'case list shows the link; each side of a link names a case alike' '
	hl ru-cert case list >list &&
	grep -q "^CASE *LINK *STATE " list &&
	grep -q "^ru-cert#1 *us-cert *open " list && grep -q "^ru-cert#1 *eg-cert *open " list &&
	grep -q "^ru-cert#2 *us-cert *open " list && grep -q "^ru-cert#3 *eg-cert *open " list &&
	grep -q "^ru-cert#4 *us-cert *open " list && grep -q "^ru-cert#5 *eg-cert *open " list &&
	test "$(count_lines "^ru-cert#" list)" = 6 &&
	hl us-cert case list >list.us &&
	grep -q "^ru-cert#2 *ru-cert *open " list.us && grep -q "^ru-cert#4 *ru-cert " list.us &&
	test "$(count_lines "^ru-cert#" list.us)" = 3 &&
	hl eg-cert case list >list.eg &&
	grep -q "^ru-cert#3 *ru-cert *open " list.eg && grep -q "^ru-cert#5 *ru-cert " list.eg &&
	test "$(count_lines "^ru-cert#" list.eg)" = 3 &&
	hl ru-cert case list --json --link us-cert >ru-us.json && hl us-cert case list --json >us.json &&
	cmp ru-us.json us.json && grep -q "\"closed\":[0-9]*,\"id\":\"ru-cert#4\",\"messages\".*\"to\":\"us-cert\"}$" us.json &&
	hl ru-cert case list --json --link eg-cert >ru-eg.json && hl eg-cert case list --json >eg.json &&
	cmp ru-eg.json eg.json && grep -q "\"closed\":[0-9]*,\"id\":\"ru-cert#5\",\"messages\".*\"to\":\"eg-cert\"}$" eg.json &&
	hl us-cert inbox >inbox && grep -q "^ru-cert/3 .* notify *ru-cert#4 " inbox
'

test_expect_success 'case show, send --case, answer and close find a case on its link' '
	hl ru-cert case show ru-cert#3 >show && grep -qx "case ru-cert#3 (link eg-cert)" show &&
	hl ru-cert send --case ru-cert#3 --action investigate --lang en "please look" >out &&
	grep -q "^sent to eg-cert as eg-cert/out/4 " out &&
	grep -qx "request of case ru-cert#3" out &&
	hl ru-cert send --case ru-cert#4 --severity critical --lang en "worse" >out &&
	grep -q "^sent to us-cert as us-cert/out/4 " out &&
	wait_for 30 synced ru-cert eg-cert && wait_for 30 synced ru-cert us-cert &&
	hl eg-cert answer ru-cert/4 accepted --lang en "on it" >out &&
	grep -qx "answered ru-cert/4 in case ru-cert#3: accepted" out &&
	hl us-cert send --case ru-cert#2 --action block --lang en "block the sender" >out &&
	grep -qx "request of case ru-cert#2" out &&
	wait_for 30 synced ru-cert eg-cert && wait_for 30 synced ru-cert us-cert &&
	hl ru-cert answer us-cert/1 done --lang en "blocked" >out &&
	grep -qx "answered us-cert/1 in case ru-cert#2: done" out &&
	hl ru-cert case close ru-cert#4 --lang en "mitigated" >out &&
	grep -q "^sent to us-cert as " out && grep -qx "case ru-cert#4 closed" out &&
	hl ru-cert case show ru-cert#3 >show && grep -qx "  state: accepted" show &&
	hl ru-cert case show ru-cert#4 >show && grep -qx "  state: closed" show &&
	grep -qx "  severity: critical" show
'

test_expect_success 'a name on two links is refused until the link is named; nothing is sent' '
	us_before=$(show_field ru-cert us-cert sent) && eg_before=$(show_field ru-cert eg-cert sent) &&
	expect_code 1 hl ru-cert case show ru-cert#1 >out &&
	grep -q "ru-cert#1: this party opened a case of that number on 2 links: name one with --link" ru-cert.err &&
	expect_code 1 hl ru-cert send --case ru-cert#1 --lang en "which one?" >out &&
	grep -q "name one with --link" ru-cert.err &&
	expect_code 1 hl ru-cert case close ru-cert#1 "which one?" >out &&
	test "$(show_field ru-cert us-cert sent)" = "$us_before" &&
	test "$(show_field ru-cert eg-cert sent)" = "$eg_before" &&
	hl ru-cert case show ru-cert#1 --link us-cert >show &&
	grep -qx "case ru-cert#1 (link us-cert)" show && grep -qx "    old case us" show &&
	hl ru-cert send --case ru-cert#1 --link eg-cert --lang en "this one" >out &&
	grep -q "^sent to eg-cert as " out && grep -qx "update of case ru-cert#1" out
'

test_expect_success 'a notify of a number its sender opened before opens nothing' '
	hl us-cert send --to ru-cert --lang en "ransomware" >out &&
	grep -qx "case us-cert#1 opened" out &&
	printf "{\"v\":1,\"type\":\"notify\",\"number\":1,\"severity\":\"low\",\"text\":{\"lang\":\"en\",\"text\":\"again\"}}" >again.json &&
	"$TOOLS/hl-forge" send --home us-cert ru-cert notify again.json >/dev/null &&
	hl us-cert send --to ru-cert --lang en "another" >out &&
	grep -qx "case us-cert#2 opened" out &&
	wait_for 30 synced ru-cert us-cert &&
	hl ru-cert case list --link us-cert >list &&
	test "$(count_lines "^us-cert#1 " list)" = 1 && grep -q "^us-cert#2 " list &&
	hl ru-cert case show us-cert#1 >show &&
	grep -qx "  NOT COUNTED: its sender opened a case of this number before" show &&
	hl ru-cert case show us-cert#1 --json >show.json &&
	grep -q "\"severity\":\"\"" show.json &&
	grep -q "\"ignored\":\"its sender opened a case of this number before\"" show.json &&
	hl ru-cert case list --json --link us-cert >ru-us.json && hl us-cert case list --json >us.json &&
	cmp ru-us.json us.json
'

test_expect_success 'concurrent sends through the API and the CLI take distinct numbers' '
	: >ids &&
	for i in 1 2 3 4 5; do
		api ru-cert "{\"to\":\"us-cert\",\"text\":\"api $i\"}" >api.$i &
		api ru-cert "{\"to\":\"eg-cert\",\"text\":\"api $i\"}" >api.eg.$i &
	done &&
	for i in 1 2 3; do
		hl ru-cert send --to eg-cert --lang en "cli $i" >cli.$i 2>/dev/null &
	done &&
	wait &&
	cat api.* | sed -n "s/.*\"case\": *\"\\([^\"]*\\)\".*/\\1/p" >>ids &&
	sed -n "s/^case \\(.*\\) opened$/\\1/p" cli.* >>ids &&
	test "$(wc -l <ids)" = 13 && test -z "$(sort ids | uniq -d)" &&
	wait_for 30 synced ru-cert us-cert && wait_for 30 synced ru-cert eg-cert &&
	hl ru-cert case list --json | sed -n "s/.*\"closed\":[0-9]*,\"id\":\"\\(ru-cert#[0-9]*\\)\".*/\\1/p" |
		grep -v "^ru-cert#1$" | sort | uniq -d >dups &&
	test ! -s dups
'

test_expect_success 'rebuilt from the logs, the index names every case alike' '
	hl ru-cert case list --json >before.json &&
	hl ru-cert rebuild >/dev/null &&
	hl ru-cert case list --json >after.json &&
	cmp before.json after.json &&
	hl ru-cert log verify --link us-cert >/dev/null && hl ru-cert log verify --link eg-cert >/dev/null
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon ru-cert && stop_daemon us-cert && stop_daemon eg-cert
'

test_done
