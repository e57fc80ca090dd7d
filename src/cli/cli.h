/* cli.h - what the hotline subcommands share.
 *
 * Each subcommand lives in cmd_<name>.c and exports <name>_main() and
 * <name>_help[], listed in hotline.c's table.  Commands print their own
 * errors through cli_err() and return an exit status: 0 done, 1 failed
 * (including a failed verification), 2 misused.
 */
#ifndef HL_CLI_H
#define HL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "card.h"
#include "envelope.h"
#include "lang.h"
#include "party.h"
#include "store.h"
#include "text.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* The --home given before the subcommand, or NULL. */
extern const char *cli_home;

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "usage: ..." and "try 'hotline help CMD'"; returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *synopsis);

/* Opens this party (--home, $HOTLINE_HOME, ~/.hotline), printing why
 * it cannot; NULL on failure. */
struct hl_party *cli_party(int flags);

/* Reads path ("-" or NULL for stdin) into out, capped at max. */
int cli_read(const char *path, size_t max, struct hl_buf *out);

/* Reads and verifies a card file, printing why it is not valid. */
int cli_card(const char *path, struct hl_card *card, struct hl_buf *text);

/* Writes bytes to path, or to stdout when path is NULL or "-". */
int cli_write(const char *path, const void *p, size_t n);

/* Prints text for a person: on a terminal, control characters and bad
 * UTF-8 are shown escaped so a message cannot drive the terminal. */
void cli_print_text(const unsigned char *p, size_t n);

int64_t cli_now(void);

/* A span of seconds as the operator reads it: 45s, 12m, 1h05m, 3d02h. */
void cli_span(int64_t s, char *out, size_t cap);

/* Option values checked the same way by every command; each prints why
 * a value is refused. */
bool cli_opt_seq(const char *arg, uint64_t *seq);
bool cli_opt_precedence(const char *arg, enum hl_precedence *p);

/* The options of a listing: --json, --home, and --link into *link
 * (refused when link is NULL).  CLI_OK, or the usage status of cmd. */
int cli_opt_listing(int argc, char **argv, const char *cmd, const char *syn,
		    const char **link, bool *json);

/* Prints a message's content: who made it ("by ana (duty officer)",
 * when it names its operator), its fields, its text and summary with
 * their language tags when it is hotline content JSON, else the bytes
 * as they are. */
void cli_print_content(const unsigned char *p, size_t n);
/* The operator's line of a message, after indent: "by NAME (ROLE)",
 * the role in the reader's language; nothing when name is "". */
void cli_print_by(const char *indent, const char *name, const char *role);
/* An operator's role (duty, supervisor, auditor, admin) in the
 * reader's language; another word as it is. */
const char *cli_role_label(const char *role);

/* The BCP 47 tag of the user's locale (LC_ALL, LC_MESSAGES, LANG:
 * "ar_EG.UTF-8" gives "ar-EG"), or "und" (undetermined). */
void cli_locale_lang(char out[HL_LANG_MAX + 1]);

/* Opens the party's store (<home>/hotline.db), printing why it cannot;
 * refuses, as hotlined does, a hotline.conf whose link.NAME keys name a
 * link the store lacks.  cli_store_open does not check that (for 'link',
 * which adds the links those keys name). */
struct hl_store *cli_store(const struct hl_party *p);
struct hl_store *cli_store_open(const struct hl_party *p);

/* Loads link name, printing why it cannot; 0 or a negative error. */
int cli_link(struct hl_store *st, const char *name, struct hl_link *l);

/* Where a message stands with its acknowledgment (the desk's JSON,
 * cli_ack_from_json): cli_ack_text words it for a person in the
 * operator's language ("acked +4m", "due in 12m", "OVERDUE 1h05m", or
 * "-" for a kind that needs none; true when overdue), cli_ack_json gives
 * {"state": "none" | "acked" | "due" | "overdue", "due": TIME, "at":
 * TIME} (docs/cli-json.md). */
enum cli_ack_state { CLI_ACK_NONE, CLI_ACK_DONE, CLI_ACK_DUE, CLI_ACK_OVERDUE };
struct cli_ack {
	enum cli_ack_state state;
	int64_t due, at;
};
bool cli_ack_text(const struct cli_ack *a, int64_t sent, int64_t now, char *out, size_t cap);
json_t *cli_ack_json(const struct cli_ack *a);

/* --json: prints j (taken) on one line, compact, keys sorted, UTF-8;
 * 0 or -ENOMEM. */
int cli_json_print(json_t *j);
/* A time for --json: seconds since the epoch, or null for none (0). */
json_t *cli_json_time(int64_t t);


/* Calls one route of the desk through hotlined's operator API: args
 * (borrowed, may be NULL) go as a POST's JSON body or a GET's query.
 * 0 and *reply (owned by the caller) when done; else prints why, in
 * one line, and returns the HTTP status of the refusal (> 0) or a
 * negative error (-ECONNREFUSED: hotlined is not running). */
int cli_call(const struct hl_party *p, const char *method, const char *path,
	     json_t *args, json_t **reply);

/* cli_call with the party's public part alone: its reply, or NULL when
 * refused (printed).  args is taken. */
json_t *cli_route(const char *method, const char *path, json_t *args);
/* Prints reply r (taken) as --json does, or with print; NULL (a
 * refusal, printed already) fails.  The exit status. */
int cli_reply(json_t *r, bool json, void (*print)(json_t *));
/* Member key of o as a string, "" when it is not one. */
const char *cli_str(const json_t *o, const char *key);
/* Member key of o, seconds since the epoch, as a time; "-" when none. */
void cli_when(const json_t *o, const char *key, char out[HL_TIME_LEN + 1]);

/* Prints the desk's refusal j ({"error", "format", "args"}) in the
 * operator's language, as cli_call does. */
void cli_print_refusal(json_t *j);
/* Calls listing route path (a GET) for every page, fn for each item
 * in order; 0 when done, fn's nonzero, or what cli_call returned (it
 * printed why). */
int cli_list(const struct hl_party *p, const char *path, json_t *args,
	     int (*fn)(void *ctx, json_t *item), void *ctx);

/* The acknowledgment object of the desk's JSON, as cli_ack_get fills it. */
void cli_ack_from_json(const json_t *j, struct cli_ack *out);

/* Brings the content index up to date on every link (needs the party's
 * secrets); prints why it cannot. */
int cli_index(struct hl_store *st, const struct hl_party *p);

/* Prints "hotline: what: error" with the store's message for -HL_ESTORE. */
void cli_store_err(struct hl_store *st, const char *what, int err);

/* Subcommands. */
int init_main(int argc, char **argv);
int card_main(int argc, char **argv);
int card_rotate_main(int argc, char **argv);	/* cmd_rotate.c */
int card_tls_switch_main(int argc, char **argv);	/* cmd_rotate.c */
int card_rekey_main(int argc, char **argv);	/* cmd_rekey.c */
int link_rekey_main(int argc, char **argv);	/* cmd_rekey.c */
int fingerprint_main(int argc, char **argv);
int envelope_main(int argc, char **argv);
int card_tls_renew_main(int argc, char **argv);	/* cmd_tls.c: card tls-renew */
int help_main(int argc, char **argv);
int link_main(int argc, char **argv);
int terms_main(int argc, char **argv);	/* cmd_terms.c: hotline link terms */
int suspend_main(int argc, char **argv);	/* cmd_suspend.c: link suspend, resume */
int keys_main(int argc, char **argv);	/* cmd_keys.c: link keys */
int card_show_main(int argc, char **argv);	/* cmd_keys.c: card show */
int held_main(int argc, char **argv);
/* Prints who suspended the link of view v, when and why, and what is
 * held (cmd_suspend.c). */
void cli_print_suspended(const json_t *v, const char *indent);
/* Prints "SUSPECT: signed with FROM's key K, revoked at T (window W)"
 * after indent when sus (a message's "suspect" member) is an object
 * (cmd_inbox.c). */
void cli_print_suspect(const json_t *sus, const char *from, const char *indent);
int send_main(int argc, char **argv);
int batch_main(int argc, char **argv);
int log_main(int argc, char **argv);
int proof_main(int argc, char **argv);
int rebuild_main(int argc, char **argv);
int store_main(int argc, char **argv);
int status_main(int argc, char **argv);
int outbox_main(int argc, char **argv);
int inbox_main(int argc, char **argv);
int show_main(int argc, char **argv);
int ack_main(int argc, char **argv);
int check_main(int argc, char **argv);
int version_main(int argc, char **argv);
int case_main(int argc, char **argv);
int answer_main(int argc, char **argv);
int retract_main(int argc, char **argv);
int correct_main(int argc, char **argv);
int search_main(int argc, char **argv);
int export_main(int argc, char **argv);
int operator_main(int argc, char **argv);	/* cmd_operator.c */
extern const char operator_help[];
int watch_main(int argc, char **argv);
int audit_main(int argc, char **argv);		/* cmd_audit.c */
int group_main(int argc, char **argv);		/* cmd_group.c */
extern const char group_help[];
int feed_main(int argc, char **argv);		/* cmd_feed.c */
extern const char feed_help[];
/* cmd_groupboard.c: the board of group message gid (or of the latest
 * to group, gid NULL), and a group's messages; exit statuses. */
int group_board(const char *gid, const char *group, bool json);
int group_messages(const char *group, bool json);
extern const char init_help[], card_help[], fingerprint_help[],
	envelope_help[], help_help[], version_help[], link_help[], send_help[],
	batch_help[], log_help[], proof_help[], rebuild_help[], store_help[], status_help[],
	outbox_help[], inbox_help[], show_help[], ack_help[], check_help[],
	case_help[], answer_help[], retract_help[], correct_help[], search_help[],
	export_help[], watch_help[];
extern const char audit_help[];		/* cmd_audit.c */
extern const char held_help[];		/* cmd_suspend.c */

struct cli_cmd {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *summary;
	const char *help;
};
extern const struct cli_cmd cli_cmds[];

#endif
