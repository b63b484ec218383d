/*
 * person.c - parse people/<slug>.md: the display name (first level-1
 * heading), the fields (the bullet list right after it whose items all read
 * "key: value"), and the notes, whose dated list items are interactions.
 *
 * Field keys and values come from the source lines, not cmark's text, so a
 * value reads exactly as written ("jane_doe@x.org" keeps its underscores).
 */
#include <cmark.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The slug of "people/<slug>.md" (or of any "<dir>/<slug>.md"). */
static char *
path_slug(struct kith_arena *a, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 3 && !strcmp(base + n - 3, ".md"))
		n -= 3;
	return kith_arena_strndup(a, base, n);
}

/* Split "key: value" (after the list marker); false if it is not one. */
static bool
split_field(const char *s, size_t n, size_t *klen, const char **v, size_t *vlen)
{
	size_t i = 0;

	if (!n || !isalpha((unsigned char)s[0]))
		return false;
	while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
		i++;
	*klen = i;
	while (i < n && s[i] == ' ')
		i++;
	if (i >= n || s[i] != ':' || (i + 1 < n && s[i + 1] != ' ' && s[i + 1] != '\t'))
		return false;
	for (i++; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*v = s + i;
	*vlen = n - i;
	return true;
}

/* The item's first line after its list marker. */
static const char *
after_marker(const char *s, size_t *n)
{
	size_t i = 0;

	while (i < *n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < *n && strchr("-*+", s[i]))
		i++;
	while (i < *n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*n -= i;
	return s + i;
}

static bool
is_field_item(struct kith_parser *p, cmark_node *it)
{
	cmark_node *para = cmark_node_first_child(it);
	size_t n, k, vn;
	const char *v, *s;

	if (!para || cmark_node_next(para) ||
	    cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return false;
	s = kith_src_line(&p->src, cmark_node_get_start_line(it), &n);
	s = after_marker(s, &n);
	return split_field(s, n, &k, &v, &vn);
}

/*
 * How many leading items of list are fields: all of them when every item
 * reads "key: value"; or those before a blank line after which the list
 * goes on with notes (Markdown joins "- a: b" and, after a blank line,
 * "- [ ] task" into one list; people see two). Otherwise none.
 */
static size_t
field_items(struct kith_parser *p, cmark_node *list)
{
	size_t k = 0;
	cmark_node *it = cmark_node_first_child(list), *prev = NULL;

	if (cmark_node_get_type(list) != CMARK_NODE_LIST ||
	    cmark_node_get_list_type(list) != CMARK_BULLET_LIST)
		return 0;
	for (; it && is_field_item(p, it); prev = it, it = cmark_node_next(it))
		k++;
	if (!it)
		return k;
	/* An item's end line may take in the blank line; its paragraph's not. */
	if (prev && cmark_node_get_start_line(it) >
	    cmark_node_get_end_line(cmark_node_first_child(prev)) + 1)
		return k;
	return 0;
}

static int
add_alias(struct kith_person *pe, struct kith_arena *a, const char *v, size_t n,
	struct kith_ptrvec *aliases)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && v[j] != ',')
			j++;
		size_t s = i, e = j;
		while (s < e && (v[s] == ' ' || v[s] == '\t'))
			s++;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e > s) {
			char *al = kith_arena_strndup(a, v + s, e - s);
			if (!al || kith_ptrvec_push(aliases, al) < 0)
				return KITH_ERROR;
		}
		i = j + 1;
	}
	(void)pe;
	return 0;
}

static int
parse_fields(struct kith_parser *p, cmark_node *list, size_t nitems)
{
	struct kith_person *pe = p->person;
	struct kith_arena *a = kith_model_arena(p->model);
	struct kith_ptrvec aliases = { 0 };
	size_t i = 0;
	int rc = KITH_ERROR;
	cmark_node *it, *last = NULL;

	if (!(pe->fields = kith_arena_alloc(a, nitems * sizeof *pe->fields)))
		goto out;
	for (it = cmark_node_first_child(list); i < nitems; it = cmark_node_next(it)) {
		cmark_node *para = cmark_node_first_child(it);
		int line = cmark_node_get_start_line(it);
		size_t n, k, vn;
		const char *v, *s = kith_src_line(&p->src, line, &n);
		struct kith_field *f = &pe->fields[i++];

		s = after_marker(s, &n);
		split_field(s, n, &k, &v, &vn);
		f->key = kith_lower(a, s, k);
		f->line = line;
		/* A value continued on lazy lines reads as one line. */
		kith_buf_clear(&p->scratch);
		if (kith_buf_put(&p->scratch, v, vn) < 0)
			goto out;
		for (int l = line + 1; l <= cmark_node_get_end_line(para); l++) {
			size_t ln;
			const char *t = kith_src_line(&p->src, l, &ln);
			while (ln && (*t == ' ' || *t == '\t'))
				t++, ln--;
			if (kith_buf_put(&p->scratch, " ", 1) < 0 ||
			    kith_buf_put(&p->scratch, t, ln) < 0)
				goto out;
		}
		f->value = kith_arena_strndup(a, kith_buf_cstr(&p->scratch), p->scratch.len);
		if (!f->key || !f->value)
			goto out;
		if (!strcmp(f->key, "aliases") &&
		    add_alias(pe, a, f->value, strlen(f->value), &aliases) < 0)
			goto out;
		if (!strcmp(f->key, "every") && !pe->every)
			pe->every = f->value;
	}
	pe->nfields = nitems;
	for (it = cmark_node_first_child(list), i = 0; i < nitems; it = cmark_node_next(it), i++)
		last = it;
	pe->fields_end_line = cmark_node_get_end_line(last);
	if (aliases.n) {
		if (!(pe->aliases = kith_arena_alloc(a, aliases.n * sizeof *pe->aliases)))
			goto out;
		memcpy(pe->aliases, aliases.v, aliases.n * sizeof *pe->aliases);
		pe->naliases = aliases.n;
	}
	rc = 0;
out:
	kith_ptrvec_free(&aliases);
	return rc;
}

/* Whether the line is a setext underline: up to 3 spaces, = or - only. */
static bool
setext_underline(const struct kith_src *src, int line)
{
	size_t n, i = 0;
	const char *s = kith_src_line(src, line, &n);

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i == n || (s[i] != '=' && s[i] != '-'))
		return false;
	for (char c = s[i]; i < n && s[i] == c; i++)
		;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n;
}

/* The heading's text as written: after "# ", without a closing "#" run. */
static char *
heading_text(struct kith_parser *p, cmark_node *h)
{
	size_t n;
	const char *s = kith_src_line(&p->src, cmark_node_get_start_line(h), &n);

	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	if (n && *s == '#') {
		while (n && *s == '#')
			s++, n--;
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		size_t k = n;
		while (k && s[k - 1] == '#')
			k--;
		if (k < n && (k == 0 || s[k - 1] == ' ' || s[k - 1] == '\t'))
			n = k;
	} else {
		/*
		 * Setext: the text lines above the underline. cmark 0.30.2
		 * ends the heading on the line after the underline when there
		 * is one, so find the underline itself.
		 */
		int first = cmark_node_get_start_line(h), last = first;
		while (last < cmark_node_get_end_line(h) &&
		    !setext_underline(&p->src, last + 1))
			last++;
		return kith_src_lines(kith_model_arena(p->model), &p->src,
			first, last);
	}
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return kith_arena_strndup(kith_model_arena(p->model), s, n);
}

char *
kith_heading_text(struct kith_parser *p, void *heading)
{
	char *t = heading_text(p, heading);

	/* A setext heading's lines, joined, without the last newline. */
	if (t) {
		size_t n = strlen(t);
		while (n && t[n - 1] == '\n')
			t[--n] = '\0';
		for (char *c = t; *c; c++)
			if (*c == '\n')
				*c = ' ';
	}
	return t;
}

int
kith_model_add_person(struct kith_model *model, const char *path,
	const char *text, size_t len)
{
	struct kith_parser p;
	struct kith_arena *a = kith_model_arena(model);
	struct kith_person *pe;
	cmark_node *doc = NULL;
	struct kith_ptrvec notes = { 0 };
	int rc;

	if ((rc = kith_parser_init(&p, model, path, text, len)) < 0)
		goto out;
	rc = KITH_ERROR;
	if (!(pe = kith_model_new_person(model)))
		goto out;
	pe->path = p.src.path;
	if (!(pe->slug = path_slug(a, path)))
		goto out;
	pe->name = pe->slug;
	pe->last = KITH_NODATE;
	p.person = pe;
	if (!(doc = kith_parse_cmark(&p.src))) {
		rc = kith_error_set(KITH_ERROR, "cannot parse '%s'", path);
		goto out;
	}
	cmark_node *h1 = NULL;
	size_t nf;
	for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
		p.notes = true;
		if (!h1 && cmark_node_get_type(c) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(c) == 1) {
			h1 = c;
			if (!(pe->name = kith_heading_text(&p, c)))
				goto out;
			pe->has_name = *pe->name != '\0';
			if (!pe->has_name)
				pe->name = pe->slug;
			pe->name_line = cmark_node_get_start_line(c);
		} else if (!pe->nfields && (h1 ? cmark_node_previous(c) == h1 :
		    c == cmark_node_first_child(doc)) && (nf = field_items(&p, c))) {
			if ((rc = parse_fields(&p, c, nf)) < 0)
				goto out;
			/* The fields' items, then any notes that share their list. */
			size_t i = 0;
			for (cmark_node *it = cmark_node_first_child(c); it; it = cmark_node_next(it)) {
				p.notes = i++ >= nf;
				if ((rc = kith_parse_walk(&p, it)) < 0)
					goto out;
			}
			rc = KITH_ERROR;
			continue;
		}
		if ((rc = kith_parse_walk(&p, c)) < 0)
			goto out;
		rc = KITH_ERROR;
	}
	/* Dated note items: interactions with this person, carrying their tags. */
	for (size_t i = 0; i < p.nhits; i++)
		if (p.hits[i].entry && kith_ptrvec_push(&notes, p.hits[i].entry) < 0)
			goto out;
	rc = kith_parse_finish_tags(&p, (struct kith_entry **)notes.v, notes.n);
out:
	kith_ptrvec_free(&notes);
	if (doc)
		kith_cmark_free(doc);
	kith_parser_free(&p);
	return rc;
}
