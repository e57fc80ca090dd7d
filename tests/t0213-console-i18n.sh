#!/bin/sh
# The console's catalogues (console/i18n/LL.json) are those of po/, as
# `make i18n` makes them: a po file changed without `make i18n` fails.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'each console/i18n/LL.json is its po file, made again' '
	for l in ar en es fr ru zh; do
		perl "$SRC_DIR/tools/po2json.pl" "$SRC_DIR/po/$l.po" >$l.json &&
		cmp $l.json "$SRC_DIR/console/i18n/$l.json" ||
		{ echo "console/i18n/$l.json is stale: run make i18n"; exit 1; }
	done
'

test_expect_success 'Arabic is right to left, with the CLI'"'"'s words' '
	perl -MJSON::PP -e "local \$/; my \$j = decode_json(<STDIN>);
		exit !(\$j->{dir} eq q(rtl) && \$j->{lang} eq q(ar) &&
		\$j->{messages}{FLASH} ne q() && keys(%{\$j->{messages}}) > 100)" \
		<"$SRC_DIR/console/i18n/ar.json"
'

test_done
