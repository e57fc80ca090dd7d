/* fuzz_evstream.c - libFuzzer target for hl_evstream_feed.
 *
 * The input after its first byte is a stream of server-sent events,
 * fed whole, then again in two pieces cut where the first byte says:
 * both readings must hand over the same events (a CR ending one piece
 * and an LF starting the next are one line end), each event's data
 * NUL-terminated past its length, and nothing may be read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evstream.h"

#define CAP 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct digest {
	unsigned long h;
	unsigned n;
};

static void on_event(void *ctx, const struct hl_evstream_event *ev)
{
	struct digest *d = ctx;
	const char *parts[3] = {ev->type, ev->id, ev->data};
	size_t lens[3] = {strlen(ev->type), strlen(ev->id), ev->len};

	/* Data may hold NUL bytes; it is NUL-terminated past its length. */
	if (ev->data[ev->len] != 0 || ev->len > CAP || !ev->type[0])
		abort();
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < lens[k]; i++)
			d->h = d->h * 131 + (unsigned char)parts[k][i];
		d->h = d->h * 131 + 0x100 + k;
	}
	d->n++;
}

static int read_all(const uint8_t *p, size_t n, size_t cut, struct digest *d)
{
	struct hl_evstream es;
	int r;

	hl_evstream_init(&es, CAP, on_event, d);
	r = hl_evstream_feed(&es, p, cut);
	if (r == 0)
		r = hl_evstream_feed(&es, p + cut, n - cut);
	hl_evstream_free(&es);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct digest whole = {0, 0}, split = {0, 0};
	size_t cut;
	int a, b;

	if (size < 1)
		return 0;
	cut = data[0] % size;
	a = read_all(data + 1, size - 1, 0, &whole);
	b = read_all(data + 1, size - 1, cut, &split);
	/* Past a cap the reader stops: the events before it must agree. */
	if (a == 0 && b == 0 && (whole.h != split.h || whole.n != split.n))
		abort();
	if ((a == 0) != (b == 0))
		abort();
	return 0;
}
