/* taxii.h - the TAXII 2.1 server on the HTTPS door (docs/feeds.md).
 *
 * Every path of the operator HTTPS listener under /taxii2/ is the
 * feed's (never the peer port's, nor the unix socket's): api.c's admit
 * hands the request here whole, before any body byte is read.  This
 * file speaks HTTP: the feed token (HTTP Basic, or Bearer), the Accept
 * header, the path and query (core/taxiiq.h), the TAXII error object,
 * and the pages of objects streamed from the desk (desk/feed.h) a piece
 * at a time.  What is served, to whom, is the desk's; every request is
 * in the audit trail.
 */
#ifndef HL_TAXII_H
#define HL_TAXII_H

#include <microhttpd.h>

#include "desk.h"

/* Answers method on target (the path as sent, without its query). */
enum MHD_Result hl_taxii_answer(struct hl_desk_shared *s, struct MHD_Connection *c,
				const char *method, const char *target);

#endif
