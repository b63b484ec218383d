/*
 * repo.c - finding, opening and creating a kith repository, and reading
 * its kith.conf.
 *
 * Resolution (DESIGN.md "The repository"), first match wins: the dir
 * argument (-C), $KITH_DIR, the nearest directory at or above the current
 * one holding kith.conf, kith.dir in $XDG_CONFIG_HOME/kith/config, ~/kith.
 */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define CONF_NAME "kith.conf"

static const char *
home_dir(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;

	if (home && *home)
		return home;
	if ((pw = getpwuid(getuid())) && pw->pw_dir && *pw->pw_dir)
		return pw->pw_dir;
	return NULL;
}

/* Whether dir holds a regular file kith.conf. */
static bool
has_conf(const char *dir)
{
	struct kith_buf path = KITH_BUF_INIT;
	struct stat st;
	bool yes;

	if (kith_buf_printf(&path, "%s/%s", dir, CONF_NAME) < 0)
		return false;
	yes = stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode);
	kith_buf_free(&path);
	return yes;
}

/* A copy of path with a leading "~/" (or a lone "~") expanded to $HOME. */
static int
expand_home(char **out, const char *path)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *home;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		if (!(home = home_dir()))
			return kith_error_set(KITH_ERROR,
				"cannot expand '%s': HOME is not set", path);
		if (kith_buf_printf(&b, "%s%s", home, path + 1) < 0)
			return KITH_ERROR;
	} else if (kith_buf_puts(&b, path) < 0) {
		return KITH_ERROR;
	}
	*out = b.ptr;
	return 0;
}

/* The nearest directory at or above the current one holding kith.conf. */
static int
find_upward(char **out)
{
	char *dir, *slash;

	*out = NULL;
	if (!(dir = getcwd(NULL, 0)))
		return errno == ENOENT ? 0 :
			kith_error_errno(KITH_ERROR, "cannot find the current directory");
	for (;;) {
		if (has_conf(*dir ? dir : "/")) {
			if (!*dir)
				strcpy(dir, "/");
			*out = dir;
			return 0;
		}
		if (!*dir || !(slash = strrchr(dir, '/')))
			break;
		*slash = '\0'; /* "/a/b" -> "/a" -> "" (the root) */
	}
	free(dir);
	return 0;
}

/* kith.dir from the user's kith config file, or NULL when there is none. */
static int
config_dir(char **out)
{
	struct kith_buf path = KITH_BUF_INIT;
	git_buf value = GIT_BUF_INIT;
	git_config *cfg = NULL;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home;
	struct stat st;
	int rc = 0, err;

	*out = NULL;
	if (xdg && *xdg == '/')
		rc = kith_buf_printf(&path, "%s/kith/config", xdg);
	else if ((home = home_dir()))
		rc = kith_buf_printf(&path, "%s/.config/kith/config", home);
	else
		return 0;
	if (rc < 0 || stat(path.ptr, &st) < 0)
		goto out;
	if (git_config_open_ondisk(&cfg, path.ptr) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read your kith config");
		goto out;
	}
	err = git_config_get_string_buf(&value, cfg, "kith.dir");
	if (err == GIT_ENOTFOUND)
		goto out;
	if (err < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read 'kith.dir'");
		goto out;
	}
	if (value.size)
		rc = expand_home(out, value.ptr);
out:
	git_buf_dispose(&value);
	git_config_free(cfg);
	kith_buf_free(&path);
	return rc;
}

static int
not_a_repo(const char *dir)
{
	return kith_error_set(KITH_ENOREPO,
		"'%s' is not a kith repository: run 'kith init %s'", dir, dir);
}

/* Which directory to open, by the resolution rules. */
static int
resolve(char **out, const char *dir)
{
	const char *env = getenv("KITH_DIR"), *home;
	struct kith_buf b = KITH_BUF_INIT;
	int rc;

	*out = NULL;
	if (!dir && env && *env)
		dir = env;
	if (dir) {
		if (!has_conf(dir))
			return not_a_repo(dir);
		return (*out = strdup(dir)) ? 0 :
			kith_error_set(KITH_ERROR, "out of memory");
	}
	if ((rc = find_upward(out)) < 0 || *out)
		return rc;
	if ((rc = config_dir(out)) < 0)
		return rc;
	if (*out) {
		if (has_conf(*out))
			return 0;
		rc = not_a_repo(*out);
		free(*out);
		*out = NULL;
		return rc;
	}
	if ((home = home_dir())) {
		if (kith_buf_printf(&b, "%s/kith", home) < 0)
			return KITH_ERROR;
		if (has_conf(b.ptr)) {
			*out = b.ptr;
			return 0;
		}
		kith_buf_free(&b);
	}
	return kith_error_set(KITH_ENOREPO, "no kith repository here or above, "
		"nor in ~/kith: run 'kith init' or set KITH_DIR");
}

/* The owner of root or of its .git when that is not us, else -1. */
static long
foreign_owner(const char *root, const char *dotgit)
{
	struct stat st;

	if (stat(root, &st) == 0 && st.st_uid != geteuid())
		return (long)st.st_uid;
	if (stat(dotgit, &st) == 0 && st.st_uid != geteuid())
		return (long)st.st_uid;
	return -1;
}

/*
 * Why git could not open root, in words that say what to do. libgit2
 * 1.5.1 reports a repository owned by someone else as "config value
 * 'safe.directory' was not found".
 */
static int
git_open_error(const char *root)
{
	struct kith_buf dotgit = KITH_BUF_INIT;
	struct stat st;
	long uid;
	int rc;

	if (kith_buf_printf(&dotgit, "%s/.git", root) < 0)
		return KITH_ERROR;
	if (lstat(dotgit.ptr, &st) < 0 && errno == ENOENT)
		rc = kith_error_set(KITH_ERROR, "'%s' holds kith.conf but is not "
			"a git repository: run 'git init' in it", root);
	else if ((uid = foreign_owner(root, dotgit.ptr)) >= 0)
		rc = kith_error_set(KITH_ERROR, "cannot open the git repository "
			"in '%s': it belongs to another user (uid %ld): run kith "
			"as that user, or 'git config --global --add "
			"safe.directory %s'", root, uid, root);
	else
		rc = kith_error_git(KITH_ERROR, "cannot open the git repository");
	kith_buf_free(&dotgit);
	return rc;
}

/* Open the repository whose top directory is dir (kith.conf checked). */
static int
open_at(struct kith_repo **out, const char *dir)
{
	struct kith_repo *repo;
	struct kith_buf conf = KITH_BUF_INIT;
	int rc = KITH_ERROR;

	kith_git_init();
	*out = NULL;
	if (!(repo = calloc(1, sizeof *repo)))
		return kith_error_set(KITH_ERROR, "out of memory");
	repo->lock_fd = -1;
	if (!(repo->root = realpath(dir, NULL))) {
		rc = kith_error_errno(KITH_ERROR, "cannot open '%s'", dir);
		goto out;
	}
	if (git_repository_open_ext(&repo->git, repo->root,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		rc = git_open_error(repo->root);
		goto out;
	}
	if (kith_buf_printf(&conf, "%s/%s", repo->root, CONF_NAME) < 0)
		goto out;
	if (git_config_open_ondisk(&repo->conf, conf.ptr) < 0) {
		rc = kith_error_git(KITH_ERROR, "cannot read 'kith.conf'");
		goto out;
	}
	*out = repo;
	repo = NULL;
	rc = 0;
out:
	kith_buf_free(&conf);
	kith_repo_free(repo);
	return rc;
}

int
kith_repo_open(struct kith_repo **out, const char *dir)
{
	char *top;
	int rc;

	*out = NULL;
	if ((rc = resolve(&top, dir)) < 0)
		return rc;
	rc = open_at(out, top);
	free(top);
	return rc;
}

void
kith_repo_free(struct kith_repo *repo)
{
	if (!repo)
		return;
	if (repo->lock_fd >= 0)
		close(repo->lock_fd);
	git_config_free(repo->conf);
	git_repository_free(repo->git);
	free(repo->root);
	free(repo);
}

const char *
kith_repo_root(const struct kith_repo *repo)
{
	return repo->root;
}

void *
kith_repo_git(struct kith_repo *repo)
{
	return repo->git;
}

int
kith_repo_path(struct kith_buf *buf, const struct kith_repo *repo,
	const char *rel)
{
	/* by hand: the index builds thousands of these per query */
	kith_buf_clear(buf);
	if (kith_buf_puts(buf, repo->root) < 0 || kith_buf_puts(buf, "/") < 0 ||
	    kith_buf_puts(buf, rel) < 0)
		return KITH_ERROR;
	return 0;
}

/* ---- kith.conf ---- */

static int
bad_value(struct kith_repo *repo, const char *key, const char *want)
{
	git_config_entry *e = NULL;
	int rc;

	if (git_config_get_entry(&e, repo->conf, key) == 0 && e->value)
		rc = kith_error_set(KITH_EINVALID, "bad value '%s' for '%s' in "
			"'%s/kith.conf': use %s", e->value, key, repo->root, want);
	else
		rc = kith_error_set(KITH_EINVALID, "bad value for '%s' in "
			"'%s/kith.conf': use %s", key, repo->root, want);
	git_config_entry_free(e);
	return rc;
}

int
kith_repo_config_string(char **out, struct kith_repo *repo,
	const char *key, const char *def)
{
	git_buf value = GIT_BUF_INIT;
	int err = git_config_get_string_buf(&value, repo->conf, key);

	*out = NULL;
	if (err == GIT_ENOTFOUND) {
		if (def && !(*out = strdup(def)))
			return kith_error_set(KITH_ERROR, "out of memory");
		return 0;
	}
	if (err < 0)
		return kith_error_git(KITH_ERROR, "cannot read 'kith.conf'");
	*out = kith_strndup(value.ptr, value.size);
	git_buf_dispose(&value);
	return *out ? 0 : kith_error_set(KITH_ERROR, "out of memory");
}

int
kith_repo_config_bool(bool *out, struct kith_repo *repo,
	const char *key, bool def)
{
	int v, err = git_config_get_bool(&v, repo->conf, key);

	*out = def;
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return bad_value(repo, key, "true or false");
	*out = v != 0;
	return 0;
}

int
kith_repo_config_int(int *out, struct kith_repo *repo,
	const char *key, int def)
{
	int32_t v;
	int err = git_config_get_int32(&v, repo->conf, key);

	*out = def;
	if (err == GIT_ENOTFOUND)
		return 0;
	if (err < 0)
		return bad_value(repo, key, "a whole number");
	*out = v;
	return 0;
}

/* ---- kith init ---- */

/* mkdir -p with mode for each directory it makes. */
static int
make_dirs(const char *dir, mode_t mode)
{
	char *p = strdup(dir), *s;
	int rc = 0;

	if (!p)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			rc = kith_error_errno(KITH_ERROR, "cannot create '%s'", p);
			break;
		}
		if (!(*s = c))
			break;
	}
	free(p);
	return rc;
}

/* The git repository at dir: the one there, or a new one on "main". */
static int
git_at(git_repository **out, const char *dir)
{
	git_repository_init_options opts;
	int err;

	err = git_repository_open_ext(out, dir, GIT_REPOSITORY_OPEN_NO_SEARCH,
		NULL);
	if (err == 0)
		return 0;
	if (err != GIT_ENOTFOUND)
		return git_open_error(dir);
	git_repository_init_options_init(&opts,
		GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	opts.flags = GIT_REPOSITORY_INIT_MKPATH;
	opts.initial_head = "main";
	if (git_repository_init_ext(out, dir, &opts) < 0)
		return kith_error_git(KITH_ERROR, "cannot create a git repository");
	return 0;
}

/* Whether text has line as one of its lines. */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; *s; ) {
		if (strncmp(s, line, n) == 0 && (s[n] == '\n' || !s[n]))
			return true;
		if (!(s = strchr(s, '\n')))
			break;
		s++;
	}
	return false;
}

/*
 * The new content of a dot file that must hold line: the file as it is
 * with line appended, or NULL in *out when it already has it.
 */
static int
with_line(char **out, const char *root, const char *name, const char *line)
{
	struct kith_buf path = KITH_BUF_INIT, b = KITH_BUF_INIT;
	char *old = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = kith_buf_printf(&path, "%s/%s", root, name)) < 0)
		return rc;
	rc = kith_file_read(&old, &len, path.ptr);
	kith_buf_free(&path);
	if (rc == KITH_ENOTFOUND)
		rc = 0;
	else if (rc < 0)
		return rc;
	else if (has_line(old, line))
		goto out;
	else if (!(rc = kith_buf_put(&b, old, len)) && len && old[len - 1] != '\n')
		rc = kith_buf_puts(&b, "\n");
	if (!rc && !(rc = kith_buf_printf(&b, "%s\n", line))) {
		*out = b.ptr;
		b.ptr = NULL;
	}
out:
	kith_buf_free(&b);
	free(old);
	return rc;
}

/* Everything the first commit writes, gathered before anything is made. */
struct init_files {
	struct kith_change *ch;
	size_t n;
	char *own[3];
	size_t nown;
	struct kith_demo_file *demo;
	size_t ndemo;
	const char *message;
};

static void
init_files_free(struct init_files *f)
{
	for (size_t i = 0; i < f->nown; i++)
		free(f->own[i]);
	kith_demo_files_free(f->demo, f->ndemo);
	free(f->ch);
}

/* Add a file to the commit; data (malloc'd, now owned) NULL skips it. */
static void
init_add(struct init_files *f, const char *path, char *data)
{
	if (!data)
		return;
	f->own[f->nown++] = data;
	f->ch[f->n++] = (struct kith_change){ path, data, strlen(data), NULL };
}

static int
init_prepare(struct init_files *f, const char *dir,
	const struct kith_init_options *opts)
{
	char *data;
	int rc;

	f->message = "init: kith repository";
	if (opts && opts->demo) {
		if ((rc = kith_demo_files(&f->demo, &f->ndemo, opts->today)) < 0)
			return rc;
		f->message = "init: kith repository with demo network";
	}
	if (!(f->ch = calloc(3 + f->ndemo, sizeof *f->ch)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if ((rc = kith_template_read(&data, "kith.conf")) < 0)
		return rc;
	init_add(f, "kith.conf", data);
	if ((rc = with_line(&data, dir, ".gitattributes",
	    "journal/** merge=union")) < 0)
		return rc;
	init_add(f, ".gitattributes", data);
	if ((rc = with_line(&data, dir, ".gitignore", ".kith/")) < 0)
		return rc;
	init_add(f, ".gitignore", data);
	for (size_t i = 0; i < f->ndemo; i++)
		f->ch[f->n++] = (struct kith_change){ f->demo[i].path,
			f->demo[i].data, strlen(f->demo[i].data), NULL };
	return 0;
}

static int
init_dirs(const char *root)
{
	static const char *const dirs[] = { "people", "journal" };
	struct kith_buf b = KITH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < sizeof dirs / sizeof *dirs && !rc; i++) {
		kith_buf_clear(&b);
		if ((rc = kith_buf_printf(&b, "%s/%s", root, dirs[i])) < 0)
			break;
		if (mkdir(b.ptr, 0700) < 0 && errno != EEXIST)
			rc = kith_error_errno(KITH_ERROR, "cannot create '%s'",
				b.ptr);
	}
	kith_buf_free(&b);
	return rc;
}

int
kith_repo_init(const char *dir, const struct kith_init_options *opts)
{
	struct init_files f = { .n = 0 };
	struct kith_repo *repo = NULL;
	struct kith_buf conf = KITH_BUF_INIT;
	git_repository *git = NULL;
	struct stat st;
	int rc;

	kith_git_init();
	if ((rc = kith_buf_printf(&conf, "%s/%s", dir, CONF_NAME)) < 0)
		return rc;
	if (lstat(conf.ptr, &st) == 0) {
		rc = kith_error_set(KITH_EEXISTS,
			"'%s' is already a kith repository", dir);
		goto out;
	}
	if ((rc = init_prepare(&f, dir, opts)) < 0 ||
	    (rc = make_dirs(dir, 0700)) < 0 || (rc = git_at(&git, dir)) < 0)
		goto out;
	git_repository_free(git);
	if ((rc = open_at(&repo, dir)) < 0 || (rc = init_dirs(repo->root)) < 0)
		goto out;
	rc = kith_repo_apply_ext(repo, f.ch, f.n, f.message,
		KITH_APPLY_DOTFILES | KITH_APPLY_COMMIT);
out:
	kith_repo_free(repo);
	init_files_free(&f);
	kith_buf_free(&conf);
	return rc;
}
