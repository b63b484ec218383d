/*
 * t-demo.c - the demo network of `kith init --demo`, for several todays:
 * valid paths, person files with a name that slugifies to their file name,
 * journal days not after today, every mention known, and something due in
 * each group of `kith due`.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

struct demo {
	kith_date today;
	char when[11];
	struct kith_demo_file *f;
	size_t n;
};

static const char *
name_of(const struct demo *d, const char *label, char *buf, size_t size)
{
	snprintf(buf, size, "%s: %s", d->when, label);
	return buf;
}

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* The slug of "people/<slug>.md" into buf, or false. */
static bool
person_slug(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path);

	if (!has_prefix(path, "people/") || len < 11 ||
	    strcmp(path + len - 3, ".md") != 0 || len - 10 >= size)
		return false;
	memcpy(buf, path + 7, len - 10);
	buf[len - 10] = '\0';
	return true;
}

static bool
journal_path_ok(const char *path, const char *data, kith_date today)
{
	kith_date d;

	if (strlen(path) != 26 || !has_prefix(path, "journal/") ||
	    path[12] != '/' || strncmp(path + 8, path + 13, 4) != 0 ||
	    strcmp(path + 23, ".md") != 0 ||
	    kith_date_parse_iso(&d, path + 13, 10) < 0 || d > today)
		return false;
	return has_prefix(data, "# ") && strncmp(data + 2, path + 13, 10) == 0 &&
		data[12] == '\n';
}

static bool
is_person(const struct demo *d, const char *slug, size_t len)
{
	char path[256];

	snprintf(path, sizeof path, "people/%.*s.md", (int)len, slug);
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->f[i].path, path) == 0)
			return true;
	return false;
}

/* Whether byte c can be part of a mention, or precede no mention. */
static bool
word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c >= 0x80;
}

/* Count @mentions in s that name no people file. */
static int
unknown_at_mentions(const struct demo *d, const char *s)
{
	int bad = 0;

	for (const char *p = s; (p = strchr(p, '@')); p++) {
		if (p > s && word_byte((unsigned char)p[-1]))
			continue;
		size_t len = 0;
		while (word_byte((unsigned char)p[1 + len]) || p[1 + len] == '-' ||
		    p[1 + len] == '_')
			len++;
		if (len && !is_person(d, p + 1, len)) {
			printf("#   unknown mention @%.*s\n", (int)len, p + 1);
			bad++;
		}
	}
	return bad;
}

/* Whether target is a slug, a name (H1) or an alias of a demo person. */
static bool
wiki_known(const struct demo *d, const char *t, size_t len)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *data = d->f[i].data, *al;
		char slug[128];

		if (!person_slug(d->f[i].path, slug, sizeof slug))
			continue;
		if ((strlen(slug) == len && memcmp(slug, t, len) == 0) ||
		    (strncmp(data + 2, t, len) == 0 && data[2 + len] == '\n'))
			return true;
		if (!(al = strstr(data, "\n- aliases: ")))
			continue;
		for (al += 12;; al += strspn(al, " ")) {
			size_t n = strcspn(al, ",\n");
			if (n == len && memcmp(al, t, len) == 0)
				return true;
			if (al[n] != ',')
				break;
			al += n + 1;
		}
	}
	return false;
}

/* Count [[target]] and [[target|shown]] links that name nobody. */
static int
unknown_wiki_links(const struct demo *d, const char *s)
{
	int bad = 0;

	for (const char *p = s; (p = strstr(p, "[[")); p += 2) {
		const char *end = strstr(p, "]]");
		if (!end)
			return bad + 1;
		size_t len = strcspn(p + 2, "|]");
		if (!wiki_known(d, p + 2, len)) {
			printf("#   unknown link [[%.*s]]\n", (int)len, p + 2);
			bad++;
		}
	}
	return bad;
}

/* Whether the HH:MM times of a day's "## " headings never go backwards. */
static bool
times_ordered(const char *data)
{
	int last = -1;

	for (const char *p = data; (p = strstr(p, "\n## ")); p += 4) {
		int h, m;
		if (sscanf(p + 4, "%2d:%2d", &h, &m) != 2)
			continue;
		if (h * 60 + m < last)
			return false;
		last = h * 60 + m;
	}
	return true;
}

/* Follow-ups "- [ ] … due:DATE": count those before and from today on. */
static void
count_due(const char *data, kith_date today, int *before, int *after)
{
	for (const char *p = data; (p = strstr(p, "- [ ] ")); p++) {
		const char *eol = strchr(p, '\n'), *due = strstr(p, "due:");
		kith_date d;

		if (!due || (eol && due > eol) ||
		    kith_date_parse_iso(&d, due + 4, 10) < 0)
			continue;
		if (d < today)
			++*before;
		else if (d <= today + 7)
			++*after;
	}
}

/* Whether "- birthday: YYYY-MM-DD|--MM-DD" next falls within 7 days. */
static bool
birthday_soon(const char *data, kith_date today)
{
	const char *b = strstr(data, "\n- birthday: ");
	int y, m, dd, ty, tm, td;

	if (!b)
		return false;
	b += 13;
	/* MM-DD follows "--" or "YYYY-" */
	if (sscanf(b + (has_prefix(b, "--") ? 2 : 5), "%2d-%2d", &m, &dd) != 2)
		return false;
	kith_date_to_ymd(today, &ty, &tm, &td);
	for (y = ty; y <= ty + 1; y++) {
		int day = dd;
		if (m == 2 && dd == 29 && !kith_date_valid_ymd(y, 2, 29))
			day = 28;
		kith_date next = kith_date_from_ymd(y, m, day);
		if (next >= today && next <= today + 7)
			return true;
	}
	return false;
}

static void
check_person(const struct demo *d, const struct kith_demo_file *f,
	const char *slug)
{
	char name[256], label[128];
	char *want = NULL;
	size_t len = strcspn(f->data + 2, "\n");

	ok(kith_slug_valid(slug), name_of(d, f->path, label, sizeof label));
	ok(has_prefix(f->data, "# ") && len < sizeof name,
		name_of(d, "person file starts with a name", label, sizeof label));
	snprintf(name, sizeof name, "%.*s", (int)len, f->data + 2);
	ok(kith_slugify(&want, name) == 0 && want && strcmp(want, slug) == 0,
		name_of(d, "slug is the slugified name", label, sizeof label));
	free(want);
}

static void
check_demo(const char *when)
{
	struct demo d = { 0 };
	char label[128];
	int before = 0, after = 0, unknown = 0, dupes = 0;
	bool birthday = false, ordered = true, expanded = true, utf8 = true;

	snprintf(d.when, sizeof d.when, "%s", when);
	if (kith_date_parse_iso(&d.today, when, 10) < 0 ||
	    kith_demo_files(&d.f, &d.n, d.today) < 0) {
		ok(0, when);
		printf("#   %s\n", kith_error());
		return;
	}
	ok(d.n >= 20, name_of(&d, "writes people and journal days", label,
		sizeof label));
	for (size_t i = 0; i < d.n; i++) {
		const struct kith_demo_file *f = &d.f[i];
		char slug[128];

		if (person_slug(f->path, slug, sizeof slug)) {
			check_person(&d, f, slug);
			birthday |= birthday_soon(f->data, d.today);
		} else {
			ok(journal_path_ok(f->path, f->data, d.today),
				name_of(&d, f->path, label, sizeof label));
			ordered &= times_ordered(f->data);
		}
		for (size_t j = 0; j < i; j++)
			dupes += strcmp(d.f[j].path, f->path) == 0;
		unknown += unknown_at_mentions(&d, f->data);
		unknown += unknown_wiki_links(&d, f->data);
		count_due(f->data, d.today, &before, &after);
		expanded &= !strchr(f->data, '{');
		utf8 &= kith_utf8_valid(f->data, strlen(f->data));
	}
	is_int(dupes, 0, name_of(&d, "no two files share a path", label,
		sizeof label));
	is_int(unknown, 0, name_of(&d, "every mention names a person", label,
		sizeof label));
	ok(before > 0, name_of(&d, "an overdue follow-up", label, sizeof label));
	ok(after > 0, name_of(&d, "a follow-up due within a week", label,
		sizeof label));
	ok(birthday, name_of(&d, "a birthday within a week", label,
		sizeof label));
	ok(ordered, name_of(&d, "entries of a day in time order", label,
		sizeof label));
	ok(expanded, name_of(&d, "every placeholder expanded", label,
		sizeof label));
	ok(utf8, name_of(&d, "valid UTF-8", label, sizeof label));
	kith_demo_files_free(d.f, d.n);
}

int
main(void)
{
	static const char *const todays[] = {
		"2026-11-25", "2024-02-29", "2026-01-02", "2025-12-31",
		"2024-02-24", "2023-02-25", "2000-03-01", "1970-01-01",
	};

	for (size_t i = 0; i < sizeof todays / sizeof todays[0]; i++)
		check_demo(todays[i]);
	return done_testing();
}
