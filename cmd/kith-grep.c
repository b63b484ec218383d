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
 *
 * Two threads read and search (reading 12,000 files is mostly the
 * kernel's time: each is opened relative to its directory, which spares
 * the lookup of an absolute path, and read into the thread's one buffer;
 * the second thread has a table of file descriptors of its own). Each
 * file's output is kept, in a ring of WINDOW slots, until the files
 * before it are printed, so the output is in file order, as with one
 * thread.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <fcntl.h>
#include <getopt.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith.h"

static const char *argv0 = "kith-grep";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith grep [-il] pattern\n", f);
	exit(code);
}

static void *worker(void *arg);

/* What searching one file made, until it is its turn to be printed. */
struct result {
	struct kith_buf out;  /* for stdout */
	struct kith_buf err;  /* for stderr */
	bool matched;
	int status;           /* 0, 2 or 3 */
	bool done;
};

struct grep {
	pcre2_code *re;
	bool list;           /* -l */
	bool matched;        /* something matched somewhere */
	int status;          /* worst failure so far: 0, 2 or 3 */
	/* the work, shared by the threads under mu */
	struct kith_repo *repo;
	int root;            /* the repository's top directory */
	char **files;
	struct result *res;  /* file i's in res[i % WINDOW] */
	size_t nfiles, next, printed;
	size_t waiting;      /* threads waiting for the printing to catch up */
	bool printing;       /* a thread is printing */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* A file is taken at most this far ahead of the printing. */
#define WINDOW 512
/* Files a thread takes at a time: one lock for them all. */
#define BATCH 8

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
	return 0;
}

/* Add line (its bytes start at s, end at e, line ending excluded). */
static int
put_line(struct kith_buf *b, const char *rel, size_t line, const char *s,
	const char *e)
{
	char n[24];

	while (e > s && (e[-1] == '\r' || e[-1] == '\n'))
		e--;
	/* no printf: a common word matches thousands of lines */
	if (kith_buf_puts(b, rel) < 0 || kith_buf_puts(b, ":") < 0 ||
	    kith_buf_puts(b, kith_int_format(n, (long long)line)) < 0 ||
	    kith_buf_puts(b, ":") < 0 ||
	    kith_buf_put(b, s, (size_t)(e - s)) < 0 || kith_buf_puts(b, "\n") < 0)
		return KITH_ERROR;
	return 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

__attribute__((target("avx2,popcnt"))) static size_t
count_nl_avx2(const char *s, size_t n)
{
	const __m256i nl = _mm256_set1_epi8('\n');
	size_t c = 0, i = 0;

	for (; i + 32 <= n; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(s + i));
		c += (size_t)__builtin_popcount((unsigned)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(x, nl)));
	}
	for (; i < n; i++)
		c += s[i] == '\n';
	return c;
}
#endif

/*
 * The line endings in s[0..n). A call of memchr per line costs more than
 * the line: a line of the bench's journals is ~55 bytes.
 */
static size_t
count_nl(const char *s, size_t n)
{
	size_t c = 0;

#if defined(__x86_64__) && defined(__GNUC__)
	if (n >= 64 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
		return count_nl_avx2(s, n);
#endif
	for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))); s++)
		c++;
	return c;
}

/* Search one file's text (BOM already skipped) into r. */
static int
search(const struct grep *g, pcre2_match_data *md, struct result *r,
	const char *rel, const char *s, size_t len)
{
	size_t off = 0, line = 1, start = 0; /* start: where `line` begins */

	while (off <= len) {
		int rc = pcre2_match(g->re, (PCRE2_SPTR)s, len, off,
			PCRE2_NO_UTF_CHECK, md, NULL);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(rc, msg, sizeof msg);
			r->status = 2;
			return kith_buf_printf(&r->err, "%s: cannot search '%s': %s: "
				"simplify the pattern\n", argv0, rel, (char *)msg);
		}
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		size_t a = ov[0], last = ov[1] > a ? ov[1] - 1 : a;
		/* An empty match after the last line ending is on no line. */
		if (a == len && (len == 0 || s[len - 1] == '\n'))
			return 0;
		const char *prev = memrchr(s + start, '\n', a - start);
		if (prev) {
			line += count_nl(s + start, (size_t)(prev - s) - start + 1);
			start = (size_t)(prev - s) + 1;
		}
		r->matched = true;
		if (g->list)
			return kith_buf_printf(&r->out, "%s\n", rel);
		for (;;) {
			const char *nl = memchr(s + start, '\n', len - start);
			size_t eol = nl ? (size_t)(nl - s) : len;
			if (put_line(&r->out, rel, line, s + start, s + eol) < 0)
				return KITH_ERROR;
			if (eol >= len)
				return 0;
			start = eol + 1;
			line++;
			if (last <= eol)
				break;
		}
		off = start;
	}
	return 0;
}

static int
grep_file(const struct grep *g, struct kith_dirfd *d, pcre2_match_data *md,
	struct result *r, const char *rel, struct kith_buf *b)
{
	if (kith_dirfd_read_buf(d, rel, b) < 0) {
		r->status = 3;
		return kith_buf_printf(&r->err, "%s: %s\n", argv0, kith_error());
	}
	if (!kith_utf8_valid(b->ptr, b->len))
		return kith_buf_printf(&r->err, "%s: warning: skipping '%s': not "
			"valid UTF-8\n", argv0, rel);
	size_t bom = b->len >= 3 && !memcmp(b->ptr, "\xef\xbb\xbf", 3) ? 3 : 0;
	return search(g, md, r, rel, b->ptr + bom, b->len - bom);
}

/* Print r and take in its outcome; one thread at a time (g->printing). */
static void
emit(struct grep *g, struct result *r)
{
	if (r->err.len)
		fputs(r->err.ptr, stderr);
	if (r->out.len)
		fwrite(r->out.ptr, 1, r->out.len, stdout);
	g->matched |= r->matched;
	if (r->status > g->status)
		g->status = r->status;
	/* the slot is the file's WINDOW on: its buffers are kept for it */
	kith_buf_clear(&r->out);
	kith_buf_clear(&r->err);
	r->matched = r->done = false;
	r->status = 0;
}

/*
 * Take files and search them until none is left. The thread that finds
 * the next file to print done prints it, and the ones after it that are
 * done too, while the other goes on searching.
 */
static void *
other_worker(void *arg)
{
	kith_thread_own_fds();
	return worker(arg);
}

static void *
worker(void *arg)
{
	struct grep *g = arg;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(g->re, NULL);
	struct kith_dirfd d = KITH_DIRFD_INIT(g->root, g->repo);
	struct kith_buf b = KITH_BUF_INIT;

	pthread_mutex_lock(&g->mu);
	for (;;) {
		while (g->next < g->nfiles && g->next >= g->printed + WINDOW) {
			g->waiting++;
			pthread_cond_wait(&g->cv, &g->mu);
			g->waiting--;
		}
		if (g->next >= g->nfiles)
			break;
		size_t i = g->next, k = g->nfiles - i;
		if (k > BATCH)
			k = BATCH;
		if (k > g->printed + WINDOW - i)
			k = g->printed + WINDOW - i;
		g->next += k;
		pthread_mutex_unlock(&g->mu);
		for (size_t j = i; j < i + k; j++) {
			struct result *r = &g->res[j % WINDOW];
			if (!md || grep_file(g, &d, md, r, g->files[j], &b) < 0) {
				kith_buf_clear(&r->err);
				kith_buf_printf(&r->err, "%s: out of memory\n", argv0);
				r->status = 3;
			}
		}
		pthread_mutex_lock(&g->mu);
		for (size_t j = i; j < i + k; j++)
			g->res[j % WINDOW].done = true;
		if (g->printing)
			continue;
		g->printing = true;
		while (g->printed < g->nfiles && g->res[g->printed % WINDOW].done) {
			struct result *x = &g->res[g->printed % WINDOW];
			pthread_mutex_unlock(&g->mu);
			emit(g, x);
			pthread_mutex_lock(&g->mu);
			g->printed++;
		}
		g->printing = false;
		if (g->waiting)
			pthread_cond_broadcast(&g->cv);
	}
	pthread_mutex_unlock(&g->mu);
	kith_dirfd_close(&d);
	kith_buf_free(&b);
	pcre2_match_data_free(md);
	return NULL;
}

/* Search every file on two threads (this one and another), in file order. */
static int
grep_all(struct grep *g)
{
	pthread_t t;
	bool other;

	for (g->nfiles = 0; g->files[g->nfiles]; g->nfiles++)
		;
	if (!(g->res = calloc(WINDOW, sizeof *g->res)))
		return kith_error_set(KITH_ERROR, "out of memory");
	other = g->nfiles > 1 && pthread_create(&t, NULL, other_worker, g) == 0;
	worker(g);
	if (other)
		pthread_join(t, NULL);
	for (size_t i = 0; i < WINDOW; i++) {
		kith_buf_free(&g->res[i].out);
		kith_buf_free(&g->res[i].err);
	}
	free(g->res);
	g->res = NULL;
	return 0;
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
	struct grep g = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
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
	g.repo = repo;
	g.files = files;
	if ((g.root = open(kith_repo_root(repo), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = kith_error_errno(KITH_ERROR, "cannot open '%s'", kith_repo_root(repo));
		goto out;
	}
	if ((rc = grep_all(&g)) == 0)
		rc = kith_stdout_close();
	close(g.root);
out:
	kith_repo_files_free(files);
	kith_repo_free(repo);
	pcre2_code_free(g.re);
	if (rc < 0) {
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
		return kith_exit_code(rc);
	}
	return g.status ? g.status : g.matched ? 0 : 1;
}
