/* routes.c - every route of the operator API, in one table.
 *
 * docs/openapi.json describes the same routes; a test compares the two.
 * Arguments come as a JSON object in a POST's body, or as the query
 * string of a GET; body_max caps the body before a byte is read. */
#include "desk.h"
#include "content.h"
#include "keysdesk.h"

#define BODY_SEND (2 * HL_PLAIN_MAX)	/* JSON escapes can double the content */
#define BODY_SMALL 16384
#define BODY_CARD (6 * HL_CARD_MAX + 1024)	/* a card's text, even all \u escapes */
#define BODY_GROUP (10000 * (HL_NAME_MAX + 16) + 1024)	/* 10,000 link names */

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
	/* operator.c */
	{"GET",  "/v1/operators",   hl_desk_operators,     HL_RIGHT_AUDIT,  0,          false},
	{"GET",  "/v1/operator",    hl_desk_operator_show, HL_RIGHT_AUDIT,  0,          false},
	{"POST", "/v1/operator/add", hl_desk_operator_add, HL_RIGHT_ADMIN,  BODY_SMALL, true},
	{"POST", "/v1/operator/disable", hl_desk_operator_disable, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{"POST", "/v1/operator/enable", hl_desk_operator_enable, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{"POST", "/v1/operator/role", hl_desk_operator_role, HL_RIGHT_ADMIN, BODY_SMALL, true},
	/* An admin sets anyone's; an operator their own, with the current one. */
	{"POST", "/v1/operator/passwd", hl_desk_operator_passwd, HL_RIGHT_NONE, BODY_SMALL, true},
	{"POST", "/v1/operator/totp", hl_desk_operator_totp, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{"POST", "/v1/operator/map", hl_desk_operator_map,  HL_RIGHT_ADMIN,  BODY_SMALL, true},
	{"POST", "/v1/operator/unmap", hl_desk_operator_unmap, HL_RIGHT_ADMIN, BODY_SMALL, true},
	/* ticket.c: a one-time login for the HTTPS door, kept in memory. */
	{"POST", "/v1/operator/ticket", hl_desk_operator_ticket, HL_RIGHT_ADMIN, BODY_SMALL, true},
	/* tlsdesk.c: our TLS certificate issued again for the same key. */
	{"POST", "/v1/card/tls-renew", hl_desk_card_tls_renew, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{"GET",  "/v1/events",      hl_desk_events,        HL_RIGHT_READ,   0,          false, .stream = true},
	{"GET",  "/v1/audit",       hl_desk_audit_list,    HL_RIGHT_AUDIT,  0,          false},
	{"POST", "/v1/audit/verify", hl_desk_audit_verify, HL_RIGHT_AUDIT,  BODY_SMALL, false},
	{"GET",  "/v1/audit/proof", hl_desk_audit_proof,   HL_RIGHT_AUDIT,  0,          false},
	/* logdesk.c: the checks of 'hotline log verify', a read. */
	{"POST", "/v1/log/verify",  hl_desk_log_verify,    HL_RIGHT_READ,   BODY_SMALL, false},
	{"GET",  "/v1/links",       hl_desk_link_list,     HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/link",        hl_desk_link_show,     HL_RIGHT_READ,   0,          false},
	{"POST", "/v1/link/add",    hl_desk_link_add,      HL_RIGHT_LINK,   BODY_CARD,  true},
	{"POST", "/v1/link/confirm", hl_desk_link_confirm, HL_RIGHT_LINK,   BODY_SMALL, true},
	/* cardcheck.c: the card the peer serves, fetched by the courier. */
	{"GET",  "/v1/link/card",   hl_desk_link_card,     HL_RIGHT_READ,   0,          false},
	/* keysdesk.c: each side's key eras; this party's card and its eras. */
	{"GET",  "/v1/link/keys",   hl_desk_link_keys,     HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/card",        hl_desk_card_show,     HL_RIGHT_READ,   0,          false},
	/* terms.c */
	{"GET",  "/v1/link/terms",  hl_desk_terms_show,    HL_RIGHT_READ,   0,          false},
	{"POST", "/v1/link/terms/propose", hl_desk_terms_propose, HL_RIGHT_LINK, BODY_SMALL, true},
	{"POST", "/v1/link/terms/accept", hl_desk_terms_accept, HL_RIGHT_LINK, BODY_SMALL, true},
	{"POST", "/v1/link/terms/decline", hl_desk_terms_decline, HL_RIGHT_LINK, BODY_SMALL, true},
	/* suspend.c */
	{"POST", "/v1/link/suspend", hl_desk_link_suspend, HL_RIGHT_LINK,   BODY_SMALL, true},
	{"POST", "/v1/link/resume", hl_desk_link_resume,   HL_RIGHT_LINK,   BODY_SMALL, true},
	/* archive.c */
	{"POST", "/v1/link/archive", hl_desk_link_archive, HL_RIGHT_LINK,   BODY_SMALL, true},
	{"GET",  "/v1/held",        hl_desk_held_list,     HL_RIGHT_READ,   0,          false},
	{"POST", "/v1/held/drop",   hl_desk_held_drop,     HL_RIGHT_SEND,   BODY_SMALL, true},
	/* card.c: a change of our own keys, on every live link. */
	{"POST", "/v1/card/rotate", hl_desk_card_rotate,   HL_RIGHT_ADMIN,  BODY_SMALL, true},
	{"POST", "/v1/card/tls-switch", hl_desk_card_tls_switch, HL_RIGHT_ADMIN, BODY_SMALL, true},
	/* rekey.c: a new key by voice after a loss, ours and the peer's. */
	{"POST", "/v1/card/rekey",  hl_desk_card_rekey,    HL_RIGHT_ADMIN,  BODY_SMALL, true},
	{"POST", "/v1/link/rekey",  hl_desk_link_rekey,    HL_RIGHT_LINK,   BODY_CARD,  true},
	/* A proof may disclose a message's key: recorded, as actions are. */
	{"POST", "/v1/proof/export", hl_desk_proof_export, HL_RIGHT_READ,   BODY_SMALL, true},
	/* groups.c: groups of links at their owner. */
	{"GET",  "/v1/groups",      hl_desk_groups,        HL_RIGHT_NONE,   0,          false},
	{"GET",  "/v1/group",       hl_desk_group_show,    HL_RIGHT_NONE,   0,          false},
	{"POST", "/v1/group/create", hl_desk_group_create, HL_RIGHT_GROUP,  BODY_SMALL, true},
	{"POST", "/v1/group/add",   hl_desk_group_add,     HL_RIGHT_GROUP,  BODY_GROUP, true},
	{"POST", "/v1/group/remove", hl_desk_group_remove, HL_RIGHT_GROUP,  BODY_GROUP, true},
	{"POST", "/v1/send",        hl_desk_send_any,      HL_RIGHT_SEND,   BODY_SEND,  true},
	{"POST", "/v1/ack",         hl_desk_ack,           HL_RIGHT_ACK,    BODY_SEND,  true},
	{"POST", "/v1/answer",      hl_desk_answer,        HL_RIGHT_ACK,    BODY_SEND,  true},
	{"POST", "/v1/retract",     hl_desk_retract,       HL_RIGHT_CLOSE,  BODY_SEND,  true},
	{"POST", "/v1/correct",     hl_desk_correct,       HL_RIGHT_SEND,   BODY_SEND,  true},
	{"POST", "/v1/case/close",  hl_desk_close,         HL_RIGHT_CLOSE,  BODY_SEND,  true},
	{"POST", "/v1/check/run",   hl_desk_check_run,     HL_RIGHT_SEND,   BODY_SMALL, true},
	{"GET",  "/v1/check/report", hl_desk_check_report, HL_RIGHT_READ,   0,          false},
	/* groupsend.c: what went to whom for one group message. */
	{"GET",  "/v1/group/message", hl_desk_group_message, HL_RIGHT_READ, 0,          false},
	/* groupboard.c: where each member stands, and a group's messages. */
	{"GET",  "/v1/group/board", hl_desk_group_board,   HL_RIGHT_READ,   0,          false},
	{"GET",  "/v1/group/messages", hl_desk_group_messages, HL_RIGHT_READ, 0,        false},
	/* feedtok.c: the TAXII feed's tokens (daemon/taxii.c serves the feed). */
	{"POST", "/v1/feed/token/add", hl_desk_feed_token_add, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{"GET",  "/v1/feed/token/list", hl_desk_feed_token_list, HL_RIGHT_ADMIN, 0,     false},
	{"POST", "/v1/feed/token/revoke", hl_desk_feed_token_revoke, HL_RIGHT_ADMIN, BODY_SMALL, true},
	{NULL, NULL, NULL, HL_RIGHT_NONE, 0, false},
};
