/*
 * kith-log.c - append an entry to the day's journal and commit it.
 *
 * The text comes from the arguments (joined by spaces) or, when there are
 * none, from standard input; its first line is the title, the rest the
 * body. The entry "## HH:MM TITLE" goes at the end of
 * journal/YYYY/YYYY-MM-DD.md, which is created from the "day.md" template
 * when missing. Everything already in the file stays byte for byte, and
 * the lock is held from reading the file to committing it, so concurrent
 * `kith log` calls never lose an entry.
 *
 * Mentions that resolve to nobody get a warning. When every mention of
 * the new entry names a person by slug (people/SLUG.md is there), the
 * first rule of resolution settles them all and the people are not
 * loaded: the derived index is left for the next reader to bring up to
 * date, once however many entries were logged in between.
 *
 * The time is -t HH:MM, else the current local time when the entry is for
 * today; an entry for another day (-d) has no time unless -t gives one,
 * and so has any entry when KITH_TODAY is set (tests, planning ahead), so
 * that output does not depend on the clock.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kith.h"

#define SUBJECT_MAX 60 /* bytes of the title in the commit message */

/* The entry to append, and where it lands. */
struct entry {
	kith_date date;
	int time;            /* minutes after midnight, or -1 */
	char *text;          /* the whole text, normalised (see split) */
	const char *title;   /* into text */
	const char *body;    /* into text: the lines after the title, or "" */
	char rel[32];        /* journal/YYYY/YYYY-MM-DD.md */
	int first, last;     /* lines of the new entry in the file */
};

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith log [-d date] [-t HH:MM] [text ...]\n", f);
	exit(code);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kith-log: ", stderr);
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

/* "HH:MM" (00:00 to 23:59) as minutes after midnight, or -1. */
static int
parse_time(const char *s)
{
	int h, m;

	if (strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

static int
time_now(void)
{
	time_t t = time(NULL);
	struct tm tm;

	if (!localtime_r(&t, &tm))
		die(3, "cannot read the local time: %s", strerror(errno));
	return tm.tm_hour * 60 + tm.tm_min;
}

static void
read_stdin(struct kith_buf *b)
{
	char chunk[8192];
	size_t n;

	if (isatty(0) && isatty(2))
		fputs("kith-log: reading the entry from standard input;"
			" end it with Ctrl-D\n", stderr);
	while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		if (kith_buf_put(b, chunk, n) < 0)
			fail(KITH_ERROR);
	if (ferror(stdin))
		die(3, "cannot read standard input: %s", strerror(errno));
}

/* The text of the entry: the arguments joined by spaces, or stdin. */
static char *
read_text(int argc, char **argv, size_t *len)
{
	struct kith_buf b = KITH_BUF_INIT;

	if (argc == 0)
		read_stdin(&b);
	for (int i = 0; i < argc; i++)
		if ((i > 0 && kith_buf_put(&b, " ", 1) < 0) ||
		    kith_buf_puts(&b, argv[i]) < 0)
			fail(KITH_ERROR);
	if (kith_buf_put(&b, "", 0) < 0)
		fail(KITH_ERROR);
	*len = b.len;
	return b.ptr;
}

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/*
 * Split e->text in place: leading blank lines and trailing white space go,
 * the first line (trimmed) is the title, the lines after it the body.
 */
static void
split(struct entry *e, size_t len)
{
	char *s = e->text, *end = s + len, *nl;

	if (memchr(s, '\0', len))
		die(2, "the text contains a NUL byte: give it as plain text");
	if (!kith_utf8_valid(s, len))
		die(2, "the text is not valid UTF-8: give it as UTF-8");
	while (end > s && (end[-1] == '\n' || is_blank(end[-1])))
		*--end = '\0';
	for (char *p = s; p < end; p++) {
		if (*p == '\n')
			s = p + 1;
		else if (!is_blank(*p))
			break;
	}
	if ((nl = strchr(s, '\n')))
		*nl = '\0';
	e->body = nl ? nl + 1 : "";
	while (is_blank(*s))
		s++;
	for (char *t = s + strlen(s); t > s && is_blank(t[-1]); )
		*--t = '\0';
	if (!*s)
		die(2, "nothing to log: give the text as arguments or on "
			"standard input");
	e->title = s;
}

static void
set_path(struct entry *e)
{
	int y, m, d;

	kith_date_to_ymd(e->date, &y, &m, &d);
	if (y < 1 || y > 9999)
		die(2, "the date is out of range: give a year from 1 to 9999");
	snprintf(e->rel, sizeof e->rel, "journal/%04d/%04d-%02d-%02d.md",
		y, y, m, d);
}

/* The day file's current text, or the day template's for a new one. */
static char *
read_day(struct kith_repo *repo, const struct entry *e, size_t *len)
{
	struct kith_buf path = KITH_BUF_INIT;
	char *text, *tmpl, iso[11];
	const char *key = "date", *value = kith_date_format(iso, e->date);
	int rc;

	if ((rc = kith_repo_path(&path, repo, e->rel)) < 0)
		fail(rc);
	rc = kith_file_read(&text, len, path.ptr);
	kith_buf_free(&path);
	if (rc == 0)
		return text;
	if (rc != KITH_ENOTFOUND)
		fail(rc);
	if ((rc = kith_template_read(&tmpl, "day.md")) < 0 ||
	    (rc = kith_template_expand(&text, tmpl, &key, &value, 1)) < 0)
		fail(rc);
	free(tmpl);
	*len = strlen(text);
	return text;
}

static bool
uses_crlf(const char *s, size_t len)
{
	const char *nl = memchr(s, '\n', len);

	return nl && nl > s && nl[-1] == '\r';
}

static bool
ends_blank(const struct kith_buf *b)
{
	const char *p = b->ptr;
	size_t n = b->len;

	return n == 1 || (n >= 2 && p[n - 2] == '\n') ||
		(n >= 3 && p[n - 2] == '\r' && p[n - 3] == '\n');
}

static int
count_lines(const char *s, size_t len)
{
	int n = 0;

	for (const char *p = s; (p = memchr(p, '\n', len - (p - s))); p++)
		n++;
	return n;
}

/* out = old text + a blank line + the entry; sets e->first, e->last. */
static void
append(struct kith_buf *out, const char *old, size_t len, struct entry *e)
{
	const char *eol = uses_crlf(old, len) ? "\r\n" : "\n";
	int ok = kith_buf_put(out, old, len) == 0;

	if (ok && len > 0 && old[len - 1] != '\n')
		ok = kith_buf_puts(out, eol) == 0;
	if (ok && out->len > 0 && !ends_blank(out))
		ok = kith_buf_puts(out, eol) == 0;
	e->first = e->last = count_lines(out->ptr, out->len) + 1;
	if (ok && e->time >= 0)
		ok = kith_buf_printf(out, "## %02d:%02d %s%s", e->time / 60,
			e->time % 60, e->title, eol) == 0;
	else if (ok)
		ok = kith_buf_printf(out, "## %s%s", e->title, eol) == 0;
	for (const char *l = e->body, *nl; ok && *l; l = nl + 1) {
		size_t n = (nl = strchr(l, '\n')) ? (size_t)(nl - l) : strlen(l);

		if (n > 0 && l[n - 1] == '\r')
			n--;
		ok = kith_buf_put(out, l, n) == 0 && kith_buf_puts(out, eol) == 0;
		e->last++;
		if (!nl)
			break;
	}
	if (!ok)
		fail(KITH_ERROR);
}

/* "log: TITLE", the title cut at a UTF-8 boundary near SUBJECT_MAX. */
static char *
message(const char *title)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = strlen(title);
	bool cut = n > SUBJECT_MAX;

	if (cut) {
		n = SUBJECT_MAX;
		while (n > 0 && ((unsigned char)title[n] & 0xC0) == 0x80)
			n--;
		while (n > 0 && is_blank(title[n - 1]))
			n--;
	}
	if (kith_buf_printf(&b, "log: %.*s%s", (int)n, title,
	    cut ? "\u2026" : "") < 0)
		fail(KITH_ERROR);
	return b.ptr;
}

/*
 * Whether slug names a person the loader reads: people/SLUG.md a regular
 * file (people/ a real directory, the name not hidden) that the parser
 * takes, valid UTF-8 without NUL bytes.
 */
static bool
is_person(struct kith_repo *repo, const char *slug)
{
	struct kith_buf rel = KITH_BUF_INIT, abs = KITH_BUF_INIT;
	struct stat st;
	char *text = NULL;
	size_t len;
	bool yes = false;

	if (!*slug || *slug == '.' || strchr(slug, '/'))
		return false;
	if (kith_repo_path(&abs, repo, "people") == 0 &&
	    lstat(abs.ptr, &st) == 0 && S_ISDIR(st.st_mode) &&
	    kith_buf_printf(&rel, "people/%s.md", slug) == 0 &&
	    kith_repo_path(&abs, repo, rel.ptr) == 0 &&
	    lstat(abs.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
	    kith_file_read(&text, &len, abs.ptr) == 0)
		yes = kith_utf8_valid(text, len) && !memchr(text, '\0', len);
	free(text);
	kith_buf_free(&rel);
	kith_buf_free(&abs);
	return yes;
}

/*
 * Whether every mention of the new entry names a person by slug, in the
 * day as it is about to be written (parsed alone: no person loaded).
 */
static bool
by_slug_only(struct kith_repo *repo, const struct entry *e,
	const struct kith_buf *day)
{
	struct kith_model *m = NULL;
	bool yes = kith_model_new(&m) == 0 &&
		kith_model_add_day(m, e->rel, day->ptr, day->len) == 0 &&
		kith_model_finish(m) == 0;

	for (size_t i = 0; yes && i < m->nmentions; i++) {
		const struct kith_mention *mn = m->mentions[i];

		if (mn->line >= e->first && mn->line <= e->last)
			yes = mn->key && is_person(repo, mn->key);
	}
	kith_model_free(m);
	return yes;
}

/*
 * Read, append, write and commit, all under the repository lock; returns
 * whether the new entry's mentions still need checking (check_mentions).
 */
static bool
write_entry(struct kith_repo *repo, struct entry *e)
{
	struct kith_buf out = KITH_BUF_INIT;
	struct kith_change change = { e->rel, NULL, 0, NULL };
	char *old, *msg = message(e->title);
	size_t len;
	int rc;

	if ((rc = kith_repo_lock(repo)) < 0)
		fail(rc);
	old = read_day(repo, e, &len);
	append(&out, old, len, e);
	bool check = !by_slug_only(repo, e, &out);
	change.data = out.ptr;
	change.len = out.len;
	if ((rc = kith_repo_apply(repo, &change, 1, msg)) < 0)
		fail(rc);
	kith_repo_unlock(repo);
	free(old);
	free(msg);
	kith_buf_free(&out);
	return check;
}

/* Whether the mention at index i repeats an earlier one of the entry. */
static bool
warned(struct kith_mention **v, size_t i, const struct entry *e)
{
	for (size_t j = 0; j < i; j++)
		if (v[j]->line >= e->first && strcmp(v[j]->path, e->rel) == 0 &&
		    !v[j]->person && strcmp(v[j]->raw, v[i]->raw) == 0)
			return true;
	return false;
}

static void
warn_mention(const struct kith_mention *m)
{
	if (m->ambiguous)
		fprintf(stderr, "kith-log: warning: '%s' matches several people:"
			" write the slug of the one you mean\n", m->raw);
	else
		fprintf(stderr, "kith-log: warning: '%s' matches no person:"
			" add them with 'kith add %s'\n", m->raw,
			m->kind == KITH_MENTION_WIKI ? m->target : "NAME");
}

/* Warn about the new entry's mentions that resolve to nobody. */
static void
check_mentions(struct kith_repo *repo, const struct entry *e)
{
	struct kith_model *model;
	int rc;

	/* Every person, and only this day: enough to resolve its mentions. */
	if ((rc = kith_model_load_days(&model, repo, (const char *const[]){ e->rel },
	    1)) < 0) {
		fprintf(stderr, "kith-log: warning: cannot check the mentions:"
			" %s\n", kith_error());
		return;
	}
	for (size_t i = 0; i < model->nmentions; i++) {
		struct kith_mention *m = model->mentions[i];

		if (m->person || m->line < e->first || m->line > e->last ||
		    strcmp(m->path, e->rel) != 0 ||
		    warned(model->mentions, i, e))
			continue;
		warn_mention(m);
	}
	kith_model_free(model);
}

static void
options(int argc, char **argv, struct entry *e, const char **date)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+d:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			*date = optarg;
			break;
		case 't':
			if ((e->time = parse_time(optarg)) < 0)
				die(2, "bad time '%s': give it as HH:MM, "
					"00:00 to 23:59", optarg);
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
}

/* The entry's date; returns whether it is today. */
static bool
resolve_date(struct entry *e, const char *date)
{
	kith_date today;
	int rc;

	if ((rc = kith_date_today(&today)) < 0)
		fail(rc);
	e->date = today;
	if (date && (rc = kith_date_parse(&e->date, date, today)) < 0)
		fail(rc);
	return e->date == today;
}

int
main(int argc, char **argv)
{
	struct entry e = { .time = -1 };
	struct kith_repo *repo;
	const char *date = NULL, *fixed = getenv("KITH_TODAY");
	size_t len;
	int rc;

	options(argc, argv, &e, &date);
	bool is_today = resolve_date(&e, date);
	set_path(&e);
	if (e.time < 0 && is_today && !(fixed && *fixed))
		e.time = time_now();
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		fail(rc);
	e.text = read_text(argc - optind, argv + optind, &len);
	split(&e, len);
	bool check = write_entry(repo, &e);
	kith_gc_warn(stderr, "kith-log");
	if (check)
		check_mentions(repo, &e);
	printf("%s:%d\n", e.rel, e.first);
	kith_repo_free(repo);
	free(e.text);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(3, "cannot write to standard output: %s", strerror(errno));
	return 0;
}
