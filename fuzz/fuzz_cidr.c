/* fuzz_cidr.c - libFuzzer target for hl_cidr_parse and hl_cidr_overlap.
 *
 * The input is split at its first newline into two strings (NUL bytes
 * end a string early, as for any C caller).  Whatever parses has a
 * prefix within its family's bits; overlap is reflexive and symmetric,
 * and a range overlaps every address it was written with.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_one(const struct hl_cidr *c)
{
	assert(c->family == AF_INET || c->family == AF_INET6);
	assert(c->bits <= (c->family == AF_INET ? 32u : 128u));
	assert(hl_cidr_overlap(c, c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *a = malloc(size + 1), *b;
	struct hl_cidr x, y;
	bool px, py;

	if (!a)
		return 0;
	memcpy(a, data, size);
	a[size] = 0;
	b = strchr(a, '\n');
	if (b)
		*b++ = 0;
	else
		b = a + size;
	px = hl_cidr_parse(a, &x);
	py = hl_cidr_parse(b, &y);
	if (px)
		check_one(&x);
	if (py)
		check_one(&y);
	if (px && py)
		assert(hl_cidr_overlap(&x, &y) == hl_cidr_overlap(&y, &x));
	if (px && strchr(a, '/')) {
		struct hl_cidr host;

		*strchr(a, '/') = 0;
		assert(hl_cidr_parse(a, &host));
		assert(hl_cidr_overlap(&x, &host));
	}
	free(a);
	return 0;
}
