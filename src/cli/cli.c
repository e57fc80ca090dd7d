/* cli.c - helpers shared by the hotline subcommands. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli.h"
#include "content.h"
#include "keys.h"
#include "index.h"
#include "error.h"
#include "file.h"
#include "i18n.h"
#include "stix.h"
#include "text.h"

const char *cli_home;

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("hotline: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage(const char *cmd, const char *synopsis)
{
	fprintf(stderr, _("usage: hotline %s\nTry 'hotline help %s'.\n"), synopsis, cmd);
	return CLI_USAGE;
}

struct hl_party *cli_party(int flags)
{
	struct hl_party *p = NULL;
	char home[PATH_MAX], why[PATH_MAX + 64] = "";
	int r = hl_home_resolve(cli_home, home, sizeof(home));

	if (r < 0) {
		cli_err(_("no home folder: give --home DIR or set HOTLINE_HOME"));
		return NULL;
	}
	r = hl_party_open(home, flags, &p, why, sizeof(why));
	if (r == -HL_ENOPARTY)
		cli_err("%s: %s", home, cli_strerror(r));
	else if (r == -HL_ECONFIG)
		cli_err("%s/%s", home, why);
	else if (r < 0)
		cli_err("%s/%s: %s", home, why, cli_strerror(r));
	return p;
}

int cli_read(const char *path, size_t max, struct hl_buf *out)
{
	bool in = !path || strcmp(path, "-") == 0;
	int r;

	hl_buf_init(out, max);
	r = in ? hl_fd_read(STDIN_FILENO, out) : hl_file_read(path, out);
	if (r < 0) {
		cli_err("%s: %s", in ? _("standard input") : path,
			r == -HL_ETOOBIG ? _("too large") : cli_strerror(r));
		hl_buf_free(out);
	}
	return r;
}

int cli_card(const char *path, struct hl_card *card, struct hl_buf *text)
{
	int r = cli_read(path, HL_CARD_MAX, text);

	if (r < 0)
		return r;
	r = hl_card_parse(text->data, text->len, card);
	if (r < 0) {
		cli_err(_("%s: not a valid card: %s"), path ? path : _("standard input"),
			cli_strerror(r));
		hl_buf_free(text);
	}
	return r;
}

int cli_write(const char *path, const void *p, size_t n)
{
	int r;

	if (!path || strcmp(path, "-") == 0) {
		r = hl_write_all(STDOUT_FILENO, p, n);
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd < 0) {
			r = -errno;
		} else {
			r = hl_write_all(fd, p, n);
			if (close(fd) < 0 && r == 0)
				r = -errno;
		}
	}
	if (r < 0)
		cli_err("%s: %s", path ? path : _("standard output"), cli_strerror(r));
	return r;
}

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	size_t k = p[0] < 0x80 ? 1 : (p[0] & 0xe0) == 0xc0 ? 2 :
		   (p[0] & 0xf0) == 0xe0 ? 3 : (p[0] & 0xf8) == 0xf0 ? 4 : 0;

	return k && k <= n && hl_utf8_valid(p, k) ? k : 0;
}

void cli_print_text(const unsigned char *p, size_t n)
{
	if (!isatty(STDOUT_FILENO)) {
		fwrite(p, 1, n, stdout);
		return;
	}
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		bool ctl = k == 1 && ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') ||
				      p[i] == 0x7f);

		/* C1 controls (U+0080..U+009F) are escape sequences too. */
		if (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			ctl = true;
		if (k == 0 || ctl) {
			printf("\\x%02x", p[i]);
			i++;
			continue;
		}
		fwrite(p + i, 1, k, stdout);
		i += k;
	}
}

int64_t cli_now(void)
{
	return (int64_t)time(NULL);
}

struct hl_store *cli_store_open(const struct hl_party *p)
{
	char path[PATH_MAX], err[256] = "";
	struct hl_store *st = NULL;
	int r = hl_party_store(p->home, &p->conf, path, sizeof(path));

	if (r == 0)
		r = hl_store_open(path, &st, err, sizeof(err));
	if (r < 0)
		cli_err("%s: %s%s%s", path, cli_strerror(r), err[0] ? ": " : "", err);
	return st;
}

struct hl_store *cli_store(const struct hl_party *p)
{
	struct hl_store *st = cli_store_open(p);
	struct hl_config c = p->conf;
	char why[PATH_MAX + 256];

	if (st && hl_party_links_check(&c, st, why, sizeof(why)) < 0) {
		cli_err("%s/%s", p->home, why);
		hl_store_close(st);
		st = NULL;
	}
	/* Our era 0 on each link (keys.h), before a log is read; a store
	 * we may only read loads it from the card file all the same. */
	if (st)
		(void)hl_store_own_eras(st, &p->card_text);
	return st;
}

void cli_store_err(struct hl_store *st, const char *what, int err)
{
	if (err == -HL_ESTORE)
		cli_err("%s: %s: %s", what, cli_strerror(err), hl_store_errmsg(st));
	else
		cli_err("%s: %s", what, cli_strerror(err));
}

int cli_link(struct hl_store *st, const char *name, struct hl_link *l)
{
	int r = hl_store_link_get(st, name, l);

	if (r < 0)
		cli_store_err(st, name, r);
	return r;
}

static size_t api_data(char *p, size_t size, size_t n, void *ctx)
{
	return hl_buf_append(ctx, p, size * n) < 0 ? 0 : size * n;
}

/* path with args as its query string, each value escaped. */
static int query_url(CURL *h, const char *path, json_t *args, char **out)
{
	struct hl_buf u;
	const char *key;
	json_t *v;
	char sep = '?';
	int r;

	hl_buf_init(&u, 65536);
	r = hl_buf_append(&u, "http://hotlined", 15);
	if (r == 0)
		r = hl_buf_append(&u, path, strlen(path));
	json_object_foreach(args, key, v) {
		char num[32], *k, *val;
		const char *s = json_is_string(v) ? json_string_value(v) : num;

		if (json_is_integer(v))
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		else if (!json_is_string(v))
			snprintf(num, sizeof(num), "%s", json_is_true(v) ? "1" : "0");
		k = curl_easy_escape(h, key, 0);
		val = curl_easy_escape(h, s, 0);
		if (r == 0 && k && val) {
			r = hl_buf_append(&u, &sep, 1);
			r = r ? r : hl_buf_append(&u, k, strlen(k));
			r = r ? r : hl_buf_append(&u, "=", 1);
			r = r ? r : hl_buf_append(&u, val, strlen(val));
		} else if (r == 0) {
			r = -ENOMEM;
		}
		curl_free(k);
		curl_free(val);
		sep = '&';
	}
	if (r == 0)
		r = hl_buf_append(&u, "", 1);
	*out = r == 0 ? (char *)u.data : NULL;
	if (r < 0)
		hl_buf_free(&u);
	return r;
}

/* Sends one request; *status gets the HTTP status, out the body. */
static int call_once(const char *sock, const char *method, const char *path,
		     json_t *args, long *status, struct hl_buf *out)
{
	struct curl_slist *hdr = NULL;
	char *url = NULL, *body = NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;
	CURL *h = curl_easy_init();
	bool get = strcmp(method, "GET") == 0;
	int r = h ? 0 : -ENOMEM;

	if (r == 0 && get)
		r = query_url(h, path, args, &url);
	else if (r == 0 && (url = malloc(strlen(path) + 16)))
		snprintf(url, strlen(path) + 16, "http://hotlined%s", path);
	if (r == 0 && !get && args)
		body = json_dumps(args, JSON_COMPACT);
	if (r == 0 && url && (get || !args || body)) {
		hdr = curl_slist_append(NULL, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sock);
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
		if (!get) {
			curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
			curl_easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : "");
		}
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, api_data);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(h);
		if (rc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	}
	curl_slist_free_all(hdr);
	curl_easy_cleanup(h);
	free(url);
	free(body);
	if (r < 0)
		return r;
	if (rc == CURLE_COULDNT_CONNECT)
		return -ECONNREFUSED;
	return rc == CURLE_OK ? 0 : rc == CURLE_OUT_OF_MEMORY ? -ENOMEM : -EIO;
}

/* Appends to out the i-th argument, itself translated where it is a
 * message of the catalogues (an error's words). */
static void put_arg(struct hl_buf *out, json_t *args, size_t i)
{
	const char *a = json_string_value(json_array_get(args, i));

	if (a) {
		a = _(a);
		hl_buf_append(out, a, strlen(a));
	}
}

/* The desk's refusal in the operator's language: its format, from the
 * catalogues, with the arguments it kept as text put where the
 * translation's conversions are (%s, %llu, ..., or %2$s). */
void cli_print_refusal(json_t *j)
{
	const char *fmt = json_string_value(json_object_get(j, "format"));
	const char *why = json_string_value(json_object_get(j, "error"));
	json_t *args = json_object_get(j, "args");
	struct hl_buf out;
	size_t next = 0;

	if (!fmt || !json_is_array(args)) {
		cli_err("%s", why ? why : _("refused"));
		return;
	}
	hl_buf_init(&out, 4096);
	for (const char *p = _(fmt); *p; p++) {
		size_t pos;

		if (*p != '%') {
			hl_buf_append(&out, p, 1);
			continue;
		}
		if (*++p == '%') {
			hl_buf_append(&out, "%", 1);
			continue;
		}
		pos = next++;
		if (*p >= '1' && *p <= '9' && p[1] == '$') {
			pos = (size_t)(*p - '1');
			p += 2;
		}
		p += strspn(p, "hlzjt");	/* the length; then the conversion */
		if (!*p)
			break;
		put_arg(&out, args, pos);
	}
	hl_buf_append(&out, "", 1);
	cli_err("%s", out.data ? (const char *)out.data : why);
	hl_buf_free(&out);
}

int cli_call(const struct hl_party *p, const char *method, const char *path,
	     json_t *args, json_t **reply)
{
	char sock[PATH_MAX];
	struct hl_buf out;
	long status = 0;
	json_t *j = NULL;
	int r = hl_party_path(p->home, HL_PARTY_SOCKET, sock, sizeof(sock));

	*reply = NULL;
	hl_buf_init(&out, 256u << 20);
	if (r == 0 && access(sock, F_OK) < 0)
		r = -ECONNREFUSED;
	if (r == 0)
		r = call_once(sock, method, path, args, &status, &out);
	if (r == 0)
		j = json_loadb((const char *)out.data, out.len, 0, NULL);
	hl_buf_free(&out);
	if (r == -ECONNREFUSED) {
		cli_err(_("hotlined is not running for %s: nothing was done; start it "
			  "('hotlined --home %s')"), p->home, p->home);
		return r;
	}
	if (r < 0 || !j) {
		cli_err(_("hotlined's operator API gave no answer: %s"),
			r < 0 ? cli_strerror(r) : _("not JSON"));
		json_decref(j);
		return r < 0 ? r : -EPROTO;
	}
	if (status != 200) {
		cli_print_refusal(j);
		json_decref(j);
		return (int)status;
	}
	*reply = j;
	return 0;
}

json_t *cli_route(const char *method, const char *path, json_t *args)
{
	struct hl_party *p = cli_party(HL_PARTY_PUBLIC);
	json_t *reply = NULL;

	if (p)
		cli_call(p, method, path, args, &reply);
	hl_party_free(p);
	json_decref(args);
	return reply;
}

int cli_reply(json_t *r, bool json, void (*print)(json_t *))
{
	if (!r)
		return CLI_FAIL;
	if (json)
		return cli_json_print(r) < 0 ? CLI_FAIL : CLI_OK;
	print(r);
	json_decref(r);
	return CLI_OK;
}

const char *cli_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

void cli_when(const json_t *o, const char *key, char out[HL_TIME_LEN + 1])
{
	json_t *t = json_object_get(o, key);

	if (!json_is_integer(t) || !hl_time_format((int64_t)json_integer_value(t), out))
		snprintf(out, HL_TIME_LEN + 1, "-");
}

static void print_text(const char *label, const struct hl_text *t)
{
	/* TRANSLATORS: a label ("summary", "text") and the language tag of
	 * the free text below it, which is shown as sent. */
	printf(_("%s [%s]:\n"), label, t->lang);
	cli_print_text((const unsigned char *)t->text, t->len);
	if (t->len && t->text[t->len - 1] != '\n')
		putchar('\n');
}

static void print_ref(const char *label, const struct hl_ref *r)
{
	printf("%s %s#%llu\n", label, r->from, (unsigned long long)r->seq);
}

static void print_code(const char *label, enum hl_vocab v, const char *code)
{
	if (code)
		printf("%s %s\n", label, cli_label(v, code));
}

const char *cli_role_label(const char *role)
{
	static const char *const labels[][2] = {
		{"duty", N_("duty officer")}, {"supervisor", N_("supervisor")},
		{"auditor", N_("auditor")}, {"admin", N_("admin")},
	};

	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(role, labels[i][0]) == 0)
			return _(labels[i][1]);
	return role;
}

void cli_print_by(const char *indent, const char *name, const char *role)
{
	if (!name[0])
		return;
	/* TRANSLATORS: who made a message: an operator's name and the
	 * role they acted in ("by ana (duty officer)"). */
	printf("%s", indent);
	printf(_("by %s (%s)\n"), name, cli_role_label(role));
}

/* A group message's id; an open group's name and members
 * (protocol.md 8.16). */
static void print_group(const struct hl_content *c)
{
	if (!c->has_group)
		return;
	printf("%s %s", _("group:     "), c->group.id);
	if (c->group.open) {
		printf(" %s:", c->group.name);
		for (size_t i = 0; i < c->group.nmembers; i++)
			printf(" %s", c->group.members[i]);
	}
	putchar('\n');
}

/* The structured fields, each code shown in the reader's language. */
static void print_fields(const struct hl_content *c)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_ACTION, &n);

	cli_print_by("", c->op_name, c->op_role);
	print_group(c);
	if (c->has_case)
		print_ref(_("case:      "), &c->case_ref);
	if (c->has_ref)
		print_ref(_("about:     "), &c->ref);
	print_code(_("category:  "), HL_VOCAB_CATEGORY, c->category);
	print_code("TLP:       ", HL_VOCAB_TLP, c->tlp);
	print_code(_("severity:  "), HL_VOCAB_SEVERITY, c->severity);
	print_code(_("answer:    "), HL_VOCAB_ANSWER, c->answer);
	for (size_t i = 0; i < n; i++)
		if (c->actions & (1u << i))
			print_code(_("action:    "), HL_VOCAB_ACTION, all[i].code);
	if (c->stix)
		printf("%s %s\n", _("STIX:      "), hl_stix_check(c->stix, NULL) == 0 ?
		       _("a valid STIX 2.1 bundle ('hotline export --stix CASE')") :
		       _("a bundle that is not valid STIX 2.1"));
}

void cli_print_content(const unsigned char *p, size_t n)
{
	struct hl_content c;

	if (hl_content_parse(p, n, &c) < 0) {
		printf(_("content (not hotline JSON, shown as sent):\n"));
		cli_print_text(p, n);
		if (n && p[n - 1] != '\n')
			putchar('\n');
		return;
	}
	print_fields(&c);
	if (c.has_summary)
		print_text(_("summary"), &c.summary);
	print_text(_("text"), &c.text);
	hl_content_free(&c);
}

void cli_locale_lang(char out[HL_LANG_MAX + 1])
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	const char *v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < 3 && (!v || !*v); i++)
		v = getenv(vars[i]);
	if (v) {
		n = strcspn(v, ".@");
		if (n > HL_LANG_MAX)
			n = 0;
	}
	memcpy(out, v ? v : "", n);
	out[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '_')
			out[i] = '-';
	if (!hl_lang_valid(out, n) || strcmp(out, "C") == 0 || strcmp(out, "POSIX") == 0)
		memcpy(out, "und", 4);
}

bool cli_opt_seq(const char *arg, uint64_t *seq)
{
	if (hl_parse_u64(arg, strlen(arg), INT64_MAX, seq) == 0 && *seq > 0)
		return true;
	cli_err(_("--seq: want a number from 1"));
	return false;
}

int cli_opt_listing(int argc, char **argv, const char *cmd, const char *syn,
		    const char **link, bool *json)
{
	static const struct option opts[] = {
		{"link", required_argument, NULL, 'l'},
		{"home", required_argument, NULL, 'H'},
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'j')
			*json = true;
		else if (c == 'l' && link)
			*link = optarg;
		else if (c == 'H')
			cli_home = optarg;
		else
			return cli_usage(cmd, syn);
	}
	return CLI_OK;
}

bool cli_opt_precedence(const char *arg, enum hl_precedence *p)
{
	if (hl_precedence_parse(arg, p) == 0)
		return true;
	cli_err(_("--precedence: want flash, immediate, priority or routine"));
	return false;
}

struct index_ctx {
	struct hl_store *st;
	const struct hl_party *p;
};

static int index_link(void *ctx, const struct hl_link *l)
{
	const struct index_ctx *c = ctx;
	uint64_t added = 0;

	return hl_index_update(c->st, c->p, l, &added);
}

int cli_index(struct hl_store *st, const struct hl_party *p)
{
	struct index_ctx ctx = {st, p};
	int r = hl_store_link_each(st, index_link, &ctx);

	if (r < 0)
		cli_store_err(st, _("indexing new messages"), r);
	return r;
}

/* 45s, 12m, 1h05m, 3d02h, in the operator's units. */
static void span(int64_t s, char *out, size_t cap)
{
	if (s < 60)
		/* TRANSLATORS: spans of time, compact: 45s, 12m, 1h05m,
		 * 3d02h (seconds, minutes, hours and minutes, days and
		 * hours). */
		snprintf(out, cap, _("%llds"), (long long)s);
	else if (s < 3600)
		snprintf(out, cap, _("%lldm"), (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, cap, _("%lldh%02lldm"), (long long)(s / 3600), (long long)(s / 60 % 60));
	else
		snprintf(out, cap, _("%lldd%02lldh"), (long long)(s / 86400), (long long)(s / 3600 % 24));
}

void cli_span(int64_t s, char *out, size_t cap)
{
	span(s, out, cap);
}

bool cli_ack_text(const struct cli_ack *a, int64_t sent, int64_t now, char *out, size_t cap)
{
	char d[64];

	if (a->state == CLI_ACK_NONE) {
		snprintf(out, cap, "-");
	} else if (a->state == CLI_ACK_DONE) {
		span(a->at > sent ? a->at - sent : 0, d, sizeof(d));
		/* TRANSLATORS: acknowledged this long after the message came. */
		snprintf(out, cap, _("acked +%s"), d);
	} else if (a->state == CLI_ACK_DUE) {
		span(a->due - now, d, sizeof(d));
		snprintf(out, cap, _("due in %s"), d);
	} else {
		span(now - a->due, d, sizeof(d));
		/* TRANSLATORS: past the acknowledgment deadline by this long;
		 * in capitals where the script has them. */
		snprintf(out, cap, _("OVERDUE %s"), d);
	}
	return a->state == CLI_ACK_OVERDUE;
}

json_t *cli_ack_json(const struct cli_ack *a)
{
	static const char *const name[] = {"none", "acked", "due", "overdue"};
	json_t *j = json_pack("{s:s}", "state", name[a->state]);

	if (a->state != CLI_ACK_NONE)
		json_object_set_new(j, "due", json_integer(a->due));
	if (a->state == CLI_ACK_DONE)
		json_object_set_new(j, "at", json_integer(a->at));
	return j;
}

int cli_json_print(json_t *j)
{
	char *s = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int r = s ? 0 : -ENOMEM;

	json_decref(j);
	if (s) {
		puts(s);
		free(s);
	} else {
		cli_err("%s", cli_strerror(r));
	}
	return r;
}

json_t *cli_json_time(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

int cli_list(const struct hl_party *p, const char *path, json_t *args,
	     int (*fn)(void *ctx, json_t *item), void *ctx)
{
	json_t *a = args ? json_deep_copy(args) : json_object();
	int r = a ? 0 : -ENOMEM;

	/* Every page, each after the cursor the one before gave: a message
	 * that arrives meanwhile neither repeats nor hides another. */
	while (r == 0) {
		json_t *reply = NULL, *item;
		const char *next;
		size_t i;

		json_object_set_new(a, "limit", json_integer(1000));
		r = cli_call(p, "GET", path, a, &reply);
		if (r != 0)
			break;
		json_array_foreach(json_object_get(reply, "items"), i, item) {
			r = fn(ctx, item);
			if (r != 0)
				break;
		}
		next = json_string_value(json_object_get(reply, "next"));
		if (r == 0 && next)
			json_object_set_new(a, "after", json_string(next));
		json_decref(reply);
		if (!next)
			break;
	}
	json_decref(a);
	return r;
}

void cli_ack_from_json(const json_t *j, struct cli_ack *out)
{
	static const char *const name[] = {"none", "acked", "due", "overdue"};
	const char *s = json_string_value(json_object_get(j, "state"));

	*out = (struct cli_ack){CLI_ACK_NONE, 0, 0};
	for (int i = 0; s && i < 4; i++)
		if (!strcmp(s, name[i]))
			out->state = (enum cli_ack_state)i;
	out->due = (int64_t)json_integer_value(json_object_get(j, "due"));
	out->at = (int64_t)json_integer_value(json_object_get(j, "at"));
}
