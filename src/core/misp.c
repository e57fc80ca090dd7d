/* misp.c - a case and its STIX 2.1 bundle as one MISP event (misp.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "hash.h"
#include "misp.h"
#include "stixfeed.h"
#include "text.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
/* Bytes of a comment or a lookup key: past a pattern's maximum
 * (stix.h), with room for the id, type and category around it. */
#define HL_MISP_TEXT_MAX (2 * 1024 * 1024)

/* ---- uuids and times ---- */

void hl_misp_uuid(const char *const *parts, size_t n, char out[HL_MISP_UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	static const char domain[] = "hotline.misp/v1\n";
	char lens[8][24];
	struct hl_part p[1 + 2 * 8];
	unsigned char h[HL_SHA256_LEN];
	size_t k = 0, j = 0;

	p[k++] = (struct hl_part){domain, sizeof(domain) - 1};
	for (size_t i = 0; i < n && i < COUNT(lens); i++) {
		size_t len = strlen(parts[i]);
		int w = snprintf(lens[i], sizeof(lens[i]), "%zu:", len);

		p[k++] = (struct hl_part){lens[i], (size_t)w};
		p[k++] = (struct hl_part){parts[i], len};
	}
	hl_sha256v(p, k, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[h[i] >> 4];
		out[j++] = hex[h[i] & 15];
	}
	out[j] = 0;
}

/* A STIX timestamp's seconds ("2026-11-22T10:00:00.123Z"), or dflt. */
static int64_t stix_time(const json_t *v, int64_t dflt)
{
	const char *s = json_string_value(v);
	char t[HL_TIME_LEN + 1];
	int64_t out;

	if (!s || strlen(s) < HL_TIME_LEN)
		return dflt;
	memcpy(t, s, HL_TIME_LEN - 1);
	t[HL_TIME_LEN - 1] = 'Z';
	t[HL_TIME_LEN] = 0;
	return hl_time_parse(t, HL_TIME_LEN, &out) == 0 ? out : dflt;
}

static json_t *num_str(int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%lld", (long long)v);
	return json_string(s);
}

/* ---- TLP ---- */

/* TLP levels in order of strictness; a rank is an index here, -1 none. */
static const struct {
	const char *label, *tag, *colour, *distribution;
} tlps[] = {
	{"TLP:CLEAR", "tlp:clear", "#ffffff", "3"},
	{"TLP:GREEN", "tlp:green", "#33ff00", "1"},
	{"TLP:AMBER", "tlp:amber", "#ffc000", "0"},
	{"TLP:AMBER+STRICT", "tlp:amber+strict", "#ffc000", "0"},
	{"TLP:RED", "tlp:red", "#ff2b2b", "0"},
};

/* "amber+strict", "TLP:RED", "white" -> a rank, or -1. */
static int tlp_rank(const char *s)
{
	if (!s)
		return -1;
	if (!strncasecmp(s, "TLP:", 4))
		s += 4;
	if (!strcasecmp(s, "white"))
		return 0;
	for (size_t i = 0; i < COUNT(tlps); i++)
		if (!strcasecmp(s, tlps[i].label + 4))
			return (int)i;
	return -1;
}

/* The TLP level that a marking definition of the bundle states, in
 * TLP 2.0's extension or in STIX 2.0's "definition", or -1. */
static int marking_rank(const json_t *md)
{
	const json_t *ext;
	const char *key;
	int r = tlp_rank(json_string_value(json_object_get(
		json_object_get(md, "definition"), "tlp")));

	json_object_foreach((json_t *)json_object_get(md, "extensions"), key, ext) {
		int x = tlp_rank(json_string_value(json_object_get(ext, "tlp_2_0")));

		r = x > r ? x : r;
	}
	return r;
}

/* Marking id -> rank, for the bundle's own definitions (OASIS's ids
 * are known by stixfeed.h). */
static json_t *tlp_table(const json_t *objs)
{
	json_t *t = json_object(), *o;
	size_t i;

	if (!t)
		return NULL;
	json_array_foreach(objs, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		int r = marking_rank(o);

		if (id && r >= 0 && !json_object_get(t, id))
			json_object_set_new(t, id, json_integer(r));
	}
	return t;
}

/* The strictest TLP level among an object's markings, or -1. */
static int object_rank(const json_t *tlp, const json_t *o)
{
	const json_t *ref;
	size_t i;
	int r = -1;

	json_array_foreach(json_object_get(o, "object_marking_refs"), i, ref) {
		const char *id = json_string_value(ref);
		const json_t *x = id ? json_object_get(tlp, id) : NULL;
		int level = id ? hl_stixfeed_marking_level(id) : -1;

		if (level < 0 && x)
			level = (int)json_integer_value(x);
		r = level > r ? level : r;
	}
	return r;
}

static json_t *tag(const char *name, const char *colour)
{
	return json_pack("{s:s, s:s, s:b}", "name", name, "colour", colour, "exportable", 1);
}

static json_t *tlp_tag(int rank)
{
	return tag(tlps[rank].tag, tlps[rank].colour);
}

/* The RSIT machine tag of "class/type": rsit:class="type". */
static json_t *rsit_tag(const char *category)
{
	const char *slash = strchr(category, '/');
	char name[160];

	if (!slash || slash == category || !slash[1] || strchr(slash + 1, '"'))
		return NULL;
	snprintf(name, sizeof(name), "rsit:%.*s=\"%s\"", (int)(slash - category), category,
		 slash + 1);
	return tag(name, "#0071c3");
}

/* ---- values ---- */

enum check { ANY, IP4, IP6, DOMAIN, URL, EMAIL, MAC, HEX32, HEX40, HEX64, HEX128, CVE };

/* One STIX property an attribute is made of: "type:path" -> category,
 * type, and how MISP will check the value. */
static const struct map {
	const char *path, *category, *type;
	enum check check;
} maps[] = {
	{"ipv4-addr:value", "Network activity", "ip-dst", IP4},
	{"ipv6-addr:value", "Network activity", "ip-dst", IP6},
	{"domain-name:value", "Network activity", "domain", DOMAIN},
	{"url:value", "Network activity", "url", URL},
	{"email-addr:value", "Network activity", "email-src", EMAIL},
	{"mac-addr:value", "Network activity", "mac-address", MAC},
	{"email-message:subject", "Network activity", "email-subject", ANY},
	{"file:name", "Payload delivery", "filename", ANY},
	{"file:hashes.MD5", "Payload delivery", "md5", HEX32},
	{"file:hashes.SHA1", "Payload delivery", "sha1", HEX40},
	{"file:hashes.SHA256", "Payload delivery", "sha256", HEX64},
	{"file:hashes.SHA512", "Payload delivery", "sha512", HEX128},
	{"file:hashes.SHA3256", "Payload delivery", "sha3-256", HEX64},
	{"file:hashes.SHA3512", "Payload delivery", "sha3-512", HEX128},
	{"file:hashes.SSDEEP", "Payload delivery", "ssdeep", ANY},
	{"file:hashes.TLSH", "Payload delivery", "tlsh", ANY},
	{"x509-certificate:hashes.MD5", "Network activity", "x509-fingerprint-md5", HEX32},
	{"x509-certificate:hashes.SHA1", "Network activity", "x509-fingerprint-sha1", HEX40},
	{"x509-certificate:hashes.SHA256", "Network activity", "x509-fingerprint-sha256", HEX64},
	{"mutex:name", "Artifacts dropped", "mutex", ANY},
	{"windows-registry-key:key", "Persistence mechanism", "regkey", ANY},
	{"threat-actor:name", "Attribution", "threat-actor", ANY},
	{"intrusion-set:name", "Attribution", "threat-actor", ANY},
	{"campaign:name", "Attribution", "campaign-name", ANY},
	{"vulnerability:name", "External analysis", "vulnerability", CVE},
};

/* A path as the table spells it: hash names upper case without '-'
 * or '_' ("file:hashes.'SHA-256'" was read as "file:hashes.SHA-256"). */
static const struct map *map_find(const char *path)
{
	char key[96];
	const char *dot = strstr(path, ":hashes.");
	size_t j = 0;

	if (strlen(path) >= sizeof(key))
		return NULL;
	for (const char *s = path; *s; s++) {
		if (dot && s > dot + 7 && (*s == '-' || *s == '_'))
			continue;
		key[j++] = dot && s > dot + 7 ? (char)toupper((unsigned char)*s) : *s;
	}
	key[j] = 0;
	for (size_t i = 0; i < COUNT(maps); i++)
		if (!strcmp(key, maps[i].path))
			return &maps[i];
	return NULL;
}

static bool all_of(const char *s, const char *set)
{
	return *s && s[strspn(s, set)] == 0;
}

static bool ip_ok(const char *v, int af)
{
	char a[64];
	const char *slash = strchr(v, '/');
	size_t n = slash ? (size_t)(slash - v) : strlen(v);
	unsigned char buf[16];

	uint64_t bits;

	if (n >= sizeof(a) || (slash && hl_parse_u64(slash + 1, strlen(slash + 1),
						      af == AF_INET ? 32 : 128, &bits) < 0))
		return false;
	memcpy(a, v, n);
	a[n] = 0;
	return inet_pton(af, a, buf) == 1;
}

static bool hex_ok(const char *v, size_t n)
{
	return strlen(v) == n && all_of(v, "0123456789abcdefABCDEF");
}

/* Whether MISP takes v as a value of this kind. */
static bool value_ok(enum check c, const char *v)
{
	static const char host[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789.-_";

	switch (c) {
	case IP4: return ip_ok(v, AF_INET);
	case IP6: return ip_ok(v, AF_INET6);
	case DOMAIN: return all_of(v, host) && strchr(v, '.') && v[0] != '.';
	case URL: return *v && !strpbrk(v, " \t\r\n");
	case EMAIL: return strchr(v, '@') && !strpbrk(v, " \t\r\n");
	case MAC: return strlen(v) == 17 && all_of(v, "0123456789abcdefABCDEF:") &&
			 v[2] == ':' && v[5] == ':' && v[8] == ':' && v[11] == ':' && v[14] == ':';
	case HEX32: return hex_ok(v, 32);
	case HEX40: return hex_ok(v, 40);
	case HEX64: return hex_ok(v, 64);
	case HEX128: return hex_ok(v, 128);
	case CVE: return !strncmp(v, "CVE-", 4) && strlen(v) >= 13 && v[8] == '-' &&
			 strspn(v + 4, "0123456789") == 4 && all_of(v + 9, "0123456789");
	case ANY: return *v && !strchr(v, '\n');
	}
	return false;
}

/* ---- attributes ---- */

struct build {
	const struct hl_misp_case *c;
	char uuid[HL_MISP_UUID_LEN + 1];	/* the event's */
	int rank;				/* the case's TLP, or -1 */
	json_t *tlp;				/* marking id -> rank */
	json_t *attrs;				/* the event's Attribute */
	json_t *seen;				/* type \1 category \1 value -> index */
	int64_t latest;				/* the latest attribute time */
};

/* What an attribute is made from. */
struct origin {
	const json_t *o;	/* the STIX object */
	const char *id;
	bool to_ids;
	int rank;		/* its own TLP, or -1 */
	int64_t time;
};

/* Sets an attribute's handling to a TLP stricter than the case's. */
static void attr_mark(json_t *a, int rank)
{
	json_object_set_new(a, "distribution", json_string(tlps[rank].distribution));
	json_object_set_new(a, "Tag", json_pack("[o]", tlp_tag(rank)));
}

/* A value seen again (seen: [its index, its TLP rank, its time]): it
 * is actionable if either says so, and keeps the stricter TLP; its time
 * is the later one's, so that MISP takes a change as an update. */
static void attr_again(struct build *b, json_t *seen, const struct origin *w)
{
	json_t *a = json_array_get(b->attrs, (size_t)json_integer_value(json_array_get(seen, 0)));
	int rank = (int)json_integer_value(json_array_get(seen, 1));

	if (w->to_ids)
		json_object_set(a, "to_ids", json_true());
	if (w->rank > b->rank && w->rank > rank) {
		attr_mark(a, w->rank);
		json_array_set_new(seen, 1, json_integer(w->rank));
	}
	if (w->time > json_integer_value(json_array_get(seen, 2))) {
		json_object_set_new(a, "timestamp", num_str(w->time));
		json_array_set_new(seen, 2, json_integer(w->time));
	}
	if (w->time > b->latest)
		b->latest = w->time;
}

/* A new attribute, the first of its category, type and value (key). */
static int attr_new(struct build *b, const struct origin *w, const char *category,
		    const char *type, const char *value, const char *key)
{
	const char *name = json_string_value(json_object_get(w->o, "name"));
	const char *parts[] = {b->uuid, w->id, category, type, value};
	char uuid[HL_MISP_UUID_LEN + 1];
	struct hl_buf comment;
	json_t *a = NULL;
	int r = -1;

	hl_misp_uuid(parts, COUNT(parts), uuid);
	hl_buf_init(&comment, HL_MISP_TEXT_MAX);
	if (hl_buf_printf(&comment, "%s%s%s", w->id, name ? ": " : "", name ? name : "") == 0)
		a = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:s, s:s, s:s, s:b, s:b}",
			      "uuid", uuid, "category", category, "type", type, "value", value,
			      "to_ids", w->to_ids, "timestamp", num_str(w->time),
			      "comment", (char *)comment.data, "distribution", "5",
			      "sharing_group_id", "0", "deleted", 0, "disable_correlation", 0);
	if (a && w->rank > b->rank)
		attr_mark(a, w->rank);
	if (a && json_object_set_new(b->seen, key, json_pack("[I, i, I]",
				     (json_int_t)json_array_size(b->attrs), w->rank,
				     (json_int_t)w->time)) == 0 &&
	    json_array_append_new(b->attrs, a) == 0) {
		a = NULL;
		r = 0;
	}
	if (w->time > b->latest)
		b->latest = w->time;
	json_decref(a);
	hl_buf_free(&comment);
	return r;
}

/* An attribute of this category, type and value, new or seen again. */
static int attr_add(struct build *b, const struct origin *w, const char *category,
		    const char *type, const char *value)
{
	struct hl_buf key;
	json_t *seen;
	int r;

	hl_buf_init(&key, HL_MISP_TEXT_MAX);
	r = hl_buf_printf(&key, "%s\x01%s\x01%s", type, category, value);
	if (r == 0) {
		seen = json_object_get(b->seen, (const char *)key.data);
		if (seen)
			attr_again(b, seen, w);
		else
			r = attr_new(b, w, category, type, value, (const char *)key.data);
	}
	hl_buf_free(&key);
	return r;
}

/* One mapped value, lower-cased where MISP compares without case. */
static int attr_value(struct build *b, const struct origin *w, const struct map *m,
		      const char *v)
{
	char *low;
	int r;

	if (m->check != DOMAIN && (m->check < HEX32 || m->check > HEX128))
		return attr_add(b, w, m->category, m->type, v);
	low = strdup(v);
	if (!low)
		return -1;
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	r = attr_add(b, w, m->category, m->type, low);
	free(low);
	return r;
}

/* ---- patterns ---- */

/* A pattern being read: s[i] is the next character. */
struct scan {
	const char *s;
	size_t i;
};

static void ws(struct scan *p)
{
	while (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
	       p->s[p->i] == '\r')
		p->i++;
}

static bool word(struct scan *p, const char *w)
{
	size_t n = strlen(w);

	ws(p);
	if (strncmp(p->s + p->i, w, n))
		return false;
	p->i += n;
	return true;
}

/* 'text' with \' and \\ into out (NUL-terminated); false if malformed. */
static bool quoted(struct scan *p, char *out, size_t max)
{
	size_t j = 0;

	ws(p);
	if (p->s[p->i] != '\'')
		return false;
	for (p->i++; p->s[p->i] != '\''; p->i++) {
		char ch = p->s[p->i];

		if (!ch || j + 1 >= max)
			return false;
		if (ch == '\\') {
			ch = p->s[++p->i];
			if (ch != '\'' && ch != '\\')
				return false;
		}
		out[j++] = ch;
	}
	p->i++;
	out[j] = 0;
	return true;
}

/* type:prop(.key)*, quoted keys unquoted. */
static bool path(struct scan *p, char *out, size_t max)
{
	size_t j = 0;

	ws(p);
	while (j + 1 < max) {
		char ch = p->s[p->i];

		if (ch == '\'') {
			if (!quoted(p, out + j, max - j))
				return false;
			j += strlen(out + j);
			continue;
		}
		if (!ch || (!isalnum((unsigned char)ch) && !strchr(":._-", ch)))
			break;
		out[j++] = ch;
		p->i++;
	}
	out[j] = 0;
	return j > 0 && strchr(out, ':');
}

/* The comparisons of a pattern that is only "[path = 'string']" joined
 * by OR, inside and between brackets: [[path, value], ...]; NULL for
 * any other pattern (AND, other operators, qualifiers, numbers), which
 * hl_stix_check may well accept: this reader only recognises the
 * simple ones. */
static json_t *simple_pattern(const char *s)
{
	struct scan p = {s, 0};
	size_t max = strlen(s) + 1;
	char *path_s = malloc(max), *val = malloc(max);
	json_t *out = json_array();
	bool ok = path_s && val && out && word(&p, "[");

	while (ok) {
		ok = path(&p, path_s, max) && word(&p, "=") && quoted(&p, val, max);
		if (ok)
			json_array_append_new(out, json_pack("[s, s]", path_s, val));
		if (ok && word(&p, "OR"))
			continue;
		ok = ok && word(&p, "]");
		if (!ok)
			break;
		ws(&p);
		if (!s[p.i])
			break;
		ok = word(&p, "OR") && word(&p, "[");
	}
	free(path_s);
	free(val);
	if (!ok)
		json_decref(out);
	return ok ? out : NULL;
}

/* Each comparison of a simple pattern, if MISP takes all of them. */
static int pattern_attrs(struct build *b, const struct origin *w, const json_t *cmps)
{
	const json_t *c;
	size_t i;

	json_array_foreach(cmps, i, c) {
		const struct map *m = map_find(json_string_value(json_array_get(c, 0)));

		if (!m || !value_ok(m->check, json_string_value(json_array_get(c, 1))))
			return 1;
	}
	json_array_foreach(cmps, i, c) {
		const struct map *m = map_find(json_string_value(json_array_get(c, 0)));

		if (attr_value(b, w, m, json_string_value(json_array_get(c, 1))) < 0)
			return -1;
	}
	return 0;
}

/* Other languages' patterns keep their type. */
static const struct {
	const char *pattern_type, *category, *type;
} languages[] = {
	{"stix", "Network activity", "stix2-pattern"},
	{"yara", "Payload delivery", "yara"},
	{"sigma", "Payload delivery", "sigma"},
	{"snort", "Network activity", "snort"},
};

static int indicator_attrs(struct build *b, struct origin *w)
{
	const char *pattern = json_string_value(json_object_get(w->o, "pattern"));
	const char *lang = json_string_value(json_object_get(w->o, "pattern_type"));
	json_t *cmps;
	int r = 1;

	if (!pattern || !lang || !*pattern)
		return 0;
	w->to_ids = true;
	if (!strcmp(lang, "stix")) {
		cmps = simple_pattern(pattern);
		r = cmps ? pattern_attrs(b, w, cmps) : 1;
		json_decref(cmps);
	}
	for (size_t i = 0; r > 0 && i < COUNT(languages); i++)
		if (!strcmp(lang, languages[i].pattern_type))
			return attr_add(b, w, languages[i].category, languages[i].type, pattern);
	return r < 0 ? r : 0;
}

/* An object's own values: its string properties and hashes that the
 * table maps. */
static int object_attrs(struct build *b, const struct origin *w, const char *type)
{
	static const char *const props[] = {"value", "name", "key", "subject"};
	const json_t *v;
	const char *key;
	char p[160];
	int r = 0;

	for (size_t i = 0; r == 0 && i < COUNT(props); i++) {
		const char *s = json_string_value(json_object_get(w->o, props[i]));
		const struct map *m;

		snprintf(p, sizeof(p), "%.100s:%s", type, props[i]);
		m = s ? map_find(p) : NULL;
		if (m && value_ok(m->check, s))
			r = attr_value(b, w, m, s);
	}
	json_object_foreach((json_t *)json_object_get(w->o, "hashes"), key, v) {
		const struct map *m;

		snprintf(p, sizeof(p), "%.100s:hashes.%.40s", type, key);
		m = json_is_string(v) ? map_find(p) : NULL;
		if (r == 0 && m && value_ok(m->check, json_string_value(v)))
			r = attr_value(b, w, m, json_string_value(v));
	}
	return r;
}

static int attributes(struct build *b, const json_t *objs)
{
	const json_t *o;
	size_t i;

	json_array_foreach(objs, i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		struct origin w = {.o = o, .id = json_string_value(json_object_get(o, "id"))};
		int r;

		if (!type || !w.id)
			continue;
		w.rank = object_rank(b->tlp, o);
		w.time = stix_time(json_object_get(o, "modified"),
				   stix_time(json_object_get(o, "created"), b->c->opened));
		r = !strcmp(type, "indicator") ? indicator_attrs(b, &w) : object_attrs(b, &w, type);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- the event ---- */

static const char *threat_level(const char *severity)
{
	if (!strcmp(severity, "critical") || !strcmp(severity, "high"))
		return "1";
	if (!strcmp(severity, "medium"))
		return "2";
	return !strcmp(severity, "low") ? "3" : "4";
}

/* "ru-cert#12: <the title's first line>", at most HL_MISP_INFO_MAX
 * characters, not cutting a UTF-8 sequence. */
static json_t *info(const struct hl_misp_case *c)
{
	char s[HL_MISP_INFO_MAX * 4 + 1];
	size_t n, chars = 0, j = 0;

	n = (size_t)snprintf(s, sizeof(s), "%s%s%.*s", c->id, *c->title ? ": " : "",
			     (int)strcspn(c->title, "\r\n"), c->title);
	n = n < sizeof(s) ? n : sizeof(s) - 1;
	for (; j < n; j++) {
		if (((unsigned char)s[j] & 0xc0) != 0x80 && ++chars > HL_MISP_INFO_MAX)
			break;
	}
	s[j] = 0;
	return json_string(s);
}

static json_t *event_tags(const struct build *b)
{
	json_t *tags = json_array(), *rsit = rsit_tag(b->c->category);

	if (tags && b->rank >= 0)
		json_array_append_new(tags, tlp_tag(b->rank));
	if (tags && rsit)
		json_array_append_new(tags, rsit);
	else
		json_decref(rsit);
	return tags;
}

static json_t *event(struct build *b)
{
	const struct hl_misp_case *c = b->c;
	char day[HL_TIME_LEN + 1], count[24];
	int64_t ts = c->last > b->latest ? c->last : b->latest;

	hl_time_format(c->opened, day);
	day[10] = 0;
	snprintf(count, sizeof(count), "%zu", json_array_size(b->attrs));
	return json_pack("{s:{s:s, s:o, s:s, s:o, s:s, s:s, s:s, s:s, s:b, s:s, s:s, s:s, "
			 "s:{s:s, s:s}, s:o, s:O}}", "Event",
			 "uuid", b->uuid, "info", info(c), "date", day, "timestamp", num_str(ts),
			 "threat_level_id", threat_level(c->severity),
			 "analysis", c->closed ? "2" : "1",
			 "distribution", b->rank >= 0 ? tlps[b->rank].distribution : "0",
			 "sharing_group_id", "0", "published", 0, "publish_timestamp", "0",
			 "extends_uuid", "", "attribute_count", count,
			 "Orgc", "name", c->opener, "uuid", c->opener_uuid,
			 "Tag", event_tags(b), "Attribute", b->attrs);
}

json_t *hl_misp_event(const struct hl_misp_case *c, const json_t *bundle)
{
	const char *parts[] = {"event", c->id, c->to};
	const json_t *objs = json_object_get(bundle, "objects");
	struct build b = {.c = c, .rank = tlp_rank(c->tlp)};
	json_t *ev = NULL;

	if (!c->id || !c->to || !c->title || !c->opener || !c->opener_uuid ||
	    strlen(c->opener_uuid) != HL_MISP_UUID_LEN || !c->category || !c->severity)
		return NULL;
	hl_misp_uuid(parts, COUNT(parts), b.uuid);
	b.tlp = tlp_table(objs);
	b.attrs = json_array();
	b.seen = json_object();
	if (b.tlp && b.attrs && b.seen && attributes(&b, objs) == 0)
		ev = event(&b);
	json_decref(b.tlp);
	json_decref(b.attrs);
	json_decref(b.seen);
	return ev;
}
