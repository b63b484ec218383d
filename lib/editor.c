/*
 * editor.c - the user's editor on files of the repository, and the one
 * way `kith edit` and `kith add -e` commit what it changed.
 *
 * The editor is $VISUAL, else $EDITOR, else kith.editor from kith.conf,
 * else vi (an empty value counts as unset). It runs as
 * /bin/sh -c '<editor> "$@"' sh FILE..., as git runs core.editor: the
 * editor string may carry arguments ("code --wait"), and the file names
 * reach it as separate arguments, never through the shell's parser, so a
 * repository path with spaces or quotes is safe. The editor shares kith's
 * standard input, output and error (the terminal); kith ignores SIGINT
 * and SIGQUIT while it waits, as git does, so Ctrl-C reaches only the
 * editor.
 *
 * No lock is held while the editor runs: a user may sit in it for
 * minutes while `kith log` writes from another terminal. The lock is
 * taken to create a missing file, to remove it again, and to commit.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"

#define SHELL_PATH "/bin/sh"

int
kith_editor_command(char **out, struct kith_repo *repo)
{
	static const char *const env[] = { "VISUAL", "EDITOR" };
	int rc;

	*out = NULL;
	for (size_t i = 0; i < sizeof env / sizeof *env; i++) {
		const char *v = getenv(env[i]);
		if (v && *v)
			return (*out = strdup(v)) ? 0 :
				kith_error_set(KITH_ERROR, "out of memory");
	}
	if ((rc = kith_repo_config_string(out, repo, "kith.editor", NULL)) < 0)
		return rc;
	if (*out && **out)
		return 0;
	free(*out);
	return (*out = strdup("vi")) ? 0 :
		kith_error_set(KITH_ERROR, "out of memory");
}

/* ---- checking a path ---- */

/*
 * Every existing component of rel, by lstat: no symlink, directories on
 * the way, a regular file (or nothing) at the end. *exists says which;
 * *missing (if non-NULL) is the length of rel's first missing prefix,
 * or 0 when everything exists.
 */
static int
check_path(const struct kith_repo *repo, const char *rel, bool *exists,
	size_t *missing)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t rootlen = strlen(repo->root) + 1;
	const char *s = rel, *e;
	struct stat st;
	int rc = 0;

	*exists = false;
	if (missing)
		*missing = 0;
	if (*rel == '/')
		return kith_error_set(KITH_EINVALID, "bad path '%s': name a "
			"file inside the repository", rel);
	if ((rc = kith_buf_puts(&b, repo->root)) < 0)
		return rc;
	for (;; s = e + 1) {
		e = strchrnul(s, '/');
		if ((e - s == 2 && !strncmp(s, "..", 2)) || e == s) {
			rc = kith_error_set(KITH_EINVALID, "bad path '%s': name "
				"a file inside the repository", rel);
			break;
		}
		if ((rc = kith_buf_puts(&b, "/")) < 0 ||
		    (rc = kith_buf_put(&b, s, (size_t)(e - s))) < 0)
			break;
		if (lstat(b.ptr, &st) < 0) {
			if (errno != ENOENT)
				rc = kith_error_errno(KITH_ERROR,
					"cannot edit '%s'", rel);
			else if (missing)
				*missing = (size_t)(e - rel);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			rc = kith_error_set(KITH_ERROR, "refusing to edit '%s' "
				"through the symlink '%s': replace it with a real "
				"%s", rel, b.ptr + rootlen, *e ? "directory" : "file");
			break;
		}
		if (*e ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
			errno = *e ? ENOTDIR : S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
			rc = kith_error_errno(KITH_ERROR, "cannot edit '%s'", rel);
			break;
		}
		if (!*e) {
			*exists = true;
			break;
		}
	}
	kith_buf_free(&b);
	return rc;
}

/* ---- running the editor ---- */

/* Why the editor's wait status is a failure, as kith_error's message. */
static int
editor_failed(const char *ed, int status)
{
	if (WIFSIGNALED(status))
		return kith_error_set(KITH_ERROR, "the editor '%s' failed on "
			"signal %d (%s): nothing committed", ed, WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	if (WEXITSTATUS(status) == 126 || WEXITSTATUS(status) == 127)
		return kith_error_set(KITH_ERROR, "the editor '%s' failed with "
			"exit status %d: nothing committed; set VISUAL, EDITOR or "
			"kith.editor to an editor that is installed", ed,
			WEXITSTATUS(status));
	return kith_error_set(KITH_ERROR, "the editor '%s' failed with exit "
		"status %d: nothing committed", ed, WEXITSTATUS(status));
}

/*
 * Spawn argv with SIGINT and SIGQUIT ignored here and at their old
 * dispositions in the child; wait for it. *status is its wait status.
 */
static int
spawn_wait(int *status, char *const *argv, const char *ed)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	posix_spawnattr_t attr;
	sigset_t def;
	pid_t pid;
	int err, rc = 0;

	sigemptyset(&ign.sa_mask);
	sigemptyset(&def);
	if ((err = posix_spawnattr_init(&attr)) != 0) {
		errno = err;
		return kith_error_errno(KITH_ERROR, "cannot start the editor");
	}
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	if (oint.sa_handler != SIG_IGN)
		sigaddset(&def, SIGINT);
	if (oquit.sa_handler != SIG_IGN)
		sigaddset(&def, SIGQUIT);
	err = posix_spawnattr_setsigdefault(&attr, &def);
	if (!err)
		err = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
	if (!err)
		err = posix_spawn(&pid, SHELL_PATH, NULL, &attr, argv, environ);
	if (err) {
		errno = err;
		rc = kith_error_errno(KITH_ERROR, "cannot start the editor '%s' "
			"with %s", ed, SHELL_PATH);
	}
	while (!err && waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			rc = kith_error_errno(KITH_ERROR, "cannot wait for the "
				"editor '%s'", ed);
			break;
		}
	}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	posix_spawnattr_destroy(&attr);
	return rc;
}

int
kith_editor_run(struct kith_repo *repo, const char *const *paths, size_t n)
{
	struct kith_buf script = KITH_BUF_INIT, abs = KITH_BUF_INIT;
	char **argv = calloc(n + 5, sizeof *argv), *ed = NULL;
	bool exists;
	int rc = 0, status = 0;

	if (!argv)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = check_path(repo, paths[i], &exists, NULL);
	if (rc < 0 || (rc = kith_editor_command(&ed, repo)) < 0 ||
	    (rc = kith_buf_printf(&script, "%s \"$@\"", ed)) < 0)
		goto out;
	argv[0] = "sh";
	argv[1] = "-c";
	argv[2] = script.ptr;
	argv[3] = "sh";
	for (size_t i = 0; i < n; i++) {
		if ((rc = kith_repo_path(&abs, repo, paths[i])) < 0)
			goto out;
		argv[4 + i] = abs.ptr;
		abs = (struct kith_buf)KITH_BUF_INIT;
	}
	/* what the caller printed comes before the editor's screen; a
	 * failed flush stays in ferror for the caller's kith_stdout_close */
	fflush(stdout);
	fflush(stderr);
	if ((rc = spawn_wait(&status, argv, ed)) < 0)
		goto out;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		rc = editor_failed(ed, status);
out:
	for (size_t i = 0; i < n; i++)
		free(argv[4 + i]);
	free(argv);
	free(ed);
	kith_buf_free(&script);
	kith_buf_free(&abs);
	return rc;
}

/* ---- editing one file and committing it ---- */

/* The file's bytes, or *out NULL when it does not exist. */
static int
read_file(char **out, size_t *len, struct kith_repo *repo, const char *rel)
{
	struct kith_buf abs = KITH_BUF_INIT;
	int rc;

	*len = 0;
	if ((rc = kith_repo_path(&abs, repo, rel)) == 0 &&
	    (rc = kith_file_read(out, len, abs.ptr)) == KITH_ENOTFOUND)
		rc = 0;
	kith_buf_free(&abs);
	return rc;
}

static bool
same(const char *a, size_t alen, const char *b, size_t blen)
{
	return a && b && alen == blen && memcmp(a, b, alen) == 0;
}

/* The file's text before the editor. */
struct before {
	char *text;
	size_t len;
	bool created;   /* kith wrote it from initial */
	size_t missing; /* length of rel's first prefix that was missing */
};

/*
 * The file's text, or, when it does not exist and initial is given,
 * initial written to it (no commit). An existing file is read without
 * the lock; a missing one is checked again and created under it, so a
 * concurrent `kith log` creating the same day is never overwritten.
 */
static int
open_file(struct before *b, struct kith_repo *repo, const char *rel,
	const char *initial)
{
	struct kith_change c = { rel, initial, initial ? strlen(initial) : 0,
		NULL };
	bool exists, locked = false;
	int rc;

	if ((rc = check_path(repo, rel, &exists, &b->missing)) < 0)
		return rc;
	if (!exists && initial) {
		if ((rc = kith_repo_lock(repo)) < 0)
			return rc;
		locked = true;
		if ((rc = check_path(repo, rel, &exists, &b->missing)) < 0)
			goto out;
	}
	if (exists) {
		rc = read_file(&b->text, &b->len, repo, rel);
		goto out;
	}
	if (!initial) {
		errno = ENOENT;
		rc = kith_error_errno(KITH_ENOTFOUND, "cannot edit '%s'", rel);
		goto out;
	}
	if ((rc = kith_repo_apply_ext(repo, &c, 1, NULL,
	    KITH_APPLY_NOCOMMIT)) < 0)
		goto out;
	if (!(b->text = kith_strndup(initial, c.len))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	b->len = c.len;
	b->created = true;
out:
	if (locked)
		kith_repo_unlock(repo);
	return rc;
}

/*
 * Under the lock: remove the file kith created if it still holds just
 * initial (a concurrent `kith log` may have written to it meanwhile),
 * then the directories made for it (rel's prefixes at least missing
 * bytes long), when they are empty.
 */
static int
discard(struct kith_repo *repo, const char *rel, const char *initial,
	size_t missing)
{
	struct kith_change c = { rel, NULL, 0, NULL };
	struct kith_buf dir = KITH_BUF_INIT, abs = KITH_BUF_INIT;
	char *now = NULL;
	size_t len, end = strlen(rel);
	int rc;

	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	if ((rc = read_file(&now, &len, repo, rel)) < 0 ||
	    !same(now, len, initial, strlen(initial)) ||
	    (rc = kith_repo_apply_ext(repo, &c, 1, NULL,
	    KITH_APPLY_NOCOMMIT)) < 0)
		goto out;
	while (missing > 0) {
		while (end > 0 && rel[end - 1] != '/')
			end--;
		if (end == 0 || --end < missing)
			break;
		kith_buf_clear(&dir);
		if (kith_buf_put(&dir, rel, end) < 0 ||
		    kith_repo_path(&abs, repo, kith_buf_cstr(&dir)) < 0)
			break;
		rmdir(abs.ptr); /* best effort: fails when not empty */
	}
out:
	kith_repo_unlock(repo);
	free(now);
	kith_buf_free(&dir);
	kith_buf_free(&abs);
	return rc;
}

/* The commit HEAD names, or zeros when the branch is unborn. */
static int
head_id(git_oid *out, struct kith_repo *repo)
{
	int err = git_reference_name_to_id(out, repo->git, "HEAD");

	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH) {
		memset(out, 0, sizeof *out);
		return 0;
	}
	return err < 0 ? kith_error_git(KITH_ERROR, "cannot read HEAD") : 0;
}

/*
 * Commit the file as the editor left it, when it differs from HEAD's
 * (so edits a failed editor or a timed-out lock left behind are
 * committed by the next run); whether a commit was made.
 */
static int
commit_file(enum kith_edit_result *out, struct kith_repo *repo,
	const char *path, const char *message, bool changed)
{
	git_oid old, new;
	bool exists, commit;
	int rc;

	if ((rc = check_path(repo, path, &exists, NULL)) < 0 ||
	    (rc = kith_repo_config_bool(&commit, repo, "kith.autocommit",
	    true)) < 0)
		return rc;
	if (!commit) {
		*out = changed ? KITH_EDIT_CHANGED : KITH_EDIT_UNCHANGED;
		return 0;
	}
	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	if (!(rc = head_id(&old, repo)) &&
	    !(rc = kith_repo_commit(repo, &path, 1, message)) &&
	    !(rc = head_id(&new, repo)))
		*out = git_oid_equal(&old, &new) ? KITH_EDIT_UNCHANGED :
			KITH_EDIT_COMMITTED;
	kith_repo_unlock(repo);
	return rc;
}

int
kith_editor_edit(enum kith_edit_result *out, struct kith_repo *repo,
	const char *path, const char *initial, const char *message)
{
	struct before b = { NULL, 0, false, 0 };
	char *after = NULL;
	size_t alen = 0;
	int rc, run;

	*out = KITH_EDIT_UNCHANGED;
	if (!message || !*message)
		return kith_error_set(KITH_EINVALID,
			"empty commit message: say what changed");
	if ((rc = open_file(&b, repo, path, initial)) < 0)
		return rc;
	run = kith_editor_run(repo, &path, 1);
	if ((rc = read_file(&after, &alen, repo, path)) < 0)
		goto out;
	if (b.created && (!after || same(after, alen, b.text, b.len))) {
		/* nothing of the user's in it: leave nothing behind */
		if (!after || (rc = discard(repo, path, initial, b.missing)) == 0)
			rc = run;
		*out = KITH_EDIT_DISCARDED;
		goto out;
	}
	if ((rc = run) < 0)
		goto out;
	if (!after)
		rc = kith_error_set(KITH_ERROR, "'%s' is gone after the editor: "
			"nothing committed; restore it with 'git checkout -- %s'",
			path, path);
	else
		rc = commit_file(out, repo, path, message,
			!same(after, alen, b.text, b.len));
out:
	free(b.text);
	free(after);
	return rc;
}
