/* hl-wire - speaks raw bytes to a peer server, the way curl will not.
 *
 *   hl-wire raw --port P [--cert CRT --key KEY] FILE
 *       Opens TLS 1.3 to 127.0.0.1:P (with that client certificate, or
 *       none), sends FILE's bytes as they are, and copies what comes
 *       back to standard output until the server closes or 2 s pass.
 *       Then prints one last line: "-- closed" (the server ended the
 *       connection), "-- open" (it was still open after 2 s) or
 *       "-- tls: MESSAGE" (TLS failed; nothing HTTP was read).
 *
 *   hl-wire trickle --port P --from ADDR[,ADDR...] --count N --seconds S
 *       Keeps N connections to 127.0.0.1:P for S seconds, connection i
 *       from source address ADDR[i % number of ADDRs] (any 127.x works on
 *       Linux), each as slow as a stranger can be: a third send a TLS
 *       record header and then one byte a second, a third finish a TLS
 *       handshake without a certificate and then send an HTTP request
 *       one byte a second, a third say nothing.  Whatever the server
 *       closes is opened again after 0.2 s.  At the end prints
 *       "opened O closed-by-server C open-at-end E".
 *
 * Exit status: 0 done, 1 failed, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>

#define ADDRS_MAX 16
#define CONNS_MAX 2000

static const char *usage =
	"usage: hl-wire raw --port P [--cert CRT --key KEY] FILE\n"
	"       hl-wire trickle --port P --from ADDR[,ADDR...] --count N --seconds S\n";

static int tcp_connect(const char *from, unsigned port)
{
	struct sockaddr_in src = {.sin_family = AF_INET};
	struct sockaddr_in dst = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
	if ((from && (inet_pton(AF_INET, from, &src.sin_addr) != 1 ||
		      bind(fd, (struct sockaddr *)&src, sizeof(src)) < 0)) ||
	    connect(fd, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int tls_open(int fd, gnutls_certificate_credentials_t cred, gnutls_session_t *s)
{
	int r = gnutls_init(s, GNUTLS_CLIENT);

	if (r == 0)
		r = gnutls_priority_set_direct(*s, "NORMAL:-VERS-ALL:+VERS-TLS1.3", NULL);
	if (r == 0)
		r = gnutls_credentials_set(*s, GNUTLS_CRD_CERTIFICATE, cred);
	if (r < 0)
		return r;
	gnutls_transport_set_int(*s, fd);
	gnutls_handshake_set_timeout(*s, 10000);
	do
		r = gnutls_handshake(*s);
	while (r < 0 && !gnutls_error_is_fatal(r));
	return r;
}

/* ---- raw ---- */

/* The client certificate, sent whatever CAs the server names (GnuTLS
 * alone sends none whose issuer the server did not list). */
static gnutls_pcert_st my_pcert;
static gnutls_privkey_t my_key;

static int my_cert(gnutls_session_t s, const gnutls_datum_t *req_ca_dn, int nreqs,
		   const gnutls_pk_algorithm_t *algos, int nalgos, gnutls_pcert_st **pcert,
		   unsigned *npcert, gnutls_privkey_t *key)
{
	(void)s, (void)req_ca_dn, (void)nreqs, (void)algos, (void)nalgos;
	*pcert = &my_pcert;
	*npcert = 1;
	*key = my_key;
	return 0;
}

static int load_cert(gnutls_certificate_credentials_t cred, const char *crt, const char *key)
{
	gnutls_datum_t c = {NULL, 0}, k = {NULL, 0};
	int r = gnutls_load_file(crt, &c);

	if (r == 0)
		r = gnutls_load_file(key, &k);
	if (r == 0)
		r = gnutls_pcert_import_x509_raw(&my_pcert, &c, GNUTLS_X509_FMT_PEM, 0);
	if (r == 0)
		r = gnutls_privkey_init(&my_key);
	if (r == 0)
		r = gnutls_privkey_import_x509_raw(my_key, &k, GNUTLS_X509_FMT_PEM, NULL, 0);
	if (r == 0)
		gnutls_certificate_set_retrieve_function2(cred, my_cert);
	gnutls_free(c.data);
	gnutls_free(k.data);
	return r;
}

static int read_file(const char *path, char **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p = malloc(1 << 20);

	if (!f || !p) {
		if (f)
			fclose(f);
		free(p);
		return -1;
	}
	*n = fread(p, 1, 1 << 20, f);
	fclose(f);
	*out = p;
	return 0;
}

static int raw(unsigned port, const char *crt, const char *key, const char *path)
{
	gnutls_certificate_credentials_t cred = NULL;
	gnutls_session_t s = NULL;
	char *req = NULL, buf[4096];
	size_t n = 0;
	ssize_t got;
	int fd = -1, r = -1;

	if (read_file(path, &req, &n) < 0 || gnutls_certificate_allocate_credentials(&cred) < 0)
		goto out;
	if (crt && load_cert(cred, crt, key) < 0)
		goto out;
	fd = tcp_connect(NULL, port);
	if (fd < 0)
		goto out;
	r = tls_open(fd, cred, &s);
	if (r == 0 && gnutls_record_send(s, req, n) < 0)
		r = -1;
	gnutls_record_set_timeout(s, 2000);
	while (r == 0) {
		got = gnutls_record_recv(s, buf, sizeof(buf));
		if (got == GNUTLS_E_AGAIN || got == GNUTLS_E_INTERRUPTED)
			continue;
		if (got > 0) {
			fwrite(buf, 1, (size_t)got, stdout);
			continue;
		}
		fflush(stdout);
		if (got == 0 || got == GNUTLS_E_PREMATURE_TERMINATION ||
		    got == GNUTLS_E_PUSH_ERROR || got == GNUTLS_E_PULL_ERROR)
			printf("\n-- closed\n");
		else if (got == GNUTLS_E_TIMEDOUT)
			printf("\n-- open\n");
		else
			printf("\n-- tls: %s\n", gnutls_strerror((int)got));
		break;
	}
	if (r < 0)
		printf("-- tls: %s\n", gnutls_strerror(r));
	r = 0;
out:
	if (s)
		gnutls_deinit(s);
	if (fd >= 0)
		close(fd);
	if (cred)
		gnutls_certificate_free_credentials(cred);
	free(req);
	return r;
}

/* ---- trickle ---- */

struct trickle {
	unsigned port;
	const char *from[ADDRS_MAX];
	unsigned nfrom;
	time_t until;
	gnutls_certificate_credentials_t cred;
	atomic_uint opened, closed, held;
};

/* Waits up to ms for the server to close fd; true if it did. */
static bool closed_within(int fd, int ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	char c[512];

	if (poll(&p, 1, ms) <= 0)
		return false;
	return recv(fd, c, sizeof(c), MSG_DONTWAIT) <= 0;
}

/* One slow connection until the server closes it or time is up;
 * true if the server closed it. */
static bool one(struct trickle *t, const char *from, unsigned style)
{
	static const char http[] = "GET /hotline/v1/checkpoint HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	gnutls_session_t s = NULL;
	int fd = tcp_connect(from, t->port);
	bool closed = true;
	size_t i = 0;

	if (fd < 0)
		return true;
	atomic_fetch_add(&t->opened, 1);
	if (style == 1 && tls_open(fd, t->cred, &s) < 0)
		goto out;
	while (time(NULL) < t->until) {
		char c = (char)('a' + i % 26);
		ssize_t w = 1;

		if (style == 0)
			w = send(fd, i < 3 ? &"\x16\x03\x01"[i] : &c, 1, MSG_NOSIGNAL);
		else if (style == 1)
			w = gnutls_record_send(s, i < sizeof(http) - 1 ? &http[i] : &c, 1);
		if (w <= 0 || closed_within(fd, 1000))
			goto out;
		i++;
	}
	closed = false;
	atomic_fetch_add(&t->held, 1);
out:
	if (s)
		gnutls_deinit(s);
	close(fd);
	return closed;
}

struct worker {
	struct trickle *t;
	unsigned i;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct trickle *t = w->t;

	while (time(NULL) < t->until) {
		if (!one(t, t->from[w->i % t->nfrom], w->i % 3))
			break;
		atomic_fetch_add(&t->closed, 1);
		usleep(200000);
	}
	return NULL;
}

static int trickle(struct trickle *t, unsigned count, unsigned seconds)
{
	static pthread_t th[CONNS_MAX];
	static struct worker w[CONNS_MAX];
	pthread_attr_t attr;
	unsigned started = 0;

	if (gnutls_certificate_allocate_credentials(&t->cred) < 0)
		return -1;
	t->until = time(NULL) + (time_t)seconds;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	for (unsigned i = 0; i < count; i++) {
		w[i] = (struct worker){t, i};
		if (pthread_create(&th[i], &attr, work, &w[i]) != 0)
			break;
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	printf("opened %u closed-by-server %u open-at-end %u\n", atomic_load(&t->opened),
	       atomic_load(&t->closed), atomic_load(&t->held));
	gnutls_certificate_free_credentials(t->cred);
	return started == count ? 0 : -1;
}

static unsigned split(char *list, const char **out)
{
	unsigned n = 0;

	for (char *p = list; p && n < ADDRS_MAX; n++) {
		out[n] = p;
		p = strchr(p, ',');
		if (p)
			*p++ = 0;
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"port", required_argument, NULL, 'p'}, {"cert", required_argument, NULL, 'c'},
		{"key", required_argument, NULL, 'k'}, {"from", required_argument, NULL, 'f'},
		{"count", required_argument, NULL, 'n'}, {"seconds", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	static struct trickle t;
	const char *crt = NULL, *key = NULL;
	unsigned port = 0, count = 0, seconds = 0;
	int o;

	/* A server that ends a connection is what is being tested. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2)
		goto usage;
	optind = 2;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'p': port = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'c': crt = optarg; break;
		case 'k': key = optarg; break;
		case 'f': t.nfrom = split(optarg, t.from); break;
		case 'n': count = (unsigned)strtoul(optarg, NULL, 10); break;
		case 's': seconds = (unsigned)strtoul(optarg, NULL, 10); break;
		default: goto usage;
		}
	}
	if (port == 0 || port > 65535)
		goto usage;
	if (strcmp(argv[1], "raw") == 0 && optind == argc - 1 && !crt == !key)
		return raw(port, crt, key, argv[optind]) < 0 ? 1 : 0;
	if (strcmp(argv[1], "trickle") == 0 && optind == argc && t.nfrom && count &&
	    count <= CONNS_MAX && seconds) {
		t.port = port;
		return trickle(&t, count, seconds) < 0 ? 1 : 0;
	}
usage:
	fputs(usage, stderr);
	return 2;
}
