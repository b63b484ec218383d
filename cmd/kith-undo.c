/*
 * kith-undo - revert the last commit kith made, as a new commit
 * "undo: MESSAGE"; undoing an undo redoes. HEAD must be a commit kith
 * made (its first line "VERB: ..." for one of kith's verbs) unless
 * --force. A merge (from kith sync) is undone against its first parent.
 * When a file the commit touched has changes not yet committed, nothing
 * is done. --list prints what would be undone and changes nothing.
 *
 * The lock is held from reading HEAD to the new commit, so no other kith
 * command can slip a commit in between (--list takes none).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "kith.h"

static const char *argv0 = "kith-undo";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith undo [--list] [--force]\n", f);
	exit(code);
}

/* The commit's id, date and first line, then each file with A, M or D. */
static void
print_plan(const struct kith_undo *u)
{
	char date[KITH_COMMIT_DATE_MAX];

	printf("%s  %s  %s\n", u->commit.short_id,
		kith_commit_date(date, &u->commit, false), u->commit.summary);
	for (size_t i = 0; i < u->nfiles; i++)
		printf("%c\t%s\n", u->files[i].status, u->files[i].path);
}

static void
report_dirty(const struct kith_undo *u)
{
	fprintf(stderr, "%s: cannot undo '%s': %s changes not committed: "
		"commit or discard them, then undo\n", argv0, u->commit.summary,
		u->ndirty == 1 ? "this file has" : "these files have");
	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i].dirty)
			fprintf(stderr, "\t%s\n", u->files[i].path);
}

static int
undo(struct kith_repo *repo, bool list, bool force)
{
	struct kith_undo *u = NULL;
	int rc;

	if ((rc = kith_undo_plan(&u, repo)) < 0)
		return rc;
	if (!u->kith && !force)
		rc = kith_error_set(KITH_EINVALID, "the last commit ('%s') is "
			"not one kith made: undo it with git, or use --force",
			u->commit.summary);
	else if (!list && u->ndirty) {
		report_dirty(u);
		rc = 2;
	} else if (list || (rc = kith_undo_apply(u, repo)) == 0) {
		print_plan(u);
	}
	kith_undo_free(u);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list", no_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	bool list = false, force = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'l')
			list = true;
		else if (c == 'f')
			force = true;
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	}
	if (optind != argc)
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0 ||
	    (!list && (rc = kith_repo_lock(repo)) < 0))
		goto out;
	rc = undo(repo, list, force);
	kith_repo_unlock(repo);
	if (rc == 0)
		rc = kith_stdout_close();
out:
	kith_gc_warn(stderr, "kith-undo");
	kith_repo_free(repo);
	if (rc == 2)
		return 2; /* reported */
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	return kith_exit_code(rc);
}
