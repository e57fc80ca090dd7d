/* hl-apisend - measures sends per second through the operator API.
 *
 *   hl-apisend --home DIR --to LINK [--clients C] [--seconds S]
 *
 * C threads (default 32) each keep one connection to DIR/hotlined.sock
 * and POST /v1/send {"to": LINK, "text": ...} one after the other for S
 * seconds (default 10): each waits for its message to be durable, so
 * the rate is what group commit gives C clients in flight.  Prints
 * "sent N in T s: R/s (failed F)".  The peer need not run: this
 * measures the sender's side alone (accepted, not receipted).
 *
 * Exit status: 0 measured, 1 could not measure (or a send failed), 2 usage.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS_MAX 256

static struct sockaddr_un sa = {.sun_family = AF_UNIX};
static char request[2048];
static size_t request_len;
static atomic_long sent, failed;
static double until;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads one response (headers and a Content-Length body); its status,
 * or -1 when the connection failed. */
static int response(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	char *end = NULL, *cl;
	long body;
	int status;

	while (!end) {
		ssize_t n = read(fd, buf + have, cap - 1 - have);

		if (n <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = 0;
		end = strstr(buf, "\r\n\r\n");
	}
	cl = strcasestr(buf, "Content-Length:");
	if (!cl || sscanf(buf, "HTTP/1.1 %d", &status) != 1)
		return -1;
	body = strtol(cl + 15, NULL, 10);
	while ((long)(have - (size_t)(end + 4 - buf)) < body) {
		ssize_t n = read(fd, buf + have, cap - 1 - have);

		if (n <= 0)
			return -1;
		have += (size_t)n;
	}
	return status;
}

static void *client(void *arg)
{
	char buf[65536];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)arg;
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		atomic_fetch_add(&failed, 1);
		return NULL;
	}
	while (now() < until) {
		int status;

		if (write(fd, request, request_len) != (ssize_t)request_len)
			break;
		status = response(fd, buf, sizeof(buf));
		if (status < 0)
			break;
		atomic_fetch_add(status == 200 ? &sent : &failed, 1);
	}
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"to", required_argument, NULL, 't'},
		{"clients", required_argument, NULL, 'c'},
		{"seconds", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *home = NULL, *to = NULL;
	long clients = 32, seconds = 10;
	pthread_t th[CLIENTS_MAX];
	char body[512];
	double start;
	int c, n;

	for (;;) {
		c = getopt_long(argc, argv, "", opts, NULL);
		if (c == -1)
			break;
		if (c == 'H')
			home = optarg;
		else if (c == 't')
			to = optarg;
		else if (c == 'c')
			clients = strtol(optarg, NULL, 10);
		else if (c == 's')
			seconds = strtol(optarg, NULL, 10);
		else
			return 2;
	}
	if (!home || !to || clients < 1 || clients > CLIENTS_MAX || seconds < 1) {
		fputs("usage: hl-apisend --home DIR --to LINK [--clients C] [--seconds S]\n",
		      stderr);
		return 2;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/hotlined.sock", home);
	n = snprintf(body, sizeof(body), "{\"to\":\"%s\",\"text\":\"%s\"}", to,
		     "a message of the send-rate measurement, about a hundred bytes long, "
		     "as a short notification is");
	request_len = (size_t)snprintf(request, sizeof(request),
				       "POST /v1/send HTTP/1.1\r\nHost: hotlined\r\n"
				       "Content-Type: application/json\r\n"
				       "Content-Length: %d\r\n\r\n%s", n, body);
	start = now();
	until = start + (double)seconds;
	for (long i = 0; i < clients; i++)
		if (pthread_create(&th[i], NULL, client, NULL) != 0)
			return 1;
	for (long i = 0; i < clients; i++)
		pthread_join(th[i], NULL);
	printf("sent %ld in %.1f s: %.0f/s (failed %ld)\n", atomic_load(&sent),
	       now() - start, atomic_load(&sent) / (now() - start), atomic_load(&failed));
	return atomic_load(&failed) || !atomic_load(&sent) ? 1 : 0;
}
