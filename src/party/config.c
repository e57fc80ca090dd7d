/* config.c - parse and write hotline.conf. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "db.h"
#include "envelope.h"
#include "error.h"
#include "text.h"

/* Where make install put the console (the Makefile's DATADIR). */
#ifndef HL_DATADIR
#define HL_DATADIR "/usr/local/share"
#endif
#define HL_CONSOLE_ROOT HL_DATADIR "/hotline/console"
#define HL_CONSOLE_LIB "/usr/share/javascript"

enum kind {
	T_NAME, T_ENDPOINT, T_LISTEN, T_DURATION, T_LADDER, T_COMMAND, T_WEBHOOK,
	T_EVERY, T_PRECEDENCE, T_SIZE, T_CONSOLE, T_PATH, T_GROUP, T_LANGUAGES, T_STORE,
};

/* A key: where its value goes (in struct hl_config, or in struct
 * hl_config_link for a link's), what hl_config_format shows commented
 * out while it has its default, and the comment written before it. */
struct key {
	const char *name;
	enum kind kind;
	size_t off, size;
	const char *example;
	const char *before;
};

#define FIELD(f) offsetof(struct hl_config, f), sizeof(((struct hl_config *)0)->f)
#define LFIELD(f) offsetof(struct hl_config_link, f), \
	sizeof(((struct hl_config_link *)0)->f)

static const struct key keys[] = {
	{"name", T_NAME, FIELD(name), NULL,
	 "# Hotline party configuration (see 'hotline help init').\n\n"
	 "# This party's name, as on its card.\n"},
	{"endpoint", T_ENDPOINT, FIELD(endpoint), NULL,
	 "\n# Where peers reach this party's hotlined, printed on the card;\n"
	 "# 'none' for a party that peers cannot reach (they are pulled from).\n"},
	{"listen", T_LISTEN, FIELD(listen), NULL,
	 "\n# Address the peer server listens on.\n"},
	{"ack.flash", T_DURATION, FIELD(ack_due[HL_FLASH]), "15m",
	 "\n# How long after a message a person must acknowledge it, and the\n"
	 "# peer's machine receipt it, by precedence (defaults shown):\n"},
	{"ack.immediate", T_DURATION, FIELD(ack_due[HL_IMMEDIATE]), "1h", NULL},
	{"ack.priority", T_DURATION, FIELD(ack_due[HL_PRIORITY]), "24h", NULL},
	{"ack.routine", T_DURATION, FIELD(ack_due[HL_ROUTINE]), "72h", NULL},
	{"receipt.flash", T_DURATION, FIELD(receipt_due[HL_FLASH]), "2m", NULL},
	{"receipt.immediate", T_DURATION, FIELD(receipt_due[HL_IMMEDIATE]), "10m", NULL},
	{"receipt.priority", T_DURATION, FIELD(receipt_due[HL_PRIORITY]), "1h", NULL},
	{"receipt.routine", T_DURATION, FIELD(receipt_due[HL_ROUTINE]), "24h", NULL},
	{"escalate.ladder", T_LADDER, FIELD(ladder), "duty-officer, supervisor, policy-contact",
	 "\n# When one is late, hotlined escalates: one step of the ladder every\n"
	 "# escalate.every after the deadline, each run once per message, by\n"
	 "# running escalate.command with the event as JSON on its standard\n"
	 "# input and POSTing that JSON to escalate.webhook.\n"},
	{"escalate.every", T_DURATION, FIELD(escalate_every), "15m", NULL},
	{"escalate.command", T_COMMAND, FIELD(escalate_command), "/usr/local/bin/hotline-page",
	 NULL},
	{"escalate.webhook", T_WEBHOOK, FIELD(escalate_webhook), "https://ops.example/hotline",
	 NULL},
	{"check.every", T_EVERY, FIELD(check_every), "7d",
	 "\n# hotlined sends a communication check on each confirmed link once\n"
	 "# every check.every (default none), at check.precedence (default\n"
	 "# immediate); see 'hotline help check'.\n"},
	{"check.precedence", T_PRECEDENCE, FIELD(check_precedence), "immediate", NULL},
	{"terms.languages", T_LANGUAGES, FIELD(languages), "en",
	 "\n# What this party proposes, with the values above, as the terms of\n"
	 "# a link ('hotline help link'): the working languages, 1 to 6 BCP 47\n"
	 "# tags in order of preference (default en), and how long before a\n"
	 "# key's revocation what it signed is suspect (default 7d).\n"},
	{"terms.suspect", T_DURATION, FIELD(suspect), "7d", NULL},
	{"evidence.max", T_SIZE, FIELD(evidence_max), "16M",
	 "\n# Bytes of equivocation evidence kept per link (default 16M); past\n"
	 "# them an incident is recorded by its hash alone.\n"},
	{"clock.skew", T_DURATION, FIELD(clock_skew), "5m",
	 "\n# How far ahead of this party's clock a peer's message may be dated;\n"
	 "# one dated further ahead, or before the peer's previous message, is\n"
	 "# refused (default 5m).\n"},
	{"console.listen", T_CONSOLE, FIELD(console_listen), "127.0.0.1:8443",
	 "\n# The operators' HTTPS listener, for the console (off unless set;\n"
	 "# a port alone means loopback; never the peer port).  It serves\n"
	 "# the party's TLS certificate unless console.cert and console.key\n"
	 "# name others; a session ends console.idle after its last request\n"
	 "# and console.lifetime after its login.  Its pages are the files in\n"
	 "# console.root, its chart and graph libraries those of Debian's\n"
	 "# libjs-chart.js and libjs-d3 in console.lib.\n"},
	{"console.cert", T_PATH, FIELD(console_cert), "/etc/hotline/console.crt", NULL},
	{"console.key", T_PATH, FIELD(console_key), "/etc/hotline/console.key", NULL},
	{"console.idle", T_DURATION, FIELD(console_idle), "15m", NULL},
	{"console.lifetime", T_DURATION, FIELD(console_lifetime), "12h", NULL},
	{"console.root", T_PATH, FIELD(console_root), HL_CONSOLE_ROOT, NULL},
	{"console.lib", T_PATH, FIELD(console_lib), HL_CONSOLE_LIB, NULL},
	{"api.group", T_GROUP, FIELD(api_group), "hotline",
	 "\n# The Unix group whose members may reach the operator API's socket\n"
	 "# (hotlined.sock, then mode 0660 and that group; hotlined must be\n"
	 "# in it, and the home must let it in: chgrp GROUP HOME; chmod 0710\n"
	 "# HOME).  Default none: mode 0600, this party's Unix user and root.\n"
	 "# Each user must still be mapped to an operator ('hotline operator').\n"},
	{"store", T_STORE, FIELD(store), "postgresql://hotline@db.example/hotline",
	 "\n# Where the messages and their index are kept: hotline.db in the\n"
	 "# home by default (SQLite), or a PostgreSQL database, named by a\n"
	 "# postgresql:// URI or libpq's keyword=value settings, which two\n"
	 "# nodes of this party may share ('hotline help store').\n"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* link.<name>.<key>: what the two parties agreed for one link. */
static const struct key link_keys[] = {
	{"ack.flash", T_DURATION, LFIELD(ack_due[HL_FLASH]), NULL, NULL},
	{"ack.immediate", T_DURATION, LFIELD(ack_due[HL_IMMEDIATE]), NULL, NULL},
	{"ack.priority", T_DURATION, LFIELD(ack_due[HL_PRIORITY]), NULL, NULL},
	{"ack.routine", T_DURATION, LFIELD(ack_due[HL_ROUTINE]), NULL, NULL},
	{"receipt.flash", T_DURATION, LFIELD(receipt_due[HL_FLASH]), NULL, NULL},
	{"receipt.immediate", T_DURATION, LFIELD(receipt_due[HL_IMMEDIATE]), NULL, NULL},
	{"receipt.priority", T_DURATION, LFIELD(receipt_due[HL_PRIORITY]), NULL, NULL},
	{"receipt.routine", T_DURATION, LFIELD(receipt_due[HL_ROUTINE]), NULL, NULL},
	{"check.every", T_EVERY, LFIELD(check_every), NULL, NULL},
};
#define NLINK_KEYS (sizeof(link_keys) / sizeof(link_keys[0]))
_Static_assert(NLINK_KEYS == HL_CONFIG_LINK_KEYS, "hl_config_link.key_line");
_Static_assert(NKEYS <= 32, "struct seen's party bits");

/* Which keys a file has set so far, to refuse a repeat. */
struct seen {
	uint32_t party;
	uint32_t link[HL_CONFIG_LINKS_MAX];
};

void hl_config_defaults(struct hl_config *c)
{
	static const int64_t ack[] = {15 * 60, 3600, 24 * 3600, 72 * 3600};
	static const int64_t receipt[] = {2 * 60, 10 * 60, 3600, 24 * 3600};
	static const char *const ladder[] = {"duty-officer", "supervisor", "policy-contact"};

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", HL_DEFAULT_LISTEN);
	memcpy(c->ack_due, ack, sizeof(ack));
	memcpy(c->receipt_due, receipt, sizeof(receipt));
	for (unsigned i = 0; i < 3; i++)
		snprintf(c->ladder[i], sizeof(c->ladder[i]), "%s", ladder[i]);
	c->nladder = 3;
	c->escalate_every = 15 * 60;
	c->check_precedence = HL_IMMEDIATE;
	c->evidence_max = HL_EVIDENCE_MAX_DEFAULT;
	c->clock_skew = 5 * 60;
	c->console_idle = 15 * 60;
	c->console_lifetime = 12 * 3600;
	snprintf(c->console_root, sizeof(c->console_root), "%s", HL_CONSOLE_ROOT);
	snprintf(c->console_lib, sizeof(c->console_lib), "%s", HL_CONSOLE_LIB);
	snprintf(c->languages[0], sizeof(c->languages[0]), "en");
	c->nlanguages = 1;
	c->suspect = 7 * 86400;
}

int hl_listen_check(const char *s)
{
	const char *colon = strrchr(s, ':');
	uint64_t port;

	if (!colon || colon == s || strlen(s) > HL_LISTEN_MAX)
		return -HL_ECONFIG;
	if (hl_parse_u64(colon + 1, strlen(colon + 1), 65535, &port) < 0 || port == 0)
		return -HL_ECONFIG;
	return 0;
}

unsigned hl_listen_port(const char *s)
{
	const char *colon = strrchr(s, ':');
	uint64_t port;

	if (!colon || hl_parse_u64(colon + 1, strlen(colon + 1), 65535, &port) < 0)
		return 0;
	return (unsigned)port;
}

static const struct { char unit; int64_t bytes; } sizes[] = {
	{'G', 1 << 30}, {'M', 1 << 20}, {'K', 1 << 10},
};

/* "16M", "512K", "1G" or a number of bytes, at most 1G. */
static int size_parse(const char *s, size_t n, int64_t *out)
{
	int64_t unit = 1;
	uint64_t v;

	for (size_t i = 0; n > 1 && i < 3; i++)
		if (s[n - 1] == sizes[i].unit)
			unit = sizes[i].bytes;
	if (unit > 1)
		n--;
	if (hl_parse_u64(s, n, (uint64_t)(HL_EVIDENCE_MAX_LIMIT / unit), &v) < 0)
		return -HL_ECONFIG;
	*out = (int64_t)v * unit;
	return 0;
}

static void size_format(int64_t v, char *out, size_t cap)
{
	for (size_t i = 0; i < 3; i++)
		if (v && v % sizes[i].bytes == 0) {
			snprintf(out, cap, "%lld%c", (long long)(v / sizes[i].bytes), sizes[i].unit);
			return;
		}
	snprintf(out, cap, "%lld", (long long)v);
}

static const struct { char unit; int64_t secs; } units[] = {
	{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1},
};

int hl_duration_parse(const char *s, size_t n, int64_t *out)
{
	uint64_t v;

	if (n < 2)
		return -HL_ECONFIG;
	for (size_t i = 0; i < 4; i++) {
		if (s[n - 1] != units[i].unit)
			continue;
		if (hl_parse_u64(s, n - 1, (uint64_t)(366 * 86400) / (uint64_t)units[i].secs,
				 &v) < 0 || v == 0)
			return -HL_ECONFIG;
		*out = (int64_t)v * units[i].secs;
		return 0;
	}
	return -HL_ECONFIG;
}

void hl_duration_format(int64_t s, char *out, size_t cap)
{
	size_t i = 0;

	while (i < 3 && s % units[i].secs)
		i++;
	snprintf(out, cap, "%lld%c", (long long)(s / units[i].secs), units[i].unit);
}

static size_t trim(const char **s, size_t n)
{
	while (n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		n--;
	}
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r'))
		n--;
	return n;
}

static int fail(struct hl_config *c, unsigned line, const char *what)
{
	c->err_line = line;
	snprintf(c->err, sizeof(c->err), "%s", what);
	return -HL_ECONFIG;
}

/* Edit distance of a and b, counting a swap of two neighbours as one
 * edit (Damerau-Levenshtein, optimal string alignment); KEY_MAX when
 * either is longer than that. */
#define KEY_MAX 96
static unsigned distance(const char *a, size_t n, const char *b, size_t m)
{
	unsigned rows[3][KEY_MAX + 1], *pp, *prev, *cur;

	if (n > KEY_MAX || m > KEY_MAX)
		return KEY_MAX;
	for (size_t j = 0; j <= m; j++)
		rows[1][j] = (unsigned)j;
	pp = rows[0], prev = rows[1], cur = rows[2];
	for (size_t i = 1; i <= n; i++) {
		unsigned *t;

		cur[0] = (unsigned)i;
		for (size_t j = 1; j <= m; j++) {
			unsigned d = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
		}
		t = pp, pp = prev, prev = cur, cur = t;
	}
	return prev[m];
}

/* Near enough to be a slip of the fingers: at most two edits, one for
 * every four characters. */
static bool near(unsigned d, size_t len)
{
	return d <= 2 && 4 * d <= len;
}

/* The valid key nearest to s[0..n) into out ("" for none near enough):
 * a party-wide key, or for link.<name>.<key> the same name with the
 * nearest link key, trying each dot as the end of the name. */
static void nearest(const char *s, size_t n, char *out, size_t cap)
{
	unsigned best = UINT_MAX;

	out[0] = 0;
	for (size_t k = 0; k < NKEYS; k++) {
		unsigned d = distance(s, n, keys[k].name, strlen(keys[k].name));

		if (d < best && near(d, n)) {
			best = d;
			snprintf(out, cap, "%s", keys[k].name);
		}
	}
	for (size_t i = 6; n > 5 && memcmp(s, "link.", 5) == 0 && i < n; i++) {
		for (size_t k = 0; s[i] == '.' && k < NLINK_KEYS; k++) {
			const char *lk = link_keys[k].name;
			unsigned d = distance(s + i + 1, n - i - 1, lk, strlen(lk));

			if (d < best && near(d, strlen(lk))) {
				best = d;
				snprintf(out, cap, "%.*s.%s", (int)i, s, lk);
			}
		}
	}
}

/* "unknown key 'ack.flsh' (did you mean 'ack.flash'?)" */
static int unknown(struct hl_config *c, const char *s, size_t n, unsigned line)
{
	char guess[KEY_MAX + 1], msg[sizeof(c->err)];

	nearest(s, n, guess, sizeof(guess));
	if (guess[0])
		snprintf(msg, sizeof(msg), "unknown key '%.*s' (did you mean '%s'?)",
			 (int)(n < 64 ? n : 64), s, guess);
	else
		snprintf(msg, sizeof(msg), "unknown key '%.*s'", (int)(n < 64 ? n : 64), s);
	return fail(c, line, msg);
}

/* "a, b, c": step names, as party names are spelled. */
static int set_ladder(struct hl_config *c, const char *v, size_t n, unsigned line)
{
	c->nladder = 0;
	memset(c->ladder, 0, sizeof(c->ladder));
	while (n) {
		const char *comma = memchr(v, ',', n);
		size_t len = comma ? (size_t)(comma - v) : n;
		const char *item = v;
		size_t ilen = trim(&item, len);

		if (c->nladder == HL_LADDER_MAX || !hl_name_valid(item, ilen) ||
		    ilen > HL_STEP_NAME_MAX)
			return fail(c, line, "escalate.ladder: up to 8 names of a-z, 0-9, '.', '-' "
				    "(at most 31, ending in a letter or digit), separated by commas");
		memcpy(c->ladder[c->nladder], item, ilen);
		c->ladder[c->nladder++][ilen] = 0;
		v += len + (comma != NULL);
		n -= len + (comma != NULL);
	}
	return c->nladder ? 0 : fail(c, line, "escalate.ladder: at least one step");
}

/* "ru, en" or "ru en": 1 to HL_TERMS_LANGS_MAX distinct language tags
 * (BCP 47, as a message's text carries them; compared without case). */
static int set_languages(struct hl_config *c, const char *v, size_t n, unsigned line)
{
	static const char why[] = "terms.languages: 1 to 6 distinct language tags "
				  "(BCP 47: en, ru, zh-Hant), separated by commas or spaces";

	c->nlanguages = 0;
	memset(c->languages, 0, sizeof(c->languages));
	for (size_t i = 0; i < n;) {
		size_t len = 0;

		while (i + len < n && !memchr(", \t", v[i + len], 3))
			len++;
		if (len && (c->nlanguages == HL_TERMS_LANGS_MAX || !hl_lang_valid(v + i, len)))
			return fail(c, line, why);
		if (len) {
			char *tag = c->languages[c->nlanguages];

			memcpy(tag, v + i, len);
			for (unsigned k = 0; k < c->nlanguages; k++)
				if (strcasecmp(c->languages[k], tag) == 0)
					return fail(c, line, why);
			c->nlanguages++;
		}
		i += len + (len < n - i);
	}
	return c->nlanguages ? 0 : fail(c, line, why);
}

/* store: an absolute path, or a connection string libpq can read. */
static int store_set(struct hl_config *c, const char *v, unsigned line)
{
	char why[200], msg[256];

	if (!hl_db_is_postgresql(v))
		return v[0] == '/' ? 0 :
		       fail(c, line, "store: want an absolute path or a PostgreSQL connection string");
	if (hl_db_where_check(v, why, sizeof(why)) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "store: %s", why);
	return fail(c, line, msg);
}

/* console.listen: a port alone is the loopback's. */
static int console_set(struct hl_config *c, char *dst, size_t cap, unsigned line)
{
	uint64_t port;
	char v[HL_LISTEN_MAX + 1];

	if (hl_parse_u64(dst, strlen(dst), 65535, &port) == 0 && port) {
		snprintf(v, sizeof(v), "127.0.0.1:%u", (unsigned)port);
		snprintf(dst, cap, "%s", v);
	}
	return hl_listen_check(dst) == 0 ? 0 :
	       fail(c, line, "console.listen: want host:port, or a port for the loopback");
}

static int set_string(struct hl_config *c, const struct key *k, const char *v, size_t n,
		      unsigned line)
{
	char *dst = (char *)c + k->off, msg[64];

	if (n >= k->size)
		return fail(c, line, "value too long");
	/* Whole fields, so equal settings are equal bytes (hl_config_format
	 * compares with the defaults). */
	memset(dst, 0, k->size);
	memcpy(dst, v, n);
	switch (k->kind) {
	case T_NAME:
		return hl_name_valid(v, n) ? 0 :
		       fail(c, line, "name: use 1-63 of a-z, 0-9, '.', '-'");
	case T_ENDPOINT:
		if (strcmp(dst, "none") == 0)
			memset(dst, 0, k->size);
		return hl_endpoint_check(dst) == 0 ? 0 :
		       fail(c, line, "endpoint: want https://host:port or none");
	case T_LISTEN:
		return hl_listen_check(dst) == 0 ? 0 : fail(c, line, "listen: want host:port");
	case T_COMMAND:
		return dst[0] == '/' ? 0 : fail(c, line, "escalate.command: want an absolute path");
	case T_CONSOLE:
		return console_set(c, dst, k->size, line);
	case T_PATH:
		snprintf(msg, sizeof(msg), "%s: want an absolute path", k->name);
		return dst[0] == '/' ? 0 : fail(c, line, msg);
	case T_GROUP:
		return hl_unix_name_valid(dst) ? 0 :
		       fail(c, line, "api.group: want a Unix group name (a-z, 0-9, '.', '_', '-')");
	case T_STORE:
		return store_set(c, dst, line);
	default:
		return (strncmp(dst, "https://", 8) == 0 || strncmp(dst, "http://", 7) == 0) &&
		       !strpbrk(dst, " \t") ? 0 :
		       fail(c, line, "escalate.webhook: want an http:// or https:// URL");
	}
}

/* A duration, a precedence or check.every's "none" into base + k->off
 * (the config or one of its links). */
static int set_number(struct hl_config *c, char *base, const struct key *k, const char *v,
		      size_t n, unsigned line)
{
	char msg[96];
	int64_t *dst;

	if (k->kind == T_PRECEDENCE) {
		enum hl_precedence *prec = (enum hl_precedence *)(void *)(base + k->off);
		char name[16];

		snprintf(name, sizeof(name), "%.*s", (int)(n < 15 ? n : 15), v);
		if (n < 16 && hl_precedence_parse(name, prec) == 0)
			return 0;
		return fail(c, line, "check.precedence: want flash, immediate, priority "
			    "or routine");
	}
	dst = (int64_t *)(void *)(base + k->off);
	if (k->kind == T_SIZE)
		return size_parse(v, n, dst) == 0 ? 0 :
		       fail(c, line, "evidence.max: want a size such as 16M, 512K or 1G "
			    "(at most 1G)");
	if (k->kind == T_EVERY && n == 4 && memcmp(v, "none", 4) == 0) {
		*dst = HL_CHECK_NONE;
		return 0;
	}
	if (hl_duration_parse(v, n, dst) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "%s: want a duration such as 90s, 15m, 24h, 3d%s",
		 k->name, k->kind == T_EVERY ? ", or none" : "");
	return fail(c, line, msg);
}

static int set(struct hl_config *c, const struct key *k, const char *v, size_t n,
	       unsigned line)
{
	if (k->kind == T_DURATION || k->kind == T_EVERY || k->kind == T_PRECEDENCE ||
	    k->kind == T_SIZE)
		return set_number(c, (char *)c, k, v, n, line);
	if (k->kind == T_LADDER)
		return set_ladder(c, v, n, line);
	if (k->kind == T_LANGUAGES)
		return set_languages(c, v, n, line);
	return set_string(c, k, v, n, line);
}

static const struct key *find(const struct key *table, size_t n, const char *s, size_t len,
			      size_t *at)
{
	for (*at = 0; *at < n; (*at)++)
		if (strlen(table[*at].name) == len && memcmp(s, table[*at].name, len) == 0)
			return &table[*at];
	return NULL;
}

/* The section of link name, added on first use. */
static struct hl_config_link *link_section(struct hl_config *c, const char *name, size_t n)
{
	for (unsigned i = 0; i < c->nlinks; i++)
		if (strlen(c->links[i].name) == n && memcmp(c->links[i].name, name, n) == 0)
			return &c->links[i];
	if (c->nlinks == HL_CONFIG_LINKS_MAX)
		return NULL;
	memcpy(c->links[c->nlinks].name, name, n);
	c->links[c->nlinks].name[n] = 0;
	return &c->links[c->nlinks++];
}

/* link.<name>.<key> = value.  Names may hold dots, so the key is found
 * from the end: no link key ends with another one. */
static int set_link(struct hl_config *c, const char *s, size_t n, const char *v, size_t vlen,
		    unsigned line, struct seen *seen)
{
	const char *name = s + 5;
	struct hl_config_link *l;
	size_t k, klen = 0, nlen;
	char msg[96];

	for (k = 0; k < NLINK_KEYS; k++) {
		klen = strlen(link_keys[k].name);
		if (n >= 5 + klen + 1 && s[n - klen - 1] == '.' &&
		    memcmp(s + n - klen, link_keys[k].name, klen) == 0)
			break;
	}
	if (k == NLINK_KEYS)
		return unknown(c, s, n, line);
	nlen = n - 5 - klen - 1;
	if (!hl_name_valid(name, nlen))
		return fail(c, line, "link.<name>: a party's name, 1-63 of a-z, 0-9, '.', '-'");
	l = link_section(c, name, nlen);
	if (!l) {
		snprintf(msg, sizeof(msg), "link.<name>: settings for at most %d links",
			 HL_CONFIG_LINKS_MAX);
		return fail(c, line, msg);
	}
	if (seen->link[l - c->links] & (1u << k))
		return fail(c, line, "key given twice");
	if (!l->line)
		l->line = line;
	l->key_line[k] = line;
	seen->link[l - c->links] |= 1u << k;
	return set_number(c, (char *)l, &link_keys[k], v, vlen, line);
}

static int parse_line(struct hl_config *c, const char *s, size_t n,
		      unsigned line, struct seen *seen)
{
	const char *eq = memchr(s, '=', n), *v;
	const struct key *k;
	size_t klen, vlen, at;

	n = trim(&s, n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (!eq)
		return fail(c, line, "expected 'key = value'");
	klen = trim(&s, (size_t)(eq - s));
	v = eq + 1;
	vlen = trim(&v, n - (size_t)(v - s));
	if (klen > 5 && memcmp(s, "link.", 5) == 0)
		return set_link(c, s, klen, v, vlen, line, seen);
	k = find(keys, NKEYS, s, klen, &at);
	if (!k)
		return unknown(c, s, klen, line);
	if (seen->party & (1u << at))
		return fail(c, line, "key given twice");
	seen->party |= 1u << at;
	return set(c, k, v, vlen, line);
}

/* What no one line decides: the operators' listener never shares the
 * peers' port, and a certificate comes with its key.  Errors of the
 * whole file (line 0), as the keys may come in any order. */
static int console_check(struct hl_config *c)
{
	if (c->console_listen[0] &&
	    hl_listen_port(c->console_listen) == hl_listen_port(c->listen))
		return fail(c, 0, "console.listen: that is the peer port (listen); choose another");
	if ((c->console_cert[0] != 0) != (c->console_key[0] != 0))
		return fail(c, 0, "console.cert and console.key go together");
	return 0;
}

int hl_config_parse(const char *text, size_t n, struct hl_config *c)
{
	unsigned line = 0;
	struct seen seen = {0};
	const char *p = text, *end = text + n;

	hl_config_defaults(c);
	if (n > HL_CONFIG_MAX)
		return fail(c, 0, "file too large");
	if (!hl_utf8_valid((const unsigned char *)text, n) || memchr(text, 0, n))
		return fail(c, 0, "not UTF-8 text");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = parse_line(c, p, len, ++line, &seen);

		if (r < 0)
			return r;
		p += len + (nl != NULL);
	}
	if (!(seen.party & 1u))
		return fail(c, 0, "missing 'name'");
	return console_check(c);
}

static const struct hl_config_link *link_find(const struct hl_config *c, const char *link)
{
	for (unsigned i = 0; link && i < c->nlinks; i++)
		if (strcmp(c->links[i].name, link) == 0)
			return &c->links[i];
	return NULL;
}

int64_t hl_config_ack_due(const struct hl_config *c, const char *link,
			  enum hl_precedence p)
{
	const struct hl_config_link *l = link_find(c, link);

	return l && l->ack_due[p] ? l->ack_due[p] : c->ack_due[p];
}

int64_t hl_config_receipt_due(const struct hl_config *c, const char *link,
			      enum hl_precedence p)
{
	const struct hl_config_link *l = link_find(c, link);

	return l && l->receipt_due[p] ? l->receipt_due[p] : c->receipt_due[p];
}

int64_t hl_config_check_every(const struct hl_config *c, const char *link)
{
	const struct hl_config_link *l = link_find(c, link);
	int64_t every = l && l->check_every ? l->check_every : c->check_every;

	return every > 0 ? every : 0;
}

int hl_config_links_check(struct hl_config *c, const char *const *names, size_t n)
{
	char msg[sizeof(c->err)];

	for (unsigned i = 0; i < c->nlinks; i++) {
		const char *ln = c->links[i].name, *guess = NULL;
		unsigned best = UINT_MAX;
		size_t j;

		for (j = 0; j < n && strcmp(names[j], ln) != 0; j++) {
			unsigned d = distance(ln, strlen(ln), names[j], strlen(names[j]));

			if (d < best && near(d, strlen(ln))) {
				best = d;
				guess = names[j];
			}
		}
		if (j < n)
			continue;
		if (guess)
			snprintf(msg, sizeof(msg), "link.%s: no link to %s (did you mean "
				 "'link.%s'?)", ln, ln, guess);
		else
			snprintf(msg, sizeof(msg), "link.%s: no link to %s; add it with "
				 "'hotline link add' or remove the key", ln, ln);
		return fail(c, c->links[i].line, msg);
	}
	return 0;
}

static int by_line(const void *a, const void *b)
{
	const struct hl_config_unused *x = a, *y = b;

	return (x->line > y->line) - (x->line < y->line);
}

size_t hl_config_superseded(const struct hl_config *c, const char *const *names,
			    const uint64_t *versions, size_t n,
			    struct hl_config_unused *out, size_t cap)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		const struct hl_config_link *l = link_find(c, names[i]);

		for (size_t k = 0; l && versions[i] && k < NLINK_KEYS; k++) {
			if (!l->key_line[k])
				continue;
			if (count < cap)
				out[count] = (struct hl_config_unused){l->key_line[k], l->name,
								      link_keys[k].name,
								      versions[i]};
			count++;
		}
	}
	if (out && cap)
		qsort(out, count < cap ? count : cap, sizeof(*out), by_line);
	return count;
}

/* One value as the file spells it. */
static void value_format(const struct key *k, const char *base, char *out, size_t cap)
{
	const char *p = base + k->off;
	int64_t v;

	switch (k->kind) {
	case T_DURATION:
	case T_EVERY:
		memcpy(&v, p, sizeof(v));
		if (v == HL_CHECK_NONE)
			snprintf(out, cap, "none");
		else
			hl_duration_format(v, out, cap);
		break;
	case T_SIZE:
		memcpy(&v, p, sizeof(v));
		size_format(v, out, cap);
		break;
	case T_PRECEDENCE:
		snprintf(out, cap, "%s", hl_precedence_name(*(const enum hl_precedence *)p));
		break;
	case T_ENDPOINT:
		snprintf(out, cap, "%s", p[0] ? p : "none");
		break;
	default:
		snprintf(out, cap, "%s", p);
	}
}

/* A list key's items, separated by ", ". */
static void list_format(const struct hl_config *c, const struct key *k, char *out, size_t cap)
{
	bool ladder = k->kind == T_LADDER;
	unsigned count = ladder ? c->nladder : c->nlanguages;
	size_t n = 0;

	out[0] = 0;
	for (unsigned i = 0; i < count && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? ", " : "",
				      ladder ? c->ladder[i] : c->languages[i]);
}

/* A key left at its default is written commented out, showing its
 * example; any other is written as set, so the file parses back to c. */
static int key_format(const struct hl_config *c, const struct hl_config *def,
		      const struct key *k, struct hl_buf *out)
{
	char v[HL_ENDPOINT_MAX + HL_TERMS_LANGS_MAX * (HL_LANG_MAX + 2)];
	bool dflt = k->example && memcmp((const char *)c + k->off, (const char *)def + k->off,
					 k->size) == 0;

	if (k->kind == T_LADDER)
		dflt = dflt && c->nladder == def->nladder;
	if (k->kind == T_LANGUAGES)
		dflt = dflt && c->nlanguages == def->nlanguages;
	if (k->before && hl_buf_puts(out, k->before) < 0)
		return -HL_ETOOBIG;
	if (dflt)
		return hl_buf_printf(out, "#%s = %s\n", k->name, k->example);
	if (k->kind == T_LADDER || k->kind == T_LANGUAGES)
		list_format(c, k, v, sizeof(v));
	else
		value_format(k, (const char *)c, v, sizeof(v));
	return hl_buf_printf(out, "%s = %s\n", k->name, v);
}

static int links_format(const struct hl_config *c, struct hl_buf *out)
{
	char v[32];
	int r = 0;

	if (c->nlinks)
		r = hl_buf_puts(out, "\n# What was agreed with each peer, over the values above.\n");
	for (unsigned i = 0; r == 0 && i < c->nlinks; i++) {
		for (size_t k = 0; r == 0 && k < NLINK_KEYS; k++) {
			int64_t x;

			memcpy(&x, (const char *)&c->links[i] + link_keys[k].off, sizeof(x));
			if (!x)
				continue;
			value_format(&link_keys[k], (const char *)&c->links[i], v, sizeof(v));
			r = hl_buf_printf(out, "link.%s.%s = %s\n", c->links[i].name,
					  link_keys[k].name, v);
		}
	}
	return r;
}

int hl_config_format(const struct hl_config *c, struct hl_buf *out)
{
	struct hl_config def;
	int r = 0;

	hl_config_defaults(&def);
	for (size_t k = 0; r == 0 && k < NKEYS; k++)
		r = key_format(c, &def, &keys[k], out);
	if (r == 0)
		r = links_format(c, out);
	return r;
}
