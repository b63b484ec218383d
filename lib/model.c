/*
 * model.c - the one loader every read command goes through: people and
 * journal days in, mentions resolved to people, interactions and the last
 * contact of each person computed.
 *
 * Mentions resolve by DESIGN.md's rules: @x by slug, then alias; [[x]] by
 * slug, then name, then alias; names and aliases case- and accent-folded.
 * Several people at the first level that matches: ambiguous, never a guess.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "internal.h"



/* ---- building ---- */

int
kith_model_new(struct kith_model **out)
{
	struct kith_model *m = calloc(1, sizeof *m);

	*out = NULL;
	if (!m || !(m->build = calloc(1, sizeof *m->build)) ||
	    kith_arena_new(&m->arena) < 0) {
		if (m)
			free(m->build);
		free(m);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	*out = m;
	return 0;
}

void
kith_model_free(struct kith_model *m)
{
	if (!m)
		return;
	if (m->build) {
		kith_ptrvec_free(&m->build->people);
		kith_ptrvec_free(&m->build->entries);
		kith_ptrvec_free(&m->build->mentions);
		kith_ptrvec_free(&m->build->followups);
		kith_ptrvec_free(&m->build->warnings);
		for (size_t i = 0; i < m->build->blobs.n; i++)
			free(m->build->blobs.v[i]);
		kith_ptrvec_free(&m->build->blobs);
		for (size_t i = 0; i < m->build->maps.n; i++)
			kith_map_free(m->build->maps.v[i]);
		kith_ptrvec_free(&m->build->maps);
		for (size_t i = 0; i < m->build->arenas.n; i++)
			kith_arena_free(m->build->arenas.v[i]);
		kith_ptrvec_free(&m->build->arenas);
		free(m->build->names);
		free(m->build->aliases);
		free(m->build->tag_counts);
		kith_later_free(m->build->later);
		free(m->build);
	}
	kith_arena_free(m->arena);
	free(m);
}

struct kith_arena *
kith_model_arena(struct kith_model *m)
{
	return m->arena;
}

struct kith_person *
kith_model_new_person(struct kith_model *m)
{
	struct kith_person *p = kith_arena_alloc(m->arena, sizeof *p);

	if (p && kith_ptrvec_push(&m->build->people, p) < 0)
		return NULL;
	return p;
}

struct kith_entry *
kith_model_new_entry(struct kith_model *m)
{
	struct kith_entry *e = kith_arena_alloc(m->arena, sizeof *e);

	if (e && kith_ptrvec_push(&m->build->entries, e) < 0)
		return NULL;
	return e;
}

int
kith_model_push_mention(struct kith_model *m, struct kith_mention *mn)
{
	return kith_ptrvec_push(&m->build->mentions, mn);
}

int
kith_model_push_followup(struct kith_model *m, struct kith_followup *f)
{
	return kith_ptrvec_push(&m->build->followups, f);
}

char *
kith_lower(struct kith_arena *a, const char *s, size_t len)
{
	struct kith_buf b = KITH_BUF_INIT;
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)s;
	utf8proc_ssize_t i = 0, n = (utf8proc_ssize_t)len;
	char *r = NULL;
	size_t ascii = 0;

	/* ASCII (most tags and keys) by hand */
	while (ascii < len && (unsigned char)s[ascii] < 0x80)
		ascii++;
	if (ascii == len) {
		if ((r = kith_arena_alloc(a, len + 1))) {
			for (size_t j = 0; j < len; j++)
				r[j] = s[j] >= 'A' && s[j] <= 'Z' ? (char)(s[j] + 'a' - 'A') : s[j];
			r[len] = '\0';
		}
		return r;
	}
	while (i < n) {
		utf8proc_int32_t c;
		utf8proc_uint8_t enc[4];
		utf8proc_ssize_t k = utf8proc_iterate(u + i, n - i, &c);
		if (k <= 0)
			goto out;
		i += k;
		k = utf8proc_encode_char(utf8proc_tolower(c), enc);
		if (kith_buf_put(&b, enc, (size_t)k) < 0)
			goto out;
	}
	r = kith_arena_strndup(a, kith_buf_cstr(&b), b.len);
out:
	kith_buf_free(&b);
	return r;
}

/* Folded copy in the arena, or NULL. */
static const char *
fold(struct kith_arena *a, const char *s, size_t n)
{
	char *f = NULL, *r;

	if (kith_fold(&f, s, n) < 0)
		return NULL;
	r = kith_arena_strdup(a, f);
	free(f);
	return r;
}

/* ---- lookups ---- */

static int
cmp_key(const void *a, const void *b)
{
	const struct kith_model_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return strcmp(x->person->slug, y->person->slug);
}

static int
cmp_person(const void *a, const void *b)
{
	const struct kith_person *x = *(struct kith_person *const *)a;
	const struct kith_person *y = *(struct kith_person *const *)b;

	return strcmp(x->slug, y->slug);
}

/* The people whose key equals k: *n of them from the returned one on. */
static const struct kith_model_key *
key_range(const struct kith_model_key *keys, size_t nkeys, const char *k, size_t *n)
{
	size_t lo = 0, hi = nkeys;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(keys[mid].key, k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*n = 0;
	while (lo + *n < nkeys && !strcmp(keys[lo + *n].key, k))
		++*n;
	return keys + lo;
}

struct kith_person *
kith_model_by_slug(const struct kith_model *m, const char *slug)
{
	size_t lo = 0, hi = m->npeople;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->people[mid]->slug, slug);
		if (!c)
			return m->people[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Distinct people in a key range (a person with two equal aliases once). */
static size_t
distinct(const struct kith_model_key *k, size_t n)
{
	size_t d = 0;

	for (size_t i = 0; i < n; i++)
		if (!i || k[i].person != k[i - 1].person)
			d++;
	return d;
}

/* Resolve a folded target. */
static int
resolve_key(struct kith_person **out, struct kith_model *m,
	enum kith_mention_kind kind, const char *f)
{
	struct kith_model_build *b = m->build;
	const struct kith_model_key *k;
	size_t n;
	int rc = KITH_ENOTFOUND;

	*out = NULL;
	if ((*out = kith_model_by_slug(m, f))) {
		rc = 0;
		goto out;
	}
	if (kind == KITH_MENTION_WIKI) {
		k = key_range(b->names, b->nnames, f, &n);
		if (n) {
			rc = distinct(k, n) == 1 ? 0 : KITH_EAMBIGUOUS;
			*out = rc ? NULL : k->person;
			goto out;
		}
	}
	k = key_range(b->aliases, b->naliases, f, &n);
	if (n) {
		rc = distinct(k, n) == 1 ? 0 : KITH_EAMBIGUOUS;
		*out = rc ? NULL : k->person;
	}
out:
	return rc;
}

/* A key's resolution, remembered while the model's keys stay as they are. */
struct memo {
	const char *key; /* NULL: a free slot */
	uint32_t hash;
	enum kith_mention_kind kind;
	int rc;
	struct kith_person *person;
	const char *folded; /* in the table of folds: key (a target) folded */
	/* and there, what the fold resolves to as either kind, once known */
	bool have[2];
	int rcs[2];
	struct kith_person *people[2];
};
_Static_assert(KITH_MENTION_AT == 0 && KITH_MENTION_WIKI == 1, "a memo's two kinds");

/* memo at twice its size, or 256 (NULL, memo freed, when out of memory). */
static struct memo *
memo_grow(struct memo *memo, size_t *cap)
{
	size_t ncap = *cap ? 2 * *cap : 256;
	struct memo *v = calloc(ncap, sizeof *v);

	for (size_t i = 0; v && i < *cap; i++) {
		if (!memo[i].key)
			continue;
		size_t j = memo[i].hash & (ncap - 1);
		while (v[j].key)
			j = (j + 1) & (ncap - 1);
		v[j] = memo[i];
	}
	free(memo);
	*cap = ncap;
	return v;
}

/* The slot of (kind, key) in memo (cap a power of two, never full). */
static struct memo *
memo_slot(struct memo *memo, size_t cap, enum kith_mention_kind kind, const char *key)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	for (const unsigned char *c = (const unsigned char *)key; *c; c++)
		h = (h ^ *c) * 16777619u;
	for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
		struct memo *e = &memo[i];
		if (!e->key) {
			e->hash = h;
			e->kind = kind;
			return e;
		}
		if (e->hash == h && e->kind == kind && !strcmp(e->key, key))
			return e;
	}
}

/* ---- folding ahead, on the index's parsing threads ---- */

/* A target and its fold, both in the table's arena (key NULL: free). */
struct fold {
	const char *key, *folded;
	uint32_t hash;
};

struct kith_folds {
	struct fold *v;
	size_t cap, n; /* cap a power of two, never more than half full */
	struct kith_arena *a;
};

void
kith_folds_free(struct kith_folds *fc)
{
	if (fc) {
		free(fc->v);
		kith_arena_free(fc->a);
		free(fc);
	}
}

static uint32_t
hash_target(const char *s)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		h = (h ^ *c) * 16777619u;
	return h;
}

/* Twice the room (or 1,024 slots), the folds where they hash to. */
static int
folds_grow(struct kith_folds *fc)
{
	size_t nc = fc->cap ? 2 * fc->cap : 1024;
	struct fold *v = calloc(nc, sizeof *v);

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < fc->cap; i++) {
		if (!fc->v[i].key)
			continue;
		size_t j = fc->v[i].hash & (nc - 1);
		while (v[j].key)
			j = (j + 1) & (nc - 1);
		v[j] = fc->v[i];
	}
	free(fc->v);
	fc->v = v;
	fc->cap = nc;
	return 0;
}

int
kith_model_fold_keys(struct kith_model *m, struct kith_folds **fcp)
{
	struct kith_model_build *b = m->build;
	struct kith_folds *fc = *fcp;

	if (!fc) {
		if (!(fc = calloc(1, sizeof *fc)))
			return kith_error_set(KITH_ERROR, "out of memory");
		if (kith_arena_new(&fc->a) < 0) {
			free(fc);
			return KITH_ERROR;
		}
		*fcp = fc;
	}
	for (size_t i = 0; i < b->mentions.n; i++) {
		struct kith_mention *mn = b->mentions.v[i];
		if (mn->key)
			continue;
		if (2 * (fc->n + 1) > fc->cap && folds_grow(fc) < 0)
			return KITH_ERROR;
		uint32_t h = hash_target(mn->target);
		size_t k = h & (fc->cap - 1);
		while (fc->v[k].key && (fc->v[k].hash != h || strcmp(fc->v[k].key, mn->target)))
			k = (k + 1) & (fc->cap - 1);
		struct fold *f = &fc->v[k];
		if (!f->key) {
			const char *fk = fold(fc->a, mn->target, strlen(mn->target));
			const char *t = fk ? kith_arena_strdup(fc->a, mn->target) : NULL;
			if (!t)
				continue; /* left to the finish, which fails alike */
			*f = (struct fold){ t, fk, h };
			fc->n++;
		}
		mn->key = f->folded;
	}
	return 0;
}

int
kith_model_resolve_key(struct kith_person **out, struct kith_model *m,
	enum kith_mention_kind kind, const char *key)
{
	return resolve_key(out, m, kind, key);
}

int
kith_model_resolve(struct kith_person **out, struct kith_model *m,
	enum kith_mention_kind kind, const char *target, size_t len)
{
	char *f = NULL;
	int rc;

	*out = NULL;
	if (kith_fold(&f, target, len) < 0)
		return KITH_ENOTFOUND;
	rc = resolve_key(out, m, kind, f);
	free(f);
	return rc;
}

static int
build_keys(struct kith_model *m)
{
	struct kith_model_build *b = m->build;
	size_t na = 0;

	for (size_t i = 0; i < m->npeople; i++)
		na += m->people[i]->naliases;
	free(b->names);
	free(b->aliases);
	b->nnames = b->naliases = 0;
	b->names = malloc((m->npeople + 1) * sizeof *b->names);
	b->aliases = malloc((na + 1) * sizeof *b->aliases);
	if (!b->names || !b->aliases)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		const char *f;
		p->fold = p->slug; /* a slug folds to itself */
		if (p->has_name) {
			if (!(f = fold(m->arena, p->name, strlen(p->name))))
				return KITH_ERROR;
			b->names[b->nnames++] = (struct kith_model_key){ f, p };
			p->fold = f;
		}
		for (size_t j = 0; j < p->naliases; j++) {
			if (!(f = fold(m->arena, p->aliases[j], strlen(p->aliases[j]))))
				return KITH_ERROR;
			b->aliases[b->naliases++] = (struct kith_model_key){ f, p };
		}
	}
	kith_sort(b->names, b->nnames, sizeof *b->names, cmp_key);
	kith_sort(b->aliases, b->naliases, sizeof *b->aliases, cmp_key);
	return 0;
}

/* ---- finishing: interactions ---- */

/* Append p to the set people[0..*n) (capacity cap) unless there. */
static void
set_add(struct kith_person **people, size_t *n, struct kith_person *p)
{
	for (size_t i = 0; i < *n; i++)
		if (people[i] == p)
			return;
	people[(*n)++] = p;
}

static struct kith_person **
copy_people(struct kith_arena *a, struct kith_person **v, size_t n)
{
	struct kith_person **out;

	if (!n)
		return NULL;
	if ((out = kith_arena_alloc(a, n * sizeof *out)))
		memcpy(out, v, n * sizeof *out);
	return out;
}

/* An entry's people: interactions, and those mentioned outside follow-ups. */
static int
entry_people(struct kith_model *m, struct kith_mention **ms, size_t n,
	struct kith_person **tmp)
{
	struct kith_entry *e = ms[0]->entry;
	size_t ni = 0, no = 0;

	if (e->kind == KITH_ENTRY_NOTE)
		return 0;
	for (size_t i = 0; i < e->npeople; i++)
		set_add(tmp, &ni, e->people[i]);
	for (size_t i = 0; i < n; i++)
		if (ms[i]->person && !ms[i]->in_open_followup)
			set_add(tmp, &ni, ms[i]->person);
	if (!(e->people = copy_people(m->arena, tmp, ni)) && ni)
		return KITH_ERROR;
	e->npeople = ni;
	for (size_t i = 0; i < e->nmentioned; i++)
		set_add(tmp, &no, e->mentioned[i]);
	for (size_t i = 0; i < n; i++)
		if (ms[i]->person && !ms[i]->followup)
			set_add(tmp, &no, ms[i]->person);
	if (!(e->mentioned = copy_people(m->arena, tmp, no)) && no)
		return KITH_ERROR;
	e->nmentioned = no;
	return 0;
}

static int
followup_people(struct kith_model *m, struct kith_person **tmp, size_t from)
{
	struct kith_mention **ms = m->mentions;

	/* A follow-up's mentions come in runs (a nested follow-up splits one). */
	for (size_t i = from, j; i < m->nmentions; i = j) {
		struct kith_followup *f = ms[i]->followup;
		size_t n = 0;

		for (j = i; j < m->nmentions && ms[j]->followup == f; j++)
			;
		if (!f)
			continue;
		for (size_t k = 0; k < f->npeople; k++)
			tmp[n++] = f->people[k];
		for (size_t k = i; k < j; k++)
			if (ms[k]->person)
				set_add(tmp, &n, ms[k]->person);
		/* Non-NULL even when empty: it mentioned someone unknown. */
		if (!(f->people = kith_arena_alloc(m->arena, (n + 1) * sizeof *tmp)))
			return KITH_ERROR;
		memcpy(f->people, tmp, n * sizeof *tmp);
		f->npeople = n;
	}
	/* Mentioning nobody: the entry's people, or the person whose file. */
	for (size_t i = 0; i < m->nfollowups; i++) {
		struct kith_followup *f = m->followups[i];
		struct kith_entry *e = f->entry;

		if (f->people)
			continue;
		if (e && e->kind == KITH_ENTRY_JOURNAL) {
			f->people = e->mentioned;
			f->npeople = e->nmentioned;
		} else if (f->in_person) {
			if (!(f->people = kith_arena_alloc(m->arena, sizeof *f->people)))
				return KITH_ERROR;
			f->people[0] = f->in_person;
			f->npeople = 1;
		}
	}
	return 0;
}

int
kith_entry_order(const struct kith_entry *x, const struct kith_entry *y)
{
	int c;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if ((c = strcmp(x->path, y->path)))
		return c;
	return x->line - y->line;
}

static int
cmp_entry(const void *a, const void *b)
{
	return kith_entry_order(*(struct kith_entry *const *)a,
		*(struct kith_entry *const *)b);
}

/*
 * Sort entries. The index loads them file by file, a day to a file, so
 * sorting each day's run and then looking is most often all it takes
 * (a full sort of 26,700 entries costs 20M instructions).
 */
static void
sort_entries(struct kith_entry **v, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && v[j]->date == v[i]->date; j++)
			;
		if (j - i > 1)
			kith_sort(v + i, j - i, sizeof *v, cmp_entry);
	}
	/*
	 * Then most often one run holds nearly all (the days, file after
	 * file) and the rest are a few (the people's notes): sort those and
	 * merge them in, rather than sort everything again.
	 */
	size_t best = 0, blen = n;
	for (size_t i = 0, j; n && i < n; i = j) {
		for (j = i + 1; j < n && cmp_entry(&v[j - 1], &v[j]) <= 0; j++)
			;
		if (j - i == n)
			return;
		if (i == 0 || j - i > blen) {
			best = i;
			blen = j - i;
		}
	}
	size_t k = n - blen;
	struct kith_entry **t = n && k <= n / 2 ? malloc(n * sizeof *t) : NULL;
	if (!t) {
		kith_sort(v, n, sizeof *v, cmp_entry);
		return;
	}
	memcpy(t, v, best * sizeof *t);
	memcpy(t + best, v + best + blen, (n - best - blen) * sizeof *t);
	kith_sort(t, k, sizeof *t, cmp_entry);
	memcpy(t + k, v + best, blen * sizeof *t);
	for (size_t i = 0, j = k, o = 0; o < n; o++)
		v[o] = j == n || (i < k && cmp_entry(&t[i], &t[j]) <= 0) ? t[i++] : t[j++];
	free(t);
}

static int
interactions(struct kith_model *m)
{
	for (size_t i = 0; i < m->npeople; i++) {
		m->people[i]->ninteractions = 0;
		m->people[i]->interactions = NULL;
	}
	for (size_t i = 0; i < m->nentries; i++) {
		struct kith_entry *e = m->entries[i];
		if (e->kind == KITH_ENTRY_NOTE && e->owner && !e->npeople) {
			if (!(e->people = kith_arena_alloc(m->arena, sizeof *e->people)))
				return KITH_ERROR;
			e->people[0] = e->owner;
			e->npeople = 1;
		}
		for (size_t j = 0; j < e->npeople; j++)
			e->people[j]->ninteractions++;
	}
	for (size_t i = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		if (p->ninteractions &&
		    !(p->interactions = kith_arena_alloc(m->arena,
		    p->ninteractions * sizeof *p->interactions)))
			return KITH_ERROR;
		p->ninteractions = 0;
	}
	/* Entries are sorted oldest first: fill from the back, newest first. */
	for (size_t i = m->nentries; i-- > 0;) {
		struct kith_entry *e = m->entries[i];
		for (size_t j = 0; j < e->npeople; j++) {
			struct kith_person *p = e->people[j];
			p->interactions[p->ninteractions++] = e;
		}
	}
	for (size_t i = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		p->last = p->ninteractions ? p->interactions[0]->date : KITH_NODATE;
		p->latest = p->ninteractions ? p->interactions[0] : NULL;
		p->count = p->ninteractions;
	}
	return 0;
}

int
kith_model_prepare(struct kith_model *m)
{
	struct kith_model_build *b = m->build;

	m->people = (struct kith_person **)b->people.v;
	m->npeople = b->people.n;
	if (b->keys_ready)
		return 0;
	kith_sort(m->people, m->npeople, sizeof *m->people, cmp_person);
	return build_keys(m);
}

int
kith_model_finish(struct kith_model *m)
{
	return kith_model_finish_rest(m, 0);
}

int
kith_model_finish_rest(struct kith_model *m, size_t from)
{
	struct kith_model_build *b = m->build;
	struct kith_person **tmp = NULL;
	int rc = KITH_ERROR;

	m->people = (struct kith_person **)b->people.v;
	m->npeople = b->people.n;
	m->entries = (struct kith_entry **)b->entries.v;
	m->nentries = b->entries.n;
	m->mentions = (struct kith_mention **)b->mentions.v;
	m->nmentions = b->mentions.n;
	m->followups = (struct kith_followup **)b->followups.v;
	m->nfollowups = b->followups.n;
	m->warnings = (const char **)b->warnings.v;
	m->nwarnings = b->warnings.n;
	if (!b->keys_ready) {
		kith_sort(m->people, m->npeople, sizeof *m->people, cmp_person);
		if (build_keys(m) < 0)
			goto out;
	}
	/* Most mentions name someone named before: look each key up once. */
	size_t mcap = 256, mused = 0, fcap = 0, fused = 0;
	/* grown as keys come: a few thousand for 100,000 mentions */
	struct memo *memo = calloc(mcap, sizeof *memo);
	/*
	 * And fold each target once (utf8proc: ~2,000 instructions a name),
	 * when there is any to fold: the index keeps the keys folded.
	 */
	struct memo *folds = NULL;
	bool nofolds = false;
	for (size_t i = from; i < m->nmentions; i++) {
		struct kith_mention *mn = m->mentions[i];
		int r = KITH_ENOTFOUND;
		mn->person = NULL;
		struct memo *f = NULL;
		if (!mn->key) {
			if (!nofolds && 2 * (fused + 1) > fcap)
				nofolds = !(folds = memo_grow(folds, &fcap));
			f = folds ? memo_slot(folds, fcap, KITH_MENTION_AT, mn->target) : NULL;
			if (f && f->key) {
				mn->key = f->folded;
			} else if ((mn->key = fold(m->arena, mn->target, strlen(mn->target))) && f) {
				f->key = mn->target;
				f->folded = mn->key;
				fused++;
			}
			/* the same target as before: the same person, no second lookup */
			if (f && f->key && f->have[mn->kind]) {
				mn->person = f->people[mn->kind];
				mn->ambiguous = f->rcs[mn->kind] == KITH_EAMBIGUOUS;
				continue;
			}
		}
		if (mn->key && memo && 2 * (mused + 1) > mcap)
			memo = memo_grow(memo, &mcap);
		if (mn->key && memo) {
			struct memo *e = memo_slot(memo, mcap, mn->kind, mn->key);
			if (!e->key) {
				e->rc = resolve_key(&e->person, m, mn->kind, mn->key);
				e->key = mn->key;
				mused++;
			}
			mn->person = e->person;
			r = e->rc;
		} else if (mn->key) {
			r = resolve_key(&mn->person, m, mn->kind, mn->key);
		}
		mn->ambiguous = r == KITH_EAMBIGUOUS;
		if (f && f->key) {
			f->have[mn->kind] = true;
			f->rcs[mn->kind] = r;
			f->people[mn->kind] = mn->person;
		}
	}
	free(memo);
	free(folds);
	if (!(tmp = malloc((m->nmentions + m->npeople + 1) * sizeof *tmp))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = from, j; i < m->nmentions; i = j) {
		for (j = i + 1; j < m->nmentions && m->mentions[j]->entry ==
		     m->mentions[i]->entry; j++)
			;
		if (m->mentions[i]->entry &&
		    entry_people(m, m->mentions + i, j - i, tmp) < 0)
			goto out;
	}
	if (followup_people(m, tmp, from) < 0)
		goto out;
	if (b->sorted_entries && b->sorted_entries <= m->nentries) {
		/* the index's notes come sorted: sort the rest, then merge */
		size_t h = b->sorted_entries, n = m->nentries;
		struct kith_entry **v = malloc((n + 1) * sizeof *v);
		if (!v) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		sort_entries(m->entries + h, n - h);
		for (size_t i = 0, j = h, k = 0; k < n; k++)
			v[k] = j == n || (i < h && cmp_entry(&m->entries[i], &m->entries[j]) <= 0) ?
				m->entries[i++] : m->entries[j++];
		memcpy(m->entries, v, n * sizeof *v);
		free(v);
	} else {
		sort_entries(m->entries, m->nentries);
	}
	if (interactions(m) < 0)
		goto out;
	rc = 0;
out:
	free(tmp);
	return rc;
}

/* ---- loading from the repository ---- */

/* Parse one file; bad input becomes a warning, not a failure. */
int
kith_model_load_file(struct kith_model *m, struct kith_repo *repo,
	const char *rel, bool person, struct stat *st)
{
	struct kith_buf abs = KITH_BUF_INIT;
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = kith_repo_path(&abs, repo, rel)) < 0)
		goto out;
	if ((rc = kith_file_read_st(&text, &len, abs.ptr, st)) < 0)
		goto out;
	rc = person ? kith_model_add_person(m, rel, text, len) :
		kith_model_add_day(m, rel, text, len);
	if (rc == KITH_EINVALID) {
		char *w = kith_arena_strdup(m->arena, kith_error());
		rc = w ? kith_ptrvec_push(&m->build->warnings, w) : KITH_ERROR;
	}
out:
	free(text);
	kith_buf_free(&abs);
	return rc;
}

/* Every person; every journal day, or (days != NULL) only those named. */
static int
load(struct kith_model **out, struct kith_repo *repo,
	const char *const *days, size_t ndays)
{
	struct kith_model *m = NULL;
	char **files = NULL;
	int rc;

	*out = NULL;
	if ((rc = kith_model_new(&m)) < 0 ||
	    (rc = kith_repo_files(&files, NULL, repo)) < 0)
		goto out;
	for (char **f = files; *f; f++) {
		bool person = !strncmp(*f, "people/", 7);
		if (!person && days)
			continue;
		if ((rc = kith_model_load_file(m, repo, *f, person, NULL)) < 0)
			goto out;
	}
	for (size_t i = 0; i < ndays; i++)
		if ((rc = kith_model_load_file(m, repo, days[i], false, NULL)) < 0 &&
		    rc != KITH_ENOTFOUND)
			goto out;
	if ((rc = kith_model_finish(m)) < 0)
		goto out;
	*out = m;
	m = NULL;
out:
	kith_repo_files_free(files);
	kith_model_free(m);
	return rc;
}

int
kith_model_query(struct kith_model **out, struct kith_repo *repo,
	const struct kith_query *q)
{
	const char *v = getenv("KITH_NO_INDEX"), *notice = NULL;
	int rc;

	if (!(v && *v)) {
		rc = kith_index_query(out, repo, q, &notice);
		if (rc == 0 && notice) {
			struct kith_model_build *b = (*out)->build;
			char *w = kith_arena_strdup((*out)->arena, notice);
			if (!w || kith_ptrvec_push(&b->warnings, w) < 0)
				return KITH_ERROR;
			/* first, before the files' warnings */
			memmove(b->warnings.v + 1, b->warnings.v,
				(b->warnings.n - 1) * sizeof *b->warnings.v);
			b->warnings.v[0] = w;
			(*out)->warnings = (const char **)b->warnings.v;
			(*out)->nwarnings = b->warnings.n;
		}
		if (rc != 1)
			return rc;
	}
	if (q->ndays)
		return load(out, repo, q->days, q->ndays);
	return load(out, repo, NULL, 0);
}

int
kith_model_load(struct kith_model **out, struct kith_repo *repo)
{
	struct kith_query q = { .flags = KITH_Q_ALL | KITH_Q_TEXT };

	return kith_model_query(out, repo, &q);
}

int
kith_model_load_days(struct kith_model **out, struct kith_repo *repo,
	const char *const *days, size_t n)
{
	struct kith_query q = { .days = days, .ndays = n };

	if (!n) {
		/* people only */
		return load(out, repo, (const char *const[]){ NULL }, 0);
	}
	return kith_model_query(out, repo, &q);
}

static int
cmp_tag_count(const void *a, const void *b)
{
	return strcmp(((const struct kith_tag_count *)a)->tag,
		((const struct kith_tag_count *)b)->tag);
}

int
kith_model_entry_tags(const struct kith_tag_count **out, size_t *n,
	struct kith_model *m)
{
	struct kith_model_build *b = m->build;
	size_t total = 0, k = 0;

	if (!b->has_tag_counts) {
		for (size_t i = 0; i < m->nentries; i++)
			if (m->entries[i]->kind == KITH_ENTRY_JOURNAL)
				total += m->entries[i]->ntags;
		free(b->tag_counts);
		if (!(b->tag_counts = malloc((total + 1) * sizeof *b->tag_counts)))
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t i = 0; i < m->nentries; i++) {
			const struct kith_entry *e = m->entries[i];
			for (size_t j = 0; e->kind == KITH_ENTRY_JOURNAL && j < e->ntags; j++)
				b->tag_counts[k++] = (struct kith_tag_count){ e->tags[j], 1 };
		}
		kith_sort(b->tag_counts, k, sizeof *b->tag_counts, cmp_tag_count);
		b->ntag_counts = 0;
		for (size_t i = 0; i < k; i++) {
			struct kith_tag_count *t = b->tag_counts;
			if (b->ntag_counts && !strcmp(t[b->ntag_counts - 1].tag, t[i].tag))
				t[b->ntag_counts - 1].n++;
			else
				t[b->ntag_counts++] = t[i];
		}
		b->has_tag_counts = true;
	}
	*out = b->tag_counts;
	*n = b->ntag_counts;
	return 0;
}

/* ---- queries ---- */

size_t
kith_person_field_values(const struct kith_person *p, const char *key,
	const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].key, key)) {
			if (n < max)
				out[n] = p->fields[i].value;
			n++;
		}
	return n;
}

const char *
kith_person_field(const struct kith_person *p, const char *key)
{
	const char *v = NULL;

	kith_person_field_values(p, key, &v, 1);
	return v;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* "'q' matches N people: give the slug", then a line per candidate. */
static int
ambiguous(const char *query, struct kith_person **v, size_t n)
{
	struct kith_buf b = KITH_BUF_INIT;
	int rc = kith_buf_printf(&b, "'%s' matches %zu people: give the slug",
		query, n);

	for (size_t i = 0; rc == 0 && i < n && i < 10; i++)
		rc = kith_buf_printf(&b, "\n\t%s\t%s", v[i]->slug, v[i]->name);
	if (rc == 0 && n > 10)
		rc = kith_buf_printf(&b, "\n\tand %zu more", n - 10);
	rc = rc < 0 ? rc : kith_error_set(KITH_EAMBIGUOUS, "%s", kith_buf_cstr(&b));
	kith_buf_free(&b);
	return rc;
}

int
kith_model_find_person(struct kith_person **out, struct kith_model *m,
	const char *query)
{
	struct kith_model_build *b = m->build;
	struct kith_person **hits = NULL;
	const struct kith_model_key *k;
	char *f = NULL;
	size_t n = 0, nk;
	int rc;

	*out = NULL;
	if (kith_fold(&f, query, strlen(query)) < 0 || !*f) {
		free(f);
		return kith_error_set(KITH_EINVALID, "'%s' names nobody: give a slug, name or alias", query);
	}
	if ((*out = kith_model_by_slug(m, f))) {
		free(f);
		return 0;
	}
	if (!(hits = malloc((m->npeople + 1) * sizeof *hits))) {
		free(f);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	k = key_range(b->names, b->nnames, f, &nk);
	if (!nk)
		k = key_range(b->aliases, b->naliases, f, &nk);
	for (size_t i = 0; i < nk; i++)
		set_add(hits, &n, k[i].person);
	if (!n) {
		for (size_t i = 0; i < m->npeople; i++) {
			struct kith_person *p = m->people[i];
			const char *fn = p->has_name ? fold(m->arena, p->name, strlen(p->name)) : NULL;
			if (has_prefix(p->slug, f) || (fn && has_prefix(fn, f)))
				set_add(hits, &n, p);
		}
	}
	if (n == 1) {
		*out = hits[0];
		rc = 0;
	} else if (!n) {
		rc = kith_error_set(KITH_ENOTFOUND,
			"no person matches '%s': see 'kith ls'", query);
	} else {
		rc = ambiguous(query, hits, n);
	}
	free(hits);
	free(f);
	return rc;
}

int
kith_tag_norm(char **out, const char *s)
{
	struct kith_arena *a = NULL;
	const char *l;

	*out = NULL;
	if (*s == '#')
		s++;
	if (!*s || !kith_utf8_valid(s, strlen(s)))
		return kith_error_set(KITH_EINVALID,
			"bad tag '%s': give a word like 'mentor' or '#work/acme'", s);
	if (kith_arena_new(&a) < 0)
		return KITH_ERROR;
	if ((l = kith_lower(a, s, strlen(s))))
		*out = strdup(l);
	kith_arena_free(a);
	return *out ? 0 : kith_error_set(KITH_ERROR, "out of memory");
}
