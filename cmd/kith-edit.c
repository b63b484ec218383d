/*
 * kith-edit.c - open the editor on a person's file or a journal day, and
 * commit what changed.
 *
 * The argument names a person (slug, name, alias or unique prefix, as
 * kith show takes it) or a date (ISO or a word such as "yesterday", as
 * kith log -d takes it); none means today. A word that could be both is
 * a date, unless it is exactly some person's slug: "friday" is the
 * person whose file is people/friday.md if there is one, else the day;
 * write the slug or the name for a person whose alias is a date word,
 * and an ISO date for a day whose word is someone's slug.
 *
 * A journal day that does not exist yet is made from the day.md
 * template first, and removed again when the editor leaves it as the
 * template. When the editor exits 0 the file is committed, if it differs
 * from its last commit, as "edit: NAME" or "edit: journal YYYY-MM-DD".
 * The repository lock is not held while the editor runs (lib/editor.c).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kith.h"

/* What to edit. */
struct target {
	struct kith_buf rel;     /* repository-relative path */
	struct kith_buf message; /* the commit message */
	char *initial;           /* the day template's text for a day, or NULL */
};

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith edit [person | date]\n", f);
	exit(code);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kith-edit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Report a lib/ failure and exit with its status. */
static void __attribute__((noreturn))
fail(int rc)
{
	die(kith_exit_code(rc), "%s", kith_error());
}

/* The journal day of date, from the day template when it is new. */
static void
day_target(struct target *t, kith_date date)
{
	const char *key = "date", *value;
	char iso[11], *tmpl;
	int y, m, d, rc;

	kith_date_to_ymd(date, &y, &m, &d);
	if (y < 1 || y > 9999)
		die(2, "the date is out of range: give a year from 1 to 9999");
	value = kith_date_format(iso, date);
	if ((rc = kith_template_read(&tmpl, "day.md")) < 0 ||
	    (rc = kith_template_expand(&t->initial, tmpl, &key, &value, 1)) < 0)
		fail(rc);
	free(tmpl);
	if (kith_buf_printf(&t->rel, "journal/%04d/%s.md", y, iso) < 0 ||
	    kith_buf_printf(&t->message, "edit: journal %s", iso) < 0)
		fail(KITH_ERROR);
}

static void
person_target(struct target *t, const char *slug, const char *name)
{
	if (kith_buf_printf(&t->rel, "people/%s.md", slug) < 0 ||
	    kith_buf_printf(&t->message, "edit: %s", name) < 0)
		fail(KITH_ERROR);
}

/* Whether people/ARG.md is there (a file, or a symlink to refuse). */
static bool
slug_file(struct kith_repo *repo, const char *arg)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	bool yes;

	if (!kith_slug_valid(arg))
		return false;
	if (kith_buf_printf(&abs, "%s/people/%s.md", kith_repo_root(repo),
	    arg) < 0)
		fail(KITH_ERROR);
	yes = lstat(abs.ptr, &st) == 0;
	kith_buf_free(&abs);
	return yes;
}

static struct kith_model *
load(struct kith_repo *repo)
{
	struct kith_model *m;
	int rc;

	if ((rc = kith_model_query(&m, repo, &(struct kith_query){ 0 })) < 0)
		fail(rc);
	kith_model_warn(stderr, "kith-edit", m, NULL);
	return m;
}

/* The person exactly of slug arg (their file may not parse: the slug). */
static void
by_slug(struct target *t, struct kith_repo *repo, const char *arg)
{
	struct kith_model *m = load(repo);
	const char *name = arg;

	for (size_t i = 0; i < m->npeople; i++)
		if (strcmp(m->people[i]->slug, arg) == 0)
			name = m->people[i]->name;
	person_target(t, arg, name);
	kith_model_free(m);
}

/* A person by slug, name, alias or prefix; exits 2 when none or several. */
static void
by_name(struct target *t, struct kith_repo *repo, const char *arg)
{
	struct kith_model *m = load(repo);
	struct kith_person *p;
	int rc = kith_model_find_person(&p, m, arg);

	if (rc == KITH_ENOTFOUND)
		die(2, "no person or date matches '%s': give a slug, name or "
			"alias (see 'kith ls'), or a date such as YYYY-MM-DD or "
			"'yesterday'", arg);
	if (rc < 0)
		fail(rc);
	person_target(t, p->slug, p->name);
	kith_model_free(m);
}

/* Whether s is shaped like an ISO date, DDDD-DD-DD: meant as one. */
static bool
iso_shaped(const char *s)
{
	if (strlen(s) != 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* Resolve the argument (NULL: today), dates before names. */
static void
resolve(struct target *t, struct kith_repo *repo, const char *arg)
{
	kith_date today, date;
	int rc;

	if ((rc = kith_date_today(&today)) < 0)
		fail(rc);
	if (!arg)
		day_target(t, today);
	else if (slug_file(repo, arg))
		by_slug(t, repo, arg);
	else if ((rc = kith_date_parse(&date, arg, today)) == 0)
		day_target(t, date);
	else if (iso_shaped(arg))
		fail(rc);
	else
		by_name(t, repo, arg);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct target t = { KITH_BUF_INIT, KITH_BUF_INIT, NULL };
	struct kith_repo *repo;
	enum kith_edit_result res;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1)
		usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	if (argc - optind > 1)
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		fail(rc);
	resolve(&t, repo, optind < argc ? argv[optind] : NULL);
	if ((rc = kith_editor_edit(&res, repo, t.rel.ptr, t.initial,
	    t.message.ptr)) < 0)
		fail(rc);
	if (res == KITH_EDIT_UNCHANGED)
		fprintf(stderr, "kith-edit: no changes to '%s': nothing "
			"committed\n", t.rel.ptr);
	else if (res == KITH_EDIT_DISCARDED)
		fprintf(stderr, "kith-edit: no changes to the new day '%s': "
			"not kept\n", t.rel.ptr);
	else if (res == KITH_EDIT_CHANGED)
		fprintf(stderr, "kith-edit: '%s' changed, not committed: "
			"kith.autocommit is false\n", t.rel.ptr);
	if ((rc = kith_stdout_close()) < 0)
		fail(rc);
	kith_gc_warn(stderr, "kith-edit");
	kith_repo_free(repo);
	kith_buf_free(&t.rel);
	kith_buf_free(&t.message);
	free(t.initial);
	return 0;
}
