#!/bin/sh
# Six languages: the CLI's messages and the vocabulary through gettext,
# chosen by LANG (and the like) or by 'hotline --lang LL'.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

LANGS="ar en es fr ru zh"

# in_env LOCALE CMD... : runs hotline as a user whose environment names
# LOCALE (test-lib sets LC_ALL, which would win over LANG).  A bare
# Debian has only C.UTF-8: fr_FR.UTF-8 and the others are not installed
# there, which is the case this must handle.
in_env() {
	ie_loc=$1
	shift
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG="$ie_loc" "$HOTLINE" "$@"
}

locale_of() {
	case $1 in
	ar) echo ar_EG.UTF-8 ;; en) echo en_GB.UTF-8 ;; es) echo es_ES.UTF-8 ;;
	fr) echo fr_FR.UTF-8 ;; ru) echo ru_RU.UTF-8 ;; zh) echo zh_CN.UTF-8 ;;
	esac
}

# want LL WHAT : what hotline prints in language LL.
#   err   the error of 'hotline help nosuch'
#   help  the line of 'hotline help' for init
#   head  the heading of 'hotline link list' (an extended regex)
#   row   its row for an unconfirmed link (an extended regex)
#   nohome  link list where there is no party (an hl_strerror sentence)
want() {
	case $1.$2 in
	ar.err) echo "hotline: لا يوجد أمر بهذا الاسم: nosuch" ;;
	en.err) echo "hotline: no such command: nosuch" ;;
	es.err) echo "hotline: no existe la orden: nosuch" ;;
	fr.err) echo "hotline: commande inconnue : nosuch" ;;
	ru.err) echo "hotline: нет такой команды: nosuch" ;;
	zh.err) echo "hotline: 没有这个命令：nosuch" ;;
	ar.help) echo "  init         إنشاء هذا الطرف: المفاتيح وشهادة TLS والبطاقة" ;;
	en.help) echo "  init         create this party: keys, TLS certificate, card" ;;
	es.help) echo "  init         crear esta parte: claves, certificado TLS, tarjeta" ;;
	fr.help) echo "  init         créer cette partie : clés, certificat TLS, carte" ;;
	ru.help) echo "  init         создать эту сторону: ключи, сертификат TLS, карточку" ;;
	zh.help) echo "  init         创建本参与方：密钥、TLS 证书、身份卡" ;;
	ar.head) echo "الارتباط +الحالة +المُرسَلة +بإيصال +المُستلَمة +نقطة الاتصال" ;;
	en.head) echo "LINK +STATE +SENT +RECEIPTED +RECEIVED +ENDPOINT" ;;
	es.head) echo "ENLACE +ESTADO +ENVIADOS +CON ACUSE +RECIBIDOS +DIRECCIÓN" ;;
	fr.head) echo "LIAISON +ÉTAT +ENVOYÉS +ACCUSÉS +REÇUS +POINT D'ACCÈS" ;;
	ru.head) echo "КАНАЛ +СОСТОЯНИЕ +ОТПРАВЛЕНО +КВИТИРОВАНО +ПОЛУЧЕНО +АДРЕС" ;;
	zh.head) echo "链路 +状态 +已发送 +已回执 +已接收 +端点" ;;
	ar.row) echo "us-cert +غير مؤكَّد +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	en.row) echo "us-cert +UNCONFIRMED +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	es.row) echo "us-cert +SIN CONFIRMAR +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	fr.row) echo "us-cert +NON CONFIRMÉE +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	ru.row) echo "us-cert +НЕ ПОДТВЕРЖДЁН +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	zh.row) echo "us-cert +未确认 +0 +0 +0  https://127.0.0.1:$US_PORT" ;;
	fr.nohome) echo "hotline: nowhere: aucune partie dans ce dossier (lancez d'abord « hotline init »)" ;;
	esac
}

# same WANT FILE : FILE holds exactly the line WANT.
same() {
	if [ "$(cat "$2")" != "$1" ]; then
		echo "want: $1"
		echo "got:  $(cat "$2")"
		return 1
	fi
}

# list_is LL FILE : FILE is link list's heading and row in LL.
list_is() {
	if ! sed -n 1p "$2" | grep -Eqx "$(want "$1" head)" ||
	   ! sed -n 2p "$2" | grep -Eqx "$(want "$1" row)"; then
		echo "link list in $1:"
		cat "$2"
		return 1
	fi
}

RU_PORT=$(free_port)
US_PORT=$(free_port)
EG_PORT=$(free_port)
UA_PORT=$(free_port)

# link list asks the party's hotlined: ru-cert's runs from here until
# the batch setup below makes eg-cert's the only one; the Arabic test
# starts it again.
test_expect_success 'setup: a party with one unconfirmed link' '
	new_party ru-cert "$RU_PORT" && new_party us-cert "$US_PORT" &&
	start_daemon ru-cert &&
	"$HOTLINE" --home ru-cert link add us-cert --card us-cert/card >/dev/null
'

test_expect_success 'the same error in six languages, chosen by LANG' '
	for l in $LANGS; do
		expect_code 2 in_env "$(locale_of $l)" help nosuch 2>err || exit 1
		same "$(want $l err)" err || exit 1
	done
'

test_expect_success 'the same error in six languages, chosen by --lang' '
	for l in $LANGS; do
		expect_code 2 "$HOTLINE" --lang $l help nosuch 2>err || exit 1
		same "$(want $l err)" err || exit 1
	done
'

test_expect_success 'the command summaries in six languages' '
	for l in $LANGS; do
		in_env "$(locale_of $l)" help >out && grep "^  init " out >line &&
		same "$(want $l help)" line || exit 1
		"$HOTLINE" --lang $l help | grep "^  init " >line &&
		same "$(want $l help)" line || exit 1
	done
'

test_expect_success 'the same listing in six languages, by LANG and by --lang' '
	for l in $LANGS; do
		in_env "$(locale_of $l)" --home ru-cert link list >list &&
		list_is $l list || exit 1
		"$HOTLINE" --lang $l --home ru-cert link list >list &&
		list_is $l list || exit 1
	done
'

test_expect_success 'translated headings keep the columns aligned (wide characters)' '
	"$HOTLINE" --lang zh --home ru-cert link list >list &&
	head=$(sed -n 1p list | sed "s/端点\$//" | wc -L) &&
	row=$(sed -n 2p list | sed "s/https.*//" | wc -L) &&
	test "$head" -eq "$row"
'

test_expect_success 'English is the default, and with LANG=C or LC_ALL=C' '
	expect_code 2 env -u LC_ALL -u LANG -u LC_MESSAGES -u LANGUAGE \
		"$HOTLINE" help nosuch 2>err && same "$(want en err)" err &&
	expect_code 2 in_env C help nosuch 2>err && same "$(want en err)" err &&
	expect_code 2 env LC_ALL=C LANG=fr_FR.UTF-8 "$HOTLINE" help nosuch 2>err &&
	same "$(want en err)" err &&
	expect_code 2 env LC_ALL=C.UTF-8 LANG=fr_FR.UTF-8 "$HOTLINE" help nosuch 2>err &&
	same "$(want en err)" err
'

test_expect_success 'a language without a catalogue falls back to English' '
	expect_code 2 in_env xx_XX.UTF-8 help nosuch 2>err && same "$(want en err)" err &&
	expect_code 2 "$HOTLINE" --lang xx help nosuch 2>err &&
	sed 1d err >rest && same "$(want en err)" rest &&
	expect_code 2 env HOTLINE_LOCALEDIR=/nonexistent "$HOTLINE" --lang fr help nosuch 2>err &&
	sed 1d err >rest && same "$(want en err)" rest
'

test_expect_success '--lang wins over LANG; LANGUAGE is honoured as gettext does' '
	expect_code 2 in_env ru_RU.UTF-8 --lang zh help nosuch 2>err &&
	same "$(want zh err)" err &&
	expect_code 2 "$HOTLINE" --lang zh-CN help nosuch 2>err && same "$(want zh err)" err &&
	expect_code 2 "$HOTLINE" --lang FR help nosuch 2>err && same "$(want fr err)" err &&
	expect_code 2 env -u LC_ALL LANG=fr_FR.UTF-8 LANGUAGE=ru "$HOTLINE" help nosuch 2>err &&
	same "$(want ru err)" err &&
	expect_code 2 env LC_ALL=C LANGUAGE=ru "$HOTLINE" help nosuch 2>err &&
	same "$(want en err)" err &&
	expect_code 2 env HOTLINE_LOCALEDIR="$HOTLINE_BUILD/locale" LC_ALL=C \
		"$HOTLINE" --lang es help nosuch 2>err && same "$(want es err)" err
'

test_expect_success '--lang refuses what is not a language' '
	expect_code 2 "$HOTLINE" --lang ../../fr help 2>err &&
	grep -q "^hotline: --lang: want a language" err &&
	expect_code 2 "$HOTLINE" --lang "" help 2>err
'

test_expect_success 'structured fields in the operator language; codes in English' '
	printf "hello\n" >msg &&
	"$HOTLINE" --home ru-cert envelope seal --to us-cert/card --precedence flash \
		--out e.env msg &&
	"$HOTLINE" envelope verify --from ru-cert/card e.env 2>en.out &&
	grep -q "^envelope ru-cert -> us-cert, seq 1, flash, notify, .*: signature and body OK$" en.out &&
	"$HOTLINE" --lang ru envelope verify --from ru-cert/card e.env 2>ru.out &&
	grep -q "^конверт ru-cert -> us-cert, номер 1, МОЛНИЯ, уведомление, .*: подпись и тело в порядке$" ru.out &&
	"$HOTLINE" --lang zh envelope verify --from ru-cert/card e.env 2>zh.out &&
	grep -q "^信封 ru-cert -> us-cert，序号 1，特急，通报，.*：签名和正文有效$" zh.out
'

test_expect_success 'setup: a case and a request, carried by batch' '
	new_party eg-cert "$(free_port)" && new_party ua-cert "$(free_port)" && link_pair eg-cert ua-cert &&
	only_daemon eg-cert &&
	"$HOTLINE" --home eg-cert send --to ua-cert --precedence flash --lang en \
		--category malicious-code/c2-server --tlp TLP:AMBER --severity high \
		"C2 seen" >/dev/null 2>&1 &&
	"$HOTLINE" --home eg-cert send --case eg-cert#1 --action take-down --lang en \
		"take it down" >/dev/null 2>&1 &&
	exchange eg-cert ua-cert b1
'

test_expect_success 'case list: headings, states and labels in French, codes as they are' '
	only_daemon ua-cert &&
	"$HOTLINE" --lang fr --home ua-cert case list >list &&
	sed -n 1p list | grep -Eqx "DOSSIER +LIAISON +ÉTAT +OUVERT +PRÉC +GRAVITÉ +TLP +DEM +ACQUITTEMENT +CATÉGORIE" &&
	sed -n 2p list | grep -Eqx "eg-cert#1 +eg-cert +ouvert +[0-9T:-]+Z FLASH +élevée +TLP:AMBER +1/1 +échéance dans 1[45]min +malicious-code/c2-server" &&
	"$HOTLINE" --home ua-cert case list >list &&
	sed -n 1p list | grep -Eqx "CASE +LINK +STATE +OPENED +PREC +SEVERITY +TLP +REQ +ACK +CATEGORY" &&
	sed -n 2p list | grep -Eqx "eg-cert#1 +eg-cert +open +[0-9T:-]+Z flash +high +TLP:AMBER +1/1 +due in 1[45]m +malicious-code/c2-server"
'

test_expect_success 'answer refuses in the operator language' '
	only_daemon ua-cert &&
	expect_code 2 "$HOTLINE" --lang fr --home ua-cert answer eg-cert/2 declined 2>err &&
	same "hotline: une réponse « declined » indique pourquoi : donnez TEXTE" err &&
	expect_code 1 "$HOTLINE" --lang ru --home ua-cert answer eg-cert/1 done "x" 2>err &&
	same "hotline: eg-cert/1 — не запрос (тип: уведомление): отвечают только на запросы" err
'

test_expect_success 'case show in Russian: the category label beside its code' '
	"$HOTLINE" --lang ru --home ua-cert case show eg-cert#1 >show &&
	grep -qx "дело eg-cert#1 (канал eg-cert)" show &&
	grep -qx "  состояние: открыт" show &&
	grep -qx "  категория: Вредоносный код: сервер управления (C2) (malicious-code/c2-server)" show &&
	grep -qx "  действия: ликвидировать инфраструктуру" show
'

test_expect_success 'inbox in Chinese: precedence, type and deadline translated' '
	"$HOTLINE" --lang zh --home ua-cert inbox >inbox &&
	grep -Eq "^编号 +发送时间 +紧急程度 +类型 +案件 +确认$" inbox &&
	grep -Eq "^eg-cert/1 +[0-9T:-]+Z  特急 +通报 +eg-cert#1 +1[45]分钟后到期$" inbox
'

test_expect_success 'the manual pages are translated; what a user types is not' '
	"$HOTLINE" --lang en help send >en.man &&
	head -n 1 en.man | grep -qx NAME &&
	for l in ar es fr ru zh; do
		"$HOTLINE" --lang $l help send >$l.man &&
		! cmp -s en.man $l.man && ! head -n 1 $l.man | grep -qx NAME &&
		grep -q "hotline send --to LINK \[--precedence P\]" $l.man &&
		grep -q -- "--tlp T" $l.man && grep -q "TLP:AMBER+STRICT" $l.man || exit 1
		for c in case answer check init; do
			"$HOTLINE" --lang $l help $c >$l.$c.man || exit 1
			"$HOTLINE" --lang en help $c >en.$c.man || exit 1
			! cmp -s en.$c.man $l.$c.man || exit 1
		done
	done &&
	LANG=C "$HOTLINE" help send >c.man && cmp en.man c.man
'

test_expect_success 'hl_strerror sentences are translated too' '
	expect_code 1 "$HOTLINE" --lang fr --home nowhere link list 2>out &&
	sed "s|$TEST_DIR/||" out >err &&
	same "$(want fr nohome)" err
'

test_expect_success 'Arabic output is valid UTF-8, free of control characters' '
	only_daemon ru-cert &&
	"$HOTLINE" --lang ar help >ar.out &&
	"$HOTLINE" --lang ar --home ru-cert link list >>ar.out &&
	{ "$HOTLINE" --lang ar help nosuch 2>>ar.out || :; } &&
	iconv -f UTF-8 -t UTF-8 ar.out >/dev/null &&
	perl -MEncode -e "local \$/; my \$s = <STDIN>;
		my \$t = Encode::decode(q(UTF-8), \$s, Encode::FB_CROAK);
		exit(\$t =~ /[\\x{0600}-\\x{06FF}]/ && \$t !~ /[\\x00-\\x09\\x0b-\\x1f\\x7f]/ ? 0 : 1)" <ar.out
'

# Unit-style: every catalogue but English's (whose msgids are its text)
# translates every message of the template, with nothing fuzzy.
test_expect_success 'ar, es, fr, ru and zh translate every message, none fuzzy' '
	for l in ar es fr ru zh; do
		po="$SRC_DIR/po/$l.po"
		msgfmt --check --statistics -o /dev/null "$po" >stats 2>&1 || exit 1
		grep -Eqx "[0-9]+ translated messages\." stats ||
			{ echo "$l.po: $(cat stats)"; exit 1; }
		msgcmp "$po" "$SRC_DIR/po/hotline.pot" || exit 1
	done
'

test_expect_success 'every catalogue has the format specifiers of its msgids' '
	for l in $LANGS; do
		msgfmt --check-format -o /dev/null "$SRC_DIR/po/$l.po" || exit 1
	done
'

test_done
