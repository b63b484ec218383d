/*
 * t-repo.c - unit tests for lib/repo.c, write.c, git.c and template.c:
 * kith init, finding the repository, kith.conf, the atomic all-or-nothing
 * write path, commits of exactly the touched paths, the lock, templates.
 * Every repository lives in a mkdtemp directory with HOME inside it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

static char base[64] = "/tmp/t-repo.XXXXXX";
static char origcwd[4096];

/* ---- helpers ---- */

static const char *
P(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A path built with printf (good until eight more are built). */
static const char *
P(const char *fmt, ...)
{
	static char bufs[8][4096];
	static int slot;
	char *b = bufs[slot++ % 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b, sizeof bufs[0], fmt, ap);
	va_end(ap);
	return b;
}

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, kith_error());
	exit(1);
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) == EOF)
		bail(path);
}

/* The file's text (static, "(missing)" when unreadable). */
static const char *
file_text(const char *path)
{
	static char text[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return "(missing)";
	n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static int
mode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (int)(st.st_mode & 07777) : -1;
}

/* A new empty directory under base. */
static const char *
newdir(const char *name)
{
	const char *d = P("%s/%s", base, name);

	if (mkdir(d, 0700) < 0)
		bail(d);
	return d;
}

/* A new kith repository under base, opened. */
static struct kith_repo *
newrepo(const char *name)
{
	struct kith_init_options opts = { .demo = false };
	struct kith_repo *repo;
	const char *d = P("%s/%s", base, name);

	if (kith_repo_init(d, &opts) < 0 || kith_repo_open(&repo, d) < 0)
		bail(d);
	return repo;
}

static int
count_hidden(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		const char *s = e->d_name;
		if (!strcmp(s, ".") || !strcmp(s, "..") || !strcmp(s, ".git") ||
		    !strcmp(s, ".kith") || !strcmp(s, ".gitattributes") ||
		    !strcmp(s, ".gitignore"))
			continue;
		if (*s == '.')
			n++;
		else if (e->d_type == DT_DIR)
			n += count_hidden(P("%s/%s", dir, s));
	}
	closedir(d);
	return n;
}

/* Temporary files left anywhere in the work tree. */
static int
leftovers(struct kith_repo *repo)
{
	return count_hidden(kith_repo_root(repo));
}

/* ---- looking at git ---- */

struct status {
	int n;
	char text[1024]; /* "path:flags " for each entry */
};

static struct status
status_of(const char *root)
{
	git_status_options o;
	git_status_list *list = NULL;
	git_repository *g = NULL;
	struct status s = { 0, "" };

	git_status_options_init(&o, GIT_STATUS_OPTIONS_VERSION);
	o.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
		GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_repository_open(&g, root) < 0 ||
	    git_status_list_new(&list, g, &o) < 0) {
		s.n = -1;
		goto out;
	}
	s.n = (int)git_status_list_entrycount(list);
	for (int i = 0; i < s.n; i++) {
		const git_status_entry *e = git_status_byindex(list, (size_t)i);
		const git_diff_delta *d = e->index_to_workdir ?
			e->index_to_workdir : e->head_to_index;
		size_t len = strlen(s.text);
		snprintf(s.text + len, sizeof s.text - len, "%s:%x ",
			d->new_file.path, (unsigned)e->status);
	}
out:
	git_status_list_free(list);
	git_repository_free(g);
	return s;
}

#define is_clean(repo, name) do { \
	struct status s_ = status_of(kith_repo_root(repo)); \
	if (!tap_ok(s_.n == 0, (name), __FILE__, __LINE__)) \
		printf("#   status: %d %s\n", s_.n, s_.text); \
} while (0)

struct head {
	int commits;
	char files[2048];   /* the tree's paths, comma-separated */
	char message[256];
	char author[256];
	char committer[256];
	char branch[256];
};

static int
tree_cb(const char *root, const git_tree_entry *e, void *payload)
{
	char *files = payload;
	size_t len = strlen(files);

	if (git_tree_entry_type(e) == GIT_OBJECT_BLOB)
		snprintf(files + len, 2048 - len, "%s%s%s", len ? "," : "", root,
			git_tree_entry_name(e));
	return 0;
}

static struct head
head_of(struct kith_repo *repo)
{
	git_repository *g = kith_repo_git(repo);
	struct head h = { 0, "", "", "", "", "" };
	git_reference *ref = NULL;
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_tree *tree = NULL;
	git_oid oid;

	if (git_repository_head(&ref, g) < 0)
		return h;
	snprintf(h.branch, sizeof h.branch, "%s", git_reference_name(ref));
	if (git_commit_lookup(&c, g, git_reference_target(ref)) == 0 &&
	    git_commit_tree(&tree, c) == 0) {
		git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, h.files);
		snprintf(h.message, sizeof h.message, "%s", git_commit_message(c));
		snprintf(h.author, sizeof h.author, "%s <%s>",
			git_commit_author(c)->name, git_commit_author(c)->email);
		snprintf(h.committer, sizeof h.committer, "%s <%s>",
			git_commit_committer(c)->name, git_commit_committer(c)->email);
	}
	if (git_revwalk_new(&walk, g) == 0 && git_revwalk_push_head(walk) == 0)
		while (git_revwalk_next(&oid, walk) == 0)
			h.commits++;
	git_revwalk_free(walk);
	git_tree_free(tree);
	git_commit_free(c);
	git_reference_free(ref);
	return h;
}

/* The text of path in HEAD's tree ("(missing)" if not there). */
static const char *
head_text(struct kith_repo *repo, const char *path)
{
	static char text[4096];
	git_object *obj = NULL;

	snprintf(text, sizeof text, "(missing)");
	if (git_revparse_single(&obj, kith_repo_git(repo),
	    P("HEAD:%s", path)) == 0 && git_object_type(obj) == GIT_OBJECT_BLOB) {
		const git_blob *b = (const git_blob *)obj;
		snprintf(text, sizeof text, "%.*s", (int)git_blob_rawsize(b),
			(const char *)git_blob_rawcontent(b));
	}
	git_object_free(obj);
	return text;
}

/* Commit path in the repository by plain libgit2 (for an existing repo). */
static void
git_commit_path(git_repository *g, const char *path)
{
	git_signature *sig = NULL;
	git_commit *parent = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL;
	git_oid tid, cid;

	if (git_reference_name_to_id(&cid, g, "HEAD") == 0 &&
	    git_commit_lookup(&parent, g, &cid) < 0)
		bail("HEAD");
	if (git_repository_index(&idx, g) < 0 ||
	    git_index_add_bypath(idx, path) < 0 || git_index_write(idx) < 0 ||
	    git_index_write_tree(&tid, idx) < 0 ||
	    git_tree_lookup(&tree, g, &tid) < 0 ||
	    git_signature_now(&sig, "T", "t@example.com") < 0 ||
	    git_commit_create(&cid, g, "HEAD", sig, sig, NULL, "seed\n", tree,
	    parent ? 1 : 0, (const git_commit **)&parent) < 0)
		bail(git_error_last()->message);
	git_commit_free(parent);
	git_signature_free(sig);
	git_tree_free(tree);
	git_index_free(idx);
}

static void
stage_path(git_repository *g, const char *path)
{
	git_index *idx = NULL;

	if (git_repository_index(&idx, g) < 0 ||
	    git_index_add_bypath(idx, path) < 0 || git_index_write(idx) < 0)
		bail(git_error_last()->message);
	git_index_free(idx);
}

static int
apply1(struct kith_repo *repo, const char *path, const char *data,
	const char *message)
{
	struct kith_change c = { path, data, data ? strlen(data) : 0, NULL };

	return kith_repo_apply(repo, &c, 1, message);
}

/* ---- kith init ---- */

static void
test_init(void)
{
	struct kith_init_options opts = { .demo = false };
	struct kith_repo *repo;
	const char *d = P("%s/fresh/kith", base);
	char dir[4096];
	struct head h;

	snprintf(dir, sizeof dir, "%s", d);
	is_int(kith_repo_init(dir, &opts), 0, "init a fresh directory");
	if (kith_repo_open(&repo, dir) < 0)
		bail("open");
	h = head_of(repo);
	is_int(h.commits, 1, "init makes one commit");
	is_str(h.branch, "refs/heads/main", "on branch main");
	is_str(h.files, ".gitattributes,.gitignore,kith.conf",
		"with exactly kith.conf, .gitattributes, .gitignore");
	is_str(h.message, "init: kith repository\n", "init's message");
	is_str(file_text(P("%s/.gitattributes", dir)),
		"journal/** merge=union\n", ".gitattributes");
	is_str(file_text(P("%s/.gitignore", dir)), ".kith/\n", ".gitignore");
	is_str(file_text(P("%s/kith.conf", dir)),
		kith_template_builtin("kith.conf"), "kith.conf from the template");
	is_int(mode_of(P("%s/people", dir)), 0700, "people/ is 0700");
	is_int(mode_of(P("%s/journal", dir)), 0700, "journal/ is 0700");
	is_int(mode_of(dir), 0700, "a new repository directory is 0700");
	is_int(mode_of(P("%s/kith.conf", dir)), 0600, "kith.conf is 0600");
	is_clean(repo, "init leaves git status clean");
	kith_repo_free(repo);

	is_int(kith_repo_init(dir, &opts), KITH_EEXISTS,
		"init refuses an existing kith repository");
	is_str(kith_error(), P("'%s' is already a kith repository", dir),
		"and says so");
}

static void
test_init_demo(void)
{
	struct kith_init_options opts = { .demo = true };
	struct kith_repo *repo;
	const char *dir = P("%s/demo", base);
	struct head h;

	kith_date_parse_iso(&opts.today, "2026-11-25", 10);
	is_int(kith_repo_init(dir, &opts), 0, "init --demo");
	if (kith_repo_open(&repo, dir) < 0)
		bail("open");
	h = head_of(repo);
	is_int(h.commits, 1, "demo: one commit");
	is_str(h.message, "init: kith repository with demo network\n",
		"demo: its message");
	ok(strstr(h.files, "people/") && strstr(h.files, "journal/"),
		"demo: people and journal files committed");
	is_clean(repo, "demo: clean");
	kith_repo_free(repo);
}

static void
test_init_existing_git(void)
{
	struct kith_init_options opts = { .demo = false };
	const char *dir = newdir("existing");
	git_repository *g = NULL;
	struct kith_repo *repo;
	struct status s;
	struct head h;
	char root[4096];

	snprintf(root, sizeof root, "%s", dir);
	if (git_repository_init(&g, root, 0) < 0)
		bail("git init");
	put_file(P("%s/notes.txt", root), "mine\n");
	put_file(P("%s/.gitignore", root), "*.o");
	git_commit_path(g, "notes.txt");
	git_commit_path(g, ".gitignore");
	put_file(P("%s/notes.txt", root), "mine, edited\n");
	put_file(P("%s/staged.txt", root), "staged\n");
	stage_path(g, "staged.txt");
	git_repository_free(g);

	is_int(kith_repo_init(root, &opts), 0, "init in an existing git repo");
	if (kith_repo_open(&repo, root) < 0)
		bail("open");
	h = head_of(repo);
	is_str(h.files, ".gitattributes,.gitignore,kith.conf,notes.txt",
		"existing: the kith files added, nothing staged");
	is_str(h.message, "init: kith repository\n", "existing: message");
	is_str(head_text(repo, "notes.txt"), "mine\n",
		"existing: the dirty file's edit is not committed");
	is_str(file_text(P("%s/.gitignore", root)), "*.o\n.kith/\n",
		"existing: .gitignore keeps its lines");
	s = status_of(root);
	is_int(s.n, 2, "existing: the user's two changes stay");
	ok(strstr(s.text, "notes.txt:100 ") && strstr(s.text, "staged.txt:1 "),
		"existing: notes.txt modified, staged.txt still staged");
	if (s.n != 2)
		printf("#   status: %s\n", s.text);
	kith_repo_free(repo);
}

/* ---- finding the repository ---- */

static void
is_root(struct kith_repo *repo, const char *dir, const char *name)
{
	char *want = realpath(dir, NULL);

	is_str(repo ? kith_repo_root(repo) : "(none)", want, name);
	free(want);
	kith_repo_free(repo);
}

static void
test_open(void)
{
	struct kith_repo *r = NULL, *a = newrepo("a");
	const char *home = getenv("HOME");
	char top[4096], xdg[4096];
	int rc;

	snprintf(top, sizeof top, "%s", kith_repo_root(a));
	snprintf(xdg, sizeof xdg, "%s", getenv("XDG_CONFIG_HOME"));
	kith_repo_free(a);
	if (chdir(base) < 0)
		bail("chdir");

	is_int(kith_repo_open(&r, top), 0, "open by dir argument");
	is_root(r, top, "dir argument: root is the realpath");

	setenv("KITH_DIR", P("%s/a/", base), 1);
	is_int(kith_repo_open(&r, NULL), 0, "open by KITH_DIR");
	is_root(r, top, "KITH_DIR: root");
	setenv("KITH_DIR", base, 1);
	is_int(kith_repo_open(&r, NULL), KITH_ENOREPO,
		"KITH_DIR without kith.conf");
	is_str(kith_error(), P("'%s' is not a kith repository: run 'kith init "
		"%s'", base, base), "KITH_DIR: the message");
	unsetenv("KITH_DIR");

	is_int(kith_repo_open(&r, P("%s/home", base)), KITH_ENOREPO,
		"dir argument without kith.conf");

	if (chdir(P("%s/people", top)) < 0)
		bail("chdir");
	is_int(kith_repo_open(&r, NULL), 0, "open by discovery");
	is_root(r, top, "discovery from a subdirectory");
	if (chdir(base) < 0)
		bail("chdir");

	kith_repo_free(newrepo("home/kr"));
	kith_repo_free(newrepo("home/kith"));
	mkdir(P("%s/kith", xdg), 0700);
	put_file(P("%s/kith/config", xdg), "[kith]\n\tdir = ~/kr\n");
	is_int(kith_repo_open(&r, NULL), 0, "open by kith.dir");
	is_root(r, P("%s/kr", home), "kith.dir with ~/ expanded");
	put_file(P("%s/kith/config", xdg), "[kith]\n\tdir = ~/nope\n");
	is_int(kith_repo_open(&r, NULL), KITH_ENOREPO,
		"kith.dir naming no repository");
	is_str(kith_error(), P("'%s/nope' is not a kith repository: run "
		"'kith init %s/nope'", home, home), "kith.dir: the message");
	unlink(P("%s/kith/config", xdg));

	is_int(kith_repo_open(&r, NULL), 0, "open ~/kith");
	is_root(r, P("%s/kith", home), "~/kith through HOME");

	rename(P("%s/kith", home), P("%s/kith.old", home));
	rc = kith_repo_open(&r, NULL);
	is_int(rc, KITH_ENOREPO, "nothing found");
	is_str(kith_error(), "no kith repository here or above, nor in ~/kith: "
		"run 'kith init' or set KITH_DIR", "nothing found: the message");
	ok(r == NULL, "nothing found: no repository");
	if (chdir(origcwd) < 0)
		bail("chdir");
}

static void
test_open_broken(void)
{
	const char *d = newdir("nogit");
	struct kith_repo *r = NULL;
	char dir[4096];

	snprintf(dir, sizeof dir, "%s", d);
	put_file(P("%s/kith.conf", dir), "");
	is_int(kith_repo_open(&r, dir), KITH_ERROR, "kith.conf without .git");
	ok(strstr(kith_error(), "is not a git repository"), "says so");

	if (geteuid() != 0) {
		ok(1, "# SKIP ownership (not root)");
		return;
	}
	kith_repo_free(newrepo("owned"));
	snprintf(dir, sizeof dir, "%s/owned", base);
	if (chown(dir, 65534, 65534) < 0 || chown(P("%s/.git", dir), 65534,
	    65534) < 0)
		bail("chown");
	is_int(kith_repo_open(&r, dir), KITH_ERROR, "a repo owned by another uid");
	ok(strstr(kith_error(), "belongs to another user (uid 65534)") &&
		strstr(kith_error(), "safe.directory"), "says whose it is");
	if (!strstr(kith_error(), "belongs"))
		printf("#   %s\n", kith_error());
}

/* ---- kith.conf ---- */

static void
test_config(void)
{
	struct kith_repo *repo = newrepo("conf");
	char *s = NULL;
	bool b = false;
	int n = 0;

	put_file(P("%s/kith.conf", kith_repo_root(repo)),
		"[kith]\n\tevery = 30d\n\tdueDays = 14\n\tautocommit = maybe\n"
		"\tlimit = 12x\n\tcolor = off\n");
	is_int(kith_repo_config_string(&s, repo, "kith.every", "x"), 0,
		"string");
	is_str(s, "30d", "kith.every");
	free(s);
	kith_repo_config_string(&s, repo, "kith.editor", "vi");
	is_str(s, "vi", "unset string: the default");
	free(s);
	kith_repo_config_string(&s, repo, "kith.editor", NULL);
	ok(s == NULL, "unset string, no default: NULL");
	is_int(kith_repo_config_int(&n, repo, "kith.dueDays", 7), 0, "int");
	is_int(n, 14, "kith.dueDays");
	kith_repo_config_int(&n, repo, "kith.nothing", 7);
	is_int(n, 7, "unset int: the default");
	is_int(kith_repo_config_int(&n, repo, "kith.limit", 7), KITH_EINVALID,
		"bad int");
	ok(strstr(kith_error(), "'kith.limit'") &&
		strstr(kith_error(), "kith.conf"), "bad int: names key and file");
	is_int(kith_repo_config_bool(&b, repo, "kith.color", true), 0, "bool");
	ok(!b, "off is false");
	kith_repo_config_bool(&b, repo, "kith.nothing", true);
	ok(b, "unset bool: the default");
	is_int(kith_repo_config_bool(&b, repo, "kith.autocommit", true),
		KITH_EINVALID, "bad bool");
	is_str(kith_error(), P("bad value 'maybe' for 'kith.autocommit' in "
		"'%s/kith.conf': use true or false", kith_repo_root(repo)),
		"bad bool: the message");
	is_int(apply1(repo, "people/x.md", "x\n", "x"), KITH_EINVALID,
		"a bad kith.autocommit stops apply");
	ok(!exists(P("%s/people/x.md", kith_repo_root(repo))),
		"before writing anything");
	kith_repo_free(repo);
}

/* ---- writing ---- */

static void
test_apply_new(void)
{
	struct kith_repo *repo = newrepo("w");
	const char *root = kith_repo_root(repo);
	struct kith_buf b = KITH_BUF_INIT;
	struct head h;

	setenv("GIT_AUTHOR_NAME", "Ann Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "ann@example.com", 1);
	is_int(apply1(repo, "notes/sub/a.md", "hello\n", "add: a"), 0,
		"apply a new file");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	is_str(file_text(P("%s/notes/sub/a.md", root)), "hello\n", "its text");
	is_int(mode_of(P("%s/notes/sub/a.md", root)), 0600, "new file 0600");
	is_int(mode_of(P("%s/notes", root)), 0700, "new dir 0700");
	is_int(mode_of(P("%s/notes/sub", root)), 0700, "new subdir 0700");
	h = head_of(repo);
	is_int(h.commits, 2, "one more commit");
	is_str(h.message, "add: a\n", "with the message and a newline");
	is_str(h.author, "Ann Author <ann@example.com>", "author from GIT_AUTHOR_*");
	is_str(h.committer, "kith <kith@localhost>", "committer: kith's own");
	is_str(head_text(repo, "notes/sub/a.md"), "hello\n", "committed");
	is_clean(repo, "apply: clean");

	chmod(P("%s/notes/sub/a.md", root), 0640);
	apply1(repo, "notes/sub/a.md", "again\n", "edit: a");
	is_int(mode_of(P("%s/notes/sub/a.md", root)), 0640,
		"an existing file keeps its mode");

	is_int(apply1(repo, "kith.conf", "[user]\n\tname = Conf User\n"
		"\temail = conf@example.com\n", "conf"), 0, "write kith.conf");
	apply1(repo, "people/b.md", "b\n", "add: b");
	h = head_of(repo);
	is_str(h.author, "Conf User <conf@example.com>", "author from kith.conf");
	is_str(h.committer, "Conf User <conf@example.com>",
		"committer from kith.conf");
	is_int(apply1(repo, "people/b.md", "b\n", "same"), 0, "no change");
	is_int(head_of(repo).commits, h.commits, "no change: no commit");
	is_int(kith_repo_path(&b, repo, "people/b.md"), 0, "repo_path");
	is_str(b.ptr, P("%s/people/b.md", root), "repo_path: absolute");
	kith_buf_free(&b);
	is_clean(repo, "apply: still clean");
	kith_repo_free(repo);
}

static void
refuse(struct kith_repo *repo, const char *path, int code, const char *name)
{
	int rc = apply1(repo, path, "x\n", "nope");

	is_int(rc, code, name);
	if (rc != code)
		printf("#   %s\n", kith_error());
	is_int(leftovers(repo), 0, P("%s: nothing left behind", name));
}

static void
test_apply_refuse(void)
{
	struct kith_repo *repo = newrepo("refuse");
	const char *outside = newdir("outside");
	char root[4096];
	int n = head_of(repo).commits;

	snprintf(root, sizeof root, "%s", kith_repo_root(repo));
	refuse(repo, "../x", KITH_EINVALID, "refuses ../x");
	is_str(kith_error(), "'../x' is outside the repository: name a file "
		"inside it", "../x: the message");
	refuse(repo, "people/../../x", KITH_EINVALID, "refuses people/../../x");
	refuse(repo, "/etc/x", KITH_EINVALID, "refuses /etc/x");
	refuse(repo, "", KITH_EINVALID, "refuses an empty path");
	refuse(repo, "people//x", KITH_EINVALID, "refuses an empty component");
	refuse(repo, ".git/config", KITH_EINVALID, "refuses .git/");
	refuse(repo, ".gitignore", KITH_EINVALID, "refuses a dot file");
	refuse(repo, "people/.x.md", KITH_EINVALID, "refuses a hidden file");

	if (symlink(P("%s", outside), P("%s/linked", root)) < 0)
		bail("symlink");
	refuse(repo, "linked/x.md", KITH_ERROR, "refuses a symlinked directory");
	ok(strstr(kith_error(), "symlink 'linked'"), "names the symlink");
	ok(!exists(P("%s/x.md", outside)), "nothing written outside");
	unlink(P("%s/linked", root));

	if (symlink(P("%s/target.md", outside), P("%s/people/l.md", root)) < 0)
		bail("symlink");
	refuse(repo, "people/l.md", KITH_ERROR, "refuses a symlink target");
	ok(!exists(P("%s/target.md", outside)), "the target is not created");
	unlink(P("%s/people/l.md", root));

	mkdir(P("%s/people/dir.md", root), 0700);
	refuse(repo, "people/dir.md", KITH_ERROR, "refuses a directory target");
	rmdir(P("%s/people/dir.md", root));

	is_int(head_of(repo).commits, n, "refusals commit nothing");
	is_clean(repo, "refusals: clean");
	kith_repo_free(repo);
}

static void
test_all_or_nothing(void)
{
	struct kith_repo *repo = newrepo("aon");
	char root[4096], big[100000];
	struct kith_change ch[3] = {
		{ "fresh/dir/a.md", "a\n", 2, NULL },
		{ "people/a.md", "new\n", 4, NULL },
		{ "blocker/b.md", "b\n", 2, NULL },
	};
	struct rlimit old, lim;
	int rc;

	snprintf(root, sizeof root, "%s", kith_repo_root(repo));
	apply1(repo, "people/a.md", "old\n", "add: a");
	apply1(repo, "blocker", "a file\n", "add: blocker");
	int n = head_of(repo).commits;

	is_int(kith_repo_apply(repo, ch, 3, "three"), KITH_ERROR,
		"a change under a regular file fails");
	is_str(kith_error(), "cannot write 'blocker/b.md': Not a directory",
		"names the path and the errno");
	is_str(file_text(P("%s/people/a.md", root)), "old\n",
		"the other change is not made");
	ok(!exists(P("%s/fresh", root)), "no directory made");

	/* fail in the middle of writing the temporary files */
	memset(big, 'x', sizeof big);
	ch[2] = (struct kith_change){ "people/big.md", big, sizeof big, NULL };
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	lim = old;
	lim.rlim_cur = 50000;
	setrlimit(RLIMIT_FSIZE, &lim);
	rc = kith_repo_apply(repo, ch, 3, "three");
	setrlimit(RLIMIT_FSIZE, &old);
	is_int(rc, KITH_ERROR, "a failing write fails");
	is_str(kith_error(), "cannot write 'people/big.md': File too large",
		"names the path and the errno");
	is_str(file_text(P("%s/people/a.md", root)), "old\n",
		"written temp files are not renamed");
	ok(!exists(P("%s/fresh", root)), "made directories are removed");
	ok(!exists(P("%s/people/big.md", root)), "the big file is not there");
	is_int(leftovers(repo), 0, "no temporary files remain");
	is_int(head_of(repo).commits, n, "no commit");
	is_clean(repo, "all or nothing: clean");
	kith_repo_free(repo);
}

static void
test_hand_edits(void)
{
	struct kith_repo *repo = newrepo("hand");
	git_repository *g = kith_repo_git(repo);
	char root[4096];
	struct status s;

	snprintf(root, sizeof root, "%s", kith_repo_root(repo));
	apply1(repo, "people/a.md", "old\n", "add: a");
	put_file(P("%s/people/a.md", root), "by hand\n");
	put_file(P("%s/staged.md", root), "staged\n");
	stage_path(g, "staged.md");
	is_int(apply1(repo, "people/b.md", "b\n", "add: b"), 0, "apply");
	is_str(head_text(repo, "people/a.md"), "old\n",
		"a hand edit stays out of the commit");
	is_str(head_text(repo, "staged.md"), "(missing)",
		"a staged file stays out of the commit");
	is_str(head_text(repo, "people/b.md"), "b\n", "the change is in");
	s = status_of(root);
	is_str(s.text, "people/a.md:100 staged.md:1 ",
		"the hand edit stays dirty, the staged file staged");
	put_file(P("%s/people/a.md", root), "old\n");
	git_index *idx;
	git_repository_index(&idx, g);
	git_index_remove_bypath(idx, "staged.md");
	git_index_write(idx);
	git_index_free(idx);
	unlink(P("%s/staged.md", root));
	is_clean(repo, "hand edits: clean once undone");
	kith_repo_free(repo);
}

static void
test_delete_rename(void)
{
	struct kith_repo *repo = newrepo("mv");
	char root[4096];
	struct kith_change c;

	snprintf(root, sizeof root, "%s", kith_repo_root(repo));
	apply1(repo, "people/a.md", "a\n", "add: a");
	apply1(repo, "people/b.md", "b\n", "add: b");
	is_int(apply1(repo, "people/b.md", NULL, "rm: b"), 0, "delete");
	ok(!exists(P("%s/people/b.md", root)), "delete: the file is gone");
	is_str(head_text(repo, "people/b.md"), "(missing)", "delete: committed");
	is_str(head_of(repo).message, "rm: b\n", "delete: message");
	is_clean(repo, "delete: clean");

	c = (struct kith_change){ "people/c.md", NULL, 0, "people/a.md" };
	is_int(kith_repo_apply(repo, &c, 1, "mv: a -> c"), 0, "rename");
	is_str(file_text(P("%s/people/c.md", root)), "a\n", "rename: moved");
	ok(!exists(P("%s/people/a.md", root)), "rename: old path gone");
	is_str(head_of(repo).files, ".gitattributes,.gitignore,kith.conf,"
		"people/c.md", "rename: committed both sides");
	is_clean(repo, "rename: clean");

	c = (struct kith_change){ "people/d.md", "d\n", 2, "people/c.md" };
	is_int(kith_repo_apply(repo, &c, 1, "mv: c -> d"), 0,
		"rename with new text");
	is_str(head_text(repo, "people/d.md"), "d\n", "rename+edit: new text");
	is_str(head_text(repo, "people/c.md"), "(missing)", "rename+edit: old gone");
	is_clean(repo, "rename+edit: clean");

	apply1(repo, "people/e.md", "e\n", "add: e");
	c = (struct kith_change){ "people/e.md", NULL, 0, "people/d.md" };
	is_int(kith_repo_apply(repo, &c, 1, "mv"), KITH_EEXISTS,
		"rename onto an existing file is refused");
	is_str(file_text(P("%s/people/e.md", root)), "e\n", "which is unchanged");
	c = (struct kith_change){ "people/f.md", NULL, 0, "people/zz.md" };
	is_int(kith_repo_apply(repo, &c, 1, "mv"), KITH_ERROR,
		"rename of a missing file fails");
	kith_repo_free(repo);
}

static void
test_autocommit_off(void)
{
	struct kith_repo *repo = newrepo("noauto");
	const char *paths[] = { "people/e.md" };
	int n;

	apply1(repo, "kith.conf", "[kith]\n\tautocommit = false\n", "conf");
	n = head_of(repo).commits;
	is_int(apply1(repo, "people/e.md", "e\n", "add: e"), 0,
		"autocommit=false: apply");
	is_str(file_text(P("%s/people/e.md", kith_repo_root(repo))), "e\n",
		"autocommit=false: written");
	is_int(head_of(repo).commits, n, "autocommit=false: no commit");
	is_int(status_of(kith_repo_root(repo)).n, 1,
		"autocommit=false: the file is untracked");
	is_int(kith_repo_commit(repo, paths, 1, "add: e"), 0, "commit by hand");
	is_int(head_of(repo).commits, n + 1, "commit by hand: committed");
	is_clean(repo, "autocommit=false: clean after commit");
	kith_repo_free(repo);
}

/* A child that holds .kith/lock until its pipe closes. */
static pid_t
hold_lock(const char *root)
{
	int up[2], down[2];
	char c;
	pid_t pid;

	if (pipe(up) < 0 || pipe(down) < 0)
		bail("pipe");
	if ((pid = fork()) == 0) {
		int fd = open(P("%s/.kith/lock", root), O_RDWR | O_CREAT, 0600);
		close(up[0]);
		close(down[1]);
		if (fd < 0 || flock(fd, LOCK_EX) < 0)
			_exit(1);
		if (write(up[1], "x", 1) != 1)
			_exit(1);
		while (read(down[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &c, 1) != 1)
		bail("lock holder");
	close(up[0]);
	return pid;
}

static void
test_lock(void)
{
	struct kith_repo *repo = newrepo("lock");
	char root[4096];
	struct timespec t0, t1;
	pid_t pid;
	int rc, st;

	snprintf(root, sizeof root, "%s", kith_repo_root(repo));
	is_int(kith_repo_lock(repo), 0, "lock");
	is_int(kith_repo_lock(repo), 0, "lock again (nested)");
	is_int(apply1(repo, "people/n.md", "n\n", "add: n"), 0,
		"apply while holding the lock");
	kith_repo_unlock(repo);
	ok(repo->lock_fd >= 0, "still held after one unlock");
	kith_repo_unlock(repo);
	ok(repo->lock_fd < 0, "released after the second");

	setenv("KITH_LOCK_TIMEOUT", "1", 1);
	pid = hold_lock(root);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = apply1(repo, "people/l.md", "l\n", "add: l");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	is_int(rc, KITH_ELOCKED, "a lock held elsewhere: KITH_ELOCKED");
	is_str(kith_error(), "repository is locked by another kith process "
		"('.kith/lock'): try again in a moment", "the message");
	ok((double)(t1.tv_sec - t0.tv_sec) +
		(double)(t1.tv_nsec - t0.tv_nsec) / 1e9 >= 0.95,
		"after waiting KITH_LOCK_TIMEOUT");
	ok(!exists(P("%s/people/l.md", root)), "nothing written");
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	unsetenv("KITH_LOCK_TIMEOUT");
	is_int(apply1(repo, "people/l.md", "l\n", "add: l"), 0,
		"works once the lock is free");
	is_int(mode_of(P("%s/.kith/lock", root)), 0600, "the lock file is 0600");
	is_clean(repo, "lock: clean");
	kith_repo_free(repo);
}

/* ---- templates ---- */

static void
test_template_files(void)
{
	static const char *const names[] = { "person.md", "day.md", "kith.conf" };
	const char *src = getenv("KITH_SRC_DIR");
	char *text = NULL;
	size_t len;

	for (size_t i = 0; i < 3; i++) {
		if (!src || !*src) {
			ok(1, "# SKIP built-in templates: KITH_SRC_DIR unset");
			continue;
		}
		if (kith_file_read(&text, &len, P("%s/templates/%s", src,
		    names[i])) < 0)
			bail(names[i]);
		is_str(kith_template_builtin(names[i]), text,
			P("built-in %s equals templates/%s", names[i], names[i]));
		free(text);
	}
}

static void
test_templates(void)
{
	const char *keys[] = { "name", "fields" };
	const char *vals[] = { "Jane Doe", "" };
	const char *dir = newdir("tmpl");
	char *s = NULL;

	test_template_files();
	setenv("KITH_TEMPLATE_DIR", dir, 1);
	is_int(kith_template_read(&s, "person.md"), 0, "read person.md");
	is_str(s, kith_template_builtin("person.md"), "falls back to built-in");
	free(s);
	put_file(P("%s/person.md", dir), "## {{name}}\n");
	kith_template_read(&s, "person.md");
	is_str(s, "## {{name}}\n", "KITH_TEMPLATE_DIR first");
	free(s);
	unsetenv("KITH_TEMPLATE_DIR");
	is_int(kith_template_read(&s, "../person.md"), KITH_EINVALID,
		"refuses a path");
	is_int(kith_template_read(&s, ".x"), KITH_EINVALID, "refuses a dot name");
	is_int(kith_template_read(&s, "none.md"), KITH_ENOTFOUND,
		"unknown template");

	kith_template_expand(&s, kith_template_builtin("person.md"), keys, vals, 2);
	is_str(s, "# Jane Doe\n", "person without fields: no blank lines");
	free(s);
	vals[1] = "\n- email: j@example.com\n";
	kith_template_expand(&s, kith_template_builtin("person.md"), keys, vals, 2);
	is_str(s, "# Jane Doe\n\n- email: j@example.com\n", "person with fields");
	free(s);
	vals[0] = "{{fields}}";
	kith_template_expand(&s, "{{ name }} {{x}} {{name", keys, vals, 2);
	is_str(s, "{{fields}} {{x}} {{name", "trimmed key; unknown and "
		"unclosed kept; values not expanded");
	free(s);
	kith_template_expand(&s, "{{{{name}}}}", keys, vals, 1);
	is_str(s, "{{{{fields}}}}", "braces around a key");
	free(s);
}

/*
 * The files the loader reads, listed by names alone (readdir's d_type)
 * and by a walk that stats each: the same set, whatever else lies about.
 * Then each read through a kith_dirfd, as kith grep reads them.
 */
static void
test_files(void)
{
	struct kith_repo *r = newrepo("files");
	const char *top = kith_repo_root(r);
	static const char *const want[] = {
		"journal/2025/2025-01-01.md", "journal/2025/2025-02-01.md",
		"journal/2026/2026-03-04.md", "people/ana.md", "people/bo.md", NULL,
	};
	struct kith_walk w;
	char **files = NULL;
	size_t n = 0;

	newdir("files/journal/2025");
	newdir("files/journal/2026");
	newdir("files/journal/abcd");
	newdir("files/journal/2026/dir.md");
	newdir("files/people/dir.md");
	newdir("files/elsewhere");
	put_file(P("%s/journal/2025/2025-02-01.md", top), "b\n");
	put_file(P("%s/journal/2025/2025-01-01.md", top), "a\n");
	put_file(P("%s/journal/2025/notes.txt", top), "no\n");
	put_file(P("%s/journal/2026/2026-03-04.md", top), "c\n");
	put_file(P("%s/journal/2026/.hidden.md", top), "no\n");
	put_file(P("%s/journal/abcd/2026-01-01.md", top), "no\n");
	put_file(P("%s/journal/2027", top), "a file, not a year\n");
	put_file(P("%s/elsewhere/x.md", top), "no\n");
	put_file(P("%s/people/bo.md", top), "# Bo\n");
	put_file(P("%s/people/ana.md", top), "# Ana\n");
	if (symlink("../elsewhere", P("%s/journal/2028", top)) < 0 ||
	    symlink("../elsewhere/x.md", P("%s/people/link.md", top)) < 0 ||
	    mkfifo(P("%s/people/fifo.md", top), 0600) < 0)
		bail("symlink");

	is_int(kith_repo_files(&files, &n, r), 0, "files: listed by names");
	is_int((int)n, 5, "files: only the loader's five");
	for (size_t i = 0; want[i]; i++)
		is_str(i < n ? files[i] : "(none)", want[i], "files: in path order");
	is_int(kith_repo_walk(&w, r, NULL, 0, 0), 0, "files: the stat walk");
	ok(w.nfiles == n, "files: the stat walk finds as many");
	for (size_t i = 0; i < w.nfiles && i < n; i++)
		is_str(w.files[i].path, files[i], "files: the same paths");
	ok(w.nfiles && w.files[0].size == 2 && w.files[0].ino, "files: the stat walk stats");
	kith_walk_free(&w);

	/* read through a directory fd, the one before it kept open */
	int root = open(top, O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct kith_dirfd d = KITH_DIRFD_INIT(root, r);
	const char *texts[] = { "a\n", "b\n", "c\n", "# Ana\n", "# Bo\n" };
	struct kith_buf b = KITH_BUF_INIT;
	for (size_t i = 0; i < n && i < 5; i++) {
		is_int(kith_dirfd_read_buf(&d, files[i], &b), 0, "dirfd: read");
		is_str(b.ptr ? b.ptr : "(null)", texts[i], "dirfd: the file's text");
		ok(b.len == strlen(texts[i]), "dirfd: its length");
	}
	/* one bigger than the buffer's first size, then a small one again */
	char *big = malloc(100001);
	if (!big)
		bail("malloc");
	for (size_t i = 0; i < 100000; i++)
		big[i] = "abcdefghij\n"[i % 11];
	big[100000] = '\0';
	put_file(P("%s/people/big.md", top), big);
	is_int(kith_dirfd_read_buf(&d, "people/big.md", &b), 0, "dirfd: a big file");
	ok(b.len == 100000 && !memcmp(b.ptr, big, 100000) && !b.ptr[b.len],
		"dirfd: all of it, NUL-terminated");
	is_int(kith_dirfd_read_buf(&d, "people/ana.md", &b), 0, "dirfd: a small one after");
	is_str(b.ptr, "# Ana\n", "dirfd: only its text");
	free(big);
	is_int(kith_dirfd_read_buf(&d, "people/gone.md", &b), KITH_ENOTFOUND,
		"dirfd: a missing file");
	is_str(kith_error(), P("cannot open '%s/people/gone.md': No such file or "
		"directory", top), "dirfd: named by its absolute path");
	ok(b.len == 0, "dirfd: nothing read");
	is_int(kith_dirfd_read_buf(&d, "nowhere/x.md", &b), KITH_ENOTFOUND,
		"dirfd: a missing directory");
	is_int(kith_dirfd_read_buf(&d, "people/dir.md", &b), KITH_ERROR,
		"dirfd: a directory cannot be read");
	is_str(kith_error(), P("cannot read '%s/people/dir.md': Is a directory", top),
		"dirfd: and says so");
	kith_buf_free(&b);
	kith_dirfd_close(&d);
	ok(d.fd == -1, "dirfd: closed");
	close(root);
	kith_repo_files_free(files);
	kith_repo_free(r);
}

int
main(void)
{
	if (!mkdtemp(base) || !getcwd(origcwd, sizeof origcwd))
		bail("mkdtemp");
	setenv("HOME", P("%s/home", base), 1);
	setenv("XDG_CONFIG_HOME", P("%s/home/.config", base), 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("KITH_DIR");
	unsetenv("KITH_TEMPLATE_DIR");
	unsetenv("KITH_LOCK_TIMEOUT");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	newdir("home");
	newdir("home/.config");
	kith_git_init();

	test_init();
	test_files();
	test_init_demo();
	test_init_existing_git();
	test_open();
	test_open_broken();
	test_config();
	test_apply_new();
	test_apply_refuse();
	test_all_or_nothing();
	test_hand_edits();
	test_delete_rename();
	test_autocommit_off();
	test_lock();
	test_templates();

	if (system(P("rm -rf '%s'", base)) != 0)
		printf("# could not remove %s\n", base);
	return done_testing();
}
