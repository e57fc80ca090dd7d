/* api.h - the operator API: HTTP and JSON on a unix socket in the
 * party's home (<home>/hotlined.sock, mode 0600, or 0660 for api.group)
 * and, when console.listen is set, on an HTTPS listener of its own.
 *
 * Each request is one call of the desk (desk.h): the route table in
 * src/desk/routes.c says which paths exist, the same on both doors; a
 * POST's JSON body or a GET's query string are the arguments.  The
 * operator is the Unix user at the other end of the socket
 * (SO_PEERCRED), or over HTTPS the session that POST /v1/login opened
 * (session.h), with a CSRF token on every POST.  Answers are JSON: the
 * desk's result with 200, or {"error", "status", "needs"?} with the
 * status of the refusal.  docs/api.md describes every route.
 */
#ifndef HL_API_H
#define HL_API_H

#include "courier.h"
#include "writer.h"
#include "party.h"

#define HL_API_SOCKET HL_PARTY_SOCKET

struct hl_api;

int hl_api_start(const struct hl_party *me, const char *db, struct hl_courier *courier,
		 struct hl_writer *writer, struct hl_api **out, char *err, size_t errlen);
void hl_api_stop(struct hl_api *api);

#endif
