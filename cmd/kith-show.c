/*
 * kith-show - one person: the card, then every interaction newest first,
 * then the open follow-ups that belong to them.
 *
 * PERSON is a slug, name, alias or unique prefix; when several people
 * match, they are listed and nothing is shown.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-show";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith show [--json] person\n", f);
	exit(code);
}

static bool
belongs(const struct kith_followup *f, const struct kith_person *p)
{
	for (size_t i = 0; i < f->npeople; i++)
		if (f->people[i] == p)
			return true;
	return false;
}

/* Due first (soonest first), then without a due date; then by place. */
static int
cmp_followup(const void *a, const void *b)
{
	const struct kith_followup *x = *(struct kith_followup *const *)a;
	const struct kith_followup *y = *(struct kith_followup *const *)b;
	int c;

	if (x->due != y->due) {
		if (x->due == KITH_NODATE || y->due == KITH_NODATE)
			return x->due == KITH_NODATE ? 1 : -1;
		return x->due < y->due ? -1 : 1;
	}
	if ((c = strcmp(x->path, y->path)))
		return c;
	return x->line - y->line;
}

/* The open follow-ups that belong to p, in the order above (malloc'd). */
static struct kith_followup **
open_followups(const struct kith_model *m, const struct kith_person *p,
	size_t *n)
{
	struct kith_followup **v = malloc((m->nfollowups + 1) * sizeof *v);

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < m->nfollowups; i++)
		if (!m->followups[i]->done && belongs(m->followups[i], p))
			v[(*n)++] = m->followups[i];
	kith_sort(v, *n, sizeof *v, cmp_followup);
	return v;
}

static const char *
time_str(char *buf, int t)
{
	return kith_time_format(buf, t < 0 ? t : t % 1440);
}

static void
json_field(const char *key, const char *s)
{
	fputs(key, stdout);
	kith_json_str(stdout, s, s ? strlen(s) : 0);
}

/*
 * The card from its json_t (small), the timeline and follow-ups written
 * by hand, as jansson's compact dump of them would be: a person with
 * thousands of interactions made a tree of them as big as the rest of
 * the command.
 */
static int
show_json(const struct kith_model *m, const struct kith_person *p)
{
	json_t *o = kith_json_person(p);
	char *card = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char buf[24];
	size_t n, len;

	json_decref(o);
	if (!card || (len = strlen(card)) < 2 || card[len - 1] != '}') {
		free(card);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	fwrite(card, 1, len - 1, stdout); /* the card's fields, still open */
	free(card);
	fputs(",\"timeline\":[", stdout);
	for (size_t i = 0; i < p->ninteractions; i++) {
		const struct kith_entry *e = p->interactions[i];
		json_field(i ? ",{\"date\":" : "{\"date\":", e->date == KITH_NODATE ?
			NULL : kith_date_format(buf, e->date));
		json_field(",\"time\":", e->time < 0 ? NULL : time_str(buf, e->time));
		json_field(",\"title\":", e->title);
		json_field(",\"path\":", e->path);
		fputs(",\"line\":", stdout);
		fputs(kith_int_format(buf, e->line), stdout);
		fputs(e->kind == KITH_ENTRY_NOTE ? ",\"kind\":\"note\"}" :
			",\"kind\":\"journal\"}", stdout);
	}
	struct kith_followup **open = open_followups(m, p, &n);
	if (!open)
		return kith_error_set(KITH_ERROR, "out of memory");
	fputs("],\"followups\":[", stdout);
	for (size_t i = 0; i < n; i++) {
		if (i)
			putchar(',');
		kith_json_followup_open(stdout, open[i]);
		putchar('}');
	}
	free(open);
	fputs("]}\n", stdout);
	return 0;
}

/* "today", "yesterday", "N days ago", "in N days". */
static const char *
ago(char *buf, int days)
{
	if (days == 0)
		return "today";
	if (days == 1)
		return "yesterday";
	if (days > 1)
		snprintf(buf, 32, "%d days ago", days);
	else
		snprintf(buf, 32, "in %d day%s", -days, days == -1 ? "" : "s");
	return buf;
}

static int
show_human(const struct kith_model *m, const struct kith_person *p, kith_date today)
{
	bool color = kith_color(stdout);
	const char *b = color ? "\033[1m" : "", *d = color ? "\033[2m" : "",
		*r = color ? "\033[0m" : "";
	char buf[16], tbuf[16], abuf[32];
	size_t nopen = 0;

	printf("%s%s%s %s(%s)%s\n", b, p->name, r, d, p->slug, r);
	/* Fields as written; the tags line gathers the whole file's tags. */
	for (size_t i = 0; i < p->nfields; i++) {
		if (!strcmp(p->fields[i].key, "tags"))
			continue;
		printf("  %s:%*s%s\n", p->fields[i].key,
			(int)(14 - strlen(p->fields[i].key)), " ", p->fields[i].value);
	}
	if (p->ntags) {
		printf("  tags:%*s", 10, "");
		for (size_t i = 0; i < p->ntags; i++)
			printf("%s#%s", i ? " " : "", p->tags[i]);
		putchar('\n');
	}
	if (p->last == KITH_NODATE)
		printf("  last contact:  never\n");
	else
		printf("  last contact:  %s (%s), %zu interaction%s\n",
			kith_date_format(buf, p->last), ago(abuf, today - p->last),
			p->ninteractions, p->ninteractions == 1 ? "" : "s");
	if (p->ninteractions)
		printf("\n%sInteractions%s\n", b, r);
	for (size_t i = 0; i < p->ninteractions; i++) {
		const struct kith_entry *e = p->interactions[i];
		/* no printf: a timeline can be thousands of lines */
		const char *t = time_str(tbuf, e->time);
		fputs("  ", stdout);
		fputs(kith_date_format(buf, e->date), stdout);
		putchar(' ');
		fputs(t, stdout);
		for (size_t k = strlen(t); k < 5; k++)
			putchar(' ');
		fputs("  ", stdout);
		fputs(e->title, stdout);
		kith_put_where(stdout, e->path, e->line, d, r);
	}
	struct kith_followup **open = open_followups(m, p, &nopen);
	if (!open)
		return kith_error_set(KITH_ERROR, "out of memory");
	if (nopen)
		printf("\n%sOpen follow-ups%s\n", b, r);
	for (size_t i = 0; i < nopen; i++) {
		printf("  [ ] %s", open[i]->text);
		if (open[i]->due != KITH_NODATE)
			printf(" (due %s)", kith_date_format(buf, open[i]->due));
		printf("  %s%s:%d%s\n", d, open[i]->path, open[i]->line, r);
	}
	free(open);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct kith_person *p = NULL;
	kith_date today;
	bool json = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	}
	if (optind + 1 != argc)
		usage(stderr, 2);
	if ((rc = kith_date_today(&today)) < 0 ||
	    (rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = KITH_Q_HEADS,
	    .people = (const char *const *)argv + optind, .npeople = 1 })) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, NULL);
	rc = kith_model_find_person(&p, m, argv[optind]);
	if (rc == KITH_ENOTFOUND)
		rc = KITH_EINVALID; /* a named thing that is not there: bad input */
	if (rc < 0)
		goto out;
	if (json)
		rc = show_json(m, p);
	else
		rc = show_human(m, p, today);
	if (rc >= 0)
		rc = kith_stdout_close();
out:
	kith_model_free(m);
	kith_repo_free(repo);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	return kith_exit_code(rc);
}
