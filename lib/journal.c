/*
 * journal.c - parse journal/YYYY/YYYY-MM-DD.md into entries.
 *
 * The date is the file name's. Each level-2 heading starts an entry; a
 * leading "HH:MM" is its time, the rest its title. A level-1 heading is the
 * day's title, not content. Blocks before the first level-2 heading form
 * one entry without time, if there are any.
 */
#include <cmark.h>
#include <string.h>

#include "internal.h"

/* The date of ".../YYYY-MM-DD.md"; KITH_EINVALID when the name is no date. */
int
kith_journal_date(kith_date *out, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n != 13 || strcmp(base + 10, ".md"))
		return KITH_EINVALID;
	return kith_date_parse_iso(out, base, 10);
}

/* "HH:MM" at the start of s, then space or end: minutes, or -1. */
static int
heading_time(const char *s, size_t *skip)
{
	int h, m;
	size_t i = 0;

	if (!(s[0] >= '0' && s[0] <= '9'))
		return -1;
	h = s[i++] - '0';
	if (s[i] >= '0' && s[i] <= '9')
		h = h * 10 + (s[i++] - '0');
	if (s[i] != ':' || !(s[i + 1] >= '0' && s[i + 1] <= '9') ||
	    !(s[i + 2] >= '0' && s[i + 2] <= '9'))
		return -1;
	m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
	i += 3;
	if ((s[i] && s[i] != ' ' && s[i] != '\t') || h > 23 || m > 59)
		return -1;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	*skip = i;
	return h * 60 + m;
}

static struct kith_entry *
new_entry(struct kith_parser *p, kith_date date, int line)
{
	struct kith_entry *e = kith_model_new_entry(p->model);

	if (e) {
		e->kind = KITH_ENTRY_JOURNAL;
		e->date = date;
		e->time = -1;
		e->title = "";
		e->path = p->src.path;
		e->line = e->end_line = line;
	}
	return e;
}

int
kith_model_add_day(struct kith_model *model, const char *path,
	const char *text, size_t len)
{
	struct kith_arena *a = kith_model_arena(model);
	struct kith_parser p;
	struct kith_ptrvec entries = { 0 };
	cmark_node *doc = NULL;
	kith_date date;
	int rc;

	if (kith_journal_date(&date, path) < 0)
		return kith_error_set(KITH_EINVALID,
			"'%s' is not named by a date: name it YYYY-MM-DD.md", path);
	if ((rc = kith_parser_init(&p, model, path, text, len)) < 0)
		goto out;
	rc = KITH_ERROR;
	if (!(doc = kith_parse_cmark(&p.src))) {
		rc = kith_error_set(KITH_ERROR, "cannot parse '%s'", path);
		goto out;
	}
	for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
		bool heading = cmark_node_get_type(c) == CMARK_NODE_HEADING;
		int level = heading ? cmark_node_get_heading_level(c) : 0;
		int line = cmark_node_get_start_line(c);

		if (level == 1)
			continue;
		if (level == 2 || !p.entry) {
			struct kith_entry *e = new_entry(&p, date, line);
			if (!e || kith_ptrvec_push(&entries, e) < 0)
				goto out;
			if (level == 2) {
				char *t = kith_heading_text(&p, c);
				e->heading = true;
				size_t skip = 0;
				if (!t)
					goto out;
				e->time = heading_time(t, &skip);
				e->title = e->time >= 0 ? t + skip : t;
			}
			p.entry = e;
		}
		p.entry->end_line = cmark_node_get_end_line(c);
		if (!p.entry->title[0] && !heading) {
			/* An untimed entry's title: its first line. */
			size_t n;
			const char *s = kith_src_line(&p.src, line, &n);
			if (!(p.entry->title = kith_arena_strndup(a, s, n)))
				goto out;
		}
		if ((rc = kith_parse_walk(&p, c)) < 0)
			goto out;
		rc = KITH_ERROR;
	}
	/* An entry runs up to the next one's heading. */
	for (size_t i = 0; i < entries.n; i++) {
		struct kith_entry *e = entries.v[i];
		if (i + 1 < entries.n)
			e->end_line = ((struct kith_entry *)entries.v[i + 1])->line - 1;
		else
			e->end_line = p.src.nlines;
		while (e->end_line > e->line) {
			size_t n;
			kith_src_line(&p.src, e->end_line, &n);
			if (n)
				break;
			e->end_line--;
		}
		if (!(e->text = kith_src_lines(a, &p.src, e->line, e->end_line)))
			goto out;
		e->off = p.src.lines[e->line - 1];
		e->end = e->end_line < p.src.nlines ? p.src.lines[e->end_line] : p.src.len;
	}
	rc = kith_parse_finish_tags(&p, (struct kith_entry **)entries.v, entries.n);
out:
	kith_ptrvec_free(&entries);
	if (doc)
		kith_cmark_free(doc);
	kith_parser_free(&p);
	return rc;
}
