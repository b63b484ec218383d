/*
 * template.c - the templates new files start from, and {{key}} expansion.
 *
 * A template is looked up by plain file name in $KITH_TEMPLATE_DIR, then
 * in the installed directory (KITH_TEMPLATEDIR), then in the copy built
 * into the library (identical to templates/ in the source; t-repo checks).
 *
 * The templates and their keys:
 *
 *	person.md	{{name}}	the person's display name
 *			{{fields}}	"" when kith add got no -f, else a blank
 *					line and one "- key: value\n" per field
 *					(so the template ends right after it)
 *	day.md		{{date}}	the day, YYYY-MM-DD
 *	kith.conf	(none)		written as is by kith init
 *
 * An unknown {{key}} is kept as written; values are not expanded again.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#ifndef KITH_TEMPLATEDIR
#define KITH_TEMPLATEDIR ""
#endif

static const struct {
	const char *name, *text;
} builtin[] = {
	{ "person.md",
		"# {{name}}\n"
		"{{fields}}" },
	{ "day.md",
		"# {{date}}\n" },
	{ "kith.conf",
		"# kith.conf - settings of this kith repository, in git-config syntax\n"
		"# (see kith(5)). Uncomment a line to change a setting.\n"
		"\n"
		"# Who commits when git knows no user.name/user.email:\n"
		"#[user]\n"
		"#\tname = Your Name\n"
		"#\temail = you@example.com\n"
		"\n"
		"[kith]\n"
		"\t# keep-in-touch cadence for people without an every: field (Nd, Nw, Nm, Ny)\n"
		"\t#every = 30d\n"
		"\t# commit every change kith makes\n"
		"\t#autocommit = true\n"
		"\t# how many days ahead 'kith due' looks\n"
		"\t#dueDays = 7\n"
		"\t# editor for 'kith edit' and 'kith add -e', after $VISUAL and $EDITOR\n"
		"\t#editor = vi\n" },
};

const char *
kith_template_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
		if (strcmp(builtin[i].name, name) == 0)
			return builtin[i].text;
	return NULL;
}

/* Read dir/name; KITH_ENOTFOUND when it is not there. */
static int
read_from(char **out, const char *dir, const char *name)
{
	struct kith_buf path = KITH_BUF_INIT;
	int rc;

	if (!dir || !*dir)
		return KITH_ENOTFOUND;
	if ((rc = kith_buf_printf(&path, "%s/%s", dir, name)) < 0)
		return rc;
	rc = kith_file_read(out, NULL, path.ptr);
	kith_buf_free(&path);
	return rc;
}

int
kith_template_read(char **out, const char *name)
{
	const char *text;
	int rc;

	*out = NULL;
	if (!*name || *name == '.' || strchr(name, '/'))
		return kith_error_set(KITH_EINVALID, "bad template name '%s': "
			"use a plain file name such as 'person.md'", name);
	if ((rc = read_from(out, getenv("KITH_TEMPLATE_DIR"), name)) !=
	    KITH_ENOTFOUND)
		return rc;
	if ((rc = read_from(out, KITH_TEMPLATEDIR, name)) != KITH_ENOTFOUND)
		return rc;
	if (!(text = kith_template_builtin(name)))
		return kith_error_set(KITH_ENOTFOUND, "no template '%s': put one "
			"in $KITH_TEMPLATE_DIR", name);
	if (!(*out = strdup(text)))
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/* The value for the key in s[0..len), trimmed of blanks, or NULL. */
static const char *
lookup(const char *s, size_t len, const char *const *keys,
	const char *const *values, size_t n)
{
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < n; i++)
		if (strlen(keys[i]) == len && memcmp(keys[i], s, len) == 0)
			return values[i] ? values[i] : "";
	return NULL;
}

int
kith_template_expand(char **out, const char *tmpl, const char *const *keys,
	const char *const *values, size_t n)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *s = tmpl, *open, *close, *v;
	int rc = 0;

	*out = NULL;
	while (!rc && (open = strstr(s, "{{"))) {
		if ((rc = kith_buf_put(&b, s, (size_t)(open - s))) < 0)
			break;
		close = strstr(open + 2, "}}");
		v = close ? lookup(open + 2, (size_t)(close - open - 2), keys,
			values, n) : NULL;
		if (v) {
			rc = kith_buf_puts(&b, v);
			s = close + 2;
		} else {
			rc = kith_buf_puts(&b, "{{");
			s = open + 2;
		}
	}
	if (!rc && !(rc = kith_buf_puts(&b, s))) {
		*out = b.ptr;
		return 0;
	}
	kith_buf_free(&b);
	return rc;
}
