/* feedpage.c - the pages of objects the TAXII door streams (feed.h). */
#include <stdlib.h>

#include "feedpriv.h"

struct hl_feed_page {
	size_t sent;
};

int feed_case_collections(struct hl_store *st, const char *me, const struct hl_link *l,
			  int (*fn)(void *ctx, const struct feed_coll *c), void *ctx)
{
	(void)st;
	(void)me;
	(void)l;
	(void)fn;
	(void)ctx;
	return 0;
}

int hl_desk_feed_page_open(struct hl_desk_shared *s, const struct hl_feed_req *q,
			   struct hl_feed_page **out, struct hl_desk_err *e)
{
	(void)s;
	(void)q;
	*out = NULL;
	hl_desk_fail(e, 501, "objects are not served yet");
	return -1;
}

bool hl_feed_page_dates(const struct hl_feed_page *p, char first[HL_TAXII_TIME_LEN + 1],
			char last[HL_TAXII_TIME_LEN + 1])
{
	(void)p;
	first[0] = last[0] = 0;
	return false;
}

ssize_t hl_feed_page_read(struct hl_feed_page *p, char *buf, size_t max)
{
	(void)p;
	(void)buf;
	(void)max;
	return 0;
}

size_t hl_feed_page_sent(const struct hl_feed_page *p)
{
	return p ? p->sent : 0;
}

void hl_feed_page_free(struct hl_feed_page *p)
{
	free(p);
}
