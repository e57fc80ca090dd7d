/* content.h - what an envelope's encrypted body says: a JSON document.
 *
 *   {"summary": {"lang": "en", "text": "Ransomware on a water utility"},
 *    "text": {"lang": "ar", "text": "رصدنا هجوماً ..."},
 *    "type": "notify",
 *    "v": 1}
 *
 * "type" repeats the envelope header's kind; "text" is the message in
 * the language its BCP 47 tag names, never translated or altered;
 * "summary" (optional) is a short text, typically in another language.
 * "ref" (optional) names another envelope of the link, by its sender,
 * sequence number and leaf hash: an ack names what a person read,
 *
 *   "ref": {"from": "ru-cert", "leaf": "<base64 SHA-256>", "seq": 12}
 *
 * A notify may carry "number", the case's number among all the cases its
 * sender opened on all its links (the case is named "SENDER#number";
 * without it, "SENDER#seq", the notify's sequence number).
 * Messages about a case carry "case", the notify that opened it, named
 * the same way as a ref, and the structured fields of their type: a category
 * (RSIT), a TLP 2.0 label and a severity (notify, update, correct), the
 * actions a request asks for, how an answer answers ("accepted",
 * "declined", "done"), and a STIX 2.1 bundle of indicators (notify,
 * update, request, answer).  Codes come from vocab.h.  Which members a
 * type requires or allows is fixed (docs/protocol.md 8.2); parsing is
 * strict: unknown, duplicated or misplaced members are refused.
 *
 * "operator" names the person who made the message and the role they
 * acted in (DESIGN.md decision 10; docs/protocol.md 8.11):
 *
 *   "operator": {"name": "ana", "role": "duty"}
 *
 * a name spelt as party names are (text.h, hl_name_valid) and a role of
 * duty, supervisor, auditor or admin.  Any type may carry it.  Every
 * message a person makes through the desk carries it; messages from
 * before operators were named, and those the daemon makes on its own
 * (a scheduled communication check), have none, and still parse.
 *
 * The control messages say what becomes of the link itself
 * (docs/protocol.md 8.13): "terms" proposes its terms (terms.h), which
 * a "terms-accept" or "terms-decline" answers by ref; "suspend" and
 * "resume" (which names the suspend by ref, and carries "cards": the
 * SHA-256 of each party's card text as its sender holds them) stop and
 * restart new cases; "card" carries the sender's new card, and "rekey"
 * a new card after a key was lost, each with "revoke", the key uses
 * ("sign", "box", "tls") the old card's keys may no longer be trusted
 * for; "archive" ends the link.  A decline, a suspension and an archive
 * give their reason as their text, which may not be empty.
 *
 * "group" marks one envelope of a group message (docs/protocol.md
 * 8.16): the owner sends one envelope per member, each on the member's
 * own link, all with the same id, 16 random bytes as 32 lowercase hex.
 * A confidential group (the default) says nothing else, not even how
 * many members there are; an open one names itself and its members
 * (their cards' names, the recipient's too, in byte order, each once;
 * the owner is the sender and is not listed):
 *
 *   "group": {"id": "5f0c...e1"}
 *   "group": {"id": "5f0c...e1", "members": ["ae-cert", "ru-cert"],
 *             "name": "osce-poc"}
 *
 * Only the types a send or a check makes carry it (notify, update,
 * request, check); an answer, an ack and a control message stay
 * bilateral.
 */
#ifndef HL_CONTENT_H
#define HL_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "envelope.h"
#include "lang.h"
#include "terms.h"

#define HL_CONTENT_VERSION 1

struct hl_text {
	char lang[HL_LANG_MAX + 1];
	const char *text;	/* UTF-8, no NUL; owned by the parsed content */
	size_t len;
};

/* An envelope named by its log (sender), index and leaf hash. */
struct hl_ref {
	char from[HL_NAME_MAX + 1];
	uint64_t seq;
	unsigned char leaf[32];
};

/* A party's card as the sender of a "resume" holds it: SHA-256 of its
 * text (docs/protocol.md 3.1). */
struct hl_card_hash {
	char name[HL_NAME_MAX + 1];
	unsigned char hash[32];
};

#define HL_GROUP_ID_HEX 32		/* 16 bytes in lowercase hex */
#define HL_GROUP_MEMBERS_MAX 10000

/* A group message's member "group" (8.16). */
struct hl_content_group {
	char id[HL_GROUP_ID_HEX + 1];
	bool open;			/* name and members follow */
	char name[HL_NAME_MAX + 1];
	size_t nmembers;		/* 1..HL_GROUP_MEMBERS_MAX when open */
	/* The members' names, sorted and unique: the caller's for
	 * hl_content_write; for a parsed content an array that
	 * hl_content_free frees, of strings the content owns. */
	const char *const *members;
};

struct hl_content {
	char type[HL_KIND_MAX + 1];
	struct hl_text text;
	bool has_summary;
	struct hl_text summary;
	bool has_ref;
	struct hl_ref ref;
	bool has_case;
	struct hl_ref case_ref;	/* the notify that opened the case */
	bool has_number;
	uint64_t number;	/* a notify's case number: 1..2^63-1 */
	/* Codes of vocab.h, or NULL when absent. */
	const char *category, *tlp, *severity, *answer;
	unsigned actions;	/* bit i: the i-th term of HL_VOCAB_ACTION */
	void *stix;		/* a json_t bundle object, or NULL */
	/* Who made the message: an operator's name and the role they acted
	 * in ("duty", "supervisor", "auditor", "admin"); both empty when it
	 * names no operator.  Written as "operator" when op_name is set. */
	char op_name[HL_NAME_MAX + 1];
	char op_role[16];
	/* Control messages' members (8.13). */
	bool has_terms;
	struct hl_terms terms;
	const char *card;	/* a card's bytes, or NULL; owned as text is */
	size_t card_len;
	unsigned revoke;	/* bit i: the i-th term of HL_VOCAB_KEYUSE */
	bool has_cards;
	struct hl_card_hash cards[2];	/* in name order */
	bool has_group;
	struct hl_content_group group;
	void *json;		/* the parsed document, which owns the strings */
};

/* Appends the JSON of a message; summary and ref may be NULL. */
int hl_content_encode(const char *type, const struct hl_text *text,
		      const struct hl_text *summary, const struct hl_ref *ref,
		      struct hl_buf *out);

/* Appends the JSON of c (its json member unused; stix, if set, is a
 * json_t bundle, copied in).  Checks the same rules as the parser. */
int hl_content_write(const struct hl_content *c, struct hl_buf *out);

/* Whether a content of this type may or must carry each member. */
enum hl_member_rule { HL_NO = 0, HL_MAY, HL_MUST };
enum hl_member {
	HL_M_REF, HL_M_CASE, HL_M_CATEGORY, HL_M_TLP, HL_M_SEVERITY,
	HL_M_ACTIONS, HL_M_ANSWER, HL_M_STIX, HL_M_NUMBER,
	HL_M_TERMS, HL_M_CARD, HL_M_REVOKE, HL_M_CARDS, HL_M_GROUP, HL_M_COUNT
};
enum hl_member_rule hl_content_rule(const char *type, enum hl_member m);

/* Whether type is a control message's (8.13), which only the desk's
 * link actions make, never a plain send. */
bool hl_content_is_control(const char *type);

/* Whether role is one an operator acts in: duty, supervisor, auditor,
 * admin. */
bool hl_content_role_valid(const char *role);

/* Whether s (n bytes) is a group message id: 32 lowercase hex digits. */
bool hl_content_group_id_valid(const char *s, size_t n);

/* Parses content; free it with hl_content_free() on success. */
int hl_content_parse(const unsigned char *buf, size_t n, struct hl_content *c);
void hl_content_free(struct hl_content *c);

#endif
