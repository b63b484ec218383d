/*
 * diff.c - a unified diff of one file's text before and after, as git
 * prints it, so that what `kith mv --dry-run` and `kith merge --dry-run`
 * show can be read, or given to `git apply`.
 *
 * Lines are compared whole, line endings included. The lines the two
 * texts share at the start and at the end are set aside; the rest is
 * aligned by its longest common subsequence (a table of lengths, fine for
 * the few lines a rename touches; above DIFF_CELLS cells the middle is
 * shown as removed, then added, which is still a correct diff). Hunks
 * have three lines of context and join when six lines or fewer apart.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CONTEXT 3
#define DIFF_CELLS (4u << 20)

struct line {
	const char *s;
	size_t n; /* with its line ending, if it has one */
};

/* One step of the edit script: ' ' both, '-' a only, '+' b only. */
struct op {
	char kind;
	size_t a, b; /* 0-based line numbers in a and in b */
};

static int
split(struct line **out, size_t *n, const char *s, size_t len)
{
	size_t k = 0, cap = 1;

	for (size_t i = 0; i < len; i++)
		cap += s[i] == '\n';
	if (!(*out = malloc(cap * sizeof **out)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < len; ) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		(*out)[k++] = (struct line){ s + i, e - i };
		i = e;
	}
	*n = k;
	return 0;
}

static bool
equal(const char *a, size_t alen, const char *b, size_t blen)
{
	return alen == blen && (!alen || !memcmp(a, b, alen));
}

static bool
same(const struct line *x, const struct line *y)
{
	return x->n == y->n && !memcmp(x->s, y->s, x->n);
}

/* The middle a[0..na) against b[0..nb), appended to ops (from a0, b0). */
static int
middle(struct op *ops, size_t *k, const struct line *a, size_t na,
	const struct line *b, size_t nb, size_t a0, size_t b0)
{
	uint32_t *t = NULL;
	size_t i = 0, j = 0, w = nb + 1;

	if (na && nb && (na + 1) * w <= DIFF_CELLS) {
		if (!(t = calloc((na + 1) * w, sizeof *t)))
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t x = na; x-- > 0; )
			for (size_t y = nb; y-- > 0; )
				t[x * w + y] = same(&a[x], &b[y]) ?
					t[(x + 1) * w + y + 1] + 1 :
					t[(x + 1) * w + y] >= t[x * w + y + 1] ?
					t[(x + 1) * w + y] : t[x * w + y + 1];
	}
	while (i < na || j < nb) {
		if (t && i < na && j < nb && same(&a[i], &b[j]))
			ops[(*k)++] = (struct op){ ' ', a0 + i++, b0 + j++ };
		else if (i < na && (!t || j == nb ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1]))
			ops[(*k)++] = (struct op){ '-', a0 + i++, b0 + j };
		else
			ops[(*k)++] = (struct op){ '+', a0 + i, b0 + j++ };
	}
	free(t);
	return 0;
}

/* The edit script turning a into b. */
static int
script(struct op **out, size_t *k, const struct line *a, size_t na,
	const struct line *b, size_t nb)
{
	size_t pre = 0, suf = 0;
	int rc;

	*k = 0;
	if (!(*out = malloc((na + nb + 1) * sizeof **out)))
		return kith_error_set(KITH_ERROR, "out of memory");
	while (pre < na && pre < nb && same(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre &&
	    same(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		(*out)[(*k)++] = (struct op){ ' ', i, i };
	if ((rc = middle(*out, k, a + pre, na - pre - suf, b + pre,
	    nb - pre - suf, pre, pre)) < 0)
		return rc;
	for (size_t i = suf; i > 0; i--)
		(*out)[(*k)++] = (struct op){ ' ', na - i, nb - i };
	return 0;
}

/* "-start,count" as diff writes it: ",1" left out, start 0 before line 1. */
static int
range(struct kith_buf *out, char sign, size_t start, size_t count)
{
	if (count == 1)
		return kith_buf_printf(out, "%c%zu", sign, start + 1);
	return kith_buf_printf(out, "%c%zu,%zu", sign, count ? start + 1 : start,
		count);
}

static int
hunk(struct kith_buf *out, const struct op *ops, size_t from, size_t to,
	const struct line *a, const struct line *b)
{
	size_t na = 0, nb = 0;
	int rc;

	for (size_t i = from; i < to; i++) {
		na += ops[i].kind != '+';
		nb += ops[i].kind != '-';
	}
	if ((rc = kith_buf_puts(out, "@@ ")) < 0 ||
	    (rc = range(out, '-', ops[from].a, na)) < 0 ||
	    (rc = kith_buf_puts(out, " ")) < 0 ||
	    (rc = range(out, '+', ops[from].b, nb)) < 0 ||
	    (rc = kith_buf_puts(out, " @@\n")) < 0)
		return rc;
	for (size_t i = from; i < to && rc == 0; i++) {
		const struct line *l = ops[i].kind == '+' ? &b[ops[i].b] : &a[ops[i].a];
		if ((rc = kith_buf_put(out, &ops[i].kind, 1)) == 0 &&
		    (rc = kith_buf_put(out, l->s, l->n)) == 0 &&
		    l->s[l->n - 1] != '\n')
			rc = kith_buf_puts(out, "\n\\ No newline at end of file\n");
	}
	return rc;
}

static int
hunks(struct kith_buf *out, const struct op *ops, size_t k,
	const struct line *a, const struct line *b)
{
	size_t i = 0, floor = 0;
	int rc;

	while (i < k) {
		size_t last, j, from, to;
		if (ops[i].kind == ' ') {
			i++;
			continue;
		}
		from = i > floor + CONTEXT ? i - CONTEXT : floor;
		for (last = j = i; j < k && j - last <= 2 * CONTEXT + 1; j++)
			if (ops[j].kind != ' ')
				last = j;
		to = last + 1 + CONTEXT < k ? last + 1 + CONTEXT : k;
		if ((rc = hunk(out, ops, from, to, a, b)) < 0)
			return rc;
		i = floor = to;
	}
	return 0;
}

/* "diff --git" and the lines git writes for a new, removed or moved file. */
static int
header(struct kith_buf *out, const char *from, const char *to)
{
	const char *a = from ? from : to, *b = to ? to : from;
	int rc = kith_buf_printf(out, "diff --git a/%s b/%s\n", a, b);

	if (rc == 0 && !from)
		rc = kith_buf_puts(out, "new file mode 100644\n");
	else if (rc == 0 && !to)
		rc = kith_buf_puts(out, "deleted file mode 100644\n");
	else if (rc == 0 && strcmp(from, to))
		rc = kith_buf_printf(out, "rename from %s\nrename to %s\n", from, to);
	return rc;
}

int
kith_diff(struct kith_buf *out, const char *from, const char *a, size_t alen,
	const char *to, const char *b, size_t blen)
{
	struct line *la = NULL, *lb = NULL;
	struct op *ops = NULL;
	size_t na = 0, nb = 0, k = 0;
	bool moved = from && to && strcmp(from, to);
	int rc;

	if (!from)
		alen = 0;
	if (!to)
		blen = 0;
	if (from && to && !moved && equal(a, alen, b, blen))
		return 0;
	if ((rc = header(out, from, to)) < 0 || equal(a, alen, b, blen))
		return rc;
	if ((rc = kith_buf_printf(out, "--- %s%s\n+++ %s%s\n",
	    from ? "a/" : "", from ? from : "/dev/null",
	    to ? "b/" : "", to ? to : "/dev/null")) < 0 ||
	    (rc = split(&la, &na, a, alen)) < 0 ||
	    (rc = split(&lb, &nb, b, blen)) < 0 ||
	    (rc = script(&ops, &k, la, na, lb, nb)) < 0)
		goto out;
	rc = hunks(out, ops, k, la, lb);
out:
	free(ops);
	free(la);
	free(lb);
	return rc;
}
