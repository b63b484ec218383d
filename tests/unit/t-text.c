/*
 * t-text.c - folding, slugs and UTF-8 validation (lib/text.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static void
fold_is(const char *s, const char *want)
{
	char *got = NULL;
	char name[256];

	snprintf(name, sizeof name, "fold '%s'", s);
	if (kith_fold(&got, s, strlen(s)) < 0)
		printf("# %s\n", kith_error());
	is_str(got, want, name);
	free(got);
}

static void
slug_is(const char *s, const char *want)
{
	char *got = NULL;
	char name[256];

	snprintf(name, sizeof name, "slugify '%s'", s);
	if (kith_slugify(&got, s) < 0)
		printf("# %s\n", kith_error());
	is_str(got, want, name);
	ok(got && kith_slug_valid(got), "  and the slug is valid");
	free(got);
}

static void
test_fold(void)
{
	char *got;

	fold_is("Łukasz", "lukasz");
	fold_is("José Núñez", "jose nunez");
	fold_is("JOSE NUNEZ", "jose nunez");
	fold_is("Jose\xcc\x81", "jose"); /* decomposed é */
	fold_is("Straße", "strasse");
	fold_is("STRASSE", "strasse");
	fold_is("Ærøskøbing", "aeroskobing");
	fold_is("Œuvre Þór Đorđe", "oeuvre thor dorde");
	fold_is("Iıİ", "iii");
	fold_is("Zoë Çelik", "zoe celik");
	fold_is("Ｊａｎｅ", "jane"); /* full-width */
	fold_is("O’Brien", "o'brien");
	fold_is("Иван", "иван");
	fold_is("Αθηνά", "αθηνα");
	fold_is("李小龙", "李小龙");
	fold_is("", "");
	fold_is("a\nb", "a\nb");

	got = (char *)"x";
	is_int(kith_fold(&got, "ab\xffz", 4), KITH_EINVALID, "fold: invalid UTF-8");
	ok(got == NULL, "fold: *out is NULL on error");
	ok(strstr(kith_error(), "UTF-8") != NULL, "fold: message names UTF-8");
	is_int(kith_fold(&got, "ABC\xc3", 3), 0, "fold: len bounds the input");
	is_str(got, "abc", "  and the result");
	free(got);
}

static void
test_slugify(void)
{
	char *got = NULL;
	char name[200];

	slug_is("José Núñez", "jose-nunez");
	slug_is("  Jane  DOE ", "jane-doe");
	slug_is("../../etc/x", "etc-x");
	slug_is("O'Brien", "obrien");
	slug_is("O’Brien", "obrien");
	slug_is("Zoë Çelik", "zoe-celik");
	slug_is("Ærøskøbing", "aeroskobing");
	slug_is("Łukasz Żółć", "lukasz-zolc");
	slug_is("Jean-Paul Sartre", "jean-paul-sartre");
	slug_is("Anne--Marie", "anne-marie");
	slug_is("Jane Doe 2", "jane-doe-2");
	slug_is("Иван", "ivan");
	slug_is("Андрей Щукин", "andrey-shchukin");
	slug_is("Пётр Ильич", "petr-ilich");
	slug_is("Αθηνά Παπαδοπούλου", "athina-papadopoulou");
	slug_is("Ουρανία", "ourania");
	slug_is("李小龙", "person");
	slug_is("", "person");
	slug_is("---", "person");
	slug_is("李 Bruce 龙", "bruce");
	slug_is(".hidden", "hidden");
	slug_is("a/b\\c", "a-b-c");
	slug_is("Ｊａｎｅ", "jane");

	/* 70 letters: capped at 64 */
	memset(name, 'a', 70);
	name[70] = '\0';
	kith_slugify(&got, name);
	is_int(got ? strlen(got) : 0, 64, "slugify caps at 64 bytes");
	free(got);
	/* a cut right after a '-' leaves no trailing '-' */
	memset(name, 'b', 63);
	strcpy(name + 63, " cdef");
	kith_slugify(&got, name);
	is_int(got ? strlen(got) : 0, 63, "slugify: capped without a trailing '-'");
	ok(got && got[62] == 'b', "  ends in a letter");
	ok(got && kith_slug_valid(got), "  and is valid");
	free(got);

	got = (char *)"x";
	is_int(kith_slugify(&got, "J\xc3\x28"), KITH_EINVALID,
		"slugify: invalid UTF-8");
	ok(got == NULL, "slugify: *out is NULL on error");
}

static void
test_slug_valid(void)
{
	char s[80];

	ok(kith_slug_valid("jane-doe"), "valid: jane-doe");
	ok(kith_slug_valid("a"), "valid: a");
	ok(kith_slug_valid("jane-doe-2"), "valid: jane-doe-2");
	ok(kith_slug_valid("007"), "valid: 007");
	ok(!kith_slug_valid(""), "invalid: empty");
	ok(!kith_slug_valid(NULL), "invalid: NULL");
	ok(!kith_slug_valid("-jane"), "invalid: leading '-'");
	ok(!kith_slug_valid("Jane"), "invalid: upper case");
	ok(!kith_slug_valid("jane doe"), "invalid: space");
	ok(!kith_slug_valid("jane_doe"), "invalid: underscore");
	ok(!kith_slug_valid("../x"), "invalid: dots and slash");
	ok(!kith_slug_valid(".x"), "invalid: leading dot");
	ok(!kith_slug_valid("jos\xc3\xa9"), "invalid: non-ASCII");
	memset(s, 'a', 64);
	s[64] = '\0';
	ok(kith_slug_valid(s), "valid: 64 bytes");
	s[64] = 'a';
	s[65] = '\0';
	ok(!kith_slug_valid(s), "invalid: 65 bytes");
}

#define U(s) kith_utf8_valid((s), sizeof(s) - 1)

static void
test_utf8(void)
{
	ok(U(""), "utf8: empty");
	ok(U("plain ascii"), "utf8: ASCII");
	ok(U("a\0b"), "utf8: NUL is U+0000");
	ok(U("\xc2\x80"), "utf8: U+0080");
	ok(U("\xdf\xbf"), "utf8: U+07FF");
	ok(U("\xe0\xa0\x80"), "utf8: U+0800");
	ok(U("\xed\x9f\xbf"), "utf8: U+D7FF");
	ok(U("\xee\x80\x80"), "utf8: U+E000");
	ok(U("\xef\xbf\xbf"), "utf8: U+FFFF");
	ok(U("\xf0\x90\x80\x80"), "utf8: U+10000");
	ok(U("\xf4\x8f\xbf\xbf"), "utf8: U+10FFFF");
	ok(U("Łukasz 李小龙 Иван"), "utf8: mixed scripts");
	ok(!U("\xc0\x80"), "utf8: overlong C0 80");
	ok(!U("\xc1\xbf"), "utf8: overlong C1 BF");
	ok(!U("\xe0\x80\x80"), "utf8: overlong E0 80 80");
	ok(!U("\xe0\x9f\xbf"), "utf8: overlong E0 9F BF");
	ok(!U("\xf0\x80\x80\x80"), "utf8: overlong F0 80 80 80");
	ok(!U("\xf0\x8f\xbf\xbf"), "utf8: overlong F0 8F BF BF");
	ok(!U("\xed\xa0\x80"), "utf8: surrogate ED A0 80");
	ok(!U("\xed\xbf\xbf"), "utf8: surrogate ED BF BF");
	ok(!U("\xf4\x90\x80\x80"), "utf8: F4 90 80 80 beyond U+10FFFF");
	ok(!U("\xf5\x80\x80\x80"), "utf8: F5 lead byte");
	ok(!U("\xff"), "utf8: FF");
	ok(!U("\x80"), "utf8: lone continuation");
	ok(!U("a\xc3"), "utf8: truncated 2-byte");
	ok(!U("\xe2\x82"), "utf8: truncated 3-byte");
	ok(!U("\xf0\x9f\x98"), "utf8: truncated 4-byte");
	ok(!U("\xe2\x28\xa1"), "utf8: bad continuation");
	ok(!U("\xf0\x9f\x98\x28"), "utf8: bad last continuation");
	ok(kith_utf8_valid("\xc3\xa9xyz", 2), "utf8: length bounds the check");
	ok(!kith_utf8_valid("\xc3\xa9xyz", 1), "utf8: a cut sequence is invalid");
}

/*
 * Long inputs take the 32-byte path where the CPU has AVX2: each case
 * again at every offset across two blocks, in ASCII or among other
 * sequences, and at the very end; then random inputs against the byte by
 * byte check.
 */
static const struct {
	const char *s;
	bool valid;
} cases[] = {
	{ "\xc2\x80", true }, { "\xdf\xbf", true }, { "\xe0\xa0\x80", true },
	{ "\xed\x9f\xbf", true }, { "\xee\x80\x80", true }, { "\xef\xbf\xbf", true },
	{ "\xf0\x90\x80\x80", true }, { "\xf4\x8f\xbf\xbf", true },
	{ "\xc0\x80", false }, { "\xc1\xbf", false }, { "\xe0\x80\x80", false },
	{ "\xe0\x9f\xbf", false }, { "\xf0\x80\x80\x80", false },
	{ "\xf0\x8f\xbf\xbf", false }, { "\xed\xa0\x80", false },
	{ "\xed\xbf\xbf", false }, { "\xf4\x90\x80\x80", false },
	{ "\xf5\x80\x80\x80", false }, { "\xff", false }, { "\x80", false },
	{ "\xc3", false }, { "\xe2\x82", false }, { "\xf0\x9f\x98", false },
	{ "\xe2\x28\xa1", false }, { "\xf0\x9f\x98\x28", false },
	{ "\xc3\xa9\xa9", false }, { "\xe2\x82\xac\x80", false },
};

/* fill: "a".."z", or "é" and "€"; k of its units, the case, then more to 120 bytes */
static size_t
long_case(char *buf, int fill, size_t k, const char *c)
{
	const char *unit = fill ? "\xc3\xa9\xe2\x82\xac" : "abcdefghijklmnopqrstuvwxyz";
	size_t u = fill ? 5 : 1, len = 0, i = 0;

	for (; i < k; i++, len += u)
		memcpy(buf + len, fill ? unit : unit + i % 26, u);
	memcpy(buf + len, c, strlen(c));
	for (len += strlen(c); len < 120; i++, len += u)
		memcpy(buf + len, fill ? unit : unit + i % 26, u);
	return len;
}

static void
test_utf8_long(void)
{
	char buf[200], name[96];
	int wrong = 0;

	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (int fill = 0; fill < 2; fill++) {
			for (size_t k = 0; k < (fill ? 14 : 70); k++) {
				size_t len = long_case(buf, fill, k, cases[c].s);
				if ((kith_utf8_valid(buf, len) != cases[c].valid ||
				     kith_utf8_valid_bytes(buf, len) != cases[c].valid) &&
				    wrong++ < 5) {
					snprintf(name, sizeof name, "utf8 long: case %zu after %zu "
						"units of fill %d", c, k, fill);
					ok(0, name);
				}
			}
		}
		/* last in the input, after 70 bytes of ASCII */
		size_t n = strlen(cases[c].s);
		memset(buf, 'x', 70);
		memcpy(buf + 70, cases[c].s, n);
		if (kith_utf8_valid(buf, 70 + n) != cases[c].valid && wrong++ < 5) {
			snprintf(name, sizeof name, "utf8 long: case %zu at the end", c);
			ok(0, name);
		}
	}
	snprintf(name, sizeof name, "utf8 long: every case at every offset (%d wrong)", wrong);
	ok(wrong == 0, name);

	/* random bytes, mostly whole sequences */
	static const char *const seq[] = { "a", "\n", "\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf" };
	static const unsigned char odd[] = { 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xe0,
		0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0 };
	unsigned seed = 12345;
	int differ = 0, valid = 0;
	for (int it = 0; it < 200000; it++) {
		size_t len = 0, want = 64 + (seed = seed * 1103515245 + 12345) % 120;
		while (len < want) {
			seed = seed * 1103515245 + 12345;
			unsigned r = (seed >> 16) % 100;
			if (r == 0) {
				buf[len++] = (char)odd[(seed >> 8) % sizeof odd];
			} else {
				const char *q = seq[r % 7];
				size_t k = strlen(q);
				if (len + k > want)
					break;
				memcpy(buf + len, q, k);
				len += k;
			}
		}
		bool a = kith_utf8_valid(buf, len), b = kith_utf8_valid_bytes(buf, len);
		differ += a != b;
		valid += b;
	}
	snprintf(name, sizeof name, "utf8 long: random inputs agree with the "
		"bytewise check (%d differ)", differ);
	ok(differ == 0, name);
	snprintf(name, sizeof name, "utf8 long: random inputs are both valid and "
		"invalid (%d valid)", valid);
	ok(valid > 20000 && valid < 180000, name);
}

int
main(void)
{
	test_fold();
	test_slugify();
	test_slug_valid();
	test_utf8();
	test_utf8_long();
	return done_testing();
}
