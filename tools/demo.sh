#!/bin/sh
# demo.sh BUILD - two parties on loopback exchange a FLASH notification.
#
# Makes two parties in a temporary folder, starts both daemons,
# exchanges and confirms their cards, sends a FLASH notification written in
# Arabic with an English summary from ru-cert to us-cert, shows it
# arriving, the cosigned receipt coming back and a person's
# acknowledgment, which names them, exports proofs of the notification
# and of the acknowledgment for a third party and verifies them, turns
# on us-cert's console (HTTPS on loopback) and prints its address with a
# one-time login for us-cert's duty officer, reads the case's STIX
# indicator through us-cert's TAXII feed with a tool's token and
# exports the case as a MISP event, and stops both daemons cleanly.  With KEEP=1 in the environment (make demo KEEP=1) both
# daemons keep running until Ctrl-C, and each Enter sends a FLASH from
# ru-cert, so a person watches it arrive in the console.
# Each command is printed before it runs.
set -eu
# What follows greps hotline's English output: run it in English
# whatever the user's locale (LANGUAGE would win over C.UTF-8).
LC_ALL=C.UTF-8
export LC_ALL
unset LANGUAGE

build=$(cd "${1:-build}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
keep=${KEEP:-}
PATH="$build:$PATH"
dir=$(mktemp -d "${TMPDIR:-/tmp}/hotline-demo.XXXXXX")
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
# Ctrl-C or a kill: exit, and the EXIT trap stops the daemons.
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$dir"

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold= plain=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
# run CMD...: prints the command as it would be typed, then runs it.
run() {
	printf '$'
	for a in "$@"; do
		case $a in
		*[[:space:]]*) printf " '%s'" "$a" ;;
		*) printf ' %s' "$a" ;;
		esac
	done
	printf '\n'
	"$@"
}
free_port() {
	perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1,
		LocalAddr => "127.0.0.1", LocalPort => 0)->sockport'
}
# wait_for SECONDS CMD...: polls until CMD succeeds.
wait_for() {
	n=$(($1 * 10)); shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || { echo "demo: timed out waiting for: $*" >&2; exit 1; }
		sleep 0.1
	done
}
start() {
	hotlined --home "$1" 2>"$1.log" &
	pids="$pids $!"
	eval "pid_$(echo "$1" | tr - _)=$!"
	wait_for 10 grep -q "ready:" "$1.log"
	sed -n 's/.*hotlined: //p' "$1.log"
}
stop() {
	p=$(eval echo "\$pid_$(echo "$1" | tr - _)")
	kill -TERM "$p"
	wait "$p"
	pids=$(echo " $pids " | sed "s/ $p / /")
	sed -n 's/.*hotlined: \(stop.*\)/\1/p' "$1.log" | sed "s/^/$1: /"
}

ru_port=$(free_port)
us_port=$(free_port)

step "1. Two parties, each with its own keys, TLS certificate and card"
run hotline init --name ru-cert --home ru-cert --listen "127.0.0.1:$ru_port" --operator ivan
run hotline init --name us-cert --home us-cert --listen "127.0.0.1:$us_port" --operator ana

step "2. Both daemons start on loopback (the CLI asks them; peers: mutual TLS 1.3)"
start ru-cert
start us-cert

step "3. They swap cards, read the fingerprints aloud, and confirm the link"
cp ru-cert/card ru-cert.card
cp us-cert/card us-cert.card
run hotline --home ru-cert link add us-cert --card us-cert.card
run hotline --home us-cert link add ru-cert --card ru-cert.card
fp_us=$(hotline fingerprint us-cert.card | cut -c1-35)
fp_ru=$(hotline fingerprint ru-cert.card | cut -c1-35)
run hotline --home ru-cert link confirm us-cert --fingerprint "$fp_us"
run hotline --home us-cert link confirm ru-cert --fingerprint "$fp_ru"

step "4. ru-cert sends a FLASH notification, which opens a case: Arabic text, English summary"
run hotline --home ru-cert send --to us-cert --precedence flash --lang ar \
	--category malicious-code/c2-server --tlp TLP:AMBER --severity high \
	--summary "Ransomware attack on a water utility; infrastructure traced to your network. Request: take down and preserve evidence." \
	--summary-lang en \
	"رصدنا هجوماً ببرنامج فدية على مرفق للمياه، وتبيّن أن البنية التحتية للمهاجمين تقع في شبكتكم. نطلب تعطيلها والحفاظ على الأدلة."

step "5. It arrives at us-cert, verified, stored and receipted"
wait_for 20 sh -c 'hotline --home us-cert inbox | grep -q "^ru-cert/1 "'
run hotline --home us-cert inbox
run hotline --home us-cert show ru-cert/1

step "6. The cosigned receipt is back at ru-cert"
wait_for 20 sh -c 'hotline --home ru-cert status | grep -q "us-cert .* 0  20"'
run hotline --home ru-cert status
run hotline --home ru-cert log verify

step "7. A duty officer at us-cert acknowledges it, within the 15 minutes of a FLASH"
run hotline --home us-cert ack --lang en ru-cert/1 "Read. Investigating; will report."
wait_for 20 sh -c 'hotline --home ru-cert show us-cert/out/1 | grep -q "acknowledgment: acked"'
run hotline --home ru-cert show us-cert/out/1
# The ack as ru-cert received it: its signed content names the operator
# who read the message ("by NAME (role)") when hotlined composed it.
run hotline --home ru-cert show us-cert/1

step "8. ru-cert requests a take-down, with the C2 server as a STIX indicator; us-cert accepts"
cat >c2.json <<'EOF'
{"type": "bundle", "id": "bundle--6f1c9e3a-54d2-4f0b-9a57-1d2e3f405162", "objects": [
 {"type": "indicator", "spec_version": "2.1",
  "id": "indicator--1b5f3c2a-8d4e-4f6a-b7c9-0a1b2c3d4e5f",
  "created": "2026-12-07T08:00:00.000Z", "modified": "2026-12-07T08:00:00.000Z",
  "name": "C2 server of the ransomware", "pattern_type": "stix",
  "pattern": "[ipv4-addr:value = '203.0.113.7'] OR [domain-name:value = 'c2.example.net']",
  "valid_from": "2026-12-07T08:00:00Z"}]}
EOF
run hotline --home ru-cert send --case ru-cert#1 --precedence immediate --lang en \
	--stix c2.json "The C2 server, as a STIX indicator."
run hotline --home ru-cert send --case ru-cert#1 --precedence immediate --lang en \
	--action take-down,preserve-evidence "Please take the C2 server down and preserve its disks."
wait_for 20 sh -c 'hotline --home us-cert inbox | grep -q "^ru-cert/3 "'
run hotline --home us-cert answer ru-cert/3 accepted --lang en "Accepted; a warrant is requested."
wait_for 20 sh -c 'hotline --home ru-cert case show ru-cert#1 | grep -q "state: accepted"'
run hotline --home ru-cert case show ru-cert#1
run hotline --home us-cert case list

step "9. Proofs of one message and of its acknowledgment, for a third party holding the two cards"
run hotline --home ru-cert proof export --link us-cert --seq 1 --disclose --out flash.proof
run hotline proof verify --card ru-cert.card --card us-cert.card flash.proof
# And of the acknowledgment: the third party sees who read the FLASH.
wait_for 20 hotline --home us-cert proof export --link ru-cert --seq 1 --disclose --out ack.proof
run hotline --home us-cert proof export --link ru-cert --seq 1 --disclose --out ack.proof
run hotline proof verify --card ru-cert.card --card us-cert.card ack.proof

step "10. us-cert's console: HTTPS on loopback, and a one-time login for its duty officer"
console_port=$(free_port)
conf="console.listen = 127.0.0.1:$console_port
console.root = $src/console"
printf '$ cat >>us-cert/hotline.conf <<EOF\n%s\nEOF\n' "$conf"
printf '%s\n' "$conf" >>us-cert/hotline.conf
stop us-cert
start us-cert
printf '$ hotline --home us-cert operator ticket ana\n'
ticket=$(hotline --home us-cert operator ticket ana)
printf '%s\n' "$ticket"
url=$(printf '%s\n' "$ticket" | sed -n 's|^  \(https://.*#ticket=.*\)$|\1|p')
cat <<EOF

${bold}us-cert's console${plain}
  address:         https://127.0.0.1:$console_port/
  one-time login:  $url
                   (ana, us-cert's duty officer; good once, for 10 minutes)
  Its certificate is us-cert's own, self-signed: the browser warns once.
EOF

step "11. us-cert's MISP or OpenCTI reads the case's indicators: TAXII 2.1, or a MISP event"
printf '$ hotline --home us-cert feed token add ana misp\n'
token=$(hotline --home us-cert feed token add ana misp)
printf '%s\n' "$token"
secret=$(printf '%s\n' "$token" | tail -n 1)
taxii="https://127.0.0.1:$console_port/taxii2/ru-cert/collections/tlp-amber/objects/"
printf '$ curl -sk -u ana:SECRET -H "Accept: application/taxii+json;version=2.1" %s\n' "$taxii"
curl -sk -u "ana:$secret" -H "Accept: application/taxii+json;version=2.1" "$taxii" |
	tr ',' '\n' | grep -E '"(type|pattern|object_marking_refs|created_by_ref|external_id)"'
echo
run hotline --home us-cert export --misp ru-cert#1 -o case.misp.json
grep -E '"(type|value)": "|"name": "(tlp|rsit):' case.misp.json | sed 's/^ *//; s/,$//'

if [ -n "$keep" ]; then
	flash="$build/hotline --home $dir/ru-cert send --to us-cert --precedence flash --lang en"
	step "12. Both daemons keep running (KEEP=1) until Ctrl-C"
	cat <<EOF
Open the one-time login above in a browser, then press Enter here:
ru-cert sends a FLASH to us-cert, and the console shows it arrive.
Or send one from another terminal:

  $flash 'A FLASH from ru-cert'

EOF
	n=0
	while read -r _; do
		n=$((n + 1))
		run $flash "Test FLASH $n from ru-cert: please acknowledge." || :
	done
	# No more input (not a terminal): wait for Ctrl-C all the same.
	while :; do sleep 1; done
fi

step "12. Both daemons stop cleanly"
stop ru-cert
stop us-cert
pids=

step "Done: sent, delivered, receipted, acknowledged, answered, proven; the console and the feed were on."
