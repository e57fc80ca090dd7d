/* hotlined.c - the Hotline daemon: peer server, courier, operator API.
 *
 * The main thread starts the parts, prints a readiness line, and waits
 * for a signal; SIGHUP reloads hotline.conf (reload below); SIGTERM or
 * SIGINT stop it cleanly: the API first, then
 * the peer server (which finishes the requests under way, so a push
 * that was being witnessed is committed or not at all), then the
 * courier (which finishes its attempt).  Nothing durable is lost: every
 * state change is a committed transaction before it is reported.
 */
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "api.h"
#include "clock.h"
#include "console.h"
#include "courier.h"
#include "desk.h"
#include "error.h"
#include "events.h"
#include "hook.h"
#include "index.h"
#include "keyring.h"
#include "keys.h"
#include "linkterms.h"
#include "log.h"
#include "node.h"
#include "party.h"
#include "peer.h"
#include "store.h"
#include "version.h"
#include "writer.h"
#include "trace.h"

static const char usage[] =
	"usage: hotlined [--home DIR] [--node NAME] [-n] [--syslog] [--routes] [-V]\n"
	"  --home DIR   the party's home (else $HOTLINE_HOME, else ~/.hotline)\n"
	"  --node NAME  this node's name, when two share the store (else the host's)\n"
	"  -n           check the configuration, keys and store, then exit\n"
	"  --syslog     log to syslog instead of standard error\n"
	"  --routes     print the operator API's routes (METHOD PATH RIGHT), then exit\n"
	"  -V           print the version\n";

struct opts {
	const char *home;
	const char *node;
	bool test, use_syslog;
};

/* The right a route needs, as docs/openapi.json's x-hotline-right. */
static const char *right_name(enum hl_right r)
{
	switch (r) {
	case HL_RIGHT_NONE: return "none";
	case HL_RIGHT_READ: return "read";
	case HL_RIGHT_ACK: return "ack";
	case HL_RIGHT_SEND: return "send";
	case HL_RIGHT_CLOSE: return "close";
	case HL_RIGHT_LINK: return "link";
	case HL_RIGHT_ADMIN: return "admin";
	case HL_RIGHT_AUDIT: return "audit";
	case HL_RIGHT_GROUP: return "group";
	}
	return "?";
}

/* --routes: the route table, one "METHOD PATH RIGHT" a line, for the
 * test that compares it with docs/openapi.json. */
static void print_routes(void)
{
	for (const struct hl_desk_route *r = hl_desk_routes; r->method; r++)
		printf("%s %s %s\n", r->method, r->path, right_name(r->right));
}

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{"home", required_argument, NULL, 'H'},
		{"node", required_argument, NULL, 'N'},
		{"syslog", no_argument, NULL, 's'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{"routes", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};

	for (;;) {
		int c = getopt_long(argc, argv, "nVh", lo, NULL);

		if (c == -1)
			break;
		switch (c) {
		case 'H': o->home = optarg; break;
		case 'N': o->node = optarg; break;
		case 'n': o->test = true; break;
		case 's': o->use_syslog = true; break;
		case 'V': printf("hotlined %s\n", HL_VERSION); return 0;
		case 'h': fputs(usage, stdout); return 0;
		case 'R': print_routes(); return 0;
		default: fputs(usage, stderr); return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

/* The version of the terms in force on the link named name, from an
 * index brought up to date; 0 for none, or when the store cannot say. */
static uint64_t terms_version(const struct hl_party *p, struct hl_store *st, const char *name)
{
	const struct hl_terms_version *v;
	struct hl_link_terms t;
	struct hl_link l;
	uint64_t added, version = 0;

	if (hl_store_link_get(st, name, &l) < 0)
		return 0;
	if (hl_index_update(st, p, &l, &added) == 0 &&
	    hl_store_link_terms(st, p, &l, &t) == 0) {
		v = hl_link_terms_newest(&t);
		version = v ? v->terms.version : 0;
		hl_link_terms_free(&t);
	}
	hl_link_free(&l);
	return version;
}

/* One warning for each link.PEER key of hotline.conf that the terms in
 * force on its link make only this party's proposal (the rule:
 * hl_config_superseded).  Says nothing it cannot read. */
static void terms_warn(const struct hl_party *p, struct hl_store *st)
{
	const struct hl_config *c = &p->conf;
	const char *names[HL_CONFIG_LINKS_MAX];
	uint64_t versions[HL_CONFIG_LINKS_MAX];
	struct hl_config_unused u[HL_CONFIG_LINKS_MAX * HL_CONFIG_LINK_KEYS];
	size_t n;

	for (unsigned i = 0; i < c->nlinks; i++) {
		names[i] = c->links[i].name;
		versions[i] = terms_version(p, st, names[i]);
	}
	n = hl_config_superseded(c, names, versions, c->nlinks, u, sizeof(u) / sizeof(u[0]));
	for (size_t i = 0; i < n; i++)
		log_warn("%s/hotline.conf:%u: link.%s.%s is not used: terms v%llu are in force "
			 "on %s ('hotline link terms %s')", p->home, u[i].line, u[i].link,
			 u[i].key, (unsigned long long)u[i].version, u[i].link, u[i].link);
}

/* Opens the party and brings its store up to date.  link.NAME settings
 * for a link the store does not hold fail the check (-n); a real start
 * only warns, so that hotlined runs and the link can be added through
 * it (the settings apply once it is). */
/* Whether tls.key and tls.crt are both in home. */
static bool tls_whole(const char *home)
{
	char key[PATH_MAX], crt[PATH_MAX];

	return hl_party_path(home, "tls.key", key, sizeof(key)) == 0 &&
	       hl_party_path(home, "tls.crt", crt, sizeof(crt)) == 0 &&
	       access(key, F_OK) == 0 && access(crt, F_OK) == 0;
}

/* A key change staged in home (keyring.h) is finished when the store
 * recorded it, else dropped: a crash between its commit and its files. */
static int finish_key_change(const char *home)
{
	char db[PATH_MAX], err[256] = "";
	struct hl_config *conf = NULL;
	struct hl_store *st = NULL;
	struct hl_buf card;
	int r;

	/* A TLS switch a crash cut short (keyring.c): done again. */
	if (hl_party_tls_pending(home) == 1 && !tls_whole(home) &&
	    (r = hl_party_tls_switch(home)) < 0)
		log_warn("%s: the TLS switch cut short: %s", home, hl_strerror(r));
	hl_buf_init(&card, HL_CARD_MAX);
	r = hl_party_staged_card(home, &card);
	if (r == -ENOENT) {
		hl_buf_free(&card);
		return 0;
	}
	if (r == 0 && !(conf = malloc(sizeof(*conf))))
		r = -ENOMEM;
	if (r == 0)
		r = hl_party_read_conf(home, conf, err, sizeof(err));
	if (r == 0)
		r = hl_party_store(home, conf, db, sizeof(db));
	free(conf);
	if (r == 0)
		r = hl_store_open(db, &st, err, sizeof(err));
	if (r == 0)
		r = hl_store_own_card_held(st, card.data, card.len);
	hl_store_close(st);
	hl_buf_free(&card);
	if (r == 1) {
		log_info("%s: finishing the key change recorded before the last stop", home);
		r = hl_party_settle(home);
	} else if (r == 0) {
		log_warn("%s: dropping a key change that was never recorded (card.next)", home);
		r = hl_party_unstage(home);
	}
	if (r < 0)
		log_err("%s: the staged key change: %s%s%s", home, hl_strerror(r),
			err[0] ? ": " : "", err);
	return r;
}

static struct hl_party *open_party(const char *home_opt, bool test, char *db, size_t dblen)
{
	char home[PATH_MAX], why[PATH_MAX + 64] = "", err[256] = "";
	struct hl_party *p = NULL;
	struct hl_store *st = NULL;
	int r = hl_home_resolve(home_opt, home, sizeof(home));

	if (r < 0) {
		log_err("no home folder: give --home DIR or set HOTLINE_HOME");
		return NULL;
	}
	if (!test && finish_key_change(home) < 0)
		return NULL;
	r = hl_party_open(home, HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r == -HL_ECONFIG)
		log_err("%s/%s", home, why);
	else if (r == -HL_ENOPARTY)
		log_err("%s: %s", home, hl_strerror(r));
	else if (r < 0)
		log_err("%s/%s: %s", home, why, hl_strerror(r));
	if (r < 0)
		return NULL;
	r = hl_party_store(home, &p->conf, db, dblen);
	if (r == 0)
		r = hl_store_open(db, &st, err, sizeof(err));
	if (r < 0 && (strstr(err, "malformed") || strstr(err, "not a database"))) {
		/* Damaged where opening reads (its schema): as below. */
		log_err("%s is damaged (%s): not starting; restore it from a backup, or "
			"salvage it with 'sqlite3 %s .recover', then run 'hotline rebuild' "
			"and 'hotline log verify'", db, err, db);
	} else if (r < 0) {
		log_err("%s: %s: %s", db, hl_strerror(r), err);
	} else if (hl_store_check(st) < 0) {
		/* A damaged file is never served from: what it would say
		 * (deadlines, receipts) cannot be trusted. */
		log_err("%s is damaged (SQLite quick_check: %s): not starting; restore it "
			"from a backup, or salvage it with 'sqlite3 %s .recover', then run "
			"'hotline rebuild' and 'hotline log verify'", db, hl_store_errmsg(st), db);
		r = -HL_ESTORE;
	} else {
		/* Our era 0 on every link, before anything reads a log.  A
		 * full disk must not keep hotlined down: without the rows the
		 * eras fall back to our card file, which holds until our
		 * first key change. */
		if (hl_store_own_eras(st, &p->card_text) < 0)
			log_warn("%s: our key eras not recorded: %s", db, hl_store_errmsg(st));
		if (hl_store_own_since(st, &p->since) < 0)
			log_warn("%s: %s", db, hl_store_errmsg(st));
		r = hl_party_links_check(&p->conf, st, why, sizeof(why));
	}
	if (r == -HL_ECONFIG && !test) {
		log_warn("%s/%s", home, why);
		r = 0;
	} else if (r == -HL_ECONFIG) {
		log_err("%s/%s", home, why);
	}
	if (r == 0)
		terms_warn(p, st);
	hl_store_close(st);
	if (r < 0) {
		hl_party_free(p);
		return NULL;
	}
	return p;
}

static void wake(void *ctx, const char *link)
{
	hl_courier_wake(ctx, link);
}

/* The clock signs as p (whose keys a key change replaces in place,
 * keyring.h) and reads the settings of p, or of a copy of p with the
 * settings of the last reload.  A copy is only read for its settings (it
 * is freed with free(), never hl_party_free), and is freed only after
 * the clock that read it has stopped: no thread ever reads settings that
 * change under it. */
struct timekeeper {
	const struct hl_party *p;
	struct hl_party *live;
	const char *db;
	struct hl_courier *courier;
	struct hl_clock *clock;
};

/* Reads hotline.conf into a copy of p, as it would be read at start;
 * what cannot change while hotlined runs is kept, with a warning. */
static struct hl_party *reread(const struct timekeeper *t)
{
	struct hl_party *n = malloc(sizeof(*n));
	char why[PATH_MAX + 64] = "", err[256] = "";
	struct hl_store *st = NULL;
	int r = n ? 0 : -ENOMEM;

	if (n)
		*n = *t->p;
	if (r == 0)
		r = hl_party_read_conf(t->p->home, &n->conf, why, sizeof(why));
	if (r == 0 && strcmp(n->conf.name, t->p->conf.name) != 0) {
		snprintf(why, sizeof(why), "hotline.conf: name differs from the card's");
		r = -HL_ECONFIG;
	}
	if (r == 0) {
		r = hl_store_open(t->db, &st, err, sizeof(err));
		snprintf(why, sizeof(why), "%s: %s", HL_STORE_FILE, err);
	}
	if (r == 0)
		r = hl_party_links_check(&n->conf, st, why, sizeof(why));
	if (r == 0)
		terms_warn(n, st);
	hl_store_close(st);
	if (r < 0) {
		log_warn("reload refused, the settings in use are kept: %s/%s", t->p->home,
			 why[0] ? why : hl_strerror(r));
		free(n);
		return NULL;
	}
	if (strcmp(n->conf.endpoint, t->p->conf.endpoint) != 0 ||
	    strcmp(n->conf.listen, t->p->conf.listen) != 0)
		log_warn("reload: endpoint and listen change only when hotlined restarts");
	if (strcmp(n->conf.console_listen, t->p->conf.console_listen) != 0)
		log_warn("reload: console.listen changes only when hotlined restarts");
	if (strcmp(n->conf.console_root, t->p->conf.console_root) != 0 ||
	    strcmp(n->conf.console_lib, t->p->conf.console_lib) != 0)
		log_warn("reload: console.root and console.lib change only when hotlined restarts");
	memcpy(n->conf.endpoint, t->p->conf.endpoint, sizeof(n->conf.endpoint));
	memcpy(n->conf.listen, t->p->conf.listen, sizeof(n->conf.listen));
	return n;
}

/* SIGHUP: the clock (the one part that reads the run-time settings:
 * deadlines, ladder, hooks, check schedule) restarts on the new file.
 * A file that does not parse, or names a link the store lacks, changes
 * nothing. */
static int reload(struct timekeeper *t)
{
	struct hl_party *n = reread(t);
	const struct hl_party *keep = t->live ? t->live : t->p;
	char err[512] = "", why[PATH_MAX + 64];
	int r;

	if (!n)
		return 0;
	if (hl_hooks_check(&n->conf, why, sizeof(why)) < 0)
		log_warn("%s/hotline.conf: %s", n->home, why);
	hl_clock_stop(t->clock);
	t->clock = NULL;
	r = hl_clock_start(t->p, &n->conf, t->db, t->courier, &t->clock, err, sizeof(err));
	if (r < 0) {
		log_warn("reload refused, the settings in use are kept: %s",
			 err[0] ? err : hl_strerror(r));
		free(n);
		r = hl_clock_start(t->p, &keep->conf, t->db, t->courier, &t->clock, err,
				   sizeof(err));
		if (r < 0)
			log_err("cannot restart the clock: %s", err[0] ? err : hl_strerror(r));
		return r;
	}
	free(t->live);
	t->live = n;
	log_info("reloaded %s/hotline.conf", t->p->home);
	return 0;
}

/* Runs until SIGTERM or SIGINT; SIGHUP reloads the settings and makes
 * the courier try now. */
static void serve(struct timekeeper *t)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		if (reload(t) < 0)
			break;
		hl_courier_wake(t->courier, NULL);
	}
	log_info("stopping on signal %d", sig);
}

/* Refuses, before any part starts, when another hotlined answers on this
 * home's operator socket: two couriers must not work one store, and the
 * reason to give is that one, not the peer port it also holds. */
static int another_running(const struct hl_party *p, char *err, size_t errlen)
{
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];

	if (!hl_party_daemon_up(p->home, sock, sizeof(sock)))
		return 0;	/* or the API reports it when it starts */
	snprintf(err, errlen, "another hotlined already serves %s", sock);
	return -EADDRINUSE;
}

/* The console's address, and a missing console.root: the API works
 * without it, so hotlined starts and says what to install. */
static void console_log(const struct hl_party *p)
{
	char why[PATH_MAX + 256];

	log_info("console on https://%s", p->conf.console_listen);
	if (hl_console_check(&p->conf, why, sizeof(why)) < 0)
		log_warn("%s", why);
}

/* glibc gives a thread that finds the arenas busy one of its own, up
 * to 8 a CPU, and each arena keeps what was freed in it: with a thread
 * for each API connection, a burst left hotlined holding a dozen and
 * more, most of its heap.  One a CPU serves the threads as well, with
 * less kept (docs/operations.md, "Memory"); MALLOC_ARENA_MAX in the
 * environment still decides, as MALLOC_TRIM_THRESHOLD_ and
 * MALLOC_MMAP_THRESHOLD_ do below. */
static void limit_arenas(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!getenv("MALLOC_ARENA_MAX"))
		mallopt(M_ARENA_MAX, cpus > 0 ? (int)cpus : 1);
	/* An arena gave back the top of its heap (madvise) whenever more
	 * than 128 KiB of it was free: after every HTTPS exchange of the
	 * courier (curl frees its buffers), and each time the kernel
	 * flushed the other CPUs' TLBs by interrupt: 6 % of the sender's
	 * CPU in a FLASH run.  Kept up to 4 MiB an arena; allocations from
	 * 1 MiB still get pages of their own, given back when freed. */
	if (!getenv("MALLOC_TRIM_THRESHOLD_"))
		mallopt(M_TRIM_THRESHOLD, 4 << 20);
	if (!getenv("MALLOC_MMAP_THRESHOLD_"))
		mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

static int run(struct hl_party *p, const char *db, const char *node_name)
{
	struct hl_node *node = NULL;
	struct hl_courier *courier = NULL;
	struct hl_peer_server *peer = NULL;
	struct hl_writer *writer = NULL;
	struct hl_api *api = NULL;
	struct hl_events *hub = NULL;
	struct timekeeper t = {.p = p, .db = db};
	char err[512] = "";
	int r;

	r = another_running(p, err, sizeof(err));
	if (r == 0) {
		sigset_t set;
		int sig = 0;

		/* The standby binds nothing and runs nothing until it holds
		 * the lease; a signal while it waits stops it. */
		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		r = hl_node_take(db, node_name, &set, &sig, &node, err, sizeof(err));
		if (r == 1) {
			log_info("stopping on signal %d", sig);
			log_info("stopped");
			return 0;
		}
	}
	if (r == 0 && hl_node_took_over(node)) {
		hl_node_wait_port(p->conf.listen);
		hl_node_wait_port(p->conf.console_listen);
	}
	if (r == 0)
		r = hl_events_new(&hub);
	hl_events_install(hub);
	if (r == 0)
		r = hl_courier_start(p, db, &courier, err, sizeof(err));
	if (r == 0)
		r = hl_writer_start(p, db, courier, &writer, err, sizeof(err));
	if (r == 0)
		r = hl_clock_start(p, &p->conf, db, courier, &t.clock, err, sizeof(err));
	if (r == 0)
		r = hl_peer_start(p, db, wake, courier, &peer, err, sizeof(err));
	if (r == 0)
		r = hl_api_start(p, db, courier, writer, &api, err, sizeof(err));
	if (r < 0) {
		log_err("cannot start: %s", err[0] ? err : hl_strerror(r));
	} else {
		if (p->conf.console_listen[0])
			console_log(p);
		log_info("ready: party %s, peers on https://%s, operators on %s/hotlined.sock",
			 p->card.name, p->conf.listen, p->home);
		t.courier = courier;
		serve(&t);
	}
	hl_events_close(hub);	/* open event streams end now, not at a timeout */
	hl_api_stop(api);
	hl_writer_stop(writer);
	hl_clock_stop(t.clock);
	free(t.live);
	hl_peer_stop(peer);
	hl_courier_stop(courier);
	hl_events_install(NULL);
	hl_events_free(hub);
	hl_node_release(node);	/* last: everything that writes has stopped */
	if (r == 0)
		log_info("stopped");
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	char node_name[HL_NODE_MAX + 1];
	struct opts o = {0};
	struct hl_party *p;
	sigset_t set;
	char db[PATH_MAX], why[PATH_MAX + 128];
	int r = parse(argc, argv, &o);

	if (r >= 0)
		return r;
	log_init(o.use_syslog);
	hl_trace_init();
	limit_arenas();
	hl_store_checkpoint_behind();
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		log_err("cannot initialise the crypto or HTTP library");
		return 1;
	}
	/* Every connection to a shared store says which node it is (the
	 * server's pg_stat_activity), unless the environment says already. */
	hl_node_name(o.node, node_name);
	setenv("PGAPPNAME", node_name, 0);
	p = open_party(o.home, o.test, db, sizeof(db));
	if (!p)
		return 1;
	/* A broken alarm path fails the check; a running line is better
	 * kept up, so the daemon only warns (status shows each failure). */
	if (hl_hooks_check(&p->conf, why, sizeof(why)) < 0) {
		if (o.test) {
			log_err("%s/hotline.conf: %s", p->home, why);
			hl_party_free(p);
			return 1;
		}
		log_warn("%s/hotline.conf: %s", p->home, why);
	}
	if (o.test) {
		fprintf(stderr, "configuration OK\n");
		hl_party_free(p);
		return 0;
	}
	/* Every thread started from here on inherits this mask, so the
	 * signals reach only sigwait() in serve(). */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	r = run(p, db, node_name);
	hl_party_free(p);
	curl_global_cleanup();
	return r;
}
