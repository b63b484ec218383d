/*
 * kith-add.c - add a person: people/SLUG.md from the person.md template,
 * with NAME (the arguments joined by spaces) as its heading and each
 * -f key=value as a "- key: value" line of its field list, committed as
 * "add: NAME"; prints the new file's path. The slug is the name
 * transliterated (kith_slugify), made unique with -2, -3 against the
 * people/ files there are. With -e the editor then opens on the file,
 * and what it changed is committed as "edit: NAME".
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kith.h"

static void
usage(FILE *f, int code)
{
	fputs("usage: kith add [-e] [-f key=value]... name...\n", f);
	exit(code);
}

static void
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kith-add: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Report a lib/ failure and exit with its status. */
static void
fail(int rc)
{
	die(kith_exit_code(rc), "%s", kith_error());
}

/* ---- fields ---- */

static bool
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* [A-Za-z][A-Za-z0-9_-]* */
static bool
key_valid(const char *k, size_t n)
{
	if (n == 0 || !is_alpha(k[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_alpha(k[i]) && !(k[i] >= '0' && k[i] <= '9') &&
		    k[i] != '-' && k[i] != '_')
			return false;
	return true;
}

/* --MM-DD, a day that exists in some year. */
static bool
yearless_valid(const char *s)
{
	if (strlen(s) != 7 || s[0] != '-' || s[1] != '-' || s[4] != '-')
		return false;
	for (int i = 2; i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			return false;
	return kith_date_valid_ymd(2000, (s[2] - '0') * 10 + (s[3] - '0'),
		(s[5] - '0') * 10 + (s[6] - '0'));
}

/* The fields kith knows must read as it reads them. */
static void
check_value(const char *key, const char *value)
{
	struct kith_cadence c;
	kith_date d;

	if (strcmp(key, "birthday") == 0 && !yearless_valid(value) &&
	    kith_date_parse_iso(&d, value, strlen(value)) < 0)
		die(2, "bad birthday '%s': give it as YYYY-MM-DD, or --MM-DD "
			"without the year", value);
	if (strcmp(key, "every") == 0 && kith_cadence_parse(&c, value) < 0)
		die(2, "bad cadence '%s' for every: give it as Nd, Nw, Nm or Ny "
			"(days, weeks, months, years)", value);
}

/* A copy of s[0..len) without surrounding blanks; exits on no memory. */
static char *
trimmed(const char *s, size_t len)
{
	char *t;

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!(t = kith_strndup(s, len)))
		fail(kith_error_set(KITH_ERROR, "out of memory"));
	return t;
}

/* One -f key=value, checked, appended to fields as "- key: value\n". */
static void
add_field(struct kith_buf *fields, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *key, *value;

	if (!eq)
		die(2, "bad field '%s': give it as key=value", arg);
	if (!key_valid(arg, (size_t)(eq - arg)))
		die(2, "bad field name '%.*s': start with a letter, then use "
			"letters, digits, '-' or '_'", (int)(eq - arg), arg);
	key = trimmed(arg, (size_t)(eq - arg));
	for (char *k = key; *k; k++)
		if (*k >= 'A' && *k <= 'Z')
			*k = (char)(*k - 'A' + 'a');
	value = trimmed(eq + 1, strlen(eq + 1));
	if (strpbrk(value, "\n\r"))
		die(2, "the value of '%s' has a line break: give it on one line",
			key);
	if (!*value)
		die(2, "field '%s' has no value: give it as %s=value", key, key);
	if (!kith_utf8_valid(value, strlen(value)))
		die(2, "the value of '%s' is not valid UTF-8: give it as UTF-8",
			key);
	check_value(key, value);
	if ((!fields->len && kith_buf_puts(fields, "\n") < 0) ||
	    kith_buf_printf(fields, "- %s: %s\n", key, value) < 0)
		fail(KITH_ERROR);
	free(key);
	free(value);
}

/* ---- the person ---- */

/* The arguments joined by spaces, trimmed; exits 2 when unusable. */
static char *
join_name(int argc, char **argv)
{
	struct kith_buf b = KITH_BUF_INIT;
	char *name;

	for (int i = 0; i < argc; i++)
		if ((i > 0 && kith_buf_puts(&b, " ") < 0) ||
		    kith_buf_puts(&b, argv[i]) < 0)
			fail(KITH_ERROR);
	name = trimmed(kith_buf_cstr(&b), b.len);
	kith_buf_free(&b);
	if (!*name)
		die(2, "empty name: give the person's name");
	if (strpbrk(name, "\n\r"))
		die(2, "the name has a line break: give it on one line");
	if (!kith_utf8_valid(name, strlen(name)))
		die(2, "the name is not valid UTF-8: give it as UTF-8");
	return name;
}

/* people/SLUG.md, or people/SLUG-N.md for the first N free. */
static char *
free_path(struct kith_repo *repo, const char *name)
{
	struct kith_buf rel = KITH_BUF_INIT, abs = KITH_BUF_INIT;
	struct stat st;
	char *slug;
	int rc;

	if ((rc = kith_slugify(&slug, name)) < 0)
		fail(rc);
	for (int n = 1; ; n++) {
		kith_buf_clear(&rel);
		if ((n == 1 ? kith_buf_printf(&rel, "people/%s.md", slug) :
		    kith_buf_printf(&rel, "people/%s-%d.md", slug, n)) < 0 ||
		    (rc = kith_repo_path(&abs, repo, rel.ptr)) < 0)
			fail(KITH_ERROR);
		if (lstat(abs.ptr, &st) < 0) {
			if (errno == ENOENT || errno == ENOTDIR)
				break;
			die(3, "cannot look at '%s': %s", rel.ptr,
				strerror(errno));
		}
	}
	free(slug);
	kith_buf_free(&abs);
	return rel.ptr;
}

static char *
person_text(const char *name, const char *fields)
{
	const char *keys[] = { "name", "fields" }, *values[] = { name, fields };
	char *tmpl, *text;
	int rc;

	if ((rc = kith_template_read(&tmpl, "person.md")) < 0 ||
	    (rc = kith_template_expand(&text, tmpl, keys, values, 2)) < 0)
		fail(rc);
	free(tmpl);
	return text;
}

/* Write the file and commit it, under the lock; returns its path. */
static char *
add_person(struct kith_repo *repo, const char *name, const char *fields,
	char **text)
{
	struct kith_change change = { NULL, NULL, 0, NULL };
	struct kith_buf msg = KITH_BUF_INIT;
	char *rel;
	int rc;

	*text = person_text(name, fields);
	if ((rc = kith_repo_lock(repo)) < 0)
		fail(rc);
	rel = free_path(repo, name);
	change = (struct kith_change){ rel, *text, strlen(*text), NULL };
	if (kith_buf_printf(&msg, "add: %s", name) < 0)
		fail(KITH_ERROR);
	if ((rc = kith_repo_apply(repo, &change, 1, msg.ptr)) < 0)
		fail(rc);
	kith_repo_unlock(repo);
	kith_buf_free(&msg);
	return rel;
}

/* ---- -e ---- */

/* Open the editor on rel; commit what it changed as "edit: NAME". */
static void
edit_person(struct kith_repo *repo, const char *rel, const char *name)
{
	struct kith_buf msg = KITH_BUF_INIT;
	enum kith_edit_result res;
	int rc;

	if (kith_buf_printf(&msg, "edit: %s", name) < 0)
		fail(KITH_ERROR);
	if ((rc = kith_editor_edit(&res, repo, rel, NULL, msg.ptr)) < 0)
		fail(rc);
	kith_buf_free(&msg);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_buf fields = KITH_BUF_INIT;
	struct kith_repo *repo;
	bool edit = false;
	char *name, *rel, *text;
	int c, rc;

	while ((c = getopt_long(argc, argv, "ef:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			edit = true;
			break;
		case 'f':
			add_field(&fields, optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind == argc)
		usage(stderr, 2);
	name = join_name(argc - optind, argv + optind);
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		fail(rc);
	rel = add_person(repo, name, kith_buf_cstr(&fields), &text);
	printf("%s\n", rel);
	if (edit)
		edit_person(repo, rel, name);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(3, "cannot write to standard output: %s", strerror(errno));
	kith_gc_warn(stderr, "kith-add");
	kith_repo_free(repo);
	kith_buf_free(&fields);
	free(name);
	free(rel);
	free(text);
	return 0;
}
