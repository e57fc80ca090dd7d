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
	{"POST", "/v1/send",        hl_desk_send_any,      HL_RIGHT_SEND,   BODY_SEND,  true},
	{"POST", "/v1/ack",         hl_desk_ack,           HL_RIGHT_ACK,    BODY_SEND,  true},
	{"POST", "/v1/answer",      hl_desk_answer,        HL_RIGHT_ACK,    BODY_SEND,  true},
	{"POST", "/v1/retract",     hl_desk_retract,       HL_RIGHT_CLOSE,  BODY_SEND,  true},
	{"POST", "/v1/correct",     hl_desk_correct,       HL_RIGHT_SEND,   BODY_SEND,  true},
	{"POST", "/v1/case/close",  hl_desk_close,         HL_RIGHT_CLOSE,  BODY_SEND,  true},
	{"POST", "/v1/check/run",   hl_desk_check_run,     HL_RIGHT_SEND,   BODY_SMALL, true},
	{"GET",  "/v1/check/report", hl_desk_check_report, HL_RIGHT_READ,   0,          false},
	{NULL, NULL, NULL, HL_RIGHT_NONE, 0, false},
};
