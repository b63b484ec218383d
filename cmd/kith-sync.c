/*
 * kith-sync.c - commit the hand edits under people/ and journal/, fetch,
 * merge and push, all through libgit2 (lib/sync.c).
 *
 * The remote is the branch's upstream, else origin, else the REMOTE
 * named, or the URL or path given (which then becomes origin). A push
 * the remote refuses because it moved on is retried after another fetch
 * and merge, up to three times. A merge that leaves conflicts stops with
 * the files listed and exit status 3; the next sync finishes it once the
 * markers are gone. --dry-run says what would happen and changes
 * nothing. Progress shows on standard error when it is a terminal; what
 * was done goes to standard output, one line each.
 *
 * Signals that end the program (^C) are held while files, the index and
 * commits are written, so an interruption never leaves a half-merge; it
 * may come while the lock is awaited or the remote talked to.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith.h"

#define RETRIES 3 /* pushes retried after the remote moved on */

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith sync [--dry-run] [remote | url]\n", f);
	exit(code);
}

static void __attribute__((noreturn, format(printf, 2, 3)))
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kith-sync: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

static void __attribute__((noreturn))
fail(int rc)
{
	die(kith_exit_code(rc), "%s", kith_error());
}

/* ---- held signals ---- */

static sigset_t held;

static void
hold_signals(void)
{
	sigemptyset(&held);
	sigaddset(&held, SIGINT);
	sigaddset(&held, SIGTERM);
	sigaddset(&held, SIGHUP);
	sigaddset(&held, SIGQUIT);
	sigprocmask(SIG_BLOCK, &held, NULL);
}

static void
release_signals(void)
{
	sigprocmask(SIG_UNBLOCK, &held, NULL);
}

/* ---- output ---- */

static void
progress(const char *text, bool last, void *payload)
{
	(void)payload;
	fprintf(stderr, "\r%s\033[K%s", text, last ? "\n" : "");
}

static const char *
plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void
list(FILE *f, const char *prefix, const struct kith_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "%s'%s'\n", prefix, p->v[i]);
}

/* ---- the steps ---- */

/* Commit the hand edits, or finish the merge an earlier sync left. */
static bool
commit_step(struct kith_sync *s, bool dry)
{
	struct kith_paths done, marked;
	bool finished;
	int rc;

	hold_signals();
	rc = kith_sync_commit(s, &done, &finished, &marked);
	release_signals();
	if (rc < 0 && marked.n) {
		list(stderr, "kith-sync: conflict markers in ", &marked);
		if (!dry)
			fail(rc);
		printf("would stop: %zu %s conflict markers\n", marked.n,
			plural(marked.n, "file has", "files have"));
		return false;
	}
	if (rc < 0)
		fail(rc);
	if (finished)
		printf("%s the merge of %s\n", dry ? "would finish" : "finished",
			kith_sync_upstream(s));
	else if (done.n && dry)
		for (size_t i = 0; i < done.n; i++)
			printf("would commit '%s'\n", done.v[i]);
	else if (done.n)
		printf("committed %zu %s\n", done.n, plural(done.n, "file", "files"));
	kith_paths_free(&done);
	kith_paths_free(&marked);
	return true;
}

static void
report_merge(const struct kith_sync_merge *m, const char *up, bool dry)
{
	switch (m->kind) {
	case KITH_SYNC_NEW:
		printf("%s has no such branch yet\n", up);
		break;
	case KITH_SYNC_UPTODATE:
		if (!m->ahead)
			printf("up to date with %s\n", up);
		break;
	case KITH_SYNC_FASTFORWARD:
		printf("%s to %s: %zu %s\n", dry ? "would fast-forward" :
			"fast-forwarded", up, m->behind,
			plural(m->behind, "commit", "commits"));
		break;
	case KITH_SYNC_MERGED:
	case KITH_SYNC_CONFLICTED:
		printf("%s %s: %zu local, %zu remote %s\n", dry ? "would merge" :
			m->kind == KITH_SYNC_MERGED ? "merged" : "merging", up,
			m->ahead, m->behind, plural(m->behind, "commit", "commits"));
		if (dry)
			list(stdout, "would conflict in ", &m->conflicts);
		break;
	}
	for (size_t i = 0; i < m->kept.n; i++)
		fprintf(stderr, "kith-sync: kept '%s': deleted on one side, "
			"changed on the other\n", m->kept.v[i]);
}

static void __attribute__((noreturn))
conflicts(const struct kith_sync_merge *m, const char *up)
{
	list(stderr, "kith-sync: conflict in ", &m->conflicts);
	if (fflush(stdout) != 0)
		die(3, "cannot write to standard output: %s", strerror(errno));
	die(3, "the merge of %s left conflicts in %zu %s: keep the right "
		"lines between '<<<<<<< ours' and '>>>>>>> theirs' and delete the "
		"markers ('kith check' lists them), then run 'kith sync' again",
		up, m->conflicts.n, plural(m->conflicts.n, "file", "files"));
}

/*
 * Merge what was fetched: the lock first (waiting for it can be
 * interrupted), then signals held while the merge is written.
 */
static int
merge_step(struct kith_repo *repo, struct kith_sync *s, bool dry,
	struct kith_sync_merge *m)
{
	int rc;

	if (!dry && (rc = kith_repo_lock(repo)) < 0)
		return rc;
	hold_signals();
	rc = kith_sync_merge(s, m);
	release_signals();
	if (!dry)
		kith_repo_unlock(repo);
	return rc;
}

/* Fetch, merge and push; again while the remote moves on. */
static void
sync_step(struct kith_repo *repo, struct kith_sync *s, bool dry)
{
	const char *up = kith_sync_upstream(s);

	for (int attempt = 0; ; attempt++) {
		struct kith_sync_merge m;
		size_t pushed;
		bool rejected;
		char *why;
		int rc;

		if ((rc = kith_sync_fetch(s)) < 0 ||
		    (rc = merge_step(repo, s, dry, &m)) < 0)
			fail(rc);
		report_merge(&m, up, dry);
		if (m.kind == KITH_SYNC_CONFLICTED && !dry)
			conflicts(&m, up);
		if (m.kind == KITH_SYNC_CONFLICTED) {
			printf("would stop at the conflicts\n");
			kith_sync_merge_free(&m);
			return;
		}
		if ((rc = kith_sync_push(s, &pushed, &rejected, &why)) < 0)
			fail(rc);
		if (dry && pushed)
			printf("would push %zu %s to %s\n", pushed,
				plural(pushed, "commit", "commits"), up);
		else if (pushed)
			printf("pushed %zu %s to %s\n", pushed,
				plural(pushed, "commit", "commits"), up);
		kith_sync_merge_free(&m);
		if (!rejected)
			return;
		if (attempt == RETRIES)
			die(3, "%s refused the push %d times (%s): the local "
				"commits are kept; try 'kith sync' again later", up,
				RETRIES + 1, why);
		fprintf(stderr, "kith-sync: %s refused the push (%s): fetching "
			"and merging again\n", up, why);
		free(why);
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_sync_options opts = { 0 };
	struct kith_repo *repo;
	struct kith_sync *s;
	int c, rc;

	while ((c = getopt_long(argc, argv, "nh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			opts.dry_run = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (argc - optind > 1)
		usage(stderr, 2);
	opts.remote = optind < argc ? argv[optind] : NULL;
	if (isatty(2))
		opts.progress = progress;
	if ((rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (rc = kith_sync_open(&s, repo, &opts)) < 0)
		fail(rc);
	if (commit_step(s, opts.dry_run))
		sync_step(repo, s, opts.dry_run);
	kith_sync_free(s);
	kith_gc_warn(stderr, "kith-sync");
	kith_repo_free(repo);
	if (kith_stdout_close() < 0)
		die(3, "cannot write to standard output: %s", strerror(errno));
	return 0;
}
