/*
 * git.c - libgit2 set-up, and kith's commits: exactly the given paths as
 * they are in the work tree, on top of HEAD, whatever else the user has
 * staged or edited by hand.
 *
 * The new tree is HEAD's tree with just those paths updated (never the
 * index's, so nothing staged elsewhere slips in); afterwards the
 * repository's own index gets the same entries for just those paths, so
 * `git status` stays clean.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"

/* Keep libgit2's last error as ours: "what: libgit2's message". */
int
kith_error_git(int code, const char *what)
{
	const git_error *e = git_error_last();

	return kith_error_set(code, "%s: %s", what,
		e && e->message ? e->message : "unknown git error");
}

static void
shutdown_git(void)
{
	git_libgit2_shutdown();
}

void
kith_git_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	/* https and ssh set-up cost 5-9 ms; only kith sync needs them */
	kith_netinit_defer(true);
	git_libgit2_init();
	kith_netinit_defer(false);
	/* re-checking every tree entry costs 40 ms per people commit */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	/* as git does (libgit2 ignores it): no /etc/gitconfig */
	const char *v = getenv("GIT_CONFIG_NOSYSTEM");
	if (v && *v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0)
		git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH,
			GIT_CONFIG_LEVEL_SYSTEM, "");
	atexit(shutdown_git);
}

/* ---- identity ---- */

/*
 * One part of an identity, first found wins: $GIT_<WHO>_<PART>, user.<part>
 * in git's configuration, user.<part> in kith.conf, def.
 */
static int
ident_part(char **out, struct kith_repo *repo, git_config *gitcfg,
	const char *who, const char *part, const char *def)
{
	char env[32], key[16];
	const char *v;
	int rc;

	snprintf(env, sizeof env, "GIT_%s_%s", who, part);
	snprintf(key, sizeof key, "user.%s", part);
	for (char *k = key; *k; k++)
		*k = (char)(*k >= 'A' && *k <= 'Z' ? *k - 'A' + 'a' : *k);
	if (!((v = getenv(env)) && *v) &&
	    !(gitcfg && git_config_get_string(&v, gitcfg, key) == 0 && *v)) {
		if ((rc = kith_repo_config_string(out, repo, key, NULL)) < 0)
			return rc;
		if (*out && **out)
			return 0;
		free(*out);
		v = def;
	}
	*out = strdup(v);
	return *out ? 0 : kith_error_set(KITH_ERROR, "out of memory");
}

/* who: "AUTHOR" or "COMMITTER". */
static int
signature(git_signature **out, struct kith_repo *repo, git_config *gitcfg,
	const char *who)
{
	char *name = NULL, *email = NULL;
	int rc;

	if ((rc = ident_part(&name, repo, gitcfg, who, "NAME", "kith")) < 0 ||
	    (rc = ident_part(&email, repo, gitcfg, who, "EMAIL",
	    "kith@localhost")) < 0)
		goto out;
	if (git_signature_now(out, name, email) < 0)
		rc = kith_error_git(KITH_ERROR, "bad commit identity");
out:
	free(name);
	free(email);
	return rc;
}

int
kith_git_signatures(git_signature **author, git_signature **committer,
	struct kith_repo *repo)
{
	git_config *gitcfg = NULL;
	int rc;

	*author = *committer = NULL;
	if (git_repository_config_snapshot(&gitcfg, repo->git) < 0)
		gitcfg = NULL;
	if ((rc = signature(author, repo, gitcfg, "AUTHOR")) < 0 ||
	    (rc = signature(committer, repo, gitcfg, "COMMITTER")) < 0) {
		git_signature_free(*author);
		*author = NULL;
	}
	git_config_free(gitcfg);
	return rc;
}

/* ---- the commit ---- */

/* One path as it is in the work tree. */
struct wt_entry {
	git_index_entry e;
	bool present;
};

/* The commit HEAD points to, or NULL when its branch is unborn. */
static int
head_commit(git_commit **out, git_repository *git)
{
	git_oid oid;
	int err = git_reference_name_to_id(&oid, git, "HEAD");

	*out = NULL;
	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH)
		return 0;
	if (err < 0 || git_commit_lookup(out, git, &oid) < 0)
		return kith_error_git(KITH_ERROR, "cannot read HEAD");
	return 0;
}

static void
set_time(git_index_time *t, const struct timespec *ts)
{
	t->seconds = (int32_t)ts->tv_sec;
	t->nanoseconds = (uint32_t)ts->tv_nsec;
}

/* Stat path in the work tree and write its blob. */
static int
read_worktree(struct wt_entry *w, struct kith_repo *repo, const char *path)
{
	struct kith_buf abs = KITH_BUF_INIT;
	struct stat st;
	int rc = 0;

	memset(w, 0, sizeof *w);
	w->e.path = path;
	if ((rc = kith_repo_path(&abs, repo, path)) < 0)
		return rc;
	if (lstat(abs.ptr, &st) < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			rc = kith_error_errno(KITH_ERROR, "cannot commit '%s'", path);
		goto out;
	}
	if (S_ISREG(st.st_mode))
		w->e.mode = st.st_mode & S_IXUSR ? GIT_FILEMODE_BLOB_EXECUTABLE :
			GIT_FILEMODE_BLOB;
	else if (S_ISLNK(st.st_mode))
		w->e.mode = GIT_FILEMODE_LINK;
	else {
		rc = kith_error_set(KITH_ERROR, "cannot commit '%s': it is not "
			"a file", path);
		goto out;
	}
	set_time(&w->e.ctime, &st.st_ctim);
	set_time(&w->e.mtime, &st.st_mtim);
	w->e.dev = (uint32_t)st.st_dev;
	w->e.ino = (uint32_t)st.st_ino;
	w->e.uid = st.st_uid;
	w->e.gid = st.st_gid;
	w->e.file_size = (uint32_t)st.st_size;
	if (git_blob_create_from_workdir(&w->e.id, repo->git, path) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot commit a file");
	else
		w->present = true;
out:
	kith_buf_free(&abs);
	return rc;
}

/* Put the work tree's version of each path into idx (conflicts resolved). */
static int
stage(git_index *idx, const struct wt_entry *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *path = w[i].e.path;
		int err = git_index_conflict_remove(idx, path);

		if (err == 0 || err == GIT_ENOTFOUND)
			err = w[i].present ? git_index_add(idx, &w[i].e) :
				git_index_remove_bypath(idx, path);
		if (err < 0)
			return kith_error_git(KITH_ERROR, "cannot update the index");
	}
	return 0;
}

/* The repository's own index, updated for just these paths. */
static int
update_index(struct kith_repo *repo, const struct wt_entry *w, size_t n)
{
	git_index *idx = NULL;
	int rc = 0;

	if (git_repository_index(&idx, repo->git) < 0 ||
	    git_index_read(idx, 0) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot read the index");
	else if (!(rc = stage(idx, w, n)) && git_index_write(idx) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot write the index");
	git_index_free(idx);
	return rc;
}

static bool
seen(const struct wt_entry *w, size_t i)
{
	for (size_t j = 0; j < i; j++)
		if (strcmp(w[j].e.path, w[i].e.path) == 0)
			return true;
	return false;
}

/* Whether path is in tree (NULL: the empty tree of an unborn branch). */
static bool
in_tree(git_tree *tree, const char *path)
{
	git_tree_entry *te = NULL;

	if (!tree || git_tree_entry_bypath(&te, tree, path) < 0)
		return false;
	git_tree_entry_free(te);
	return true;
}

/*
 * HEAD's tree with the paths as in w, rewriting only the trees on their
 * way (4 ms at 12,300 files, where a whole index costs 20); *same when
 * nothing changed.
 */
static int
build_tree(git_oid *out, bool *same, struct kith_repo *repo,
	git_commit *head, const struct wt_entry *w, size_t n)
{
	git_tree_update *u = calloc(n ? n : 1, sizeof *u);
	git_tree *tree = NULL;
	size_t nu = 0;
	int rc = 0;

	if (!u)
		return kith_error_set(KITH_ERROR, "out of memory");
	if (head && git_commit_tree(&tree, head) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read HEAD's tree");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (seen(w, i))
			continue;
		if (w[i].present)
			u[nu++] = (git_tree_update){ .action = GIT_TREE_UPDATE_UPSERT,
				.id = w[i].e.id, .filemode = w[i].e.mode,
				.path = w[i].e.path };
		else if (in_tree(tree, w[i].e.path))
			u[nu++] = (git_tree_update){ .action = GIT_TREE_UPDATE_REMOVE,
				.path = w[i].e.path };
	}
	if (git_tree_create_updated(out, repo->git, tree, nu, u) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot write a tree");
		goto out;
	}
	*same = tree ? git_oid_equal(out, git_tree_id(tree)) : nu == 0;
out:
	git_tree_free(tree);
	free(u);
	return rc;
}

static int
create_commit(struct kith_repo *repo, git_commit *head, const git_oid *tree_id,
	const char *message)
{
	git_signature *author = NULL, *committer = NULL;
	git_config *gitcfg = NULL;
	struct kith_buf msg = KITH_BUF_INIT;
	const git_commit *parents[1] = { head };
	git_tree *tree = NULL;
	git_oid id;
	int rc;

	if (git_repository_config_snapshot(&gitcfg, repo->git) < 0)
		gitcfg = NULL;
	if ((rc = signature(&author, repo, gitcfg, "AUTHOR")) < 0 ||
	    (rc = signature(&committer, repo, gitcfg, "COMMITTER")) < 0)
		goto out;
	size_t len = strlen(message);
	if ((rc = kith_buf_puts(&msg, message)) < 0 ||
	    (!(len && message[len - 1] == '\n') &&
	    (rc = kith_buf_puts(&msg, "\n")) < 0))
		goto out;
	if (git_tree_lookup(&tree, repo->git, tree_id) < 0 ||
	    git_commit_create(&id, repo->git, "HEAD", author, committer, NULL,
	    msg.ptr, tree, head ? 1 : 0, parents) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot commit");
out:
	git_tree_free(tree);
	git_signature_free(author);
	git_signature_free(committer);
	git_config_free(gitcfg);
	kith_buf_free(&msg);
	return rc;
}

static int
commit_locked(struct kith_repo *repo, const char *const *paths, size_t n,
	const char *message)
{
	struct wt_entry *w = calloc(n ? n : 1, sizeof *w);
	git_commit *head = NULL;
	git_oid tree_id;
	bool same = false;
	int rc = 0;

	if (!w)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < n && !rc; i++)
		rc = read_worktree(&w[i], repo, paths[i]);
	if (rc < 0 || (rc = head_commit(&head, repo->git)) < 0 ||
	    (rc = build_tree(&tree_id, &same, repo, head, w, n)) < 0 || same)
		goto out;
	if ((rc = create_commit(repo, head, &tree_id, message)) < 0)
		goto out;
	rc = update_index(repo, w, n);
out:
	git_commit_free(head);
	free(w);
	return rc;
}

int
kith_repo_commit(struct kith_repo *repo, const char *const *paths, size_t n,
	const char *message)
{
	int rc;

	if (!message || !*message)
		return kith_error_set(KITH_EINVALID,
			"empty commit message: say what changed");
	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	rc = commit_locked(repo, paths, n, message);
	if (rc == 0)
		kith_gc_auto(repo); /* a failure is a warning: the commit is made */
	kith_repo_unlock(repo);
	return rc;
}
