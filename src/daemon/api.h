/* api.h - the local operator API: HTTP and JSON on a unix socket in the
 * party's home (<home>/hotlined.sock, mode 0600: the file system is the
 * access control until operator roles come).
 *
 *   POST /v1/wake     the courier looks at every link now
 *   GET  /v1/status   the courier's view of each link, as JSON
 *   POST /v1/send     {"to", "text", "lang"?, "summary"?, "summary_lang"?,
 *                      "precedence"?, "kind"?} -> {"link", "seq"},
 *                     answered once the message is durable (group commit)
 */
#ifndef HL_API_H
#define HL_API_H

#include "courier.h"
#include "writer.h"
#include "party.h"

#define HL_API_SOCKET "hotlined.sock"

struct hl_api;

int hl_api_start(const struct hl_party *me, const char *db, struct hl_courier *courier,
		 struct hl_writer *writer, struct hl_api **out, char *err, size_t errlen);
void hl_api_stop(struct hl_api *api);

#endif
