#!/bin/sh
# The console's words come from the CLI's catalogues: tools/po2json.pl
# reads a PO file as msgfmt does (escapes, continued strings; nothing
# fuzzy, obsolete, untranslated, with a context or a plural); each
# committed console/i18n/LL.json is what it makes of po/LL.po now (a po
# file changed without `make i18n` fails here), with its language and
# direction (Arabic right to left); every t("...") of console/ is a
# message of po/hotline.pot, so that no label misses the translators.
. "$(dirname "$0")/test-lib.sh"

LINGUAS='ar en es fr ru zh'

# msgids FILE.pot : its messages' msgids (as written there, joined), one a line.
msgids() {
	perl -ne 'sub out { print "$id\n" if defined $id && $id ne ""; undef $id }
		if (/^msgid "(.*)"$/) { out(); $id = $1; $in = 1 }
		elsif ($in && /^"(.*)"$/) { $id .= $1 }
		else { $in = 0 }
		END { out() }' "$1"
}


cat >"$TEST_DIR/ar.po" <<'EOF'
# A catalogue with every kind of entry.
msgid ""
msgstr ""
"Language: ar\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
"Content-Type: text/plain; charset=UTF-8\n"

#: console/pages/inbox.js:1
msgid "Inbox"
msgstr "الوارد"

#, c-format
msgid "%s said \"yes\"\tthen %d\n"
msgstr "قال %s \"نعم\"\tثم %d\n"

msgid ""
"A long message, "
"in two lines"
msgstr ""
"رسالة طويلة، "
"في سطرين"

msgid "a backslash \\ and \\n"
msgstr "شرطة \\ و\\n"

msgid "bell\a, octal \303\251 and hex \xc3\xa9"
msgstr "\303\251\x41"
msgid "right after another"
msgstr "بلا سطر فارغ"
#, fuzzy, c-format
#| msgid "Old words"
msgid "Fuzzy words"
msgstr "كلمات غير مؤكدة"

msgid "Not translated"
msgstr ""

msgctxt "verb"
msgid "Answer"
msgstr "أجب"

msgid "one case"
msgid_plural "%d cases"
msgstr[0] "قضية"
msgstr[1] "%d قضايا"

#~ msgid "Obsolete"
#~ msgstr "قديم"
EOF
# What it gives, keys sorted (JSON::PP's escapes).
cat >"$TEST_DIR/want.json" <<'EOF'
{"dir":"rtl","lang":"ar","messages":{"%s said \"yes\"\tthen %d\n":"قال %s \"نعم\"\tثم %d\n","A long message, in two lines":"رسالة طويلة، في سطرين","Inbox":"الوارد","a backslash \\ and \\n":"شرطة \\ و\\n","bell\u0007, octal é and hex é":"éA","right after another":"بلا سطر فارغ"}}
EOF

test_expect_success 'po2json.pl reads a PO file as msgfmt does, and keeps only what the console can use' '
	perl "$SRC_DIR/tools/po2json.pl" ar.po >ar.json &&
	cmp ar.json want.json || { diff want.json ar.json; exit 1; }
'

# bad_po KIND ENTRY... : $TEST_DIR/KIND/fr.po, a header and ENTRY lines.
bad_po() {
	mkdir -p "$TEST_DIR/$1"
	bp_file="$TEST_DIR/$1/fr.po"
	shift
	printf '%s\n' 'msgid ""' 'msgstr "Content-Type: text/plain; charset=UTF-8\n"' '' "$@" >"$bp_file"
}
bad_po escape 'msgid "x"' 'msgstr "\q"'
bad_po line 'msgid "x"' 'msgstr "y"' 'nonsense'
bad_po utf8 'msgid "x"' 'msgstr "\377"'

test_expect_success 'a malformed PO file is refused, saying where, and nothing is printed' '
	for k in escape line; do ! msgfmt --check -o /dev/null $k/fr.po 2>/dev/null || exit 1; done &&
	expect_code 1 perl "$SRC_DIR/tools/po2json.pl" escape/fr.po >out 2>err &&
	test ! -s out && grep -q "escape/fr.po:5: unknown escape" err &&
	expect_code 1 perl "$SRC_DIR/tools/po2json.pl" line/fr.po >out 2>err &&
	test ! -s out && grep -q "line/fr.po:6: not a line of a PO file" err &&
	expect_code 1 perl "$SRC_DIR/tools/po2json.pl" utf8/fr.po >out 2>err &&
	test ! -s out && grep -q "not UTF-8" err
'

test_expect_success 'each console/i18n/LL.json is what po2json.pl makes of po/LL.po now (else: make i18n)' '
	for l in $LINGUAS; do
		perl "$SRC_DIR/tools/po2json.pl" "$SRC_DIR/po/$l.po" >$l.json &&
		cmp $l.json "$SRC_DIR/console/i18n/$l.json" ||
		{ echo "console/i18n/$l.json is stale: run make i18n"; exit 1; }
	done &&
	test "$(ls "$SRC_DIR"/console/i18n/*.json | wc -l)" = 6
'

test_expect_success 'each is JSON with its language, Arabic right to left and the others left to right' '
	for l in $LINGUAS; do
		perl -MJSON::PP -e "local \$/; open(my \$f, q(<:raw), \$ARGV[0]) or die;
			my \$j = JSON::PP->new->utf8->decode(<\$f>);
			my \$dir = \$ARGV[1] eq q(ar) ? q(rtl) : q(ltr);
			\$j->{lang} eq \$ARGV[1] or die qq(lang \$j->{lang}\n);
			\$j->{dir} eq \$dir or die qq(dir \$j->{dir}, not \$dir\n);
			ref \$j->{messages} eq q(HASH) or die qq(no messages\n);
			ref \$_ and die qq(a message not a string\n) for values %{\$j->{messages}};
			keys %{\$j->{messages}} > (\$ARGV[1] eq q(en) ? -1 : 100) or die qq(few messages\n)" \
			"$SRC_DIR/console/i18n/$l.json" $l || { echo "console/i18n/$l.json"; exit 1; }
	done
'

test_expect_success 'every t("...") of console/*.js and console/pages/*.js is a message of po/hotline.pot' '
	xgettext --from-code=UTF-8 --language=JavaScript --keyword= --keyword=t \
		-o console.pot "$SRC_DIR"/console/*.js "$SRC_DIR"/console/pages/*.js &&
	msgids console.pot | sort -u >js &&
	test -s js &&
	msgids "$SRC_DIR/po/hotline.pot" | sort -u >pot &&
	comm -23 js pot >missing &&
	{ test ! -s missing || { echo "not in po/hotline.pot (run make pot):"; cat missing; exit 1; }; }
'

test_done
