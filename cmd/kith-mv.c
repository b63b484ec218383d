/*
 * kith-mv - rename a person: people/OLD.md becomes people/NEW.md (a git
 * rename, so history follows), every mention of them in people/ and
 * journal/ is rewritten in the syntax it was written in, and the old slug
 * joins their aliases so that mentions written elsewhere still find them;
 * one commit, "mv: old -> new (N files)". Prints the new path.
 *
 * NEW is a slug ("jane-smith") or a name ("Jane Smith"): a name becomes
 * the display name too, and gives the slug. With --dry-run the changes
 * are printed as a unified diff and nothing is written.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-mv";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith mv [--dry-run] old new\n", f);
	exit(code);
}

/*
 * NEW as a slug and, if it is no slug, a display name. Refuses what
 * looks like a path rather than a name.
 */
static int
parse_new(char **slug, char **name, const char *arg)
{
	size_t n = strlen(arg);

	*slug = *name = NULL;
	if (kith_slug_valid(arg))
		return (*slug = strdup(arg)) ? 0 :
			kith_error_set(KITH_ERROR, "out of memory");
	if (!n || strchr(arg, '/') || arg[0] == '.' || arg[0] == '-' ||
	    (n > 3 && !strcmp(arg + n - 3, ".md")))
		return kith_error_set(KITH_EINVALID, "bad new name '%s': give a "
			"slug (a-z, 0-9, '-') or a name, not a path", arg);
	for (const char *s = arg; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return kith_error_set(KITH_EINVALID, "bad new name '%s': "
				"it has a control character", arg);
	if (!kith_utf8_valid(arg, n))
		return kith_error_set(KITH_EINVALID, "bad new name '%s': give it "
			"as UTF-8", arg);
	if (!(*name = strdup(arg)))
		return kith_error_set(KITH_ERROR, "out of memory");
	return kith_slugify(slug, arg);
}

/* The person OLD names; candidates listed when it names several. */
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
mv(struct kith_repo *repo, const char *old, const char *slug,
	const char *name, bool dry_run)
{
	struct kith_model *m = NULL;
	struct kith_rewrite *rw = NULL;
	struct kith_person *p;
	int rc;

	if ((rc = kith_model_load(&m, repo)) < 0)
		goto out;
	kith_model_warn(stderr, argv0, m, "mentions there are not rewritten");
	if ((rc = find(&p, m, old)) < 0 ||
	    (rc = kith_rewrite_mv(&rw, repo, m, p, slug, name)) < 0)
		goto out;
	if (dry_run)
		rc = print_diff(rw);
	else if ((rc = kith_repo_apply(repo, rw->changes, rw->n,
	    rw->message)) == 0)
		printf("people/%s.md\n", slug);
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
	char *slug = NULL, *name = NULL;
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
	if ((rc = parse_new(&slug, &name, argv[optind + 1])) < 0 ||
	    (rc = kith_repo_open(&repo, NULL)) < 0)
		goto out;
	if (!dry_run && (rc = kith_repo_lock(repo)) < 0)
		goto out;
	rc = mv(repo, argv[optind], slug, name, dry_run);
	if (!dry_run)
		kith_repo_unlock(repo);
	if (rc == 0)
		rc = kith_stdout_close();
out:
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	kith_gc_warn(stderr, "kith-mv");
	kith_repo_free(repo);
	free(slug);
	free(name);
	return kith_exit_code(rc);
}
