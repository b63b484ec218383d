/*
 * kith-due - the daily view: everything that falls due by today+N.
 *
 * People to reconnect with (last interaction + cadence), birthdays coming
 * up, and open follow-ups with a due: date; overdue first. Each row says
 * why it is due and where the evidence is, as path:line.
 */
#include <getopt.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-due";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith due [-H] [--days N] [--json | --format tsv]\n", f);
	exit(code);
}

enum kind { RECONNECT, BIRTHDAY, FOLLOWUP };
static const char *const kind_names[] = { "reconnect", "birthday", "followup" };

struct row {
	enum kind kind;
	const struct kith_person *p; /* NULL: a follow-up of nobody's */
	kith_date date;
	char *text;
	const char *path;
	int line;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static int
push(struct rows *rs, struct row r)
{
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 32;
		struct row *v = realloc(rs->v, cap * sizeof *v);
		if (!v) {
			free(r.text);
			return kith_error_set(KITH_ERROR, "out of memory");
		}
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = r;
	return 0;
}

/*
 * The strings up to a NULL, joined into one (malloc'd). Not printf: a row
 * for each of thousands of people on a big repository.
 */
static char *
join(const char *s, ...)
{
	va_list ap;
	size_t n = 0;
	char *out, *o;

	va_start(ap, s);
	for (const char *t = s; t; t = va_arg(ap, const char *))
		n += strlen(t);
	va_end(ap);
	if (!(out = o = malloc(n + 1)))
		return NULL;
	va_start(ap, s);
	for (const char *t = s; t; t = va_arg(ap, const char *))
		o = stpcpy(o, t);
	va_end(ap);
	return out;
}

static int
field_line(const struct kith_person *p, const char *key)
{
	for (size_t i = 0; i < p->nfields; i++)
		if (!strcmp(p->fields[i].key, key))
			return p->fields[i].line;
	return p->name_line ? p->name_line : 1;
}

static int
reconnect(struct rows *rs, const struct kith_person *p, const char *every,
	kith_date today, kith_date until)
{
	struct kith_cadence c;
	char buf[16];
	struct row r = { RECONNECT, p, today, NULL, p->path, 0 };

	if (!every)
		return 0;
	if (kith_cadence_parse(&c, every) < 0) {
		fprintf(stderr, "%s: warning: %s: %s\n", argv0, p->path, kith_error());
		return 0;
	}
	if (p->last == KITH_NODATE) {
		r.line = p->every ? field_line(p, "every") : r.line;
		r.line = r.line ? r.line : (p->name_line ? p->name_line : 1);
		r.text = join("every ", every, ", no interaction yet", (char *)NULL);
	} else {
		const struct kith_entry *e = p->latest;
		r.date = kith_cadence_add(p->last, &c);
		r.path = e->path;
		r.line = e->line;
		r.text = join("every ", every, ", last ", kith_date_format(buf, p->last),
			": ", e->title, (char *)NULL);
	}
	if (r.date > until) {
		free(r.text);
		return 0;
	}
	return r.text ? push(rs, r) : kith_error_set(KITH_ERROR, "out of memory");
}

/* The next occurrence on or after today; Feb 29 is Feb 28 in other years. */
static kith_date
next_birthday(int mo, int d, kith_date today)
{
	int ty, tm, td;
	kith_date next = today;

	kith_date_to_ymd(today, &ty, &tm, &td);
	for (int year = ty; year <= ty + 1; year++) {
		int dd = mo == 2 && d == 29 && !kith_date_valid_ymd(year, 2, 29) ? 28 : d;
		if ((next = kith_date_from_ymd(year, mo, dd)) >= today)
			break;
	}
	return next;
}

static int
birthday(struct rows *rs, const struct kith_person *p, kith_date today,
	kith_date until)
{
	const char *v = kith_person_field(p, "birthday");
	int y = 0, mo, d, ny;
	char iso[16];
	kith_date born, next;

	if (!v)
		return 0;
	/* --MM-DD: no year; read it in a leap year so that --02-29 passes. */
	size_t k = strnlen(v, 10);
	if (!strncmp(v, "--", 2) && strlen(v) == 7) {
		memcpy(iso, "2000-", 5);
		memcpy(iso + 5, v + 2, 6);
	} else {
		memcpy(iso, v, k);
		iso[k] = '\0';
	}
	if (strlen(v) > 10 || kith_date_parse_iso(&born, iso, strlen(iso)) < 0) {
		fprintf(stderr, "%s: warning: %s: bad birthday '%s': use YYYY-MM-DD or --MM-DD\n",
			argv0, p->path, v);
		return 0;
	}
	kith_date_to_ymd(born, &y, &mo, &d);
	if (!strncmp(v, "--", 2))
		y = 0;
	if ((next = next_birthday(mo, d, today)) > until)
		return 0;
	kith_date_to_ymd(next, &ny, &mo, &d);
	struct row r = { BIRTHDAY, p, next, NULL, p->path, field_line(p, "birthday") };
	char n[24];
	r.text = y && ny > y ? join("birthday, turns ", kith_int_format(n, ny - y),
		(char *)NULL) : join("birthday", (char *)NULL);
	return r.text ? push(rs, r) : kith_error_set(KITH_ERROR, "out of memory");
}

static int
followups(struct rows *rs, const struct kith_model *m, kith_date until)
{
	for (size_t i = 0; i < m->nfollowups; i++) {
		const struct kith_followup *f = m->followups[i];
		if (f->done || f->due == KITH_NODATE || f->due > until)
			continue;
		for (size_t j = 0; j < (f->npeople ? f->npeople : 1); j++) {
			struct row r = { FOLLOWUP, f->npeople ? f->people[j] : NULL,
				f->due, strdup(f->text), f->path, f->line };
			if (!r.text || push(rs, r) < 0)
				return kith_error_set(KITH_ERROR, "out of memory");
		}
	}
	return 0;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	int c = strcmp(x->p ? x->p->slug : "", y->p ? y->p->slug : "");
	return c ? c : strcmp(x->path, y->path) ? strcmp(x->path, y->path) : x->line - y->line;
}

/* s, then spaces to width bytes, as printf's %-*s. */
static void
pad(const char *s, size_t width)
{
	size_t n = strlen(s);

	fputs(s, stdout);
	for (; n < width; n++)
		putchar(' ');
}

static void
print_human(const struct rows *rs, kith_date today)
{
	static const char *const groups[] = { "Overdue", "Today", "Coming" };
	bool color = kith_color(stdout);
	const char *b = color ? "\033[1m" : "", *r = color ? "\033[0m" : "",
		*d = color ? "\033[2m" : "", *red = color ? "\033[31m" : "";
	char buf[16], when[48];
	int group = -1;

	for (size_t i = 0; i < rs->n; i++) {
		const struct row *x = &rs->v[i];
		int days = (int)(x->date - today);
		int g = days < 0 ? 0 : days == 0 ? 1 : 2;
		if (g != group) {
			printf("%s%s%s%s\n", i ? "\n" : "", b, groups[g], r);
			group = g;
		}
		/* no printf: thousands of lines on a big repository */
		char n[24];
		kith_int_format(n, days < 0 ? -days : days);
		if (days < 0)
			strcpy(stpcpy(stpcpy(when, n), " day"), days == -1 ? " late" : "s late");
		else if (days == 0)
			strcpy(when, "today");
		else
			strcpy(stpcpy(stpcpy(when, "in "), n), days == 1 ? " day" : " days");
		fputs("  ", stdout);
		fputs(kith_date_format(buf, x->date), stdout);
		fputs("  ", stdout);
		fputs(days < 0 ? red : "", stdout);
		pad(when, 13);
		fputs(r, stdout);
		putchar(' ');
		pad(kind_names[x->kind], 9);
		fputs("  ", stdout);
		fputs(b, stdout);
		fputs(x->p ? x->p->name : "(nobody)", stdout);
		fputs(r, stdout);
		fputs(": ", stdout);
		fputs(x->text, stdout);
		kith_put_where(stdout, x->path, x->line, d, r);
	}
}

static void
print_tsv(const struct rows *rs, kith_date today, bool header)
{
	char buf[16];

	if (header)
		puts("kind\tslug\tdate\tdays\ttext\tpath:line");
	for (size_t i = 0; i < rs->n; i++) {
		const struct row *x = &rs->v[i];
		printf("%s\t%s\t%s\t%d\t", kind_names[x->kind], x->p ? x->p->slug : "",
			kith_date_format(buf, x->date), (int)(x->date - today));
		kith_tsv_cell(stdout, x->text);
		printf("\t%s:%d\n", x->path, x->line);
	}
}

static int
print_json(const struct rows *rs, kith_date today)
{
	json_t *a = json_array();
	char buf[16];
	int rc;

	for (size_t i = 0; a && i < rs->n; i++) {
		const struct row *x = &rs->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "kind", json_string(kind_names[x->kind]));
		json_object_set_new(o, "slug", json_string(x->p ? x->p->slug : ""));
		json_object_set_new(o, "date", json_string(kith_date_format(buf, x->date)));
		json_object_set_new(o, "days", json_integer(x->date - today));
		json_object_set_new(o, "text", json_string(x->text));
		json_object_set_new(o, "path", json_string(x->path));
		json_object_set_new(o, "line", json_integer(x->line));
		json_array_append_new(a, o);
	}
	rc = a ? kith_json_print_array(stdout, a) : kith_error_set(KITH_ERROR, "out of memory");
	json_decref(a);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "days", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct rows rs = { 0 };
	char *every = NULL, *end;
	bool json = false, tsv = false, header = false;
	long days = -1;
	kith_date today;
	int c, rc, ndays;

	while ((c = getopt_long(argc, argv, "Hh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			days = strtol(optarg, &end, 10);
			if (!*optarg || *end || days < 0 || days > 36600) {
				fprintf(stderr, "%s: bad --days '%s': give a number of days from 0\n",
					argv0, optarg);
				return 2;
			}
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
	    (rc = kith_repo_config_int(&ndays, repo, "kith.dueDays", 7)) < 0 ||
	    (rc = kith_repo_config_string(&every, repo, "kith.every", NULL)) < 0 ||
	    (rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = KITH_Q_OPEN | KITH_Q_ALONE })) < 0)
		goto out;
	if (days >= 0)
		ndays = (int)days;
	kith_model_warn(stderr, argv0, m, NULL);
	for (size_t i = 0; i < m->npeople; i++) {
		const struct kith_person *p = m->people[i];
		if ((rc = reconnect(&rs, p, p->every ? p->every : every, today, today + ndays)) < 0 ||
		    (rc = birthday(&rs, p, today, today + ndays)) < 0)
			goto out;
	}
	if ((rc = followups(&rs, m, today + ndays)) < 0)
		goto out;
	kith_sort(rs.v, rs.n, sizeof *rs.v, cmp_row);
	if (json)
		rc = print_json(&rs, today);
	else if (tsv)
		print_tsv(&rs, today, header);
	else
		print_human(&rs, today);
	if (rc >= 0)
		rc = kith_stdout_close();
out:
	for (size_t i = 0; i < rs.n; i++)
		free(rs.v[i].text);
	free(rs.v);
	free(every);
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return rs.n ? 0 : 1;
}
