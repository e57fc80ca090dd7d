/* text.c - strict validation and parsing of Hotline's text formats. */
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "text.h"

bool hl_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp, min;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

int hl_text_check(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] < 0x20 && s[i] != '\n') || s[i] == 0x7f)
			return -HL_ECONTROL;
	return hl_utf8_valid(s, n) ? 0 : -HL_EUTF8;
}

bool hl_name_valid(const char *s, size_t n)
{
	if (n == 0 || n > HL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || i == n - 1 || (c != '-' && c != '.')))
			return false;
	}
	return true;
}

bool hl_link_name_valid(const char *s, size_t n)
{
	size_t tilde = n;

	while (tilde > 0 && s[tilde - 1] >= '0' && s[tilde - 1] <= '9')
		tilde--;
	if (tilde < n && tilde > 1 && s[tilde - 1] == '~' && s[tilde] != '0')
		return n <= HL_NAME_MAX && hl_name_valid(s, tilde - 1);
	return hl_name_valid(s, n);
}

bool hl_unix_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > HL_UNIX_NAME_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._-", s[i])))
			return false;
	return true;
}

void hl_lines_init(struct hl_lines *l, const void *s, size_t n)
{
	l->p = s;
	l->end = l->p + n;
}

bool hl_lines_next(struct hl_lines *l, const char **line, size_t *len)
{
	const char *nl;

	if (l->p >= l->end)
		return false;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	if (!nl)
		return false;
	*line = l->p;
	*len = (size_t)(nl - l->p);
	l->p = nl + 1;
	return true;
}

bool hl_lines_take(struct hl_lines *l, size_t n, const unsigned char **p)
{
	if (n > (size_t)(l->end - l->p))
		return false;
	*p = (const unsigned char *)l->p;
	l->p += n;
	return true;
}

bool hl_line_is(const char *line, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(line, want, len) == 0;
}

int hl_lines_counted(struct hl_lines *l, const char *key, uint64_t max,
		     const unsigned char **p, size_t *n)
{
	const char *line, *v;
	size_t len, vn;
	uint64_t size;
	int r;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_field(line, len, key, &v, &vn))
		return -HL_EFIELD;
	r = hl_parse_u64(v, vn, max, &size);
	if (r < 0)
		return r;
	if (!hl_lines_take(l, size, p))
		return -HL_ETRUNCATED;
	*n = size;
	return 0;
}

bool hl_field(const char *line, size_t len, const char *key,
	      const char **val, size_t *vlen)
{
	size_t k = strlen(key);

	if (len < k + 2 || memcmp(line, key, k) != 0 || line[k] != ' ')
		return false;
	*val = line + k + 1;
	*vlen = len - k - 1;
	return true;
}

bool hl_split(const char *s, size_t n, size_t *hlen,
	      const char **rest, size_t *rlen)
{
	const char *sp = memchr(s, ' ', n);

	if (!sp || sp == s || sp == s + n - 1)
		return false;
	*hlen = (size_t)(sp - s);
	*rest = sp + 1;
	*rlen = n - *hlen - 1;
	return true;
}

int hl_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -HL_ENUMBER;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -HL_ENUMBER;
		d = (unsigned)(s[i] - '0');
		if (d > max || v > (max - d) / 10)
			return -HL_ENUMBER;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

bool hl_b64_alphabet(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '='))
			return false;
	}
	return true;
}

int hl_b64_exact(const char *s, size_t n, unsigned char *out, size_t want)
{
	size_t got = 0;
	const char *end = NULL;

	if (n != sodium_base64_ENCODED_LEN(want, sodium_base64_VARIANT_ORIGINAL) - 1 ||
	    !hl_b64_alphabet(s, n))
		return -HL_EBASE64;
	if (sodium_base642bin(out, want, s, n, NULL, &got, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != want || end != s + n)
		return -HL_EBASE64;
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

int hl_time_parse(const char *s, size_t n, int64_t *out)
{
	static const unsigned mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	unsigned y, mo, d, h, mi, se;
	bool leap;

	if (n != HL_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -HL_ETIME;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &mo) || !digits(s + 8, 2, &d) ||
	    !digits(s + 11, 2, &h) || !digits(s + 14, 2, &mi) ||
	    !digits(s + 17, 2, &se))
		return -HL_ETIME;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 59)
		return -HL_ETIME;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return 0;
}

bool hl_time_valid(int64_t t)
{
	return t >= 0 && t <= HL_TIME_MAX;
}

static void put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Total: a time the format cannot spell (before 1970 or after 9999)
 * is never shown as some other date, but as HL_TIME_INVALID. */
bool hl_time_format(int64_t t, char out[HL_TIME_LEN + 1])
{
	int64_t days = t / 86400, y;
	int64_t secs = t % 86400;
	unsigned m, d;

	if (!hl_time_valid(t)) {
		memcpy(out, HL_TIME_INVALID, sizeof(HL_TIME_INVALID));
		return false;
	}
	civil_from_days(days, &y, &m, &d);
	memcpy(out, "0000-00-00T00:00:00Z", HL_TIME_LEN + 1);
	put_digits(out, (unsigned)y, 4);
	put_digits(out + 5, m, 2);
	put_digits(out + 8, d, 2);
	put_digits(out + 11, (unsigned)(secs / 3600), 2);
	put_digits(out + 14, (unsigned)(secs / 60 % 60), 2);
	put_digits(out + 17, (unsigned)(secs % 60), 2);
	return true;
}
