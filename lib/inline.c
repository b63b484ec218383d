/*
 * inline.c - find tags and mentions in a run of text by DESIGN.md's rules.
 *
 * The text comes from cmark's text nodes, so Markdown is already gone: the
 * caller joins adjacent text nodes, puts '\n' for line breaks and the byte
 * 0x1F where a code span, raw HTML or autolink was, so that nothing matches
 * across it. One pcre2 pattern, compiled once with JIT, matches, left to
 * right and without overlaps, one of
 *
 *	https://…  a bare URL up to white space: skipped, nothing inside counts
 *	[[t|shown]] a wiki link: mention of t, trimmed (no '[', ']', newline)
 *	@x         x: letters (any script), marks, digits, '-', '_'; the '@'
 *	           not after a letter or digit (e-mail addresses); a trailing
 *	           '-' or '_' is not part of x
 *	#t         t: as x plus '/', with a letter somewhere; the '#' not after
 *	           a letter, digit, '/' or '&' (C#, &#35;); a trailing '/', '-'
 *	           or '_' is not part of t
 *
 * Hits give the token (off, len: "@jane", "#work/acme", "[[Jane|J]]") and
 * the target (toff, tlen: "jane", "work/acme", "Jane"); hit->kind means
 * something for mentions only. Nothing beyond kith.h's API is provided.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <pthread.h>

#include "internal.h"

/* Letters of any script with their combining marks, and digits. */
#define WORD "\\p{L}\\p{M}\\p{N}"

static const char pattern[] =
	"(?<url>(?i:https?://)[^\\s\\x1f]*+)"
	"|\\[\\[(?<wiki>[^\\[\\]|\\n\\x1f]*+)(?:\\|[^\\[\\]\\n\\x1f]*+)?\\]\\]"
	"|(?<![" WORD "])@(?<at>[" WORD "_-]++)"
	"|(?<![" WORD "/&])#(?=[\\p{N}_/-]*+\\p{L})(?<tag>[" WORD "_/-]++)";

static struct {
	pcre2_code *re;
	int url, wiki, at, tag; /* group numbers */
	int err;                /* why it did not compile */
	PCRE2_SIZE off;
} scanner;
/* Compiled once; match data per thread (the index parses on two). */
static pthread_once_t scanner_once = PTHREAD_ONCE_INIT;
static _Thread_local pcre2_match_data *scanner_md;

static int
compile_error(int err, PCRE2_SIZE off)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(err, msg, sizeof msg);
	return kith_error_set(KITH_ERROR,
		"cannot compile the inline pattern at %zu: %s", (size_t)off,
		(char *)msg);
}

static int
group(const char *name)
{
	return pcre2_substring_number_from_name(scanner.re, (PCRE2_SPTR)name);
}

static void
scanner_compile(void)
{
	/* anchored: kith_inline_scan finds where a match can start */
	scanner.re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED, &scanner.err, &scanner.off, NULL);
	if (!scanner.re)
		return;
	(void)pcre2_jit_compile(scanner.re, PCRE2_JIT_COMPLETE);
	scanner.url = group("url");
	scanner.wiki = group("wiki");
	scanner.at = group("at");
	scanner.tag = group("tag");
}

/* Compile the pattern the first time; JIT if the machine has it. */
static int
scanner_init(void)
{
	if (scanner_md)
		return 0;
	pthread_once(&scanner_once, scanner_compile);
	if (!scanner.re)
		return compile_error(scanner.err, scanner.off);
	scanner_md = pcre2_match_data_create_from_pattern(scanner.re, NULL);
	if (!scanner_md)
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

void
kith_inline_thread_done(void)
{
	pcre2_match_data_free(scanner_md);
	scanner_md = NULL;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Fill hit from the match; false when the token is no tag or mention. */
static bool
make_hit(struct kith_inline_hit *hit, const PCRE2_SIZE *ov, const char *text)
{
	size_t b, e;

	*hit = (struct kith_inline_hit){ .off = ov[0], .len = ov[1] - ov[0] };
	if (ov[2 * scanner.wiki] != PCRE2_UNSET) {
		b = ov[2 * scanner.wiki];
		e = ov[2 * scanner.wiki + 1];
		while (b < e && is_blank(text[b]))
			b++;
		while (e > b && is_blank(text[e - 1]))
			e--;
		hit->type = KITH_HIT_MENTION;
		hit->kind = KITH_MENTION_WIKI;
	} else if (ov[2 * scanner.at] != PCRE2_UNSET) {
		b = ov[2 * scanner.at];
		e = ov[2 * scanner.at + 1];
		while (e > b && (text[e - 1] == '-' || text[e - 1] == '_'))
			e--;
		hit->type = KITH_HIT_MENTION;
		hit->kind = KITH_MENTION_AT;
		hit->len = e - hit->off;
	} else if (ov[2 * scanner.tag] != PCRE2_UNSET) {
		b = ov[2 * scanner.tag];
		e = ov[2 * scanner.tag + 1];
		while (e > b && (text[e - 1] == '/' || text[e - 1] == '-' ||
		    text[e - 1] == '_'))
			e--;
		hit->type = KITH_HIT_TAG;
		hit->len = e - hit->off;
	} else {
		return false; /* a bare URL */
	}
	hit->toff = b;
	hit->tlen = e - b;
	return e > b;
}

static int
match_error(int rc)
{
	PCRE2_UCHAR msg[256];

	pcre2_get_error_message(rc, msg, sizeof msg);
	return kith_error_set(KITH_ERROR, "cannot scan text: %s", (char *)msg);
}

/* The bytes an alternative of the pattern starts with. */
static const bool start_byte[256] = {
	['h'] = true, ['H'] = true, ['['] = true, ['@'] = true, ['#'] = true,
};

/*
 * The first place from i where a match can start: '[', '@', '#', or an
 * 'h' with "ttp" after it in any case (no other character folds to one of
 * those letters). Trying the pattern only there, anchored, finds what an
 * unanchored search would, with pcre2 entered a few times a paragraph
 * instead of scanning every byte (18% of a parse went to it).
 */
static size_t
next_start(const char *s, size_t len, size_t i)
{
	for (;; i++) {
		while (i < len && !start_byte[(unsigned char)s[i]])
			i++;
		if (i >= len || (s[i] | 0x20) != 'h')
			return i;
		if (i + 3 < len && (s[i + 1] | 0x20) == 't' &&
		    (s[i + 2] | 0x20) == 't' && (s[i + 3] | 0x20) == 'p')
			return i;
	}
}

int
kith_inline_scan(const char *text, size_t len, kith_inline_cb cb,
	void *payload)
{
	struct kith_inline_hit hit;
	size_t pos = 0, end;
	int rc;

	if (len == 0)
		return 0;
	if (!kith_utf8_valid(text, len))
		return kith_error_set(KITH_EINVALID,
			"invalid UTF-8 in text: save the file as UTF-8");
	if ((rc = scanner_init()) < 0)
		return rc;
	while ((pos = next_start(text, len, pos)) < len) {
		rc = pcre2_match(scanner.re, (PCRE2_SPTR)text, len, pos,
			PCRE2_NO_UTF_CHECK, scanner_md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH) {
			pos++; /* an ASCII byte: the next is a character's first */
			continue;
		}
		if (rc < 0)
			return match_error(rc);
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(scanner_md);
		end = ov[1]; /* before cb, which may scan again */
		if (make_hit(&hit, ov, text) && (rc = cb(&hit, text, payload)))
			return rc;
		pos = end;
	}
	return 0;
}
