/*
 * kith-journal - the journal's entries, oldest first, as Markdown.
 *
 * Filters by date (--since, --until, --on), by the people an entry is an
 * interaction with (--person) and by its tags (--tag), any of them or
 * --all; --grep takes a PCRE2 pattern over the entry's source text; -n N
 * keeps the N most recent. Only journal entries are listed: the dated
 * items in a person's notes belong to `kith show`.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <getopt.h>
#include <limits.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-journal";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith journal [-aHir] [-n N] [--since date] [--until date]"
		" [--on date] [--person person]... [--tag tag]... [--grep pattern]"
		" [--json | --format tsv]\n", f);
	exit(code);
}

/* What the command line asks for. */
struct query {
	const char **dates;  /* --since, --until, --on as given, in order */
	int *dateopts;       /* the option letter that gave it */
	size_t ndates;
	kith_date since, until;
	const char **pnames; /* --person as given, resolved into people */
	struct kith_person **people;
	size_t npeople;
	char **tags;         /* --tag, normalised */
	size_t ntags;
	bool all;
	pcre2_code *re;
	pcre2_match_data *md;
};

/* Every date option narrows the range: they all apply together. */
static int
dates(struct query *q)
{
	kith_date today = 0, d;
	int rc;

	if (q->ndates && (rc = kith_date_today(&today)) < 0)
		return rc;
	for (size_t i = 0; i < q->ndates; i++) {
		if ((rc = kith_date_parse(&d, q->dates[i], today)) < 0)
			return rc;
		if (q->dateopts[i] != 'U' && d > q->since)
			q->since = d;
		if (q->dateopts[i] != 'S' && d < q->until)
			q->until = d;
	}
	return 0;
}

static int
compile(struct query *q, const char *pattern, bool icase)
{
	uint32_t flags = PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE |
		(icase ? PCRE2_CASELESS : 0);
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int err;

	if (!(q->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
	    flags, &err, &off, NULL))) {
		pcre2_get_error_message(err, msg, sizeof msg);
		return kith_error_set(KITH_EINVALID,
			"bad pattern '%s': %s at offset %zu: fix the pattern",
			pattern, (const char *)msg, (size_t)off);
	}
	pcre2_jit_compile(q->re, PCRE2_JIT_COMPLETE); /* else interpreted */
	if (!(q->md = pcre2_match_data_create_from_pattern(q->re, NULL)))
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/* Resolve every --person as kith show does; candidates go to stderr. */
static int
resolve(struct query *q, struct kith_model *m)
{
	for (size_t i = 0; i < q->npeople; i++) {
		int rc = kith_model_find_person(&q->people[i], m, q->pnames[i]);
		if (rc < 0)
			return rc == KITH_ENOTFOUND ? KITH_EINVALID : rc;
	}
	return 0;
}

static bool
with_person(const struct kith_entry *e, const struct kith_person *p)
{
	for (size_t i = 0; i < e->npeople; i++)
		if (e->people[i] == p)
			return true;
	return false;
}

static bool
with_tag(const struct kith_entry *e, const char *tag)
{
	for (size_t i = 0; i < e->ntags; i++)
		if (!strcmp(e->tags[i], tag))
			return true;
	return false;
}

/* Whether e is a journal entry the dates, people and tags pick. */
static bool
picked(const struct query *q, const struct kith_entry *e)
{
	size_t hits = 0;

	if (e->kind != KITH_ENTRY_JOURNAL || e->date < q->since || e->date > q->until)
		return false;
	for (size_t i = 0; i < q->npeople; i++)
		hits += with_person(e, q->people[i]);
	for (size_t i = 0; i < q->ntags; i++)
		hits += with_tag(e, q->tags[i]);
	return !(q->npeople + q->ntags) ||
		(q->all ? hits == q->npeople + q->ntags : hits > 0);
}

/* 1 when e's text matches --grep, 0 when not, or an error when the pattern fails. */
static int
matches(const struct query *q, const struct kith_entry *e)
{
	PCRE2_UCHAR msg[256];
	int rc;

	/* The model holds valid UTF-8 only: no need to check it again. */
	rc = pcre2_match(q->re, (PCRE2_SPTR)e->text, strlen(e->text), 0,
		PCRE2_NO_UTF_CHECK, q->md, NULL);
	if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
		return rc >= 0;
	pcre2_get_error_message(rc, msg, sizeof msg);
	return kith_error_set(KITH_EINVALID,
		"pattern failed on %s:%d: %s: simplify the pattern",
		e->path, e->line, (const char *)msg);
}

/* The next line of s. */
static const char *
next_line(const char *s)
{
	s += strcspn(s, "\n");
	return *s ? s + 1 : s;
}

/* Whether the line at s is a setext underline of "-" (spec 4.3). */
static bool
dash_underline(const char *s)
{
	size_t i = 0;

	while (i < 3 && s[i] == ' ')
		i++;
	if (s[i] != '-')
		return false;
	while (s[i] == '-')
		i++;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	return s[i] == '\n' || !s[i];
}

/*
 * The source text after the entry's own level-2 heading, if it has one
 * (an entry before a day's first heading has none: the loader says). The
 * heading's lines are found by hand, for cmark 0.30.2 ends a setext
 * heading on the line after its underline.
 */
static const char *
body(const struct kith_entry *e)
{
	const char *s = e->text;
	bool heading = e->heading;

	if (heading && s[strspn(s, " ")] == '#') {
		s = next_line(s);
	} else if (heading) {
		while (*s && !dash_underline(s))
			s = next_line(s);
		s = next_line(s);
	}
	while (*s == '\n')
		s++;
	return s;
}

/* The entries a window's texts are cut for at a time. */
#define WINDOW 2048

/* How print() writes the entries. */
enum format { MARKDOWN, TSV, JSON };

/*
 * e, after prev (NULL: the first), whose day it may share. No printf: on
 * thousands of entries its formatting cost more than the loading.
 */
static void
print_markdown(const struct kith_entry *e, const struct kith_entry *prev)
{
	const char *b = body(e);
	char buf[24];

	if (!prev || e->date != prev->date) {
		fputs(prev ? "\n# " : "# ", stdout);
		fputs(kith_date_format(buf, e->date), stdout);
		putchar('\n');
	}
	fputs("\n## ", stdout);
	if (e->time >= 0) {
		fputs(kith_time_format(buf, e->time), stdout);
		putchar(' ');
	}
	if (*e->title) {
		fputs(e->title, stdout);
		putchar(' ');
	}
	putchar('`');
	fputs(e->path, stdout);
	putchar(':');
	fputs(kith_int_format(buf, e->line), stdout);
	fputs("`\n", stdout);
	if (*b) {
		putchar('\n');
		fputs(b, stdout);
	}
}

/* The text as one TSV cell: its last newline dropped, the rest flattened. */
static void
text_cell(const char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		n--;
	kith_tsv_cell_n(stdout, s, n);
}

static void
print_tsv(const struct kith_entry *e)
{
	char buf[16], tbuf[16];

	printf("%s\t%s\t", kith_date_format(buf, e->date),
		kith_time_format(tbuf, e->time));
	kith_tsv_cell(stdout, e->title);
	printf("\t%s\t%d\t", e->path, e->line);
	for (size_t j = 0; j < e->npeople; j++)
		printf("%s%s", j ? "," : "", e->people[j]->slug);
	putchar('\t');
	kith_tsv_list(stdout, e->tags, e->ntags);
	putchar('\t');
	text_cell(e->text);
	putchar('\n');
}

static void
json_field(const char *key, const char *s)
{
	fputs(key, stdout);
	kith_json_str(stdout, s, s ? strlen(s) : 0);
}

/*
 * Written by hand, as jansson's compact dump of the same array would
 * be: --tag may print 20 MB of entries, which a tree of json_t copies
 * whole and dumps at a third of the speed.
 */
static void
print_json(const struct kith_entry *e, const struct kith_entry *prev)
{
	char buf[24];

	fputs(prev ? ",\n" : "[\n", stdout);
	json_field("{\"date\":", kith_date_format(buf, e->date));
	json_field(",\"time\":", e->time < 0 ? NULL : kith_time_format(buf, e->time));
	json_field(",\"title\":", e->title);
	json_field(",\"path\":", e->path);
	fputs(",\"line\":", stdout);
	fputs(kith_int_format(buf, e->line), stdout);
	fputs(",\"people\":[", stdout);
	for (size_t j = 0; j < e->npeople; j++)
		json_field(j ? "," : "", e->people[j]->slug);
	fputs("],\"tags\":[", stdout);
	for (size_t j = 0; j < e->ntags; j++)
		json_field(j ? "," : "", e->tags[j]);
	json_field("],\"text\":", e->text);
	putchar('}');
}

/*
 * v[0..n) as f says, or with filter those of them whose text --grep
 * matches; their texts cut a window at a time: a journal of 20 years is
 * 50 MB of text, which need not all be held at once. How many were
 * written in *out.
 */
static int
print(struct kith_model *m, const struct query *q, bool filter,
	struct kith_entry **v, size_t n, enum format f, bool header, size_t *out)
{
	const struct kith_entry *prev = NULL;
	int rc;

	*out = 0;
	if (f == TSV && header)
		puts("date\ttime\ttitle\tpath\tline\tpeople\ttags\ttext");
	for (size_t i = 0; i < n; i += WINDOW) {
		size_t w = n - i < WINDOW ? n - i : WINDOW;
		size_t nw = n - i - w < WINDOW ? n - i - w : WINDOW;
		if ((rc = kith_model_texts(m, v + i, w, v + i + w, nw)) < 0)
			return rc;
		for (size_t j = i; j < i + w; j++) {
			if (filter && (rc = matches(q, v[j])) <= 0) {
				if (rc < 0)
					return rc;
				continue;
			}
			if (f == MARKDOWN)
				print_markdown(v[j], prev);
			else if (f == TSV)
				print_tsv(v[j]);
			else
				print_json(v[j], prev);
			prev = v[j];
			++*out;
		}
	}
	if (f == JSON)
		fputs(prev ? "\n]\n" : "[]\n", stdout);
	kith_model_texts(m, NULL, 0, NULL, 0);
	return 0;
}

/* The journal entries the dates, people and tags pick, oldest first. */
static int
select_entries(struct kith_entry ***out, size_t *nout, const struct kith_model *m,
	const struct query *q)
{
	struct kith_entry **v = malloc((m->nentries + 1) * sizeof *v);
	size_t k = 0;

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < m->nentries; i++)
		if (picked(q, m->entries[i]))
			v[k++] = m->entries[i];
	*out = v;
	*nout = k;
	return 0;
}

/*
 * The newest limit of v[0..*n) whose text --grep matches, in order,
 * looked for newest first, a window's texts at a time.
 */
static int
grep_newest(struct kith_model *m, const struct query *q, struct kith_entry **v,
	size_t *n, size_t limit)
{
	/* kept at the end, v[k..*n): k never below what is still to look at */
	size_t k = *n;
	int rc;

	for (size_t hi = *n; hi > 0 && *n - k < limit;) {
		size_t lo = hi > WINDOW ? hi - WINDOW : 0;
		size_t nlo = lo > WINDOW ? lo - WINDOW : 0;
		if ((rc = kith_model_texts(m, v + lo, hi - lo, v + nlo, lo - nlo)) < 0)
			return rc;
		for (size_t j = hi; j-- > lo && *n - k < limit;) {
			if ((rc = matches(q, v[j])) < 0)
				return rc;
			if (rc)
				v[--k] = v[j];
		}
		hi = lo;
	}
	memmove(v, v + k, (*n - k) * sizeof *v);
	*n -= k;
	return 0;
}

static void
reverse(struct kith_entry **v, size_t n)
{
	for (size_t i = 0; i < n / 2; i++) {
		struct kith_entry *t = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "on", required_argument, NULL, 'O' },
		{ "person", required_argument, NULL, 'p' },
		{ "tag", required_argument, NULL, 't' },
		{ "all", no_argument, NULL, 'a' },
		{ "grep", required_argument, NULL, 'g' },
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct query q = { .since = INT32_MIN, .until = INT32_MAX };
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct kith_entry **v = NULL;
	const char *pattern = NULL;
	char *end;
	bool json = false, tsv = false, header = false, icase = false, rev = false;
	long n = 0;
	size_t nv = 0, nout = 0;
	int c, rc;

	q.dates = calloc((size_t)argc, sizeof *q.dates);
	q.dateopts = calloc((size_t)argc, sizeof *q.dateopts);
	q.pnames = calloc((size_t)argc, sizeof *q.pnames);
	q.people = calloc((size_t)argc, sizeof *q.people);
	q.tags = calloc((size_t)argc, sizeof *q.tags);
	if (!q.dates || !q.dateopts || !q.pnames || !q.people || !q.tags) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	while ((c = getopt_long(argc, argv, "aHhin:r", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
		case 'U':
		case 'O':
			q.dateopts[q.ndates] = c;
			q.dates[q.ndates++] = optarg;
			break;
		case 'p':
			q.pnames[q.npeople++] = optarg;
			break;
		case 't':
			if ((rc = kith_tag_norm(&q.tags[q.ntags], optarg)) < 0)
				goto out;
			q.ntags++;
			break;
		case 'a':
			q.all = true;
			break;
		case 'g':
			pattern = optarg;
			break;
		case 'i':
			icase = true;
			break;
		case 'n':
			n = strtol(optarg, &end, 10);
			if (!*optarg || *end || n < 1 || n > INT_MAX) {
				rc = kith_error_set(KITH_EINVALID, "bad -n '%s': "
					"give a number of entries from 1", optarg);
				goto out;
			}
			break;
		case 'r':
			rev = true;
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
	if ((rc = dates(&q)) < 0 ||
	    (pattern && (rc = compile(&q, pattern, icase)) < 0) ||
	    (rc = kith_repo_open(&repo, NULL)) < 0)
		goto out;
	/* Any one of the conditions that must all hold picks enough entries;
	 * only journal entries are shown, so the people's notes may stay out. */
	struct kith_query kq = { .flags = KITH_Q_TEXT | KITH_Q_LATER | KITH_Q_NO_NOTES };
	if (q.ndates) {
		kq.flags |= KITH_Q_DATES;
		kq.since = q.since;
		kq.until = q.until;
	} else if (q.npeople + q.ntags) {
		kq.people = q.pnames;
		kq.npeople = q.npeople;
		kq.tags = (const char *const *)q.tags;
		kq.ntags = q.ntags;
	} else if (n > 0 && !pattern) {
		/* the newest n: in the newest days */
		kq.flags |= KITH_Q_NEWEST;
		kq.newest = (size_t)n;
	} else {
		kq.flags |= KITH_Q_ALL;
	}
	/* No mentions: an entry's people, where Markdown shows none, matter
	 * only for --person, when the query names them; JSON and TSV show
	 * them all, as --person does with dates (the query names no one). */
	kq.flags |= KITH_Q_BARE;
	if (json || tsv || (q.npeople && !kq.npeople))
		kq.flags |= KITH_Q_WITH;
	if ((rc = kith_model_query(&m, repo, &kq)) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, NULL);
	if ((rc = resolve(&q, m)) < 0 ||
	    (rc = select_entries(&v, &nv, m, &q)) < 0)
		goto out;
	/* -n with --grep: the newest that match, then printed; else matched as printed */
	bool filter = q.re != NULL;
	if (filter && n > 0) {
		if ((rc = grep_newest(m, &q, v, &nv, (size_t)n)) < 0)
			goto out;
		filter = false;
	}
	if (n > 0 && nv > (size_t)n) {
		memmove(v, v + (nv - (size_t)n), (size_t)n * sizeof *v);
		nv = (size_t)n;
	}
	if (rev)
		reverse(v, nv);
	if ((rc = print(m, &q, filter, v, nv, json ? JSON : tsv ? TSV : MARKDOWN,
	    header, &nout)) < 0 || (rc = kith_stdout_close()) < 0)
		goto out;
out:
	free(v);
	for (size_t i = 0; i < q.ntags; i++)
		free(q.tags[i]);
	free(q.tags);
	free(q.people);
	free(q.pnames);
	free(q.dateopts);
	free(q.dates);
	pcre2_match_data_free(q.md);
	pcre2_code_free(q.re);
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return nout ? 0 : 1;
}
