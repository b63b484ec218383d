/*
 * kith-grep - search people and journal files with a PCRE2 pattern and
 * print each matching line as path:line:text, as grep does.
 *
 * The files are those the model loader reads (kith_repo_files). Each is
 * checked for valid UTF-8 once and then searched as one buffer with the
 * JIT-compiled pattern and PCRE2_NO_UTF_CHECK: much faster than a match
 * call per line. ^ and $ match at every line start and end (LF or CRLF);
 * a match may span lines, and then each of its lines is printed. After a
 * match the search goes on at the next line, so a line prints once.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <getopt.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-grep";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith grep [-il] pattern\n", f);
	exit(code);
}

struct grep {
	pcre2_code *re;
	pcre2_match_data *md;
	bool list;           /* -l */
	bool matched;        /* something matched somewhere */
	int status;          /* worst failure so far: 0, 2 or 3 */
};

static int
compile(struct grep *g, const char *pattern, bool icase)
{
	pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	int err;

	if (!cc || pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF) != 0) {
		pcre2_compile_context_free(cc);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	g->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		PCRE2_UTF | PCRE2_UCP | PCRE2_MULTILINE |
		(icase ? PCRE2_CASELESS : 0), &err, &erroff, cc);
	pcre2_compile_context_free(cc);
	if (!g->re) {
		pcre2_get_error_message(err, msg, sizeof msg);
		return kith_error_set(KITH_EINVALID, "bad pattern '%s': %s at "
			"offset %zu", pattern, (char *)msg, (size_t)erroff);
	}
	/* Without JIT (not built for this CPU) pcre2_match interprets. */
	(void)pcre2_jit_compile(g->re, PCRE2_JIT_COMPLETE);
	if (!(g->md = pcre2_match_data_create_from_pattern(g->re, NULL)))
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/* Print line (its bytes start at s, end at e, line ending excluded). */
static void
print_line(const char *rel, size_t line, const char *s, const char *e)
{
	while (e > s && (e[-1] == '\r' || e[-1] == '\n'))
		e--;
	printf("%s:%zu:", rel, line);
	fwrite(s, 1, (size_t)(e - s), stdout);
	putchar('\n');
}

/* Search one file's text (BOM already skipped); print what matches. */
static void
search(struct grep *g, const char *rel, const char *s, size_t len)
{
	size_t off = 0, line = 1, start = 0; /* start: where `line` begins */

	while (off <= len) {
		int rc = pcre2_match(g->re, (PCRE2_SPTR)s, len, off,
			PCRE2_NO_UTF_CHECK, g->md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			return;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof msg);
			fprintf(stderr, "%s: cannot search '%s': %s: simplify the "
				"pattern\n", argv0, rel, (char *)msg);
			g->status = g->status ? g->status : 2;
			return;
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(g->md);
		size_t a = ov[0], last = ov[1] > a ? ov[1] - 1 : a;
		/* An empty match after the last line ending is on no line. */
		if (a == len && (len == 0 || s[len - 1] == '\n'))
			return;
		for (const char *nl; (nl = memchr(s + start, '\n', a - start)); line++)
			start = (size_t)(nl - s) + 1;
		g->matched = true;
		if (g->list) {
			printf("%s\n", rel);
			return;
		}
		for (;;) {
			const char *nl = memchr(s + start, '\n', len - start);
			size_t eol = nl ? (size_t)(nl - s) : len;
			print_line(rel, line, s + start, s + eol);
			if (eol >= len)
				return;
			start = eol + 1;
			line++;
			if (last <= eol)
				break;
		}
		off = start;
	}
}

static void
grep_file(struct grep *g, struct kith_repo *repo, const char *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	char *text = NULL;
	size_t len = 0, bom;

	if (kith_repo_path(&abs, repo, rel) < 0 ||
	    kith_file_read(&text, &len, abs.ptr) < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		g->status = 3;
	} else if (!kith_utf8_valid(text, len)) {
		fprintf(stderr, "%s: warning: skipping '%s': not valid UTF-8\n",
			argv0, rel);
	} else {
		bom = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0;
		search(g, rel, text + bom, len - bom);
	}
	free(text);
	kith_buf_free(&abs);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ignore-case", no_argument, NULL, 'i' },
		{ "files-with-matches", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct grep g = { NULL, NULL, false, false, 0 };
	struct kith_repo *repo = NULL;
	char **files = NULL;
	bool icase = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "ilh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			icase = true;
			break;
		case 'l':
			g.list = true;
			break;
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind + 1 != argc)
		usage(stderr, 2);
	if ((rc = compile(&g, argv[optind], icase)) < 0 ||
	    (rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_repo_files(&files, NULL, repo)) < 0)
		goto out;
	for (char **f = files; *f; f++)
		grep_file(&g, repo, *f);
	rc = kith_stdout_close();
out:
	kith_repo_files_free(files);
	kith_repo_free(repo);
	pcre2_match_data_free(g.md);
	pcre2_code_free(g.re);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return g.status ? g.status : g.matched ? 0 : 1;
}
