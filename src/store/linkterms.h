/* linkterms.h - a link's control messages from the content index,
 * folded (core/terms.h): the versions of the terms in force, the
 * suspensions, and what each message did. */
#ifndef HL_LINKTERMS_H
#define HL_LINKTERMS_H

#include "config.h"
#include "party.h"
#include "store.h"
#include "terms.h"

struct hl_link_terms {
	struct hl_terms_item *it;	/* by side and seq, with their verdicts */
	size_t n, cap;
	struct hl_terms_version *v;	/* oldest first */
	size_t nv;
	struct hl_suspension *s;	/* likewise */
	size_t ns;
};

/* Reads and folds the control messages of l as the index holds them
 * (the caller brings the index up to date first); me is this party.
 * 0, -HL_ESTORE or -ENOMEM; free *out with hl_link_terms_free. */
int hl_store_link_terms(struct hl_store *st, const struct hl_party *me,
			const struct hl_link *l, struct hl_link_terms *out);

/* The suspensions in force at t, ours first: how many (0, 1 or 2). */
size_t hl_link_suspensions(const struct hl_link_terms *t, int64_t t_at,
			   const struct hl_suspension *out[2]);
void hl_link_terms_free(struct hl_link_terms *t);

/* The newest version in force, or NULL before any was accepted. */
const struct hl_terms_version *hl_link_terms_newest(const struct hl_link_terms *t);

/* When a message of link (a peer's name) dated sent at precedence p is
 * due to be acknowledged (ack) or receipted: the terms in force at sent,
 * else hotline.conf's (protocol.md 8.13). */
int64_t hl_link_terms_due(const struct hl_link_terms *t, const struct hl_config *conf,
			  const char *link, bool ack, enum hl_precedence p, int64_t sent);

#endif
