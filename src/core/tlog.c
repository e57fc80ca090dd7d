/* tlog.c - the path and checkpoint that C2SP's tlog texts end with. */
#include "error.h"
#include "tlog.h"

int hl_tlog_path_encode(struct hl_buf *out, const hl_hash *path, size_t npath,
			const void *checkpoint, size_t cplen)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < npath; i++) {
		r = hl_buf_b64(out, path[i], HL_HASH_LEN);
		if (r == 0)
			r = hl_buf_puts(out, "\n");
	}
	if (r == 0)
		r = hl_buf_puts(out, "\n");
	if (r == 0)
		r = hl_buf_append(out, checkpoint, cplen);
	return r;
}

int hl_tlog_proof_encode(struct hl_buf *out, uint64_t index, const hl_hash *path,
			 size_t npath, const void *checkpoint, size_t cplen)
{
	int r = hl_buf_printf(out, HL_TLOG_PROOF_TYPE "\nindex %llu\n",
			      (unsigned long long)index);

	return r < 0 ? r : hl_tlog_path_encode(out, path, npath, checkpoint, cplen);
}

int hl_tlog_path_parse(struct hl_lines *l, hl_hash *path, size_t max, size_t *npath,
		       const unsigned char **checkpoint, size_t *cplen)
{
	const char *line;
	size_t len;
	int r;

	*npath = 0;
	for (;;) {
		if (!hl_lines_next(l, &line, &len))
			return -HL_ETRUNCATED;
		if (len == 0)
			break;
		if (*npath == max)
			return -HL_ETOOBIG;
		r = hl_b64_exact(line, len, path[(*npath)++], HL_HASH_LEN);
		if (r < 0)
			return r;
	}
	if (l->p >= l->end)
		return -HL_ETRUNCATED;
	/* The checkpoint runs to the end; its parser checks every byte. */
	*checkpoint = (const unsigned char *)l->p;
	*cplen = (size_t)(l->end - l->p);
	return 0;
}

int hl_tlog_proof_parse(struct hl_lines *l, uint64_t *index, hl_hash *path, size_t max,
			size_t *npath, const unsigned char **checkpoint, size_t *cplen)
{
	const char *line, *v;
	size_t len, vn;
	int r;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_TLOG_PROOF_TYPE))
		return -HL_EFIELD;
	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_field(line, len, "index", &v, &vn))
		return -HL_EFIELD;
	*index = 0;
	r = vn == 1 && v[0] == '0' ? 0 : hl_parse_u64(v, vn, INT64_MAX - 1, index);
	return r < 0 ? r : hl_tlog_path_parse(l, path, max, npath, checkpoint, cplen);
}
