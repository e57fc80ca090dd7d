/* i18n.c - locale, message catalogue and translated vocabulary. */
#include <ctype.h>
#include <limits.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "error.h"
#include "i18n.h"

#ifndef HL_LOCALEDIR
#define HL_LOCALEDIR "/usr/local/share/locale"
#endif

#define DOMAIN "hotline"

/* A locale name or language tag ("fr_FR.UTF-8", "zh-CN", "sr@latin") as
 * a LANGUAGE entry ("fr_FR", "zh_CN", "sr@latin"); false for "C",
 * "POSIX" and anything that is not made of letters, digits, '_', '-'
 * (so no path can reach bindtextdomain's directory). */
static bool gettext_lang(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	bool primary = true, codeset = false;

	if (!in || !*in || strcmp(in, "C") == 0 || strncmp(in, "C.", 2) == 0 ||
	    strcmp(in, "POSIX") == 0)
		return false;
	for (; *in; in++) {
		char c = *in;

		if (c == '.' && !codeset) {
			codeset = true;
			continue;
		}
		if (c == '@')
			codeset = false;
		if (codeset)
			continue;
		if (c == '-' || c == '_' || c == '@') {
			c = c == '-' ? '_' : c;
			primary = false;
		} else if (!isalnum((unsigned char)c) || c & 0x80) {
			return false;
		} else if (primary) {
			c = (char)tolower((unsigned char)c);
		}
		if (n + 1 >= cap)
			return false;
		out[n++] = c;
	}
	out[n] = 0;
	return n > 0 && isalpha((unsigned char)out[0]);
}

/* The locale the environment names for messages, as gettext reads it. */
static const char *env_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v && *v)
			return v;
	}
	return NULL;
}

/* $HOTLINE_LOCALEDIR, else locale/ beside the binary (a build tree:
 * tests and make demo), else the installed PREFIX/share/locale.  Beside
 * an installed /usr/bin/hotline is /usr/bin/locale, a program: only a
 * folder counts. */
static void locale_dir(char *out, size_t cap)
{
	const char *env = getenv("HOTLINE_LOCALEDIR");
	char exe[PATH_MAX];
	struct stat s;
	ssize_t n;

	if (env && *env && (size_t)snprintf(out, cap, "%s", env) < cap)
		return;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			if ((size_t)snprintf(out, cap, "%s/locale", exe) < cap &&
			    stat(out, &s) == 0 && S_ISDIR(s.st_mode))
				return;
		}
	}
	snprintf(out, cap, "%s", HL_LOCALEDIR);
}

/* Whether dir holds a catalogue for want ("fr_CA"), or for its
 * language alone ("fr"), as gettext looks for them. */
static bool catalogue(const char *dir, const char *want)
{
	size_t n = strcspn(want, "_@");
	char path[PATH_MAX];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s/LC_MESSAGES/" DOMAIN ".mo", dir,
			     want) < sizeof(path) && access(path, R_OK) == 0)
		return true;
	return (size_t)snprintf(path, sizeof(path), "%s/%.*s/LC_MESSAGES/" DOMAIN ".mo",
				dir, (int)n, want) < sizeof(path) && access(path, R_OK) == 0;
}

static bool c_locale(const char *name)
{
	return !name || strcmp(name, "C") == 0 || strcmp(name, "POSIX") == 0;
}

/* glibc's gettext honours LANGUAGE unless the messages locale is "C" or
 * "POSIX"; under C.UTF-8 it does.  So where the locale the environment
 * names is not installed (Debian makes only C.UTF-8 without the locales
 * package) or a --lang is given, C.UTF-8 and LANGUAGE choose the
 * catalogue; the language a user set in LANGUAGE is kept. */
int cli_i18n_init(const char *lang)
{
	char want[64] = "", dir[PATH_MAX];

	if (lang && !gettext_lang(lang, want, sizeof(want)))
		return -1;
	if (!setlocale(LC_ALL, "")) {
		const char *language = getenv("LANGUAGE");

		setlocale(LC_ALL, "C.UTF-8");
		if (!want[0] && !(language && *language) &&
		    !gettext_lang(env_locale(), want, sizeof(want)))
			want[0] = 0;
	}
	if (want[0]) {
		if (c_locale(setlocale(LC_MESSAGES, NULL)))
			setlocale(LC_ALL, "C.UTF-8");
		setenv("LANGUAGE", want, 1);
	}
	locale_dir(dir, sizeof(dir));
	bindtextdomain(DOMAIN, dir);
	bind_textdomain_codeset(DOMAIN, "UTF-8");
	textdomain(DOMAIN);
	return lang && !catalogue(dir, want) ? 1 : 0;
}

const char *cli_label(enum hl_vocab v, const char *code)
{
	const struct hl_term *t = hl_vocab_find(v, code);

	return t ? gettext(t->label) : code;
}

const char *cli_field(enum hl_vocab v, const char *code)
{
	const struct hl_term *t = hl_vocab_find(v, code);
	const char *label = t ? gettext(t->label) : code;

	/* gettext returns its argument itself when there is no translation. */
	return t && label != t->label ? label : code;
}

const char *cli_pgettext(const char *key, const char *msgid)
{
	const char *t = gettext(key);

	/* gettext returns its argument when the catalogue lacks it. */
	return t == key ? msgid : t;
}

const char *cli_strerror(int err)
{
	return gettext(hl_strerror(err));
}

int cli_width(const char *s)
{
	mbstate_t st;
	size_t n = strlen(s);
	int w = 0;

	memset(&st, 0, sizeof(st));
	for (size_t i = 0; i < n;) {
		wchar_t wc;
		size_t k = mbrtowc(&wc, s + i, n - i, &st);
		int cw;

		if (k == (size_t)-1 || k == (size_t)-2) {
			memset(&st, 0, sizeof(st));
			k = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			cw = cw < 0 ? 1 : cw;
		}
		w += cw;
		i += k ? k : 1;
	}
	return w;
}

void cli_col(const char *s, int width)
{
	fputs(s, stdout);
	for (int w = cli_width(s); w < width; w++)
		putchar(' ');
}

void cli_rcol(const char *s, int width)
{
	for (int w = cli_width(s); w < width; w++)
		putchar(' ');
	fputs(s, stdout);
}
