/* stix.c - STIX 2.1 bundles: checks, search terms and merges (jansson).
 *
 * The checks follow STIX 2.1 (OASIS, 2021): sections 2-3 for types,
 * identifiers, timestamps and common properties, 4-6 for the required
 * properties of each type, 9 for patterns.  A pattern is parsed by
 * recursive descent with the precedence of the spec's ANTLR grammar
 * (STIXPattern.g4).  Binary operators are loops, and only ( and [ recurse,
 * at most HL_STIX_DEPTH deep, so no input can exhaust the stack.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "stix.h"

#define UUID_LEN 36
#define TYPE_MIN 3
#define TYPE_MAX 250
#define KIND_MAX 256

static int bad(struct hl_stix_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct hl_stix_error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->reason, sizeof(err->reason), fmt, ap);
	va_end(ap);
	return -HL_ESTIX;
}

/* A string's value, or NULL when v is no string or holds a NUL (which
 * C callers would silently cut at). */
static const char *cstr(const json_t *v, size_t *n)
{
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);

	if (!s || memchr(s, 0, len))
		return NULL;
	if (n)
		*n = len;
	return s;
}

static bool is_str(const json_t *v, const char *want)
{
	size_t n;
	const char *s = cstr(v, &n);

	return s && n == strlen(want) && memcmp(s, want, n) == 0;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static unsigned num(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

/* A STIX timestamp (section 3.2): RFC 3339 in UTC with a capital T and
 * Z, such as 2026-11-22T09:54:00.123Z, with any number of fractional
 * digits, and a real calendar date. */
static bool ts_valid(const char *s, size_t n)
{
	static const unsigned char mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, m, d;
	size_t i = 19;
	bool leap;

	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2) ||
	    !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return false;
	y = num(s, 4);
	m = num(s + 5, 2);
	d = num(s + 8, 2);
	leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (unsigned)(m == 2 && leap))
		return false;
	if (num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return false;
	if (s[i] == '.') {
		while (++i < n && isdigit((unsigned char)s[i]))
			;
		if (i == 20)
			return false;
	}
	return i + 1 == n && s[i] == 'Z';
}

/* Orders two valid timestamps; fractions of different lengths compare
 * as if padded with zeros ("...00.1Z" equals "...00.100Z"). */
static int ts_cmp(const char *a, const char *b)
{
	int r = memcmp(a, b, 19);

	a += 19 + (a[19] == '.');
	b += 19 + (b[19] == '.');
	while (r == 0 && (*a != 'Z' || *b != 'Z')) {
		char x = *a == 'Z' ? '0' : *a++;
		char y = *b == 'Z' ? '0' : *b++;

		r = (x > y) - (x < y);
	}
	return r;
}

static bool time_ok(const json_t *v)
{
	size_t n;
	const char *s = cstr(v, &n);

	return s && ts_valid(s, n);
}

/* 3-250 of a-z, 0-9 and single hyphens (section 2.4 and the stix2
 * library's reading of it); "--" would make identifiers ambiguous. */
static bool type_valid(const char *s, size_t n)
{
	if (n < TYPE_MIN || n > TYPE_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-' && i > 0 && s[i - 1] == '-')
			return false;
		if (!(s[i] >= 'a' && s[i] <= 'z') && !isdigit((unsigned char)s[i]) && s[i] != '-')
			return false;
	}
	return true;
}

/* 8-4-4-4-12 hex digits of either case with the RFC 4122 variant bits
 * (10xx), whatever the version, as STIX 2.1 (section 2.9) asks. */
static bool uuid_valid(const char *s)
{
	for (size_t i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return strchr("89abAB", s[19]) != NULL;
}

/* "<type>--<UUID>"; of the given type unless type is NULL.  The UUID
 * has a fixed length, so the split is taken from the end. */
static bool id_valid(const char *s, size_t n, const char *type)
{
	size_t tn;

	if (n < TYPE_MIN + 2 + UUID_LEN || n > TYPE_MAX + 2 + UUID_LEN)
		return false;
	tn = n - UUID_LEN - 2;
	if (s[tn] != '-' || s[tn + 1] != '-' || !type_valid(s, tn) || !uuid_valid(s + tn + 2))
		return false;
	return !type || (strlen(type) == tn && memcmp(type, s, tn) == 0);
}

static bool ref_ok(const json_t *v)
{
	size_t n;
	const char *s = cstr(v, &n);

	return s && id_valid(s, n, NULL);
}

/* Lists are never empty in STIX (section 2.7). */
static bool refs_ok(const json_t *v)
{
	size_t i;
	const json_t *e;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, e)
		if (!ref_ok(e))
			return false;
	return true;
}

/* ---- STIX Patterning (section 9) ---- */

enum tok {
	T_END, T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COLON, T_DOT,
	T_COMMA, T_STAR, T_EQ, T_NEQ, T_LT, T_LE, T_GT, T_GE,
	T_STRING, T_INT, T_FLOAT, T_HEX, T_BIN, T_TIME, T_BOOL, T_IDENT,
	/* keywords, in the order of the table below */
	T_AND, T_OR, T_NOT, T_FOLLOWEDBY, T_LIKE, T_MATCHES, T_ISSUBSET,
	T_ISSUPERSET, T_IN, T_EXISTS, T_START, T_STOP, T_WITHIN, T_SECONDS,
	T_REPEATS, T_TIMES,
};

static const char *const keywords[] = {
	"AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUBSET",
	"ISSUPERSET", "IN", "EXISTS", "START", "STOP", "WITHIN", "SECONDS",
	"REPEATS", "TIMES",
};

struct pat {
	const char *s;
	size_t n;
	size_t at, end;		/* the current token's bytes */
	enum tok tok;
	bool hyphen;		/* the current T_IDENT holds a '-' */
	bool neg;		/* the current number has a '-' */
	int depth;
	char *why;		/* where a failure is explained, or NULL */
	size_t whysize;
	/* hl_stix_terms only: */
	hl_stix_term_fn fn;
	void *ctx;
	const char *id;
	int fnr;		/* what fn returned when it stopped the walk */
	char *scratch;		/* n + 3 bytes for a literal's value */
	char kind[KIND_MAX];	/* the object path being compared */
	size_t kindlen;
};

static bool fail(struct pat *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool fail(struct pat *p, size_t at, const char *fmt, ...)
{
	char msg[120];
	va_list ap;

	if (!p->why)
		return false;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->why, p->whysize, "pattern: %s at offset %zu", msg, at);
	return false;
}

/* The value of a quoted literal's n bytes, with \' and \\ undone. */
static size_t unescape(const char *s, size_t n, char *out)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\')
			i++;
		out[len++] = s[i];
	}
	return len;
}

/* Scans a quoted literal from its opening quote at i. */
static bool lex_quoted(struct pat *p, size_t i)
{
	for (i++; i < p->n; i++) {
		if (p->s[i] == '\\') {
			if (i + 1 < p->n && (p->s[i + 1] == '\'' || p->s[i + 1] == '\\')) {
				i++;
				continue;
			}
			return fail(p, i, "bad escape (only \\' and \\\\)");
		}
		if (p->s[i] == '\'') {
			p->end = i + 1;
			return true;
		}
	}
	return fail(p, p->at, "unterminated string");
}

static bool base64_ok(const char *s, size_t n)
{
	size_t pad = 0;

	if (n % 4)
		return false;
	while (pad < 2 && pad < n && s[n - 1 - pad] == '=')
		pad++;
	for (size_t i = 0; i < n - pad; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' && s[i] != '/')
			return false;
	return true;
}

/* h'..', b'..' or t'..': the letter at p->at, the quote after it. */
static bool lex_prefixed(struct pat *p)
{
	const char *v;
	size_t n, i;
	char c = p->s[p->at];

	if (!lex_quoted(p, p->at + 1))
		return false;
	v = p->s + p->at + 2;
	n = p->end - p->at - 3;
	if (c == 'h') {
		for (i = 0; i < n && isxdigit((unsigned char)v[i]); i++)
			;
		p->tok = T_HEX;
		return (i == n && n % 2 == 0) || fail(p, p->at, "malformed hex literal");
	}
	if (c == 'b') {
		p->tok = T_BIN;
		return base64_ok(v, n) || fail(p, p->at, "malformed base64 literal");
	}
	p->tok = T_TIME;
	return ts_valid(v, n) || fail(p, p->at, "malformed timestamp literal");
}

/* Integers have no leading zero; floats need a digit after the point. */
static bool lex_number(struct pat *p)
{
	const char *s = p->s;
	size_t i = p->at, d;

	p->neg = s[i] == '-';
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (d = i; i < p->n && isdigit((unsigned char)s[i]); i++)
		;
	if (i < p->n && s[i] == '.') {
		size_t f = ++i;

		while (i < p->n && isdigit((unsigned char)s[i]))
			i++;
		if (i == f)
			return fail(p, p->at, "malformed number");
		p->tok = T_FLOAT;
	} else {
		if (i == d || (s[d] == '0' && i - d > 1))
			return fail(p, p->at, "malformed number");
		p->tok = T_INT;
	}
	p->end = i;
	return true;
}

static bool lex_word(struct pat *p)
{
	size_t i = p->at, n;

	p->hyphen = false;
	while (i < p->n && (isalnum((unsigned char)p->s[i]) || p->s[i] == '_' || p->s[i] == '-')) {
		p->hyphen |= p->s[i] == '-';
		i++;
	}
	p->end = i;
	n = i - p->at;
	p->tok = T_IDENT;
	if ((n == 4 && memcmp(p->s + p->at, "true", 4) == 0) ||
	    (n == 5 && memcmp(p->s + p->at, "false", 5) == 0))
		p->tok = T_BOOL;
	for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++)
		if (strlen(keywords[k]) == n && memcmp(keywords[k], p->s + p->at, n) == 0)
			p->tok = (enum tok)(T_AND + k);
	return true;
}

static bool lex_punct(struct pat *p)
{
	static const char single[] = "[]():.,*=<>";
	static const enum tok kinds[] = {
		T_LBRACK, T_RBRACK, T_LPAREN, T_RPAREN, T_COLON, T_DOT, T_COMMA,
		T_STAR, T_EQ, T_LT, T_GT,
	};
	const char *s = p->s + p->at;
	size_t left = p->n - p->at;
	const char *c = strchr(single, s[0]);

	p->end = p->at + 1;
	if (left > 1 && ((s[0] == '!' && s[1] == '=') || (s[0] == '<' && s[1] == '>'))) {
		p->tok = T_NEQ;
		p->end++;
	} else if (left > 1 && (s[0] == '<' || s[0] == '>') && s[1] == '=') {
		p->tok = s[0] == '<' ? T_LE : T_GE;
		p->end++;
	} else if (s[0] && c) {
		p->tok = kinds[c - single];
	} else {
		return fail(p, p->at, "unexpected character");
	}
	return true;
}

/* Reads the next token into p->tok; whitespace between tokens is
 * skipped (ASCII only; the grammar's comments are not accepted). */
static bool lex(struct pat *p)
{
	size_t i = p->end;
	char c;

	while (i < p->n && isspace((unsigned char)p->s[i]))
		i++;
	p->at = i;
	if (i == p->n) {
		p->tok = T_END;
		p->end = i;
		return true;
	}
	c = p->s[i];
	if (c == '\'') {
		p->tok = T_STRING;
		return lex_quoted(p, i);
	}
	if ((c == 'h' || c == 'b' || c == 't') && i + 1 < p->n && p->s[i + 1] == '\'')
		return lex_prefixed(p);
	if (isdigit((unsigned char)c) || c == '+' || c == '-' ||
	    (c == '.' && i + 1 < p->n && isdigit((unsigned char)p->s[i + 1])))
		return lex_number(p);
	if (isalpha((unsigned char)c) || c == '_')
		return lex_word(p);
	return lex_punct(p);
}

static bool expect(struct pat *p, enum tok t, const char *what)
{
	if (p->tok != t)
		return fail(p, p->at, "expected %s", what);
	return lex(p);
}

/* Consumes a ( or [ that opens a nested expression. */
static bool enter(struct pat *p)
{
	if (++p->depth > HL_STIX_DEPTH)
		return fail(p, p->at, "nested deeper than %d", HL_STIX_DEPTH);
	return lex(p);
}

static bool leave(struct pat *p, enum tok t, const char *what)
{
	p->depth--;
	return expect(p, t, what);
}

/* Appends to the object path's name for terms, cut to fit. */
static void kind_add(struct pat *p, const char *s, size_t n, bool quoted)
{
	char *out = p->kind + p->kindlen;
	size_t room = sizeof(p->kind) - 1 - p->kindlen;

	for (size_t i = 0; i < n && room > 0; i++, room--) {
		if (quoted && s[i] == '\\')
			i++;
		*out++ = s[i];
	}
	p->kindlen = (size_t)(out - p->kind);
	*out = 0;
}

/* A key after the type's colon or a dot: a name or a quoted string. */
static bool path_key(struct pat *p, bool dot)
{
	if (p->tok == T_IDENT && !p->hyphen) {
		if (dot)
			kind_add(p, ".", 1, false);
		kind_add(p, p->s + p->at, p->end - p->at, false);
	} else if (p->tok == T_STRING) {
		if (dot)
			kind_add(p, ".", 1, false);
		kind_add(p, p->s + p->at + 1, p->end - p->at - 2, true);
	} else {
		return fail(p, p->at, "expected a property name");
	}
	return lex(p);
}

/* type:key(.key|[n]|[*])*, recorded in p->kind as written but with
 * quoted keys unquoted: file:hashes.'SHA-256' is "file:hashes.SHA-256". */
static bool object_path(struct pat *p)
{
	if (p->tok != T_IDENT)
		return fail(p, p->at, "expected an object type");
	p->kindlen = 0;
	kind_add(p, p->s + p->at, p->end - p->at, false);
	kind_add(p, ":", 1, false);
	if (!lex(p) || !expect(p, T_COLON, "':'") || !path_key(p, false))
		return false;
	for (;;) {
		if (p->tok == T_DOT) {
			if (!lex(p) || !path_key(p, true))
				return false;
		} else if (p->tok == T_LBRACK) {
			if (!lex(p))
				return false;
			if (p->tok != T_INT && p->tok != T_STAR)
				return fail(p, p->at, "expected an index or '*'");
			kind_add(p, "[", 1, false);
			kind_add(p, p->s + p->at, p->end - p->at, false);
			kind_add(p, "]", 1, false);
			if (!lex(p) || !expect(p, T_RBRACK, "']'"))
				return false;
		} else {
			return true;
		}
	}
}

/* Hands the current literal to the terms callback: a string's value, or
 * an AS number as "AS64500" to match the SCO's term. */
static bool emit(struct pat *p)
{
	size_t n = 0;
	const char *digits_at = p->s + p->at;

	if (!p->fn)
		return true;
	if (p->tok == T_STRING) {
		n = unescape(p->s + p->at + 1, p->end - p->at - 2, p->scratch);
	} else if (p->tok == T_INT && !p->neg &&
		   strcmp(p->kind, "autonomous-system:number") == 0) {
		digits_at += *digits_at == '+';
		memcpy(p->scratch, "AS", 2);
		n = (size_t)(p->s + p->end - digits_at);
		memcpy(p->scratch + 2, digits_at, n);
		n += 2;
	}
	if (n == 0)
		return true;	/* '' finds nothing worth searching for */
	p->scratch[n] = 0;
	p->fnr = p->fn(p->ctx, p->id, p->kind, p->scratch);
	return p->fnr == 0;
}

/* One literal; bool_ok for = and != (orderable literals elsewhere);
 * found marks a value the pattern looks for, not one it excludes. */
static bool literal(struct pat *p, bool bool_ok, bool found)
{
	switch (p->tok) {
	case T_STRING:
	case T_INT:
		if (found && !emit(p))
			return false;
		break;
	case T_FLOAT:
	case T_HEX:
	case T_BIN:
	case T_TIME:
		break;
	case T_BOOL:
		if (!bool_ok)
			return fail(p, p->at, "expected an orderable literal");
		break;
	default:
		return fail(p, p->at, "expected a literal");
	}
	return lex(p);
}

/* ( ) or ( literal, ... ) */
static bool set(struct pat *p, bool found)
{
	if (!expect(p, T_LPAREN, "'('"))
		return false;
	if (p->tok == T_RPAREN)
		return lex(p);
	for (;;) {
		if (!literal(p, true, found))
			return false;
		if (p->tok != T_COMMA)
			return expect(p, T_RPAREN, "')'");
		if (!lex(p))
			return false;
	}
}

static bool string_literal(struct pat *p, bool found)
{
	if (p->tok != T_STRING)
		return fail(p, p->at, "expected a string");
	if (found && !emit(p))
		return false;
	return lex(p);
}

static bool cmp_level(struct pat *p, int level);

/* path [NOT] op value, EXISTS path, or a parenthesised comparison. */
static bool prop_test(struct pat *p)
{
	bool not = false;
	enum tok op;

	if (p->tok == T_LPAREN)
		return enter(p) && cmp_level(p, 0) && leave(p, T_RPAREN, "')'");
	if (p->tok == T_EXISTS)
		return lex(p) && object_path(p);
	if (!object_path(p))
		return false;
	if (p->tok == T_NOT) {
		not = true;
		if (!lex(p))
			return false;
	}
	op = p->tok;
	if (!(op >= T_EQ && op <= T_GE) && !(op >= T_LIKE && op <= T_IN))
		return fail(p, p->at, "expected a comparison operator");
	if (!lex(p))
		return false;
	switch (op) {
	case T_EQ:
	case T_NEQ:
		return literal(p, true, op == T_EQ && !not);
	case T_IN:
		return set(p, !not);
	case T_LIKE:
	case T_MATCHES:
		return string_literal(p, false);
	case T_ISSUBSET:
	case T_ISSUPERSET:
		return string_literal(p, !not);
	default:
		return literal(p, false, false);
	}
}

/* OR binds looser than AND (section 9.5). */
static bool cmp_level(struct pat *p, int level)
{
	static const enum tok ops[] = {T_OR, T_AND};

	if (level == 2)
		return prop_test(p);
	if (!cmp_level(p, level + 1))
		return false;
	while (p->tok == ops[level])
		if (!lex(p) || !cmp_level(p, level + 1))
			return false;
	return true;
}

/* A WITHIN or REPEATS count: a number above zero. */
static bool positive(struct pat *p, bool float_ok)
{
	if ((p->tok != T_INT && !(float_ok && p->tok == T_FLOAT)) || p->neg)
		return fail(p, p->at, "expected a positive number");
	for (size_t i = p->at; i < p->end; i++)
		if (p->s[i] >= '1' && p->s[i] <= '9')
			return lex(p);
	return fail(p, p->at, "expected a positive number");
}

static bool start_stop(struct pat *p)
{
	size_t start, stop;

	if (!lex(p))
		return false;
	start = p->at + 2;
	if (!expect(p, T_TIME, "a timestamp") || !expect(p, T_STOP, "STOP"))
		return false;
	stop = p->at + 2;
	if (p->tok == T_TIME && ts_cmp(p->s + stop, p->s + start) <= 0)
		return fail(p, p->at, "STOP is not later than START");
	return expect(p, T_TIME, "a timestamp");
}

static bool qualifiers(struct pat *p)
{
	for (;;) {
		switch (p->tok) {
		case T_WITHIN:
			if (!lex(p) || !positive(p, true) || !expect(p, T_SECONDS, "SECONDS"))
				return false;
			break;
		case T_REPEATS:
			if (!lex(p) || !positive(p, false) || !expect(p, T_TIMES, "TIMES"))
				return false;
			break;
		case T_START:
			if (!start_stop(p))
				return false;
			break;
		default:
			return true;
		}
	}
}

static bool obs_level(struct pat *p, int level);

/* [ comparison ] or ( observations ), then any qualifiers. */
static bool obs_expr(struct pat *p)
{
	bool ok;

	if (p->tok == T_LBRACK)
		ok = enter(p) && cmp_level(p, 0) && leave(p, T_RBRACK, "']'");
	else if (p->tok == T_LPAREN)
		ok = enter(p) && obs_level(p, 0) && leave(p, T_RPAREN, "')'");
	else
		return fail(p, p->at, "expected '[' or '('");
	return ok && qualifiers(p);
}

/* FOLLOWEDBY binds loosest, then OR, then AND (section 9.5). */
static bool obs_level(struct pat *p, int level)
{
	static const enum tok ops[] = {T_FOLLOWEDBY, T_OR, T_AND};

	if (level == 3)
		return obs_expr(p);
	if (!obs_level(p, level + 1))
		return false;
	while (p->tok == ops[level])
		if (!lex(p) || !obs_level(p, level + 1))
			return false;
	return true;
}

static bool pattern_walk(struct pat *p)
{
	if (p->n > HL_STIX_PATTERN_MAX)
		return fail(p, HL_STIX_PATTERN_MAX, "longer than %d bytes", HL_STIX_PATTERN_MAX);
	if (!lex(p) || !obs_level(p, 0))
		return false;
	return p->tok == T_END || fail(p, p->at, "expected the end");
}

/* ---- objects ---- */

enum prop_kind { P_STRING, P_TIME, P_REF, P_REFS, P_BOOL, P_INT };

/* SDOs and SROs carry spec_version, created and modified; marking
 * definitions spec_version and created; SCOs may carry spec_version. */
enum { SDO, MARKING, SCO };

struct prop {
	const char *name;
	enum prop_kind kind;
};

struct rule {
	const char *type;
	int class;
	struct prop props[3];	/* required; name NULL ends the list */
};

static const struct rule rules[] = {
	{"attack-pattern", SDO, {{"name", P_STRING}}},
	{"campaign", SDO, {{"name", P_STRING}}},
	{"course-of-action", SDO, {{"name", P_STRING}}},
	{"grouping", SDO, {{"context", P_STRING}, {"object_refs", P_REFS}}},
	{"identity", SDO, {{"name", P_STRING}}},
	{"incident", SDO, {{"name", P_STRING}}},
	{"indicator", SDO, {{"pattern", P_STRING}, {"pattern_type", P_STRING},
			    {"valid_from", P_TIME}}},
	{"infrastructure", SDO, {{"name", P_STRING}}},
	{"intrusion-set", SDO, {{"name", P_STRING}}},
	{"location", SDO, {{NULL, 0}}},
	{"malware", SDO, {{"is_family", P_BOOL}}},
	{"malware-analysis", SDO, {{"product", P_STRING}}},
	{"note", SDO, {{"content", P_STRING}, {"object_refs", P_REFS}}},
	{"observed-data", SDO, {{"first_observed", P_TIME}, {"last_observed", P_TIME},
				{"number_observed", P_INT}}},
	{"opinion", SDO, {{"opinion", P_STRING}, {"object_refs", P_REFS}}},
	{"report", SDO, {{"name", P_STRING}, {"published", P_TIME}, {"object_refs", P_REFS}}},
	{"threat-actor", SDO, {{"name", P_STRING}}},
	{"tool", SDO, {{"name", P_STRING}}},
	{"vulnerability", SDO, {{"name", P_STRING}}},
	{"relationship", SDO, {{"relationship_type", P_STRING}, {"source_ref", P_REF},
			       {"target_ref", P_REF}}},
	{"sighting", SDO, {{"sighting_of_ref", P_REF}}},
	{"language-content", SDO, {{"object_ref", P_REF}}},
	{"extension-definition", SDO, {{"name", P_STRING}, {"schema", P_STRING},
				       {"version", P_STRING}}},
	{"marking-definition", MARKING, {{NULL, 0}}},
	{"artifact", SCO, {{NULL, 0}}},
	{"autonomous-system", SCO, {{"number", P_INT}}},
	{"directory", SCO, {{"path", P_STRING}}},
	{"domain-name", SCO, {{"value", P_STRING}}},
	{"email-addr", SCO, {{"value", P_STRING}}},
	{"email-message", SCO, {{"is_multipart", P_BOOL}}},
	{"file", SCO, {{NULL, 0}}},
	{"ipv4-addr", SCO, {{"value", P_STRING}}},
	{"ipv6-addr", SCO, {{"value", P_STRING}}},
	{"mac-addr", SCO, {{"value", P_STRING}}},
	{"mutex", SCO, {{"name", P_STRING}}},
	{"network-traffic", SCO, {{NULL, 0}}},
	{"process", SCO, {{NULL, 0}}},
	{"software", SCO, {{"name", P_STRING}}},
	{"url", SCO, {{"value", P_STRING}}},
	{"user-account", SCO, {{NULL, 0}}},
	{"windows-registry-key", SCO, {{NULL, 0}}},
	{"x509-certificate", SCO, {{NULL, 0}}},
};

static const struct rule *find_rule(const char *type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].type, type) == 0)
			return &rules[i];
	return NULL;
}

static int check_prop(const json_t *o, const char *name, enum prop_kind kind,
		      bool required, struct hl_stix_error *err)
{
	static const char *const what[] = {
		[P_STRING] = "a string", [P_TIME] = "a STIX timestamp",
		[P_REF] = "an identifier", [P_REFS] = "a non-empty list of identifiers",
		[P_BOOL] = "a boolean", [P_INT] = "a non-negative integer",
	};
	const json_t *v = json_object_get(o, name);
	bool ok = false;

	if (!v)
		return required ? bad(err, "%s is missing", name) : 0;
	if (json_is_string(v) && !cstr(v, NULL))
		return bad(err, "%s holds a NUL character", name);
	switch (kind) {
	case P_STRING: ok = cstr(v, NULL) != NULL; break;
	case P_TIME: ok = time_ok(v); break;
	case P_REF: ok = ref_ok(v); break;
	case P_REFS: ok = refs_ok(v); break;
	case P_BOOL: ok = json_is_boolean(v); break;
	case P_INT: ok = json_is_integer(v) && json_integer_value(v) >= 0; break;
	}
	return ok ? 0 : bad(err, "%s is not %s", name, what[kind]);
}

/* Checks that later is not before earlier, both valid when present. */
static int check_order(const json_t *o, const char *earlier, const char *later,
		       bool strict, struct hl_stix_error *err)
{
	const char *a = json_string_value(json_object_get(o, earlier));
	const char *b = json_string_value(json_object_get(o, later));
	int c;

	if (!a || !b)
		return 0;
	c = ts_cmp(b, a);
	if (c < 0 || (strict && c == 0))
		return bad(err, "%s is %s %s", later, strict ? "not later than" : "earlier than",
			   earlier);
	return 0;
}

/* The common properties (section 3.2), by the class of the type; an
 * unknown type is checked only for what it carries. */
static int check_common(const json_t *o, const struct rule *rule, struct hl_stix_error *err)
{
	int class = rule ? rule->class : SCO;
	const json_t *sv = json_object_get(o, "spec_version");
	int r;

	if (class != SCO && !sv)
		return bad(err, "spec_version is missing");
	if (sv && !is_str(sv, "2.1"))
		return bad(err, "spec_version is not \"2.1\"");
	r = check_prop(o, "created", P_TIME, class != SCO, err);
	if (r == 0)
		r = check_prop(o, "modified", P_TIME, class == SDO, err);
	if (r == 0)
		r = check_order(o, "created", "modified", false, err);
	if (r == 0)
		r = check_prop(o, "created_by_ref", P_REF, false, err);
	if (r == 0)
		r = check_prop(o, "object_marking_refs", P_REFS, false, err);
	return r;
}

static int check_pattern(const json_t *o, struct hl_stix_error *err)
{
	const json_t *v = json_object_get(o, "pattern");
	struct pat p = {
		.s = json_string_value(v), .n = json_string_length(v),
		.why = err->reason, .whysize = sizeof(err->reason),
	};

	if (!is_str(json_object_get(o, "pattern_type"), "stix"))
		return 0;	/* snort, yara, sigma...: not ours to parse */
	return pattern_walk(&p) ? 0 : -HL_ESTIX;
}

/* An address, or a CIDR block of them (value of ipv4-addr, ipv6-addr). */
static bool addr_ok(const json_t *v, int af)
{
	char buf[INET6_ADDRSTRLEN + 4];
	unsigned char bin[16];
	size_t n;
	const char *s = cstr(v, &n);
	char *slash;

	if (!s || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n + 1);
	slash = strchr(buf, '/');
	if (slash) {
		size_t len = strlen(slash + 1);

		if (len < 1 || len > 3 || !digits(slash + 1, len) ||
		    (len > 1 && slash[1] == '0') ||
		    num(slash + 1, len) > (af == AF_INET ? 32u : 128u))
			return false;
		*slash = 0;
	}
	return inet_pton(af, buf, bin) == 1;
}

static bool hashes_ok(const json_t *h)
{
	const char *key;
	json_t *v;

	if (!json_is_object(h) || json_object_size(h) == 0)
		return false;
	json_object_foreach((json_t *)h, key, v)
		if (!cstr(v, NULL))
			return false;
	return true;
}

/* What the table cannot say. */
static int check_type(const json_t *o, const char *type, struct hl_stix_error *err)
{
	const json_t *h = json_object_get(o, "hashes");
	int r = 0;

	if (h && !hashes_ok(h))
		return bad(err, "hashes is not a dictionary of strings");
	if (strcmp(type, "indicator") == 0) {
		r = check_prop(o, "valid_until", P_TIME, false, err);
		if (r == 0)
			r = check_order(o, "valid_from", "valid_until", true, err);
		if (r == 0)
			r = check_pattern(o, err);
	} else if (strcmp(type, "malware") == 0) {
		if (json_is_true(json_object_get(o, "is_family")))
			r = check_prop(o, "name", P_STRING, true, err);
	} else if (strcmp(type, "observed-data") == 0) {
		r = check_order(o, "first_observed", "last_observed", false, err);
	} else if (strcmp(type, "ipv4-addr") == 0) {
		if (!addr_ok(json_object_get(o, "value"), AF_INET))
			r = bad(err, "value is not an IPv4 address or CIDR block");
	} else if (strcmp(type, "ipv6-addr") == 0) {
		if (!addr_ok(json_object_get(o, "value"), AF_INET6))
			r = bad(err, "value is not an IPv6 address or CIDR block");
	} else if (strcmp(type, "file") == 0) {
		if (!h && !json_object_get(o, "name"))
			r = bad(err, "a file needs hashes or a name");
		else
			r = check_prop(o, "name", P_STRING, false, err);
	}
	return r;
}

/* Copies an object's id into the report, cut at a character boundary. */
static void set_id(struct hl_stix_error *err, const json_t *id)
{
	size_t n = 0;
	const char *s = cstr(id, &n);

	if (!s)
		n = 0;
	if (n >= sizeof(err->id)) {
		n = sizeof(err->id) - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n)
		memcpy(err->id, s, n);
	err->id[n] = 0;
}

static int check_object(const json_t *o, struct hl_stix_error *err)
{
	const json_t *id = json_object_get(o, "id");
	const struct rule *rule;
	const char *type, *ids;
	size_t tn, idn;
	int r;

	set_id(err, id);
	if (!json_is_object(o))
		return bad(err, "not a JSON object");
	type = cstr(json_object_get(o, "type"), &tn);
	if (!type)
		return bad(err, "type is missing");
	if (!type_valid(type, tn))
		return bad(err, "type is not a STIX type name (3-250 of a-z, 0-9, -)");
	ids = cstr(id, &idn);
	if (!ids)
		return bad(err, "id is missing");
	if (!id_valid(ids, idn, type))
		return bad(err, "id is not %.60s--<UUID>", type);
	rule = find_rule(type);
	r = check_common(o, rule, err);
	for (size_t i = 0; r == 0 && rule && i < 3 && rule->props[i].name; i++)
		r = check_prop(o, rule->props[i].name, rule->props[i].kind, true, err);
	if (r == 0)
		r = check_type(o, type, err);
	return r;
}

/* Without an id, an object is named by its place: "objects[3]: ...". */
static void name_place(struct hl_stix_error *err, size_t i)
{
	char place[40];
	size_t n = (size_t)snprintf(place, sizeof(place), "objects[%zu]: ", i);
	size_t keep = strnlen(err->reason, sizeof(err->reason) - 1 - n);

	memmove(err->reason + n, err->reason, keep);
	memcpy(err->reason, place, n);
	err->reason[n + keep] = 0;
}

int hl_stix_check(const json_t *bundle, struct hl_stix_error *err)
{
	struct hl_stix_error scratch;
	const json_t *objects, *o, *sv;
	size_t i, n;
	const char *id;
	int r;

	if (!err)
		err = &scratch;
	memset(err, 0, sizeof(*err));
	if (!json_is_object(bundle))
		return bad(err, "the bundle is not a JSON object");
	if (!is_str(json_object_get(bundle, "type"), "bundle"))
		return bad(err, "bundle: type is not \"bundle\"");
	id = cstr(json_object_get(bundle, "id"), &n);
	if (!id || !id_valid(id, n, "bundle"))
		return bad(err, "bundle: id is not bundle--<UUID>");
	/* 2.0 bundles carry spec_version; 2.1 dropped it. */
	sv = json_object_get(bundle, "spec_version");
	if (sv && !is_str(sv, "2.1"))
		return bad(err, "bundle: spec_version is not \"2.1\"");
	objects = json_object_get(bundle, "objects");
	if (!objects)
		return 0;
	if (!json_is_array(objects) || json_array_size(objects) == 0)
		return bad(err, "bundle: objects is not a non-empty list");
	json_array_foreach(objects, i, o) {
		r = check_object(o, err);
		if (r == 0)
			continue;
		if (!err->id[0])
			name_place(err, i);
		return r;
	}
	err->id[0] = 0;
	return 0;
}

/* ---- search terms ---- */

/* Objects whose name (and aliases) are worth searching for. */
static const char *const named_types[] = {
	"malware", "threat-actor", "intrusion-set", "campaign", "tool",
	"attack-pattern", "vulnerability",
};

/* Observables whose value is the thing itself. */
static const char *const valued_types[] = {
	"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "mac-addr",
};

static bool one_of(const char *type, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(type, list[i]) == 0)
			return true;
	return false;
}

static int term(hl_stix_term_fn fn, void *ctx, const char *id, const char *kind,
		const json_t *v)
{
	size_t n;
	const char *s = cstr(v, &n);

	return s && n ? fn(ctx, id, kind, s) : 0;
}

static int pattern_terms(const json_t *o, const char *id, hl_stix_term_fn fn, void *ctx)
{
	const json_t *v = json_object_get(o, "pattern");
	struct pat p = {.fn = fn, .ctx = ctx, .id = id};

	p.s = cstr(v, &p.n);
	if (!p.s || !is_str(json_object_get(o, "pattern_type"), "stix"))
		return 0;
	p.scratch = malloc(p.n + 3);
	if (!p.scratch)
		return -ENOMEM;
	pattern_walk(&p);	/* a bad pattern yields the terms before the fault */
	free(p.scratch);
	return p.fnr;
}

static int named_terms(const json_t *o, const char *id, const char *type,
		       hl_stix_term_fn fn, void *ctx)
{
	const json_t *aliases = json_object_get(o, "aliases"), *v;
	size_t i;
	int r = term(fn, ctx, id, type, json_object_get(o, "name"));

	json_array_foreach(aliases, i, v) {
		if (r)
			break;
		r = term(fn, ctx, id, type, v);
	}
	return r;
}

static int file_terms(const json_t *o, const char *id, hl_stix_term_fn fn, void *ctx)
{
	char kind[KIND_MAX];
	const char *algo;
	json_t *v;
	int r = term(fn, ctx, id, "file:name", json_object_get(o, "name"));
	json_t *h = json_object_get(o, "hashes");

	if (!json_is_object(h))
		return r;
	json_object_foreach(h, algo, v) {
		if (r)
			break;
		snprintf(kind, sizeof(kind), "file:hashes.%s", algo);
		r = term(fn, ctx, id, kind, v);
	}
	return r;
}

static int object_terms(const json_t *o, hl_stix_term_fn fn, void *ctx)
{
	const char *type = cstr(json_object_get(o, "type"), NULL);
	const char *id = cstr(json_object_get(o, "id"), NULL);
	const json_t *asn;
	char kind[KIND_MAX], value[32];

	if (!type || !id)
		return 0;
	if (strcmp(type, "indicator") == 0)
		return pattern_terms(o, id, fn, ctx);
	if (one_of(type, named_types, sizeof(named_types) / sizeof(named_types[0])))
		return named_terms(o, id, type, fn, ctx);
	if (one_of(type, valued_types, sizeof(valued_types) / sizeof(valued_types[0]))) {
		snprintf(kind, sizeof(kind), "%s:value", type);
		return term(fn, ctx, id, kind, json_object_get(o, "value"));
	}
	if (strcmp(type, "file") == 0)
		return file_terms(o, id, fn, ctx);
	asn = json_object_get(o, "number");
	if (strcmp(type, "autonomous-system") == 0 && json_is_integer(asn) &&
	    json_integer_value(asn) >= 0) {
		snprintf(value, sizeof(value), "AS%" JSON_INTEGER_FORMAT, json_integer_value(asn));
		return fn(ctx, id, "autonomous-system:number", value);
	}
	return 0;
}

int hl_stix_terms(const json_t *bundle, hl_stix_term_fn fn, void *ctx)
{
	const json_t *o;
	size_t i;
	int r;

	json_array_foreach(json_object_get(bundle, "objects"), i, o) {
		r = object_terms(o, fn, ctx);
		if (r)
			return r;
	}
	return 0;
}

/* ---- merge ---- */

/* Whether candidate is a later version than current: it has a valid
 * "modified" and current has none, or an earlier one. */
static bool newer(const json_t *candidate, const json_t *current)
{
	const json_t *c = json_object_get(candidate, "modified");
	const json_t *k = json_object_get(current, "modified");

	if (!time_ok(c))
		return false;
	if (!time_ok(k))
		return true;
	return ts_cmp(json_string_value(c), json_string_value(k)) > 0;
}

static void uuid4(char out[UUID_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];
	size_t j = 0;

	randombytes_buf(b, sizeof(b));
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);	/* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* RFC 4122 variant */
	for (size_t i = 0; i < sizeof(b); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[j++] = '-';
		out[j++] = hex[b[i] >> 4];
		out[j++] = hex[b[i] & 15];
	}
	out[j] = 0;
}

/* Adds o to objs, or replaces the version seen[id] points at. */
static int merge_one(json_t *objs, json_t *seen, const json_t *o)
{
	const char *id = cstr(json_object_get(o, "id"), NULL);
	json_t *at, *copy;
	size_t i = 0;

	if (!id)
		return 0;
	at = json_object_get(seen, id);
	if (at) {
		i = (size_t)json_integer_value(at);
		if (!newer(o, json_array_get(objs, i)))
			return 0;
	}
	copy = json_deep_copy(o);
	if (!copy)
		return -ENOMEM;
	if (at)
		return json_array_set_new(objs, i, copy) < 0 ? -ENOMEM : 0;
	if (json_object_set_new(seen, id, json_integer((json_int_t)json_array_size(objs))) < 0) {
		json_decref(copy);
		return -ENOMEM;
	}
	return json_array_append_new(objs, copy) < 0 ? -ENOMEM : 0;
}

json_t *hl_stix_merge(json_t *const *bundles, size_t n)
{
	char id[sizeof("bundle--") + UUID_LEN];
	json_t *objs = json_array(), *seen = json_object(), *out = NULL, *o;
	size_t i, k;
	int r = objs && seen ? 0 : -ENOMEM;

	for (k = 0; r == 0 && k < n; k++) {
		json_array_foreach(json_object_get(bundles[k], "objects"), i, o) {
			r = merge_one(objs, seen, o);
			if (r < 0)
				break;
		}
	}
	if (r < 0)
		goto out;
	memcpy(id, "bundle--", 8);
	uuid4(id + 8);
	out = json_pack("{s:s, s:s}", "type", "bundle", "id", id);
	/* An empty list is not STIX: no objects, no member. */
	if (out && json_array_size(objs) > 0 && json_object_set(out, "objects", objs) < 0) {
		json_decref(out);
		out = NULL;
	}
out:
	json_decref(objs);
	json_decref(seen);
	return out;
}
