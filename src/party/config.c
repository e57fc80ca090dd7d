/* config.c - parse and write hotline.conf. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "envelope.h"
#include "error.h"
#include "text.h"

enum kind { T_NAME, T_ENDPOINT, T_LISTEN, T_DURATION, T_LADDER, T_COMMAND, T_WEBHOOK };

#define FIELD(f) offsetof(struct hl_config, f), sizeof(((struct hl_config *)0)->f)

static const struct key {
	const char *name;
	enum kind kind;
	size_t off, size;
} keys[] = {
	{"name", T_NAME, FIELD(name)},
	{"endpoint", T_ENDPOINT, FIELD(endpoint)},
	{"listen", T_LISTEN, FIELD(listen)},
	{"ack.flash", T_DURATION, FIELD(ack_due[HL_FLASH])},
	{"ack.immediate", T_DURATION, FIELD(ack_due[HL_IMMEDIATE])},
	{"ack.priority", T_DURATION, FIELD(ack_due[HL_PRIORITY])},
	{"ack.routine", T_DURATION, FIELD(ack_due[HL_ROUTINE])},
	{"receipt.flash", T_DURATION, FIELD(receipt_due[HL_FLASH])},
	{"receipt.immediate", T_DURATION, FIELD(receipt_due[HL_IMMEDIATE])},
	{"receipt.priority", T_DURATION, FIELD(receipt_due[HL_PRIORITY])},
	{"receipt.routine", T_DURATION, FIELD(receipt_due[HL_ROUTINE])},
	{"escalate.ladder", T_LADDER, FIELD(ladder)},
	{"escalate.every", T_DURATION, FIELD(escalate_every)},
	{"escalate.command", T_COMMAND, FIELD(escalate_command)},
	{"escalate.webhook", T_WEBHOOK, FIELD(escalate_webhook)},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

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

int hl_duration_parse(const char *s, size_t n, int64_t *out)
{
	static const struct { char unit; int64_t secs; } units[] = {
		{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400},
	};
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

/* "a, b, c": step names, as party names are spelled. */
static int set_ladder(struct hl_config *c, const char *v, size_t n, unsigned line)
{
	c->nladder = 0;
	while (n) {
		const char *comma = memchr(v, ',', n);
		size_t len = comma ? (size_t)(comma - v) : n;
		const char *item = v;
		size_t ilen = trim(&item, len);

		if (c->nladder == HL_LADDER_MAX || !hl_name_valid(item, ilen) ||
		    ilen > HL_STEP_NAME_MAX)
			return fail(c, line, "escalate.ladder: up to 8 names of a-z, 0-9, '-', "
				    "separated by commas");
		memcpy(c->ladder[c->nladder], item, ilen);
		c->ladder[c->nladder++][ilen] = 0;
		v += len + (comma != NULL);
		n -= len + (comma != NULL);
	}
	return c->nladder ? 0 : fail(c, line, "escalate.ladder: at least one step");
}

static int set_string(struct hl_config *c, const struct key *k, const char *v, size_t n,
		      unsigned line)
{
	char *dst = (char *)c + k->off;

	if (n >= k->size)
		return fail(c, line, "value too long");
	memcpy(dst, v, n);
	dst[n] = 0;
	switch (k->kind) {
	case T_NAME:
		return hl_name_valid(v, n) ? 0 :
		       fail(c, line, "name: use 1-63 of a-z, 0-9, '.', '-'");
	case T_ENDPOINT:
		if (strcmp(dst, "none") == 0)
			dst[0] = 0;
		return hl_endpoint_check(dst) == 0 ? 0 :
		       fail(c, line, "endpoint: want https://host:port or none");
	case T_LISTEN:
		return hl_listen_check(dst) == 0 ? 0 : fail(c, line, "listen: want host:port");
	case T_COMMAND:
		return dst[0] == '/' ? 0 : fail(c, line, "escalate.command: want an absolute path");
	default:
		return (strncmp(dst, "https://", 8) == 0 || strncmp(dst, "http://", 7) == 0) &&
		       !strpbrk(dst, " \t") ? 0 :
		       fail(c, line, "escalate.webhook: want an http:// or https:// URL");
	}
}

static int set(struct hl_config *c, const struct key *k, const char *v, size_t n,
	       unsigned line)
{
	if (k->kind == T_DURATION) {
		int64_t *dst = (int64_t *)((char *)c + k->off);
		char msg[96];

		if (hl_duration_parse(v, n, dst) == 0)
			return 0;
		snprintf(msg, sizeof(msg), "%s: want a duration such as 90s, 15m, 24h, 3d",
			 k->name);
		return fail(c, line, msg);
	}
	if (k->kind == T_LADDER)
		return set_ladder(c, v, n, line);
	return set_string(c, k, v, n, line);
}

static int parse_line(struct hl_config *c, const char *s, size_t n,
		      unsigned line, uint32_t *seen)
{
	const char *eq = memchr(s, '=', n), *v;
	size_t klen, vlen;

	n = trim(&s, n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (!eq)
		return fail(c, line, "expected 'key = value'");
	klen = trim(&s, (size_t)(eq - s));
	v = eq + 1;
	vlen = trim(&v, n - (size_t)(v - s));
	for (size_t k = 0; k < NKEYS; k++) {
		if (strlen(keys[k].name) != klen || memcmp(s, keys[k].name, klen) != 0)
			continue;
		if (*seen & (1u << k))
			return fail(c, line, "key given twice");
		*seen |= 1u << k;
		return set(c, &keys[k], v, vlen, line);
	}
	return fail(c, line, "unknown key");
}

int hl_config_parse(const char *text, size_t n, struct hl_config *c)
{
	unsigned line = 0;
	uint32_t seen = 0;
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
	if (!(seen & 1u))
		return fail(c, 0, "missing 'name'");
	return 0;
}

int64_t hl_config_ack_due(const struct hl_config *c, const char *link,
			  enum hl_precedence p)
{
	(void)link;
	return c->ack_due[p];
}

int64_t hl_config_receipt_due(const struct hl_config *c, const char *link,
			      enum hl_precedence p)
{
	(void)link;
	return c->receipt_due[p];
}

int hl_config_format(const struct hl_config *c, struct hl_buf *out)
{
	return hl_buf_printf(out,
		"# Hotline party configuration (see 'hotline help init').\n"
		"\n"
		"# This party's name, as on its card.\n"
		"name = %s\n"
		"\n"
		"# Where peers reach this party's hotlined, printed on the card;\n"
		"# 'none' for a party that peers cannot reach (they are pulled from).\n"
		"endpoint = %s\n"
		"\n"
		"# Address the peer server listens on.\n"
		"listen = %s\n"
		"\n"
		"# How long after a message a person must acknowledge it, and the\n"
		"# peer's machine receipt it, by precedence (defaults shown):\n"
		"#ack.flash = 15m\n#ack.immediate = 1h\n#ack.priority = 24h\n#ack.routine = 72h\n"
		"#receipt.flash = 2m\n#receipt.immediate = 10m\n#receipt.priority = 1h\n"
		"#receipt.routine = 24h\n"
		"\n"
		"# When one is late, hotlined escalates: one step of the ladder every\n"
		"# escalate.every after the deadline, each run once per message, by\n"
		"# running escalate.command with the event as JSON on its standard\n"
		"# input and POSTing that JSON to escalate.webhook.\n"
		"#escalate.ladder = duty-officer, supervisor, policy-contact\n"
		"#escalate.every = 15m\n"
		"#escalate.command = /usr/local/bin/hotline-page\n"
		"#escalate.webhook = https://ops.example/hotline\n",
		c->name, c->endpoint[0] ? c->endpoint : "none", c->listen);
}
