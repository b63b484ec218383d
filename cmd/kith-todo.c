/*
 * kith-todo - the open follow-ups ("- [ ] ..." items), overdue first.
 *
 * Ordered by due date (those without one last), then path, then line.
 * Each row starts with the follow-up's id, which `kith done` takes: a
 * hash of its path and text (kith_followup_id), so it survives lines
 * added above it. --all adds the ticked ones, --person keeps those that
 * belong to one person.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-todo";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith todo [-H] [--all] [--person person] "
		"[--json | --format tsv]\n", f);
	exit(code);
}

struct row {
	const struct kith_followup *f;
	char id[KITH_FOLLOWUP_ID_LEN + 1];
};

static bool
belongs(const struct kith_followup *f, const struct kith_person *p)
{
	for (size_t i = 0; i < f->npeople; i++)
		if (f->people[i] == p)
			return true;
	return false;
}

/* Due date first (none last), then path, then line. */
static int
cmp_row(const void *a, const void *b)
{
	const struct kith_followup *x = ((const struct row *)a)->f,
		*y = ((const struct row *)b)->f;
	int c;

	if (x->due != y->due) {
		if (x->due == KITH_NODATE || y->due == KITH_NODATE)
			return x->due == KITH_NODATE ? 1 : -1;
		return x->due < y->due ? -1 : 1;
	}
	if ((c = strcmp(x->path, y->path)))
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* The follow-ups to list, sorted; *out is malloc'd. */
static int
collect(struct row **out, size_t *n, const struct kith_model *m, bool all,
	const struct kith_person *p)
{
	struct row *v = malloc((m->nfollowups + 1) * sizeof *v);
	int rc;

	*out = v;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < m->nfollowups; i++) {
		const struct kith_followup *f = m->followups[i];
		if ((f->done && !all) || (p && !belongs(f, p)))
			continue;
		v[*n].f = f;
		if ((rc = kith_followup_id(v[*n].id, f)) < 0)
			return rc;
		(*n)++;
	}
	kith_sort(v, *n, sizeof *v, cmp_row);
	return 0;
}

/* "(due 2026-11-20, 5 days late)", "(due …, today)", "(due …, in 3 days)". */
static void
print_due(const struct kith_followup *f, kith_date today, const char *red,
	const char *reset)
{
	char buf[24];
	int days = (int)(f->due - today);

	if (f->due == KITH_NODATE)
		return;
	fputs("  (due ", stdout);
	fputs(kith_date_format(buf, f->due), stdout);
	if (f->done) {
		fputs(")", stdout);
	} else if (days < 0) {
		fputs(", ", stdout);
		fputs(red, stdout);
		fputs(kith_int_format(buf, -(long long)days), stdout);
		fputs(days == -1 ? " day late" : " days late", stdout);
		fputs(reset, stdout);
		fputs(")", stdout);
	} else if (days == 0) {
		fputs(", today)", stdout);
	} else {
		fputs(", in ", stdout);
		fputs(kith_int_format(buf, days), stdout);
		fputs(days == 1 ? " day)" : " days)", stdout);
	}
}

static void
print_human(const struct row *v, size_t n, kith_date today)
{
	bool color = kith_color(stdout);
	const char *y = color ? "\033[33m" : "", *d = color ? "\033[2m" : "",
		*red = color ? "\033[31m" : "", *r = color ? "\033[0m" : "";

	/* no printf: thousands of lines on a big repository */
	for (size_t i = 0; i < n; i++) {
		const struct kith_followup *f = v[i].f;
		fputs(y, stdout);
		fputs(v[i].id, stdout);
		fputs(r, stdout);
		fputs(f->done ? "  [x] " : "  [ ] ", stdout);
		fputs(f->text, stdout);
		print_due(f, today, red, r);
		for (size_t j = 0; j < f->npeople; j++) {
			fputs(j ? ",@" : "  @", stdout);
			fputs(f->people[j]->slug, stdout);
		}
		kith_put_where(stdout, f->path, f->line, d, r);
	}
}

static void
print_tsv(const struct row *v, size_t n, bool header)
{
	char buf[16];

	if (header)
		puts("id\ttext\tdone\tdue\tpeople\tpath:line");
	for (size_t i = 0; i < n; i++) {
		const struct kith_followup *f = v[i].f;
		printf("%s\t", v[i].id);
		kith_tsv_cell(stdout, f->text);
		printf("\t%s\t%s\t", f->done ? "true" : "false",
			f->due == KITH_NODATE ? "" : kith_date_format(buf, f->due));
		for (size_t j = 0; j < f->npeople; j++)
			printf("%s%s", j ? "," : "", f->people[j]->slug);
		printf("\t%s:%d\n", f->path, f->line);
	}
}

/*
 * Written by hand, as jansson's compact dump of the same objects would
 * be: --all lists every follow-up, and a tree of json_t for each took
 * twice the memory of the rest of the command (large bench: 104 MB).
 */
static void
print_json(const struct row *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n" : "[\n", stdout);
		kith_json_followup_open(stdout, v[i].f);
		fputs(",\"id\":", stdout);
		kith_json_str(stdout, v[i].id, strlen(v[i].id));
		putchar('}');
	}
	fputs(n ? "\n]\n" : "[]\n", stdout);
}

/* --person: the one person named, or the candidates listed and rc < 0. */
static int
find_person(struct kith_person **out, struct kith_model *m, const char *q)
{
	int rc = kith_model_find_person(out, m, q);

	return rc == KITH_ENOTFOUND ? KITH_EINVALID : rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "person", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct kith_person *p = NULL;
	struct row *rows = NULL;
	const char *person = NULL;
	bool all = false, json = false, tsv = false, header = false;
	kith_date today;
	size_t n = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "Hh", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			all = true;
			break;
		case 'p':
			person = optarg;
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
	if ((rc = kith_date_today(&today)) < 0 ||
	    (rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = all ? KITH_Q_FOLLOWUPS : KITH_Q_OPEN | KITH_Q_ALONE })) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, NULL);
	if ((person && (rc = find_person(&p, m, person)) < 0) ||
	    (rc = collect(&rows, &n, m, all, p)) < 0)
		goto out;
	if (json)
		print_json(rows, n);
	else if (tsv)
		print_tsv(rows, n, header);
	else
		print_human(rows, n, today);
	if (rc >= 0)
		rc = kith_stdout_close();
out:
	free(rows);
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return n ? 0 : 1;
}
