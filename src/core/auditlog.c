/* auditlog.c - encode and parse the audit trail's entries, checkpoints
 * and proofs (auditlog.h has the formats). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auditlog.h"
#include "error.h"
#include "tlog.h"

#define DUMP_FLAGS (JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII)

/* A value of a line: 1..max bytes of UTF-8 text, no control character,
 * no space at either end (so that it has one spelling). */
static bool word_valid(const char *s, size_t n, size_t max)
{
	return n >= 1 && n <= max && s[0] != ' ' && s[n - 1] != ' ' &&
	       hl_text_check((const unsigned char *)s, n) == 0 && !memchr(s, '\n', n);
}

/* The canonical form of detail, or of its digest when too long;
 * malloc'd, NULL when out of memory. */
static char *detail_text(const json_t *detail)
{
	json_t *empty = detail ? NULL : json_object(), *sum;
	char *s = json_dumps(detail ? detail : empty, DUMP_FLAGS);
	unsigned char h[32];
	char hex[65];

	json_decref(empty);
	if (!s || strlen(s) <= HL_AUDIT_DETAIL_MAX)
		return s;
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	sum = json_pack("{s:s, s:I, s:b}", "sha256", hex, "size", (json_int_t)strlen(s),
			"truncated", 1);
	free(s);
	s = sum ? json_dumps(sum, DUMP_FLAGS) : NULL;
	json_decref(sum);
	return s;
}

int hl_audit_entry_encode(const struct hl_audit_entry *e, const json_t *detail,
			  struct hl_buf *out)
{
	char when[HL_TIME_LEN + 1];
	char *d;
	int r;

	if (detail && !json_is_object(detail))
		return -HL_EFIELD;
	if (e->seq < 1 || e->seq > INT64_MAX || e->status < 100 || e->status > 599 ||
	    !word_valid(e->op, strlen(e->op), HL_NAME_MAX) ||
	    !word_valid(e->role, strlen(e->role), HL_AUDIT_WORD_MAX) ||
	    !word_valid(e->door, strlen(e->door), HL_AUDIT_WORD_MAX) ||
	    !word_valid(e->action, strlen(e->action), HL_AUDIT_WORD_MAX))
		return -HL_EFIELD;
	if (!hl_time_format(e->time, when))
		return -HL_ETIME;
	d = detail_text(detail);
	if (!d)
		return -ENOMEM;
	r = hl_buf_printf(out, HL_AUDIT_TYPE "\nseq %llu\ntime %s\noperator %s\nrole %s\n"
			  "door %s\naction %s\nstatus %u\ndetail %s\n",
			  (unsigned long long)e->seq, when, e->op, e->role, e->door,
			  e->action, e->status, d);
	free(d);
	return r;
}

/* The next line, which must be "key value"; value copied to out. */
static int word(struct hl_lines *l, const char *key, char *out, size_t max)
{
	const char *line, *v;
	size_t len, vn;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_field(line, len, key, &v, &vn))
		return -HL_EFIELD;
	if (!word_valid(v, vn, max))
		return -HL_ESYNTAX;
	memcpy(out, v, vn);
	out[vn] = 0;
	return 0;
}

static int number(struct hl_lines *l, const char *key, uint64_t max, uint64_t *out)
{
	char s[32];
	int r = word(l, key, s, sizeof(s) - 1);

	return r < 0 ? r : hl_parse_u64(s, strlen(s), max, out);
}

/* detail must be a JSON object whose canonical form is exactly it. */
static int detail_check(const char *s, size_t n)
{
	json_t *j = json_loadb(s, n, JSON_REJECT_DUPLICATES, NULL);
	char *c = j && json_is_object(j) ? json_dumps(j, DUMP_FLAGS) : NULL;
	int r = c && strlen(c) == n && memcmp(c, s, n) == 0 ? 0 : -HL_ESYNTAX;

	free(c);
	json_decref(j);
	return r;
}

static int entry_fields(struct hl_lines *l, struct hl_audit_entry *e)
{
	char when[HL_TIME_LEN + 1];
	uint64_t status = 0;
	int r;

	r = number(l, "seq", INT64_MAX, &e->seq);
	if (r == 0 && e->seq == 0)
		r = -HL_ENUMBER;
	if (r == 0)
		r = word(l, "time", when, HL_TIME_LEN);
	if (r == 0)
		r = hl_time_parse(when, strlen(when), &e->time);
	if (r == 0)
		r = word(l, "operator", e->op, HL_NAME_MAX);
	if (r == 0)
		r = word(l, "role", e->role, HL_AUDIT_WORD_MAX);
	if (r == 0)
		r = word(l, "door", e->door, HL_AUDIT_WORD_MAX);
	if (r == 0)
		r = word(l, "action", e->action, HL_AUDIT_WORD_MAX);
	if (r == 0)
		r = number(l, "status", 599, &status);
	if (r == 0 && status < 100)
		r = -HL_ENUMBER;
	e->status = (unsigned)status;
	return r;
}

int hl_audit_entry_parse(const unsigned char *buf, size_t n, struct hl_audit_entry *e)
{
	struct hl_lines l;
	const char *line;
	size_t len;
	int r;

	memset(e, 0, sizeof(*e));
	if (n > HL_AUDIT_ENTRY_MAX)
		return -HL_ETOOBIG;
	r = hl_text_check(buf, n);
	if (r < 0)
		return r;
	hl_lines_init(&l, buf, n);
	if (!hl_lines_next(&l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_AUDIT_TYPE))
		return -HL_ETYPE;
	r = entry_fields(&l, e);
	if (r < 0)
		goto out;
	r = -HL_ETRUNCATED;
	if (!hl_lines_next(&l, &line, &len))
		goto out;
	r = -HL_EFIELD;
	if (!hl_field(line, len, "detail", &e->detail, &e->detail_len))
		goto out;
	r = detail_check(e->detail, e->detail_len);
	if (r == 0 && l.p != l.end)
		r = -HL_ETRAILING;
out:
	if (r < 0)
		memset(e, 0, sizeof(*e));
	return r;
}

void hl_audit_origin(const char *party, char out[HL_ORIGIN_MAX + 1])
{
	size_t p = strlen(HL_AUDIT_ORIGIN_PREFIX), n = strnlen(party, HL_NAME_MAX);

	memcpy(out, HL_AUDIT_ORIGIN_PREFIX, p);
	memcpy(out + p, party, n);
	out[p + n] = 0;
}

static bool origin_valid(const char *s, size_t n)
{
	size_t p = strlen(HL_AUDIT_ORIGIN_PREFIX);

	return n > p && memcmp(s, HL_AUDIT_ORIGIN_PREFIX, p) == 0 &&
	       hl_name_valid(s + p, n - p);
}

int hl_audit_checkpoint_sign(const char *origin, uint64_t size, const hl_hash root,
			     const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out)
{
	return hl_checkpoint_sign_for(origin_valid, origin, size, root, sk, out);
}

int hl_audit_checkpoint_open(const unsigned char *buf, size_t n, const char *party,
			     const unsigned char pk[HL_ED25519_PK_LEN],
			     struct hl_checkpoint *cp)
{
	char want[HL_ORIGIN_MAX + 1];
	int r = hl_checkpoint_parse_for(origin_valid, buf, n, cp);

	if (r == 0 && party) {
		hl_audit_origin(party, want);
		if (strcmp(want, cp->origin) != 0)
			r = -HL_ETYPE;
	}
	if (r == 0)
		r = hl_checkpoint_verify(cp, pk);
	return r;
}

int hl_audit_proof_encode(struct hl_buf *out, const void *entry, size_t n,
			  uint64_t index, const hl_hash *path, size_t npath,
			  const void *checkpoint, size_t cplen)
{
	int r = hl_buf_printf(out, HL_AUDIT_PROOF_TYPE "\nentry %zu\n", n);

	if (r == 0)
		r = hl_buf_append(out, entry, n);
	if (r == 0)
		r = hl_tlog_proof_encode(out, index, path, npath, checkpoint, cplen);
	return r;
}

static int proof_head(struct hl_lines *l, struct hl_audit_proof *p)
{
	const char *line;
	size_t len;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_AUDIT_PROOF_TYPE))
		return -HL_ETYPE;
	return hl_lines_counted(l, "entry", HL_AUDIT_ENTRY_MAX, &p->entry, &p->entry_len);
}

int hl_audit_proof_parse(const unsigned char *buf, size_t n, struct hl_audit_proof *p)
{
	struct hl_lines l;
	int r;

	memset(p, 0, sizeof(*p));
	if (n > HL_AUDIT_PROOF_MAX)
		return -HL_ETOOBIG;
	hl_lines_init(&l, buf, n);
	r = proof_head(&l, p);
	if (r == 0)
		r = hl_tlog_proof_parse(&l, &p->index, p->path, HL_MERKLE_PROOF_MAX,
					&p->npath, &p->checkpoint, &p->checkpoint_len);
	if (r < 0)
		memset(p, 0, sizeof(*p));
	return r;
}

int hl_audit_proof_verify(const struct hl_audit_proof *p, const char *party,
			  const unsigned char pk[HL_ED25519_PK_LEN],
			  struct hl_audit_entry *e, struct hl_checkpoint *cp)
{
	hl_hash leaf;
	int r;

	r = hl_audit_checkpoint_open(p->checkpoint, p->checkpoint_len, party, pk, cp);
	if (r < 0)
		return r;
	r = hl_audit_entry_parse(p->entry, p->entry_len, e);
	if (r < 0)
		return r;
	if (e->seq != p->index + 1 || p->index >= cp->size)
		return -HL_EPROOF;
	hl_merkle_leaf(p->entry, p->entry_len, leaf);
	if (!hl_merkle_verify_inclusion(leaf, p->index, cp->size, (const hl_hash *)p->path,
					p->npath, cp->root))
		return -HL_EPROOF;
	return 0;
}
