/* routes.c - every route of the operator API, in one table.
 *
 * docs/openapi.json describes the same routes; a test compares the two.
 * Arguments come as a JSON object in a POST's body, or as the query
 * string of a GET; body_max caps the body before a byte is read. */
#include "desk.h"
#include "content.h"

#define BODY_SEND (2 * HL_PLAIN_MAX)	/* JSON escapes can double the content */
#define BODY_SMALL 16384

const struct hl_desk_route hl_desk_routes[] = {
	/* method  path              function               right            body       changes */
	{"GET",  "/v1/whoami",      hl_desk_whoami,        HL_RIGHT_NONE,   0,          false},
	{"GET",  "/v1/status",      hl_desk_status_links,  HL_RIGHT_NONE,   0,          false},
	{"POST", "/v1/wake",        hl_desk_wake,          HL_RIGHT_NONE,   BODY_SMALL, false},
	{"GET",  "/v1/inbox",       hl_desk_inbox,         HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/show",        hl_desk_show,          HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/outbox",      hl_desk_outbox,        HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/case/list",   hl_desk_case_list,     HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/case/show",   hl_desk_case_show,     HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/search",      hl_desk_search,        HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/export",      hl_desk_export,        HL_RIGHT_READ,   0,          false},
	{"POST", "/v1/send",        hl_desk_send,          HL_RIGHT_SEND,   BODY_SEND,  true},
	{NULL, NULL, NULL, HL_RIGHT_NONE, 0, false},
};
