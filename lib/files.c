/*
 * files.c - the files of a repository that kith reads: the .md files in
 * people/ and in journal/YYYY/, the same set the model loader parses, for
 * commands that look at the text itself (kith grep) rather than at the
 * model.
 *
 * Regular files only: symlinks, hidden names and anything not ending in
 * ".md" are left out, as are year directories that are not four digits.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
ends_md(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, ".md");
}

static bool
is_year(const char *s)
{
	return strlen(s) == 4 && strspn(s, "0123456789") == 4;
}

/* Push "rel/name" for each entry of rel that passes: .md files or years. */
static int
scan(struct kith_ptrvec *out, struct kith_repo *repo, const char *rel,
	bool years)
{
	struct kith_buf abs = KITH_BUF_INIT, path = KITH_BUF_INIT;
	struct dirent *de;
	DIR *d = NULL;
	int rc;

	if ((rc = kith_repo_path(&abs, repo, rel)) < 0)
		goto out;
	if (!(d = opendir(abs.ptr))) {
		rc = errno == ENOENT || errno == ENOTDIR ? 0 : kith_error_errno(
			KITH_ERROR, "cannot read directory '%s'", rel);
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (de->d_name[0] == '.' ||
		    !(years ? is_year(de->d_name) : ends_md(de->d_name)))
			continue;
		kith_buf_clear(&path);
		if ((rc = kith_buf_printf(&path, "%s/%s", abs.ptr, de->d_name)) < 0)
			goto out;
		if (lstat(path.ptr, &st) < 0 ||
		    !(years ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
			continue;
		kith_buf_clear(&path);
		if ((rc = kith_buf_printf(&path, "%s/%s", rel, de->d_name)) < 0)
			goto out;
		if (!(p = strdup(path.ptr)) || kith_ptrvec_push(out, p) < 0) {
			free(p);
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	if (d)
		closedir(d);
	kith_buf_free(&abs);
	kith_buf_free(&path);
	return rc;
}

void
kith_repo_files_free(char **files)
{
	if (!files)
		return;
	for (char **f = files; *f; f++)
		free(*f);
	free(files);
}

int
kith_repo_files(char ***out, size_t *n, struct kith_repo *repo)
{
	struct kith_ptrvec files = { 0 }, years = { 0 };
	int rc;

	*out = NULL;
	if (n)
		*n = 0;
	if ((rc = scan(&files, repo, "people", false)) < 0 ||
	    (rc = scan(&years, repo, "journal", true)) < 0)
		goto out;
	for (size_t i = 0; i < years.n; i++)
		if ((rc = scan(&files, repo, years.v[i], false)) < 0)
			goto out;
	/* NULL-terminate: push one more, the terminator. */
	if ((rc = kith_ptrvec_push(&files, NULL)) < 0)
		goto out;
	kith_sort(files.v, files.n - 1, sizeof *files.v, cmp_str);
	*out = (char **)files.v;
	if (n)
		*n = files.n - 1;
	files.v = NULL;
	files.n = 0;
out:
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	kith_ptrvec_free(&files);
	for (size_t i = 0; i < years.n; i++)
		free(years.v[i]);
	kith_ptrvec_free(&years);
	return rc;
}
