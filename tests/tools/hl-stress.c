/* hl-stress - drives the transcript hard for the crash-safety test.
 *
 *   hl-stress append --home DIR --link NAME --count N [--size BYTES]
 *
 * Opens the party in DIR with its secrets and its store, and sends N
 * short messages on link NAME through hl_transcript_send(), one durable
 * transaction each.  After each append has returned (committed and
 * fsynced) it prints "seq N" and flushes, so a test that kills it with
 * SIGKILL knows every sequence number that was acknowledged as durable
 * before the kill: each of them must be in the store after a restart.
 *
 * Exit status: 0 done, 1 failed, 2 usage.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "error.h"
#include "party.h"
#include "store.h"
#include "text.h"
#include "transcript.h"
#include "tool.h"

#define TEXT_MAX 65536

struct args {
	const char *home, *link;
	uint64_t count;
	uint64_t size;
};

static int usage(void)
{
	fputs("usage: hl-stress append --home DIR --link NAME --count N [--size BYTES]\n",
	      stderr);
	return 2;
}

static int parse_u64(const char *s, uint64_t max, uint64_t *v)
{
	return hl_parse_u64(s, strlen(s), max, v);
}

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{"home", required_argument, NULL, 'H'},
		{"link", required_argument, NULL, 'l'},
		{"count", required_argument, NULL, 'n'},
		{"size", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};

	a->size = 32;
	for (;;) {
		int c = getopt_long(argc, argv, "", opts, NULL);

		if (c == -1)
			break;
		if (c == 'H')
			a->home = optarg;
		else if (c == 'l')
			a->link = optarg;
		else if (c == 'n' && parse_u64(optarg, UINT32_MAX, &a->count) == 0)
			continue;
		else if (c == 's' && parse_u64(optarg, TEXT_MAX, &a->size) == 0)
			continue;
		else
			return -1;
	}
	return a->home && a->link && a->count && optind == argc ? 0 : -1;
}

static int append(const struct args *a, struct tool *c)
{
	char *text = malloc(a->size + 1);
	int r = text ? 0 : -1;

	for (uint64_t i = 0; r == 0 && i < a->count; i++) {
		struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "check"};
		uint64_t seq = 0;
		int n = snprintf(text, a->size + 1, "stress message %llu ",
				 (unsigned long long)i);

		if (n >= 0 && (uint64_t)n < a->size)
			memset(text + n, 'x', a->size - (uint64_t)n);
		msg.plain = text;
		msg.plain_len = a->size;
		msg.now = (int64_t)time(NULL);
		r = hl_transcript_send(c->st, c->p, &c->l, &msg, &seq);
		if (r < 0) {
			fprintf(stderr, "hl-stress: send: %s: %s\n", hl_strerror(r),
				r == -HL_ESTORE ? hl_store_errmsg(c->st) : "");
			break;
		}
		/* Only now is seq durable: say so before the next one. */
		printf("seq %llu\n", (unsigned long long)seq);
		fflush(stdout);
	}
	free(text);
	return r;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	struct tool c = {0};
	int r;

	if (argc < 2 || strcmp(argv[1], "append") != 0 ||
	    parse(argc - 1, argv + 1, &a) < 0)
		return usage();
	if (sodium_init() < 0)
		return 1;
	r = tool_open("hl-stress", a.home, a.link, &c);
	if (r == 0)
		r = append(&a, &c);
	tool_close(&c);
	return r < 0 ? 1 : 0;
}
