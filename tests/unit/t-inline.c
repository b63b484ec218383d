/*
 * t-inline.c - the inline scanner (lib/inline.c) against every trap of
 * DESIGN.md's inline syntax.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kith.h"
#include "tap.h"

/* Hits as one line: "#tag @jane [[Jane Doe]]", or tokens as "a|b". */
struct collect {
	char out[4096];
	bool tokens;
	int n, stop_at, stop_rc;
	struct kith_inline_hit last;
};

static void
append(struct collect *c, const char *s, size_t n)
{
	size_t used = strlen(c->out);

	if (used + n + 1 < sizeof c->out) {
		memcpy(c->out + used, s, n);
		c->out[used + n] = '\0';
	}
}

static int
collect_cb(const struct kith_inline_hit *hit, const char *text, void *payload)
{
	struct collect *c = payload;

	if (c->n++)
		append(c, c->tokens ? "|" : " ", 1);
	c->last = *hit;
	if (c->tokens) {
		append(c, text + hit->off, hit->len);
	} else if (hit->type == KITH_HIT_TAG) {
		append(c, "#", 1);
		append(c, text + hit->toff, hit->tlen);
	} else if (hit->kind == KITH_MENTION_AT) {
		append(c, "@", 1);
		append(c, text + hit->toff, hit->tlen);
	} else {
		append(c, "[[", 2);
		append(c, text + hit->toff, hit->tlen);
		append(c, "]]", 2);
	}
	return c->n == c->stop_at ? c->stop_rc : 0;
}

static const char *
scan_len(struct collect *c, const char *text, size_t len, bool tokens)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->tokens = tokens;
	if ((rc = kith_inline_scan(text, len, collect_cb, c)) != 0) {
		snprintf(c->out, sizeof c->out, "error %d: %s", rc, kith_error());
	}
	return c->out;
}

static void
hits_is(const char *text, const char *want)
{
	struct collect c;
	char name[256];

	snprintf(name, sizeof name, "scan '%s'", text);
	is_str(scan_len(&c, text, strlen(text), false), want, name);
}

static void
tokens_is(const char *text, const char *want)
{
	struct collect c;
	char name[256];

	snprintf(name, sizeof name, "tokens of '%s'", text);
	is_str(scan_len(&c, text, strlen(text), true), want, name);
}

static void
test_mentions(void)
{
	hits_is("write to jane@example.com or a.b@c.de", "");
	hits_is("x_1@example.com 42@example.com", "");
	hits_is("thanks @jane.", "@jane");
	hits_is("(@jane-doe)", "@jane-doe");
	hits_is("@Jöhn_Ünal", "@Jöhn_Ünal");
	hits_is("@Zoë", "@Zoë");
	hits_is("@Zoe\xcc\x88 (decomposed)", "@Zoe\xcc\x88");
	hits_is("@Иван, @李小龙 and @Αθηνά", "@Иван @李小龙 @Αθηνά");
	hits_is("почта@пример.рф", "");
	hits_is("@jane- and @bob_, @x-_-", "@jane @bob @x");
	hits_is("@jane's", "@jane");
	hits_is("@jane@bob", "@jane");
	hits_is("@@jane", "@jane");
	hits_is("@ alone, @- and @_", "");
	hits_is("@007", "@007");
	tokens_is("hi @jane-doe-. and (@bob)", "@jane-doe|@bob");
}

static void
test_tags(void)
{
	hits_is("C# and F#", "");
	hits_is("#42 and #2026-11-25", "");
	hits_is("#4a", "#4a");
	hits_is("#work/acme", "#work/acme");
	hits_is("#tag. #tag, #tag) #tag; #tag: #tag! #tag?", "#tag #tag #tag #tag #tag #tag #tag");
	hits_is("#work/ #a- #b_ #c-/_", "#work #a #b #c");
	hits_is("foo#bar", "");
	hits_is("&#35;x", "");
	hits_is("x/#y", "");
	hits_is("2#x", "");
	hits_is("Москва#x", "");
	hits_is("#Москва #東京 #Αθήνα #café", "#Москва #東京 #Αθήνα #café");
	hits_is("#Straße_2", "#Straße_2");
	hits_is("(#tag)", "#tag");
	hits_is("#a#b", "#a");
	hits_is("##tag", "#tag");
	hits_is("# heading-like", "");
	hits_is("#1/x", "#1/x");
	tokens_is("#work/acme/. #tag)", "#work/acme|#tag");
}

static void
test_urls(void)
{
	hits_is("https://ex.com/#frag", "");
	hits_is("http://x.io/@user", "");
	hits_is("HTTPS://EX.COM/#x [[y]]", "[[y]]");
	hits_is("see https://ex.com/#frag #real", "#real");
	hits_is("http://x.io/@user\n@jane", "@jane");
	hits_is("(https://ex.com/a_(b)#c) @jane", "@jane");
	hits_is("http://x.io/[[Jane]]", "");
	hits_is("ftp://x.io/(#tag)", "#tag");
	hits_is("http:// #tag", "#tag");
}

static void
test_wiki(void)
{
	struct collect c;

	hits_is("[[Jane Doe]]", "[[Jane Doe]]");
	hits_is("[[jane-doe]]", "[[jane-doe]]");
	hits_is("[[Jane Doe|Jane]]", "[[Jane Doe]]");
	tokens_is("met [[Jane Doe|Jane]] today", "[[Jane Doe|Jane]]");
	hits_is("[[ Jane ]]", "[[Jane]]");
	hits_is("[[ Jane Doe | Jane ]]", "[[Jane Doe]]");
	hits_is("[[]]", "");
	hits_is("[[   ]]", "");
	hits_is("[[|shown]]", "");
	hits_is("[[a\nb]]", "");
	hits_is("[[a|b\nc]]", "");
	hits_is("[[a]b]]", "");
	hits_is("[[[x]]]", "[[x]]");
	hits_is("[[Zoë Çelik]] and [[Иван]]", "[[Zoë Çelik]] [[Иван]]");
	hits_is("[[Jane|@bob #tag]]", "[[Jane]]");
	hits_is("[Jane] [[Jane", "");
	scan_len(&c, "x [[ Jane Doe|J]] y", 19, false);
	is_int(c.last.off, 2, "wiki: off");
	is_int(c.last.len, 15, "wiki: len covers the whole link");
	is_int(c.last.toff, 5, "wiki: toff after the blank");
	is_int(c.last.tlen, 8, "wiki: tlen trimmed");
}

static void
test_separator(void)
{
	struct collect c;

	hits_is("@ja\x1fne", "@ja");
	hits_is("#ta\x1fg", "#ta");
	hits_is("[[Jane\x1f" "Doe]]", "");
	hits_is("[[Jane|x\x1fy]]", "");
	hits_is("@jane\x1f@bob", "@jane @bob");
	hits_is("C\x1f#x", "#x");
	hits_is("https://x.io\x1f @jane", "@jane");
	is_str(scan_len(&c, "a\0#tag @b", 9, false), "#tag @b",
		"a NUL byte is only a character");
}

static void
test_mixed(void)
{
	struct collect c;

	hits_is("Coffee with @jane-doe and [[Bob Smith]]: #feedback on #work/acme.",
		"@jane-doe [[Bob Smith]] #feedback #work/acme");
	hits_is("", "");
	hits_is("no tags or mentions here", "");
	scan_len(&c, "x @jane.", 8, false);
	is_int(c.last.type, KITH_HIT_MENTION, "at: type");
	is_int(c.last.kind, KITH_MENTION_AT, "at: kind");
	is_int(c.last.off, 2, "at: off");
	is_int(c.last.len, 5, "at: len");
	is_int(c.last.toff, 3, "at: toff");
	is_int(c.last.tlen, 4, "at: tlen");
	scan_len(&c, "(#Tag/x/)", 9, false);
	is_int(c.last.type, KITH_HIT_TAG, "tag: type");
	is_int(c.last.off, 1, "tag: off");
	is_int(c.last.len, 6, "tag: len without the trailing '/'");
	is_int(c.last.toff, 2, "tag: toff");
	is_int(c.last.tlen, 5, "tag: tlen, bytes as written");
	is_int(kith_inline_scan(NULL, 0, collect_cb, &c), 0, "empty text");
}

static void
test_stop_and_errors(void)
{
	struct collect c;
	const char *t = "@a @b @c";

	memset(&c, 0, sizeof c);
	c.stop_at = 2;
	c.stop_rc = 7;
	is_int(kith_inline_scan(t, strlen(t), collect_cb, &c), 7,
		"callback's stop value is returned");
	is_int(c.n, 2, "  and scanning stopped there");
	c.stop_rc = -1;
	c.n = 0;
	is_int(kith_inline_scan(t, strlen(t), collect_cb, &c), -1,
		"a negative stop value too");

	memset(&c, 0, sizeof c);
	t = "#ok \xff @jane";
	is_int(kith_inline_scan(t, strlen(t), collect_cb, &c), KITH_EINVALID,
		"invalid UTF-8: KITH_EINVALID");
	is_int(c.n, 0, "  before any callback");
	ok(strstr(kith_error(), "UTF-8") != NULL, "  with a message");
	t = "#ok \xed\xa0\x80";
	is_int(kith_inline_scan(t, strlen(t), collect_cb, &c), KITH_EINVALID,
		"a surrogate: KITH_EINVALID");
	t = "@jane \xc3";
	is_int(kith_inline_scan(t, 6, collect_cb, &c), 0,
		"len bounds what is checked");
}

static int
count_cb(const struct kith_inline_hit *hit, const char *text, void *payload)
{
	++*(size_t *)payload;
	return 0;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Scan a 1 MB text made of unit, repeated; hits counted into *n. */
static int
scan_big(const char *what, const char *unit, size_t *n)
{
	size_t ulen = strlen(unit), reps = (1 << 20) / ulen, len = reps * ulen;
	char *text = malloc(len + 1);
	double t0;
	int rc;

	if (!text)
		return -1;
	for (size_t i = 0; i < reps; i++)
		memcpy(text + i * ulen, unit, ulen);
	text[len] = '\0';
	*n = 0;
	t0 = now();
	rc = kith_inline_scan(text, len, count_cb, n);
	printf("# %s: %zu bytes, %zu hits in %.1f ms\n", what, len, *n,
		(now() - t0) * 1e3);
	free(text);
	return rc;
}

static void
test_speed(void)
{
	const char *line = "09:30 Coffee with @jane-doe at https://x.io/a#b, "
		"talked #work/acme, met [[Bob Smith|Bob]]; mail bob@example.com.\n";
	size_t n, reps = (1 << 20) / strlen(line);

	is_int(scan_big("journal-like text", line, &n), 0, "1 MB scans");
	is_int(n, reps * 3, "  with every hit");
	is_int(scan_big("one word", "a", &n), 0, "1 MB without white space");
	is_int(scan_big("digits after #", "#1234567", &n), 0, "1 MB of #digits");
	is_int(n, 0, "  and no tag");
	is_int(scan_big("brackets", "[[[[", &n), 0, "1 MB of '['");
	is_int(scan_big("e-mails", "x@y", &n), 0, "1 MB of x@y");
	is_int(n, 0, "  and no mention");
	is_int(scan_big("dashes", "@-------", &n), 0, "1 MB of @---");
	is_int(scan_big("Cyrillic tags", "#Москва ", &n), 0, "1 MB of #Москва");
}

int
main(void)
{
	test_mentions();
	test_tags();
	test_urls();
	test_wiki();
	test_separator();
	test_mixed();
	test_stop_and_errors();
	test_speed();
	return done_testing();
}
