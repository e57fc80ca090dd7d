/* cmd_watch.c - hotline watch: live changes, from GET /v1/events. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "cli.h"
#include "evstream.h"
#include "i18n.h"
#include "text.h"

#define LINE_MAX_BYTES 65536	/* a longer line is not one hotlined sends */
#define RETRY_S 3		/* as the stream's "retry:" asks */
#define SILENCE_S 45		/* three heartbeats missed: the line is dead */

const char watch_help[] =
	N_("NAME\n"
	"    hotline watch - print live changes as they happen\n\n"
	"SYNOPSIS\n"
	"    hotline watch [--json]\n\n"
	"DESCRIPTION\n"
	"    Prints one line for each change as hotlined makes it, until\n"
	"    interrupted (Ctrl-C): a message arrived from a peer, one of ours\n"
	"    was committed, an acknowledgment was sent or received, a peer\n"
	"    receipted our messages, a deadline passed, an escalation step ran,\n"
	"    new agreed terms came into force, a link was suspended or resumed,\n"
	"    a new case was held while a link is suspended or sent after.\n"
	"    When hotlined restarts, watch reconnects and resumes after the\n"
	"    last change it printed; when changes were missed meanwhile, a line\n"
	"    says so (list again with inbox, outbox or status).\n"
	"    Needs hotlined running: it reads GET /v1/events of the operator\n"
	"    API (docs/api.md) as an operator with the right to read.\n\n"
	"    --json  prints each change as one JSON object a line:\n"
	"            {\"id\": ID, \"event\": TYPE, \"data\": {...}}\n"
	"            (docs/cli-json.md; the types in docs/api.md).\n\n"
	"EXIT STATUS\n"
	"    1 when hotlined is not running or refuses the stream; 2 for a\n"
	"    usage error.  Otherwise it runs until interrupted.\n");

struct watch {
	CURL *h;
	bool json;
	bool opened;		/* a 200 came: the stream is open */
	long status;
	struct hl_evstream ev;
	struct hl_buf refusal;
	char last_id[HL_EVSTREAM_FIELD_MAX + 1];	/* for Last-Event-ID */
};

static const char *str(json_t *d, const char *key)
{
	const char *s = json_string_value(json_object_get(d, key));

	return s ? s : "?";
}

/* What was due, for a deadline line. */
static void print_deadline(json_t *d)
{
	const char *due = str(d, "due");
	char when[HL_TIME_LEN + 1];

	hl_time_format((int64_t)json_integer_value(json_object_get(d, "deadline")), when);
	if (strcmp(due, "receipt") == 0)
		printf(_("%s: the peer's receipt is overdue (due %s)"), str(d, "message"), when);
	else if (strcmp(due, "peer-ack") == 0)
		printf(_("%s: the peer's acknowledgment is overdue (due %s)"), str(d, "message"),
		       when);
	else
		printf(_("%s: our acknowledgment is overdue (due %s)"), str(d, "message"), when);
}

/* A link suspended, resumed, or a message held or released. */
static void print_suspension(json_t *d)
{
	const char *action = str(d, "action");

	if (strcmp(action, "suspended") == 0)
		printf(_("%s: suspended by %s"), str(d, "link"), str(d, "by"));
	else if (strcmp(action, "resumed") == 0)
		printf(_("%s: resumed by %s"), str(d, "link"), str(d, "by"));
	else if (strcmp(action, "held") == 0)
		printf(_("%s: held until the link is resumed"), str(d, "message"));
	else
		printf(_("%s: %lld held message(s) sent"), str(d, "link"),
		       (long long)json_integer_value(json_object_get(d, "count")));
}

/* One change as a line for a person, in the operator's language. */
static void print_human(const char *type, json_t *d)
{
	char when[HL_TIME_LEN + 1];
	const char *prec = cli_field(HL_VOCAB_PRECEDENCE, str(d, "precedence"));
	const char *kind = cli_field(HL_VOCAB_KIND, str(d, "kind"));
	bool ours = strcmp(str(d, "side"), "sent") == 0;

	/* Events of the link's state carry no time of their own: now. */
	hl_time_format(json_object_get(d, "time") ?
		       (int64_t)json_integer_value(json_object_get(d, "time")) :
		       (int64_t)time(NULL), when);
	printf("%s  ", when);
	if (strcmp(type, "message") == 0)
		printf(_("%s arrived: %s %s"), str(d, "message"), prec, kind);
	else if (strcmp(type, "sent") == 0)
		printf(_("%s sent: %s %s"), str(d, "message"), prec, kind);
	else if (strcmp(type, "ack") == 0)
		printf(ours ? _("%s: our acknowledgment is sent (%s)") :
		       _("%s: the peer's acknowledgment arrived (%s)"), str(d, "message"), prec);
	else if (strcmp(type, "receipt") == 0)
		printf(_("%s receipted our messages up to %lld"), str(d, "link"),
		       (long long)json_integer_value(json_object_get(d, "size")));
	else if (strcmp(type, "deadline") == 0)
		print_deadline(d);
	else if (strcmp(type, "escalation") == 0)
		printf(_("%s: %s, step %lld (%s): %s %s"), str(d, "message"), str(d, "event"),
		       (long long)json_integer_value(json_object_get(d, "step")),
		       str(d, "step_name"), str(d, "status"), str(d, "outcome"));
	else if (strcmp(type, "terms") == 0) {
		hl_time_format((int64_t)json_integer_value(json_object_get(d, "since")), when);
		printf(_("%s: the agreed terms' version %lld is in force since %s"), str(d, "link"),
		       (long long)json_integer_value(json_object_get(d, "version")), when);
	} else if (strcmp(type, "suspension") == 0) {
		print_suspension(d);
	} else if (strcmp(type, "missed") == 0)
		fputs(_("changes were missed: list again (inbox, outbox, status)"), stdout);
	else
		printf("%s", type);
	putchar('\n');
}

/* One event of the stream: printed as it comes. */
static void on_event(void *ctx, const struct hl_evstream_event *ev)
{
	struct watch *w = ctx;
	json_t *d = json_loadb(ev->data, ev->len, 0, NULL);

	memcpy(w->last_id, ev->id, sizeof(w->last_id));
	if (json_is_object(d)) {
		if (w->json)
			cli_json_print(json_pack("{s:I, s:s, s:O}", "id",
						 (json_int_t)strtoull(ev->id, NULL, 10),
						 "event", ev->type, "data", d));
		else
			print_human(ev->type, d);
		fflush(stdout);
	}
	json_decref(d);
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct watch *w = ctx;

	n *= size;
	if (!w->status)
		curl_easy_getinfo(w->h, CURLINFO_RESPONSE_CODE, &w->status);
	if (w->status != 200)
		return hl_buf_append(&w->refusal, p, n) < 0 ? 0 : n;
	if (!w->opened) {
		w->opened = true;
		fprintf(stderr, _("watching; interrupt to stop\n"));
	}
	if (hl_evstream_feed(&w->ev, p, n) < 0)
		return 0;		/* not a stream hotlined sends: end it */
	return n;
}

/* One connection, until the stream ends; 0, or -ECONNREFUSED. */
static int stream(struct watch *w, const char *sock)
{
	char hdr[96];
	struct curl_slist *hs = NULL;
	CURLcode rc;

	w->h = curl_easy_init();
	if (!w->h)
		return -ENOMEM;
	w->status = 0;
	w->refusal.len = 0;
	hl_evstream_free(&w->ev);
	hl_evstream_init(&w->ev, LINE_MAX_BYTES, on_event, w);
	if (w->last_id[0]) {
		snprintf(hdr, sizeof(hdr), "Last-Event-ID: %s", w->last_id);
		hs = curl_slist_append(NULL, hdr);
	}
	curl_easy_setopt(w->h, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(w->h, CURLOPT_URL, "http://hotlined/v1/events");
	curl_easy_setopt(w->h, CURLOPT_HTTPHEADER, hs);
	curl_easy_setopt(w->h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(w->h, CURLOPT_WRITEDATA, w);
	curl_easy_setopt(w->h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(w->h, CURLOPT_LOW_SPEED_TIME, (long)SILENCE_S);
	curl_easy_setopt(w->h, CURLOPT_NOSIGNAL, 1L);
	rc = curl_easy_perform(w->h);
	curl_easy_cleanup(w->h);
	curl_slist_free_all(hs);
	return rc == CURLE_COULDNT_CONNECT ? -ECONNREFUSED : 0;
}

/* A refusal of the stream itself (the right to read, the cap). */
static void refused(struct watch *w)
{
	json_t *j = json_loadb((const char *)w->refusal.data, w->refusal.len, 0, NULL);

	if (j)
		cli_print_refusal(j);
	else
		cli_err(_("hotlined's operator API gave no answer: %s"), _("not JSON"));
	json_decref(j);
}

static int run(struct watch *w, const struct hl_party *p)
{
	char sock[PATH_MAX];
	int r = hl_party_path(p->home, HL_PARTY_SOCKET, sock, sizeof(sock));

	if (r < 0)
		return CLI_FAIL;
	for (;;) {
		w->status = 0;
		r = access(sock, F_OK) < 0 ? -ECONNREFUSED : stream(w, sock);
		if (!w->opened && r == -ECONNREFUSED) {
			cli_err(_("hotlined is not running for %s: nothing was done; start it "
				  "('hotlined --home %s')"), p->home, p->home);
			return CLI_FAIL;
		}
		if (w->status && w->status != 200) {
			refused(w);
			return CLI_FAIL;
		}
		/* Said once when an open stream ends, not at each try after. */
		if (w->status == 200)
			cli_err(_("the stream of changes ended; trying again every %d s"), RETRY_S);
		sleep(RETRY_S);
	}
}

int watch_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct watch w = {0};
	struct hl_party *p;
	int r;

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c != 'j')
			return cli_usage("watch", "watch [--json]");
		w.json = true;
	}
	if (optind != argc)
		return cli_usage("watch", "watch [--json]");
	p = cli_party(HL_PARTY_PUBLIC);
	if (!p)
		return CLI_FAIL;
	hl_evstream_init(&w.ev, LINE_MAX_BYTES, on_event, &w);
	hl_buf_init(&w.refusal, LINE_MAX_BYTES);
	r = run(&w, p);
	hl_evstream_free(&w.ev);
	hl_buf_free(&w.refusal);
	hl_party_free(p);
	return r;
}
