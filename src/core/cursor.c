/* cursor.c - listings' cursors to and from their keys. */
#include <string.h>

#include "cursor.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool hl_cursor_encode(const char *key, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(key);

	if (cap == 0 || n > (cap - 1) / 2)
		return false;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[(unsigned char)key[i] >> 4];
		out[2 * i + 1] = hex[(unsigned char)key[i] & 15];
	}
	out[2 * n] = 0;
	return true;
}

bool hl_cursor_decode(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 || n / 2 >= cap)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return false;
		out[i] = (char)(hi << 4 | lo);
	}
	out[n / 2] = 0;
	return true;
}
