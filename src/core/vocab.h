/* vocab.h - the agreed vocabularies of structured fields.
 *
 * A field's value on the wire is a code ("malicious-code/c2-server",
 * "TLP:AMBER+STRICT", "take-down"), never a translation, so the meaning
 * of a notification does not depend on the reader's language; each code
 * has an English label, which the CLI passes through gettext to show it
 * in the operator's language.
 *
 *   categories  the Reference Security Incident Taxonomy (RSIT, the
 *               CSIRTs network's taxonomy, as MISP's "rsit"): a class
 *               and a type, written "class/type"
 *   tlp         Traffic Light Protocol 2.0 (FIRST)
 *   severity    low, medium, high, critical
 *   actions     what a request asks of the peer
 *   answers     how a request was answered
 *   states      where a case or a request stands
 *   kinds       the message types
 *   key uses    what a party's key is for (sign, box, tls)
 */
#ifndef HL_VOCAB_H
#define HL_VOCAB_H

#include <stddef.h>

struct hl_term {
	const char *code;
	const char *label;	/* English; the msgid of its translations */
};

enum hl_vocab {
	HL_VOCAB_CATEGORY,
	HL_VOCAB_TLP,
	HL_VOCAB_SEVERITY,
	HL_VOCAB_ACTION,
	HL_VOCAB_ANSWER,
	HL_VOCAB_STATE,
	HL_VOCAB_KIND,
	HL_VOCAB_PRECEDENCE,
	HL_VOCAB_KEYUSE,
	HL_VOCAB_COUNT
};

/* The terms of a vocabulary, in their listing order; *n gets the count. */
const struct hl_term *hl_vocab_terms(enum hl_vocab v, size_t *n);

/* The term with this code, or NULL. */
const struct hl_term *hl_vocab_find(enum hl_vocab v, const char *code);

/* The position of the term whose code is the n bytes at code (not
 * necessarily NUL-terminated), or -1: a message's actions are a set of
 * such positions, bit i for the i-th term. */
int hl_vocab_index(enum hl_vocab v, const char *code, size_t n);

/* The vocabulary's name, for messages: "category", "TLP", ... */
const char *hl_vocab_name(enum hl_vocab v);

#endif
