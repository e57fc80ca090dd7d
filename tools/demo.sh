#!/bin/sh
# demo.sh BUILD - two parties exchange one sealed FLASH notification.
#
# Makes two parties in a temporary folder, exchanges their cards, seals
# a notification written in Arabic with an English summary from ru-cert
# to us-cert, opens and verifies it on the other side, and shows that a
# one-byte change is caught.  Each command is printed before it runs.
set -eu

build=$(cd "${1:-build}" && pwd)
PATH="$build:$PATH"
dir=$(mktemp -d "${TMPDIR:-/tmp}/hotline-demo.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"

if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); else bold= plain=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1. Two parties, each with its own keys, TLS certificate and card"
run hotline init --name ru-cert --home ru-cert --listen 127.0.0.1:7441
run hotline init --name us-cert --home us-cert --listen 127.0.0.1:7442

step "2. They swap cards out of band and read the fingerprints aloud"
cp ru-cert/card ru-cert.card
cp us-cert/card us-cert.card
run hotline card verify us-cert.card
run hotline --home ru-cert fingerprint
run hotline --home us-cert fingerprint ru-cert.card

step "3. ru-cert seals a FLASH notification for us-cert"
cat >notify.json <<'MSG'
{"type": "notify",
 "summary": {"lang": "en", "text": "Ransomware attack on a water utility; infrastructure traced to your network. Request: take down and preserve evidence."},
 "text": {"lang": "ar", "text": "رصدنا هجوماً ببرنامج فدية على مرفق للمياه، وتبيّن أن البنية التحتية للمهاجمين تقع في شبكتكم. نطلب تعطيلها والحفاظ على الأدلة."}}
MSG
run hotline --home ru-cert envelope seal --to us-cert.card --precedence flash \
	--kind notify --seq 1 --out notify.env notify.json
echo "The header is signed text; the body after it is ciphertext:"
awk '{ print substr($0, 1, 76) } /^\342\200\224 / { exit }' notify.env
echo "... then $(sed -n 's/^body \([0-9]*\) .*/\1/p' notify.env) bytes of ciphertext"

step "4. us-cert verifies the signature and opens it"
run hotline --home us-cert envelope open --from ru-cert.card notify.env
echo
echo "Anyone holding ru-cert's card can check the signature, without keys:"
run hotline envelope verify --from ru-cert.card notify.env

step "5. A one-byte change anywhere is caught"
perl -e 'local $/; my $d = <STDIN>; substr($d, 120, 1) ^= "\x01"; print $d' \
	<notify.env >tampered.env
if run hotline envelope verify --from ru-cert.card tampered.env; then
	echo "demo: the tampered envelope was accepted" >&2
	exit 1
fi
echo "(refused, as it must be)"

step "Done: sealed, opened, verified; tampering caught."
