/* cases.h - what the commands about cases share: naming a case or a
 * message, composing and sending a message about it. */
#ifndef HL_CLI_CASES_H
#define HL_CLI_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "case.h"
#include "content.h"
#include "party.h"
#include "store.h"

/* Finds the case "opener#seq" (or a message id "LINK/SEQ",
 * "LINK/out/SEQ" of its notify) on this party's links; link (to be
 * freed) and the loaded, folded case.  --link narrows an id that names
 * this party, which opens cases on every link.  Prints why it cannot. */
int cli_case_open(struct hl_store *st, const struct hl_party *p, const char *id,
		  const char *only_link, struct hl_link *l, struct hl_case *c);

/* A ref to envelope (side, seq) of link l: its sender, seq and leaf. */
int cli_ref(struct hl_store *st, const struct hl_party *p, const struct hl_link *l,
	    int side, uint64_t seq, struct hl_ref *ref);

/* Fills text with TEXT (or stdin for "-") in language lang (NULL: the
 * locale's).  buf keeps the bytes. */
int cli_text(const char *arg, const char *lang, struct hl_buf *buf, struct hl_text *t);

/* Writes c's content, sends it on l at precedence prec, asks hotlined
 * to deliver it, prints "sent as LINK/out/N"; *seq gets N.  A notify
 * gets the next case number of this party (c->number). */
int cli_post(struct hl_store *st, const struct hl_party *p, const struct hl_link *l,
	     struct hl_content *c, enum hl_precedence prec, uint64_t *seq);

/* Prints a message's opened content: text, summary, fields. */
int cli_open_content(struct hl_store *st, const struct hl_party *p,
		     const struct hl_link *l, int side, uint64_t seq,
		     struct hl_buf *plain, struct hl_content *c);

/* Whether each field given (NULL: not given) is a code of its vocabulary;
 * prints why not. */
bool cli_fields_valid(const char *category, const char *tlp, const char *severity);

/* Reads and checks a STIX 2.1 bundle file ("-": stdin); prints the bad
 * object's id and why when it is not valid. */
int cli_stix_file(const char *path, json_t **out);

#endif
