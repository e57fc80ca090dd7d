/* desk.h - the desk: one function per operator action and listing.
 *
 * The operator API (daemon/api.c), and through it the CLI and the
 * console, are doors onto this layer: a door parses its input into a
 * JSON object of arguments, calls hl_desk_call(), and renders the JSON
 * it gets back.  Every rule about who may do what and how a message is
 * composed lives here, once; the desk prints nothing.
 *
 * A desk function takes the desk (store handle, party, writer, courier)
 * and a request (the acting operator, the arguments, the time) and
 * returns a new JSON value, or NULL with err filled: an HTTP status and
 * a sentence for a person.  The route table (routes.c) says which
 * method and path reach each function and which right it needs.
 */
#ifndef HL_DESK_H
#define HL_DESK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "card.h"
#include "envelope.h"
#include "party.h"
#include "store.h"

struct hl_courier;
struct hl_writer;

/* Roles, as bits: an operator may hold several. */
enum hl_role {
	HL_ROLE_DUTY = 1,	/* read, acknowledge, answer, send up to a cap */
	HL_ROLE_SUPERVISOR = 2,	/* all of that at any precedence, close, retract, links */
	HL_ROLE_AUDITOR = 4,	/* read everything, change nothing */
	HL_ROLE_ADMIN = 8,	/* operators and configuration, not messages */
};
#define HL_ROLES_ALL 15u
#define HL_ROLE_NAME_MAX 16

/* What a route needs; hl_desk_allows() maps rights to roles. */
enum hl_right {
	HL_RIGHT_NONE,		/* any operator, even one with no role */
	HL_RIGHT_READ,		/* messages, cases, links: duty, supervisor, auditor */
	HL_RIGHT_ACK,		/* ack, answer: duty, supervisor */
	HL_RIGHT_SEND,		/* send, correct, check: duty (capped), supervisor */
	HL_RIGHT_CLOSE,		/* close, retract: supervisor */
	HL_RIGHT_LINK,		/* link add, confirm: supervisor */
	HL_RIGHT_ADMIN,		/* operators, configuration: admin */
	HL_RIGHT_AUDIT,		/* the audit trail: auditor, admin */
	HL_RIGHT_GROUP,		/* groups of links: supervisor, admin */
};

struct hl_operator {
	char name[HL_NAME_MAX + 1];
	unsigned roles;				/* enum hl_role bits */
	enum hl_precedence max_precedence;	/* a duty officer's cap */
	bool disabled;
};

/* State the desk keeps across calls (case numbers, store handles). */
struct hl_desk_shared;

/* One call's view of the desk. */
struct hl_desk {
	const struct hl_party *me;
	struct hl_store *st;		/* this call's own handle */
	struct hl_writer *writer;	/* numbers, signs, commits */
	struct hl_courier *courier;
	struct hl_desk_shared *shared;
	/* The terms of the link last asked about (hl_desk_due), read once
	 * per call; hl_desk_call frees them. */
	int64_t terms_link;		/* its id; 0 for none read */
	void *terms;			/* struct hl_link_terms * */
	/* A hint for the operator that hl_desk_call adds to an action's
	 * answer as "note" (hl_desk_lang_note); "" for none. */
	char note[768];
};

/* Seconds since the epoch by which a message of l dated t at precedence
 * p is due to be acknowledged (ack) or receipted: the agreed terms in
 * force at t, else hotline.conf's (protocol.md 8.13). */
int64_t hl_desk_due(struct hl_desk *d, const struct hl_link *l, bool ack,
		    enum hl_precedence p, int64_t t);
void hl_desk_due_free(struct hl_desk *d);

/* Sets d->note when the terms in force on l at t have working languages
 * and neither lang (a message's text's) nor summary_lang (its
 * summary's; NULL for none) shares its primary subtag with one of them
 * (protocol.md 8.13): the operator is told to add a summary in one.
 * Never refuses. */
void hl_desk_lang_note(struct hl_desk *d, const struct hl_link *l, int64_t t,
		       const char *lang, const char *summary_lang);

/* One request: who asks, with what arguments, when. */
struct hl_desk_req {
	const struct hl_operator *op;
	const json_t *args;		/* a JSON object; never NULL */
	int64_t now;
	const char *door;		/* "unix", "https": for the audit trail */
};

#define HL_DESK_ARGS_MAX 6
struct hl_desk_err {
	unsigned status;		/* an HTTP status: 400, 403, 404, 409, 503 */
	char why[400];			/* in English */
	const char *needs;		/* for 403: the role the action needs */
	/* The format why was made from and its arguments as text, so a door
	 * can show the sentence in the operator's language: the formats of
	 * hl_desk_fail are in the message catalogues (xgettext keyword
	 * hl_desk_fail:3).  NULL when why was not made from a format. */
	const char *fmt;
	unsigned nargs;
	char args[HL_DESK_ARGS_MAX][160];
};

typedef json_t *hl_desk_fn(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e);

struct hl_desk_route {
	const char *method;		/* "GET" or "POST" */
	const char *path;		/* "/v1/ack": fixed, arguments in the body or query */
	hl_desk_fn *fn;
	enum hl_right right;
	size_t body_max;		/* largest request body; 0 for none */
	bool changes;			/* an action: written to the audit trail */
	bool stream;			/* the answer is a stream of events (daemon/sse.c) */
};

/* The table of every route, ended by an entry with a NULL method. */
extern const struct hl_desk_route hl_desk_routes[];

/* The route for method and path, or NULL. */
const struct hl_desk_route *hl_desk_route(const char *method, const char *path);

/* Starts the desk's shared state over the party's store file. */
int hl_desk_start(const struct hl_party *me, const char *db, struct hl_writer *writer,
		  struct hl_courier *courier, struct hl_desk_shared **out,
		  char *err, size_t errlen);
void hl_desk_stop(struct hl_desk_shared *s);

/* Runs route r for q: checks the operator's right, calls the function
 * with a store handle of its own, records the action (or its refusal)
 * in the audit trail.  Returns the result (owned by the caller), or
 * NULL with e filled. */
json_t *hl_desk_call(struct hl_desk_shared *s, const struct hl_desk_route *r,
		     const struct hl_desk_req *q, struct hl_desk_err *e);

/* A store with no operator at all (one of a party made before
 * operators existed, or a store rebuilt after a loss) gets the one
 * 'hotline init' makes: named after the Unix user running this (or
 * "admin" for a name that is no party name), holding every role, mapped
 * to that user and to root.  1 when it made one, 0 when there were
 * operators already; hl_desk_start calls it. */
int hl_desk_operators_first(struct hl_store *st, int64_t now);

/* The operator that Unix user uid is mapped to; -HL_ENOTFOUND for none,
 * and then op->name holds the Unix user's name (or "#UID") for the
 * refusal to name, and the refusal is in the audit trail
 * ("unmapped-user", with the user's name and uid). */
int hl_desk_operator_by_uid(struct hl_desk_shared *s, uid_t uid, struct hl_operator *op);

/* The operator of that name, as the store holds it now (a session
 * checks it on each call: a disabled operator or a changed role takes
 * effect at once); -HL_ENOTFOUND for none. */
int hl_desk_operator_by_name(struct hl_desk_shared *s, const char *name, struct hl_operator *op);

/* A login at door ("https", login.c): name, password and TOTP code
 * (RFC 6238: 30 s steps, 6 digits, one step either way) checked against
 * the store; fills op and returns 0, or returns -1 with e filled: 401
 * for a wrong name, password or code, a code of a time step already
 * used (a replay), or an operator with no password or TOTP secret (the
 * same words for each; the audit trail keeps which), 429 while locked
 * out (e->why says until when), 403 for a disabled operator (told only
 * to one who gave the right password and code).  Each failure in a row
 * makes the next try wait longer: 1 s after the first, doubling up to
 * 256 s after the ninth; the tenth locks the operator until an admin
 * enables it again (POST /v1/operator/enable).  Tries while locked are
 * refused unchecked and not counted.  Records "login" or
 * "login-failed" in the audit trail. */
int hl_desk_login(struct hl_desk_shared *s, const char *name, const char *password,
		  const char *totp, int64_t now, const char *door, struct hl_operator *op,
		  struct hl_desk_err *e);

/* A login at door ("https") with a one-time ticket that an admin
 * issued (POST /v1/operator/ticket, ticket.c): the ticket is spent as
 * it is presented, whatever follows.  Fills op and returns 0, or
 * returns -1 with e filled: 401 for a ticket this daemon does not hold
 * (never issued, or issued before a restart), one spent, or one
 * expired (each in its own words); 429 and 403 for an operator locked
 * or disabled, as hl_desk_login says.  Records "login" or
 * "login-failed" in the audit trail ({"with": "ticket"}, the issuing
 * admin, the reason), never the ticket. */
int hl_desk_login_ticket(struct hl_desk_shared *s, const char *ticket, int64_t now,
			 const char *door, struct hl_operator *op, struct hl_desk_err *e);

/* True when op may do what right names; else *needs names the role
 * (NULL for a disabled operator, who may do nothing at all). */
bool hl_desk_allows(const struct hl_operator *op, enum hl_right right, const char **needs);

/* A role's name ("duty", "supervisor", "auditor", "admin") and back. */
const char *hl_role_name(enum hl_role r);
int hl_role_parse(const char *s, enum hl_role *r);
/* The role an operator acts in for right (the lowest that grants it),
 * for the signed content and the audit trail. */
const char *hl_desk_acting_role(const struct hl_operator *op, enum hl_right right);

/* Fills e; returns NULL so a desk function can `return hl_desk_fail(...)`.
 * fmt is a literal in English, in the catalogues; its conversions are
 * %s, %d, %u, %lld, %llu (and %%), which e->args keep as text. */
json_t *hl_desk_fail(struct hl_desk_err *e, unsigned status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* e from an error code: 404 for -HL_ENOLINK/-HL_ENOTFOUND, 503 for the
 * store, 409 for a link not confirmed, 400 otherwise, with
 * hl_strerror's words after what. */
json_t *hl_desk_fail_code(struct hl_desk_err *e, int err, const char *what);

/* Arguments: a string member (NULL when absent; false, with e filled,
 * when present and not a string), an unsigned integer given as a
 * number or a decimal string, a boolean given as true/false or
 * "1"/"0".  Query strings arrive as strings, JSON bodies as either. */
bool hl_desk_arg_str(const struct hl_desk_req *q, const char *key, const char **out,
		     struct hl_desk_err *e);
bool hl_desk_arg_u64(const struct hl_desk_req *q, const char *key, uint64_t *out,
		     bool *present, struct hl_desk_err *e);
bool hl_desk_arg_bool(const struct hl_desk_req *q, const char *key, bool *out,
		      struct hl_desk_err *e);
/* Refuses (false, e filled) an argument whose name is not one of the
 * NULL-ended list: a misspelt option must not be silently ignored. */
bool hl_desk_args_only(const struct hl_desk_req *q, struct hl_desk_err *e, ...)
	__attribute__((sentinel));
/* A required string argument; fills e when missing. */
bool hl_desk_arg_need(const struct hl_desk_req *q, const char *key, const char **out,
		      struct hl_desk_err *e);

struct hl_content;
/* Signs c as q's operator acting for right: fills its op_name and
 * op_role, which the content carries (DESIGN.md decision 10). */
void hl_desk_sign_as(const struct hl_desk_req *q, enum hl_right right, struct hl_content *c);

/* Audit trail (audit.c): appends one entry for an action or a refusal
 * to the party's audit log (a Merkle log with checkpoints signed by the
 * party; docs/protocol.md, "The audit trail").  what is the route's
 * path or an event name ("login"); detail is a JSON object (borrowed,
 * copied) or NULL; status is the HTTP status given.  The entry is
 * queued to one writer thread (trail.h) that group-commits entries
 * without waiting for, nor costing, an fsync of their own; the caller
 * does not wait for the commit.  Returns 0 once queued (else -ESHUTDOWN
 * or -ENOMEM: hl_desk_call then adds "audit": "not recorded: ..." to an
 * action's result).  When a commit fails (a full disk) its entries are
 * lost and hl_desk_audit_ready reports the error: hl_desk_call refuses
 * every action with 503 until an entry (refusals are still queued) is
 * stored again; reads go on. */
int hl_desk_audit(struct hl_desk *d, const struct hl_desk_req *q, const char *what,
		  const json_t *detail, unsigned status);
/* hl_desk_audit outside a desk call, with the desk's shared state: for
 * events that are no route (a login, a failed login: what "login"). */
int hl_desk_audit_event(struct hl_desk_shared *s, const struct hl_desk_req *q,
			const char *what, const json_t *detail, unsigned status);
/* 0 when the audit trail is being written, else its last error. */
int hl_desk_audit_ready(struct hl_desk_shared *s);

/* The desk functions, by file. */
hl_desk_fn hl_desk_send, hl_desk_wake, hl_desk_status_links, hl_desk_whoami;
hl_desk_fn hl_desk_refusal;	/* door.c: a door's own refusal, for the audit trail */
/* operator.c */
hl_desk_fn hl_desk_operators, hl_desk_operator_show, hl_desk_operator_add,
	hl_desk_operator_disable, hl_desk_operator_enable, hl_desk_operator_role,
	hl_desk_operator_passwd, hl_desk_operator_totp, hl_desk_operator_map,
	hl_desk_operator_unmap;
hl_desk_fn hl_desk_operator_ticket;	/* ticket.c */
hl_desk_fn hl_desk_events;	/* events.c */
hl_desk_fn hl_desk_audit_list, hl_desk_audit_verify, hl_desk_audit_proof;	/* audit.c */
hl_desk_fn hl_desk_link_add, hl_desk_link_confirm, hl_desk_link_list, hl_desk_link_show,
	hl_desk_proof_export;	/* links.c, proofdesk.c */
/* lists.c, casedesk.c, searchdesk.c: the listings (lists.h: pages). */
hl_desk_fn hl_desk_inbox, hl_desk_show, hl_desk_outbox, hl_desk_case_list,
	hl_desk_case_show, hl_desk_search, hl_desk_export;
hl_desk_fn hl_desk_send_any, hl_desk_close, hl_desk_check_run;	/* actions.c */
hl_desk_fn hl_desk_ack, hl_desk_answer, hl_desk_retract, hl_desk_correct;	/* answer.c */
hl_desk_fn hl_desk_check_report;	/* check.c */
hl_desk_fn hl_desk_card_tls_renew;	/* tlsdesk.c */
hl_desk_fn hl_desk_log_verify;	/* logdesk.c */
hl_desk_fn hl_desk_terms_show, hl_desk_terms_propose, hl_desk_terms_accept,
	hl_desk_terms_decline;	/* terms.c */
hl_desk_fn hl_desk_link_suspend, hl_desk_link_resume, hl_desk_held_list,
	hl_desk_held_drop;	/* suspend.c */
hl_desk_fn hl_desk_link_card;	/* cardcheck.c */
hl_desk_fn hl_desk_link_archive;	/* archive.c */
hl_desk_fn hl_desk_card_rotate, hl_desk_card_tls_switch;	/* card.c */
hl_desk_fn hl_desk_card_rekey, hl_desk_link_rekey;	/* rekey.c */
hl_desk_fn hl_desk_groups, hl_desk_group_show, hl_desk_group_create, hl_desk_group_add,
	hl_desk_group_remove;	/* groups.c */
/* groupsend.c: POST /v1/send and /v1/check/run with "group". */
hl_desk_fn hl_desk_group_send, hl_desk_group_check, hl_desk_group_message;
hl_desk_fn hl_desk_group_board, hl_desk_group_messages;	/* groupboard.c */
hl_desk_fn hl_desk_feed_token_add, hl_desk_feed_token_list,
	hl_desk_feed_token_revoke;	/* feedtok.c: the TAXII feed's tokens */

#endif
