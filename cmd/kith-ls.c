/*
 * kith-ls - list people, one per line: slug, name, last contact.
 *
 * Filters by tag; sorts by name (case- and accent-insensitive) or by last
 * contact, newest first; --json and --format tsv print DESIGN.md's keys.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-ls";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith ls [-H] [--tag tag]... [--sort name|last] [--json | --format tsv]\n", f);
	exit(code);
}

static int
fail(int rc)
{
	fprintf(stderr, "%s: %s\n", argv0, kith_error());
	return kith_exit_code(rc);
}

struct row {
	struct kith_person *p;
	const char *key; /* folded name */
};

static bool by_last;

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c;

	if (by_last && x->p->last != y->p->last)
		return x->p->last > y->p->last ? -1 : 1;
	if ((c = strcmp(x->key, y->key)))
		return c;
	return strcmp(x->p->slug, y->p->slug);
}

static bool
has_any_tag(const struct kith_person *p, char **tags, size_t ntags)
{
	if (!ntags)
		return true;
	for (size_t i = 0; i < ntags; i++)
		for (size_t j = 0; j < p->ntags; j++)
			if (!strcmp(tags[i], p->tags[j]))
				return true;
	return false;
}

/* s, then spaces to width bytes. */
static int
put_padded(struct kith_buf *b, const char *s, size_t width)
{
	size_t len = strlen(s);

	if (kith_buf_put(b, s, len) < 0 ||
	    (len < width && kith_buf_grow(b, width - len) < 0))
		return KITH_ERROR;
	for (; len < width; len++)
		b->ptr[b->len++] = ' ';
	b->ptr[b->len] = '\0';
	return 0;
}

/* The table, made in memory and written at once (printf's %-*s per line
 * costs more than the rest of kith ls on thousands of people). */
static int
print_human(struct row *rows, size_t n)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t ws = 0, wn = 0;
	char buf[16];
	bool color = kith_color(stdout);
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		size_t ls = strlen(rows[i].p->slug), ln = strlen(rows[i].p->name);
		ws = ls > ws ? ls : ws;
		wn = ln > wn ? ln : wn;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		const struct kith_person *p = rows[i].p;
		/* Pad the name by bytes plus its multi-byte surplus. */
		size_t extra = 0;
		for (const char *c = p->name; *c; c++)
			extra += ((unsigned char)*c & 0xC0) == 0x80;
		rc |= kith_buf_puts(&b, color ? "\033[1m" : "");
		rc |= put_padded(&b, p->slug, ws);
		rc |= kith_buf_puts(&b, color ? "\033[0m  " : "  ");
		rc |= put_padded(&b, p->name, wn + extra);
		rc |= kith_buf_puts(&b, "  ");
		rc |= kith_buf_puts(&b, p->last == KITH_NODATE ? "-" :
			kith_date_format(buf, p->last));
		rc |= kith_buf_puts(&b, "\n");
	}
	if (rc == 0 && b.len)
		fwrite(b.ptr, 1, b.len, stdout);
	kith_buf_free(&b);
	return rc ? KITH_ERROR : 0;
}

static void
print_tsv(struct row *rows, size_t n, bool header)
{
	char buf[16];

	if (header)
		puts("slug\tname\tpath\ttags\tlast\tinteractions\tevery");
	for (size_t i = 0; i < n; i++) {
		const struct kith_person *p = rows[i].p;
		kith_tsv_cell(stdout, p->slug);
		putchar('\t');
		kith_tsv_cell(stdout, p->name);
		putchar('\t');
		kith_tsv_cell(stdout, p->path);
		putchar('\t');
		kith_tsv_list(stdout, p->tags, p->ntags);
		printf("\t%s\t%zu\t", p->last == KITH_NODATE ? "" :
			kith_date_format(buf, p->last), p->count);
		kith_tsv_cell(stdout, p->every ? p->every : "");
		putchar('\n');
	}
}

static int
print_json(struct row *rows, size_t n)
{
	json_t *a = json_array();
	int rc;

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, kith_json_person(rows[i].p));
	rc = a ? kith_json_print_array(stdout, a) : KITH_ERROR;
	json_decref(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "sort", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct row *rows = NULL;
	char **tags = calloc((size_t)argc, sizeof *tags);
	size_t ntags = 0, n = 0;
	bool json = false, tsv = false, header = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "Hh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if ((rc = kith_tag_norm(&tags[ntags], optarg)) < 0)
				goto out;
			ntags++;
			break;
		case 's':
			if (!strcmp(optarg, "last"))
				by_last = true;
			else if (strcmp(optarg, "name"))
				usage(stderr, 2);
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
	if (optind != argc || (json && tsv))
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = KITH_Q_NO_NOTES })) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, NULL);
	if (!(rows = calloc(m->npeople + 1, sizeof *rows))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		if (!has_any_tag(p, tags, ntags))
			continue;
		rows[n].p = p;
		rows[n++].key = p->fold;
	}
	kith_sort(rows, n, sizeof *rows, cmp_row);
	if (json)
		rc = print_json(rows, n);
	else if (tsv)
		print_tsv(rows, n, header);
	else
		rc = print_human(rows, n);
	if (rc >= 0)
		rc = kith_stdout_close();
out:
	free(rows);
	for (size_t i = 0; i < ntags; i++)
		free(tags[i]);
	free(tags);
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0)
		return fail(rc);
	return n ? 0 : 1;
}
