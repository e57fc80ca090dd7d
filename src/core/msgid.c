/* msgid.c - naming messages "LINK/SEQ" and "LINK/out/SEQ" (msgid.h). */
#include <stdio.h>
#include <string.h>

#include "msgid.h"

bool hl_msgid_parse(const char *id, char link[HL_NAME_MAX + 1], int *side, uint64_t *seq)
{
	const char *slash = strchr(id, '/'), *num;
	size_t n;

	if (!slash || (size_t)(slash - id) > HL_NAME_MAX)
		return false;
	n = (size_t)(slash - id);
	memcpy(link, id, n);
	link[n] = 0;
	num = slash + 1;
	*side = HL_THEIRS;
	if (strncmp(num, "out/", 4) == 0) {
		*side = HL_OURS;
		num += 4;
	}
	return hl_link_name_valid(link, n) &&
	       hl_parse_u64(num, strlen(num), INT64_MAX, seq) == 0 && *seq > 0;
}

void hl_msgid_format(const char *link, int side, uint64_t seq, char out[HL_MSGID_MAX + 1])
{
	snprintf(out, HL_MSGID_MAX + 1, "%.*s/%s%llu", HL_NAME_MAX, link,
		 side == HL_OURS ? "out/" : "", (unsigned long long)seq);
}
