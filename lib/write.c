/*
 * write.c - the one write path: the repository lock (.kith/lock), then
 * all-or-nothing file changes (every temporary file written and synced
 * before the first rename), then a commit of exactly the touched paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define LOCK_DIR ".kith"
#define LOCK_PATH ".kith/lock"

/* ---- the lock ---- */

/* $KITH_LOCK_TIMEOUT in seconds; 10 when unset or not a number. */
static double
lock_timeout(void)
{
	const char *s = getenv("KITH_LOCK_TIMEOUT");
	char *end;
	double t;

	if (!s || !*s)
		return 10;
	errno = 0;
	t = strtod(s, &end);
	if (errno || *end || !(t >= 0 && t <= 1e6))
		return 10;
	return t;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
open_lock(int *fd, const struct kith_repo *repo)
{
	struct kith_buf path = KITH_BUF_INIT;
	struct stat st;
	int rc;

	if ((rc = kith_repo_path(&path, repo, LOCK_DIR)) < 0)
		return rc;
	if (mkdir(path.ptr, 0700) < 0 && errno != EEXIST)
		rc = kith_error_errno(KITH_ERROR, "cannot create '%s'", LOCK_DIR);
	else if (lstat(path.ptr, &st) < 0)
		rc = kith_error_errno(KITH_ERROR, "cannot open '%s'", LOCK_DIR);
	else if (!S_ISDIR(st.st_mode))
		rc = kith_error_set(KITH_ERROR, "'%s' is not a directory: remove "
			"it, kith keeps its lock and cache there", LOCK_DIR);
	else if (!(rc = kith_repo_path(&path, repo, LOCK_PATH)) &&
	    (*fd = open(path.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    0600)) < 0)
		rc = kith_error_errno(KITH_ERROR, "cannot open '%s'", LOCK_PATH);
	kith_buf_free(&path);
	return rc;
}

int
kith_repo_lock(struct kith_repo *repo)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	double deadline;
	int fd = -1, rc;

	if (repo->lock_depth > 0) {
		repo->lock_depth++;
		return 0;
	}
	if ((rc = open_lock(&fd, repo)) < 0)
		return rc;
	deadline = now() + lock_timeout();
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK)
			rc = kith_error_errno(KITH_ERROR, "cannot lock '%s'",
				LOCK_PATH);
		else if (now() >= deadline)
			rc = kith_error_set(KITH_ELOCKED, "repository is locked "
				"by another kith process ('%s'): try again in a "
				"moment", LOCK_PATH);
		if (rc < 0) {
			close(fd);
			return rc;
		}
		nanosleep(&pause, NULL);
	}
	repo->lock_fd = fd;
	repo->lock_depth = 1;
	return 0;
}

void
kith_repo_unlock(struct kith_repo *repo)
{
	if (repo->lock_depth <= 0 || --repo->lock_depth > 0)
		return;
	close(repo->lock_fd);
	repo->lock_fd = -1;
}

/* ---- checking paths ---- */

static bool
allowed_dotfile(const char *rel, unsigned flags)
{
	return (flags & KITH_APPLY_DOTFILES) &&
		(strcmp(rel, ".gitattributes") == 0 ||
		strcmp(rel, ".gitignore") == 0);
}

/* With KITH_APPLY_ANYPATH, a hidden component other than .git or .kith. */
static bool
allowed_hidden(const char *s, const char *e, unsigned flags)
{
	size_t n = (size_t)(e - s);

	return (flags & KITH_APPLY_ANYPATH) &&
		!(n == 4 && strncmp(s, ".git", 4) == 0) &&
		!(n == 5 && strncmp(s, ".kith", 5) == 0);
}

/* A plain relative path: no "..", no leading "/", no hidden component. */
static int
check_syntax(const char *rel, unsigned flags)
{
	const char *s, *e;

	if (!rel || !*rel)
		return kith_error_set(KITH_EINVALID,
			"empty path: name a file inside the repository");
	if (rel[0] == '/')
		return kith_error_set(KITH_EINVALID, "'%s' is an absolute path: "
			"name a file relative to the repository's top", rel);
	for (s = rel; ; s = e + 1) {
		e = strchrnul(s, '/');
		if (e == s)
			return kith_error_set(KITH_EINVALID, "bad path '%s': "
				"remove the empty component", rel);
		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return kith_error_set(KITH_EINVALID, "'%s' is outside the "
				"repository: name a file inside it", rel);
		if (*s == '.' && !allowed_dotfile(rel, flags) &&
		    !allowed_hidden(s, e, flags))
			return kith_error_set(KITH_EINVALID, "refusing to write "
				"'%s': kith writes no hidden files", rel);
		if (!*e)
			return 0;
	}
}

/*
 * Check every existing component of rel with lstat: no symlinks, only
 * directories on the way, a regular file (or nothing) at the end.
 */
static int
check_fs(const struct kith_repo *repo, const char *rel, bool *exists,
	mode_t *mode)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t rootlen = strlen(repo->root) + 1;
	const char *s = rel, *e;
	struct stat st;
	int rc;

	*exists = false;
	if ((rc = kith_buf_puts(&b, repo->root)) < 0)
		return rc;
	for (;; s = e + 1) {
		e = strchrnul(s, '/');
		if ((rc = kith_buf_puts(&b, "/")) < 0 ||
		    (rc = kith_buf_put(&b, s, (size_t)(e - s))) < 0)
			break;
		if (lstat(b.ptr, &st) < 0) {
			if (errno != ENOENT)
				rc = kith_error_errno(KITH_ERROR,
					"cannot write '%s'", rel);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			rc = kith_error_set(KITH_ERROR, "refusing to write '%s' "
				"through the symlink '%s': replace it with a real "
				"%s", rel, b.ptr + rootlen, *e ? "directory" : "file");
			break;
		}
		if (*e && !S_ISDIR(st.st_mode)) {
			errno = ENOTDIR;
			rc = kith_error_errno(KITH_ERROR, "cannot write '%s'", rel);
			break;
		}
		if (!*e) {
			if (S_ISREG(st.st_mode)) {
				*exists = true;
				*mode = st.st_mode & 07777;
			} else {
				errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
				rc = kith_error_errno(KITH_ERROR,
					"cannot write '%s'", rel);
			}
			break;
		}
	}
	kith_buf_free(&b);
	return rc;
}

/* ---- the plan: one op per change ---- */

struct op {
	const struct kith_change *c;
	char *abs, *from_abs;	/* absolute paths */
	char *tmp;		/* the temporary file, until renamed */
	bool exists, from_exists;
	mode_t mode;
};

struct plan {
	struct kith_repo *repo;
	struct op *ops;
	size_t n;
	struct kith_ptrvec made;	/* directories created, in order */
	struct kith_ptrvec dirs;	/* directories to fsync */
};

/* Remove leftover temporary files; after a failed prepare, also the
 * directories it made (newest first); free everything. */
static void
plan_free(struct plan *p, bool undo)
{
	for (size_t i = 0; i < p->n; i++) {
		if (p->ops[i].tmp)
			unlink(p->ops[i].tmp);
		free(p->ops[i].tmp);
		free(p->ops[i].abs);
		free(p->ops[i].from_abs);
	}
	free(p->ops);
	for (size_t i = p->made.n; i-- > 0; ) {
		if (undo)
			rmdir(p->made.v[i]);
		free(p->made.v[i]);
	}
	for (size_t i = 0; i < p->dirs.n; i++)
		free(p->dirs.v[i]);
	kith_ptrvec_free(&p->made);
	kith_ptrvec_free(&p->dirs);
}

static char *
abs_path(const struct kith_repo *repo, const char *rel)
{
	struct kith_buf b = KITH_BUF_INIT;

	return kith_repo_path(&b, repo, rel) < 0 ? NULL : b.ptr;
}

static int
plan_op(struct plan *p, struct op *o, const struct kith_change *c,
	unsigned flags)
{
	int rc;

	o->c = c;
	if ((rc = check_syntax(c->path, flags)) < 0 ||
	    (rc = check_fs(p->repo, c->path, &o->exists, &o->mode)) < 0)
		return rc;
	if (!(o->abs = abs_path(p->repo, c->path)))
		return KITH_ERROR;
	if (!c->from || strcmp(c->from, c->path) == 0)
		return 0;
	mode_t mode;
	if ((rc = check_syntax(c->from, flags)) < 0 ||
	    (rc = check_fs(p->repo, c->from, &o->from_exists, &mode)) < 0)
		return rc;
	if (!(o->from_abs = abs_path(p->repo, c->from)))
		return KITH_ERROR;
	if (c->data)
		return 0;
	if (!o->from_exists) {
		errno = ENOENT;
		return kith_error_errno(KITH_ERROR, "cannot rename '%s'", c->from);
	}
	if (o->exists)
		return kith_error_set(KITH_EEXISTS, "cannot rename '%s' to '%s': "
			"'%s' already exists", c->from, c->path, c->path);
	return 0;
}

/* Remember a directory to fsync once (the parent of path, or path). */
static int
plan_dir(struct plan *p, const char *path, bool parent)
{
	size_t len = strlen(path);
	char *d;

	if (parent)
		len = (size_t)(strrchr(path, '/') - path);
	for (size_t i = 0; i < p->dirs.n; i++)
		if (strlen(p->dirs.v[i]) == len && !strncmp(p->dirs.v[i], path, len))
			return 0;
	if (!(d = kith_strndup(path, len)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if (kith_ptrvec_push(&p->dirs, d) < 0) {
		free(d);
		return KITH_ERROR;
	}
	return 0;
}

/* Create the missing parent directories of abs (0700). */
static int
make_parents(struct plan *p, const char *abs, const char *rel)
{
	size_t rootlen = strlen(p->repo->root);
	char *d = strdup(abs), *s;
	int rc = 0;

	if (!d)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (s = strchr(d + rootlen + 1, '/'); s && !rc; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(d, 0700) == 0) {
			char *m = strdup(d);
			if (!m || kith_ptrvec_push(&p->made, m) < 0) {
				free(m);
				rc = kith_error_set(KITH_ERROR, "out of memory");
			} else {
				rc = plan_dir(p, d, true);
			}
		} else if (errno != EEXIST) {
			rc = kith_error_errno(KITH_ERROR, "cannot create the "
				"directory of '%s'", rel);
		}
		*s = '/';
	}
	free(d);
	return rc;
}

int
kith_write_all(int fd, const void *buf, size_t len)
{
	const char *data = buf;

	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/* The change's data into a synced temporary file next to its target. */
static int
write_temp(struct op *o)
{
	const char *slash = strrchr(o->abs, '/'), *rel = o->c->path;
	struct kith_buf b = KITH_BUF_INIT;
	int fd;

	if (kith_buf_printf(&b, "%.*s/.%s.XXXXXX", (int)(slash - o->abs),
	    o->abs, slash + 1) < 0)
		return KITH_ERROR;
	if ((fd = mkostemp(b.ptr, O_CLOEXEC)) < 0) {
		kith_buf_free(&b);
		return kith_error_errno(KITH_ERROR, "cannot create a temporary "
			"file for '%s'", rel);
	}
	o->tmp = b.ptr;
	if (fchmod(fd, o->exists ? o->mode : 0600) < 0 ||
	    kith_write_all(fd, o->c->data, o->c->len) < 0 || fsync(fd) < 0) {
		int err = errno;
		close(fd);
		errno = err;
		return kith_error_errno(KITH_ERROR, "cannot write '%s'", rel);
	}
	if (close(fd) < 0)
		return kith_error_errno(KITH_ERROR, "cannot write '%s'", rel);
	return 0;
}

/* Everything that can fail before the first rename. */
static int
prepare(struct plan *p, const struct kith_change *changes, size_t n,
	unsigned flags)
{
	int rc;

	if (!(p->ops = calloc(n ? n : 1, sizeof *p->ops)))
		return kith_error_set(KITH_ERROR, "out of memory");
	p->n = n;
	for (size_t i = 0; i < n; i++)
		if ((rc = plan_op(p, &p->ops[i], &changes[i], flags)) < 0)
			return rc;
	for (size_t i = 0; i < n; i++) {
		struct op *o = &p->ops[i];
		if (!o->c->data && !o->from_abs)
			continue;
		if ((rc = make_parents(p, o->abs, o->c->path)) < 0)
			return rc;
		if (o->c->data && (rc = write_temp(o)) < 0)
			return rc;
	}
	return 0;
}

static int
remove_file(const char *abs, const char *rel)
{
	if (unlink(abs) < 0 && errno != ENOENT)
		return kith_error_errno(KITH_ERROR, "cannot remove '%s'", rel);
	return 0;
}

/* Renames and removals: one op into place. */
static int
commit_op(struct plan *p, struct op *o)
{
	const struct kith_change *c = o->c;
	int rc;

	if (c->data) {
		if (rename(o->tmp, o->abs) < 0)
			return kith_error_errno(KITH_ERROR, "cannot write '%s'",
				c->path);
		free(o->tmp);
		o->tmp = NULL;
		if (o->from_abs && (rc = remove_file(o->from_abs, c->from)) < 0)
			return rc;
	} else if (o->from_abs) {
		if (rename(o->from_abs, o->abs) < 0)
			return kith_error_errno(KITH_ERROR, "cannot rename '%s' to "
				"'%s'", c->from, c->path);
	} else if ((rc = remove_file(o->abs, c->path)) < 0) {
		return rc;
	}
	if (o->from_abs && (rc = plan_dir(p, o->from_abs, true)) < 0)
		return rc;
	return plan_dir(p, o->abs, true);
}

static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		int err = errno;
		if (fd >= 0)
			close(fd);
		errno = err;
		return kith_error_errno(KITH_ERROR, "cannot sync '%s'", dir);
	}
	close(fd);
	return 0;
}

static int
finish(struct plan *p)
{
	int rc;

	for (size_t i = 0; i < p->n; i++)
		if ((rc = commit_op(p, &p->ops[i])) < 0)
			return rc;
	for (size_t i = 0; i < p->dirs.n; i++)
		if ((rc = sync_dir(p->dirs.v[i])) < 0)
			return rc;
	return 0;
}

/* The paths the changes touch, for the commit. */
static int
touched(const char ***out, size_t *n, const struct kith_change *changes,
	size_t nch)
{
	const char **v = calloc(2 * nch + 1, sizeof *v);

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	*n = 0;
	for (size_t i = 0; i < nch; i++) {
		v[(*n)++] = changes[i].path;
		if (changes[i].from && strcmp(changes[i].from, changes[i].path))
			v[(*n)++] = changes[i].from;
	}
	*out = v;
	return 0;
}

static int
apply_locked(struct kith_repo *repo, const struct kith_change *changes,
	size_t n, const char *message, unsigned flags)
{
	struct plan p = { .repo = repo };
	const char **paths = NULL;
	size_t npaths = 0;
	bool commit = true;
	int rc;

	if (flags & KITH_APPLY_NOCOMMIT)
		commit = false;
	else if (!(flags & KITH_APPLY_COMMIT) && (rc = kith_repo_config_bool(
	    &commit, repo, "kith.autocommit", true)) < 0)
		return rc;
	if ((rc = prepare(&p, changes, n, flags)) < 0) {
		plan_free(&p, true);
		return rc;
	}
	rc = finish(&p);
	plan_free(&p, false);
	if (rc < 0 || !commit)
		return rc;
	if ((rc = touched(&paths, &npaths, changes, n)) < 0)
		return rc;
	rc = kith_repo_commit(repo, paths, npaths, message);
	free(paths);
	return rc;
}

int
kith_repo_apply_ext(struct kith_repo *repo, const struct kith_change *changes,
	size_t n, const char *message, unsigned flags)
{
	int rc;

	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	rc = apply_locked(repo, changes, n, message, flags);
	kith_repo_unlock(repo);
	return rc;
}

int
kith_repo_apply(struct kith_repo *repo, const struct kith_change *changes,
	size_t n, const char *message)
{
	return kith_repo_apply_ext(repo, changes, n, message, 0);
}
