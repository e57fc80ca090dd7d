/* fuzz_cookie.c - libFuzzer target for hl_cookie_find.
 *
 * The input, exactly as long as it is (no NUL after it), is a Cookie
 * header searched for the session cookie's name.  A value found lies
 * inside the header, holds no ';' and no control byte; and the header
 * with "; <name>=<that value>" added now has the name twice, so it is
 * no longer found.  Without the name, the header with it added once
 * (with a value of the input's letters) finds exactly that value.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cookie.h"

#define NAME "__Host-hotline-session"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* h (n bytes) followed by "; NAME=" and the m bytes of v, in a new
 * allocation of exactly that size. */
static char *added(const char *h, size_t n, const char *v, size_t m, size_t *len)
{
	static const char mid[] = "; " NAME "=";
	char *s = malloc(n + sizeof(mid) - 1 + m + 1);

	if (!s)
		return NULL;
	memcpy(s, h, n);
	memcpy(s + n, mid, sizeof(mid) - 1);
	memcpy(s + n + sizeof(mid) - 1, v, m);
	*len = n + sizeof(mid) - 1 + m;
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *h = malloc(size ? size : 1), *s, v[64];
	const char *val;
	size_t vlen, len, m = 0;

	if (!h)
		return 0;
	memcpy(h, data, size);
	if (hl_cookie_find(h, size, NAME, &val, &vlen)) {
		assert(val >= h && val + vlen <= h + size);
		assert(!memchr(val, ';', vlen));
		for (size_t i = 0; i < vlen; i++)
			assert((unsigned char)val[i] >= 0x20 || val[i] == '\t');
		s = added(h, size, val, vlen, &len);
		if (s)
			assert(!hl_cookie_find(s, len, NAME, &val, &vlen));
		free(s);
	} else if (!memmem(h, size, NAME, strlen(NAME))) {
		for (size_t i = 0; i < size && m < sizeof(v); i++)
			if ((data[i] >= 'a' && data[i] <= 'z') || (data[i] >= '0' && data[i] <= '9'))
				v[m++] = (char)data[i];
		s = added(h, size, v, m, &len);
		if (s && hl_cookie_find(s, len, NAME, &val, &vlen)) {
			assert(vlen == m && memcmp(val, v, m) == 0);
		} else if (s) {
			/* Only a control byte in the input may hide it. */
			int ctl = 0;

			for (size_t i = 0; i < size; i++)
				ctl |= data[i] < 0x20 && data[i] != '\t';
			assert(ctl);
		}
		free(s);
	}
	free(h);
	return 0;
}
