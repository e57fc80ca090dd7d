/* check.c - send a communication check, find the last one sent. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "content.h"
#include "text.h"
#include "transcript.h"

int hl_check_send(struct hl_store *st, const struct hl_party *me,
		  const struct hl_link *l, enum hl_precedence p, int64_t now,
		  uint64_t *seq)
{
	char when[HL_TIME_LEN + 1], text[HL_NAME_MAX + 64];
	struct hl_send msg = {.precedence = p, .kind = "check", .now = now};
	struct hl_text t = {"en", text, 0};
	struct hl_buf content;
	int r;

	hl_time_format(now, when);
	t.len = (size_t)snprintf(text, sizeof(text), "Communication check from %s at %s",
				 me->card.name, when);
	hl_buf_init(&content, 4096);
	r = hl_content_encode("check", &t, NULL, NULL, &content);
	msg.plain = content.data;
	msg.plain_len = content.len;
	if (r == 0)
		r = hl_transcript_send(st, me, l, &msg, seq);
	hl_buf_free(&content);
	return r;
}

struct last {
	uint64_t *after;
	int64_t *when;
};

static int last_one(void *ctx, const struct hl_message *m)
{
	struct last *ls = ctx;

	*ls->after = m->seq;
	if (strcmp(m->kind, "check") == 0)
		*ls->when = m->time;
	return 0;
}

int hl_check_last(struct hl_store *st, int64_t link, uint64_t *after, int64_t *when)
{
	struct last ls = {after, when};

	return hl_store_message_each(st, link, HL_OURS, *after, last_one, &ls);
}
