/*
 * chunk.c - a file's parse as bytes, for the index (lib/index.c).
 *
 * The index keeps what the parser made of each file, before mentions are
 * resolved, so that reading it back needs no cmark: a person file is one
 * chunk (the person, its dated notes, mentions and follow-ups), a journal
 * day one chunk per entry (the entry, its follow-ups and mentions). A
 * journal entry's text is not kept: it is the file's lines line..end_line,
 * and the loader cuts it from the file when a command needs it.
 *
 * The bytes are varints (LEB128; signed ones zigzagged) and strings as a
 * varint length + 1 (0 for NULL), the bytes and a NUL. Reading does not
 * copy: strings point into the bytes, which must outlive the model. It
 * checks every length against the end: a damaged chunk is KITH_ERROR,
 * never a crash.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- writing ---- */

int
kith_put_uv(struct kith_buf *b, uint64_t v)
{
	if (v < 0x80 && b->len + 2 <= b->cap) {
		/* most are one byte, and the buffer has room */
		b->ptr[b->len++] = (char)v;
		b->ptr[b->len] = '\0';
		return 0;
	}
	unsigned char t[10];
	size_t n = 0;

	do {
		t[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= 0x80;
		n++;
	} while (v);
	return kith_buf_put(b, t, n);
}

int
kith_put_sv(struct kith_buf *b, int64_t v)
{
	return kith_put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

int
kith_put_str(struct kith_buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (kith_put_uv(b, s ? n + 1 : 0) < 0)
		return KITH_ERROR;
	/* with its NUL, so that a reader can point into the bytes */
	return s ? kith_buf_put(b, s, n + 1) : 0;
}

static int
put_strs(struct kith_buf *b, const char *const *v, size_t n)
{
	if (kith_put_uv(b, n) < 0)
		return KITH_ERROR;
	for (size_t i = 0; i < n; i++)
		if (kith_put_str(b, v[i]) < 0)
			return KITH_ERROR;
	return 0;
}

/* Index of x in v[0..n), or -1. */
static int64_t
index_of(void *const *v, size_t n, const void *x)
{
	for (size_t i = 0; x && i < n; i++)
		if (v[i] == x)
			return (int64_t)i;
	return -1;
}

static int
put_person(struct kith_buf *b, const struct kith_person *p)
{
	int rc = 0;

	rc |= kith_put_str(b, p->slug);
	rc |= kith_put_str(b, p->name);
	rc |= kith_put_uv(b, p->has_name);
	rc |= kith_put_uv(b, (uint64_t)p->name_line);
	rc |= kith_put_uv(b, p->nfields);
	for (size_t i = 0; i < p->nfields; i++) {
		rc |= kith_put_str(b, p->fields[i].key);
		rc |= kith_put_str(b, p->fields[i].value);
		rc |= kith_put_uv(b, (uint64_t)p->fields[i].line);
	}
	rc |= kith_put_uv(b, (uint64_t)p->fields_end_line);
	rc |= put_strs(b, p->aliases, p->naliases);
	rc |= put_strs(b, p->tags, p->ntags);
	rc |= kith_put_str(b, p->every);
	return rc ? KITH_ERROR : 0;
}

int
kith_chunk_write(struct kith_buf *b, const struct kith_chunk *c)
{
	int rc = 0;

	rc |= kith_put_uv(b, c->person ? 1 : 0);
	if (c->person)
		rc |= put_person(b, c->person);
	rc |= kith_put_uv(b, c->nentries);
	for (size_t i = 0; i < c->nentries; i++) {
		const struct kith_entry *e = c->entries[i];
		rc |= kith_put_uv(b, (e->kind == KITH_ENTRY_NOTE ? 1u : 0u) |
			(e->heading ? 2u : 0u));
		rc |= kith_put_sv(b, e->date);
		rc |= kith_put_sv(b, e->time);
		rc |= kith_put_str(b, e->title);
		rc |= kith_put_uv(b, (uint64_t)e->line);
		rc |= kith_put_uv(b, (uint64_t)e->end_line);
		rc |= kith_put_uv(b, e->off);
		rc |= kith_put_uv(b, e->end);
		rc |= kith_put_str(b, e->kind == KITH_ENTRY_JOURNAL ? NULL : e->text);
		rc |= kith_put_uv(b, e->owner && e->owner == c->person);
		rc |= put_strs(b, e->tags, e->ntags);
	}
	rc |= kith_put_uv(b, c->nfollowups);
	for (size_t i = 0; i < c->nfollowups; i++) {
		const struct kith_followup *f = c->followups[i];
		rc |= kith_put_str(b, f->text);
		rc |= kith_put_uv(b, f->done);
		rc |= kith_put_sv(b, f->due);
		rc |= kith_put_uv(b, (uint64_t)f->line);
		rc |= kith_put_uv(b, f->box_off);
		rc |= kith_put_sv(b, index_of((void *const *)c->entries, c->nentries, f->entry));
		rc |= kith_put_uv(b, f->in_person && f->in_person == c->person);
	}
	rc |= kith_put_uv(b, c->nmentions);
	for (size_t i = 0; i < c->nmentions; i++) {
		const struct kith_mention *m = c->mentions[i];
		rc |= kith_put_uv(b, m->kind);
		rc |= kith_put_str(b, m->raw);
		rc |= kith_put_str(b, m->target);
		rc |= kith_put_str(b, m->key); /* folded, when resolved already */
		rc |= kith_put_uv(b, (uint64_t)m->line);
		rc |= kith_put_uv(b, m->off == SIZE_MAX ? 0 : (uint64_t)m->off + 1);
		rc |= kith_put_sv(b, index_of((void *const *)c->entries, c->nentries, m->entry));
		rc |= kith_put_sv(b, index_of((void *const *)c->followups, c->nfollowups, m->followup));
		rc |= kith_put_uv(b, m->in_person && m->in_person == c->person);
		rc |= kith_put_uv(b, m->in_open_followup);
	}
	return rc ? kith_error_set(KITH_ERROR, "out of memory") : 0;
}

/* ---- reading ---- */

#define get_uv kith_get_uv
#define get_sv kith_get_sv
#define get_int kith_get_int
#define get_count kith_get_count
#define get_str kith_get_str
#define get_sstr kith_get_sstr

static const char **
get_strs(struct kith_dec *r, size_t *n)
{
	const char **v;

	*n = get_count(r, 1);
	if (!*n)
		return NULL;
	if (!(v = kith_arena_alloc(r->a, *n * sizeof *v))) {
		r->bad = true;
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++)
		v[i] = get_sstr(r);
	return v;
}

static void
get_person(struct kith_dec *r, struct kith_person *p, const char *path)
{
	p->path = path;
	p->slug = get_sstr(r);
	p->name = get_sstr(r);
	p->has_name = get_uv(r) != 0;
	p->name_line = get_int(r);
	p->nfields = get_count(r, 3);
	if (p->nfields && !(p->fields = kith_arena_alloc(r->a,
	    p->nfields * sizeof *p->fields))) {
		r->bad = true;
		p->nfields = 0;
	}
	for (size_t i = 0; i < p->nfields; i++) {
		p->fields[i].key = get_sstr(r);
		p->fields[i].value = get_sstr(r);
		p->fields[i].line = get_int(r);
	}
	p->fields_end_line = get_int(r);
	p->aliases = get_strs(r, &p->naliases);
	p->tags = get_strs(r, &p->ntags);
	p->every = get_str(r);
	p->last = KITH_NODATE;
}

/* The i-th of v[0..n) for a stored index, NULL for -1. */
static void *
get_ref(struct kith_dec *r, void *const *v, size_t n)
{
	int64_t i = get_sv(r);

	if (i < -1 || i >= (int64_t)n) {
		r->bad = true;
		return NULL;
	}
	return i < 0 ? NULL : v[i];
}

int
kith_chunk_read_person(struct kith_model *m, const char *path,
	const void *data, size_t len, struct kith_person **out)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, m->arena, false };
	struct kith_person *p;

	*out = NULL;
	if (!get_uv(&r))
		return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index has no person", path);
	if (!(p = kith_model_new_person(m)))
		return KITH_ERROR;
	get_person(&r, p, path);
	if (r.bad)
		return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
	*out = p;
	return 0;
}

/* What of a chunk to read: whole, without follow-ups and mentions, or
 * without entries and mentions (their counts kept). What is left out at
 * the end of the bytes is not read at all. */
enum part { WHOLE, BARE, FOLLOWUPS };

/* An entry's head: kind, date, time, title, lines and bytes (no path). */
static void
get_head(struct kith_dec *r, struct kith_entry *e)
{
	uint64_t kind = get_uv(r);

	e->kind = kind & 1 ? KITH_ENTRY_NOTE : KITH_ENTRY_JOURNAL;
	e->heading = (kind & 2) != 0;
	e->date = (kith_date)get_sv(r);
	e->time = (int)get_sv(r);
	e->title = get_sstr(r);
	e->line = get_int(r);
	e->end_line = get_int(r);
	e->off = (size_t)get_uv(r);
	e->end = (size_t)get_uv(r);
}

/* Past the rest of an entry after its head: text, owner, tags. */
static void
skip_tail(struct kith_dec *r)
{
	(void)get_str(r);
	(void)get_uv(r);
	for (size_t k = get_count(r, 1); k > 0 && !r->bad; k--)
		(void)get_sstr(r);
}

static int
read_chunk(struct kith_model *m, const char *path, const void *data,
	size_t len, struct kith_chunk *out, enum part part)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, m->arena, false };
	struct kith_chunk c = { 0 };
	struct kith_person *p = NULL;

	if (get_uv(&r)) {
		if (!(p = kith_model_new_person(m)))
			return KITH_ERROR;
		get_person(&r, p, path);
		c.person = p;
	}
	c.nentries = get_count(&r, 8);
	if (part == FOLLOWUPS) {
		for (size_t i = 0; i < c.nentries && !r.bad; i++) {
			struct kith_entry h;
			get_head(&r, &h);
			skip_tail(&r);
		}
	} else if (c.nentries && !(c.entries = kith_arena_alloc(m->arena,
	    c.nentries * sizeof *c.entries))) {
		return KITH_ERROR;
	}
	for (size_t i = 0; part != FOLLOWUPS && i < c.nentries && !r.bad; i++) {
		struct kith_entry *e = kith_model_new_entry(m);
		if (!e)
			return KITH_ERROR;
		get_head(&r, e);
		e->path = path;
		e->text = get_str(&r);
		e->owner = get_uv(&r) ? p : NULL;
		e->tags = get_strs(&r, &e->ntags);
		c.entries[i] = e;
	}
	if (part == BARE) {
		/*
		 * The follow-ups and mentions, the rest of the bytes, are not
		 * looked at: damage there cannot change what is read.
		 */
		if (r.bad)
			return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
		if (out)
			*out = c;
		return 0;
	}
	c.nfollowups = get_count(&r, 7);
	if (c.nfollowups && !(c.followups = kith_arena_alloc(m->arena,
	    c.nfollowups * sizeof *c.followups)))
		return KITH_ERROR;
	for (size_t i = 0; i < c.nfollowups && !r.bad; i++) {
		struct kith_followup *f = kith_arena_alloc(m->arena, sizeof *f);
		if (!f || kith_model_push_followup(m, f) < 0)
			return KITH_ERROR;
		f->path = path;
		f->text = get_sstr(&r);
		f->done = get_uv(&r) != 0;
		f->due = (kith_date)get_sv(&r);
		f->line = get_int(&r);
		f->box_off = (size_t)get_uv(&r);
		if (part == FOLLOWUPS) {
			int64_t x = get_sv(&r);
			if (x < -1 || x >= (int64_t)c.nentries)
				r.bad = true;
			f->entry = NULL; /* not read */
		} else {
			f->entry = get_ref(&r, (void *const *)c.entries, c.nentries);
		}
		f->in_person = get_uv(&r) ? p : NULL;
		c.followups[i] = f;
	}
	c.nmentions = get_count(&r, 8);
	if (part == FOLLOWUPS) {
		/* the mentions, the rest of the bytes: counted, not read */
		if (r.bad)
			return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
		if (out)
			*out = c;
		return 0;
	}
	if (c.nmentions && !(c.mentions = kith_arena_alloc(m->arena,
	    c.nmentions * sizeof *c.mentions)))
		return KITH_ERROR;
	for (size_t i = 0; i < c.nmentions && !r.bad; i++) {
		struct kith_mention *mn = kith_arena_alloc(m->arena, sizeof *mn);
		uint64_t off;
		if (!mn || kith_model_push_mention(m, mn) < 0)
			return KITH_ERROR;
		mn->path = path;
		mn->kind = get_uv(&r) ? KITH_MENTION_WIKI : KITH_MENTION_AT;
		mn->raw = get_sstr(&r);
		mn->target = get_sstr(&r);
		mn->key = get_str(&r);
		mn->line = get_int(&r);
		off = get_uv(&r);
		mn->off = off ? (size_t)(off - 1) : SIZE_MAX;
		mn->entry = get_ref(&r, (void *const *)c.entries, c.nentries);
		mn->followup = get_ref(&r, (void *const *)c.followups, c.nfollowups);
		mn->in_person = get_uv(&r) ? p : NULL;
		mn->in_open_followup = get_uv(&r) != 0;
		c.mentions[i] = mn;
	}
	if (r.bad || r.p != r.end)
		return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
	if (out)
		*out = c;
	return 0;
}

int
kith_chunk_read(struct kith_model *m, const char *path, const void *data,
	size_t len, struct kith_chunk *out)
{
	return read_chunk(m, path, data, len, out, WHOLE);
}

int
kith_chunk_read_bare(struct kith_model *m, const char *path, const void *data,
	size_t len, struct kith_chunk *out)
{
	return read_chunk(m, path, data, len, out, BARE);
}

int
kith_chunk_read_followups(struct kith_model *m, const char *path,
	const void *data, size_t len, struct kith_chunk *out)
{
	return read_chunk(m, path, data, len, out, FOLLOWUPS);
}

/*
 * The head of the eidx-th entry of a journal day's chunk: its date, time,
 * title, lines and bytes, with no text, tags, mentions or follow-ups. The
 * title is copied into m's arena, so data may be only the chunk's first
 * bytes: 1 when they end too soon (or are damaged: read them all and see).
 */
int
kith_chunk_read_head(struct kith_model *m, const char *path, const void *data,
	size_t len, size_t eidx, struct kith_entry **out)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, m->arena, false };
	struct kith_entry h = { 0 };
	size_t n;

	*out = NULL;
	if (get_uv(&r) != 0) /* a person's file */
		return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
	n = get_uv(&r);
	for (size_t i = 0; i <= eidx && i < n && !r.bad; i++) {
		get_head(&r, &h);
		if (i < eidx)
			skip_tail(&r);
	}
	if (r.bad)
		return 1;
	if (eidx >= n || h.kind != KITH_ENTRY_JOURNAL)
		return kith_error_set(KITH_ERROR, "a chunk of '%s' in the index is damaged", path);
	struct kith_entry *e = kith_model_new_entry(m);
	if (!e || !(h.title = kith_arena_strdup(m->arena, h.title)))
		return KITH_ERROR;
	h.path = path;
	*e = h;
	*out = e;
	return 0;
}
