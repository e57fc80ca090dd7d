#!/bin/sh
# Each action through the operator API on the unix socket, as any client
# sees it: the JSON it answers, and the refusals of bad input.
. "$(dirname "$0")/test-lib.sh"
. "$(dirname "$0")/lib-transcript.sh"

command -v curl >/dev/null 2>&1 || { echo "1..0 # SKIP curl is not installed"; exit 0; }

new_party eg-cert "$(free_port)"
new_party ru-cert "$(free_port)"
link_pair eg-cert ru-cert

# api WHO PATH BODY : POSTs BODY to WHO's operator API; the reply's body
# in reply, its status in code.
api() {
	curl -s --unix-socket "$TEST_DIR/$1/hotlined.sock" -X POST -o reply \
		-w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "$3" "http://hotlined$2" >code
}

# is CODE PERL : the status is CODE and PERL, with $j the reply, holds.
is() {
	test "$(cat code)" = "$1" &&
	perl -MJSON::PP -e 'local $/; open(my $f, "<:raw", "reply") or die;
		my $j = JSON::PP->new->utf8->decode(<$f>);
		exit !(ref $j eq "HASH" && eval $ARGV[0])' "$2" ||
	{ echo "want $1 and $2, got $(cat code):"; cat reply; echo; return 1; }
}

# refused CODE : a JSON error of that status, with its format.
refused() {
	is "$1" "\$j->{status} == $1 && length \$j->{error} && length \$j->{format}"
}

test_expect_success 'both daemons start' '
	start_daemon eg-cert && start_daemon ru-cert
'

test_expect_success 'send: a notification opens a case' '
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"C2 seen\",\"lang\":\"en\",
		\"precedence\":\"flash\",\"category\":\"malicious-code/c2-server\"}" &&
	is 200 "\$j->{link} eq q(ru-cert) && \$j->{seq} == 1 && \$j->{id} eq q(ru-cert/out/1) &&
		\$j->{precedence} eq q(flash) && \$j->{kind} eq q(notify) &&
		\$j->{case} eq q(eg-cert#1)"
'

test_expect_success 'send with case and actions: a request of the case' '
	api eg-cert /v1/send "{\"case\":\"eg-cert#1\",\"actions\":[\"take-down\",\"block\"],
		\"text\":\"take it down\",\"lang\":\"en\"}" &&
	is 200 "\$j->{id} eq q(ru-cert/out/2) && \$j->{kind} eq q(request) &&
		\$j->{precedence} eq q(routine) && \$j->{case} eq q(eg-cert#1)" &&
	api eg-cert /v1/send "{\"case\":\"eg-cert#1\",\"severity\":\"high\",\"text\":\"more\"}" &&
	is 200 "\$j->{id} eq q(ru-cert/out/3) && \$j->{kind} eq q(update)" &&
	wait_for 30 sh -c "test \"\$(\"$HOTLINE\" --home ru-cert link show eg-cert |
		sed -n \"s/^received: *\\([0-9]*\\),.*/\\1/p\")\" = 3"
'

test_expect_success 'ack: once; a second answers with the first' '
	api ru-cert /v1/ack "{\"id\":\"eg-cert/1\",\"text\":\"read\",\"lang\":\"en\"}" &&
	is 200 "\$j->{id} eq q(eg-cert/out/1) && \$j->{kind} eq q(ack) &&
		\$j->{acked} eq q(eg-cert/1) && \$j->{precedence} eq q(flash) &&
		\$j->{case} eq q(eg-cert#1) && !\$j->{already}" &&
	api ru-cert /v1/ack "{\"id\":\"eg-cert/1\"}" &&
	is 200 "\$j->{already} && \$j->{id} eq q(eg-cert/out/1) && \$j->{at} > 0"
'

test_expect_success 'answer: done needs a text; then it is the answer' '
	api ru-cert /v1/answer "{\"id\":\"eg-cert/2\",\"answer\":\"done\"}" &&
	refused 400 &&
	api ru-cert /v1/answer "{\"id\":\"eg-cert/2\",\"answer\":\"maybe\",\"text\":\"x\"}" &&
	refused 400 &&
	api ru-cert /v1/answer "{\"id\":\"eg-cert/1\",\"answer\":\"done\",\"text\":\"x\"}" &&
	refused 409 &&
	api ru-cert /v1/answer "{\"id\":\"eg-cert/2\",\"answer\":\"done\",\"text\":\"taken down\"}" &&
	is 200 "\$j->{id} eq q(eg-cert/out/2) && \$j->{kind} eq q(answer) &&
		\$j->{answer} eq q(done) && \$j->{answered} eq q(eg-cert/2) &&
		\$j->{case} eq q(eg-cert#1)" &&
	api ru-cert /v1/answer "{\"id\":\"eg-cert/2\",\"answer\":\"accepted\"}" &&
	refused 409
'

test_expect_success 'correct and retract: only our own messages' '
	api eg-cert /v1/correct "{\"id\":\"ru-cert/out/1\",\"text\":\"two C2\",\"severity\":\"critical\"}" &&
	is 200 "\$j->{kind} eq q(correct) && \$j->{corrected} eq q(ru-cert/out/1) &&
		\$j->{precedence} eq q(flash) && \$j->{case} eq q(eg-cert#1)" &&
	api eg-cert /v1/retract "{\"id\":\"ru-cert/out/3\",\"text\":\"wrong\"}" &&
	is 200 "\$j->{kind} eq q(retract) && \$j->{retracted} eq q(ru-cert/out/3)" &&
	api eg-cert /v1/retract "{\"id\":\"ru-cert/1\",\"text\":\"theirs\"}" &&
	refused 422 &&
	api eg-cert /v1/correct "{\"id\":\"ru-cert/out/1\"}" &&
	refused 400
'

test_expect_success 'check run: a check at IMMEDIATE' '
	api eg-cert /v1/check/run "{\"link\":\"ru-cert\"}" &&
	is 200 "\$j->{kind} eq q(check) && \$j->{precedence} eq q(immediate) &&
		!exists \$j->{case}" &&
	api eg-cert /v1/check/run "{\"link\":\"nobody\"}" &&
	refused 404
'

test_expect_success 'case close: once' '
	api eg-cert /v1/case/close "{\"case\":\"eg-cert#1\",\"text\":\"resolved\"}" &&
	is 200 "\$j->{kind} eq q(close) && \$j->{case} eq q(eg-cert#1)" &&
	api eg-cert /v1/case/close "{\"case\":\"eg-cert#1\"}" &&
	refused 409 &&
	api eg-cert /v1/send "{\"case\":\"eg-cert#1\",\"text\":\"late\"}" &&
	refused 409
'

test_expect_success 'bad input: each refused with its status; nothing sent' '
	before=$(show_field eg-cert ru-cert sent) &&
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"kind\":\"ack\"}" &&
	refused 400 &&
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"kind\":\"update\"}" &&
	refused 400 &&
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"actions\":\"block\"}" &&
	refused 400 &&
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"lang\":\"en_US\"}" &&
	refused 400 &&
	api eg-cert /v1/send "{\"to\":\"ru-cert\",\"text\":\"x\",\"stix\":{\"type\":\"bundle\"}}" &&
	refused 422 &&
	api eg-cert /v1/ack "{\"id\":\"ru-cert/out/1\"}" &&
	refused 400 &&
	api eg-cert /v1/ack "{\"id\":\"ru-cert/1\"}" &&
	refused 409 &&
	api eg-cert /v1/ack "{\"id\":\"ru-cert/1\",\"note\":\"x\"}" &&
	refused 400 &&
	api eg-cert /v1/ack "{\"id\":" && is 400 "\$j->{status} == 400" &&
	test "$(show_field eg-cert ru-cert sent)" = "$before"
'

test_expect_success 'the daemons stop cleanly' '
	stop_daemon eg-cert && stop_daemon ru-cert
'

test_done
