/* cidr.c - IPv4 and IPv6 addresses and CIDR ranges (cidr.h). */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"
#include "text.h"

bool hl_cidr_is_range(const char *s)
{
	return strchr(s, '/') != NULL;
}

bool hl_cidr_parse(const char *s, struct hl_cidr *out)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	char host[INET6_ADDRSTRLEN + 1];
	uint64_t bits;

	memset(out, 0, sizeof(*out));
	if (!n || n >= sizeof(host))
		return false;
	memcpy(host, s, n);
	host[n] = 0;
	if (inet_pton(AF_INET, host, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, host, out->addr) == 1)
		out->family = AF_INET6;
	else
		return false;
	bits = out->family == AF_INET ? 32 : 128;
	if (slash && hl_parse_u64(slash + 1, strlen(slash + 1), bits, &bits) < 0)
		return false;
	out->bits = (unsigned)bits;
	return true;
}

bool hl_cidr_overlap(const struct hl_cidr *a, const struct hl_cidr *b)
{
	unsigned bits = a->bits < b->bits ? a->bits : b->bits, whole = bits / 8;
	unsigned char mask = (unsigned char)(0xff00u >> (bits % 8));

	if (a->family != b->family)
		return false;
	if (memcmp(a->addr, b->addr, whole) != 0)
		return false;
	return bits % 8 == 0 || ((a->addr[whole] ^ b->addr[whole]) & mask) == 0;
}
