/*
 * kith-merge - fold the duplicate DROP into KEEP: DROP's fields that KEEP
 * lacks join KEEP's field list, DROP's notes (dated items and all) are
 * appended to KEEP's file, DROP's slug, aliases and name join KEEP's
 * aliases, every mention of DROP is rewritten to KEEP, and DROP's file is
 * removed; one commit, "merge: drop -> keep (N files)". Prints KEEP's
 * path. With --dry-run the changes are printed as a unified diff and
 * nothing is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-merge";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith merge [--dry-run] keep drop\n", f);
	exit(code);
}

/* The person query names; candidates listed when it names several. */
static int
find(struct kith_person **out, struct kith_model *m, const char *query)
{
	int rc = kith_model_find_person(out, m, query);

	return rc == KITH_ENOTFOUND ? KITH_EINVALID : rc;
}

/* The changes as a unified diff on stdout. */
static int
print_diff(const struct kith_rewrite *rw)
{
	struct kith_buf b = KITH_BUF_INIT;
	int rc = kith_rewrite_diff(&b, rw);

	if (rc == 0 && b.len)
		fwrite(b.ptr, 1, b.len, stdout);
	kith_buf_free(&b);
	return rc;
}

/* Under the lock, from reading the files to the commit. */
static int
merge(struct kith_repo *repo, const char *keep_q, const char *drop_q,
	bool dry_run)
{
	struct kith_model *m = NULL;
	struct kith_rewrite *rw = NULL;
	struct kith_person *keep, *drop;
	int rc;

	if ((rc = kith_model_load(&m, repo)) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, "mentions there are not rewritten");
	if ((rc = find(&keep, m, keep_q)) < 0 ||
	    (rc = find(&drop, m, drop_q)) < 0 ||
	    (rc = kith_rewrite_merge(&rw, repo, m, keep, drop)) < 0)
		goto out;
	if (dry_run)
		rc = print_diff(rw);
	else if ((rc = kith_repo_apply(repo, rw->changes, rw->n,
	    rw->message)) == 0)
		printf("%s\n", keep->path);
out:
	kith_rewrite_free(rw);
	kith_model_free(m);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	bool dry_run = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		if (c == 'n')
			dry_run = true;
		else
			usage(c == 'h' ? stdout : stderr, c == 'h' ? 0 : 2);
	}
	if (optind + 2 != argc)
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		goto out;
	if (!dry_run && (rc = kith_repo_lock(repo)) < 0)
		goto out;
	rc = merge(repo, argv[optind], argv[optind + 1], dry_run);
	if (!dry_run)
		kith_repo_unlock(repo);
	if (rc == 0)
		rc = kith_stdout_close();
out:
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	kith_gc_warn(stderr, "kith-merge");
	kith_repo_free(repo);
	return kith_exit_code(rc);
}
