/*
 * pmerge.c - the three-way merge of a person file, field by field, as
 * `kith sync` does it (DESIGN.md "Sync").
 *
 * Each version of the file is read as three regions: the head (up to the
 * first level-1 heading and the blank lines after it), the field list
 * (the "- key: value" items right after it) and the notes (the rest).
 * The head and the notes merge line by line; the fields merge item by
 * item, items compared by key and value:
 *
 *  - a line or field changed on one side only is taken from that side;
 *  - lines added at the same place on both sides are all kept, ours
 *    first (notes appended on both sides);
 *  - values added to a repeatable key (email, phone, ..., or any key
 *    that some version repeats) on both sides are all kept; tags: and
 *    aliases: merge word by word;
 *  - only the same line, or the same single-valued field, changed
 *    differently on both sides is a conflict, written with the standard
 *    markers around just those lines.
 *
 * Lines compare without their line ending, so a CRLF file merges with an
 * LF edit of it; the merged file ends its lines as ours does.
 *
 * A journal day merges as a union of lines (kith_union_merge): where both
 * sides changed the same place, all their lines are kept, ours first,
 * and entries appended on both sides stay parted by a blank line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Beyond this many differing lines, a region compares as one change. */
#define DIFF_MAX 1000

/* ---- lines and atoms ---- */

/* One line of a version: its bytes with the ending, and without. */
struct line {
	const char *p;
	size_t len;  /* with the line ending, if any */
	size_t clen; /* content only: no "\n" nor "\r\n" */
};

/* What the diff compares: a line's content, or an item's key and value. */
struct atom {
	const char *p;
	size_t n;
	uint64_t h;
};

static uint64_t
hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return h;
}

static bool
atom_eq(const struct atom *a, const struct atom *b)
{
	return a->h == b->h && a->n == b->n && memcmp(a->p, b->p, a->n) == 0;
}

/* A version of the file: its lines, and where its regions start. */
struct version {
	struct line *lines;
	size_t n;
	size_t fields, notes; /* first line of the field list, of the notes */
};

static int
split_lines(struct version *v, struct kith_arena *a, const char *s, size_t len)
{
	size_t n = 0, cap = 16;

	if (!(v->lines = kith_arena_alloc(a, cap * sizeof *v->lines)))
		return KITH_ERROR;
	for (size_t i = 0; i < len; ) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) + 1 : len;
		struct line *l;

		if (n == cap) {
			struct line *nv = kith_arena_alloc(a, 2 * cap * sizeof *nv);
			if (!nv)
				return KITH_ERROR;
			memcpy(nv, v->lines, n * sizeof *nv);
			v->lines = nv;
			cap *= 2;
		}
		l = &v->lines[n++];
		l->p = s + i;
		l->len = end - i;
		l->clen = l->len;
		if (l->clen && l->p[l->clen - 1] == '\n')
			l->clen--;
		if (l->clen && l->p[l->clen - 1] == '\r')
			l->clen--;
		i = end;
	}
	v->n = n;
	return 0;
}

static bool
is_blank(const struct line *l)
{
	for (size_t i = 0; i < l->clen; i++)
		if (l->p[i] != ' ' && l->p[i] != '\t')
			return false;
	return true;
}

/* Up to three spaces of indentation. */
static size_t
indent(const struct line *l)
{
	size_t i = 0;

	while (i < 3 && i < l->clen && l->p[i] == ' ')
		i++;
	return i;
}

static bool
is_atx_h1(const struct line *l)
{
	size_t i = indent(l);

	return i < l->clen && l->p[i] == '#' && (i + 1 == l->clen ||
		l->p[i + 1] == ' ' || l->p[i + 1] == '\t');
}

/* A setext underline of a level-1 heading: "===". */
static bool
is_setext_h1(const struct line *l)
{
	size_t i = indent(l), k = i;

	while (k < l->clen && l->p[k] == '=')
		k++;
	if (k == i)
		return false;
	while (k < l->clen && (l->p[k] == ' ' || l->p[k] == '\t'))
		k++;
	return k == l->clen;
}

static bool
is_fence(const struct line *l)
{
	size_t i = indent(l);

	return i + 3 <= l->clen && (memcmp(l->p + i, "```", 3) == 0 ||
		memcmp(l->p + i, "~~~", 3) == 0);
}

/* Where a list item's text starts ("- ", "* ", "+ ", "1. "), or 0. */
static size_t
item_text(const struct line *l, size_t from)
{
	size_t i = from;

	while (i < l->clen && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	if (i < l->clen && strchr("-*+", l->p[i]))
		i++;
	else {
		size_t d = i;
		while (i < l->clen && l->p[i] >= '0' && l->p[i] <= '9')
			i++;
		if (i == d || i >= l->clen || (l->p[i] != '.' && l->p[i] != ')'))
			return 0;
		i++;
	}
	if (i < l->clen && l->p[i] != ' ' && l->p[i] != '\t')
		return 0;
	while (i < l->clen && (l->p[i] == ' ' || l->p[i] == '\t'))
		i++;
	return i;
}

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_keychar(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/*
 * A field item's first line "- key: value" (as lib/person.c reads it):
 * the key's bytes, and where the value starts.
 */
static bool
field_line(const struct line *l, size_t *kstart, size_t *klen, size_t *vstart)
{
	size_t i = indent(l), k;

	if (i >= l->clen || !strchr("-*+", l->p[i]) ||
	    !(i = item_text(l, i)) || !is_alpha(l->p[i]))
		return false;
	for (k = i; k < l->clen && is_keychar(l->p[k]); k++)
		;
	*kstart = i;
	*klen = k - i;
	while (k < l->clen && l->p[k] == ' ')
		k++;
	if (k >= l->clen || l->p[k] != ':')
		return false;
	k++;
	if (k < l->clen && l->p[k] != ' ' && l->p[k] != '\t')
		return false;
	while (k < l->clen && (l->p[k] == ' ' || l->p[k] == '\t'))
		k++;
	*vstart = k;
	return true;
}

/* A line that goes on the item above it (a lazy or indented continuation). */
static bool
continues_item(const struct line *l)
{
	return !is_blank(l) && !item_text(l, 0) && l->p[indent(l)] != '#' &&
		!is_fence(l);
}

/* The line after the first level-1 heading outside code fences, or 0. */
static size_t
after_h1(const struct version *v)
{
	bool fenced = false;

	for (size_t i = 0; i < v->n; i++) {
		const struct line *l = &v->lines[i];
		if (is_fence(l)) {
			fenced = !fenced;
			continue;
		}
		if (fenced)
			continue;
		if (is_atx_h1(l))
			return i + 1;
		if (i + 1 < v->n && !is_blank(l) && is_setext_h1(&v->lines[i + 1]) &&
		    (i == 0 || is_blank(&v->lines[i - 1])) && !item_text(l, 0))
			return i + 2;
	}
	return 0;
}

/*
 * Find the regions: the head [0, fields) is the heading and the blank
 * lines after it (or the blank lines a file without one starts with),
 * the fields [fields, notes) the items right after, the notes the rest.
 */
static void
find_regions(struct version *v)
{
	size_t i = after_h1(v), ks, kl, vs;

	while (i < v->n && is_blank(&v->lines[i]))
		i++;
	v->fields = i;
	while (i < v->n && field_line(&v->lines[i], &ks, &kl, &vs)) {
		i++;
		while (i < v->n && continues_item(&v->lines[i]))
			i++;
	}
	v->notes = i;
}

/* ---- the diff: Myers' greedy algorithm, then hunks ---- */

struct hunk {
	size_t a, b; /* base range replaced */
	size_t c, d; /* by this range of the side */
};

struct hunks {
	struct hunk *v;
	size_t n;
};

/*
 * Match x[0..n) with y[0..m) by a shortest edit script: mx[i] is the
 * index in y that x[i] matches, or -1. Past DIFF_MAX edits, nothing in
 * the middle matches (the region then compares as one change).
 */
static int
myers(ptrdiff_t *mx, const struct atom *x, size_t n, const struct atom *y,
	size_t m)
{
	size_t max = n + m < DIFF_MAX ? n + m : DIFF_MAX;
	ptrdiff_t off = (ptrdiff_t)max + 1, found = -1, cx, cy;
	ptrdiff_t *v = calloc(2 * max + 3, sizeof *v);
	ptrdiff_t **trace = calloc(max + 1, sizeof *trace);
	int rc = 0;

	if (!v || !trace) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (ptrdiff_t d = 0; d <= (ptrdiff_t)max && found < 0; d++) {
		for (ptrdiff_t k = -d; k <= d; k += 2) {
			ptrdiff_t px;
			if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				px = v[off + k + 1];
			else
				px = v[off + k - 1] + 1;
			ptrdiff_t py = px - k;
			while (px < (ptrdiff_t)n && py < (ptrdiff_t)m &&
			    atom_eq(&x[px], &y[py]))
				px++, py++;
			v[off + k] = px;
			if (px >= (ptrdiff_t)n && py >= (ptrdiff_t)m) {
				found = d;
				break;
			}
		}
		if (!(trace[d] = malloc((size_t)(2 * d + 1) * sizeof **trace))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		memcpy(trace[d], v + off - d, (size_t)(2 * d + 1) * sizeof **trace);
	}
	if (found < 0)
		goto out;
	cx = (ptrdiff_t)n;
	cy = (ptrdiff_t)m;
	for (ptrdiff_t d = found; d > 0; d--) {
		const ptrdiff_t *pv = trace[d - 1] + (d - 1); /* pv[k], k in [-(d-1), d-1] */
		ptrdiff_t k = cx - cy, pk, px, sx;
		if (k == -d || (k != d && pv[k - 1] < pv[k + 1]))
			pk = k + 1;
		else
			pk = k - 1;
		px = pv[pk];
		sx = pk == k + 1 ? px : px + 1; /* where the snake to (cx, cy) starts */
		while (cx > sx) {
			cx--, cy--;
			mx[cx] = cy;
		}
		cx = px;
		cy = px - pk;
	}
	while (cx > 0) {
		cx--, cy--;
		mx[cx] = cy;
	}
out:
	for (size_t d = 0; trace && d <= max; d++)
		free(trace[d]);
	free(trace);
	free(v);
	return rc;
}

static int
push_hunk(struct hunks *h, struct kith_arena *a, struct hunk hk, size_t *cap)
{
	if (h->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 8;
		struct hunk *nv = kith_arena_alloc(a, nc * sizeof *nv);
		if (!nv)
			return KITH_ERROR;
		if (h->n)
			memcpy(nv, h->v, h->n * sizeof *nv);
		h->v = nv;
		*cap = nc;
	}
	h->v[h->n++] = hk;
	return 0;
}

/* The changes that turn x into y, as hunks in order. */
static int
diff(struct hunks *out, struct kith_arena *a, const struct atom *x, size_t n,
	const struct atom *y, size_t m)
{
	ptrdiff_t *mx = malloc((n ? n : 1) * sizeof *mx);
	size_t pre = 0, suf = 0, i = 0, j = 0, cap = 0;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	if (!mx)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t k = 0; k < n; k++)
		mx[k] = -1;
	while (pre < n && pre < m && atom_eq(&x[pre], &y[pre])) {
		mx[pre] = (ptrdiff_t)pre;
		pre++;
	}
	while (suf < n - pre && suf < m - pre &&
	    atom_eq(&x[n - 1 - suf], &y[m - 1 - suf])) {
		mx[n - 1 - suf] = (ptrdiff_t)(m - 1 - suf);
		suf++;
	}
	if ((rc = myers(mx + pre, x + pre, n - pre - suf, y + pre,
	    m - pre - suf)) < 0)
		goto out;
	for (size_t k = pre; k < n - suf; k++)
		if (mx[k] >= 0)
			mx[k] += (ptrdiff_t)pre;
	while (i < n || j < m) {
		if (i < n && j < m && mx[i] == (ptrdiff_t)j) {
			i++, j++;
			continue;
		}
		struct hunk hk = { i, i, j, j };
		while (i < n && mx[i] < 0)
			i++;
		j = i < n ? (size_t)mx[i] : m;
		hk.b = i;
		hk.d = j;
		if ((rc = push_hunk(out, a, hk, &cap)) < 0)
			goto out;
	}
out:
	free(mx);
	return rc;
}

/* ---- walking two sides' hunks over the base ---- */

/*
 * One stretch of the merge: base [lo, hi), ours [olo, ohi), theirs
 * [tlo, thi); which sides changed it (none: the same on all three).
 */
struct stretch {
	size_t lo, hi, olo, ohi, tlo, thi;
	bool ours, theirs;
	const struct hunk *oh, *th; /* the sides' hunks in it */
	size_t noh, nth;
};

struct walk {
	const struct hunks *o, *t;
	size_t io, it;     /* next hunk of each side */
	size_t pb, po, pt; /* where the next stretch starts */
	size_t nbase;
};

/* Whether hunk h, of one side, runs into the changed range [lo, hi). */
static bool
overlaps(const struct hunk *h, size_t lo, size_t hi)
{
	return (h->a < hi && lo < h->b) ||
		(h->a == h->b && lo == hi && h->a == lo);
}

static ptrdiff_t
growth(const struct hunk *h, size_t n)
{
	ptrdiff_t g = 0;

	for (size_t i = 0; i < n; i++)
		g += (ptrdiff_t)(h[i].d - h[i].c) - (ptrdiff_t)(h[i].b - h[i].a);
	return g;
}

static bool
walk_next(struct walk *w, struct stretch *s)
{
	const struct hunk *ho = w->io < w->o->n ? &w->o->v[w->io] : NULL;
	const struct hunk *ht = w->it < w->t->n ? &w->t->v[w->it] : NULL;
	size_t lo, hi, oi = w->io, ti = w->it;

	memset(s, 0, sizeof *s);
	if (!ho && !ht) {
		if (w->pb >= w->nbase)
			return false;
		lo = w->nbase;
	} else {
		lo = !ht || (ho && ho->a < ht->a) ? ho->a : ht->a;
	}
	if (lo > w->pb || (!ho && !ht)) {
		/* what comes before the next change is the same everywhere */
		size_t n = lo - w->pb;
		*s = (struct stretch){ w->pb, lo, w->po, w->po + n, w->pt,
			w->pt + n, false, false, NULL, NULL, 0, 0 };
		w->pb = lo, w->po += n, w->pt += n;
		return true;
	}
	/*
	 * The first change (an insertion before a change that starts at the
	 * same place), then every hunk of either side that runs into it.
	 */
	bool theirs_first = ht && ht->a == lo && ht->a == ht->b &&
		!(ho && ho->a == lo && ho->a == ho->b);
	if (ho && ho->a == lo && !theirs_first) {
		hi = ho->b;
		oi++;
	} else {
		hi = ht->b;
		ti++;
	}
	for (bool grew = true; grew; ) {
		grew = false;
		if (oi < w->o->n && overlaps(&w->o->v[oi], lo, hi)) {
			hi = hi > w->o->v[oi].b ? hi : w->o->v[oi].b;
			oi++;
			grew = true;
		}
		if (ti < w->t->n && overlaps(&w->t->v[ti], lo, hi)) {
			hi = hi > w->t->v[ti].b ? hi : w->t->v[ti].b;
			ti++;
			grew = true;
		}
	}
	s->lo = lo;
	s->hi = hi;
	s->oh = w->o->v + w->io;
	s->noh = oi - w->io;
	s->th = w->t->v + w->it;
	s->nth = ti - w->it;
	s->ours = s->noh > 0;
	s->theirs = s->nth > 0;
	s->olo = w->po;
	s->ohi = (size_t)((ptrdiff_t)(w->po + hi - lo) + growth(s->oh, s->noh));
	s->tlo = w->pt;
	s->thi = (size_t)((ptrdiff_t)(w->pt + hi - lo) + growth(s->th, s->nth));
	w->io = oi;
	w->it = ti;
	w->pb = hi, w->po = s->ohi, w->pt = s->thi;
	return true;
}

/* ---- the merged text ---- */

struct out {
	struct kith_arena *a;
	struct line *v;
	size_t n, cap;
	size_t conflicts;
	const char *eol;
};

static int
emit(struct out *o, const struct line *l)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? 2 * o->cap : 64;
		struct line *nv = kith_arena_alloc(o->a, nc * sizeof *nv);
		if (!nv)
			return KITH_ERROR;
		if (o->n)
			memcpy(nv, o->v, o->n * sizeof *nv);
		o->v = nv;
		o->cap = nc;
	}
	o->v[o->n++] = *l;
	return 0;
}

static int
emit_lines(struct out *o, const struct line *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (emit(o, &l[i]) < 0)
			return KITH_ERROR;
	return 0;
}

/* A line kith writes: text and the line ending of ours. */
static int
emit_text(struct out *o, const char *s, size_t n)
{
	size_t el = strlen(o->eol);
	char *p = kith_arena_alloc(o->a, n + el + 1);

	if (!p)
		return KITH_ERROR;
	memcpy(p, s, n);
	memcpy(p + n, o->eol, el);
	return emit(o, &(struct line){ p, n + el, n });
}

static int
emit_marker(struct out *o, const char *m)
{
	return emit_text(o, m, strlen(m));
}

static int
emit_conflict(struct out *o, const struct line *ol, size_t on,
	const struct line *tl, size_t tn)
{
	o->conflicts++;
	if (emit_marker(o, "<<<<<<< ours") < 0 || emit_lines(o, ol, on) < 0 ||
	    emit_marker(o, "=======") < 0 || emit_lines(o, tl, tn) < 0 ||
	    emit_marker(o, ">>>>>>> theirs") < 0)
		return KITH_ERROR;
	return 0;
}

/* ---- merging lines: the head and the notes ---- */

static bool
line_eq(const struct line *a, const struct line *b)
{
	return a->clen == b->clen && memcmp(a->p, b->p, a->clen) == 0;
}

static bool
lines_eq(const struct line *a, const struct line *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!line_eq(&a[i], &b[i]))
			return false;
	return true;
}

static bool
in_lines(const struct line *l, const struct line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (line_eq(l, &v[i]))
			return true;
	return false;
}

/*
 * Both sides' lines, ours first, what they share at the start and at
 * the end once. Where theirs' own lines followed a blank line, a blank
 * line still parts them from ours', so that two entries or paragraphs
 * stay two.
 */
static int
union_lines(struct out *o, const struct line *ol, size_t on,
	const struct line *tl, size_t tn)
{
	size_t pre = 0, suf = 0;

	if (on <= tn && (lines_eq(ol, tl, on) || lines_eq(ol, tl + tn - on, on)))
		return emit_lines(o, tl, tn);
	if (tn <= on && (lines_eq(tl, ol, tn) || lines_eq(tl, ol + on - tn, tn)))
		return emit_lines(o, ol, on);
	while (pre < on && pre < tn && line_eq(&ol[pre], &tl[pre]))
		pre++;
	while (suf < on - pre && suf < tn - pre &&
	    line_eq(&ol[on - 1 - suf], &tl[tn - 1 - suf]))
		suf++;
	if (emit_lines(o, ol, on - suf) < 0)
		return KITH_ERROR;
	if (pre && is_blank(&ol[pre - 1]) && on - suf > pre && tn - suf > pre &&
	    !is_blank(&ol[on - suf - 1]) && emit(o, &ol[pre - 1]) < 0)
		return KITH_ERROR;
	return emit_lines(o, tl + pre, tn - pre);
}

/* How lines both sides changed merge. */
enum how {
	HOW_MARK,  /* a conflict (the head: one name) */
	HOW_KEEP,  /* lines both added at one place all kept, else a conflict (notes) */
	HOW_UNION, /* all kept, ours first (journal days) */
};

/* Both sides changed base lines bl[0..bn): keep what agrees, then how. */
static int
resolve_lines(struct out *o, const struct line *bl, size_t bn,
	const struct line *ol, size_t on, const struct line *tl, size_t tn,
	enum how how)
{
	size_t pre = 0, suf = 0;
	bool fresh = true;

	if (on == tn && lines_eq(ol, tl, on))
		return emit_lines(o, ol, on);
	if ((bn == 0 && how == HOW_KEEP) || how == HOW_UNION)
		return union_lines(o, ol, on, tl, tn);
	while (pre < on && pre < tn && line_eq(&ol[pre], &tl[pre]))
		pre++;
	while (suf < on - pre && suf < tn - pre &&
	    line_eq(&ol[on - 1 - suf], &tl[tn - 1 - suf]))
		suf++;
	if (emit_lines(o, ol, pre) < 0)
		return KITH_ERROR;
	const struct line *om = ol + pre, *tm = tl + pre;
	size_t omn = on - pre - suf, tmn = tn - pre - suf;
	/* what is left on one side only, if all new, is lines it added */
	const struct line *rest = omn ? om : tm;
	if (omn && tmn)
		fresh = false;
	for (size_t i = 0; fresh && i < omn + tmn; i++)
		fresh = !in_lines(&rest[i], bl, bn);
	int rc = fresh ?
		emit_lines(o, rest, omn + tmn) :
		emit_conflict(o, om, omn, tm, tmn);
	if (rc < 0)
		return rc;
	return emit_lines(o, ol + on - suf, suf);
}

static int
line_atoms(struct atom **out, struct kith_arena *a, const struct line *l,
	size_t n)
{
	struct atom *v = kith_arena_alloc(a, (n ? n : 1) * sizeof *v);

	if (!v)
		return KITH_ERROR;
	for (size_t i = 0; i < n; i++)
		v[i] = (struct atom){ l[i].p, l[i].clen, hash(l[i].p, l[i].clen) };
	*out = v;
	return 0;
}

/* Merge three versions of a run of lines into o. */
static int
merge_lines(struct out *o, const struct line *bl, size_t bn,
	const struct line *ol, size_t on, const struct line *tl, size_t tn,
	enum how how)
{
	struct atom *ba, *oa, *ta;
	struct hunks ho, ht;
	struct stretch s;
	int rc;

	if ((rc = line_atoms(&ba, o->a, bl, bn)) < 0 ||
	    (rc = line_atoms(&oa, o->a, ol, on)) < 0 ||
	    (rc = line_atoms(&ta, o->a, tl, tn)) < 0 ||
	    (rc = diff(&ho, o->a, ba, bn, oa, on)) < 0 ||
	    (rc = diff(&ht, o->a, ba, bn, ta, tn)) < 0)
		return rc;
	struct walk w = { &ho, &ht, 0, 0, 0, 0, 0, bn };
	while (walk_next(&w, &s)) {
		if (s.theirs && !s.ours)
			rc = emit_lines(o, tl + s.tlo, s.thi - s.tlo);
		else if (!s.theirs)
			rc = emit_lines(o, ol + s.olo, s.ohi - s.olo);
		else
			rc = resolve_lines(o, bl + s.lo, s.hi - s.lo, ol + s.olo,
				s.ohi - s.olo, tl + s.tlo, s.thi - s.tlo, how);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* ---- merging the field list ---- */

/* One field item: its lines, its key and its value as compared. */
struct item {
	const struct line *l;
	size_t nl;
	char *key;          /* lower-case */
	const char *value;  /* white space squeezed */
	size_t vstart;      /* where the value starts on the first line */
	struct atom atom;   /* "key:value" */
};

struct items {
	struct item *v;
	size_t n;
};

static int
parse_items(struct items *out, struct kith_arena *a, const struct version *v)
{
	size_t cap = v->notes - v->fields + 1, ks, kl, vs;
	struct kith_buf b = KITH_BUF_INIT;
	int rc = KITH_ERROR;

	out->n = 0;
	if (!(out->v = kith_arena_alloc(a, cap * sizeof *out->v)))
		return KITH_ERROR;
	for (size_t i = v->fields; i < v->notes; ) {
		const struct line *l = &v->lines[i];
		struct item *it = &out->v[out->n++];

		field_line(l, &ks, &kl, &vs);
		it->l = l;
		it->vstart = vs;
		for (i++; i < v->notes && !field_line(&v->lines[i], &ks, &kl, &vs); i++)
			;
		it->nl = (size_t)(&v->lines[i] - l);
		field_line(l, &ks, &kl, &vs);
		kith_buf_clear(&b);
		for (size_t k = 0; k < kl; k++) {
			char c = l->p[ks + k];
			if (kith_buf_put(&b, &(char){ c >= 'A' && c <= 'Z' ?
			    (char)(c - 'A' + 'a') : c }, 1) < 0)
				goto out;
		}
		if (kith_buf_put(&b, ":", 1) < 0)
			goto out;
		/* the value, its lines joined, runs of white space as one space */
		bool space = false;
		for (size_t k = 0; k < it->nl; k++) {
			const struct line *m = &l[k];
			for (size_t c = k ? 0 : vs; c < m->clen; c++) {
				bool ws = m->p[c] == ' ' || m->p[c] == '\t';
				if (ws) {
					space = true;
					continue;
				}
				if (space && b.len > kl + 1 && kith_buf_put(&b, " ", 1) < 0)
					goto out;
				space = false;
				if (kith_buf_put(&b, &m->p[c], 1) < 0)
					goto out;
			}
			space = true;
		}
		char *s = kith_arena_strndup(a, kith_buf_cstr(&b), b.len);
		if (!s || !(it->key = kith_arena_strndup(a, s, kl)))
			goto out;
		it->value = s + kl + 1;
		it->atom = (struct atom){ s, b.len, hash(s, b.len) };
	}
	rc = 0;
out:
	kith_buf_free(&b);
	return rc;
}

static int
item_atoms(struct atom **out, struct kith_arena *a, const struct items *it)
{
	struct atom *v = kith_arena_alloc(a, (it->n ? it->n : 1) * sizeof *v);

	if (!v)
		return KITH_ERROR;
	for (size_t i = 0; i < it->n; i++)
		v[i] = it->v[i].atom;
	*out = v;
	return 0;
}

/* Keys whose values are lists of words, merged word by word. */
static const char *
word_separator(const char *key)
{
	if (strcmp(key, "tags") == 0)
		return " ";
	if (strcmp(key, "aliases") == 0)
		return ", ";
	return NULL;
}

/* Keys a person has several of (as vCard repeats EMAIL, TEL, URL, ADR). */
static bool
known_repeatable(const char *key)
{
	static const char *const keys[] = { "email", "phone", "url", "website",
		"address", "im", "social", "link" };

	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

static size_t
count_key(const struct items *it, const char *key)
{
	size_t n = 0;

	for (size_t i = 0; i < it->n; i++)
		n += strcmp(it->v[i].key, key) == 0;
	return n;
}

/* The state of one field merge. */
struct fmerge {
	struct out *o;
	const struct items *b, *ours, *theirs;
	/* what the merged list holds: items, merged words, conflicts */
	struct entry {
		const struct line *l;
		size_t nl;
		const char *key;
		const struct atom *atom; /* an item's; NULL for lines kith made */
		bool conflict;
	} *v;
	size_t n, cap;
};

static int
push_entry(struct fmerge *f, const struct entry *e)
{
	if (f->n == f->cap) {
		size_t nc = f->cap ? 2 * f->cap : 16;
		struct entry *nv = kith_arena_alloc(f->o->a, nc * sizeof *nv);
		if (!nv)
			return KITH_ERROR;
		if (f->n)
			memcpy(nv, f->v, f->n * sizeof *nv);
		f->v = nv;
		f->cap = nc;
	}
	f->v[f->n++] = *e;
	return 0;
}

static int
put_item(struct fmerge *f, const struct item *it)
{
	return push_entry(f, &(struct entry){ it->l, it->nl, it->key, &it->atom,
		false });
}

/* A block of lines kith made (a conflict, merged words), as one entry. */
static int
put_made(struct fmerge *f, size_t first, const char *key, bool conflict)
{
	struct entry e = { NULL, f->o->n - first, key, NULL, conflict };
	struct line *copy = kith_arena_alloc(f->o->a, (e.nl ? e.nl : 1) * sizeof *copy);

	if (!copy)
		return KITH_ERROR;
	memcpy(copy, f->o->v + first, e.nl * sizeof *copy);
	f->o->n = first;
	e.l = copy;
	return push_entry(f, &e);
}

static int
put_conflict(struct fmerge *f, const struct item *const *ov, size_t on,
	const struct item *const *tv, size_t tn, const char *key)
{
	size_t first = f->o->n;
	int rc;

	f->o->conflicts++;
	if ((rc = emit_marker(f->o, "<<<<<<< ours")) < 0)
		return rc;
	for (size_t i = 0; i < on; i++)
		if ((rc = emit_lines(f->o, ov[i]->l, ov[i]->nl)) < 0)
			return rc;
	if ((rc = emit_marker(f->o, "=======")) < 0)
		return rc;
	for (size_t i = 0; i < tn; i++)
		if ((rc = emit_lines(f->o, tv[i]->l, tv[i]->nl)) < 0)
			return rc;
	if ((rc = emit_marker(f->o, ">>>>>>> theirs")) < 0)
		return rc;
	return put_made(f, first, key, true);
}

/* Split a word list into w (arena copies); SIZE_MAX on no memory. */
static size_t
add_words(const char **w, size_t n, struct kith_arena *a, const char *s,
	const char *sep)
{
	bool spaces = *sep == ' ';

	while (*s) {
		while (*s == ',' || *s == ' ' || (spaces && *s == '\t'))
			s++;
		const char *e = s;
		while (*e && *e != ',' && !(spaces && (*e == ' ' || *e == '\t')))
			e++;
		size_t len = (size_t)(e - s);
		while (len && s[len - 1] == ' ')
			len--;
		if (len && !(w[n++] = kith_arena_strndup(a, s, len)))
			return SIZE_MAX;
		s = e;
	}
	return n;
}

static bool
has_word(const char *const *w, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w[i], s) == 0)
			return true;
	return false;
}

/*
 * A word list merged three ways (base NULL: both added it): ours' words
 * but those theirs removed, then the words theirs added, written as
 * ours' item with the merged value.
 */
static int
put_words(struct fmerge *f, const struct item *base, const struct item *ours,
	const struct item *const *tv, size_t tn)
{
	const char *sep = word_separator(ours->key);
	struct kith_arena *a = f->o->a;
	struct kith_buf b = KITH_BUF_INIT;
	size_t max = strlen(ours->value) + 2, nb = 0, no, nt = 0, nr = 0;
	int rc = KITH_ERROR;

	if (base)
		max += strlen(base->value);
	for (size_t i = 0; i < tn; i++)
		max += strlen(tv[i]->value) + 1;
	const char **bw = kith_arena_alloc(a, max * sizeof *bw);
	const char **ow = kith_arena_alloc(a, max * sizeof *ow);
	const char **tw = kith_arena_alloc(a, max * sizeof *tw);
	const char **r = kith_arena_alloc(a, 2 * max * sizeof *r);
	if (!bw || !ow || !tw || !r)
		return KITH_ERROR;
	if ((base && (nb = add_words(bw, 0, a, base->value, sep)) == SIZE_MAX) ||
	    (no = add_words(ow, 0, a, ours->value, sep)) == SIZE_MAX)
		return KITH_ERROR;
	for (size_t i = 0; i < tn; i++)
		if ((nt = add_words(tw, nt, a, tv[i]->value, sep)) == SIZE_MAX)
			return KITH_ERROR;
	for (size_t i = 0; i < no; i++)
		if (!(has_word(bw, nb, ow[i]) && !has_word(tw, nt, ow[i])) &&
		    !has_word(r, nr, ow[i]))
			r[nr++] = ow[i];
	for (size_t i = 0; i < nt; i++)
		if (!has_word(bw, nb, tw[i]) && !has_word(r, nr, tw[i]))
			r[nr++] = tw[i];
	if (kith_buf_put(&b, ours->l->p, ours->vstart) < 0)
		goto out;
	for (size_t i = 0; i < nr; i++)
		if ((i && kith_buf_puts(&b, sep) < 0) || kith_buf_puts(&b, r[i]) < 0)
			goto out;
	size_t first = f->o->n;
	if (emit_text(f->o, kith_buf_cstr(&b), b.len) < 0)
		goto out;
	rc = put_made(f, first, ours->key, false);
out:
	kith_buf_free(&b);
	return rc;
}

/* What one side did to a base item of a stretch, and where its items came from. */
enum { KEEP, DROP, REPLACE, ADDED };

struct fate {
	int what;
	size_t other; /* KEEP, REPLACE: the side's item; for a side item: the base item */
};

/*
 * For one side's hunks in the stretch: fates of base items [lo, hi)
 * and origins of the side's items [slo, shi). A removed base item and an
 * added item with the same key in one hunk are a change of that field.
 */
static void
fates(struct fate *bf, struct fate *sf, const struct stretch *s, bool ours,
	const struct items *base, const struct items *side)
{
	const struct hunk *h = ours ? s->oh : s->th;
	size_t nh = ours ? s->noh : s->nth, slo = ours ? s->olo : s->tlo;
	size_t pb = s->lo, ps = slo;

	for (size_t k = 0; k <= nh; k++) {
		size_t to = k < nh ? h[k].a : s->hi;
		for (; pb < to; pb++, ps++) {
			bf[pb - s->lo] = (struct fate){ KEEP, ps };
			sf[ps - slo] = (struct fate){ KEEP, pb };
		}
		if (k == nh)
			break;
		for (size_t j = h[k].c; j < h[k].d; j++)
			sf[j - slo] = (struct fate){ ADDED, 0 };
		for (size_t i = h[k].a; i < h[k].b; i++) {
			bf[i - s->lo] = (struct fate){ DROP, 0 };
			for (size_t j = h[k].c; j < h[k].d; j++)
				if (sf[j - slo].what == ADDED &&
				    strcmp(side->v[j].key, base->v[i].key) == 0) {
					bf[i - s->lo] = (struct fate){ REPLACE, j };
					sf[j - slo] = (struct fate){ REPLACE, i };
					break;
				}
		}
		pb = h[k].b;
		ps = h[k].d;
	}
}

/* A base item ours dropped: theirs' change of it conflicts. */
static int
ours_dropped(struct fmerge *f, const struct fate *tf, size_t i)
{
	const struct item *tv;

	if (tf->what != REPLACE)
		return 0;
	tv = &f->theirs->v[tf->other];
	return put_conflict(f, NULL, 0, &tv, 1, f->b->v[i].key);
}

/* Both sides changed the items of this stretch. */
static int
resolve_items(struct fmerge *f, const struct stretch *s)
{
	struct kith_arena *a = f->o->a;
	size_t nb = s->hi - s->lo, no = s->ohi - s->olo, nt = s->thi - s->tlo;
	struct fate *bo = kith_arena_alloc(a, (nb + 1) * sizeof *bo);
	struct fate *bt = kith_arena_alloc(a, (nb + 1) * sizeof *bt);
	struct fate *of = kith_arena_alloc(a, (no + 1) * sizeof *of);
	struct fate *tf = kith_arena_alloc(a, (nt + 1) * sizeof *tf);
	size_t first = f->n, next_drop = s->lo;
	int rc = 0;

	if (!bo || !bt || !of || !tf)
		return KITH_ERROR;
	fates(bo, of, s, true, f->b, f->ours);
	fates(bt, tf, s, false, f->b, f->theirs);
	for (size_t j = s->olo; j < s->ohi && !rc; j++) {
		const struct item *oi = &f->ours->v[j], *ti;
		const struct fate *o = &of[j - s->olo];
		if (o->what == ADDED) {
			rc = put_item(f, oi);
			continue;
		}
		for (; next_drop < o->other && !rc; next_drop++)
			if (bo[next_drop - s->lo].what == DROP)
				rc = ours_dropped(f, &bt[next_drop - s->lo], next_drop);
		next_drop = o->other + 1;
		const struct fate *t = &bt[o->other - s->lo];
		if (rc)
			break;
		ti = t->what == REPLACE ? &f->theirs->v[t->other] : NULL;
		if (o->what == KEEP)
			rc = t->what == KEEP ? put_item(f, oi) :
				t->what == DROP ? 0 : put_item(f, ti);
		else if (t->what == KEEP || (ti && atom_eq(&oi->atom, &ti->atom)))
			rc = put_item(f, oi);
		else if (ti && word_separator(oi->key))
			rc = put_words(f, &f->b->v[o->other], oi, &ti, 1);
		else
			rc = put_conflict(f, &oi, 1, ti ? &ti : NULL, ti ? 1 : 0,
				oi->key);
	}
	for (; next_drop < s->hi && !rc; next_drop++)
		if (bo[next_drop - s->lo].what == DROP)
			rc = ours_dropped(f, &bt[next_drop - s->lo], next_drop);
	/* what theirs added, unless ours added the same */
	for (size_t j = s->tlo; j < s->thi && !rc; j++) {
		const struct item *ti = &f->theirs->v[j];
		bool dup = false;
		if (tf[j - s->tlo].what != ADDED)
			continue;
		for (size_t e = first; e < f->n && !dup; e++)
			dup = f->v[e].atom && atom_eq(f->v[e].atom, &ti->atom);
		if (!dup)
			rc = put_item(f, ti);
	}
	return rc;
}

static bool
single_valued(const struct fmerge *f, const char *key)
{
	return !known_repeatable(key) && count_key(f->b, key) < 2 &&
		count_key(f->ours, key) < 2 && count_key(f->theirs, key) < 2;
}

/* The items of one side with this key (pointers into the arena). */
static size_t
side_items(const struct item ***out, struct kith_arena *a,
	const struct items *side, const char *key)
{
	size_t n = 0;
	const struct item **v = kith_arena_alloc(a, (side->n + 1) * sizeof *v);

	*out = v;
	if (!v)
		return SIZE_MAX;
	for (size_t i = 0; i < side->n; i++)
		if (strcmp(side->v[i].key, key) == 0)
			v[n++] = &side->v[i];
	return n;
}

/*
 * A single-valued key that ended up with two values (both sides added
 * one): words are merged, anything else is a conflict in place of the
 * first value, and the others go.
 */
static int
check_single(struct fmerge *f)
{
	for (size_t i = 0; i < f->n; i++) {
		const char *key = f->v[i].key;
		const struct item **ov, **tv;
		size_t dup = 0, on, tn, at = f->n, k = i + 1;
		int rc;

		if (f->v[i].conflict || !single_valued(f, key))
			continue;
		for (size_t j = i + 1; j < f->n; j++)
			dup += !f->v[j].conflict && strcmp(f->v[j].key, key) == 0;
		if (!dup)
			continue;
		on = side_items(&ov, f->o->a, f->ours, key);
		tn = side_items(&tv, f->o->a, f->theirs, key);
		if (on == SIZE_MAX || tn == SIZE_MAX)
			return KITH_ERROR;
		if (word_separator(key) && on == 1)
			rc = put_words(f, NULL, ov[0], tv, tn);
		else
			rc = put_conflict(f, ov, on, tv, tn, key);
		if (rc < 0)
			return rc;
		f->v[i] = f->v[at];
		for (size_t j = i + 1; j < at; j++)
			if (f->v[j].conflict || strcmp(f->v[j].key, key) != 0)
				f->v[k++] = f->v[j];
		f->n = k;
	}
	return 0;
}

static int
merge_fields(struct out *o, const struct items *b, const struct items *ours,
	const struct items *theirs)
{
	struct fmerge f = { o, b, ours, theirs, NULL, 0, 0 };
	struct atom *ba, *oa, *ta;
	struct hunks ho, ht;
	struct stretch s;
	int rc;

	if ((rc = item_atoms(&ba, o->a, b)) < 0 ||
	    (rc = item_atoms(&oa, o->a, ours)) < 0 ||
	    (rc = item_atoms(&ta, o->a, theirs)) < 0 ||
	    (rc = diff(&ho, o->a, ba, b->n, oa, ours->n)) < 0 ||
	    (rc = diff(&ht, o->a, ba, b->n, ta, theirs->n)) < 0)
		return rc;
	struct walk w = { &ho, &ht, 0, 0, 0, 0, 0, b->n };
	while (walk_next(&w, &s)) {
		rc = 0;
		if (s.theirs && !s.ours)
			for (size_t j = s.tlo; j < s.thi && !rc; j++)
				rc = put_item(&f, &theirs->v[j]);
		else if (!s.theirs)
			for (size_t j = s.olo; j < s.ohi && !rc; j++)
				rc = put_item(&f, &ours->v[j]);
		else
			rc = resolve_items(&f, &s);
		if (rc < 0)
			return rc;
	}
	if ((rc = check_single(&f)) < 0)
		return rc;
	for (size_t i = 0; i < f.n; i++)
		if ((rc = emit_lines(o, f.v[i].l, f.v[i].nl)) < 0)
			return rc;
	return 0;
}

/* ---- the whole file ---- */

static const char *
eol_of(const struct version *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->lines[i].len > v->lines[i].clen)
			return v->lines[i].len - v->lines[i].clen == 2 ? "\r\n" : "\n";
	return NULL;
}

/*
 * The lines as text, each ended as ours ends its lines (a last line
 * without an ending stays so).
 */
static int
serialise(char **out, size_t *outlen, const struct out *o)
{
	struct kith_buf b = KITH_BUF_INIT;

	for (size_t i = 0; i < o->n; i++) {
		const struct line *l = &o->v[i];
		if (kith_buf_put(&b, l->p, l->clen) < 0 ||
		    ((i + 1 < o->n || l->len > l->clen) &&
		    kith_buf_puts(&b, o->eol) < 0)) {
			kith_buf_free(&b);
			return KITH_ERROR;
		}
	}
	if (kith_buf_put(&b, "", 0) < 0)
		return KITH_ERROR;
	*out = b.ptr;
	*outlen = b.len;
	return 0;
}

int
kith_pmerge(char **out, size_t *outlen, size_t *nconflicts, const char *base,
	size_t blen, const char *ours, size_t olen, const char *theirs,
	size_t tlen)
{
	struct version v[3];
	struct items it[3];
	struct kith_arena *a;
	const char *text[3] = { base ? base : "", ours, theirs };
	size_t len[3] = { base ? blen : 0, olen, tlen };
	struct out o = { 0 };
	int rc;

	*out = NULL;
	*outlen = 0;
	*nconflicts = 0;
	if ((rc = kith_arena_new(&a)) < 0)
		return rc;
	o.a = a;
	for (int i = 0; i < 3; i++) {
		if ((rc = split_lines(&v[i], a, text[i], len[i])) < 0)
			goto out;
		find_regions(&v[i]);
		if ((rc = parse_items(&it[i], a, &v[i])) < 0)
			goto out;
	}
	o.eol = eol_of(&v[1]);
	o.eol = o.eol ? o.eol : eol_of(&v[2]);
	o.eol = o.eol ? o.eol : "\n";
	if ((rc = merge_lines(&o, v[0].lines, v[0].fields, v[1].lines,
	    v[1].fields, v[2].lines, v[2].fields, HOW_MARK)) < 0 ||
	    (rc = merge_fields(&o, &it[0], &it[1], &it[2])) < 0 ||
	    (rc = merge_lines(&o, v[0].lines + v[0].notes, v[0].n - v[0].notes,
	    v[1].lines + v[1].notes, v[1].n - v[1].notes,
	    v[2].lines + v[2].notes, v[2].n - v[2].notes, HOW_KEEP)) < 0 ||
	    (rc = serialise(out, outlen, &o)) < 0)
		goto out;
	*nconflicts = o.conflicts;
out:
	kith_arena_free(a);
	return rc;
}

int
kith_union_merge(char **out, size_t *outlen, const char *base, size_t blen,
	const char *ours, size_t olen, const char *theirs, size_t tlen)
{
	struct version v[3];
	struct kith_arena *a;
	const char *text[3] = { base ? base : "", ours, theirs };
	size_t len[3] = { base ? blen : 0, olen, tlen };
	struct out o = { 0 };
	int rc;

	*out = NULL;
	*outlen = 0;
	if ((rc = kith_arena_new(&a)) < 0)
		return rc;
	o.a = a;
	for (int i = 0; i < 3 && !rc; i++)
		rc = split_lines(&v[i], a, text[i], len[i]);
	if (rc < 0)
		goto out;
	o.eol = eol_of(&v[1]);
	o.eol = o.eol ? o.eol : eol_of(&v[2]);
	o.eol = o.eol ? o.eol : "\n";
	if ((rc = merge_lines(&o, v[0].lines, v[0].n, v[1].lines, v[1].n,
	    v[2].lines, v[2].n, HOW_UNION)) == 0)
		rc = serialise(out, outlen, &o);
out:
	kith_arena_free(a);
	return rc;
}

/* ---- conflict markers ---- */

static bool
marker_line(const char *s, size_t n, char ch)
{
	for (size_t i = 0; i < 7; i++)
		if (i >= n || s[i] != ch)
			return false;
	return n == 7 || s[7] == ' ' || s[7] == '\r';
}

int
kith_conflict_markers(const char *text, size_t len)
{
	int line = 1;

	for (size_t i = 0; i < len; line++) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - text) - i : len - i;
		if (marker_line(text + i, n, '<') || marker_line(text + i, n, '>'))
			return line;
		i += n + 1;
	}
	return 0;
}
