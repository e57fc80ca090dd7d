/* text.h - checks and field parsing shared by every text format.
 *
 * Notes, cards and envelope headers are lines of "key value" text.  These
 * helpers validate that text strictly (UTF-8, no control characters, one
 * canonical spelling of each number and time) so that a signed object
 * has exactly one byte form.
 */
#ifndef HL_TEXT_H
#define HL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HL_NAME_MAX 63
#define HL_TIME_LEN 20		/* "2026-11-22T09:54:00Z" */
#define HL_TIME_MAX 253402300799LL	/* 9999-12-31T23:59:59Z */
#define HL_TIME_INVALID "(invalid time)"	/* what hl_time_format shows else */

/* Well-formed UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
bool hl_utf8_valid(const unsigned char *s, size_t n);

/* 0, or -HL_EUTF8 / -HL_ECONTROL: the rule for signed-note text, which
 * forbids the ASCII control characters but newline (C1 controls are
 * text here, as in C2SP; printing to a terminal escapes them). */
int hl_text_check(const unsigned char *s, size_t n);

/* A party name: 1..63 of [a-z0-9.-], starting and ending with a letter
 * or digit. */
bool hl_name_valid(const char *s, size_t n);

/* A link's name: its party's, or, once archived, the party's name cut
 * short and ~k (k >= 1), as the store renames it (protocol.md 8.15). */
bool hl_link_name_valid(const char *s, size_t n);

/* A Unix user or group name as the configuration and the operators'
 * mappings take it: 1..32 of A-Z a-z 0-9 . _ -, not first '-'. */
#define HL_UNIX_NAME_MAX 32
bool hl_unix_name_valid(const char *s);

/* A cursor over newline-terminated lines.  next() fails on a last line
 * that lacks its newline. */
struct hl_lines {
	const char *p;
	const char *end;
};
void hl_lines_init(struct hl_lines *l, const void *s, size_t n);
bool hl_lines_next(struct hl_lines *l, const char **line, size_t *len);
/* Takes the next n bytes, whatever they hold (an object that comes
 * with its length); false when fewer are left. */
bool hl_lines_take(struct hl_lines *l, size_t n, const unsigned char **p);
/* Whether line is exactly want. */
bool hl_line_is(const char *line, size_t len, const char *want);
/* A line "<key> <n>", n at most max, and the n bytes after it, which
 * *p points to; -HL_ETRUNCATED, -HL_EFIELD or the number's error. */
int hl_lines_counted(struct hl_lines *l, const char *key, uint64_t max,
		     const unsigned char **p, size_t *n);

/* If line is "<key> <value>" with a non-empty value, sets val and
 * returns true. */
bool hl_field(const char *line, size_t len, const char *key,
	      const char **val, size_t *vlen);

/* Splits s at the first space: head is s[0..*hlen), rest after it. */
bool hl_split(const char *s, size_t n, size_t *hlen,
	      const char **rest, size_t *rlen);

/* Decimal without sign or leading zeros, at most max. */
int hl_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out);

/* True if s holds only base64's alphabet and '='.  libsodium's decoder
 * must see nothing else: it reads every byte of 0x80..0xff as '/'. */
bool hl_b64_alphabet(const char *s, size_t n);

/* Standard base64 of exactly want bytes (canonical: padding required). */
int hl_b64_exact(const char *s, size_t n, unsigned char *out, size_t want);

/* UTC seconds since the epoch <-> "YYYY-MM-DDTHH:MM:SSZ". */
int hl_time_parse(const char *s, size_t n, int64_t *out);
/* Spells t; false, with HL_TIME_INVALID in out, when !hl_time_valid(t). */
bool hl_time_format(int64_t t, char out[HL_TIME_LEN + 1]);
/* True for the times the format can spell: 1970 to 9999. */
bool hl_time_valid(int64_t t);

#endif
