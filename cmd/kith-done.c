/*
 * kith-done - tick a follow-up: "- [ ] ..." becomes "- [x] ...", and the
 * change is committed as "done: TEXT".
 *
 * REF is the id `kith todo` prints, or path:line of the follow-up's box,
 * or text found (case- and accent-insensitively) in exactly one open
 * follow-up. Only the byte inside the brackets changes: every other byte
 * of the file, line endings and BOM included, stays as it was. The
 * repository lock is held from loading the model to the commit, so the
 * offsets cannot go stale under another kith command; a hand edit in
 * between is caught by checking the box again before writing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kith.h"

static const char *argv0 = "kith-done";

/* Commit messages keep this many bytes of the text, at most. */
#define SUMMARY_MAX 60

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith done ref...\n", f);
	exit(code);
}

struct hits {
	struct kith_followup **v;
	size_t n;
};

static void
list_hits(const struct hits *h)
{
	char id[KITH_FOLLOWUP_ID_LEN + 1];

	for (size_t i = 0; i < h->n; i++) {
		const struct kith_followup *f = h->v[i];
		if (kith_followup_id(id, f) < 0)
			strcpy(id, "?");
		fprintf(stderr, "\t%s\t%s:%d\t%s\n", id, f->path, f->line, f->text);
	}
}

static bool
is_id(const char *s)
{
	return strlen(s) == KITH_FOLLOWUP_ID_LEN &&
		strspn(s, "0123456789abcdefABCDEF") == KITH_FOLLOWUP_ID_LEN;
}

/* Open follow-ups whose id is ref; *done: a ticked one that has it. */
static int
by_id(struct hits *h, struct kith_followup **done, const struct kith_model *m,
	const char *ref)
{
	char id[KITH_FOLLOWUP_ID_LEN + 1];
	int rc;

	*done = NULL;
	for (size_t i = 0; i < m->nfollowups; i++) {
		struct kith_followup *f = m->followups[i];
		if ((rc = kith_followup_id(id, f)) < 0)
			return rc;
		if (strcasecmp(id, ref))
			continue;
		if (f->done)
			*done = f;
		else
			h->v[h->n++] = f;
	}
	return 0;
}

/*
 * ref as path:line: 1 and *out set when it is one (*out NULL when no
 * follow-up is there), 0 when ref does not read as path:line.
 */
static int
by_position(struct kith_followup **out, const struct kith_model *m,
	const char *ref)
{
	const char *colon = strrchr(ref, ':'), *path = ref;
	size_t plen;
	long line;
	char *end;

	*out = NULL;
	if (!colon || colon == ref || !colon[1] || colon[1] == '-' ||
	    colon[1] == '+')
		return 0;
	line = strtol(colon + 1, &end, 10);
	if (*end)
		return 0;
	if (!strncmp(path, "./", 2))
		path += 2;
	plen = (size_t)(colon - path);
	for (size_t i = 0; i < m->nfollowups; i++) {
		struct kith_followup *f = m->followups[i];
		if (strlen(f->path) == plen && !strncmp(f->path, path, plen) &&
		    f->line == line)
			*out = f;
	}
	/* "meeting at 10:30" is text; "people/x.md:4" is a position. */
	return *out || (plen > 3 && !strncmp(colon - 3, ".md", 3));
}

/* Open follow-ups whose folded text contains (or, if any, equals) ref's. */
static int
by_text(struct hits *h, const struct kith_model *m, const char *ref)
{
	struct hits exact = { h->v + m->nfollowups, 0 };
	char *q = NULL, *t = NULL;
	int rc;

	if ((rc = kith_fold(&q, ref, strlen(ref))) < 0)
		return rc;
	for (size_t i = 0; i < m->nfollowups; i++) {
		struct kith_followup *f = m->followups[i];
		if (f->done)
			continue;
		if ((rc = kith_fold(&t, f->text, strlen(f->text))) < 0)
			break;
		if (!strcmp(t, q))
			exact.v[exact.n++] = f;
		if (strstr(t, q))
			h->v[h->n++] = f;
		free(t);
		t = NULL;
	}
	if (exact.n == 1) {
		h->v[0] = exact.v[0];
		h->n = 1;
	}
	free(q);
	return rc;
}

/* The one open follow-up ref names, or an error (listed when several). */
static int
resolve(struct kith_followup **out, const struct kith_model *m,
	const char *ref)
{
	struct kith_followup *done = NULL, *f = NULL;
	struct hits h = { NULL, 0 };
	int rc = 0;

	*out = NULL;
	if (!(h.v = malloc((2 * m->nfollowups + 1) * sizeof *h.v)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if (is_id(ref) && (rc = by_id(&h, &done, m, ref)) < 0)
		goto out;
	if (!h.n && !done && by_position(&f, m, ref)) {
		if (!f)
			rc = kith_error_set(KITH_EINVALID, "no follow-up at '%s': "
				"give the line of its box, see 'kith todo'", ref);
		else if (f->done)
			done = f;
		else
			h.v[h.n++] = f;
	}
	if (!rc && !h.n && done)
		rc = kith_error_set(KITH_EINVALID, "'%s' (%s:%d) is already done: "
			"see 'kith todo --all'", done->text, done->path, done->line);
	if (!rc && !h.n)
		rc = by_text(&h, m, ref);
	if (rc < 0)
		goto out;
	if (h.n == 1)
		*out = h.v[0];
	else if (!h.n)
		rc = kith_error_set(KITH_EINVALID, "no open follow-up matches "
			"'%s': see 'kith todo'", ref);
	else {
		fprintf(stderr, "%s: '%s' matches %zu open follow-ups: give the "
			"%s of one\n", argv0, ref, h.n,
			is_id(ref) ? "path:line" : "id or path:line");
		list_hits(&h);
		rc = KITH_EAMBIGUOUS;
	}
out:
	free(h.v);
	return rc;
}

/* "done: TEXT", the text cut to SUMMARY_MAX bytes at a UTF-8 boundary. */
static int
message(struct kith_buf *msg, const struct kith_followup *f)
{
	size_t n = strlen(f->text);

	if (!n)
		return kith_buf_printf(msg, "done: %s:%d", f->path, f->line);
	if (n <= SUMMARY_MAX)
		return kith_buf_printf(msg, "done: %s", f->text);
	n = SUMMARY_MAX;
	while (n > 0 && ((unsigned char)f->text[n] & 0xc0) == 0x80)
		n--;
	while (n > 0 && f->text[n - 1] == ' ')
		n--;
	return kith_buf_printf(msg, "done: %.*s...", (int)n, f->text);
}

/* Read the file again, check the box is still open, tick it, commit. */
static int
tick(struct kith_repo *repo, const struct kith_followup *f)
{
	struct kith_buf abs = KITH_BUF_INIT, msg = KITH_BUF_INIT;
	struct kith_change change = { f->path, NULL, 0, NULL };
	char *text = NULL;
	size_t len = 0, o = f->box_off;
	int rc;

	if ((rc = kith_repo_path(&abs, repo, f->path)) < 0 ||
	    (rc = kith_file_read(&text, &len, abs.ptr)) < 0)
		goto out;
	if (o == 0 || o + 1 >= len || text[o - 1] != '[' || text[o] != ' ' ||
	    text[o + 1] != ']') {
		rc = kith_error_set(KITH_ERROR, "'%s' changed while kith was "
			"reading it: line %d holds no open box now; run 'kith todo' "
			"and try again", f->path, f->line);
		goto out;
	}
	text[o] = 'x';
	change.data = text;
	change.len = len;
	if ((rc = message(&msg, f)) == 0)
		rc = kith_repo_apply(repo, &change, 1, msg.ptr);
out:
	free(text);
	kith_buf_free(&abs);
	kith_buf_free(&msg);
	return rc;
}

/* The arguments joined by spaces. */
static char *
join(int argc, char **argv)
{
	struct kith_buf b = KITH_BUF_INIT;

	for (int i = 0; i < argc; i++)
		if ((i && kith_buf_puts(&b, " ") < 0) ||
		    kith_buf_puts(&b, argv[i]) < 0) {
			kith_buf_free(&b);
			return NULL;
		}
	return b.ptr;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct kith_followup *f = NULL;
	char *ref = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	if (optind == argc)
		usage(stderr, 2);
	if (!(ref = join(argc - optind, argv + optind))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if (!*ref || !kith_utf8_valid(ref, strlen(ref))) {
		rc = kith_error_set(KITH_EINVALID, "bad reference '%s': give an "
			"id, path:line or text from 'kith todo'", ref);
		goto out;
	}
	if ((rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_repo_lock(repo)) < 0)
		goto out;
	if ((rc = kith_model_query(&m, repo, &(struct kith_query){
	    .flags = KITH_Q_FOLLOWUPS })) < 0)
		goto unlock;
	kith_model_warn(stderr, argv0, m, NULL);
	if ((rc = resolve(&f, m, ref)) < 0 || (rc = tick(repo, f)) < 0)
		goto unlock;
	printf("done: %s (%s:%d)\n", f->text, f->path, f->line);
	rc = kith_stdout_close();
unlock:
	kith_repo_unlock(repo);
out:
	free(ref);
	kith_model_free(m);
	kith_gc_warn(stderr, "kith-done");
	kith_repo_free(repo);
	if (rc < 0 && rc != KITH_EAMBIGUOUS)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	return kith_exit_code(rc);
}
