/*
 * t-chunk.c - lib/chunk.c, the parse of a file as bytes for the index.
 *
 * Every file of every fixture repository is parsed into a model, cut into
 * chunks the way lib/index.c's cut_file cuts it (a person file whole, a
 * journal day one chunk per entry with its follow-ups and mentions),
 * written with kith_chunk_write and read back with kith_chunk_read into a
 * fresh model; every field of every person, entry, follow-up and mention
 * must come back (a journal entry's text is not stored: NULL), and both
 * models, finished, must resolve alike. Damaged bytes (every truncation,
 * a byte more, lengths past the end, bad entry and follow-up indexes, any
 * byte changed) must be refused or read safely, never crash: run it under
 * the sanitizer build too.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* ---- the files of a fixture ---- */

struct file {
	char *path; /* repository-relative */
	char *text;
	size_t len;
	bool person;
};

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending in ".md", sorted; *n of them. */
static char **
md_names(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (e->d_name[0] == '.' || l < 4 || strcmp(e->d_name + l - 3, ".md"))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(v, cap * sizeof *v);
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_names);
	return v;
}

/* The subdirectories of dir (journal years), sorted. */
static char **
subdirs(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			v = realloc(v, cap * sizeof *v);
		}
		v[(*n)++] = strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(v, *n, sizeof *v, cmp_names);
	return v;
}

/* The strings a, b and c joined, malloc'd. */
static char *
join(const char *a, const char *b, const char *c)
{
	struct kith_buf buf = KITH_BUF_INIT;

	if (kith_buf_printf(&buf, "%s%s%s", a, b, c) < 0)
		abort();
	return buf.ptr;
}

static void
add_file(struct file **v, size_t *n, const char *root, char *rel, bool person)
{
	char *abs = join(root, "/", rel);
	struct file f = { rel, NULL, 0, person };

	if (kith_file_read(&f.text, &f.len, abs) < 0) {
		printf("# cannot read %s: %s\n", abs, kith_error());
		free(rel);
	} else {
		*v = realloc(*v, (*n + 1) * sizeof **v);
		(*v)[(*n)++] = f;
	}
	free(abs);
}

/* people/NAME.md, then journal/YYYY/NAME.md, as the loader lists them. */
static struct file *
fixture_files(const char *root, size_t *n)
{
	struct file *v = NULL;
	size_t np, ny;
	char **names, **years, *dir;

	*n = 0;
	dir = join(root, "/people", "");
	names = md_names(dir, &np);
	free(dir);
	for (size_t i = 0; i < np; i++) {
		add_file(&v, n, root, join("people/", names[i], ""), true);
		free(names[i]);
	}
	free(names);
	dir = join(root, "/journal", "");
	years = subdirs(dir, &ny);
	free(dir);
	for (size_t y = 0; y < ny; y++) {
		char *year = join("journal/", years[y], "/");
		dir = join(root, "/", year);
		names = md_names(dir, &np);
		free(dir);
		for (size_t i = 0; i < np; i++) {
			add_file(&v, n, root, join(year, names[i], ""), false);
			free(names[i]);
		}
		free(names);
		free(year);
		free(years[y]);
	}
	free(years);
	return v;
}

static void
files_free(struct file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].path);
		free(v[i].text);
	}
	free(v);
}

/* ---- cutting, as lib/index.c's cut_file does ---- */

struct mark {
	size_t people, entries, mentions, followups, warnings;
};

static void
set_mark(struct kith_model *m, struct mark *k)
{
	struct kith_model_build *b = m->build;

	*k = (struct mark){ b->people.n, b->entries.n, b->mentions.n,
		b->followups.n, b->warnings.n };
}

/* A chunk and its bytes. */
struct cut {
	const char *path;
	struct kith_chunk c;
	unsigned char *data;
	size_t len;
};

struct cuts {
	struct cut *v;
	size_t n;
	void **owned; /* pointer arrays to free */
	size_t nowned;
};

static void *
copy_ptrs(struct cuts *cs, void *const *v, size_t n)
{
	void **c = malloc((n + 1) * sizeof *c);

	if (n)
		memcpy(c, v, n * sizeof *c);
	cs->owned = realloc(cs->owned, (cs->nowned + 1) * sizeof *cs->owned);
	cs->owned[cs->nowned++] = c;
	return c;
}

static void
push_cut(struct cuts *cs, const char *path, const struct kith_chunk *c)
{
	cs->v = realloc(cs->v, (cs->n + 1) * sizeof *cs->v);
	cs->v[cs->n++] = (struct cut){ path, *c, NULL, 0 };
}

/* What one file added to m between k and end, as chunks; false if it cannot be cut. */
static bool
cut_file(struct cuts *cs, struct kith_model *m, const char *path,
	const struct mark *k, const struct mark *end, bool person)
{
	struct kith_model_build *b = m->build;
	size_t nm = end->mentions - k->mentions, nf = end->followups - k->followups;
	size_t ne = end->entries - k->entries;
	struct kith_mention **ms = copy_ptrs(cs, b->mentions.v + k->mentions, nm);
	struct kith_followup **fs = copy_ptrs(cs, b->followups.v + k->followups, nf);
	struct kith_entry **es = copy_ptrs(cs, b->entries.v + k->entries, ne);

	if (person) {
		if (end->people != k->people + 1)
			return false;
		push_cut(cs, path, &(struct kith_chunk){ b->people.v[k->people],
			es, ne, fs, nf, ms, nm });
		return true;
	}
	size_t im = 0, jf = 0;
	for (size_t i = 0; i < ne; i++) {
		struct kith_chunk c = { NULL, es + i, 1, fs + jf, 0, ms + im, 0 };
		while (jf + c.nfollowups < nf && fs[jf + c.nfollowups]->entry == es[i])
			c.nfollowups++;
		while (im + c.nmentions < nm && ms[im + c.nmentions]->entry == es[i])
			c.nmentions++;
		jf += c.nfollowups;
		im += c.nmentions;
		push_cut(cs, path, &c);
	}
	return im == nm && jf == nf;
}

static void
cuts_free(struct cuts *cs)
{
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i].data);
	for (size_t i = 0; i < cs->nowned; i++)
		free(cs->owned[i]);
	free(cs->v);
	free(cs->owned);
	memset(cs, 0, sizeof *cs);
}

/* Write every cut's bytes, each into a buffer of exactly its size. */
static bool
write_cuts(struct cuts *cs)
{
	struct kith_buf b = KITH_BUF_INIT;
	bool good = true;

	for (size_t i = 0; i < cs->n; i++) {
		kith_buf_clear(&b);
		if (kith_chunk_write(&b, &cs->v[i].c) < 0) {
			printf("# cannot write a chunk of %s: %s\n", cs->v[i].path, kith_error());
			good = false;
			continue;
		}
		cs->v[i].len = b.len;
		cs->v[i].data = malloc(b.len ? b.len : 1);
		memcpy(cs->v[i].data, b.ptr, b.len);
	}
	kith_buf_free(&b);
	return good;
}

/* ---- comparing ---- */

static int failures; /* field mismatches in the current comparison */
static const char *where;

static void
differ(const char *what, const char *a, const char *b)
{
	if (failures++ < 10)
		printf("# %s: %s differs: '%s' / '%s'\n", where, what,
			a ? a : "(null)", b ? b : "(null)");
}

static void
same_str(const char *what, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b)))
		differ(what, a, b);
}

static void
same_int(const char *what, long long a, long long b)
{
	char x[32], y[32];

	if (a != b) {
		snprintf(x, sizeof x, "%lld", a);
		snprintf(y, sizeof y, "%lld", b);
		differ(what, x, y);
	}
}

static void
same_strs(const char *what, const char *const *a, size_t na,
	const char *const *b, size_t nb)
{
	same_int(what, (long long)na, (long long)nb);
	for (size_t i = 0; i < na && i < nb; i++)
		same_str(what, a[i], b[i]);
}

/* Index of x in v[0..n), -1 for NULL, -2 if not there. */
static long long
pos(void *const *v, size_t n, const void *x)
{
	if (!x)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return (long long)i;
	return -2;
}

static void
same_person(const struct kith_person *a, const struct kith_person *b)
{
	same_str("slug", a->slug, b->slug);
	same_str("name", a->name, b->name);
	same_int("has_name", a->has_name, b->has_name);
	same_int("name_line", a->name_line, b->name_line);
	same_str("person path", a->path, b->path);
	same_int("nfields", (long long)a->nfields, (long long)b->nfields);
	for (size_t i = 0; i < a->nfields && i < b->nfields; i++) {
		same_str("field key", a->fields[i].key, b->fields[i].key);
		same_str("field value", a->fields[i].value, b->fields[i].value);
		same_int("field line", a->fields[i].line, b->fields[i].line);
	}
	same_int("fields_end_line", a->fields_end_line, b->fields_end_line);
	same_strs("aliases", a->aliases, a->naliases, b->aliases, b->naliases);
	same_strs("person tags", a->tags, a->ntags, b->tags, b->ntags);
	same_str("every", a->every, b->every);
}

/* The entry's own fields; text is NULL for a journal entry read back. */
static void
same_entry(const struct kith_entry *a, const struct kith_entry *b)
{
	same_int("kind", a->kind, b->kind);
	same_int("date", a->date, b->date);
	same_int("time", a->time, b->time);
	same_str("title", a->title, b->title);
	same_str("entry path", a->path, b->path);
	same_int("heading", a->heading, b->heading);
	same_int("line", a->line, b->line);
	same_int("end_line", a->end_line, b->end_line);
	same_int("off", (long long)a->off, (long long)b->off);
	same_int("end", (long long)a->end, (long long)b->end);
	if (a->kind == KITH_ENTRY_JOURNAL)
		same_str("journal text (not stored)", NULL, b->text);
	else
		same_str("note text", a->text, b->text);
	same_strs("entry tags", a->tags, a->ntags, b->tags, b->ntags);
}

static void
same_chunk(const struct kith_chunk *a, const struct kith_chunk *b)
{
	same_int("has person", a->person != NULL, b->person != NULL);
	if (a->person && b->person)
		same_person(a->person, b->person);
	same_int("nentries", (long long)a->nentries, (long long)b->nentries);
	for (size_t i = 0; i < a->nentries && i < b->nentries; i++) {
		const struct kith_entry *x = a->entries[i], *y = b->entries[i];
		same_entry(x, y);
		same_int("owner", x->owner && x->owner == a->person,
			y->owner && y->owner == b->person);
	}
	same_int("nfollowups", (long long)a->nfollowups, (long long)b->nfollowups);
	for (size_t i = 0; i < a->nfollowups && i < b->nfollowups; i++) {
		const struct kith_followup *x = a->followups[i], *y = b->followups[i];
		same_str("follow-up text", x->text, y->text);
		same_int("done", x->done, y->done);
		same_int("due", x->due, y->due);
		same_str("follow-up path", x->path, y->path);
		same_int("follow-up line", x->line, y->line);
		same_int("box_off", (long long)x->box_off, (long long)y->box_off);
		same_int("follow-up entry",
			pos((void *const *)a->entries, a->nentries, x->entry),
			pos((void *const *)b->entries, b->nentries, y->entry));
		same_int("follow-up in_person", x->in_person && x->in_person == a->person,
			y->in_person && y->in_person == b->person);
	}
	same_int("nmentions", (long long)a->nmentions, (long long)b->nmentions);
	for (size_t i = 0; i < a->nmentions && i < b->nmentions; i++) {
		const struct kith_mention *x = a->mentions[i], *y = b->mentions[i];
		same_int("mention kind", x->kind, y->kind);
		same_str("raw", x->raw, y->raw);
		same_str("target", x->target, y->target);
		same_str("key", x->key, y->key);
		same_str("mention path", x->path, y->path);
		same_int("mention line", x->line, y->line);
		same_int("off", (long long)x->off, (long long)y->off);
		same_int("mention entry",
			pos((void *const *)a->entries, a->nentries, x->entry),
			pos((void *const *)b->entries, b->nentries, y->entry));
		same_int("mention follow-up",
			pos((void *const *)a->followups, a->nfollowups, x->followup),
			pos((void *const *)b->followups, b->nfollowups, y->followup));
		same_int("mention in_person", x->in_person && x->in_person == a->person,
			y->in_person && y->in_person == b->person);
		same_int("in_open_followup", x->in_open_followup, y->in_open_followup);
	}
}

static const char *
slug_of(const struct kith_person *p)
{
	return p ? p->slug : NULL;
}

static void
same_people_list(const char *what, struct kith_person *const *a, size_t na,
	struct kith_person *const *b, size_t nb)
{
	same_int(what, (long long)na, (long long)nb);
	for (size_t i = 0; i < na && i < nb; i++)
		same_str(what, a[i]->slug, b[i]->slug);
}

/* Two finished models: what resolving made of them. */
static void
same_finished(const struct kith_model *a, const struct kith_model *b)
{
	same_int("npeople", (long long)a->npeople, (long long)b->npeople);
	for (size_t i = 0; i < a->npeople && i < b->npeople; i++) {
		const struct kith_person *x = a->people[i], *y = b->people[i];
		same_person(x, y);
		same_int("count", (long long)x->count, (long long)y->count);
		same_int("last", x->last, y->last);
		same_int("ninteractions", (long long)x->ninteractions,
			(long long)y->ninteractions);
		for (size_t j = 0; j < x->ninteractions && j < y->ninteractions; j++) {
			same_str("interaction path", x->interactions[j]->path,
				y->interactions[j]->path);
			same_int("interaction line", x->interactions[j]->line,
				y->interactions[j]->line);
		}
		same_int("has latest", x->latest != NULL, y->latest != NULL);
		if (x->latest && y->latest) {
			same_str("latest path", x->latest->path, y->latest->path);
			same_int("latest line", x->latest->line, y->latest->line);
		}
	}
	same_int("nentries (finished)", (long long)a->nentries, (long long)b->nentries);
	for (size_t i = 0; i < a->nentries && i < b->nentries; i++) {
		const struct kith_entry *x = a->entries[i], *y = b->entries[i];
		same_entry(x, y);
		same_str("owner", slug_of(x->owner), slug_of(y->owner));
		same_people_list("entry people", x->people, x->npeople, y->people, y->npeople);
		same_people_list("entry mentioned", x->mentioned, x->nmentioned,
			y->mentioned, y->nmentioned);
	}
	same_int("nmentions (finished)", (long long)a->nmentions, (long long)b->nmentions);
	for (size_t i = 0; i < a->nmentions && i < b->nmentions; i++) {
		const struct kith_mention *x = a->mentions[i], *y = b->mentions[i];
		same_str("mention raw", x->raw, y->raw);
		same_str("folded key", x->key, y->key);
		same_str("resolved to", slug_of(x->person), slug_of(y->person));
		same_int("ambiguous", x->ambiguous, y->ambiguous);
		same_str("mention's entry", x->entry ? x->entry->path : NULL,
			y->entry ? y->entry->path : NULL);
		same_int("mention's entry line", x->entry ? x->entry->line : 0,
			y->entry ? y->entry->line : 0);
		same_str("in person", slug_of(x->in_person), slug_of(y->in_person));
	}
	same_int("nfollowups (finished)", (long long)a->nfollowups,
		(long long)b->nfollowups);
	for (size_t i = 0; i < a->nfollowups && i < b->nfollowups; i++) {
		const struct kith_followup *x = a->followups[i], *y = b->followups[i];
		same_str("follow-up", x->text, y->text);
		same_people_list("follow-up people", x->people, x->npeople,
			y->people, y->npeople);
		same_str("follow-up in person", slug_of(x->in_person), slug_of(y->in_person));
	}
}

/* ---- the round trip of one fixture ---- */

/* Whether text parses into a scratch model without error or warning. */
static bool
parses_cleanly(const struct file *f)
{
	struct kith_model *m;
	int rc;

	if (kith_model_new(&m) < 0)
		return false;
	rc = f->person ? kith_model_add_person(m, f->path, f->text, f->len) :
		kith_model_add_day(m, f->path, f->text, f->len);
	if (rc < 0)
		printf("# %s is left out as the index leaves it out: %s\n", f->path,
			kith_error());
	kith_model_free(m);
	return rc == 0;
}

static struct cuts traps_cuts; /* kept for the damage tests */
static struct kith_model *traps_model;

static void
round_trip(const char *name)
{
	char label[1024], *root;
	const char *src = getenv("KITH_SRC_DIR");
	struct kith_model *m1 = NULL, *m2 = NULL;
	struct cuts cs = { 0 };
	struct file *files;
	size_t nfiles, nused = 0, npeople = 0, nentries = 0, nmentions = 0, nfollowups = 0;
	bool cut_ok = true;

	root = join(src ? src : ".", "/tests/fixtures/", name);
	files = fixture_files(root, &nfiles);
	free(root);
	snprintf(label, sizeof label, "%s: the fixture has files", name);
	ok(nfiles > 0, label);
	if (kith_model_new(&m1) < 0 || kith_model_new(&m2) < 0) {
		ok(0, "kith_model_new");
		goto out;
	}
	for (size_t i = 0; i < nfiles; i++) {
		struct mark k, end;
		int rc;
		if (!parses_cleanly(&files[i]))
			continue;
		set_mark(m1, &k);
		rc = files[i].person ?
			kith_model_add_person(m1, files[i].path, files[i].text, files[i].len) :
			kith_model_add_day(m1, files[i].path, files[i].text, files[i].len);
		set_mark(m1, &end);
		if (rc < 0 || end.warnings != k.warnings) {
			printf("# %s: %s\n", files[i].path, kith_error());
			cut_ok = false;
			continue;
		}
		if (!cut_file(&cs, m1, kith_arena_strdup(m1->arena, files[i].path), &k,
		    &end, files[i].person)) {
			printf("# %s cannot be cut into chunks\n", files[i].path);
			cut_ok = false;
		}
		nused++;
	}
	snprintf(label, sizeof label, "%s: %zu files cut into %zu chunks", name, nused, cs.n);
	ok(cut_ok && nused > 0 && cs.n >= nused / 2, label);
	snprintf(label, sizeof label, "%s: kith_chunk_write writes every chunk", name);
	ok(write_cuts(&cs), label);

	/* Read back, in the same order, into a fresh model. */
	failures = 0;
	for (size_t i = 0; i < cs.n; i++) {
		struct kith_chunk c = { 0 };
		const char *path = kith_arena_strdup(m2->arena, cs.v[i].path);
		where = cs.v[i].path;
		if (kith_chunk_read(m2, path, cs.v[i].data, cs.v[i].len, &c) < 0) {
			differ("kith_chunk_read", "0", kith_error());
			continue;
		}
		same_chunk(&cs.v[i].c, &c);
		npeople += c.person != NULL;
		nentries += c.nentries;
		nmentions += c.nmentions;
		nfollowups += c.nfollowups;
	}
	snprintf(label, sizeof label, "%s: every chunk reads back field for field "
		"(%zu people, %zu entries, %zu mentions, %zu follow-ups)", name,
		npeople, nentries, nmentions, nfollowups);
	ok(failures == 0 && cs.n > 0, label);

	/* Both models finished: the same people, interactions and resolutions. */
	snprintf(label, sizeof label, "%s: both models finish", name);
	ok(kith_model_finish(m1) == 0 && kith_model_finish(m2) == 0, label);
	failures = 0;
	where = name;
	same_finished(m1, m2);
	snprintf(label, sizeof label, "%s: the finished models resolve alike", name);
	ok(failures == 0, label);
out:
	if (!strcmp(name, "traps")) {
		traps_cuts = cs;
		traps_model = m1;
	} else {
		cuts_free(&cs);
		kith_model_free(m1);
	}
	kith_model_free(m2);
	files_free(files, nfiles);
}

/* ---- heads (kith show): an entry's first fields, from the first bytes ---- */

/*
 * kith_chunk_read_head, for every entry of every journal chunk of the
 * traps fixture: from the whole chunk, the entry's head (its own fields
 * but text and tags); from each shorter prefix, 1 (too few bytes) or the
 * same head; past the last entry, or from a person's chunk, an error.
 */
static void
heads(void)
{
	struct kith_model *m;
	size_t nheads = 0, nshort = 0, nprefix = 0;
	bool refused = true;

	if (kith_model_new(&m) < 0) {
		ok(0, "kith_model_new");
		return;
	}
	failures = 0;
	for (size_t i = 0; i < traps_cuts.n; i++) {
		const struct cut *c = &traps_cuts.v[i];
		struct kith_entry *e = NULL;
		where = c->path;
		if (c->c.person) {
			refused &= kith_chunk_read_head(m, c->path, c->data, c->len, 0, &e) < 0 && !e;
			continue;
		}
		for (size_t k = 0; k < c->c.nentries; k++) {
			const struct kith_entry *a = c->c.entries[k];
			if (kith_chunk_read_head(m, c->path, c->data, c->len, k, &e) != 0 || !e) {
				differ("kith_chunk_read_head", "0", kith_error());
				continue;
			}
			same_int("head kind", a->kind, e->kind);
			same_int("head date", a->date, e->date);
			same_int("head time", a->time, e->time);
			same_str("head title", a->title, e->title);
			same_str("head path", a->path, e->path);
			same_int("head heading", a->heading, e->heading);
			same_int("head line", a->line, e->line);
			same_int("head end_line", a->end_line, e->end_line);
			same_int("head off", (long long)a->off, (long long)e->off);
			same_int("head end", (long long)a->end, (long long)e->end);
			same_str("head text", NULL, e->text);
			same_int("head tags", 0, (long long)e->ntags);
			nheads++;
			/* from a copy of each prefix, so that reading past it shows */
			for (size_t len = 0; len < c->len; len++) {
				unsigned char *p = malloc(len + 1);
				struct kith_entry *h = NULL;
				memcpy(p, c->data, len);
				int r = kith_chunk_read_head(m, c->path, p, len, k, &h);
				if (r == 1) {
					nshort++;
				} else if (r == 0 && h) {
					same_int("prefix date", a->date, h->date);
					same_str("prefix title", a->title, h->title);
					same_int("prefix line", a->line, h->line);
					same_int("prefix end", (long long)a->end, (long long)h->end);
					nprefix++;
				} else if (r != KITH_ERROR) {
					differ("prefix result", "1, or 0 with the head", "other");
				}
				free(p);
			}
		}
		refused &= kith_chunk_read_head(m, c->path, c->data, c->len,
			c->c.nentries, &e) < 0;
	}
	ok(failures == 0 && nheads > 0, "traps: every journal entry's head reads back "
		"from its chunk");
	ok(nshort > 0 && nprefix > 0, "traps: a prefix reads the head, or says it is too short");
	ok(refused, "traps: an entry past the last, or a person's chunk, is refused");
	kith_model_free(m);
}

/*
 * How many truncations of c's bytes read takes, of those that end before
 * what it leaves unread: the mentions, and with bare the follow-ups too
 * (where they begin: c written without them, but for their counts).
 */
static size_t
truncations_taken(struct kith_model *m, const struct cut *c, bool bare,
	int (*read)(struct kith_model *, const char *, const void *, size_t,
	struct kith_chunk *))
{
	struct kith_chunk x = c->c;
	struct kith_buf w = KITH_BUF_INIT;
	size_t counts = bare ? 2 : 1, ends = 0, taken = 0;

	x.nmentions = 0;
	if (bare)
		x.nfollowups = 0;
	if (kith_chunk_write(&w, &x) == 0 && w.len >= counts &&
	    !memcmp(w.ptr, c->data, w.len - counts))
		ends = w.len - counts;
	else
		differ("the bytes read", "a prefix of the chunk", "not");
	kith_buf_free(&w);
	for (size_t n = 0; n < ends; n++) {
		/* exactly n bytes, so that the sanitizer sees a read past them */
		unsigned char *d = malloc(n ? n : 1);
		memcpy(d, c->data, n);
		if (read(m, c->path, d, n, NULL) == 0)
			taken++;
		free(d);
	}
	return taken;
}

/*
 * kith_chunk_read_bare (journal as Markdown): every chunk of the traps
 * fixture reads back with the same person and entries, no follow-ups or
 * mentions; a truncation before the follow-ups is refused (past them,
 * the rest is not read).
 */
static void
bare(void)
{
	struct kith_model *m;
	size_t nread = 0, nentries = 0, nskipped = 0, taken = 0;

	if (kith_model_new(&m) < 0) {
		ok(0, "kith_model_new");
		return;
	}
	failures = 0;
	for (size_t i = 0; i < traps_cuts.n; i++) {
		const struct cut *c = &traps_cuts.v[i];
		struct kith_chunk b = { 0 };
		size_t before = m->build->mentions.n + m->build->followups.n;
		where = c->path;
		if (kith_chunk_read_bare(m, c->path, c->data, c->len, &b) < 0) {
			differ("kith_chunk_read_bare", "0", kith_error());
			continue;
		}
		nread++;
		same_int("bare person", c->c.person != NULL, b.person != NULL);
		if (c->c.person && b.person)
			same_person(c->c.person, b.person);
		same_int("bare entries", (long long)c->c.nentries, (long long)b.nentries);
		for (size_t k = 0; k < c->c.nentries && k < b.nentries; k++)
			same_entry(c->c.entries[k], b.entries[k]);
		same_int("bare follow-ups", 0, (long long)b.nfollowups);
		same_int("bare mentions", 0, (long long)b.nmentions);
		same_int("nothing pushed", (long long)before,
			(long long)(m->build->mentions.n + m->build->followups.n));
		nentries += b.nentries;
		nskipped += c->c.nmentions + c->c.nfollowups;
		taken += truncations_taken(m, c, true, kith_chunk_read_bare);
	}
	ok(failures == 0 && nread == traps_cuts.n && nentries > 0 && nskipped > 0,
		"traps: every chunk reads back bare, its entries whole, "
		"no follow-ups or mentions");
	ok(taken == 0, "traps: a bare read refuses every truncation before the follow-ups");
	if (taken)
		printf("#   %zu damaged chunks read as whole\n", taken);
	kith_model_free(m);
}

/*
 * kith_chunk_read_followups (kith due, kith todo): every chunk of the
 * traps fixture reads back with the same person and follow-ups (their
 * entry NULL), no entries or mentions, but their counts; a truncation
 * before the mentions is refused (the mentions are not read).
 */
static void
followups_only(void)
{
	struct kith_model *m;
	size_t nread = 0, nfollowups = 0, taken = 0;

	if (kith_model_new(&m) < 0) {
		ok(0, "kith_model_new");
		return;
	}
	failures = 0;
	for (size_t i = 0; i < traps_cuts.n; i++) {
		const struct cut *c = &traps_cuts.v[i];
		struct kith_chunk b = { 0 };
		size_t before = m->build->mentions.n + m->build->entries.n;
		where = c->path;
		if (kith_chunk_read_followups(m, c->path, c->data, c->len, &b) < 0) {
			differ("kith_chunk_read_followups", "0", kith_error());
			continue;
		}
		nread++;
		same_int("person", c->c.person != NULL, b.person != NULL);
		if (c->c.person && b.person)
			same_person(c->c.person, b.person);
		same_int("entries counted", (long long)c->c.nentries, (long long)b.nentries);
		same_int("mentions counted", (long long)c->c.nmentions, (long long)b.nmentions);
		same_int("no entries", 1, b.entries == NULL && b.mentions == NULL);
		same_int("nothing else pushed", (long long)before,
			(long long)(m->build->mentions.n + m->build->entries.n));
		same_int("nfollowups", (long long)c->c.nfollowups, (long long)b.nfollowups);
		for (size_t k = 0; k < c->c.nfollowups && k < b.nfollowups; k++) {
			const struct kith_followup *x = c->c.followups[k], *y = b.followups[k];
			same_str("text", x->text, y->text);
			same_int("done", x->done, y->done);
			same_int("due", x->due, y->due);
			same_str("path", x->path, y->path);
			same_int("line", x->line, y->line);
			same_int("box_off", (long long)x->box_off, (long long)y->box_off);
			same_int("entry not read", 1, y->entry == NULL);
			same_int("in_person", x->in_person != NULL, y->in_person != NULL);
		}
		nfollowups += b.nfollowups;
		taken += truncations_taken(m, c, false, kith_chunk_read_followups);
	}
	ok(failures == 0 && nread == traps_cuts.n && nfollowups > 0,
		"traps: every chunk reads back as its person and follow-ups alone");
	ok(taken == 0, "traps: a follow-ups read refuses every truncation before the mentions");
	if (taken)
		printf("#   %zu damaged chunks read as whole\n", taken);
	kith_model_free(m);
}

/* ---- damaged chunks ---- */

/* Read data into a fresh model: the result code; the model freed. */
static int
read_fresh(const void *data, size_t len, bool with_out)
{
	struct kith_model *m;
	struct kith_chunk c = { 0 };
	int rc;

	if (kith_model_new(&m) < 0)
		return 99;
	rc = kith_chunk_read(m, "people/x.md", data, len, with_out ? &c : NULL);
	if (rc == 0 && with_out) {
		/* what a successful read gives is whole */
		for (size_t i = 0; i < c.nentries; i++)
			if (!c.entries[i] || !c.entries[i]->title || !c.entries[i]->path)
				rc = 98;
		for (size_t i = 0; i < c.nfollowups; i++)
			if (!c.followups[i] || !c.followups[i]->text ||
			    (c.followups[i]->entry && pos((void *const *)c.entries,
			    c.nentries, c.followups[i]->entry) < 0))
				rc = 98;
		for (size_t i = 0; i < c.nmentions; i++)
			if (!c.mentions[i] || !c.mentions[i]->raw || !c.mentions[i]->target ||
			    (c.mentions[i]->entry && pos((void *const *)c.entries,
			    c.nentries, c.mentions[i]->entry) < 0) ||
			    (c.mentions[i]->followup && pos((void *const *)c.followups,
			    c.nfollowups, c.mentions[i]->followup) < 0))
				rc = 98;
		if (c.person && (!c.person->slug || !c.person->name))
			rc = 98;
	}
	kith_model_free(m);
	return rc;
}

/* The traps chunk with the most bytes. */
static const struct cut *
biggest(const struct cuts *cs, bool person)
{
	const struct cut *best = NULL;

	for (size_t i = 0; i < cs->n; i++)
		if ((cs->v[i].c.person != NULL) == person &&
		    (!best || cs->v[i].len > best->len))
			best = &cs->v[i];
	return best;
}

static void
truncations(const struct cut *c, const char *what)
{
	char label[1024];
	size_t bad = 0;
	unsigned char *d;

	for (size_t n = 0; n < c->len; n++) {
		/* exactly n bytes, so that the sanitizer sees any read past them */
		d = malloc(n ? n : 1);
		memcpy(d, c->data, n);
		if (read_fresh(d, n, n % 2 == 0) == 0)
			bad++;
		free(d);
	}
	snprintf(label, sizeof label, "%s (%zu bytes): every truncation is refused",
		what, c->len);
	ok(bad == 0 && c->len > 20, label);
	if (bad)
		printf("#   %zu truncations read as whole\n", bad);

	d = malloc(c->len + 1);
	memcpy(d, c->data, c->len);
	d[c->len] = 0;
	snprintf(label, sizeof label, "%s: a byte too many is refused", what);
	ok(read_fresh(d, c->len + 1, true) < 0, label);
	free(d);
	snprintf(label, sizeof label, "%s: the whole chunk reads, with or without out", what);
	ok(read_fresh(c->data, c->len, true) == 0 && read_fresh(c->data, c->len, false) == 0,
		label);
}

/* Any one byte changed to each of a few values: refused or whole, never a crash. */
static void
mutations(const struct cut *c, const char *what)
{
	static const unsigned char vals[] = { 0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xff };
	char label[1024];
	size_t refused = 0, read = 0, broken = 0;
	unsigned char *d = malloc(c->len);

	for (size_t i = 0; i < c->len; i++) {
		for (size_t k = 0; k < sizeof vals; k++) {
			if (c->data[i] == vals[k])
				continue;
			memcpy(d, c->data, c->len);
			d[i] = vals[k];
			int rc = read_fresh(d, c->len, true);
			if (rc == 98)
				broken++;
			else if (rc < 0)
				refused++;
			else
				read++;
		}
	}
	free(d);
	snprintf(label, sizeof label, "%s: any byte changed is refused or read whole "
		"(%zu refused, %zu read)", what, refused, read);
	ok(broken == 0 && refused > 0, label);
}

/* Replace the n bytes at off with the bytes of rep (rn of them). */
static unsigned char *
splice(const struct cut *c, size_t off, size_t n, const unsigned char *rep,
	size_t rn, size_t *len)
{
	unsigned char *d;

	*len = c->len - n + rn;
	d = malloc(*len ? *len : 1);
	memcpy(d, c->data, off);
	memcpy(d + off, rep, rn);
	memcpy(d + off + rn, c->data + off + n, c->len - off - n);
	return d;
}

/* Where s is stored in c, its length + 1 in the byte before: the offset of its bytes, or SIZE_MAX. */
static size_t
find_bytes(const struct cut *c, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 1; n && i + n <= c->len; i++)
		if (c->data[i - 1] == n + 1 && !memcmp(c->data + i, s, n))
			return i;
	return SIZE_MAX;
}

/* v as a LEB128 varint into out (10 bytes at most): its length. */
static size_t
varint(unsigned char *out, uint64_t v)
{
	size_t n = 0;

	do {
		out[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			out[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* A string's length (a varint before its bytes) made to point past the end. */
static void
lengths_past_end(const struct cut *c, const char *s, const char *what)
{
	static const unsigned char huge[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x20 };
	char label[1024];
	size_t at = find_bytes(c, s), len;
	unsigned char *d, v[10];

	snprintf(label, sizeof label, "%s: '%.80s' is stored with its length before it", what, s);
	ok(at != SIZE_MAX, label);
	if (at == SIZE_MAX)
		return;
	d = splice(c, at - 1, 1, huge, sizeof huge, &len);
	snprintf(label, sizeof label, "%s: a length of 2^40 is refused", what);
	ok(read_fresh(d, len, true) < 0, label);
	free(d);
	/* one byte more than what is left after the length (the varint may grow) */
	for (size_t extra = 1; extra <= 3; extra++) {
		size_t vn = varint(v, c->len - at + extra + 1);
		d = splice(c, at - 1, 1, v, vn, &len);
		snprintf(label, sizeof label, "%s: a length %zu past the end is refused",
			what, extra);
		ok(read_fresh(d, len, true) < 0, label);
		free(d);
	}
	d = splice(c, at - 1, 1, (const unsigned char *)"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11, &len);
	snprintf(label, sizeof label, "%s: an overlong varint is refused", what);
	ok(read_fresh(d, len, true) < 0, label);
	free(d);
}

/*
 * Make a chunk whose one reference (set by point) differs between two
 * writes, find the one byte that holds it, and store out-of-range values
 * there: each must be refused.
 */
typedef void (*point_fn)(struct kith_chunk *c, int which);

static void
bad_index(struct kith_chunk *c, point_fn point, const char *what)
{
	struct kith_buf a = KITH_BUF_INIT, b = KITH_BUF_INIT;
	char label[1024];
	size_t at = SIZE_MAX, ndiff = 0;

	point(c, 0);
	kith_chunk_write(&a, c);
	point(c, 1);
	kith_chunk_write(&b, c);
	point(c, 0);
	if (a.len == b.len)
		for (size_t i = 0; i < a.len; i++)
			if (((unsigned char *)a.ptr)[i] != ((unsigned char *)b.ptr)[i]) {
				at = i;
				ndiff++;
			}
	snprintf(label, sizeof label, "%s: the index is one byte of the chunk", what);
	ok(ndiff == 1, label);
	if (ndiff == 1) {
		/* zigzag: 2n for n, 2|n|-1 for -n; the chunk has 2 of each */
		static const unsigned char bad[] = { 4, 5, 0x0a, 0x03, 0x7e, 0x7f };
		size_t refused = 0;
		struct cut t = { "x", { 0 }, (unsigned char *)a.ptr, a.len };
		for (size_t k = 0; k < sizeof bad; k++) {
			size_t len;
			unsigned char *d = splice(&t, at, 1, &bad[k], 1, &len);
			if (read_fresh(d, len, true) < 0)
				refused++;
			free(d);
		}
		snprintf(label, sizeof label, "%s: out-of-range indexes are refused", what);
		ok(refused == sizeof bad, label);
		if (refused != sizeof bad)
			printf("#   %zu of %zu refused\n", refused, sizeof bad);
		snprintf(label, sizeof label, "%s: both in-range values read", what);
		ok(read_fresh(a.ptr, a.len, true) == 0 && read_fresh(b.ptr, b.len, true) == 0,
			label);
	}
	kith_buf_free(&a);
	kith_buf_free(&b);
}

/* A person chunk with two dated notes, a follow-up and mentions in each. */
static struct kith_model *hand_model;
static struct kith_chunk hand;
static struct kith_entry *hand_e[2];
static struct kith_followup *hand_f[2];
static struct kith_mention *hand_m[8];

static void
point_followup_entry(struct kith_chunk *c, int which)
{
	c->followups[0]->entry = hand_e[which];
}

static void
point_mention_entry(struct kith_chunk *c, int which)
{
	c->mentions[0]->entry = hand_e[which];
}

static void
point_mention_followup(struct kith_chunk *c, int which)
{
	c->mentions[0]->followup = hand_f[which];
}

static const char hand_text[] =
	"# Zed Marker\n"
	"\n"
	"- email: zed@example.org\n"
	"- aliases: Zeddy, ZM\n"
	"- tags: #marker\n"
	"\n"
	"Notes about @amy-lee and [[Bo Ray|Bo]]. #notes\n"
	"\n"
	"- 2026-01-01: first call with @cy-dunn #call\n"
	"  - [ ] send @dee-fox the MARKERFOLLOWUP due:2026-01-09\n"
	"- 2026-01-02: second call with @eve-gray\n"
	"  - [x] thank @fay-hu\n";

static void
damage(void)
{
	const struct cut *p = biggest(&traps_cuts, true), *j = biggest(&traps_cuts, false);
	struct kith_mark { size_t e, f, mn; } k;
	struct kith_model_build *b;

	ok(p && j, "traps has person and journal chunks to damage");
	if (!p || !j)
		return;
	truncations(p, p->path);
	truncations(j, j->path);
	mutations(p, p->path);
	mutations(j, j->path);
	lengths_past_end(p, p->c.person->slug, p->path);
	lengths_past_end(j, j->c.entries[0]->title, j->path);

	/* The hand-made person: references between its entries and follow-ups. */
	if (kith_model_new(&hand_model) < 0)
		return;
	b = hand_model->build;
	k = (struct kith_mark){ b->entries.n, b->followups.n, b->mentions.n };
	ok(kith_model_add_person(hand_model, "people/zed-marker.md", hand_text,
		strlen(hand_text)) == 0, "the hand-made person parses");
	ok(b->people.n == 1 && b->entries.n - k.e == 2 && b->followups.n - k.f == 2 &&
		b->mentions.n - k.mn >= 6, "with two dated notes, two follow-ups, six mentions");
	if (b->people.n != 1 || b->entries.n - k.e != 2 || b->followups.n - k.f != 2 ||
	    b->mentions.n - k.mn < 6)
		return;
	for (int i = 0; i < 2; i++) {
		hand_e[i] = b->entries.v[k.e + (size_t)i];
		hand_f[i] = b->followups.v[k.f + (size_t)i];
	}
	size_t nm = b->mentions.n - k.mn;
	if (nm > 8)
		nm = 8;
	for (size_t i = 0; i < nm; i++)
		hand_m[i] = b->mentions.v[k.mn + i];
	hand = (struct kith_chunk){ b->people.v[0], hand_e, 2, hand_f, 2, hand_m, nm };
	struct kith_entry *e0 = hand_f[0]->entry;
	struct kith_entry *me0 = hand_m[0]->entry;
	struct kith_followup *mf0 = hand_m[0]->followup;
	bad_index(&hand, point_followup_entry, "a follow-up's entry");
	hand_f[0]->entry = e0;
	bad_index(&hand, point_mention_entry, "a mention's entry");
	hand_m[0]->entry = me0;
	bad_index(&hand, point_mention_followup, "a mention's follow-up");
	hand_m[0]->followup = mf0;

	/* The hand-made person's own round trip, and its damage. */
	struct kith_buf w = KITH_BUF_INIT;
	ok(kith_chunk_write(&w, &hand) == 0, "the hand-made chunk writes");
	struct cut hc = { "people/zed-marker.md", hand, malloc(w.len), w.len };
	memcpy(hc.data, w.ptr, w.len);
	kith_buf_free(&w);
	struct kith_model *m;
	struct kith_chunk c = { 0 };
	if (kith_model_new(&m) == 0) {
		failures = 0;
		where = hc.path;
		if (kith_chunk_read(m, hc.path, hc.data, hc.len, &c) == 0)
			same_chunk(&hand, &c);
		else
			failures++;
		ok(failures == 0, "the hand-made chunk reads back field for field");
		kith_model_free(m);
	}
	lengths_past_end(&hc, hand_f[0]->text, "the hand-made chunk");
	truncations(&hc, "the hand-made chunk");
	free(hc.data);
}

int
main(void)
{
	static const char *const fixtures[] = {
		"network", "traps", "daily", "promises", "problems", "rename",
	};

	setvbuf(stdout, NULL, _IOLBF, 0); /* what ran before a crash shows */
	for (size_t i = 0; i < sizeof fixtures / sizeof *fixtures; i++)
		round_trip(fixtures[i]);
	damage();
	heads();
	bare();
	followups_only();
	cuts_free(&traps_cuts);
	kith_model_free(traps_model);
	kith_model_free(hand_model);
	return done_testing();
}
