# lib-transcript.sh - links and batches for the transcript tests.
#
# Sourced after test-lib.sh.  Parties live in $TEST_DIR/NAME (new_party),
# and every helper takes the party names, which are also the link names.

# fp_digits CARD : the card's fingerprint digits with their spaces.
fp_digits() {
	"$HOTLINE" fingerprint "$1" | cut -c1-35
}

# link_pair A B : A and B add each other's cards and confirm the link.
link_pair() {
	link_both "$1" "$2"
}

# link_offline A B : A and B link with no endpoint, through their
# running daemons: those never reach each other, so only batches
# (exchange) carry messages and receipts.
link_offline() {
	"$HOTLINE" --home "$TEST_DIR/$1" link add "$2" --card "$TEST_DIR/$2/card" \
		--endpoint "" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$2" link add "$1" --card "$TEST_DIR/$1/card" \
		--endpoint "" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$1" link confirm "$2" \
		--fingerprint "$(fp_digits "$TEST_DIR/$2/card")" >/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$2" link confirm "$1" \
		--fingerprint "$(fp_digits "$TEST_DIR/$1/card")" >/dev/null
}

# send_msg FROM TO TEXT : FROM sends TEXT on its link to TO, through
# FROM's hotlined: the one running, or else started as the only one
# running (see only_daemon), so that batches alone carry the messages
# of tests whose links have endpoints.
send_msg() {
	{ daemon_running "$1" || only_daemon "$1" >&2; } &&
	"$HOTLINE" --home "$TEST_DIR/$1" send --to "$2" "$3" >/dev/null
}

# exchange FROM TO TAG : FROM exports a batch (TAG.batch), TO imports it
# and writes its receipt (TAG.receipt), FROM stores the receipt.
exchange() {
	"$HOTLINE" --home "$TEST_DIR/$1" batch export --link "$2" --out "$3.batch" 2>/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$2" batch import --link "$1" --out "$3.receipt" \
		"$3.batch" 2>/dev/null &&
	"$HOTLINE" --home "$TEST_DIR/$1" batch receipt --link "$2" "$3.receipt" >/dev/null
}

# show_field HOME LINK FIELD : "sent" or "received" -> "COUNT RECEIPTED".
show_field() {
	hl_up "$1" link show "$2" |
		sed -n "s/^$3: *\([0-9]*\), receipted up to \([0-9]*\)$/\1 \2/p"
}

# link_counts HOME LINK : "SENT RECEIPTED RECEIVED RECEIPTED" of HOME's
# link LINK, read from one link show (show_field reads one pair a run).
link_counts() {
	hl_up "$1" link show "$2" | awk '
		/^sent: *[0-9]+, receipted up to [0-9]+$/ { s = $2 " " $6 }
		/^received: *[0-9]+, receipted up to [0-9]+$/ { r = $2 " " $6 }
		END { if (s == "" || r == "") exit 1; sub(/,/, "", s); sub(/,/, "", r); print s, r }'
}

# in_sync A B : all that A and B sent each other is received and
# receipted: two link show runs a poll, where four show_field took four.
in_sync() {
	is_a=$(link_counts "$1" "$2") && is_b=$(link_counts "$2" "$1") || return 1
	set -- $is_a $is_b
	test "$1 $2" = "$7 $8" && test "$5 $6" = "$3 $4" && test "$1" = "$2" && test "$5" = "$6"
}

# state HOME LINK : a snapshot of everything link show and log verify
# say about a link, to show that a refused input stored nothing.
state() {
	hl_up "$1" link show "$2" &&
	"$HOTLINE" --home "$TEST_DIR/$1" log verify --link "$2"
}

# The helper programs of tests/tools/, built by 'make unit'.
TOOLS="$HOTLINE_BUILD/tests/tools"

# require_tools NAME... : skips the whole test without them.
require_tools() {
	for t in "$@"; do
		if [ ! -x "$TOOLS/$t" ]; then
			echo "1..0 # SKIP no $TOOLS/$t (run make unit first)"
			exit 0
		fi
	done
}

# envelope_at BATCH : the offset of the first envelope in a push file
# and its length, as "OFFSET LENGTH".
envelope_at() {
	echo "$(head -n 2 "$1" | wc -c) $(sed -n 2p "$1" | cut -d" " -f2)"
}

# disclosed HOME LINK SEQ [--received] : the text of message SEQ as a
# third party reads it from a disclosed proof, checked with both cards
# (what follows the "text [TAG]:" line of proof verify's report).
disclosed() {
	hl_up "$1" proof export --link "$2" --seq "$3" \
		--disclose ${4:-} --out "$TEST_DIR/.disclosed" &&
	"$HOTLINE" proof verify --card "$TEST_DIR/$1/card" --card "$TEST_DIR/$2/card" \
		"$TEST_DIR/.disclosed" | proof_text
}

# proof_text : the message's text in a proof verify report on stdin.
proof_text() {
	sed "1,/^text \[[^]]*\]:\$/d"
}

# forge_retired HOME PEER OLDCARD: writes an empty update from HOME to
# PEER's link, signed and sealed with HOME's first retired keys (in
# HOME/keys/) and OLDCARD, the card they went with, as a party that lost
# them might see them used; HOME's daemon must be stopped.  Puts HOME's
# keys back after.
forge_retired() {
	mkdir "$1.keep" &&
	cp "$1/identity.key" "$1/box.key" "$1/card" "$1.keep/" &&
	cp "$1"/keys/identity-*.key "$1/identity.key" && cp "$3" "$1/card" &&
	cp "$1"/keys/box-*.key "$1/box.key" &&
	echo "{}" >"$1.forged" &&
	"$TOOLS/hl-forge" send --home "$1" "$2" update "$1.forged" >"$1.forge.out"
	rc=$?
	cp "$1.keep/identity.key" "$1.keep/box.key" "$1.keep/card" "$1/" &&
	rm -r "$1.keep" && return $rc
}
