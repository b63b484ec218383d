/*
 * text.c - UTF-8 validation, case- and accent-folding, and slugs.
 *
 * Folding is utf8proc's (compatibility decomposition, case fold, marks
 * stripped, recomposed) plus a small table for the Latin letters that have
 * no decomposition (ł, ø, đ, ð, þ, ß, æ, œ, ı, ħ, ŧ), so "Łukasz" folds
 * like "lukasz". Slugs add Cyrillic and Greek transliteration; apostrophes
 * are dropped ("O'Brien" is `obrien`), every other run of characters
 * outside [a-z0-9] becomes one '-', and a name that leaves nothing (say,
 * "李小龙") is `person`. Greek ου is "ou", Cyrillic ё "e", й "y".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

#define SLUG_MAX 64

#define FOLD_OPTIONS (UTF8PROC_COMPAT | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | \
	UTF8PROC_STRIPMARK | UTF8PROC_LUMP | UTF8PROC_IGNORE)

struct translit {
	int32_t cp;
	const char *ascii;
};

/* Latin letters utf8proc leaves alone; sorted by code point. */
static const struct translit latin[] = {
	{ 0x00C6, "ae" }, { 0x00D0, "d" }, { 0x00D8, "o" }, { 0x00DE, "th" },
	{ 0x00DF, "ss" }, { 0x00E6, "ae" }, { 0x00F0, "d" }, { 0x00F8, "o" },
	{ 0x00FE, "th" }, { 0x0110, "d" }, { 0x0111, "d" }, { 0x0126, "h" },
	{ 0x0127, "h" }, { 0x0131, "i" }, { 0x0141, "l" }, { 0x0142, "l" },
	{ 0x0152, "oe" }, { 0x0153, "oe" }, { 0x0166, "t" }, { 0x0167, "t" },
	{ 0x1E9E, "ss" },
};

/* Lower-case Greek α (U+03B1) .. ω (U+03C9). */
static const char *const greek[] = {
	"a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n",
	"x", "o", "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o",
};

/* Lower-case Cyrillic а (U+0430) .. џ (U+045F); "" is dropped. */
static const char *const cyrillic[] = {
	"a", "b", "v", "g", "d", "e", "zh", "z", "i", "y", "k", "l", "m",
	"n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh",
	"shch", "", "y", "", "e", "yu", "ya",
	"e", "e", "dj", "g", "ye", "dz", "i", "yi", "j", "lj", "nj", "c",
	"k", "i", "u", "dz",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Length of the valid UTF-8 sequence at p, or 0 if there is none. */
static size_t
utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xBF;
	size_t n;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		n = 2;
	else if (p[0] >= 0xE0 && p[0] <= 0xEF)
		n = 3;
	else if (p[0] >= 0xF0 && p[0] <= 0xF4)
		n = 4;
	else
		return 0;
	if (p[0] == 0xE0)
		lo = 0xA0;	/* overlong */
	else if (p[0] == 0xED)
		hi = 0x9F;	/* surrogates */
	else if (p[0] == 0xF0)
		lo = 0x90;	/* overlong */
	else if (p[0] == 0xF4)
		hi = 0x8F;	/* beyond U+10FFFF */
	if (avail < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	return n;
}

bool
kith_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		/* Most text is ASCII: step over it eight bytes at a time. */
		uint64_t w;
		while (i + 8 <= len && (memcpy(&w, p + i, 8), !(w & 0x8080808080808080ULL)))
			i += 8;
		if (i < len && p[i] < 0x80) {
			i++;
			continue;
		}
		if (i >= len)
			break;
		if (!(n = utf8_seq(p + i, len - i)))
			return false;
		i += n;
	}
	return true;
}

static const char *
latin_lookup(int32_t cp)
{
	size_t lo = 0, hi = NELEM(latin);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (latin[mid].cp == cp)
			return latin[mid].ascii;
		if (latin[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ASCII for a letter of the tables (lower-case) after prev, or NULL. */
static const char *
translit(int32_t cp, int32_t prev)
{
	if (cp == 0x03C5 && prev == 0x03BF)
		return "u";	/* ου */
	if (cp >= 0x03B1 && cp <= 0x03C9)
		return greek[cp - 0x03B1];
	if (cp >= 0x0430 && cp <= 0x045F)
		return cyrillic[cp - 0x0430];
	if (cp == 0x0491)
		return "g";	/* ґ */
	return latin_lookup(cp);
}

/* utf8proc_map with a kith error. */
static int
map(utf8proc_uint8_t **out, size_t *outlen, const char *s, size_t len,
	int options)
{
	utf8proc_ssize_t n;

	*out = NULL;
	*outlen = 0;
	if (!kith_utf8_valid(s, len))
		return kith_error_set(KITH_EINVALID,
			"invalid UTF-8 in text: save the file as UTF-8");
	n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len,
		out, (utf8proc_option_t)options);
	if (n < 0)
		return kith_error_set(n == UTF8PROC_ERROR_NOMEM ? KITH_ERROR :
			KITH_EINVALID, "cannot fold text: %s", utf8proc_errmsg(n));
	*outlen = (size_t)n;
	return 0;
}

/* Decode the code point at m[i] (m is utf8proc's valid output); 0 at the end. */
static size_t
next_cp(utf8proc_int32_t *cp, const utf8proc_uint8_t *m, size_t mlen, size_t i)
{
	utf8proc_ssize_t n;

	if (i >= mlen)
		return 0;
	n = utf8proc_iterate(m + i, (utf8proc_ssize_t)(mlen - i), cp);
	return n > 0 ? (size_t)n : 0;
}

int
kith_fold(char **out, const char *s, size_t len)
{
	struct kith_buf b = KITH_BUF_INIT;
	utf8proc_uint8_t *m;
	utf8proc_int32_t cp;
	size_t mlen;
	int rc;

	*out = NULL;
	/* ASCII folds to itself in lower case: no need for utf8proc. */
	size_t k = 0;
	while (k < len && (unsigned char)s[k] < 0x80)
		k++;
	if (k == len) {
		if (!(*out = malloc(len + 1)))
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t i = 0; i < len; i++)
			(*out)[i] = s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 'a' - 'A' : s[i];
		(*out)[len] = '\0';
		return 0;
	}
	if ((rc = map(&m, &mlen, s, len, FOLD_OPTIONS)) < 0)
		return rc;
	rc = kith_buf_put(&b, "", 0);
	for (size_t i = 0, n; rc == 0 && (n = next_cp(&cp, m, mlen, i)); i += n) {
		const char *t = latin_lookup(cp);
		rc = t ? kith_buf_puts(&b, t) : kith_buf_put(&b, m + i, n);
	}
	free(m);
	if (rc < 0) {
		kith_buf_free(&b);
		return rc;
	}
	*out = b.ptr;
	return 0;
}

/* Append c to a slug: alphanumerics as they are, anything else as one '-'. */
static int
slug_put(struct kith_buf *b, int c)
{
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return kith_buf_put(b, &(char){ (char)c }, 1);
	if (b->len == 0 || b->ptr[b->len - 1] == '-')
		return 0;
	return kith_buf_put(b, "-", 1);
}

static int
slug_puts(struct kith_buf *b, const char *s)
{
	int rc = 0;

	while (rc == 0 && *s)
		rc = slug_put(b, (unsigned char)*s++);
	return rc;
}

static bool
is_apostrophe(int32_t cp)
{
	return cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x02BC;
}

/* One code point of a case-folded, composed name into the slug. */
static int
slug_char(struct kith_buf *b, int32_t cp, int32_t *prev)
{
	utf8proc_int32_t d[32];
	utf8proc_ssize_t n;
	const char *t;
	int rc = 0;

	if (is_apostrophe(cp))
		return 0;
	if ((t = translit(cp, *prev))) {
		*prev = cp;
		return slug_puts(b, t);
	}
	n = utf8proc_decompose_char(cp, d, (utf8proc_ssize_t)NELEM(d),
		UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
		UTF8PROC_STRIPMARK | UTF8PROC_IGNORE, NULL);
	if (n < 0 || n > (utf8proc_ssize_t)NELEM(d))
		return slug_put(b, '-');
	for (utf8proc_ssize_t i = 0; rc == 0 && i < n; i++) {
		if (is_apostrophe(d[i]))
			continue;
		if (d[i] < 0x80)
			rc = slug_put(b, (int)d[i]);
		else if ((t = translit(d[i], *prev)))
			rc = slug_puts(b, t);
		else
			rc = slug_put(b, '-');
		*prev = d[i];
	}
	return rc;
}

/* Cap at SLUG_MAX, drop a trailing '-', and never leave it empty. */
static int
slug_finish(struct kith_buf *b)
{
	if (b->len > SLUG_MAX)
		b->len = SLUG_MAX;
	while (b->len > 0 && b->ptr[b->len - 1] == '-')
		b->len--;
	if (b->len == 0)
		return kith_buf_puts(b, "person");
	b->ptr[b->len] = '\0';
	return 0;
}

int
kith_slugify(char **out, const char *name)
{
	struct kith_buf b = KITH_BUF_INIT;
	utf8proc_uint8_t *m;
	utf8proc_int32_t cp, prev = 0;
	size_t mlen;
	int rc;

	*out = NULL;
	rc = map(&m, &mlen, name, strlen(name), UTF8PROC_COMPAT |
		UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_LUMP |
		UTF8PROC_IGNORE);
	if (rc < 0)
		return rc;
	for (size_t i = 0, n; rc == 0 && (n = next_cp(&cp, m, mlen, i)); i += n)
		rc = slug_char(&b, cp, &prev);
	free(m);
	if (rc == 0)
		rc = slug_finish(&b);
	if (rc < 0) {
		kith_buf_free(&b);
		return rc;
	}
	*out = b.ptr;
	return 0;
}

bool
kith_slug_valid(const char *s)
{
	size_t n = 0;

	if (!s || !*s || *s == '-')
		return false;
	for (; s[n]; n++) {
		char c = s[n];
		if (n >= SLUG_MAX)
			return false;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}
