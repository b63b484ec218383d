/*
 * kith-history - the commits that changed one person's file (or any file
 * of the repository), newest first, following renames; with -p each
 * commit's patch of that file; with --field KEY the story of one field,
 * oldest first: a row each time its values changed.
 *
 * The operand names a file: a path when it holds a "/", a journal day
 * when it is an ISO date, else a person as kith show finds one, else a
 * file at the repository's top (kith.conf). Dates are the author's, in
 * the author's own UTC offset, as git log shows them.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kith.h"

static const char *argv0 = "kith-history";

struct opts {
	bool patch, json;
	char *field; /* lower-case, or NULL */
};

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith history [-p] [--json] [--field key] person | path\n",
		f);
	exit(code);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", argv0);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void __attribute__((noreturn))
fail(int rc)
{
	die(kith_exit_code(rc), "%s", kith_error());
}

/* ---- which file ---- */

static bool
exists(struct kith_repo *repo, const char *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	bool yes = kith_repo_path(&abs, repo, rel) == 0 &&
		lstat(abs.ptr, &st) == 0 && !S_ISDIR(st.st_mode);

	kith_buf_free(&abs);
	return yes;
}

static char *
person_path(struct kith_repo *repo, const char *arg)
{
	struct kith_model *m = NULL;
	struct kith_person *p = NULL;
	char *path = NULL;
	int rc;

	if ((rc = kith_model_query(&m, repo, &(struct kith_query){ 0 })) < 0)
		fail(rc);
	rc = kith_model_find_person(&p, m, arg);
	if (rc == 0)
		path = strdup(p->path);
	else if (rc == KITH_ENOTFOUND && exists(repo, arg))
		path = strdup(arg); /* kith.conf, .gitattributes */
	else if (rc == KITH_ENOTFOUND)
		die(2, "no person or file matches '%s': see 'kith ls'", arg);
	else
		fail(rc);
	kith_model_free(m);
	if (!path)
		die(3, "out of memory");
	return path;
}

/* The repository-relative path the operand names (malloc'd). */
static char *
resolve(struct kith_repo *repo, const char *arg)
{
	kith_date d;
	char *path;

	if (strchr(arg, '/'))
		path = strdup(arg);
	else if (kith_date_parse_iso(&d, arg, strlen(arg)) == 0) {
		if (asprintf(&path, "journal/%.4s/%s.md", arg, arg) < 0)
			path = NULL;
	} else
		return person_path(repo, arg);
	if (!path)
		die(3, "out of memory");
	return path;
}

/* ---- output ---- */

/* A JSON string of s, with any byte of invalid UTF-8 shown as '?'. */
static json_t *
jstr(const char *s)
{
	json_t *j = json_string(s);
	char *t;

	if (j || !(t = strdup(s)))
		return j;
	for (char *p = t; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(t);
	free(t);
	return j;
}

static json_t *
commit_json(const struct kith_commit *c)
{
	json_t *o = json_object();
	char date[KITH_COMMIT_DATE_MAX];

	json_object_set_new(o, "commit", json_string(c->id));
	json_object_set_new(o, "date", json_string(kith_commit_date(date, c, true)));
	json_object_set_new(o, "author", jstr(c->author));
	json_object_set_new(o, "email", jstr(c->email));
	json_object_set_new(o, "message", jstr(c->summary));
	json_object_set_new(o, "path", jstr(c->path));
	return o;
}

static char *
patch_of(struct kith_repo *repo, const struct kith_commit *c)
{
	char *patch;
	int rc;

	if ((rc = kith_history_patch(&patch, repo, c)) < 0)
		fail(rc);
	return patch;
}

/* The patch, coloured on a terminal: headers bold, hunks cyan, +/- lines. */
static void
print_patch(const char *patch, bool color)
{
	bool header = true;

	for (const char *l = patch, *nl; *l; l = nl + 1) {
		int n = (nl = strchr(l, '\n')) ? (int)(nl - l) : (int)strlen(l);
		const char *on = "";
		if (!strncmp(l, "@@", 2))
			header = false, on = "\033[36m";
		else if (header || !strncmp(l, "diff --git ", 11))
			header = true, on = "\033[1m";
		else if (*l == '+')
			on = "\033[32m";
		else if (*l == '-')
			on = "\033[31m";
		if (color && *on)
			printf("%s%.*s\033[0m\n", on, n, l);
		else
			printf("%.*s\n", n, l);
		if (!nl)
			break;
	}
}

static void
print_line(const struct kith_commit *c, const char *path, bool color)
{
	const char *d = color ? "\033[2m" : "", *r = color ? "\033[0m" : "";
	char date[KITH_COMMIT_DATE_MAX];

	printf("%s  %s  %s  %s%s%s", kith_commit_date(date, c, false),
		c->author, c->summary, d, c->short_id, r);
	if (c->status == 'R')
		printf("  %s%s -> %s%s", d, c->old_path, c->path, r);
	else if (strcmp(c->path, path))
		printf("  %s%s%s", d, c->path, r);
	putchar('\n');
}

static void
print_history(struct kith_repo *repo, const struct kith_history *h,
	const char *path, const struct opts *o)
{
	bool color = kith_color(stdout);

	for (size_t i = 0; i < h->n; i++) {
		if (o->patch && i)
			putchar('\n');
		print_line(&h->commits[i], path, color);
		if (o->patch) {
			char *patch = patch_of(repo, &h->commits[i]);
			print_patch(patch, color);
			free(patch);
		}
	}
}

static int
print_history_json(struct kith_repo *repo, const struct kith_history *h,
	const struct opts *o)
{
	json_t *a = json_array();
	int rc;

	for (size_t i = 0; i < h->n; i++) {
		json_t *c = commit_json(&h->commits[i]);
		if (o->patch) {
			char *patch = patch_of(repo, &h->commits[i]);
			json_object_set_new(c, "patch", jstr(patch));
			free(patch);
		}
		json_array_append_new(a, c);
	}
	rc = kith_json_print_array(stdout, a);
	json_decref(a);
	return rc;
}

/* ---- one field's story ---- */

static void
print_change(json_t *a, const struct kith_field_change *ch)
{
	const struct kith_commit *c = ch->commit;
	char date[KITH_COMMIT_DATE_MAX];

	if (a) {
		json_t *o = json_object(), *vals = json_array();
		for (size_t i = 0; i < ch->n; i++)
			json_array_append_new(vals, jstr(ch->values[i]));
		json_object_set_new(o, "commit", json_string(c->id));
		json_object_set_new(o, "date",
			json_string(kith_commit_date(date, c, true)));
		json_object_set_new(o, "path", jstr(c->path));
		json_object_set_new(o, "values", vals);
		json_array_append_new(a, o);
		return;
	}
	printf("%s  %s  ", kith_commit_date(date, c, false), c->short_id);
	for (size_t i = 0; i < ch->n; i++)
		printf("%s%s", i ? ", " : "", ch->values[i]);
	puts(ch->n ? "" : "(removed)");
}

/* Oldest first, a row each time the set of values changed; the count. */
static size_t
field_story(struct kith_repo *repo, struct kith_history *h,
	const struct opts *o)
{
	struct kith_field_change *v;
	json_t *a = o->json ? json_array() : NULL;
	size_t n, rows = 0;
	int rc;

	if ((rc = kith_history_field(&v, &n, repo, h, o->field)) < 0)
		fail(rc);
	for (size_t i = 0; i < n; i++) {
		if (v[i].skipped) {
			fprintf(stderr, "%s: warning: skipping commit %s: %s\n",
				argv0, v[i].commit->short_id, v[i].skipped);
			continue;
		}
		print_change(a, &v[i]);
		rows++;
	}
	if (a && kith_json_print_array(stdout, a) < 0)
		fail(KITH_ERROR);
	json_decref(a);
	return rows;
}

/* ---- main ---- */

/* [A-Za-z][A-Za-z0-9_-]*, as field keys are; lower-cased in place. */
static char *
field_key(char *k)
{
	for (char *p = k; *p; p++) {
		bool alpha = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
		if (!alpha && (p == k || !((*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_')))
			die(2, "bad field name '%s': give a key as in the person "
				"files, such as 'phone'", k);
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	if (!*k)
		die(2, "empty field name: give a key such as 'phone'");
	return k;
}

static int
options(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "patch", no_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'j' },
		{ "field", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "ph", longopts, NULL)) != -1) {
		if (c == 'p')
			o->patch = true;
		else if (c == 'j')
			o->json = true;
		else if (c == 'f')
			o->field = field_key(optarg);
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	}
	if (optind + 1 != argc)
		usage(stderr, 2);
	if (o->patch && o->field)
		die(2, "-p and --field do not go together: use one of them");
	return optind;
}

/* Exit 1 or 2 when no commit touched path. */
static void __attribute__((noreturn))
no_history(struct kith_repo *repo, const char *path, const struct opts *o)
{
	if (!exists(repo, path))
		die(2, "no file '%s' in the work tree or its history: check "
			"the name", path);
	if (o->json) {
		if (kith_json_print_array(stdout, NULL) < 0 ||
		    kith_stdout_close() < 0)
			fail(KITH_ERROR);
		exit(1);
	}
	die(1, "no commit touched '%s' yet: commit it (kith edit, kith sync "
		"or git)", path);
}

int
main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct kith_repo *repo = NULL;
	struct kith_history *h = NULL;
	int i = options(argc, argv, &o), rc;
	char *path;

	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		fail(rc);
	path = resolve(repo, argv[i]);
	if (o.field && strncmp(path, "people/", 7))
		die(2, "--field reads person files, and '%s' is none: name a "
			"person", path);
	if ((rc = kith_history_file(&h, repo, path)) < 0)
		fail(rc);
	if (!h->n)
		no_history(repo, path, &o);
	if (o.field) {
		if (!field_story(repo, h, &o)) {
			if ((rc = kith_stdout_close()) < 0)
				fail(rc);
			if (o.json)
				exit(1);
			die(1, "'%s' never had a '%s' field", path, o.field);
		}
	} else if (o.json) {
		if ((rc = print_history_json(repo, h, &o)) < 0)
			fail(rc);
	} else {
		print_history(repo, h, path, &o);
	}
	if ((rc = kith_stdout_close()) < 0)
		fail(rc);
	kith_history_free(h);
	kith_repo_free(repo);
	free(path);
	return 0;
}
