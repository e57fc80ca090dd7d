/* keychain.h - the key history of one party on one link (eras).
 *
 * Era 0 is the card the link was confirmed with.  Each later era is one
 * card, introduced by a `card` envelope (rotated: from the next seq) or
 * a `rekey` envelope (rekeyed: from its own seq), and holds the seqs,
 * the checkpoint sizes and the cosignature times from its start to the
 * next era's.  A key use (sign, box, TLS) of an era can be revoked at a
 * time T_rev, after which nothing dated at or after T_rev may use it.
 *
 * Pure: no I/O, no clock, no allocation.  The eras point to the caller's
 * card bytes (for the endorsement checks), which must outlive the chain.
 * The store fills a chain from its `link_key` rows; the proof verifier
 * from the key chain of a proof file.
 */
#ifndef HL_KEYCHAIN_H
#define HL_KEYCHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "card.h"

#define HL_ERAS_MAX 65		/* era 0 and up to 64 key changes */
#define HL_LINK_NAME_MAX (HL_NAME_MAX + 12)	/* "NAME~k" of an archived link */

/* The key uses a revocation names (vocabulary `key-use`). */
#define HL_USE_SIGN 1u
#define HL_USE_BOX 2u
#define HL_USE_TLS 4u
#define HL_USE_ALL (HL_USE_SIGN | HL_USE_BOX | HL_USE_TLS)

enum hl_era_how { HL_ERA_FOUNDING, HL_ERA_ROTATED, HL_ERA_REKEYED };

struct hl_era {
	struct hl_card card;
	const unsigned char *raw;	/* the card as signed, or NULL */
	size_t raw_len;
	uint64_t from_seq;		/* 1 for era 0 */
	int64_t from_time;		/* INT64_MIN for era 0 */
	uint64_t via_seq;		/* the envelope that began it; 0 for era 0 */
	enum hl_era_how how;
	unsigned revoked;		/* HL_USE_* revoked ... */
	int64_t revoked_at[3];		/* ... at T_rev: sign, box, tls */
};

struct hl_keychain {
	size_t n;			/* 1.. once initialised */
	struct hl_era era[HL_ERAS_MAX];
};

/* Starts a chain at era 0, the founding card (raw may be NULL). */
void hl_keychain_init(struct hl_keychain *kc, const struct hl_card *card,
		      const unsigned char *raw, size_t raw_len);

/* Appends an era.  A rotated era begins after its envelope (from_seq =
 * via_seq + 1), a rekeyed one with it (from_seq = via_seq); from_seq
 * must be after the last era's start, from_time not before it, and the
 * card under the same name.  -HL_ENUMBER, -HL_ETIME, -HL_ENAME, or
 * -HL_ETOOBIG when the chain is full. */
int hl_keychain_add(struct hl_keychain *kc, const struct hl_card *card,
		    const unsigned char *raw, size_t raw_len, uint64_t via_seq,
		    int64_t time, enum hl_era_how how);

/* Revokes uses of era i at time at (for each use, the earliest wins). */
int hl_keychain_revoke(struct hl_keychain *kc, size_t i, unsigned uses, int64_t at);

/* A rekey revokes its uses of the era in force and of every later era
 * that began within window seconds before at (an attacker's rotation
 * with the stolen key).  Call before adding the rekeyed era. */
int hl_keychain_revoke_window(struct hl_keychain *kc, unsigned uses, int64_t at,
			      int64_t window);

/* The era that holds envelope seq s (s >= 1), a checkpoint of size n
 * (0 is era 0's), or a cosignature of time t.  Never fails on an
 * initialised chain, except seq 0, which returns -HL_ENUMBER. */
int hl_keychain_for_seq(const struct hl_keychain *kc, uint64_t seq, size_t *i);
size_t hl_keychain_for_size(const struct hl_keychain *kc, uint64_t size);
size_t hl_keychain_for_time(const struct hl_keychain *kc, int64_t t);

/* True when key (of use HL_USE_*) is revoked at time t: some era has it
 * as that use's key and revoked that use at or before t.  *at (may be
 * NULL) gets the earliest such T_rev. */
bool hl_keychain_revoked(const struct hl_keychain *kc, unsigned use,
			 const unsigned char key[32], int64_t t, int64_t *at);

/* 0 if era i's sign key may sign something dated t; else -HL_EREVOKED
 * with "envelope SEQ is signed with NAME's key KEYID, revoked at T" in
 * why (seq 0: "signed with ...", naming no envelope). */
int hl_keychain_check_sign(const struct hl_keychain *kc, size_t i, int64_t t,
			   uint64_t seq, char *why, size_t cap);

/* Suspect marks (protocol.md 9.14): what a revoked sign key signed in
 * the window W before its revocation.  Computed when asked, never
 * stored: the same chain gives the same marks on both sides. */
struct hl_revocation {
	unsigned char key[32];		/* the revoked sign key */
	uint32_t keyid;			/* its key ID (protocol.md 2.2) */
	int64_t at;			/* T_rev, the earliest of that key's */
	int64_t window;			/* W in force at T_rev: the caller's */
};

struct hl_revocations {
	size_t n;
	struct hl_revocation r[HL_ERAS_MAX];
};

/* Lists the sign keys of kc's eras that are revoked, each once with its
 * earliest T_rev, in era order; each window is 0 (marks nothing) until
 * the caller sets it from the terms in force at its T_rev. */
void hl_keychain_revocations(const struct hl_keychain *kc, struct hl_revocations *out);

/* The revocation that makes envelope seq (header time t) of kc's side
 * suspect, or NULL: its era's sign key is revoked at T_rev and t is in
 * [T_rev - W, T_rev), unless it is the `card` envelope whose rotation
 * revoked that key (dated T_rev - 1, it is the announcement). */
const struct hl_revocation *hl_keychain_suspect(const struct hl_keychain *kc,
						const struct hl_revocations *rv,
						uint64_t seq, int64_t t);

/* A key of another link or of our own that a new card must not carry. */
enum hl_taboo_kind {
	HL_TABOO_OURS,		/* a key of ours, in any era */
	HL_TABOO_LINK,		/* a key of any era of another party's link */
	HL_TABOO_REVOKED,	/* a key revoked on another link at `at` */
};

struct hl_taboo {
	unsigned char key[32];
	enum hl_taboo_kind kind;
	char link[HL_LINK_NAME_MAX + 1];	/* for LINK and REVOKED */
	int64_t at;				/* for REVOKED */
};

/* A `card` envelope of the peer, as the witness sees it (design 4). */
struct hl_key_change {
	uint64_t seq;			/* the envelope's seq r */
	int64_t time;			/* its header time */
	int64_t skew;			/* clock.skew, seconds */
	const unsigned char *card;	/* the `card` member's bytes */
	size_t card_len;
	unsigned revoke;		/* the `revoke` member, HL_USE_* */
	const struct hl_taboo *taboo;	/* keys the card must not carry */
	size_t ntaboo;
};

/* The witness's rules 2 to 8 for a key change on the sender's chain kc
 * (rule 1, opening the body, is the caller's, whose refusal reads "card
 * at seq R: cannot open the body: REASON").  The era in force is the one
 * that holds seq r.  0 with the parsed card
 * in *card, or the first failure: -HL_EKEY (or -HL_EREVOKED for rule 4)
 * with its sentence ("card at seq 17: ...") in why. */
int hl_keychain_check_change(const struct hl_keychain *kc,
			     const struct hl_key_change *c, struct hl_card *card,
			     char *why, size_t cap);

/* Applies an accepted change: the rotated era from seq r + 1 at the
 * envelope's time, with the old era's revoked uses at that time. */
int hl_keychain_rotate(struct hl_keychain *kc, const struct hl_key_change *c,
		       const struct hl_card *card);

/* A `rekey` envelope of the peer at seq r (design 5b), verified by the
 * caller with the pending card's key: its card must be byte for byte the
 * pending card confirmed by voice (NULL: there is none), name the sender
 * and a new sign key, and its revoke must name the sign key.  0 with the
 * parsed card, or -HL_EKEY with "rekey at seq R: ..." in why. */
int hl_keychain_check_rekey(const struct hl_keychain *kc,
			    const struct hl_key_change *c,
			    const unsigned char *pending, size_t pending_len,
			    struct hl_card *card, char *why, size_t cap);

/* Applies an accepted rekey: revokes c->revoke of the era in force and
 * of the eras begun within window seconds before the envelope's time
 * (the suspect window), at that time; then adds the rekeyed era from
 * seq r itself. */
int hl_keychain_rekey(struct hl_keychain *kc, const struct hl_key_change *c,
		      const struct hl_card *card, int64_t window);

/* Trust goes forward only (design 10): era i is trusted when its card
 * (name and sign key) is one the verifier gave, or when era i - 1 is
 * trusted and era i is a rotation its key endorsed (or that keeps its
 * sign key).  A rekeyed era is trusted only when given: the verifier
 * supplies the new card it confirmed by voice.  0 if era i is trusted,
 * else -HL_ETRUST with the reason in why. */
int hl_keychain_trust(const struct hl_keychain *kc, size_t i,
		      const struct hl_card *given, size_t ngiven,
		      char *why, size_t cap);

#endif
