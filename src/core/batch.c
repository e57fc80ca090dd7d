/* batch.c - encode and parse push batches. */
#include <string.h>

#include "batch.h"
#include "error.h"
#include "text.h"
#include "tlog.h"

int hl_batch_begin(struct hl_buf *out)
{
	return hl_buf_puts(out, HL_BATCH_TYPE "\n");
}

int hl_batch_add(struct hl_buf *out, const void *envelope, size_t n)
{
	int r = hl_buf_printf(out, "envelope %zu\n", n);

	if (r == 0)
		r = hl_buf_append(out, envelope, n);
	return r;
}

int hl_batch_end(struct hl_buf *out, uint64_t old, const hl_hash *proof,
		 size_t nproof, const void *checkpoint, size_t n)
{
	int r;

	if (nproof > HL_WITNESS_PROOF_MAX)
		return -HL_ETOOBIG;
	r = hl_buf_printf(out, "old %llu\n", (unsigned long long)old);
	return r < 0 ? r : hl_tlog_path_encode(out, proof, nproof, checkpoint, n);
}

static int parse_number(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	if (n == 1 && s[0] == '0') {
		*out = 0;
		return 0;
	}
	return hl_parse_u64(s, n, max, out);
}

static int parse_envelopes(struct hl_lines *l, struct hl_batch *b, const char **line,
			   size_t *len)
{
	for (;;) {
		const char *v;
		size_t vn;
		uint64_t size;
		int r;

		if (!hl_lines_next(l, line, len))
			return -HL_ETRUNCATED;
		if (!hl_field(*line, *len, "envelope", &v, &vn))
			return 0;
		if (b->nenv == HL_BATCH_ENVELOPES_MAX)
			return -HL_ETOOBIG;
		r = hl_parse_u64(v, vn, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX, &size);
		if (r < 0)
			return r;
		if (!hl_lines_take(l, size, &b->env[b->nenv].p))
			return -HL_ETRUNCATED;
		b->env[b->nenv].n = size;
		b->nenv++;
	}
}

int hl_batch_parse(const unsigned char *buf, size_t n, struct hl_batch *b)
{
	const char *line, *v;
	size_t len, vn;
	struct hl_lines l;
	int r;

	memset(b, 0, sizeof(*b));
	if (n > HL_BATCH_MAX)
		return -HL_ETOOBIG;
	hl_lines_init(&l, buf, n);
	if (!hl_lines_next(&l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_BATCH_TYPE))
		return -HL_ETYPE;
	r = parse_envelopes(&l, b, &line, &len);
	if (r < 0)
		return r;
	if (!hl_field(line, len, "old", &v, &vn))
		return -HL_EFIELD;
	r = parse_number(v, vn, INT64_MAX, &b->old);
	if (r < 0)
		return r;
	return hl_tlog_path_parse(&l, b->proof, HL_WITNESS_PROOF_MAX, &b->nproof,
				  &b->checkpoint, &b->checkpoint_len);
}
