/*
 * parse.c - what person and journal files share: source lines, the cmark
 * parse, and the walk that takes tags, mentions and follow-ups out of the
 * text of every paragraph and heading.
 *
 * cmark gives the blocks and their lines; the inline text of a block is
 * its text nodes joined (cmark splits "[[Jane]]" into several), with '\n'
 * for line breaks and 0x1F where a code span, raw HTML or autolink stood,
 * so nothing matches across or inside them. Exact bytes (a follow-up's box)
 * are found by scanning the block's source lines, never from inline columns.
 */
#include <cmark.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#include "internal.h"

#define SEP '\x1f'

/* ---- source lines ---- */

int
kith_src_init(struct kith_src *src, const char *text, size_t len)
{
	size_t cap = 64;

	memset(src, 0, sizeof *src);
	src->text = text;
	src->len = len;
	if (!(src->lines = malloc(cap * sizeof *src->lines)))
		return kith_error_set(KITH_ERROR, "out of memory");
	src->lines[src->nlines++] = 0;
	for (const char *nl = len ? memchr(text, '\n', len - 1) : NULL; nl;
	     nl = memchr(nl + 1, '\n', (size_t)(text + len - 1 - (nl + 1)))) {
		size_t i = (size_t)(nl - text);
		if ((size_t)src->nlines == cap) {
			size_t *l = realloc(src->lines, 2 * cap * sizeof *l);
			if (!l)
				return kith_error_set(KITH_ERROR, "out of memory");
			src->lines = l;
			cap *= 2;
		}
		src->lines[src->nlines++] = i + 1;
	}
	return 0;
}

void
kith_src_free(struct kith_src *src)
{
	free(src->lines);
	src->lines = NULL;
}

const char *
kith_src_line(const struct kith_src *src, int line, size_t *len)
{
	if (line < 1 || line > src->nlines) {
		*len = 0;
		return "";
	}
	size_t start = src->lines[line - 1];
	size_t end = line < src->nlines ? src->lines[line] : src->len;

	if (line == 1 && src->len >= 3 && !memcmp(src->text, "\xef\xbb\xbf", 3))
		start = 3;
	while (end > start && (src->text[end - 1] == '\n' || src->text[end - 1] == '\r'))
		end--;
	*len = end - start;
	return src->text + start;
}

char *
kith_src_lines(struct kith_arena *a, const struct kith_src *src, int first,
	int last)
{
	size_t total = 0, n;
	char *out, *o;

	/* measured first: one copy, into the arena */
	for (int l = first; l <= last && l <= src->nlines; l++) {
		kith_src_line(src, l, &n);
		total += n + 1;
	}
	if (!(out = o = kith_arena_alloc(a, total + 1)))
		return NULL;
	for (int l = first; l <= last && l <= src->nlines; l++) {
		const char *s = kith_src_line(src, l, &n);
		memcpy(o, s, n);
		o += n;
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

/*
 * ---- cmark's memory: an arena per thread ----
 *
 * cmark allocates every node, string and delimiter on its own, and most of
 * a document's parse went to malloc and free (and cmark_node_free walking
 * the tree). Here its allocations come from blocks of the parsing thread,
 * all given back at once when the thread's last document is freed
 * (kith_cmark_free). Each allocation is preceded by its size, for realloc;
 * the latest one grows and is freed in place. Out of memory aborts, as
 * cmark's own allocator does. Under ASan, what was given back is poisoned.
 */
#define CM_ALIGN alignof(max_align_t)
#define CM_BLOCK (64 * 1024 - 64)

struct cm_block {
	struct cm_block *next;
	size_t cap, used;
	alignas(max_align_t) unsigned char data[];
};

static _Thread_local struct cm_block *cm_head;
static _Thread_local unsigned char *cm_last; /* the latest allocation */
static _Thread_local size_t cm_live;         /* documents not yet freed */

static void __attribute__((noreturn))
cm_oom(void)
{
	fputs("kith: out of memory parsing Markdown\n", stderr);
	abort();
}

static size_t
cm_round(size_t n)
{
	if (n > SIZE_MAX / 2)
		cm_oom();
	return (n + CM_ALIGN - 1) / CM_ALIGN * CM_ALIGN;
}

static void *
cm_alloc(size_t size)
{
	size_t need = CM_ALIGN + cm_round(size);
	struct cm_block *b = cm_head;

	if (!b || b->cap - b->used < need) {
		size_t cap = need > CM_BLOCK ? need : CM_BLOCK;
		if (!(b = malloc(sizeof *b + cap)))
			cm_oom();
		b->cap = cap;
		b->used = 0;
		b->next = cm_head;
		cm_head = b;
	}
	unsigned char *h = b->data + b->used;
	b->used += need;
	UNPOISON(h, need);
	memcpy(h, &size, sizeof size);
	return cm_last = h + CM_ALIGN;
}

static void *
cm_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		cm_oom();
	void *p = cm_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *
cm_realloc(void *p, size_t size)
{
	struct cm_block *b = cm_head;
	size_t old;

	if (!p)
		return cm_alloc(size);
	memcpy(&old, (unsigned char *)p - CM_ALIGN, sizeof old);
	if (p == cm_last) {
		size_t at = (size_t)((unsigned char *)p - b->data);
		if (b->cap - at >= cm_round(size)) {
			b->used = at + cm_round(size);
			UNPOISON(p, cm_round(size));
			memcpy((unsigned char *)p - CM_ALIGN, &size, sizeof size);
			return p;
		}
	}
	void *q = cm_alloc(size);
	memcpy(q, p, old < size ? old : size);
	return q;
}

static void
cm_free(void *p)
{
	if (p && p == cm_last) {
		cm_head->used = (size_t)(cm_last - CM_ALIGN - cm_head->data);
		POISON(cm_last - CM_ALIGN, cm_head->cap - cm_head->used);
		cm_last = NULL;
	}
}

static cmark_mem cm_mem = { cm_calloc, cm_realloc, cm_free };

void *
kith_parse_cmark(const struct kith_src *src)
{
	cmark_parser *parser = cmark_parser_new_with_mem(CMARK_OPT_SOURCEPOS, &cm_mem);
	cmark_node *doc;

	cm_live++;
	cmark_parser_feed(parser, src->text, src->len);
	doc = cmark_parser_finish(parser);
	cmark_parser_free(parser);
	if (!doc)
		kith_cmark_free(NULL);
	return doc;
}

void
kith_cmark_free(void *doc)
{
	/* no cmark_node_free: its memory goes with the thread's blocks */
	(void)doc;
	if (!cm_live || --cm_live)
		return;
	while (cm_head) {
		struct cm_block *next = cm_head->next;
		free(cm_head);
		cm_head = next;
	}
	cm_last = NULL;
}

/* ---- the parser ---- */

int
kith_parser_init(struct kith_parser *p, struct kith_model *model,
	const char *path, const char *text, size_t len)
{
	memset(p, 0, sizeof *p);
	p->model = model;
	if (!kith_utf8_valid(text, len))
		return kith_error_set(KITH_EINVALID,
			"'%s' is not valid UTF-8: fix its encoding", path);
	if (memchr(text, '\0', len))
		return kith_error_set(KITH_EINVALID,
			"'%s' contains NUL bytes: it is not a text file", path);
	if (kith_src_init(&p->src, text, len) < 0)
		return KITH_ERROR;
	p->src.path = kith_arena_strdup(kith_model_arena(model), path);
	return p->src.path ? 0 : KITH_ERROR;
}

void
kith_parser_free(struct kith_parser *p)
{
	kith_src_free(&p->src);
	free(p->hits);
	kith_buf_free(&p->text);
	kith_buf_free(&p->scratch);
}

/* ---- inline text of a block, and where each byte stands in the source ---- */

/*
 * The source offset of every byte of a block's inline text (SIZE_MAX for
 * the bytes the source does not hold as such: line breaks, separators,
 * entities). cmark joins adjacent text into one node with escapes and
 * entities decoded, so each node's literal is aligned with the source
 * bytes from where the previous node ended, and code spans, autolinks,
 * raw HTML and link destinations are stepped over, so that nothing inside
 * them is taken for the text that follows.
 */
struct align {
	const struct kith_src *src;
	size_t pos, end;     /* the block's source not yet aligned */
	struct kith_buf map; /* size_t per byte of the inline text */
};

static bool
is_punct(char c)
{
	return c > ' ' && c < 0x7f && !((c >= '0' && c <= '9') ||
		(c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		(c >= 'A' && c <= 'Z');
}

/*
 * The length of the entity reference at s (&name; &#N; &#xH;), or 0; *cp
 * gets the bytes a numeric one decodes to (0: unknown, a named one).
 */
static size_t
entity_len(const char *s, size_t n, size_t *cp)
{
	size_t i = 1, max;
	unsigned long v = 0;
	bool hex = false;

	*cp = 0;
	if (n < 3 || s[0] != '&')
		return 0;
	if (s[1] == '#') {
		i = 2;
		if (i < n && (s[i] == 'x' || s[i] == 'X'))
			hex = true, i++;
		max = i + (hex ? 6 : 7);
		size_t first = i;
		for (; i < n && i < max; i++) {
			char c = s[i];
			int d = c >= '0' && c <= '9' ? c - '0' : !hex ? -1 :
				c >= 'a' && c <= 'f' ? c - 'a' + 10 :
				c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned long)d;
		}
		if (i == first || i >= n || s[i] != ';')
			return 0;
		/* cmark's replacement character for 0, surrogates, too big */
		*cp = v == 0 || (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff ? 3 :
			v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
		return i + 1;
	}
	for (; i < n && i < 33 && is_alnum(s[i]); i++)
		;
	return i > 1 && i < n && s[i] == ';' ? i + 1 : 0;
}

/* Bytes of the UTF-8 sequence that starts with c. */
static size_t
utf8_len(unsigned char c)
{
	return c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

/*
 * Align lit[0..n) with the source from pos: bytes as they are, escaped
 * punctuation, entities. The source offset of each byte into map (if not
 * NULL); returns where the source match ends, or SIZE_MAX.
 */
static size_t
align_at(const struct align *al, const char *lit, size_t n, size_t pos,
	size_t *map)
{
	const char *s = al->src->text;
	size_t i = 0, e, cp;

	while (i < n) {
		if (pos >= al->end)
			return SIZE_MAX;
		if (s[pos] == '&' && (e = entity_len(s + pos, al->end - pos, &cp)) &&
		    (e > n - i || memcmp(lit + i, s + pos, e))) {
			/* A named entity: one character, or two if the next
			 * bytes only line up after two. */
			if (!cp) {
				cp = utf8_len((unsigned char)lit[i]);
				if (i + cp < n && pos + e < al->end &&
				    lit[i + cp] != s[pos + e] && s[pos + e] != '&' &&
				    s[pos + e] != '\\')
					cp += utf8_len((unsigned char)lit[i + cp]);
			}
			if (cp > n - i)
				return SIZE_MAX;
			for (size_t k = 0; k < cp && map; k++)
				map[i + k] = SIZE_MAX;
			i += cp;
			pos += e;
		} else if (s[pos] == lit[i]) {
			if (map)
				map[i] = pos;
			i++, pos++;
		} else if (s[pos] == '\\' && pos + 1 < al->end &&
		    is_punct(s[pos + 1]) && s[pos + 1] == lit[i]) {
			if (map)
				map[i] = pos + 1;
			i++, pos += 2;
		} else {
			return SIZE_MAX;
		}
	}
	return pos;
}

/* Map a text node: at the first place from al->pos where it aligns. */
static int
align_text(struct align *al, const char *lit, size_t n)
{
	size_t *map, old = al->map.len, end = SIZE_MAX, at = al->pos;

	if (kith_buf_grow(&al->map, n * sizeof *map) < 0)
		return KITH_ERROR;
	al->map.len += n * sizeof *map;
	map = (size_t *)(void *)al->map.ptr + old / sizeof *map;
	/* each try fills the map as far as it gets; the one that works, all of it */
	for (; n && at < al->end; at++) {
		char c = al->src->text[at];
		/* only where the first byte can line up: itself, an escape, an entity */
		if (c != lit[0] && c != '\\' && c != '&')
			continue;
		if ((end = align_at(al, lit, n, at, map)) != SIZE_MAX)
			break;
	}
	if (end == SIZE_MAX) {
		for (size_t i = 0; i < n; i++)
			map[i] = SIZE_MAX;
		return 0;
	}
	al->pos = end;
	return 0;
}

/* Bytes the source does not hold (line breaks, separators). */
static int
align_none(struct align *al, size_t n)
{
	size_t none = SIZE_MAX;

	for (size_t i = 0; i < n; i++)
		if (kith_buf_put(&al->map, &none, sizeof none) < 0)
			return KITH_ERROR;
	return 0;
}

/* Step over the next "`…`" (a code span), as many backticks each side. */
static void
skip_code(struct align *al)
{
	const char *s = al->src->text;
	size_t i = al->pos, k;

	while (i < al->end && s[i] != '`')
		i++;
	for (k = 0; i + k < al->end && s[i + k] == '`'; k++)
		;
	for (i += k; i < al->end; ) {
		size_t j = 0;
		if (s[i] != '`') {
			i++;
			continue;
		}
		while (i + j < al->end && s[i + j] == '`')
			j++;
		if (j == k) {
			al->pos = i + j;
			return;
		}
		i += j;
	}
}

/* Step over the next "<…>" (an autolink). */
static void
skip_angle(struct align *al)
{
	const char *s = al->src->text;
	const char *lt = memchr(s + al->pos, '<', al->end - al->pos);
	const char *gt = lt ? memchr(lt, '>', (size_t)(s + al->end - lt)) : NULL;

	if (gt)
		al->pos = (size_t)(gt - s) + 1;
}

/* Step over raw HTML: its literal is the source as written. */
static void
skip_html(struct align *al, const char *lit)
{
	const char *s = al->src->text;
	const char *at = lit && *lit ? memmem(s + al->pos, al->end - al->pos,
		lit, strlen(lit)) : NULL;

	if (at)
		al->pos = (size_t)(at - s) + strlen(lit);
}

static size_t
skip_space(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
	    s[i] == '\r'))
		i++;
	return i;
}

/* After a link's text: step over "](dest "title")" or "][label]". */
static void
skip_destination(struct align *al)
{
	const char *s = al->src->text;
	size_t i = al->pos, end = al->end;
	int depth = 0;

	if (i >= end || s[i] != ']')
		return;
	if (++i < end && s[i] == '[') {
		const char *rb = memchr(s + i, ']', end - i);
		if (rb)
			al->pos = (size_t)(rb - s) + 1;
		return;
	}
	if (i >= end || s[i] != '(') {
		al->pos = i;
		return;
	}
	i = skip_space(s, i + 1, end);
	if (i < end && s[i] == '<') {
		while (i < end && s[i] != '>')
			i += s[i] == '\\' ? 2 : 1;
		i++;
	} else {
		for (; i < end && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
		    s[i] != '\r' && (s[i] != ')' || depth > 0); i++) {
			if (s[i] == '\\')
				i++;
			else
				depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
		}
	}
	i = skip_space(s, i, end);
	if (i < end && (s[i] == '"' || s[i] == '\'' || s[i] == '(')) {
		char close = s[i] == '(' ? ')' : s[i];
		for (i++; i < end && s[i] != close; i++)
			if (s[i] == '\\')
				i++;
		i = skip_space(s, i + 1, end);
	}
	if (i < end && s[i] == ')')
		al->pos = i + 1;
}

static bool
is_autolink(cmark_node *link)
{
	cmark_node *c = cmark_node_first_child(link);
	const char *url = cmark_node_get_url(link), *lit;

	if (!c || cmark_node_next(c) || cmark_node_get_type(c) != CMARK_NODE_TEXT)
		return false;
	lit = cmark_node_get_literal(c);
	if (!url || !lit)
		return false;
	if (!strcmp(url, lit))
		return true;
	return !strncmp(url, "mailto:", 7) && !strcmp(url + 7, lit);
}

/* One separator byte where a code span, raw HTML or autolink stood. */
static int
put_sep(struct kith_buf *b, struct align *al)
{
	if (kith_buf_put(b, (char[]){ SEP }, 1) < 0)
		return KITH_ERROR;
	return al ? align_none(al, 1) : 0;
}

static int
collect(struct kith_buf *b, struct align *al, cmark_node *n)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		const char *lit = cmark_node_get_literal(c);
		int rc = 0;

		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
			lit = lit ? lit : "";
			if ((rc = kith_buf_puts(b, lit)) == 0 && al)
				rc = align_text(al, lit, strlen(lit));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			if ((rc = kith_buf_put(b, "\n", 1)) == 0 && al)
				rc = align_none(al, 1);
			break;
		case CMARK_NODE_CODE:
			if (al)
				skip_code(al);
			rc = put_sep(b, al);
			break;
		case CMARK_NODE_HTML_INLINE:
			if (al)
				skip_html(al, lit);
			rc = put_sep(b, al);
			break;
		case CMARK_NODE_LINK:
		case CMARK_NODE_IMAGE:
			/* Link text counts; an autolink's text is its address. */
			if (is_autolink(c)) {
				if (al)
					skip_angle(al);
				rc = put_sep(b, al);
			} else if ((rc = collect(b, al, c)) == 0 && al) {
				skip_destination(al);
			}
			break;
		default:
			rc = collect(b, al, c);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- tags and mentions ---- */

static int
add_tag(struct kith_parser *p, const char *s, size_t n)
{
	char *tag = kith_lower(kith_model_arena(p->model), s, n);

	if (!tag)
		return KITH_ERROR;
	if (p->nhits == p->caphits) {
		size_t cap = p->caphits ? 2 * p->caphits : 16;
		struct kith_taghit *h = realloc(p->hits, cap * sizeof *h);
		if (!h)
			return kith_error_set(KITH_ERROR, "out of memory");
		p->hits = h;
		p->caphits = cap;
	}
	p->hits[p->nhits++] = (struct kith_taghit){ tag, p->entry };
	return 0;
}

struct scan {
	struct kith_parser *p;
	int line;           /* the block's first line */
	const size_t *map;  /* source offset of each byte of the text */
};

/*
 * Where the hit's raw bytes stand in the source: only when every byte of
 * it is there as written, one after the other (no escape, no entity).
 */
static size_t
source_offset(const struct scan *sc, const struct kith_inline_hit *hit,
	const char *raw)
{
	const struct kith_src *src = &sc->p->src;
	size_t off;

	if (!sc->map)
		return SIZE_MAX;
	off = sc->map[hit->off];

	if (off == SIZE_MAX || off + hit->len > src->len ||
	    memcmp(src->text + off, raw, hit->len))
		return SIZE_MAX;
	for (size_t i = 1; i < hit->len; i++)
		if (sc->map[hit->off + i] != off + i)
			return SIZE_MAX;
	return off;
}

/* The 1-based line holding byte off. */
static int
line_of(const struct kith_src *src, size_t off)
{
	int lo = 0, hi = src->nlines;

	while (hi - lo > 1) {
		int mid = (lo + hi) / 2;
		if (src->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	return lo + 1;
}

static int
on_hit(const struct kith_inline_hit *hit, const char *text, void *payload)
{
	struct scan *sc = payload;
	struct kith_parser *p = sc->p;
	struct kith_arena *a = kith_model_arena(p->model);
	struct kith_mention *m;
	int line = sc->line;

	if (hit->type == KITH_HIT_TAG)
		return add_tag(p, text + hit->toff, hit->tlen);
	if (!(m = kith_arena_alloc(a, sizeof *m)))
		return KITH_ERROR;
	m->kind = hit->kind;
	m->raw = kith_arena_strndup(a, text + hit->off, hit->len);
	m->target = kith_arena_strndup(a, text + hit->toff, hit->tlen);
	if (!m->raw || !m->target)
		return KITH_ERROR;
	m->path = p->src.path;
	m->off = source_offset(sc, hit, m->raw);
	if (m->off != SIZE_MAX)
		line = line_of(&p->src, m->off);
	else
		for (size_t i = 0; i < hit->off; i++)
			line += text[i] == '\n';
	m->line = line;
	m->entry = p->entry;
	m->in_person = p->person;
	m->followup = p->followup;
	m->in_open_followup = p->followup && !p->followup->done;
	return kith_model_push_mention(p->model, m);
}

static int
scan_block(struct kith_parser *p, cmark_node *n)
{
	const struct kith_src *src = &p->src;
	int first = cmark_node_get_start_line(n), last = cmark_node_get_end_line(n);
	struct align al = { src, 0, src->len, KITH_BUF_INIT };
	struct scan sc = { p, first, NULL };
	int rc = KITH_ERROR;

	if (first >= 1 && first <= src->nlines)
		al.pos = src->lines[first - 1];
	if (last >= 1 && last < src->nlines)
		al.end = src->lines[last];
	/*
	 * Lining the text up with the source costs a map entry per byte:
	 * only worth it where a mention can be, after '@' or '['.
	 */
	bool need = memchr(src->text + al.pos, '@', al.end - al.pos) ||
		memchr(src->text + al.pos, '[', al.end - al.pos);
	kith_buf_clear(&p->text);
	if (collect(&p->text, need ? &al : NULL, n) < 0)
		goto out;
	rc = 0;
	if (!p->text.len)
		goto out;
	sc.map = need ? (const size_t *)(const void *)al.map.ptr : NULL;
	rc = kith_inline_scan(p->text.ptr, p->text.len, on_hit, &sc);
	if (rc == KITH_EINVALID)
		rc = kith_error_set(KITH_EINVALID, "'%s' line %d is not valid UTF-8",
			p->src.path, sc.line);
out:
	kith_buf_free(&al.map);
	return rc;
}

/* ---- list items: follow-ups and dated notes ---- */

/* The source bytes of a list item's first line after its marker. */
static const char *
item_content(const struct kith_src *src, cmark_node *para, size_t *len)
{
	int line = cmark_node_get_start_line(para);
	int col = cmark_node_get_start_column(para);
	size_t n;
	const char *s = kith_src_line(src, line, &n);

	if (line == 1 && src->len >= 3 && !memcmp(src->text, "\xef\xbb\xbf", 3))
		col -= 3;
	if (col >= 1 && (size_t)col <= n && (s[col - 1] == '[' ||
	    (s[col - 1] >= '0' && s[col - 1] <= '9'))) {
		*len = n - (size_t)(col - 1);
		return s + col - 1;
	}
	/* Columns disagree with the bytes: skip quote and list markers. */
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
		i++;
	if (i < n && strchr("-*+", s[i]))
		i++;
	else
		while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ')'))
			i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*len = n - i;
	return s + i;
}

static bool
space_or_end(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == ' ' || s[i] == '\t';
}

/* Remove "due:YYYY-MM-DD" from text, returning the date or KITH_NODATE. */
static kith_date
take_due(struct kith_buf *b)
{
	kith_date due = KITH_NODATE;
	char *s = b->ptr;

	for (size_t i = 0; i + 4 <= b->len; i++) {
		if (strncmp(s + i, "due:", 4) || (i > 0 && s[i - 1] != ' '))
			continue;
		size_t j = i + 4;
		while (j < b->len && s[j] != ' ')
			j++;
		kith_date d;
		if (j - i - 4 != 10 || kith_date_parse_iso(&d, s + i + 4, 10) < 0)
			continue;
		if (due == KITH_NODATE)
			due = d;
		while (j < b->len && s[j] == ' ')
			j++;
		memmove(s + i, s + j, b->len - j + 1);
		b->len -= j - i;
		i--;
	}
	while (b->len && b->ptr[b->len - 1] == ' ')
		b->ptr[--b->len] = '\0';
	return due;
}

/* The item's first paragraph's source text after skip bytes, one line. */
static int
item_text(struct kith_parser *p, struct kith_buf *b, cmark_node *para,
	const char *first, size_t n)
{
	kith_buf_clear(b);
	if (kith_buf_put(b, first, n) < 0)
		return KITH_ERROR;
	for (int l = cmark_node_get_start_line(para) + 1;
	     l <= cmark_node_get_end_line(para); l++) {
		size_t ln;
		const char *s = kith_src_line(&p->src, l, &ln);
		while (ln && (*s == ' ' || *s == '\t'))
			s++, ln--;
		if (kith_buf_put(b, " ", 1) < 0 || kith_buf_put(b, s, ln) < 0)
			return KITH_ERROR;
	}
	while (b->len && (b->ptr[0] == ' ' || b->ptr[0] == '\t'))
		memmove(b->ptr, b->ptr + 1, b->len--);
	return 0;
}

/* A follow-up: its box, text and due date; everything in the item is in it. */
static int
followup_item(struct kith_parser *p, cmark_node *para, const char *s, size_t n)
{
	struct kith_arena *a = kith_model_arena(p->model);
	struct kith_followup *f = kith_arena_alloc(a, sizeof *f);

	if (!f || item_text(p, &p->scratch, para, s + 3, n - 3) < 0)
		return KITH_ERROR;
	f->done = s[1] != ' ';
	f->due = take_due(&p->scratch);
	f->text = kith_arena_strndup(a, p->scratch.ptr, p->scratch.len);
	f->path = p->src.path;
	f->line = cmark_node_get_start_line(para);
	f->box_off = (size_t)(s + 1 - p->src.text);
	f->entry = p->entry;
	f->in_person = p->person;
	if (!f->text || kith_model_push_followup(p->model, f) < 0)
		return KITH_ERROR;
	struct kith_followup *outer = p->followup;
	int rc = 0;
	p->followup = f;
	for (cmark_node *c = para; c && !rc; c = cmark_node_next(c))
		rc = c == para ? scan_block(p, c) : kith_parse_walk(p, c);
	p->followup = outer;
	return rc;
}

static int
dated_item(struct kith_parser *p, cmark_node *item, cmark_node *para,
	kith_date date, const char *s, size_t n)
{
	struct kith_arena *a = kith_model_arena(p->model);
	struct kith_entry *e = kith_model_new_entry(p->model), *outer;
	size_t i = 10;

	if (!e)
		return KITH_ERROR;
	if (i < n && s[i] == ':')
		i++;
	if (item_text(p, &p->scratch, para, s + i, n - i) < 0)
		return KITH_ERROR;
	e->kind = KITH_ENTRY_NOTE;
	e->date = date;
	e->time = -1;
	e->title = kith_arena_strndup(a, p->scratch.ptr, p->scratch.len);
	e->path = p->src.path;
	e->line = cmark_node_get_start_line(item);
	e->end_line = cmark_node_get_end_line(item);
	e->text = kith_src_lines(a, &p->src, e->line, e->end_line);
	e->owner = p->person;
	if (!e->title || !e->text)
		return KITH_ERROR;
	outer = p->entry;
	p->entry = e;
	int rc = 0;
	for (cmark_node *c = cmark_node_first_child(item); c && !rc; c = cmark_node_next(c))
		rc = kith_parse_walk(p, c);
	p->entry = outer;
	return rc;
}

static int
walk_item(struct kith_parser *p, cmark_node *item)
{
	cmark_node *para = cmark_node_first_child(item);
	int rc = 0;

	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH) {
		size_t n;
		const char *s = item_content(&p->src, para, &n);
		kith_date d;

		if (n >= 3 && s[0] == '[' && strchr(" xX", s[1]) && s[2] == ']' &&
		    space_or_end(s, n, 3))
			return followup_item(p, para, s, n);
		if (p->notes && n >= 10 && kith_date_parse_iso(&d, s, 10) == 0 &&
		    (n == 10 || s[10] == ':' || s[10] == ' ' || s[10] == '\t'))
			return dated_item(p, item, para, d, s, n);
	}
	for (cmark_node *c = para; c && !rc; c = cmark_node_next(c))
		rc = kith_parse_walk(p, c);
	return rc;
}

int
kith_parse_walk(struct kith_parser *p, void *node)
{
	cmark_node *n = node;
	int rc = 0;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_PARAGRAPH:
	case CMARK_NODE_HEADING:
		return scan_block(p, n);
	case CMARK_NODE_ITEM:
		return walk_item(p, n);
	case CMARK_NODE_CODE_BLOCK:
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_THEMATIC_BREAK:
		return 0;
	default:
		for (cmark_node *c = cmark_node_first_child(n); c && !rc; c = cmark_node_next(c))
			rc = kith_parse_walk(p, c);
		return rc;
	}
}

/* ---- tags into entries and the person ---- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted, unique copy of tags[0..n) into the arena. */
static const char **
uniq_tags(struct kith_arena *a, const char **tags, size_t *n)
{
	size_t k = 0;
	const char **out;

	if (!*n)
		return NULL;
	kith_sort(tags, *n, sizeof *tags, cmp_str);
	for (size_t i = 0; i < *n; i++)
		if (!k || strcmp(tags[k - 1], tags[i]))
			tags[k++] = tags[i];
	if (!(out = kith_arena_alloc(a, k * sizeof *out)))
		return NULL;
	memcpy(out, tags, k * sizeof *out);
	*n = k;
	return out;
}

int
kith_parse_finish_tags(struct kith_parser *p, struct kith_entry **entries,
	size_t n)
{
	struct kith_arena *a = kith_model_arena(p->model);
	const char **tags;
	size_t k;

	if (!p->nhits)
		return 0;
	if (!(tags = malloc(p->nhits * sizeof *tags)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t e = 0; e < n; e++) {
		k = 0;
		for (size_t i = 0; i < p->nhits; i++)
			if (p->hits[i].entry == entries[e])
				tags[k++] = p->hits[i].tag;
		entries[e]->ntags = k;
		entries[e]->tags = uniq_tags(a, tags, &entries[e]->ntags);
		if (k && !entries[e]->tags)
			goto oom;
	}
	if (p->person) {
		for (k = 0; k < p->nhits; k++)
			tags[k] = p->hits[k].tag;
		p->person->ntags = k;
		if (!(p->person->tags = uniq_tags(a, tags, &p->person->ntags)))
			goto oom;
	}
	free(tags);
	return 0;
oom:
	free(tags);
	return kith_error_set(KITH_ERROR, "out of memory");
}
