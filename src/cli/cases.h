/* cases.h - what the commands about cases share: their arguments for
 * the desk, and acting through it. */
#ifndef HL_CLI_CASES_H
#define HL_CLI_CASES_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "case.h"
#include "content.h"
#include "party.h"
#include "store.h"

/* Arguments for the desk (desk.h), read here because only the CLI
 * sees them: TEXT, or standard input for "-", as args[key] (printing
 * why it cannot: too long, not UTF-8); a language tag, the locale's
 * when lang is NULL; a --stix FILE as a JSON object, which the desk
 * checks. */
int cli_text_arg(json_t *args, const char *key, const char *arg);
void cli_lang_arg(json_t *args, const char *key, const char *lang);
int cli_stix_arg(json_t *args, const char *path);

/* POSTs args to the desk's route path (cli_call, which prints a
 * refusal, and the desk's "note" on standard error); returns an exit
 * status: CLI_OK with *reply (the caller's),
 * CLI_USAGE for a request the desk finds malformed (400), CLI_FAIL
 * otherwise (hotlined down, refused). */
int cli_act(const struct hl_party *p, const char *path, json_t *args, json_t **reply);

/* "sent to LINK as LINK/out/N (precedence, kind): stored, ..." from an
 * action's reply. */
void cli_print_sent(const json_t *reply);
/* Prints a group message's answer (cmd_send.c): one line per member,
 * then the totals; CLI_FAIL when a member's envelope was not sent. */
int cli_print_group(const json_t *reply);

#endif
