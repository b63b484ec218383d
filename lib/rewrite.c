/*
 * rewrite.c - what kith mv and kith merge share: every mention of one
 * person rewritten to name another in the syntax it was written in, names
 * added to a person's aliases, one person's fields and notes folded into
 * another's.
 *
 * Nothing goes through cmark's renderer. Each file's new text is its old
 * text with splices at the byte offsets the model gives (mentions) or that
 * its lines give (the name heading, the field list); every other byte stays
 * as it was. The result is one list of changes for kith_repo_apply, so a
 * rename or merge is written, and committed, all at once or not at all.
 *
 * How a mention changes (the person renamed or dropped is P, the one it
 * becomes is Q): by P's slug (@p, [[p]], [[p|shown]]) to Q's slug; by P's
 * name ([[P Name]], [[P Name|shown]]) to Q's name; by an alias, unchanged,
 * because the alias stays (mv keeps it, merge moves it to Q). Only the
 * target is replaced: "[[ p |shown]]" keeps its blanks and shown text.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "internal.h"

/* ---- files and splices ---- */

struct splice {
	size_t off, len; /* the bytes replaced (len 0: an insertion) */
	char *text;
	size_t seq;      /* insertions at one offset keep their order */
};

struct file {
	char *path;      /* as the model has it */
	char *newpath;   /* a rename's new path, or NULL */
	bool remove;
	char *text;      /* as read, NUL-terminated */
	size_t len;
	struct kith_src src;
	struct splice *sp;
	size_t nsp, capsp;
	struct kith_buf result;
};

struct plan {
	struct kith_repo *repo;
	struct kith_model *model;
	struct file **files;
	size_t n, cap;
};

static void
file_free(struct file *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nsp; i++)
		free(f->sp[i].text);
	free(f->sp);
	kith_src_free(&f->src);
	kith_buf_free(&f->result);
	free(f->path);
	free(f->newpath);
	free(f->text);
	free(f);
}

static void
plan_free(struct plan *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		file_free(pl->files[i]);
	free(pl->files);
}

static int
file_read(struct file *f, struct kith_repo *repo)
{
	struct kith_buf abs = KITH_BUF_INIT;
	int rc;

	if ((rc = kith_repo_path(&abs, repo, f->path)) == 0 &&
	    (rc = kith_file_read(&f->text, &f->len, abs.ptr)) == 0)
		rc = kith_src_init(&f->src, f->text, f->len);
	kith_buf_free(&abs);
	return rc;
}

/* The plan's file for path, read on first use. */
static int
plan_file(struct file **out, struct plan *pl, const char *path)
{
	struct file *f;
	int rc;

	for (size_t i = 0; i < pl->n; i++)
		if (!strcmp(pl->files[i]->path, path)) {
			*out = pl->files[i];
			return 0;
		}
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 16;
		struct file **v = realloc(pl->files, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		pl->files = v;
		pl->cap = cap;
	}
	if (!(f = calloc(1, sizeof *f)) || !(f->path = strdup(path))) {
		free(f);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	pl->files[pl->n++] = f;
	if ((rc = file_read(f, pl->repo)) < 0)
		return rc;
	*out = f;
	return 0;
}

/* Replace len bytes at off with text[0..n). */
static int
splice_add(struct file *f, size_t off, size_t len, const char *text, size_t n)
{
	char *t;

	if (f->nsp == f->capsp) {
		size_t cap = f->capsp ? 2 * f->capsp : 16;
		struct splice *v = realloc(f->sp, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		f->sp = v;
		f->capsp = cap;
	}
	if (!(t = kith_strndup(text, n)))
		return kith_error_set(KITH_ERROR, "out of memory");
	f->sp[f->nsp] = (struct splice){ off, len, t, f->nsp };
	f->nsp++;
	return 0;
}

/* By offset; at one offset insertions first, then the longest. */
static int
cmp_splice(const void *a, const void *b)
{
	const struct splice *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if ((x->len == 0) != (y->len == 0))
		return x->len == 0 ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The new text: the old one with every splice, in offset order. A splice
 * inside one already made (a mention in the heading that is replaced) is
 * taken in by it.
 */
static int
file_build(struct file *f)
{
	size_t at = 0;

	kith_buf_clear(&f->result);
	kith_sort(f->sp, f->nsp, sizeof *f->sp, cmp_splice);
	for (size_t i = 0; i < f->nsp; i++) {
		const struct splice *s = &f->sp[i];
		if (s->off < at && s->len > 0 && s->off + s->len <= at)
			continue;
		if (s->off < at || s->off + s->len > f->len)
			return kith_error_set(KITH_ERROR, "cannot rewrite '%s': "
				"two edits overlap", f->path);
		if (kith_buf_put(&f->result, f->text + at, s->off - at) < 0 ||
		    kith_buf_puts(&f->result, s->text) < 0)
			return KITH_ERROR;
		at = s->off + s->len;
	}
	if (kith_buf_put(&f->result, f->text + at, f->len - at) < 0)
		return KITH_ERROR;
	kith_buf_cstr(&f->result);
	return 0;
}

/* ---- lines ---- */

/* The file's line ending, as its first line has it. */
static const char *
file_eol(const struct file *f)
{
	const char *nl = memchr(f->text, '\n', f->len);

	return nl && nl > f->text && nl[-1] == '\r' ? "\r\n" : "\n";
}

/* Offsets of a line's content (1-based line; no line ending, no BOM). */
static void
line_span(const struct file *f, int line, size_t *start, size_t *end)
{
	size_t n;
	const char *s = kith_src_line(&f->src, line, &n);

	*start = line >= 1 && line <= f->src.nlines ? (size_t)(s - f->text) : f->len;
	*end = *start + n;
}

/* Where the line after line starts (the end of the text after the last). */
static size_t
line_next(const struct file *f, int line)
{
	return line < f->src.nlines ? f->src.lines[line] : f->len;
}

static bool
line_blank(const struct file *f, int line)
{
	size_t s, e;

	line_span(f, line, &s, &e);
	for (; s < e; s++)
		if (f->text[s] != ' ' && f->text[s] != '\t')
			return false;
	return true;
}

/* Bytes of a byte order mark at the start. */
static size_t
bom_len(const struct file *f)
{
	return f->len >= 3 && !memcmp(f->text, "\xef\xbb\xbf", 3) ? 3 : 0;
}

/* Insert text (whole lines) after line `after`, or first if it is 0. */
static int
insert_lines(struct file *f, int after, const char *text)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t off = after ? line_next(f, after) : bom_len(f);
	int rc = 0;

	/* The line before has no line ending (end of file): give it one. */
	if (after && off == f->len && f->len && f->text[f->len - 1] != '\n')
		rc = kith_buf_puts(&b, file_eol(f));
	if (rc == 0 && (rc = kith_buf_puts(&b, text)) == 0)
		rc = splice_add(f, off, 0, b.ptr, b.len);
	kith_buf_free(&b);
	return rc;
}

/* ---- the name heading ---- */

static size_t
skip_blanks(const char *s, size_t i, size_t end)
{
	while (i < end && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

static size_t
trim_blanks(const char *s, size_t start, size_t end)
{
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	return end;
}

static bool
is_atx(const struct file *f, int line)
{
	size_t s, e;

	line_span(f, line, &s, &e);
	s = skip_blanks(f->text, s, e);
	return s < e && f->text[s] == '#';
}

/* The last line of p's name heading: a setext one ends with its underline. */
static int
heading_end(const struct file *f, const struct kith_person *p)
{
	return is_atx(f, p->name_line) ? p->name_line : p->name_line + 1;
}

/* Bytes of an ATX heading's text: after the #s, before a closing run. */
static void
atx_text(const struct file *f, int line, size_t *ts, size_t *te)
{
	const char *s = f->text;
	size_t b, e;

	line_span(f, line, &b, &e);
	b = skip_blanks(s, b, e);
	while (b < e && s[b] == '#')
		b++;
	b = skip_blanks(s, b, e);
	e = trim_blanks(s, b, e);
	size_t k = e;
	while (k > b && s[k - 1] == '#')
		k--;
	if (k < e && (k == b || s[k - 1] == ' ' || s[k - 1] == '\t'))
		e = trim_blanks(s, b, k);
	*ts = b;
	*te = e;
}

/* Give p the display name `name`: its heading's text, or a new heading. */
static int
splice_name(struct file *f, const struct kith_person *p, const char *name)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t ts, te;
	int rc;

	if (!p->name_line) {
		if ((rc = kith_buf_printf(&b, "# %s%s%s", name, file_eol(f),
		    file_eol(f))) == 0)
			rc = insert_lines(f, 0, b.ptr);
		kith_buf_free(&b);
		return rc;
	}
	if (is_atx(f, p->name_line)) {
		atx_text(f, p->name_line, &ts, &te);
		if (ts == te) { /* an empty heading: "#" alone */
			line_span(f, p->name_line, &ts, &te);
			if ((rc = kith_buf_printf(&b, "# %s", name)) == 0)
				rc = splice_add(f, ts, te - ts, b.ptr, b.len);
			kith_buf_free(&b);
			return rc;
		}
		return splice_add(f, ts, te - ts, name, strlen(name));
	}
	line_span(f, p->name_line + 1, &ts, &te);
	ts = skip_blanks(f->text, ts, te);
	if (ts == te || f->text[ts] != '=')
		return kith_error_set(KITH_EINVALID, "the name heading of '%s' "
			"spans several lines: join it on one line and retry",
			p->path);
	line_span(f, p->name_line, &ts, &te);
	ts = skip_blanks(f->text, ts, te);
	te = trim_blanks(f->text, ts, te);
	return splice_add(f, ts, te - ts, name, strlen(name));
}

/* ---- the field list ---- */

/* The last line with text of field i's item (values may go on lazily). */
static int
field_end(const struct file *f, const struct kith_person *p, size_t i)
{
	int end = i + 1 < p->nfields ? p->fields[i + 1].line - 1 :
		p->fields_end_line;

	while (end > p->fields[i].line && line_blank(f, end))
		end--;
	return end;
}

/* A field line's indentation and list marker with its blanks: "- ". */
static int
field_prefix(struct kith_buf *out, const struct file *f, int line)
{
	size_t s, e, i;

	line_span(f, line, &s, &e);
	i = skip_blanks(f->text, s, e);
	if (i < e)
		i++; /* the marker */
	i = skip_blanks(f->text, i, e);
	return kith_buf_put(out, f->text + s, i - s);
}

/* The line after which a new field `key` goes: after the last one with
 * that key, else at the end of the list. */
static int
field_slot(const struct file *f, const struct kith_person *p, const char *key,
	size_t klen, int *prefix_line)
{
	size_t i = p->nfields - 1;

	for (size_t k = 0; k < p->nfields; k++)
		if (strlen(p->fields[k].key) == klen &&
		    !strncmp(p->fields[k].key, key, klen))
			i = k;
	*prefix_line = p->fields[i].line;
	return field_end(f, p, i);
}

/* A new field list for p, after its heading (or first in the file). */
static int
new_field_list(struct file *f, const struct kith_person *p, const char *lines)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *eol = file_eol(f);
	int after = p->name_line ? heading_end(f, p) : 0, rc = 0;

	if (after)
		rc = kith_buf_puts(&b, eol); /* a blank line after the heading */
	for (const char *s = lines; *s && rc == 0; ) {
		const char *nl = strchr(s, '\n');
		rc = kith_buf_printf(&b, "- %.*s%s", (int)(nl - s), s, eol);
		s = nl + 1;
	}
	/* Notes straight after a new list would run on in its last item. */
	if (rc == 0 && after < f->src.nlines && !line_blank(f, after + 1))
		rc = kith_buf_puts(&b, eol);
	if (rc == 0)
		rc = insert_lines(f, after, b.ptr);
	kith_buf_free(&b);
	return rc;
}

/*
 * Add "key: value" lines (each ending "\n") to p's field list, each after
 * the fields with its key, or at the end, marked and indented as they are.
 */
static int
insert_fields(struct file *f, const struct kith_person *p, const char *lines)
{
	struct kith_buf b = KITH_BUF_INIT;
	int rc = 0;

	if (!p->nfields)
		return new_field_list(f, p, lines);
	for (const char *s = lines; *s && rc == 0; ) {
		const char *nl = strchr(s, '\n');
		int pl, after = field_slot(f, p, s, strcspn(s, ":"), &pl);
		kith_buf_clear(&b);
		if ((rc = field_prefix(&b, f, pl)) == 0 &&
		    (rc = kith_buf_printf(&b, "%.*s%s", (int)(nl - s), s,
		    file_eol(f))) == 0)
			rc = insert_lines(f, after, b.ptr);
		s = nl + 1;
	}
	kith_buf_free(&b);
	return rc;
}

/* ---- what is added to one person's file ---- */

struct person_edit {
	struct file *f;
	const struct kith_person *p;
	struct kith_buf fields;   /* "key: value\n" lines for the field list */
	struct kith_buf aliases;  /* "a, b": names to add to the aliases */
	struct kith_buf tags;     /* "#a #b": tags to add to the tags field */
	struct kith_ptrvec known; /* folded names it goes by (malloc'd) */
};

static void
edit_free(struct person_edit *pe)
{
	kith_buf_free(&pe->fields);
	kith_buf_free(&pe->aliases);
	kith_buf_free(&pe->tags);
	for (size_t i = 0; i < pe->known.n; i++)
		free(pe->known.v[i]);
	kith_ptrvec_free(&pe->known);
}

/* Remember s as a name the person goes by; *added false if it was one. */
static int
edit_know(struct person_edit *pe, const char *s, bool *added)
{
	char *f;
	int rc;

	if (added)
		*added = false;
	if ((rc = kith_fold(&f, s, strlen(s))) < 0)
		return rc;
	for (size_t i = 0; i < pe->known.n; i++)
		if (!strcmp(pe->known.v[i], f)) {
			free(f);
			return 0;
		}
	if (kith_ptrvec_push(&pe->known, f) < 0) {
		free(f);
		return KITH_ERROR;
	}
	if (added)
		*added = true;
	return 0;
}

/* The person about to be edited goes by slug, name and its aliases. */
static int
edit_init(struct person_edit *pe, struct file *f, const struct kith_person *p,
	const char *slug, const char *name)
{
	int rc;

	memset(pe, 0, sizeof *pe);
	pe->f = f;
	pe->p = p;
	if ((rc = edit_know(pe, slug, NULL)) < 0 ||
	    (name && (rc = edit_know(pe, name, NULL)) < 0))
		return rc;
	for (size_t i = 0; i < p->naliases; i++)
		if ((rc = edit_know(pe, p->aliases[i], NULL)) < 0)
			return rc;
	return 0;
}

/* Add an alias unless the person goes by it (or it cannot be one). */
static int
edit_alias(struct person_edit *pe, const char *alias)
{
	bool added;
	int rc;

	if (!*alias || strpbrk(alias, ",\r\n"))
		return 0;
	if ((rc = edit_know(pe, alias, &added)) < 0 || !added)
		return rc;
	if (pe->aliases.len && (rc = kith_buf_puts(&pe->aliases, ", ")) < 0)
		return rc;
	return kith_buf_puts(&pe->aliases, alias);
}

/* Append items to the person's first field `key`; *done false if none. */
static int
append_to_field(bool *done, struct person_edit *pe, const char *key,
	const char *sep, const char *items)
{
	const struct kith_person *p = pe->p;
	struct kith_buf b = KITH_BUF_INIT;
	size_t s, e;
	int rc;

	*done = false;
	for (size_t i = 0; i < p->nfields; i++) {
		if (strcmp(p->fields[i].key, key))
			continue;
		line_span(pe->f, field_end(pe->f, p, i), &s, &e);
		e = trim_blanks(pe->f->text, s, e);
		*done = true;
		/* "- aliases:" without a value takes a blank, not a comma. */
		if ((rc = kith_buf_printf(&b, "%s%s", *p->fields[i].value ? sep :
		    " ", items)) == 0)
			rc = splice_add(pe->f, e, 0, b.ptr, b.len);
		kith_buf_free(&b);
		return rc;
	}
	return 0;
}

/* Everything gathered into the file: appended values, new field lines. */
static int
edit_finish(struct person_edit *pe)
{
	bool done;
	int rc;

	if (pe->aliases.len && ((rc = append_to_field(&done, pe, "aliases",
	    ", ", pe->aliases.ptr)) < 0 || (!done && (rc = kith_buf_printf(
	    &pe->fields, "aliases: %s\n", pe->aliases.ptr)) < 0)))
		return rc;
	if (pe->tags.len && ((rc = append_to_field(&done, pe, "tags", " ",
	    pe->tags.ptr)) < 0 || (!done && (rc = kith_buf_printf(&pe->fields,
	    "tags: %s\n", pe->tags.ptr)) < 0)))
		return rc;
	if (pe->fields.len)
		return insert_fields(pe->f, pe->p, pe->fields.ptr);
	return 0;
}

/* ---- mentions ---- */

enum how { BY_SLUG, BY_NAME, BY_ALIAS };

/* Whether a mention of p names it by its slug, its name or an alias. */
static int
mention_how(enum how *out, const struct kith_mention *mn,
	const struct kith_person *p)
{
	char *t = NULL, *n = NULL;
	int rc;

	*out = BY_ALIAS;
	if ((rc = kith_fold(&t, mn->target, strlen(mn->target))) < 0)
		return rc;
	if (!strcmp(t, p->slug))
		*out = BY_SLUG;
	else if (mn->kind == KITH_MENTION_WIKI && p->has_name &&
	    (rc = kith_fold(&n, p->name, strlen(p->name))) == 0 && !strcmp(t, n))
		*out = BY_NAME;
	free(t);
	free(n);
	return rc;
}

/* Where the target stands in a wiki link as written: after "[[" and blanks. */
static size_t
wiki_target(const char *raw, const char *target)
{
	size_t i = 2;

	while (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\r' ||
	    raw[i] == '\v' || raw[i] == '\f')
		i++;
	return strncmp(raw + i, target, strlen(target)) ? SIZE_MAX : i;
}

/* Rewrite one mention to name slug (by slug) or name (by name). */
static int
rewrite_mention(struct plan *pl, const struct kith_mention *mn, const char *to)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = strlen(mn->raw), at;
	struct file *f;
	int rc;

	if (mn->off == SIZE_MAX)
		return kith_error_set(KITH_EINVALID, "cannot rewrite '%s' at %s:%d: "
			"it is written with a backslash escape or an entity; write "
			"it plainly and retry", mn->raw, mn->path, mn->line);
	if ((rc = plan_file(&f, pl, mn->path)) < 0)
		return rc;
	if (mn->off + n > f->len || memcmp(f->text + mn->off, mn->raw, n))
		return kith_error_set(KITH_ERROR, "'%s' changed while kith was "
			"reading it: try again", mn->path);
	if (mn->kind == KITH_MENTION_AT) {
		if ((rc = kith_buf_printf(&b, "@%s", to)) == 0)
			rc = splice_add(f, mn->off, n, b.ptr, b.len);
		kith_buf_free(&b);
		return rc;
	}
	if ((at = wiki_target(mn->raw, mn->target)) == SIZE_MAX)
		return kith_error_set(KITH_EINVALID, "cannot rewrite '%s' at %s:%d: "
			"write the link plainly and retry", mn->raw, mn->path,
			mn->line);
	return splice_add(f, mn->off + at, strlen(mn->target), to, strlen(to));
}

/*
 * Every mention of p: by its slug to slug, by its name to name (either
 * NULL: left as it is); by an alias, left as it is.
 */
static int
rewrite_mentions(struct plan *pl, const struct kith_person *p,
	const char *slug, const char *name)
{
	struct kith_model *m = pl->model;
	enum how how;
	int rc;

	for (size_t i = 0; i < m->nmentions; i++) {
		const struct kith_mention *mn = m->mentions[i];
		const char *to;
		if (mn->person != p)
			continue;
		if ((rc = mention_how(&how, mn, p)) < 0)
			return rc;
		to = how == BY_SLUG ? slug : how == BY_NAME ? name : NULL;
		if (to && (rc = rewrite_mention(pl, mn, to)) < 0)
			return rc;
	}
	return 0;
}

/* ---- the result ---- */

static const char *
file_dest(const struct file *f)
{
	return f->newpath ? f->newpath : f->path;
}

static int
cmp_file(const void *a, const void *b)
{
	return strcmp(file_dest(*(struct file *const *)a),
		file_dest(*(struct file *const *)b));
}

/* Move one file's result into the next change, with its text before. */
static int
take_change(struct kith_rewrite *rw, struct file *f)
{
	struct kith_change *c = &rw->changes[rw->n];

	if (!(c->path = strdup(file_dest(f))) ||
	    (f->newpath && !(c->from = strdup(f->path)))) {
		free((char *)c->path);
		*c = (struct kith_change){ 0 };
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	if (!f->remove) {
		c->data = f->result.ptr;
		c->len = f->result.len;
		f->result = (struct kith_buf)KITH_BUF_INIT;
	}
	rw->before[rw->n] = f->text;
	rw->before_len[rw->n] = f->len;
	f->text = NULL;
	rw->n++;
	return 0;
}

/*
 * One change per file whose text changed, or that moves or goes, in path
 * order; the commit message "what: from -> to (N files)".
 */
static int
plan_result(struct kith_rewrite *rw, struct plan *pl, const char *what,
	const char *from, const char *to)
{
	struct kith_buf msg = KITH_BUF_INIT;
	int rc;

	rw->changes = calloc(pl->n + 1, sizeof *rw->changes);
	rw->before = calloc(pl->n + 1, sizeof *rw->before);
	rw->before_len = calloc(pl->n + 1, sizeof *rw->before_len);
	if (!rw->changes || !rw->before || !rw->before_len)
		return kith_error_set(KITH_ERROR, "out of memory");
	kith_sort(pl->files, pl->n, sizeof *pl->files, cmp_file);
	for (size_t i = 0; i < pl->n; i++) {
		struct file *f = pl->files[i];
		if (!f->remove && (rc = file_build(f)) < 0)
			return rc;
		if (!f->remove && !f->newpath && f->result.len == f->len &&
		    !memcmp(f->result.ptr, f->text, f->len))
			continue;
		if ((rc = take_change(rw, f)) < 0)
			return rc;
	}
	if (kith_buf_printf(&msg, "%s: %s -> %s (%zu file%s)", what, from, to,
	    rw->n, rw->n == 1 ? "" : "s") < 0)
		return KITH_ERROR;
	rw->message = msg.ptr;
	return 0;
}

void
kith_rewrite_free(struct kith_rewrite *rw)
{
	if (!rw)
		return;
	for (size_t i = 0; rw->changes && i < rw->n; i++) {
		free((char *)rw->changes[i].path);
		free((char *)rw->changes[i].from);
		free((char *)rw->changes[i].data);
		if (rw->before)
			free((char *)rw->before[i]);
	}
	free(rw->changes);
	free(rw->before);
	free(rw->before_len);
	free((char *)rw->message);
	free(rw);
}

/* ---- kith mv ---- */

/* Refuse a path that is there already (whatever it is). */
static int
check_path(struct kith_repo *repo, const char *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	int rc;

	if ((rc = kith_repo_path(&abs, repo, rel)) < 0)
		return rc;
	if (lstat(abs.ptr, &st) == 0)
		rc = kith_error_set(KITH_EEXISTS, "'%s' already exists: pick "
			"another name, or fold the two with 'kith merge'", rel);
	else if (errno != ENOENT && errno != ENOTDIR)
		rc = kith_error_errno(KITH_ERROR, "cannot look at '%s'", rel);
	kith_buf_free(&abs);
	return rc;
}

/* Refuse a slug or name by which mentions already find someone else. */
static int
check_free(struct kith_model *m, const struct kith_person *p,
	enum kith_mention_kind kind, const char *s)
{
	struct kith_person *q = NULL;
	int rc = kith_model_resolve(&q, m, kind, s, strlen(s));

	if (rc == KITH_ENOTFOUND || (rc == 0 && q == p))
		return 0;
	if (rc == KITH_EAMBIGUOUS)
		return kith_error_set(KITH_EEXISTS, "'%s' already names several "
			"people: pick another name", s);
	if (rc < 0)
		return rc;
	return kith_error_set(KITH_EEXISTS, "'%s' already names %s (%s): pick "
		"another name, or fold the two with 'kith merge'", s, q->name,
		q->path);
}

static int
check_name(const char *name)
{
	if (!*name || strpbrk(name, "\r\n") || !kith_utf8_valid(name, strlen(name)))
		return kith_error_set(KITH_EINVALID, "bad name '%s': give it on "
			"one line, as UTF-8", name);
	return 0;
}

int
kith_rewrite_mv(struct kith_rewrite **out, struct kith_repo *repo,
	struct kith_model *m, struct kith_person *p, const char *slug,
	const char *name)
{
	struct plan pl = { repo, m, NULL, 0, 0 };
	struct person_edit pe = { 0 };
	struct kith_buf path = KITH_BUF_INIT;
	struct kith_rewrite *rw = NULL;
	bool moves = strcmp(slug, p->slug) != 0;
	bool renames = name && (!p->has_name || strcmp(name, p->name));
	struct file *f;
	int rc;

	*out = NULL;
	if (!kith_slug_valid(slug))
		return kith_error_set(KITH_EINVALID, "bad slug '%s': use a-z, "
			"0-9 and '-', not first", slug);
	if (name && (rc = check_name(name)) < 0)
		return rc;
	if (!moves && !renames)
		return kith_error_set(KITH_EINVALID, "%s is already called that: "
			"nothing to rename", p->path);
	if (!(rw = calloc(1, sizeof *rw)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if ((moves && ((rc = kith_buf_printf(&path, "people/%s.md", slug)) < 0 ||
	    (rc = check_path(repo, path.ptr)) < 0 ||
	    (rc = check_free(m, p, KITH_MENTION_AT, slug)) < 0)) ||
	    (renames && (rc = check_free(m, p, KITH_MENTION_WIKI, name)) < 0) ||
	    (rc = plan_file(&f, &pl, p->path)) < 0)
		goto out;
	if (moves) {
		f->newpath = path.ptr;
		path = (struct kith_buf)KITH_BUF_INIT;
	}
	if ((rc = rewrite_mentions(&pl, p, moves ? slug : NULL,
	    renames ? name : NULL)) < 0 ||
	    (renames && (rc = splice_name(f, p, name)) < 0) ||
	    (rc = edit_init(&pe, f, p, slug, renames ? name :
	    p->has_name ? p->name : NULL)) < 0 ||
	    (moves && (rc = edit_alias(&pe, p->slug)) < 0) ||
	    (renames && p->has_name && (rc = edit_alias(&pe, p->name)) < 0) ||
	    (rc = edit_finish(&pe)) < 0 ||
	    (rc = plan_result(rw, &pl, "mv", moves ? p->slug : p->name,
	    moves ? slug : name)) < 0)
		goto out;
	*out = rw;
	rw = NULL;
out:
	edit_free(&pe);
	plan_free(&pl);
	kith_buf_free(&path);
	kith_rewrite_free(rw);
	return rc;
}

/* ---- kith merge: fields ---- */

bool
kith_field_single(const char *key)
{
	static const char *const single[] = {
		"birthday", "every", "company", "met", "introduced-by",
		"name", "full-name", "first-name", "given-name", "middle-name",
		"last-name", "family-name",
	};

	for (size_t i = 0; i < sizeof single / sizeof *single; i++)
		if (!strcmp(key, single[i]))
			return true;
	return false;
}

static bool
same_value(const char *key, const char *a, const char *b)
{
	if (!strcmp(key, "email") || !strcmp(key, "e-mail"))
		return !strcasecmp(a, b);
	return !strcmp(a, b);
}

/* What keep has for key, as it was and as added so far. */
static bool
keep_has(const struct person_edit *pe, const struct kith_ptrvec *added,
	const char *key, const char *value)
{
	for (size_t i = 0; i < pe->p->nfields; i++)
		if (!strcmp(pe->p->fields[i].key, key) && (!value ||
		    same_value(key, pe->p->fields[i].value, value)))
			return true;
	for (size_t i = 0; i < added->n; i++) {
		const struct kith_field *f = added->v[i];
		if (!strcmp(f->key, key) && (!value || same_value(key, f->value, value)))
			return true;
	}
	return false;
}

/* A tag as kith_tag_norm has it, trailing punctuation off; NULL: none. */
static char *
tag_of(const char *tok, size_t n)
{
	char *t, *norm = NULL;

	while (n && strchr(".,;:!?)", tok[n - 1]))
		n--;
	if (!n || !(t = kith_strndup(tok, n)))
		return NULL;
	if (kith_tag_norm(&norm, t) < 0)
		norm = NULL;
	free(t);
	return norm;
}

/* The tags of drop's tags field that keep's file does not have. */
static int
merge_tags(struct person_edit *pe, struct kith_ptrvec *seen, const char *v)
{
	const struct kith_person *p = pe->p;

	for (const char *s = v; *s; ) {
		size_t n = strcspn(s, " \t"), k;
		char *tag = n ? tag_of(s, n) : NULL;
		bool have = !tag;
		for (k = 0; tag && !have && k < p->ntags; k++)
			have = !strcmp(p->tags[k], tag);
		for (k = 0; tag && !have && k < seen->n; k++)
			have = !strcmp(seen->v[k], tag);
		if (!have && (kith_ptrvec_push(seen, tag) < 0 ||
		    (pe->tags.len && kith_buf_puts(&pe->tags, " ") < 0) ||
		    kith_buf_put(&pe->tags, s, n) < 0)) {
			if (!seen->n || seen->v[seen->n - 1] != tag)
				free(tag);
			return KITH_ERROR;
		}
		if (have)
			free(tag);
		s += n;
		s += strspn(s, " \t");
	}
	return 0;
}

/*
 * Drop's fields into keep: a value keep lacks is added; a single-valued
 * key keep has with another value stays keep's, drop's going to
 * conflicts as "merged from SLUG: key: value\n"; tags are united.
 */
static int
merge_fields(struct person_edit *pe, const struct kith_person *dp,
	const char *drop_slug, struct kith_buf *conflicts)
{
	struct kith_ptrvec added = { 0 }, seen = { 0 };
	int rc = 0;

	for (size_t i = 0; i < dp->nfields && rc == 0; i++) {
		const struct kith_field *f = &dp->fields[i];
		if (!strcmp(f->key, "aliases") || !*f->value)
			continue;
		if (!strcmp(f->key, "tags"))
			rc = merge_tags(pe, &seen, f->value);
		else if (keep_has(pe, &added, f->key, f->value))
			continue;
		else if (kith_field_single(f->key) && keep_has(pe, &added, f->key, NULL))
			rc = kith_buf_printf(conflicts, "merged from %s: %s: %s\n",
				drop_slug, f->key, f->value);
		else if ((rc = kith_ptrvec_push(&added, (void *)f)) == 0)
			rc = kith_buf_printf(&pe->fields, "%s: %s\n", f->key,
				f->value);
	}
	for (size_t i = 0; i < seen.n; i++)
		free(seen.v[i]);
	kith_ptrvec_free(&seen);
	kith_ptrvec_free(&added);
	return rc;
}

/* ---- kith merge: notes ---- */

/* Whether line l (1-based) lies in drop's name heading or field list. */
static bool
in_card(const struct file *f, const struct kith_person *p, int l)
{
	if (p->name_line && l >= p->name_line && l <= heading_end(f, p))
		return true;
	return p->nfields && l >= p->fields[0].line && l <= p->fields_end_line;
}

/* Drop's notes: its lines but the heading and fields, blank ends off. */
static int
drop_notes(struct kith_buf *out, const struct file *f,
	const struct kith_person *p, const char *eol)
{
	int first = 1, last = f->src.nlines;

	while (first <= last && (in_card(f, p, first) || line_blank(f, first)))
		first++;
	while (last >= first && (in_card(f, p, last) || line_blank(f, last)))
		last--;
	for (int l = first; l <= last; l++) {
		size_t s, e;
		if (in_card(f, p, l))
			continue;
		line_span(f, l, &s, &e);
		if (kith_buf_put(out, f->text + s, e - s) < 0 ||
		    kith_buf_puts(out, eol) < 0)
			return KITH_ERROR;
	}
	return 0;
}

/*
 * At the end of keep's file, after a blank line: "Merged from NAME
 * (slug):", drop's single values keep did not take, drop's notes.
 */
static int
append_notes(struct file *fk, const struct file *fd,
	const struct kith_person *dp, const char *conflicts)
{
	struct kith_buf b = KITH_BUF_INIT, notes = KITH_BUF_INIT;
	const char *eol = file_eol(fk);
	int rc;

	if ((rc = drop_notes(&notes, fd, dp, eol)) < 0 ||
	    (!notes.len && !*conflicts))
		goto out;
	if (fk->len && fk->text[fk->len - 1] != '\n')
		rc = kith_buf_puts(&b, eol);
	if (rc == 0 && fk->len && (fk->text[fk->len - 1] != '\n' ||
	    !line_blank(fk, fk->src.nlines)))
		rc = kith_buf_puts(&b, eol);
	if (rc == 0)
		rc = dp->has_name ? kith_buf_printf(&b, "Merged from %s (%s):%s%s",
			dp->name, dp->slug, eol, eol) : kith_buf_printf(&b,
			"Merged from %s:%s%s", dp->slug, eol, eol);
	for (const char *s = conflicts; *s && rc == 0; ) {
		const char *nl = strchr(s, '\n');
		rc = kith_buf_printf(&b, "- %.*s%s", (int)(nl - s), s, eol);
		s = nl + 1;
	}
	if (rc == 0 && *conflicts && notes.len)
		rc = kith_buf_puts(&b, eol);
	if (rc == 0 && (rc = kith_buf_put(&b, notes.ptr, notes.len)) == 0)
		rc = splice_add(fk, fk->len, 0, b.ptr, b.len);
out:
	kith_buf_free(&b);
	kith_buf_free(&notes);
	return rc;
}

/* ---- kith merge ---- */

/* Drop's file as the mentions left it, parsed again (fields, notes). */
static int
reparse(struct kith_model **dm, struct file *rf, struct file *fd)
{
	int rc;

	*dm = NULL;
	if ((rc = file_build(fd)) < 0)
		return rc;
	if (!(rf->path = strdup(fd->path)) ||
	    !(rf->text = kith_strndup(fd->result.ptr, fd->result.len)))
		return kith_error_set(KITH_ERROR, "out of memory");
	rf->len = fd->result.len;
	if ((rc = kith_src_init(&rf->src, rf->text, rf->len)) < 0 ||
	    (rc = kith_model_new(dm)) < 0 ||
	    (rc = kith_model_add_person(*dm, rf->path, rf->text, rf->len)) < 0 ||
	    (rc = kith_model_finish(*dm)) < 0)
		return rc;
	if ((*dm)->npeople != 1)
		return kith_error_set(KITH_ERROR, "cannot read '%s' again", fd->path);
	return 0;
}

/* Drop's slug, aliases and name go to keep's aliases. */
static int
merge_aliases(struct person_edit *pe, const struct kith_person *dp)
{
	int rc;

	if ((rc = edit_alias(pe, dp->slug)) < 0)
		return rc;
	for (size_t i = 0; i < dp->naliases; i++)
		if ((rc = edit_alias(pe, dp->aliases[i])) < 0)
			return rc;
	return dp->has_name ? edit_alias(pe, dp->name) : 0;
}

int
kith_rewrite_merge(struct kith_rewrite **out, struct kith_repo *repo,
	struct kith_model *m, struct kith_person *keep, struct kith_person *drop)
{
	struct plan pl = { repo, m, NULL, 0, 0 };
	struct person_edit pe = { 0 };
	struct file rf = { 0 }, *fk, *fd;
	struct kith_buf conflicts = KITH_BUF_INIT;
	struct kith_model *dm = NULL;
	struct kith_rewrite *rw = NULL;
	int rc;

	*out = NULL;
	if (keep == drop)
		return kith_error_set(KITH_EINVALID, "cannot merge %s into itself: "
			"name two people", keep->path);
	if (!(rw = calloc(1, sizeof *rw)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if ((rc = plan_file(&fk, &pl, keep->path)) < 0 ||
	    (rc = plan_file(&fd, &pl, drop->path)) < 0 ||
	    (rc = rewrite_mentions(&pl, drop, keep->slug,
	    keep->has_name ? keep->name : keep->slug)) < 0 ||
	    (rc = reparse(&dm, &rf, fd)) < 0 ||
	    (rc = edit_init(&pe, fk, keep, keep->slug,
	    keep->has_name ? keep->name : NULL)) < 0 ||
	    (rc = merge_fields(&pe, dm->people[0], drop->slug, &conflicts)) < 0 ||
	    (rc = merge_aliases(&pe, dm->people[0])) < 0 ||
	    (rc = edit_finish(&pe)) < 0 ||
	    (rc = append_notes(fk, &rf, dm->people[0], kith_buf_cstr(&conflicts))) < 0)
		goto out;
	fd->remove = true;
	if ((rc = plan_result(rw, &pl, "merge", drop->slug, keep->slug)) < 0)
		goto out;
	*out = rw;
	rw = NULL;
out:
	kith_model_free(dm);
	kith_src_free(&rf.src);
	free(rf.path);
	free(rf.text);
	kith_buf_free(&conflicts);
	edit_free(&pe);
	plan_free(&pl);
	kith_rewrite_free(rw);
	return rc;
}

int
kith_rewrite_diff(struct kith_buf *out, const struct kith_rewrite *rw)
{
	int rc = 0;

	for (size_t i = 0; i < rw->n && rc == 0; i++) {
		const struct kith_change *c = &rw->changes[i];
		rc = kith_diff(out, c->from ? c->from : c->path, rw->before[i],
			rw->before_len[i], c->data ? c->path : NULL, c->data, c->len);
	}
	return rc;
}
