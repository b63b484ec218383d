/*
 * t-history.c - unit tests for lib/history.c: kith's verbs, commit dates
 * in the author's offset, path checks, the status of each commit in a
 * file's history (added, modified, renamed, deleted, added again), its
 * text and patch, and the undo plan. Repositories live in a mkdtemp
 * directory with HOME inside it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kith.h"
#include "tap.h"

static char base[64] = "/tmp/t-history.XXXXXX";

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, kith_error());
	exit(1);
}

static void
test_verbs(void)
{
	static const char *const yes[] = {
		"init: kith repository", "add: Jane Doe", "log: coffee",
		"edit: Jane", "done: send it", "mv: a -> b (3 files)",
		"merge: b into a", "undo: log: x", "sync: merge origin/main",
		"import: 12 contacts",
	};
	static const char *const no[] = {
		"log:coffee", "logs: coffee", "Log: coffee", "log", "", "fix typo",
		"Merge branch 'side'", " log: x", "undo:",
	};

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		ok(kith_commit_is_kith(yes[i]), yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		ok(!kith_commit_is_kith(no[i]), no[i]);
	ok(!kith_commit_is_kith(NULL), "NULL is no kith commit");
}

static void
test_dates(void)
{
	struct kith_commit c = { .time = 1795680000 }; /* 2026-11-26 08:00 UTC */
	char buf[KITH_COMMIT_DATE_MAX];

	is_str(kith_commit_date(buf, &c, false), "2026-11-26 08:00", "UTC");
	is_str(kith_commit_date(buf, &c, true), "2026-11-26T08:00:00+00:00",
		"UTC, ISO");
	c.offset = 330;
	is_str(kith_commit_date(buf, &c, true), "2026-11-26T13:30:00+05:30",
		"+05:30");
	c.offset = -570;
	is_str(kith_commit_date(buf, &c, false), "2026-11-25 22:30",
		"-09:30: the day before");
	is_str(kith_commit_date(buf, &c, true), "2026-11-25T22:30:00-09:30",
		"-09:30, ISO");
	c.time = 0;
	c.offset = -1;
	is_str(kith_commit_date(buf, &c, true), "1969-12-31T23:59:00-00:01",
		"before the epoch, a minute west");
}

static struct kith_repo *
newrepo(const char *name)
{
	struct kith_init_options opts = { .demo = false };
	struct kith_repo *repo;
	char d[128];

	snprintf(d, sizeof d, "%s/%s", base, name);
	if (kith_repo_init(d, &opts) < 0 || kith_repo_open(&repo, d) < 0)
		bail(d);
	return repo;
}

static void
apply(struct kith_repo *repo, const char *path, const char *data,
	const char *from, const char *msg)
{
	struct kith_change c = { path, data, data ? strlen(data) : 0, from };

	if (kith_repo_apply(repo, &c, 1, msg) < 0)
		bail(msg);
}

static void
test_paths(struct kith_repo *repo)
{
	static const char *const bad[] = {
		"", "/etc/passwd", "../x", "people/../x", "people//x.md",
		"people/", "./kith.conf", "people/.", "..",
	};
	struct kith_history *h = NULL;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		is_int(kith_history_file(&h, repo, bad[i]), KITH_EINVALID, bad[i]);
		ok(!h, "no history for a bad path");
	}
	is_int(kith_history_file(&h, repo, "people/nobody.md"), 0,
		"a path never committed");
	is_int(h->n, 0, "has no history");
	kith_history_free(h);
	is_int(kith_history_file(&h, repo, "kith.conf"), 0, "kith.conf");
	is_int(h->n, 1, "one commit");
	is_int(h->commits[0].status, 'A', "added");
	ok(!h->commits[0].old_path, "added: no old path");
	is_str(h->commits[0].summary, "init: kith repository", "its message");
	is_int(strlen(h->commits[0].id), 40, "full id");
	ok(strlen(h->commits[0].short_id) >= 7, "short id");
	ok(!strncmp(h->commits[0].id, h->commits[0].short_id,
		strlen(h->commits[0].short_id)), "short id is a prefix");
	kith_history_free(h);
}

/* a.md added, edited, renamed to b.md, deleted, b.md added again. */
static void
test_statuses(struct kith_repo *repo)
{
	static const char *const text = "# A\n\n- phone: 1\n\nsome notes\n"
		"more notes\nand more\n";
	static const char *const want[][4] = {
		/* summary, status, path, old_path */
		{ "add: b again", "A", "people/b.md", NULL },
		{ "edit: rm b", "D", "people/b.md", "people/b.md" },
		{ "mv: a -> b", "R", "people/b.md", "people/a.md" },
		{ "edit: a", "M", "people/a.md", "people/a.md" },
		{ "add: a", "A", "people/a.md", NULL },
	};
	struct kith_history *h;
	char *s;
	size_t len;

	apply(repo, "people/a.md", text, NULL, "add: a");
	apply(repo, "people/a.md", "# A\n\n- phone: 2\n\nsome notes\n"
		"more notes\nand more\n", NULL, "edit: a");
	apply(repo, "people/b.md", "# B\n\n- phone: 2\n\nsome notes\n"
		"more notes\nand more\n", "people/a.md", "mv: a -> b");
	apply(repo, "people/b.md", NULL, NULL, "edit: rm b");
	apply(repo, "people/b.md", "# B again\n", NULL, "add: b again");
	if (kith_history_file(&h, repo, "people/b.md") < 0)
		bail("history");
	is_int(h->n, 5, "five commits, across the rename and the deletion");
	for (size_t i = 0; i < h->n && i < 5; i++) {
		const struct kith_commit *c = &h->commits[i];
		is_str(c->summary, want[i][0], "newest first");
		is_int(c->status, want[i][1][0], want[i][0]);
		is_str(c->path, want[i][2], "the name in that commit");
		is_str(c->old_path, want[i][3], "the name in its parent");
		is_str(c->author, "kith", "the author");
	}
	if (h->n != 5)
		bail("history");
	is_int(kith_history_text(&s, &len, repo, &h->commits[4]), 0,
		"the text of the first version");
	is_str(s, text, "is as written");
	is_int(len, strlen(text), "its length");
	free(s);
	is_int(kith_history_text(&s, &len, repo, &h->commits[1]), KITH_ENOTFOUND,
		"the deletion has no text");
	ok(!s, "and gives none");
	is_int(kith_history_patch(&s, repo, &h->commits[2]), 0, "the rename's patch");
	ok(strstr(s, "\nrename from people/a.md\nrename to people/b.md\n") &&
		strstr(s, "\n-# A\n+# B\n"), "says rename and shows the edit");
	free(s);
	is_int(kith_history_patch(&s, repo, &h->commits[1]), 0, "the deletion's patch");
	ok(strstr(s, "deleted file mode") && strstr(s, "\n-# B\n"), "removes it all");
	free(s);

	struct kith_field_change *v;
	size_t n;
	is_int(kith_history_field(&v, &n, repo, h, "phone"), 0, "the phone's story");
	is_int(n, 3, "set, changed, removed; the rename and the new file no change");
	if (n == 3) {
		is_str(v[0].commit->summary, "add: a", "oldest first");
		ok(v[0].n == 1 && !strcmp(v[0].values[0], "1"), "first value");
		is_str(v[1].commit->summary, "edit: a", "then the edit");
		ok(v[1].n == 1 && !strcmp(v[1].values[0], "2"), "second value");
		is_str(v[2].commit->summary, "edit: rm b", "then the deletion");
		ok(v[2].n == 0 && !v[2].skipped, "removed");
	}
	is_int(kith_history_field(&v, &n, repo, h, "email"), 0, "a field never set");
	is_int(n, 0, "has no story");
	kith_history_free(h);
}

static void
test_undo(struct kith_repo *repo)
{
	struct kith_undo *u = NULL;
	struct kith_history *h;
	struct stat st;
	char path[256];

	if (kith_undo_plan(&u, repo) < 0)
		bail("plan");
	is_str(u->commit.summary, "add: b again", "undo: HEAD");
	ok(u->kith, "is kith's");
	is_int(u->nparents, 1, "one parent");
	is_int(u->nfiles, 1, "one file");
	is_int(u->files[0].status, 'A', "added");
	is_str(u->files[0].path, "people/b.md", "its path");
	ok(!u->files[0].dirty && !u->ndirty, "clean");
	is_int(kith_undo_apply(u, repo), 0, "undo");
	kith_undo_free(u);
	snprintf(path, sizeof path, "%s/people/b.md", kith_repo_root(repo));
	ok(stat(path, &st) < 0, "the file is gone");
	if (kith_history_file(&h, repo, "people/b.md") < 0)
		bail("history");
	is_str(h->commits[0].summary, "undo: add: b again", "committed");
	is_int(h->commits[0].status, 'D', "as a deletion");
	kith_history_free(h);

	FILE *f = fopen(path, "w");
	if (!f || fputs("mine\n", f) < 0 || fclose(f) < 0)
		bail(path);
	if (kith_undo_plan(&u, repo) < 0)
		bail("plan");
	is_int(u->files[0].status, 'D', "undo of the undo: restores");
	ok(u->files[0].dirty && u->ndirty == 1, "over an untracked file: dirty");
	is_int(kith_undo_apply(u, repo), KITH_EINVALID, "refused");
	ok(strstr(kith_error(), "'people/b.md' has changes not committed"),
		"names the file");
	kith_undo_free(u);
	unlink(path);
}

int
main(void)
{
	struct kith_repo *repo;
	char home[128];

	if (!mkdtemp(base))
		bail("mkdtemp");
	snprintf(home, sizeof home, "%s/home", base);
	if (mkdir(home, 0700) < 0)
		bail(home);
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("KITH_DIR");
	unsetenv("KITH_TEMPLATE_DIR");
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");

	test_verbs();
	test_dates();
	repo = newrepo("repo");
	test_paths(repo);
	test_statuses(repo);
	test_undo(repo);
	kith_repo_free(repo);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", base);
	return done_testing();
}
