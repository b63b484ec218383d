/*
 * check.c - the lint behind kith check: every mistake a person typing in
 * an editor is likely to make, as a list of problems (path, line, kind,
 * message) sorted by path and line, for any command to ask for.
 *
 * Three sources. The model (mentions, fields, names) as the loader saw
 * it. The raw bytes of each people and journal file, for what the loader
 * cannot see or silently drops: invalid UTF-8 and NUL bytes, conflict
 * markers, a day title that disagrees with the file name, dated note items
 * and due: dates that are no real dates (the parser makes nothing of
 * those, so they are found here by parsing the file again with cmark,
 * which is done only for files whose bytes hold such a suspect). And the
 * work tree and index, for files outside the layout.
 */
#include <cmark.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utf8proc.h>

#include "internal.h"

#define HOOK_MARK "written by 'kith check --install-hook'"
#define MAX_CPS 128 /* longer names get no "did you mean" */

static const char *const kind_names[KITH_PROBLEM_NKINDS] = {
	"unresolved-mention", "ambiguous-mention", "duplicate", "bad-date",
	"bad-cadence", "bad-due", "bad-journal-name", "journal-date-mismatch",
	"outside-layout", "bad-slug", "no-name", "unreadable", "conflict-marker",
};

const char *
kith_problem_kind_name(enum kith_problem_kind kind)
{
	return (unsigned)kind < KITH_PROBLEM_NKINDS ? kind_names[kind] : NULL;
}

/* A name, slug or alias that a mention could have meant. */
struct key {
	enum { KEY_SLUG, KEY_NAME, KEY_ALIAS } type;
	const char *as_written;
	const char *folded;
	int32_t *cps; /* folded, as code points */
	size_t ncps;
	const struct kith_person *person;
	size_t slug; /* the index of the person's slug key */
};

struct checker {
	struct kith_repo *repo;
	const struct kith_model *model;
	unsigned kinds;
	struct kith_problems *out;
	struct kith_ptrvec skipped; /* paths (in out->arena) already explained */
	struct key *keys;
	size_t nkeys;
	size_t *byfold; /* key indexes by folded key, then index */
};

/* One path of the work tree or the index. */
struct file {
	char *path;
	unsigned char type; /* in the work tree: DT_REG, DT_LNK, ... */
	bool present;       /* in the work tree */
	bool tracked;       /* in the index */
};

struct files {
	struct file *v;
	size_t n, cap;
};

/* ---- problems ---- */

static bool
want(const struct checker *c, enum kith_problem_kind kind)
{
	return !c->kinds || (c->kinds & (1u << kind));
}

static int report(struct checker *c, enum kith_problem_kind kind,
	const char *path, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
report(struct checker *c, enum kith_problem_kind kind, const char *path,
	int line, const char *fmt, ...)
{
	struct kith_problems *ps = c->out;
	struct kith_problem *p;
	va_list ap;
	char *msg;
	int n;

	if (!want(c, kind))
		return 0;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 32;
		struct kith_problem *v = realloc(ps->v, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		ps->v = v;
		ps->cap = cap;
	}
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !(msg = kith_arena_alloc(ps->arena, (size_t)n + 1)))
		return kith_error_set(KITH_ERROR, "out of memory");
	va_start(ap, fmt);
	vsnprintf(msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	p = &ps->v[ps->n];
	p->kind = kind;
	p->line = line > 0 ? line : 1;
	p->message = msg;
	if (!(p->path = kith_arena_strdup(ps->arena, path)))
		return kith_error_set(KITH_ERROR, "out of memory");
	ps->n++;
	return 0;
}

/* Remember that path's skipping by the loader is explained already. */
static int
explained(struct checker *c, const char *path)
{
	char *p = kith_arena_strdup(c->out->arena, path);

	return p ? kith_ptrvec_push(&c->skipped, p) : KITH_ERROR;
}

static int
cmp_problem(const void *a, const void *b)
{
	const struct kith_problem *x = a, *y = b;
	int r;

	if ((r = strcmp(x->path, y->path)))
		return r;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->message, y->message);
}

void
kith_problems_free(struct kith_problems *ps)
{
	if (!ps)
		return;
	free(ps->v);
	kith_arena_free(ps->arena);
	free(ps);
}

/* ---- dates as people type them ---- */

static bool
digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Length of something shaped like a date at s: NNNN-N(N)-N(N) not
 * followed by a digit; 0 if there is none.
 */
static size_t
date_shape(const char *s, size_t n)
{
	size_t i = 0, k;

	for (; i < 4; i++)
		if (i >= n || !digit(s[i]))
			return 0;
	for (int part = 0; part < 2; part++) {
		if (i >= n || s[i++] != '-')
			return 0;
		for (k = 0; k < 2 && i < n && digit(s[i]); k++)
			i++;
		if (!k)
			return 0;
	}
	return i < n && digit(s[i]) ? 0 : i;
}

static bool
real_date(const char *s, size_t n)
{
	kith_date d;

	return n == 10 && kith_date_parse_iso(&d, s, 10) == 0;
}

/* What is wrong with a date-shaped s of n bytes, or NULL when it is fine. */
static const char *
date_fault(const char *s, size_t n)
{
	if (real_date(s, n))
		return NULL;
	return n == 10 ? "there is no such day" : "write it as YYYY-MM-DD";
}

/* "--MM-DD", a day that exists in some year. */
static bool
yearless(const char *s)
{
	return strlen(s) == 7 && !strncmp(s, "--", 2) && digit(s[2]) &&
		digit(s[3]) && s[4] == '-' && digit(s[5]) && digit(s[6]) &&
		kith_date_valid_ymd(2000, (s[2] - '0') * 10 + (s[3] - '0'),
		(s[5] - '0') * 10 + (s[6] - '0'));
}

/* Whether the text after a date lets it stand alone: end, space or ':' etc. */
static bool
date_ends(const char *s, size_t n, size_t i)
{
	return i >= n || s[i] == ' ' || s[i] == '\t' || s[i] == ':' ||
		s[i] == ',' || s[i] == ';';
}

/* ---- fields, names and duplicates ---- */

static int
check_field(struct checker *c, const struct kith_person *p,
	const struct kith_field *f)
{
	const char *v = f->value;
	size_t n = strlen(v), k = date_shape(v, n);
	const char *why = k ? date_fault(v, k) : NULL;
	struct kith_cadence cad;

	if (!strcmp(f->key, "birthday")) {
		if ((k == 10 && n == 10 && !why) || yearless(v))
			return 0;
		if (k == 10 && n == 10)
			return report(c, KITH_PROBLEM_BAD_DATE, p->path, f->line,
				"bad birthday '%s': there is no such day", v);
		return report(c, KITH_PROBLEM_BAD_DATE, p->path, f->line,
			"bad birthday '%s': write YYYY-MM-DD, or --MM-DD without the year", v);
	}
	if (!strcmp(f->key, "every")) {
		if (kith_cadence_parse(&cad, v) == 0)
			return 0;
		return report(c, KITH_PROBLEM_BAD_CADENCE, p->path, f->line, "%s",
			kith_error());
	}
	if (k && !date_ends(v, n, k))
		k = 0, why = NULL;
	if (!strcmp(f->key, "met") && !k)
		return report(c, KITH_PROBLEM_BAD_DATE, p->path, f->line,
			"bad date in met '%s': start it with the date, YYYY-MM-DD", v);
	if (!why)
		return 0;
	return report(c, KITH_PROBLEM_BAD_DATE, p->path, f->line,
		"bad date '%.*s' in %s: %s", (int)k, v, f->key, why);
}

static int
check_person(struct checker *c, const struct kith_person *p)
{
	int rc;

	if (!p->has_name && (rc = report(c, KITH_PROBLEM_NO_NAME, p->path,
	    p->name_line, "no name: add '# Name' as the first line")) < 0)
		return rc;
	for (size_t i = 0; i < p->nfields; i++)
		if ((rc = check_field(c, p, &p->fields[i])) < 0)
			return rc;
	return 0;
}

/* One e-mail, phone or name of a person, normalised for comparing. */
struct ident {
	enum { ID_EMAIL, ID_PHONE, ID_NAME } type;
	char *norm;        /* malloc'd */
	const char *value; /* as written */
	size_t person;     /* index in model->people (slug order) */
	int line;
};

static const char *const ident_words[] = { "e-mail", "phone", "name" };

static int
cmp_ident(const void *a, const void *b)
{
	const struct ident *x = a, *y = b;
	int r;

	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if ((r = strcmp(x->norm, y->norm)))
		return r;
	if (x->person != y->person)
		return x->person < y->person ? -1 : 1;
	return x->line - y->line;
}

/* A pair of people that look like one: reported on second, naming first. */
struct pair {
	size_t first, second;
	const struct ident *why; /* the second's evidence */
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->second != y->second)
		return x->second < y->second ? -1 : 1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->why->line != y->why->line)
		return x->why->line - y->why->line;
	return x->why->type - y->why->type;
}

/* "+49 (30) 123-4567" as "+49301234567"; "" when it has no digit. */
static char *
phone_norm(const char *v)
{
	char *out = malloc(strlen(v) + 1), *o = out;
	const char *s = v;

	if (!out)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '+')
		*o++ = *s++;
	for (; *s; s++)
		if (digit(*s))
			*o++ = *s;
	*o = '\0';
	if (o == out + (*out == '+'))
		*out = '\0';
	return out;
}

static char *
email_norm(const char *v)
{
	char *out = NULL;

	if (kith_fold(&out, v, strlen(v)) < 0) {
		free(out);
		return strdup("");
	}
	return out;
}

static int
push_ident(struct ident **v, size_t *n, size_t *cap, struct ident id)
{
	if (!id.norm)
		return kith_error_set(KITH_ERROR, "out of memory");
	if (!*id.norm) {
		free(id.norm);
		return 0;
	}
	if (*n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct ident *nv = realloc(*v, nc * sizeof *nv);
		if (!nv) {
			free(id.norm);
			return kith_error_set(KITH_ERROR, "out of memory");
		}
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = id;
	return 0;
}

static int
collect_idents(const struct kith_model *m, struct ident **v, size_t *n)
{
	size_t cap = 0;
	int rc;

	for (size_t i = 0; i < m->npeople; i++) {
		const struct kith_person *p = m->people[i];
		char *f = NULL;

		for (size_t j = 0; j < p->nfields; j++) {
			const struct kith_field *fl = &p->fields[j];
			struct ident id = { ID_EMAIL, NULL, fl->value, i, fl->line };
			if (!strcmp(fl->key, "email"))
				id.norm = email_norm(fl->value);
			else if (!strcmp(fl->key, "phone"))
				id.type = ID_PHONE, id.norm = phone_norm(fl->value);
			else
				continue;
			if ((rc = push_ident(v, n, &cap, id)) < 0)
				return rc;
		}
		if (!p->has_name)
			continue;
		if ((rc = kith_fold(&f, p->name, strlen(p->name))) < 0)
			return rc;
		struct ident id = { ID_NAME, f, p->name, i, p->name_line };
		if ((rc = push_ident(v, n, &cap, id)) < 0)
			return rc;
	}
	return 0;
}

struct pairs {
	struct pair *v;
	size_t n, cap;
};

static int
push_pair(struct pairs *ps, const struct ident *a, const struct ident *b)
{
	if (a->person == b->person)
		return 0;
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 16;
		struct pair *v = realloc(ps->v, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		ps->v = v;
		ps->cap = cap;
	}
	ps->v[ps->n++] = (struct pair){ a->person, b->person, b };
	return 0;
}

/* Every pair of people in a run of equal identities of sorted ids. */
static int
collect_pairs(struct pairs *ps, const struct ident *ids, size_t nids)
{
	int rc = 0;

	for (size_t i = 0, j; i < nids; i = j) {
		for (j = i + 1; j < nids && ids[j].type == ids[i].type &&
		     !strcmp(ids[j].norm, ids[i].norm); j++)
			;
		for (size_t a = i; a < j; a++)
			for (size_t b = a + 1; b < j && !rc; b++)
				rc = push_pair(ps, &ids[a], &ids[b]);
	}
	return rc;
}

static int
check_duplicates(struct checker *c)
{
	const struct kith_model *m = c->model;
	struct ident *ids = NULL;
	struct pairs ps = { NULL, 0, 0 };
	size_t nids = 0;
	int rc;

	if (!want(c, KITH_PROBLEM_DUPLICATE))
		return 0;
	if ((rc = collect_idents(m, &ids, &nids)) < 0)
		goto out;
	kith_sort(ids, nids, sizeof *ids, cmp_ident);
	if ((rc = collect_pairs(&ps, ids, nids)) < 0)
		goto out;
	kith_sort(ps.v, ps.n, sizeof *ps.v, cmp_pair);
	for (size_t i = 0; i < ps.n && !rc; i++) {
		const struct pair *p = &ps.v[i];
		if (i && p->first == p[-1].first && p->second == p[-1].second)
			continue;
		rc = report(c, KITH_PROBLEM_DUPLICATE, m->people[p->second]->path,
			p->why->line, "probable duplicate of '%s', the same %s '%s': merge them if they are one person",
			m->people[p->first]->path, ident_words[p->why->type],
			p->why->value);
	}
out:
	for (size_t i = 0; i < nids; i++)
		free(ids[i].norm);
	free(ids);
	free(ps.v);
	return rc;
}

/* ---- mentions ---- */

/* Code points of a folded string, into a malloc'd array. */
static int
code_points(int32_t **out, size_t *n, const char *s)
{
	size_t len = strlen(s), k = 0;
	int32_t *v = malloc((len + 1) * sizeof *v);

	*out = NULL;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t r = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
			(utf8proc_ssize_t)(len - i), &cp);
		if (r <= 0)
			break;
		v[k++] = cp;
		i += (size_t)r;
	}
	*out = v;
	*n = k;
	return 0;
}

static int
add_key(struct checker *c, size_t *cap, const struct kith_person *p, int type,
	const char *as_written)
{
	struct key *k;
	char *f = NULL;
	int rc;

	if (c->nkeys == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		struct key *nk = realloc(c->keys, nc * sizeof *nk);
		if (!nk)
			return kith_error_set(KITH_ERROR, "out of memory");
		c->keys = nk;
		*cap = nc;
	}
	if ((rc = kith_fold(&f, as_written, strlen(as_written))) < 0)
		return rc;
	k = &c->keys[c->nkeys];
	k->type = type;
	k->as_written = as_written;
	k->person = p;
	k->folded = kith_arena_strdup(c->out->arena, f);
	free(f);
	if (!k->folded)
		return kith_error_set(KITH_ERROR, "out of memory");
	if ((rc = code_points(&k->cps, &k->ncps, k->folded)) < 0)
		return rc;
	c->nkeys++;
	return 0;
}

static int
build_keys(struct checker *c)
{
	size_t cap = 0;
	int rc;

	for (size_t i = 0; i < c->model->npeople; i++) {
		const struct kith_person *p = c->model->people[i];
		size_t first = c->nkeys;
		if ((rc = add_key(c, &cap, p, KEY_SLUG, p->slug)) < 0 ||
		    (p->has_name && (rc = add_key(c, &cap, p, KEY_NAME, p->name)) < 0))
			return rc;
		for (size_t j = 0; j < p->naliases; j++)
			if ((rc = add_key(c, &cap, p, KEY_ALIAS, p->aliases[j])) < 0)
				return rc;
		for (size_t k = first; k < c->nkeys; k++)
			c->keys[k].slug = first;
	}
	return 0;
}

/*
 * Edits between a and b (insert, delete, change, or swap two neighbours:
 * the optimal string alignment distance), or more than max when it is.
 */
static size_t
distance(const int32_t *a, size_t n, const int32_t *b, size_t m, size_t max)
{
	size_t rows[3][MAX_CPS + 1];
	size_t *pp = rows[0], *p = rows[1], *cur = rows[2];

	if (n > MAX_CPS || m > MAX_CPS || (n > m ? n - m : m - n) > max)
		return max + 1;
	for (size_t j = 0; j <= m; j++)
		p[j] = j;
	for (size_t i = 1; i <= n; i++) {
		size_t best = cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t d = p[j - 1] + cost;
			if (p[j] + 1 < d)
				d = p[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && pp[j - 2] + 1 < d)
				d = pp[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > max)
			return max + 1;
		size_t *t = pp;
		pp = p;
		p = cur;
		cur = t;
	}
	return p[m];
}

/* Whether an alias can be written after '@' (no space or punctuation). */
static bool
at_word(const char *s)
{
	for (; *s; s++)
		if (strchr(" \t.,;:!?()[]{}|#@'\"/\\<>*`~", *s))
			return false;
	return true;
}

/* The mention as it should read for key k, into b. */
static int
spell(struct kith_buf *b, const struct kith_mention *mn, const struct key *k)
{
	const char *rest;

	if (mn->kind == KITH_MENTION_AT)
		return kith_buf_printf(b, "'@%s'", k->type == KEY_ALIAS &&
			at_word(k->as_written) ? k->as_written : k->person->slug);
	rest = strchr(mn->raw, '|');
	return kith_buf_printf(b, "'[[%s%s'", k->as_written, rest ? rest : "]]");
}

/* "'@a'", "'@a' or '@b'", "'@a', '@b' or '@c'" for keys[0..n). */
static int
spell_list(struct kith_buf *b, const struct kith_mention *mn,
	const struct key *const *keys, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		if (i)
			rc = kith_buf_puts(b, i + 1 == n ? " or " : ", ");
		if (!rc)
			rc = spell(b, mn, keys[i]);
	}
	return rc;
}

static int
cmp_keyp(const void *a, const void *b)
{
	const struct key *x = *(const struct key *const *)a;
	const struct key *y = *(const struct key *const *)b;
	int r = strcmp(x->person->slug, y->person->slug);

	if (r || (r = (int)x->type - (int)y->type))
		return r;
	return strcmp(x->as_written, y->as_written);
}

/* Sort and keep the first key of each person. */
static size_t
one_per_person(const struct key **v, size_t n)
{
	size_t k = 0;

	kith_sort(v, n, sizeof *v, cmp_keyp);
	for (size_t i = 0; i < n; i++)
		if (!k || v[k - 1]->person != v[i]->person)
			v[k++] = v[i];
	return k;
}

static bool
has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/*
 * The keys to suggest for an unresolved target, into tmp, one a person,
 * *n of them (0 for none): the people within two edits (one for four
 * letters or fewer), the closest; else the one person a slug, name or
 * alias of whom starts with it. More than three is none.
 */
static int
closest(struct checker *c, const char *target, const struct key **tmp,
	size_t *n)
{
	char *f = NULL;
	int32_t *cps = NULL;
	size_t ncps, best, maxd;
	int rc;

	*n = 0;
	if ((rc = kith_fold(&f, target, strlen(target))) < 0 ||
	    (rc = code_points(&cps, &ncps, f)) < 0)
		goto out;
	maxd = ncps <= 4 ? 1 : 2;
	best = maxd + 1;
	for (size_t i = 0; i < c->nkeys; i++) {
		size_t d = distance(cps, ncps, c->keys[i].cps, c->keys[i].ncps, best);
		if (d < best)
			best = d, *n = 0;
		if (d == best && d <= maxd)
			tmp[(*n)++] = &c->keys[i];
	}
	if (!*n && *f) {
		for (size_t i = 0; i < c->nkeys; i++)
			if (has_prefix(c->keys[i].folded, f))
				tmp[(*n)++] = &c->keys[i];
		if ((*n = one_per_person(tmp, *n)) != 1)
			*n = 0;
	}
	if ((*n = one_per_person(tmp, *n)) > 3)
		*n = 0;
out:
	free(f);
	free(cps);
	return rc;
}

static int
cmp_target(const void *a, const void *b)
{
	const struct kith_mention *x = *(const struct kith_mention *const *)a;
	const struct kith_mention *y = *(const struct kith_mention *const *)b;

	return strcmp(x->target, y->target);
}

/* The unresolved mentions v[0..n), by target, so each is looked up once. */
static int
check_unresolved(struct checker *c, const struct kith_mention **v, size_t n,
	const struct key **tmp, struct kith_buf *b)
{
	size_t nk = 0;
	int rc = 0;

	kith_sort(v, n, sizeof *v, cmp_target);
	for (size_t i = 0; i < n && !rc; i++) {
		if ((!i || strcmp(v[i]->target, v[i - 1]->target)) &&
		    (rc = closest(c, v[i]->target, tmp, &nk)) < 0)
			break;
		kith_buf_clear(b);
		if (!nk)
			rc = kith_buf_puts(b, ": add them with 'kith add', or fix the mention");
		else if (!(rc = kith_buf_puts(b, ": did you mean ")) &&
		    !(rc = spell_list(b, v[i], tmp, nk)))
			rc = kith_buf_puts(b, "?");
		if (!rc)
			rc = report(c, KITH_PROBLEM_UNRESOLVED_MENTION, v[i]->path,
				v[i]->line, "unknown person '%s'%s", v[i]->raw,
				kith_buf_cstr(b));
	}
	return rc;
}

static const struct key *sorting; /* cmp_fold's keys */

static int
cmp_fold(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(sorting[x].folded, sorting[y].folded);

	return r ? r : x < y ? -1 : x > y;
}

/*
 * The people an ambiguous mention could mean, by the loader's rules;
 * *n of them (the keys looked up by their folded form: a repository may
 * hold thousands of ambiguous mentions and keys).
 */
static int
candidates(struct checker *c, const struct kith_mention *mn,
	const struct key **tmp, size_t *n)
{
	char *f = NULL;
	int rc;

	*n = 0;
	if (!c->byfold) {
		if (!(c->byfold = malloc((c->nkeys + 1) * sizeof *c->byfold)))
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t i = 0; i < c->nkeys; i++)
			c->byfold[i] = i;
		sorting = c->keys;
		kith_sort(c->byfold, c->nkeys, sizeof *c->byfold, cmp_fold);
	}
	if ((rc = kith_fold(&f, mn->target, strlen(mn->target))) < 0)
		return rc;
	size_t lo = 0, hi = c->nkeys;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(c->keys[c->byfold[mid]].folded, f) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (int pass = mn->kind == KITH_MENTION_WIKI ? KEY_NAME : KEY_ALIAS;
	     pass <= KEY_ALIAS && !*n; pass++)
		for (size_t i = lo; i < c->nkeys &&
		     !strcmp(c->keys[c->byfold[i]].folded, f); i++)
			if ((int)c->keys[c->byfold[i]].type == pass)
				tmp[(*n)++] = &c->keys[c->byfold[i]];
	free(f);
	*n = one_per_person(tmp, *n);
	return 0;
}

/* A slug key of each candidate, so that the advice is to write the slug. */
static void
as_slugs(struct checker *c, const struct key **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		v[i] = &c->keys[v[i]->slug];
}

static int
check_ambiguous(struct checker *c, const struct kith_mention *mn,
	const struct key **tmp, struct kith_buf *b)
{
	size_t n;
	int rc;

	if ((rc = candidates(c, mn, tmp, &n)) < 0)
		return rc;
	as_slugs(c, tmp, n);
	kith_buf_clear(b);
	if ((rc = spell_list(b, mn, tmp, n)) < 0)
		return rc;
	return report(c, KITH_PROBLEM_AMBIGUOUS_MENTION, mn->path, mn->line,
		"ambiguous mention '%s' could be %s: write the slug",
		mn->raw, kith_buf_cstr(b));
}

static int
check_mentions(struct checker *c)
{
	const struct kith_model *m = c->model;
	struct kith_buf b = KITH_BUF_INIT;
	const struct kith_mention **unknown = NULL;
	const struct key **tmp = NULL;
	size_t n = 0;
	int rc = 0;

	if (!want(c, KITH_PROBLEM_UNRESOLVED_MENTION) &&
	    !want(c, KITH_PROBLEM_AMBIGUOUS_MENTION))
		return 0;
	if ((rc = build_keys(c)) < 0)
		goto out;
	if (!(tmp = malloc((c->nkeys + 1) * sizeof *tmp)) ||
	    !(unknown = malloc((m->nmentions + 1) * sizeof *unknown))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->nmentions && !rc; i++) {
		const struct kith_mention *mn = m->mentions[i];
		if (mn->person)
			continue;
		if (!mn->ambiguous)
			unknown[n++] = mn;
		else if (want(c, KITH_PROBLEM_AMBIGUOUS_MENTION))
			rc = check_ambiguous(c, mn, tmp, &b);
	}
	if (!rc && want(c, KITH_PROBLEM_UNRESOLVED_MENTION))
		rc = check_unresolved(c, unknown, n, tmp, &b);
out:
	free(unknown);
	free(tmp);
	kith_buf_free(&b);
	return rc;
}

/* ---- the raw bytes of a people or journal file ---- */

/* Whether a line is the conflict marker of seven ch's (then space or end). */
static bool
marker(const char *s, size_t n, char ch)
{
	for (size_t i = 0; i < 7; i++)
		if (i >= n || s[i] != ch)
			return false;
	if (ch == '=')
		return n == 7;
	return n == 7 || s[7] == ' ';
}

static int
check_conflicts(struct checker *c, const char *path, const struct kith_src *src)
{
	static const char *const names[] = { "<<<<<<<", "|||||||", "=======", ">>>>>>>" };
	int open = 0, rc = 0;
	bool any = false;

	for (int l = 1; l <= src->nlines && !any; l++) {
		size_t n;
		const char *s = kith_src_line(src, l, &n);
		any = marker(s, n, '<') || marker(s, n, '>');
	}
	for (int l = 1; any && l <= src->nlines && !rc; l++) {
		size_t n;
		const char *s = kith_src_line(src, l, &n);
		int which = marker(s, n, '<') ? 0 : marker(s, n, '|') ? 1 :
			marker(s, n, '=') ? 2 : marker(s, n, '>') ? 3 : -1;

		if (which == 0 && open)
			rc = report(c, KITH_PROBLEM_CONFLICT_MARKER, path, open,
				"leftover conflict marker '<<<<<<<': resolve the conflict and delete it");
		if (which == 0)
			open = l;
		else if (which == 3 && open) {
			rc = report(c, KITH_PROBLEM_CONFLICT_MARKER, path, open,
				"merge conflict up to line %d: keep the right lines, delete the marker lines", l);
			open = 0;
		} else if (which > 0 && !open)
			rc = report(c, KITH_PROBLEM_CONFLICT_MARKER, path, l,
				"leftover conflict marker '%s': delete it", names[which]);
	}
	if (open && !rc)
		rc = report(c, KITH_PROBLEM_CONFLICT_MARKER, path, open,
			"leftover conflict marker '<<<<<<<': resolve the conflict and delete it");
	return rc;
}

/* Invalid UTF-8 or a NUL byte (then *bad), reported on the first bad line. */
static int
check_bytes(struct checker *c, const char *path, const struct kith_src *src,
	bool *bad)
{
	*bad = memchr(src->text, '\0', src->len) ||
		!kith_utf8_valid(src->text, src->len);
	for (int l = 1; *bad && l <= src->nlines; l++) {
		size_t start = src->lines[l - 1];
		size_t n = (l < src->nlines ? src->lines[l] : src->len) - start;
		const char *s = src->text + start;
		bool nul = memchr(s, '\0', n) != NULL;
		int rc;

		if (!nul && kith_utf8_valid(s, n))
			continue;
		if ((rc = explained(c, path)) < 0)
			return rc;
		return report(c, KITH_PROBLEM_UNREADABLE, path, l, "%s", nul ?
			"a NUL byte: kith reads only text files, so it skips this one" :
			"not valid UTF-8: save it as UTF-8, or kith skips it");
	}
	return 0;
}

/* A line that may be (or underline) a level-1 heading. */
static bool
h1_like(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && i < 3 && s[i] == ' ')
		i++;
	if (i < n && s[i] == '#')
		return i + 1 == n || s[i + 1] == ' ' || s[i + 1] == '\t';
	if (i >= n || s[i] != '=')
		return false;
	while (i < n && s[i] == '=')
		i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n;
}

/* The text of an ATX level-1 heading line ("  # x #" -> "x #"). */
static const char *
atx_text(const char *s, size_t *n)
{
	while (*n && *s == ' ')
		s++, --*n;
	if (*n && *s == '#')
		s++, --*n;
	while (*n && (*s == ' ' || *s == '\t'))
		s++, --*n;
	return s;
}

static int
heading_date(struct checker *c, const char *path, const char *name,
	const char *s, size_t n, int line)
{
	size_t k = date_shape(s, n);

	if (!k || !date_ends(s, n, k) || (k == 10 && !memcmp(s, name, 10)))
		return 0;
	return report(c, KITH_PROBLEM_JOURNAL_DATE_MISMATCH, path, line,
		"the heading says %.*s but the file is %.10s: correct one of them",
		(int)k, s, name);
}

/* What a file needs cmark for: its day titles, due: dates, dated notes. */
struct needs {
	bool headings, due, dates;
};

/* Whether any "due:" in the bytes is not followed by a real date. */
static bool
suspect_due(const struct kith_src *src)
{
	const char *t = src->text, *end = t + src->len;

	for (const char *p = t; (p = memmem(p, (size_t)(end - p), "due:", 4)); p += 4) {
		size_t rest = (size_t)(end - p - 4);
		if (rest < 10 || !real_date(p + 4, 10) ||
		    (rest > 10 && !strchr(" \t\r\n", p[14])))
			return true;
	}
	return false;
}

/* Whether the bytes hold something date-shaped that is no real date. */
static bool
suspect_date(const struct kith_src *src)
{
	const char *t = src->text;

	for (size_t i = 0; i + 8 <= src->len; i++) {
		if (!digit(t[i]) || (i && digit(t[i - 1])))
			continue;
		size_t k = date_shape(t + i, src->len - i);
		if (k && date_fault(t + i, k))
			return true;
	}
	return false;
}

/* The source bytes of an item's first line after its marker. */
static const char *
item_content(const struct kith_src *src, cmark_node *para, size_t *len)
{
	int col = cmark_node_get_start_column(para);
	size_t n, i = 0;
	const char *s = kith_src_line(src, cmark_node_get_start_line(para), &n);

	if (cmark_node_get_start_line(para) == 1 && src->len >= 3 &&
	    !memcmp(src->text, "\xef\xbb\xbf", 3))
		col -= 3;
	if (col >= 1 && (size_t)col <= n && (s[col - 1] == '[' || digit(s[col - 1]))) {
		*len = n - (size_t)(col - 1);
		return s + col - 1;
	}
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '>'))
		i++;
	if (i < n && strchr("-*+", s[i]))
		i++;
	else
		while (i < n && (digit(s[i]) || s[i] == '.' || s[i] == ')'))
			i++;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	*len = n - i;
	return s + i;
}

/* Each due: token of one line of a follow-up that the parser would drop. */
static int
due_line(struct checker *c, const char *path, int line, const char *s, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i + 4 <= n && !rc; i++) {
		if (strncmp(s + i, "due:", 4) || (i && s[i - 1] != ' '))
			continue;
		size_t j = i + 4, k;
		while (j < n && s[j] != ' ')
			j++;
		if (real_date(s + i + 4, j - i - 4))
			continue;
		if (j == i + 4) {
			/* "due: 2026-12-01": a date, but not where it counts */
			for (k = j; k < n && s[k] == ' '; k++)
				;
			size_t d = date_shape(s + k, n - k);
			if (d)
				rc = report(c, KITH_PROBLEM_BAD_DUE, path, line,
					"bad due date 'due: %.*s': write due:YYYY-MM-DD without a space",
					(int)d, s + k);
			continue;
		}
		rc = report(c, KITH_PROBLEM_BAD_DUE, path, line,
			"bad due date '%.*s': write due:YYYY-MM-DD with a real date",
			(int)(j - i), s + i);
	}
	return rc;
}

static int
check_item(struct checker *c, const char *path, const struct kith_src *src,
	cmark_node *item, bool person, const struct needs *need)
{
	cmark_node *para = cmark_node_first_child(item);
	size_t n;
	const char *s;
	int rc = 0;

	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return 0;
	s = item_content(src, para, &n);
	if (n >= 3 && s[0] == '[' && strchr(" xX", s[1]) && s[2] == ']' &&
	    (n == 3 || s[3] == ' ' || s[3] == '\t')) {
		int first = cmark_node_get_start_line(para);
		if (!need->due)
			return 0;
		/* the lines as the parser joins them: trimmed, then by spaces */
		for (int l = first; l <= cmark_node_get_end_line(para) && !rc; l++) {
			const char *t = l == first ? s + 3 : kith_src_line(src, l, &n);
			if (l == first)
				n -= 3;
			while (n && (*t == ' ' || *t == '\t'))
				t++, n--;
			rc = due_line(c, path, l, t, n);
		}
		return rc;
	}
	size_t k = person && need->dates ? date_shape(s, n) : 0;
	const char *why = k && date_ends(s, n, k) ? date_fault(s, k) : NULL;
	if (!why)
		return 0;
	return report(c, KITH_PROBLEM_BAD_DATE, path, cmark_node_get_start_line(item),
		"bad date '%.*s' in a dated note: %s, so it counts as no interaction",
		(int)k, s, why);
}

/* The day titles (top-level level-1 headings) of a journal file. */
static int
check_titles(struct checker *c, const char *path, const char *name,
	const struct kith_src *src, cmark_node *doc)
{
	int rc = 0;

	for (cmark_node *h = cmark_node_first_child(doc); h && !rc; h = cmark_node_next(h)) {
		if (cmark_node_get_type(h) != CMARK_NODE_HEADING ||
		    cmark_node_get_heading_level(h) != 1)
			continue;
		int line = cmark_node_get_start_line(h);
		size_t n;
		const char *s = kith_src_line(src, line, &n);
		if (line < cmark_node_get_end_line(h)) {
			while (n && (*s == ' ' || *s == '\t'))
				s++, n--;
		} else {
			s = atx_text(s, &n);
		}
		rc = heading_date(c, path, name, s, n, line);
	}
	return rc;
}

static int
check_markdown(struct checker *c, const char *path, const char *name,
	const struct kith_src *src, bool person, const struct needs *need)
{
	cmark_node *doc = kith_parse_cmark(src);
	cmark_iter *it;
	cmark_event_type ev;
	int rc = 0;

	if (!doc || !(it = cmark_iter_new(doc))) {
		if (doc)
			kith_cmark_free(doc);
		return kith_error_set(KITH_ERROR, "cannot parse '%s'", path);
	}
	if (need->headings)
		rc = check_titles(c, path, name, src, doc);
	while (!rc && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		if (ev == CMARK_EVENT_ENTER &&
		    cmark_node_get_type(cmark_iter_get_node(it)) == CMARK_NODE_ITEM)
			rc = check_item(c, path, src, cmark_iter_get_node(it), person, need);
	cmark_iter_free(it);
	kith_cmark_free(doc);
	return rc;
}

/*
 * A journal file's day title: when the first line is an ATX level-1
 * heading and no other line can be one, it is read from there; else
 * cmark must say (*need set).
 */
static int
quick_title(struct checker *c, const char *path, const char *name,
	const struct kith_src *src, bool *need)
{
	size_t n;
	const char *s = kith_src_line(src, 1, &n);

	*need = false;
	if (!want(c, KITH_PROBLEM_JOURNAL_DATE_MISMATCH))
		return 0;
	for (int l = 2; l <= src->nlines && !*need; l++) {
		size_t k;
		const char *t = kith_src_line(src, l, &k);
		*need = h1_like(t, k);
	}
	if (*need || !h1_like(s, n) || !memchr(s, '#', n))
		return 0;
	s = atx_text(s, &n);
	return heading_date(c, path, name, s, n, 1);
}

/* place: 'p' for people/, 'j' for journal (name: the file's YYYY-MM-DD). */
static int
check_text(struct checker *c, const char *path, const char *text, size_t len,
	char place, const char *name)
{
	struct kith_src src;
	struct needs need = { false, false, false };
	bool bad;
	int rc;

	if ((rc = kith_src_init(&src, text, len)) < 0)
		goto out;
	if ((rc = check_bytes(c, path, &src, &bad)) < 0 ||
	    (want(c, KITH_PROBLEM_CONFLICT_MARKER) &&
	    (rc = check_conflicts(c, path, &src)) < 0) || bad)
		goto out;
	if (place == 'j' && name && (rc = quick_title(c, path, name, &src,
	    &need.headings)) < 0)
		goto out;
	need.due = want(c, KITH_PROBLEM_BAD_DUE) && suspect_due(&src);
	need.dates = place == 'p' && want(c, KITH_PROBLEM_BAD_DATE) &&
		suspect_date(&src);
	if (need.headings || need.due || need.dates)
		rc = check_markdown(c, path, name, &src, place == 'p', &need);
out:
	kith_src_free(&src);
	return rc;
}

/* ---- the layout ---- */

static int
push_file(struct files *fs, const char *path, unsigned char type, bool present)
{
	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? 2 * fs->cap : 256;
		struct file *v = realloc(fs->v, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		fs->v = v;
		fs->cap = cap;
	}
	if (!(fs->v[fs->n].path = strdup(path)))
		return kith_error_set(KITH_ERROR, "out of memory");
	fs->v[fs->n].type = type;
	fs->v[fs->n].present = present;
	fs->v[fs->n].tracked = !present;
	fs->n++;
	return 0;
}

static void
files_free(struct files *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		free(fs->v[i].path);
	free(fs->v);
}

/* Whether git ignores rel (untracked files only; "dir/" for a directory). */
static bool
ignored(struct checker *c, const char *rel)
{
	int yes = 0;

	return git_ignore_path_is_ignored(&yes, c->repo->git, rel) == 0 && yes;
}

static bool
is_year(const char *s, size_t n)
{
	return n == 4 && digit(s[0]) && digit(s[1]) && digit(s[2]) && digit(s[3]);
}

/* Whether rel is a directory of the layout: people, journal, journal/YYYY. */
static bool
layout_dir(const char *rel)
{
	return !strcmp(rel, "people") || !strcmp(rel, "journal") ||
		(!strncmp(rel, "journal/", 8) && is_year(rel + 8, strlen(rel + 8)));
}

/* Whether git ignores the directory rel (asked about as "rel/"). */
static bool
ignored_dir(struct checker *c, struct kith_buf *rel)
{
	size_t n = rel->len;
	bool yes = kith_buf_puts(rel, "/") == 0 && ignored(c, rel->ptr);

	rel->len = n;
	rel->ptr[n] = '\0';
	return yes;
}

/* What the entry rel is (DT_DIR, DT_REG, DT_LNK ...), when readdir did not say. */
static unsigned char
entry_type(struct checker *c, const struct dirent *de, const char *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	unsigned char type = de->d_type;

	if (type == DT_UNKNOWN && kith_repo_path(&abs, c->repo, rel) == 0 &&
	    lstat(abs.ptr, &st) == 0)
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG :
			S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
	kith_buf_free(&abs);
	return type;
}

/* Every file below rel ("" for the top), but dot names and ignored directories. */
static int
walk(struct checker *c, struct files *fs, struct kith_buf *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	size_t base = rel->len;
	struct dirent *de;
	DIR *d;
	int rc;

	if ((rc = kith_repo_path(&abs, c->repo, base ? rel->ptr : ".")) < 0)
		goto out;
	if (!(d = opendir(abs.ptr))) {
		rc = kith_error_errno(KITH_ERROR, "cannot read directory '%s'", abs.ptr);
		goto out;
	}
	while (!rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		rel->len = base;
		if ((rc = kith_buf_printf(rel, "%s%s", base ? "/" : "", de->d_name)) < 0)
			break;
		unsigned char type = entry_type(c, de, rel->ptr);
		if (type != DT_DIR)
			rc = push_file(fs, rel->ptr, type, true);
		else if (layout_dir(rel->ptr) || !ignored_dir(c, rel))
			rc = walk(c, fs, rel);
	}
	closedir(d);
	rel->len = base;
	rel->ptr[base] = '\0';
out:
	kith_buf_free(&abs);
	return rc;
}

/* Whether a tracked path has a component starting with '.'. */
static bool
dotted(const char *path)
{
	return path[0] == '.' || strstr(path, "/.");
}

static int
cmp_file(const void *a, const void *b)
{
	const struct file *x = a, *y = b;

	return strcmp(x->path, y->path);
}

/* The work tree's files and the index's, sorted, each path once. */
static int
list_files(struct checker *c, struct files *fs)
{
	struct kith_buf rel = KITH_BUF_INIT;
	git_index *idx = NULL;
	size_t k = 0;
	int rc;

	if ((rc = kith_buf_puts(&rel, "")) < 0 || (rc = walk(c, fs, &rel)) < 0)
		goto out;
	if (git_repository_index(&idx, c->repo->git) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read the git index");
		goto out;
	}
	for (size_t i = 0; i < git_index_entrycount(idx) && !rc; i++) {
		const git_index_entry *e = git_index_get_byindex(idx, i);
		if (e && !dotted(e->path))
			rc = push_file(fs, e->path, 0, false);
	}
	if (rc < 0)
		goto out;
	kith_sort(fs->v, fs->n, sizeof *fs->v, cmp_file);
	for (size_t i = 0; i < fs->n; i++) {
		if (k && !strcmp(fs->v[k - 1].path, fs->v[i].path)) {
			fs->v[k - 1].tracked |= fs->v[i].tracked;
			if (fs->v[i].present) {
				fs->v[k - 1].present = true;
				fs->v[k - 1].type = fs->v[i].type;
			}
			free(fs->v[i].path);
			continue;
		}
		fs->v[k++] = fs->v[i];
	}
	fs->n = k;
out:
	git_index_free(idx);
	kith_buf_free(&rel);
	return rc;
}

/* Where a path belongs: 'p' people/NAME.md, 'j' journal/YYYY/NAME.md, 'c' kith.conf, 0 nowhere. */
static char
place_of(const char *path, const char **base)
{
	size_t n;

	*base = NULL;
	if (!strcmp(path, "kith.conf"))
		return 'c';
	if (!strncmp(path, "people/", 7))
		*base = path + 7;
	else if (!strncmp(path, "journal/", 8) && is_year(path + 8, 4) && path[12] == '/')
		*base = path + 13;
	else
		return 0;
	n = strlen(*base);
	if (strchr(*base, '/') || n <= 3 || strcmp(*base + n - 3, ".md"))
		return 0;
	return path[0] == 'p' ? 'p' : 'j';
}

static int
check_day_name(struct checker *c, const char *path, const char *base,
	const char *stem, bool *dated)
{
	size_t n = strlen(stem);
	int rc;

	if (n != 10 || date_shape(stem, n) != 10) {
		if ((rc = explained(c, path)) < 0)
			return rc;
		return report(c, KITH_PROBLEM_BAD_JOURNAL_NAME, path, 1,
			"'%s' is not named by a date: name it YYYY-MM-DD.md, or kith skips it", base);
	}
	if (!real_date(stem, n)) {
		if ((rc = explained(c, path)) < 0)
			return rc;
		return report(c, KITH_PROBLEM_BAD_JOURNAL_NAME, path, 1,
			"'%s' is not a real date: rename the file, or kith skips it", stem);
	}
	*dated = true;
	if (!strncmp(path + 8, stem, 4))
		return 0;
	return report(c, KITH_PROBLEM_BAD_JOURNAL_NAME, path, 1,
		"a day of %.4s in journal/%.4s/: move it to 'journal/%.4s/%s'",
		stem, path + 8, stem, base);
}

static int
check_name(struct checker *c, const char *path, char place, const char *base,
	bool *dated)
{
	size_t n = strlen(base) - 3;
	char *slug = NULL, *stem = kith_strndup(base, n);
	int rc;

	*dated = false;
	if (!stem)
		return kith_error_set(KITH_ERROR, "out of memory");
	if (place == 'p') {
		rc = kith_slug_valid(stem) ? 0 : kith_slugify(&slug, stem) == 0 ?
			report(c, KITH_PROBLEM_BAD_SLUG, path, 1,
			"'%s' is not a valid slug: rename it to 'people/%s.md'", stem, slug) :
			report(c, KITH_PROBLEM_BAD_SLUG, path, 1,
			"the file name is not a valid slug: rename it with only a-z, 0-9 and '-'");
		free(slug);
		free(stem);
		return rc;
	}
	rc = check_day_name(c, path, base, stem, dated);
	free(stem);
	return rc;
}

static int
check_file(struct checker *c, const struct file *f)
{
	struct kith_buf abs = KITH_BUF_INIT;
	const char *base;
	char place = place_of(f->path, &base), *text = NULL;
	bool dated;
	size_t len;
	int rc;

	if (place == 'c' || !f->present)
		return 0; /* a file deleted in the work tree is on its way out */
	if (!place || f->type != DT_REG) {
		if (!f->tracked && ignored(c, f->path))
			return 0;
		if (place)
			return report(c, KITH_PROBLEM_OUTSIDE_LAYOUT, f->path, 1,
				"not a regular file: kith reads only plain files, so it skips this one");
		return report(c, KITH_PROBLEM_OUTSIDE_LAYOUT, f->path, 1,
			"not part of the layout: kith reads only people/*.md and journal/YYYY/*.md");
	}
	if ((rc = check_name(c, f->path, place, base, &dated)) < 0 ||
	    (rc = kith_repo_path(&abs, c->repo, f->path)) < 0)
		goto out;
	if ((rc = kith_file_read(&text, &len, abs.ptr)) < 0)
		goto out;
	rc = check_text(c, f->path, text, len, place, dated ? base : NULL);
out:
	free(text);
	kith_buf_free(&abs);
	return rc;
}

static int
check_layout(struct checker *c)
{
	struct files fs = { NULL, 0, 0 };
	int rc;

	if ((rc = list_files(c, &fs)) < 0)
		goto out;
	for (size_t i = 0; i < fs.n && !rc; i++)
		rc = check_file(c, &fs.v[i]);
out:
	files_free(&fs);
	return rc;
}

/* kith.every in kith.conf, reported on the line that sets it. */
static int
check_conf(struct checker *c)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct kith_cadence cad;
	char *every = NULL, *text = NULL;
	int rc, line = 1;

	if (!want(c, KITH_PROBLEM_BAD_CADENCE))
		return 0;
	if ((rc = kith_repo_config_string(&every, c->repo, "kith.every", NULL)) < 0)
		return rc;
	if (!every || kith_cadence_parse(&cad, every) == 0) {
		free(every);
		return 0;
	}
	if (kith_repo_path(&abs, c->repo, "kith.conf") == 0 &&
	    kith_file_read(&text, NULL, abs.ptr) == 0) {
		int l = 1;
		for (const char *s = text; *s; l++) {
			const char *e = strchr(s, '\n');
			size_t n = e ? (size_t)(e - s) : strlen(s);
			while (n && (*s == ' ' || *s == '\t'))
				s++, n--;
			if (n >= 5 && !strncasecmp(s, "every", 5) &&
			    strchr(" \t=", s[5] ? s[5] : '='))
				line = l;
			if (!e)
				break;
			s = e + 1;
		}
	}
	kith_cadence_parse(&cad, every);
	rc = report(c, KITH_PROBLEM_BAD_CADENCE, "kith.conf", line,
		"kith.every: %s", kith_error());
	free(text);
	free(every);
	kith_buf_free(&abs);
	return rc;
}

/* Files the loader skipped for a reason nothing above explained. */
static int
check_warnings(struct checker *c)
{
	const struct kith_model *m = c->model;
	int rc = 0;

	for (size_t i = 0; i < m->nwarnings && !rc; i++) {
		const char *w = m->warnings[i], *end;
		char path[4096] = "";
		bool known = false;

		if (w[0] == '\'' && (end = strchr(w + 1, '\'')) &&
		    (size_t)(end - w) < sizeof path)
			snprintf(path, sizeof path, "%.*s", (int)(end - w - 1), w + 1);
		for (size_t k = 0; k < c->skipped.n && !known; k++)
			known = !strcmp(c->skipped.v[k], path);
		if (!known)
			rc = report(c, KITH_PROBLEM_UNREADABLE, *path ? path : "?", 1,
				"skipped by kith: %s", w);
	}
	return rc;
}

int
kith_check(struct kith_problems **out, struct kith_repo *repo,
	const struct kith_model *model, unsigned kinds)
{
	struct checker c = { .repo = repo, .model = model, .kinds = kinds };
	struct kith_model *own = NULL;
	int rc;

	*out = NULL;
	if (!(c.out = calloc(1, sizeof *c.out)) ||
	    kith_arena_new(&c.out->arena) < 0) {
		free(c.out);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	/* the entries whose mentions it looks at, without their texts: each
	 * file is read again below */
	struct kith_query q = { .flags = KITH_Q_ASTRAY };
	if (!model && (rc = kith_model_query(&own, repo, &q)) < 0)
		goto out;
	c.model = model ? model : own;
	if ((rc = check_layout(&c)) < 0 || (rc = check_conf(&c)) < 0 ||
	    (rc = check_warnings(&c)) < 0 || (rc = check_mentions(&c)) < 0 ||
	    (rc = check_duplicates(&c)) < 0)
		goto out;
	for (size_t i = 0; i < c.model->npeople; i++)
		if ((rc = check_person(&c, c.model->people[i])) < 0)
			goto out;
	kith_sort(c.out->v, c.out->n, sizeof *c.out->v, cmp_problem);
	*out = c.out;
	c.out = NULL;
out:
	for (size_t i = 0; i < c.nkeys; i++)
		free(c.keys[i].cps);
	free(c.keys);
	free(c.byfold);
	kith_ptrvec_free(&c.skipped);
	kith_problems_free(c.out);
	kith_model_free(own);
	return rc;
}

/* ---- the pre-commit hook ---- */

static const char hook_text[] =
	"#!/bin/sh\n"
	"# kith pre-commit hook, " HOOK_MARK ":\n"
	"# a commit is refused while 'kith check' finds problems in the files.\n"
	"# Skip it once with 'git commit --no-verify'; delete this file to stop it.\n"
	"unset KITH_DIR\n"
	"exec kith check\n";

/* The hooks directory: core.hooksPath (relative to the top) or .git/hooks. */
static int
hooks_dir(struct kith_buf *out, struct kith_repo *repo)
{
	git_config *cfg = NULL;
	git_buf b = GIT_BUF_INIT;
	int rc = 0;

	if (git_repository_config_snapshot(&cfg, repo->git) < 0)
		return kith_error_git(KITH_ERROR, "cannot read the git configuration");
	if (git_config_get_path(&b, cfg, "core.hooksPath") == 0 && b.size) {
		rc = b.ptr[0] == '/' ? kith_buf_puts(out, b.ptr) :
			kith_buf_printf(out, "%s/%s", repo->root, b.ptr);
	} else if (git_repository_item_path(&b, repo->git, GIT_REPOSITORY_ITEM_HOOKS) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot find the git hooks directory");
	} else {
		rc = kith_buf_puts(out, b.ptr);
	}
	while (!rc && out->len > 1 && out->ptr[out->len - 1] == '/')
		out->ptr[--out->len] = '\0';
	git_buf_dispose(&b);
	git_config_free(cfg);
	return rc;
}

/* Whether path holds a hook kith did not write (KITH_EEXISTS), or none. */
static int
foreign_hook(const char *path, const char *shown)
{
	struct stat st;
	char *text = NULL;
	int rc;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
			kith_error_errno(KITH_ERROR, "cannot look at '%s'", shown);
	if (S_ISREG(st.st_mode) && (rc = kith_file_read(&text, NULL, path)) < 0)
		return rc;
	rc = text && strstr(text, HOOK_MARK) ? 0 : kith_error_set(KITH_EEXISTS,
		"'%s' is a hook that kith did not write: add 'kith check' to it yourself, or move it away",
		shown);
	free(text);
	return rc;
}

/* Write hook_text to path through a temporary file, mode 0755. */
static int
write_hook(const char *path, const char *shown)
{
	struct kith_buf tmp = KITH_BUF_INIT;
	size_t n = sizeof hook_text - 1;
	int fd, rc = 0;

	if ((rc = kith_buf_printf(&tmp, "%s.kith-%ld", path, (long)getpid())) < 0)
		return rc;
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700)) < 0) {
		rc = kith_error_errno(KITH_ERROR, "cannot write '%s'", shown);
		goto out;
	}
	if (write(fd, hook_text, n) != (ssize_t)n || fchmod(fd, 0755) < 0 ||
	    fsync(fd) < 0)
		rc = kith_error_errno(KITH_ERROR, "cannot write '%s'", shown);
	if (close(fd) < 0 && !rc)
		rc = kith_error_errno(KITH_ERROR, "cannot write '%s'", shown);
	if (!rc && rename(tmp.ptr, path) < 0)
		rc = kith_error_errno(KITH_ERROR, "cannot write '%s'", shown);
	if (rc)
		unlink(tmp.ptr);
out:
	kith_buf_free(&tmp);
	return rc;
}

int
kith_check_install_hook(char **out, struct kith_repo *repo)
{
	struct kith_buf dir = KITH_BUF_INIT, path = KITH_BUF_INIT;
	size_t root = strlen(repo->root);
	const char *shown;
	int rc;

	*out = NULL;
	if ((rc = hooks_dir(&dir, repo)) < 0 ||
	    (rc = kith_buf_printf(&path, "%s/pre-commit", dir.ptr)) < 0)
		goto out;
	shown = !strncmp(path.ptr, repo->root, root) && path.ptr[root] == '/' ?
		path.ptr + root + 1 : path.ptr;
	if (mkdir(dir.ptr, 0755) < 0 && errno != EEXIST) {
		rc = kith_error_errno(KITH_ERROR, "cannot create '%s'", dir.ptr);
		goto out;
	}
	if ((rc = foreign_hook(path.ptr, shown)) < 0 ||
	    (rc = write_hook(path.ptr, shown)) < 0)
		goto out;
	if (!(*out = strdup(shown)))
		rc = kith_error_set(KITH_ERROR, "out of memory");
out:
	kith_buf_free(&dir);
	kith_buf_free(&path);
	return rc;
}
