/*
 * kith-tags - every tag with how many people and journal entries carry it.
 *
 * A person carries the tags of their whole file (dated note items
 * included); an entry is a journal entry, as `kith journal --tag` lists
 * them. Most used first; --people or --entries keeps the tags one side
 * carries and sorts by that side's count.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-tags";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith tags [-H] [--people | --entries] [--json | --format tsv]\n", f);
	exit(code);
}

struct row {
	const char *tag; /* borrowed from the model */
	size_t people, entries;
};

struct table {
	struct row *v;
	size_t n, cap;
	size_t *slot; /* hash of tag: 1 + its row, 0 empty; nslot a power of 2 */
	size_t nslot;
};

enum side { BOTH, PEOPLE, ENTRIES };
static enum side side = BOTH;

static size_t
count(const struct row *r)
{
	return side == PEOPLE ? r->people : side == ENTRIES ? r->entries :
		r->people + r->entries;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (count(x) != count(y))
		return count(x) > count(y) ? -1 : 1;
	return strcmp(x->tag, y->tag);
}

static size_t
hash(const char *s)
{
	size_t h = 14695981039346656037u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

/* Room for one more row, the hash kept at most half full. */
static int
grow(struct table *t)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct row *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		t->v = v;
		t->cap = cap;
	}
	if (2 * (t->n + 1) > t->nslot) {
		size_t ns = t->nslot ? 2 * t->nslot : 256;
		size_t *sl = calloc(ns, sizeof *sl);
		if (!sl)
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t i = 0; i < t->n; i++) {
			size_t h = hash(t->v[i].tag) & (ns - 1);
			while (sl[h])
				h = (h + 1) & (ns - 1);
			sl[h] = i + 1;
		}
		free(t->slot);
		t->slot = sl;
		t->nslot = ns;
	}
	return 0;
}

/* Count one occurrence of tag on the people's or the entries' side. */
static int
add(struct table *t, const char *tag, size_t people, size_t entries)
{
	size_t h;
	int rc;

	if ((rc = grow(t)) < 0)
		return rc;
	for (h = hash(tag) & (t->nslot - 1); t->slot[h]; h = (h + 1) & (t->nslot - 1)) {
		struct row *r = &t->v[t->slot[h] - 1];
		if (!strcmp(r->tag, tag)) {
			r->people += people;
			r->entries += entries;
			return 0;
		}
	}
	t->slot[h] = t->n + 1;
	t->v[t->n++] = (struct row){ tag, people, entries };
	return 0;
}

static int
collect(struct table *t, struct kith_model *m)
{
	const struct kith_tag_count *tc;
	size_t k = 0, ntc;
	int rc;

	for (size_t i = 0; i < m->npeople; i++)
		for (size_t j = 0; j < m->people[i]->ntags; j++)
			if ((rc = add(t, m->people[i]->tags[j], 1, 0)) < 0)
				return rc;
	if ((rc = kith_model_entry_tags(&tc, &ntc, m)) < 0)
		return rc;
	for (size_t i = 0; i < ntc; i++)
		if ((rc = add(t, tc[i].tag, 0, tc[i].n)) < 0)
			return rc;
	for (size_t i = 0; i < t->n; i++)
		if (count(&t->v[i]))
			t->v[k++] = t->v[i];
	t->n = k;
	kith_sort(t->v, t->n, sizeof *t->v, cmp_row);
	return 0;
}

/* Display width of s in columns, counting each code point as one. */
static int
width(const char *s)
{
	int w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

static void
print_human(const struct table *t)
{
	bool color = kith_color(stdout);
	int wt = 3, wp = 6, we = 7;
	char buf[32];

	for (size_t i = 0; i < t->n; i++) {
		int w = 1 + width(t->v[i].tag);
		wt = w > wt ? w : wt;
		w = snprintf(buf, sizeof buf, "%zu", t->v[i].people);
		wp = w > wp ? w : wp;
		w = snprintf(buf, sizeof buf, "%zu", t->v[i].entries);
		we = w > we ? w : we;
	}
	printf("%s%-*s  %*s  %*s%s\n", color ? "\033[1m" : "", wt, "tag", wp,
		"people", we, "entries", color ? "\033[0m" : "");
	for (size_t i = 0; i < t->n; i++) {
		const struct row *r = &t->v[i];
		int pad = wt - 1 - width(r->tag);
		printf("#%s%*s  %*zu  %*zu\n", r->tag, pad, "", wp, r->people,
			we, r->entries);
	}
}

static void
print_tsv(const struct table *t, bool header)
{
	if (header)
		puts("tag\tpeople\tentries");
	for (size_t i = 0; i < t->n; i++) {
		kith_tsv_cell(stdout, t->v[i].tag);
		printf("\t%zu\t%zu\n", t->v[i].people, t->v[i].entries);
	}
}

static int
print_json(const struct table *t)
{
	json_t *a = json_array();
	int rc;

	for (size_t i = 0; a && i < t->n; i++) {
		json_t *o = json_pack("{s:s, s:I, s:I}", "tag", t->v[i].tag,
			"people", (json_int_t)t->v[i].people,
			"entries", (json_int_t)t->v[i].entries);
		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			a = NULL;
		}
	}
	rc = a ? kith_json_print_array(stdout, a) :
		kith_error_set(KITH_ERROR, "out of memory");
	json_decref(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "people", no_argument, NULL, 'p' },
		{ "entries", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct table t = { 0 };
	bool json = false, tsv = false, header = false, people = false,
		entries = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "Hh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			people = true;
			break;
		case 'e':
			entries = true;
			break;
		case 'j':
			json = true;
			break;
		case 'f':
			if (strcmp(optarg, "tsv"))
				usage(stderr, 2);
			tsv = true;
			break;
		case 'H':
			header = true;
			break;
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc || (json && tsv) || (people && entries))
		usage(stderr, 2);
	side = people ? PEOPLE : entries ? ENTRIES : BOTH;
	if ((rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = KITH_Q_TAG_COUNTS | KITH_Q_NO_NOTES })) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, NULL);
	if ((rc = collect(&t, m)) < 0)
		goto out;
	if (json)
		rc = print_json(&t);
	else if (tsv)
		print_tsv(&t, header);
	else if (t.n)
		print_human(&t);
	if (rc >= 0)
		rc = kith_stdout_close();
out:
	free(t.v);
	free(t.slot);
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return t.n ? 0 : 1;
}
