/* cidr.h - IPv4 and IPv6 addresses and CIDR ranges, for search.
 *
 * An address is a range of all its bits ("203.0.113.7" is
 * 203.0.113.7/32); a range keeps its prefix ("2001:db8::/32"), its host
 * bits ignored.  Pure: no I/O.
 */
#ifndef HL_CIDR_H
#define HL_CIDR_H

#include <stdbool.h>

struct hl_cidr {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];	/* network byte order; 4 used for AF_INET */
	unsigned bits;		/* the prefix length */
};

/* "A.B.C.D", "A.B.C.D/N" (N <= 32), an IPv6 address, or one with "/N"
 * (N <= 128); false for anything else. */
bool hl_cidr_parse(const char *s, struct hl_cidr *out);

/* Whether s is written as a range, with a "/N". */
bool hl_cidr_is_range(const char *s);

/* Whether one of a and b contains the other (of one family). */
bool hl_cidr_overlap(const struct hl_cidr *a, const struct hl_cidr *b);

#endif
