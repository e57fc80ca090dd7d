/* i18n.h - the CLI's messages and vocabulary in the operator's language.
 *
 * Messages go through gettext (text domain "hotline"): _("...") where a
 * message is printed, N_("...") to mark one in a table that is
 * translated later.  Codes on the wire and machine-readable output
 * (cards, envelopes, proofs, JSON) are never translated, and free text
 * is shown exactly as sent.
 */
#ifndef HL_I18N_H
#define HL_I18N_H

#include <libintl.h>

#include "vocab.h"

#define _(s) gettext(s)
#define N_(s) s
/* A message in a context, for a word that translates differently in
 * different places ("SENT" above a count, "SENT" above a time); the
 * catalogue's msgctxt (xgettext --keyword=C_:1c,2). */
#define C_(ctx, s) cli_pgettext(ctx "\004" s, s)

const char *cli_pgettext(const char *key, const char *msgid);

/* Sets the locale and the message catalogue up; call first in main.
 * lang is the --lang given (a language tag: "fr", "zh-CN"), or NULL for
 * the environment's (LC_ALL, LC_MESSAGES, LANG, LANGUAGE).  Returns -1
 * when lang is not a plausible tag (nothing is changed then), 1 when no
 * catalogue holds lang's messages (they are in English then). */
int cli_i18n_init(const char *lang);

/* The translated label of a code ("TLP:RED", "take-down"); a code not
 * in the vocabulary is returned as it is. */
const char *cli_label(enum hl_vocab v, const char *code);

/* A structured field inside a line of English-shaped output: the code
 * itself in English, which is what an operator types ("flash",
 * "notify"), else its translated label. */
const char *cli_field(enum hl_vocab v, const char *code);

/* hl_strerror(err) in the operator's language. */
const char *cli_strerror(int err);

/* The display width of s on a terminal: wide (CJK) characters count
 * two, combining marks none; printf's %-20s counts bytes instead, which
 * misaligns translated table headings. */
int cli_width(const char *s);

/* Prints s left-aligned (cli_col) or right-aligned (cli_rcol) in a
 * column width display cells wide. */
void cli_col(const char *s, int width);
void cli_rcol(const char *s, int width);

#endif
