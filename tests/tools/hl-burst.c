/* hl-burst - sends a burst of messages faster than 'hotline send' can.
 *
 *   hl-burst --home DIR --link NAME --count N [--wake-every K] [--tag TEXT]
 *
 * Opens the party in DIR with its secrets and its store once, and sends
 * N messages on link NAME through hl_transcript_send(), each its own
 * durable transaction exactly as 'hotline send' makes it.  Message i is
 * hotline content whose text, tagged "en", reads "TEXT i of N" (TEXT
 * defaults to "burst").  After every K
 * messages (default 25) and after the last it asks the party's hotlined
 * to deliver now (POST /v1/wake on DIR/hotlined.sock), as 'hotline send'
 * does after each message; no daemon running is not an error.  Prints
 * "sent N" at the end.
 *
 * Exit status: 0 all sent, 1 failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "content.h"
#include "error.h"
#include "party.h"
#include "store.h"
#include "text.h"
#include "transcript.h"
#include "tool.h"

struct args {
	const char *home, *link, *tag;
	uint64_t count, wake_every;
};

static int usage(void)
{
	fputs("usage: hl-burst --home DIR --link NAME --count N [--wake-every K] "
	      "[--tag TEXT]\n", stderr);
	return 2;
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"link", required_argument, NULL, 'l'},
		{"count", required_argument, NULL, 'n'},
		{"wake-every", required_argument, NULL, 'w'},
		{"tag", required_argument, NULL, 't'},
		{NULL, 0, NULL, 0},
	};

	a->tag = "burst";
	a->wake_every = 25;
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'H')
			a->home = optarg;
		else if (c == 'l')
			a->link = optarg;
		else if (c == 't')
			a->tag = optarg;
		else if (c == 'n' && hl_parse_u64(optarg, strlen(optarg), UINT32_MAX,
						  &a->count) == 0)
			continue;
		else if (c == 'w' && hl_parse_u64(optarg, strlen(optarg), UINT32_MAX,
						  &a->wake_every) == 0 && a->wake_every)
			continue;
		else
			return -1;
	}
	return a->home && a->link && a->count && optind == argc ? 0 : -1;
}

/* Asks hotlined to deliver now; quietly does nothing when none runs. */
static void wake(const char *home)
{
	static const char req[] = "POST /v1/wake HTTP/1.0\r\nContent-Length: 0\r\n\r\n";
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char reply[512];
	int fd;

	if (hl_party_path(home, "hotlined.sock", sa.sun_path, sizeof(sa.sun_path)) < 0)
		return;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* HTTP/1.0: the daemon closes the connection after its answer. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, req, sizeof(req) - 1) == (ssize_t)(sizeof(req) - 1))
		while (read(fd, reply, sizeof(reply)) > 0)
			;
	close(fd);
}

static int burst(const struct args *a, struct tool *c)
{
	char text[256];
	int r = 0;

	for (uint64_t i = 1; r == 0 && i <= a->count; i++) {
		struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify"};
		struct hl_text t = {.lang = "en", .text = text};
		struct hl_buf json;
		uint64_t seq = 0;
		int n = snprintf(text, sizeof(text), "%s %llu of %llu", a->tag,
				 (unsigned long long)i, (unsigned long long)a->count);

		t.len = n > 0 && (size_t)n < sizeof(text) ? (size_t)n : 0;
		hl_buf_init(&json, 4096);
		r = hl_content_encode(msg.kind, &t, NULL, NULL, &json);
		if (r < 0) {
			fprintf(stderr, "hl-burst: message %llu: %s\n",
				(unsigned long long)i, hl_strerror(r));
			hl_buf_free(&json);
			break;
		}
		msg.plain = json.data;
		msg.plain_len = json.len;
		msg.now = (int64_t)time(NULL);
		r = hl_transcript_send(c->st, c->p, &c->l, &msg, &seq);
		hl_buf_free(&json);
		if (r < 0) {
			fprintf(stderr, "hl-burst: message %llu: %s %s\n",
				(unsigned long long)i, hl_strerror(r),
				r == -HL_ESTORE ? hl_store_errmsg(c->st) : "");
			break;
		}
		if (i % a->wake_every == 0 || i == a->count)
			wake(a->home);
	}
	if (r == 0)
		printf("sent %llu\n", (unsigned long long)a->count);
	return r;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	struct tool c = {0};
	int r;

	if (parse(argc, argv, &a) < 0)
		return usage();
	if (sodium_init() < 0)
		return 1;
	r = tool_open("hl-burst", a.home, a.link, &c);
	if (r == 0)
		r = burst(&a, &c);
	tool_close(&c);
	return r < 0 ? 1 : 0;
}
