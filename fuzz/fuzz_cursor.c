/* fuzz_cursor.c - libFuzzer target for hl_cursor_decode and
 * hl_cursor_encode: a listing's "after" argument comes from any client.
 *
 * The input, cut at its first NUL byte as any C caller sees it, is
 * decoded as a cursor; what decodes encodes back to the same text.  The
 * input as a key encodes to a cursor that decodes back to it.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEY_MAX 512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char key[KEY_MAX], cur[2 * KEY_MAX + 1];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (hl_cursor_decode(s, key, sizeof(key))) {
		assert(strlen(key) == strlen(s) / 2);
		assert(hl_cursor_encode(key, cur, sizeof(cur)));
		assert(strcmp(cur, s) == 0);
	}
	if (strlen(s) < KEY_MAX && s[0]) {
		assert(hl_cursor_encode(s, cur, sizeof(cur)));
		assert(hl_cursor_decode(cur, key, sizeof(key)));
		assert(strcmp(key, s) == 0);
	}
	free(s);
	return 0;
}
