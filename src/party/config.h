/* config.h - hotline.conf, the party's settings.
 *
 *   # comment
 *   name = ru-cert
 *   endpoint = https://hotline.ru-cert.example:7443   (or none)
 *   listen = 127.0.0.1:7443
 *
 *   # How long after a message a person must have acknowledged it, and
 *   # its peer's machine receipted it (defaults below), by precedence:
 *   ack.flash = 15m          receipt.flash = 2m
 *   ack.immediate = 1h       receipt.immediate = 10m
 *   ack.priority = 24h       receipt.priority = 1h
 *   ack.routine = 72h        receipt.routine = 24h
 *
 *   # What hotlined does when one is late: a ladder of steps, one every
 *   # escalate.every after the deadline, each run once per message:
 *   escalate.ladder = duty-officer, supervisor, policy-contact
 *   escalate.every = 15m
 *   escalate.command = /usr/local/bin/page    (gets the event as JSON)
 *   escalate.webhook = https://ops.example/hotline   (POSTed the JSON)
 *
 *   # Communication checks hotlined sends by itself, one every
 *   # check.every on each confirmed link (default none), at
 *   # check.precedence (default immediate):
 *   check.every = 7d
 *   check.precedence = immediate
 *
 *   # The operators' HTTPS listener (the console's), off by default: a
 *   # port alone means loopback; never the peer port.  The party's TLS
 *   # certificate and key unless console.cert/console.key name others;
 *   # a session ends after console.idle without a request, and
 *   # console.lifetime after its login (defaults 15m and 12h):
 *   console.listen = 8443
 *   console.cert = /etc/hotline/console.crt
 *   console.key = /etc/hotline/console.key
 *   console.idle = 15m
 *   console.lifetime = 12h
 *   # The console's files (default under the datadir that make install
 *   # used) and Debian's libjs-* packages, which it takes the chart and
 *   # graph libraries from:
 *   console.root = /usr/local/share/hotline/console
 *   console.lib = /usr/share/javascript
 *
 *   # What this party proposes as the terms of a link, with the
 *   # deadlines and checks above: the working languages (1 to 6 BCP 47
 *   # tags, in order of preference, default en) and the window before a
 *   # key's revocation in which what it signed is suspect (default 7d):
 *   terms.languages = ru, en
 *   terms.suspect = 7d
 *
 *   # Bytes of equivocation evidence kept per link (16M by default);
 *   # past them an incident is recorded by its hash alone:
 *   evidence.max = 16M
 *
 *   # The Unix group that may reach the operator API's socket (mode
 *   # 0660 then; default none, mode 0600):
 *   api.group = hotline
 *
 *   # What the peers agreed link by link, over the party-wide values:
 *   # ack.<precedence>, receipt.<precedence> and check.every (which may
 *   # be none to send no scheduled checks on that link), for up to
 *   # HL_CONFIG_LINKS_MAX links.  Once terms are in force on a link
 *   # (protocol.md 8.13) they are only what this party proposes there
 *   # (hl_config_superseded):
 *   link.us-cert.ack.flash = 10m
 *   link.us-cert.receipt.immediate = 5m
 *   link.us-cert.check.every = 1d
 *
 * One "key = value" a line; unknown keys and repeated keys are errors,
 * reported with their line number (an unknown key with the valid key
 * nearest to it).  Durations are a number and s, m, h
 * or d.
 */
#ifndef HL_CONFIG_H
#define HL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "card.h"
#include "envelope.h"
#include "terms.h"

#define HL_CONFIG_MAX (64 * 1024)
#define HL_LISTEN_MAX 127
#define HL_DEFAULT_LISTEN "127.0.0.1:7443"
#define HL_LADDER_MAX 8
#define HL_STEP_NAME_MAX 31
#define HL_COMMAND_MAX 255
#define HL_STORE_WHERE_MAX 511	/* a path, or a PostgreSQL connection string */
#define HL_GROUP_MAX 32
#define HL_CONFIG_LINKS_MAX 64
#define HL_CONFIG_LINK_KEYS 9	/* ack.*, receipt.*, check.every */
#define HL_CHECK_NONE (-1)	/* check.every = none */
#define HL_EVIDENCE_MAX_DEFAULT (16 << 20)	/* evidence.max */
#define HL_EVIDENCE_MAX_LIMIT ((int64_t)1 << 30)

/* One link's settings; 0 means "as the party-wide one". */
struct hl_config_link {
	char name[HL_NAME_MAX + 1];	/* the peer's name */
	int64_t ack_due[4];
	int64_t receipt_due[4];
	int64_t check_every;		/* seconds, or HL_CHECK_NONE */
	unsigned line;			/* where the file first names it */
	unsigned key_line[HL_CONFIG_LINK_KEYS];	/* each key's line; 0 unset */
};

struct hl_config {
	char name[HL_NAME_MAX + 1];
	char endpoint[HL_ENDPOINT_MAX + 1];	/* "" for none */
	char listen[HL_LISTEN_MAX + 1];
	int64_t ack_due[4];		/* seconds, by enum hl_precedence */
	int64_t receipt_due[4];
	char ladder[HL_LADDER_MAX][HL_STEP_NAME_MAX + 1];
	unsigned nladder;
	int64_t escalate_every;
	char escalate_command[HL_COMMAND_MAX + 1];	/* "" for none */
	char escalate_webhook[HL_ENDPOINT_MAX + 1];	/* "" for none */
	int64_t check_every;		/* seconds; 0 or HL_CHECK_NONE for none */
	enum hl_precedence check_precedence;
	/* terms.languages, terms.suspect: what a proposal of terms says. */
	char languages[HL_TERMS_LANGS_MAX][HL_LANG_MAX + 1];
	unsigned nlanguages;
	int64_t suspect;		/* seconds */
	int64_t evidence_max;		/* bytes of evidence kept per link */
	int64_t clock_skew;		/* seconds a peer's time may run ahead */
	char console_listen[HL_LISTEN_MAX + 1];	/* "" for off */
	char console_cert[HL_COMMAND_MAX + 1];	/* "" for the party's tls.crt */
	char console_key[HL_COMMAND_MAX + 1];	/* "" for the party's tls.key */
	int64_t console_idle;		/* seconds a session lives unused */
	int64_t console_lifetime;	/* seconds a session lives at most */
	char console_root[HL_COMMAND_MAX + 1];	/* the console's files */
	char console_lib[HL_COMMAND_MAX + 1];	/* Debian's /usr/share/javascript */
	char api_group[HL_GROUP_MAX + 1];	/* "" for none: the socket is 0600 */
	char store[HL_STORE_WHERE_MAX + 1];	/* "" for hotline.db in the home */
	struct hl_config_link links[HL_CONFIG_LINKS_MAX];
	unsigned nlinks;
	/* Set on failure: where and what. */
	unsigned err_line;
	char err[256];
};

void hl_config_defaults(struct hl_config *c);
int hl_config_parse(const char *text, size_t n, struct hl_config *c);
int hl_config_format(const struct hl_config *c, struct hl_buf *out);
/* Seconds after a message at precedence p on link (a peer's name) by
 * which a person must have acknowledged it, and the peer's machine have
 * receipted it. */
int64_t hl_config_ack_due(const struct hl_config *c, const char *link,
			  enum hl_precedence p);
int64_t hl_config_receipt_due(const struct hl_config *c, const char *link,
			      enum hl_precedence p);
/* Refuses (-HL_ECONFIG, with err_line and err set) a link.<name> key
 * whose name is none of the n link names, the links the store holds. */
int hl_config_links_check(struct hl_config *c, const char *const *names, size_t n);
/* A link.<name>.<key> line that terms in force on its link make only
 * this party's proposal (protocol.md 8.13): on such a link every link
 * key is. */
struct hl_config_unused {
	unsigned line;
	const char *link;		/* into c */
	const char *key;		/* "ack.flash"; static */
	uint64_t version;		/* of the terms in force */
};
/* Fills out (up to cap, by line) with the keys of c superseded on the n
 * links names[i], whose terms in force are version versions[i] (0 for
 * none); returns how many there are. */
size_t hl_config_superseded(const struct hl_config *c, const char *const *names,
			    const uint64_t *versions, size_t n,
			    struct hl_config_unused *out, size_t cap);
/* Seconds between scheduled checks on link; 0 for none. */
int64_t hl_config_check_every(const struct hl_config *c, const char *link);
/* host:port with a port in 1..65535. */
int hl_listen_check(const char *s);
/* The port of a host:port, or 0. */
unsigned hl_listen_port(const char *s);
/* "30s", "15m", "1h", "3d": seconds, at most a year. */
int hl_duration_parse(const char *s, size_t n, int64_t *out);
/* The other way, in the largest unit that divides s: 3d, 36h, 90m, 45s. */
void hl_duration_format(int64_t s, char *out, size_t cap);

#endif
