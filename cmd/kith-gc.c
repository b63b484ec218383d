/*
 * kith-gc - keep the git repository small and quick: pack the loose
 * objects kith's commits leave into one pack (libgit2's packbuilder,
 * deltas on) and remove them; merge packs when there are more than 16,
 * every pack into one with --full. Every kith commit runs this by itself
 * when the loose objects pass kith.gcAuto; run it by hand after a lot of
 * work with git itself, or with --full now and then.
 *
 * Prints one line saying what it did, unless -q. When the last automatic
 * gc failed (.kith/gc.log), says why first.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "kith.h"

static const char *argv0 = "kith-gc";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith gc [-q] [--full]\n", f);
	exit(code);
}

/* A size as people read it: 532 B, 14.2 KB, 17.3 MB, 1.2 GB. */
static char *
human(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1000) {
		snprintf(buf, n, "%u B", (unsigned)bytes);
		return buf;
	}
	for (v /= 1000; v >= 999.95 && u + 1 < sizeof unit / sizeof *unit; u++)
		v /= 1000;
	snprintf(buf, n, "%.1f %s", v, unit[u]);
	return buf;
}

static void
report(const struct kith_gc_stats *st)
{
	char a[32], b[32];

	if (!st->packed && !st->removed && st->packs_before == st->packs_after) {
		printf("nothing to pack: %zu loose objects, %zu %s; .git: %s\n",
			st->loose_before, st->packs_after,
			st->packs_after == 1 ? "pack" : "packs",
			human(a, sizeof a, st->bytes_after));
		return;
	}
	printf("packed %zu objects, removed %zu loose objects, "
		"packs: %zu -> %zu; .git: %s -> %s\n", st->packed, st->removed,
		st->packs_before, st->packs_after,
		human(a, sizeof a, st->bytes_before),
		human(b, sizeof b, st->bytes_after));
}

/* What the last automatic gc left in .kith/gc.log, as a note. */
static void
note_log(struct kith_repo *repo)
{
	char *msg = NULL;

	if (kith_gc_log(&msg, repo) == 0 && msg)
		fprintf(stderr, "%s: note: the last automatic gc failed: %s\n",
			argv0, msg);
	free(msg);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "full", no_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_gc_stats st;
	unsigned flags = 0;
	bool quiet = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		if (c == 'f')
			flags |= KITH_GC_FULL;
		else if (c == 'q')
			quiet = true;
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	}
	if (optind != argc)
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		goto out;
	if (!quiet)
		note_log(repo);
	if ((rc = kith_gc(&st, repo, flags)) < 0)
		goto out;
	if (!quiet)
		report(&st);
	rc = kith_stdout_close();
out:
	kith_repo_free(repo);
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	return kith_exit_code(rc);
}
