/*
 * t-gc.c - unit tests for lib/gc.c: what kith_gc reports (loose objects
 * found, packed, removed; packs before and after), that a second run has
 * nothing to do, and what kith_gc_auto returns below and past
 * kith.gcAuto, with it 0, and with a bad value (a warning, no run).
 * The repository lives in a mkdtemp directory with HOME inside it;
 * tests/cli/t3300-gc.t checks the files and git's view of them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static char base[64] = "/tmp/t-gc.XXXXXX";
static char dir[128];
static struct kith_repo *repo;

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, kith_error());
	exit(1);
}

/* Reopen the repository with kith.conf's [kith] section set to conf. */
static void
reopen(const char *conf)
{
	char path[192];
	FILE *f;

	kith_repo_free(repo);
	snprintf(path, sizeof path, "%s/kith.conf", dir);
	if (!(f = fopen(path, "w")) || fprintf(f, "[kith]\n%s", conf) < 0 ||
	    fclose(f) == EOF)
		bail(path);
	if (kith_repo_open(&repo, dir) < 0)
		bail(dir);
}

/* Loose blobs "kith gc test N\n": each of these N gives an id 17... */
static void
plant(const int *n, size_t count)
{
	char text[64];
	git_oid id;

	for (size_t i = 0; i < count; i++) {
		int len = snprintf(text, sizeof text, "kith gc test %d\n", n[i]);
		if (git_blob_create_from_buffer(&id, kith_repo_git(repo), text,
		    (size_t)len) < 0 || id.id[0] != 0x17)
			bail("plant");
	}
}

/* How many loose objects objects/17 holds. */
static int
in_17(void)
{
	char path[192];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof path, "%s/.git/objects/17", dir);
	if (!(d = opendir(path)))
		return 0;
	while ((de = readdir(d)))
		n += strlen(de->d_name) == 38;
	closedir(d);
	return n;
}

static void
test_gc(void)
{
	struct kith_gc_stats st, again;

	ok(kith_gc_warning() == NULL, "no warning before any automatic gc");
	is_int(kith_gc_auto(repo), 0, "a fresh repository is below kith.gcAuto");
	is_int(kith_gc(&st, repo, 0), 0, "kith_gc packs");
	ok(st.loose_before >= 3, "the first commit left loose objects");
	is_int(st.packed, st.loose_before, "each of them went into the pack");
	is_int(st.removed, st.loose_before, "and each loose file is removed");
	is_int(st.packs_before, 0, "no pack before");
	is_int(st.packs_after, 1, "one pack after");
	ok(st.bytes_before > 0 && st.bytes_after > 0, ".git's sizes are counted");

	is_int(kith_gc(&again, repo, 0), 0, "a second kith_gc");
	is_int(again.loose_before, 0, "finds nothing loose");
	is_int(again.packed, 0, "writes no pack");
	is_int(again.removed, 0, "removes nothing");
	is_int(again.packs_after, 1, "and leaves the one pack");
	is_int(again.bytes_after, st.bytes_after, "and .git as it was");

	is_int(kith_gc(&again, repo, KITH_GC_FULL), 0, "--full with one pack");
	is_int(again.packed, st.packed, "packs every object again");
	is_int(again.packs_after, 1, "into one pack, the old one gone");
}

static void
test_auto(void)
{
	struct kith_gc_stats st;
	char *log = (char *)"x";

	reopen("\tgcAuto = 256\n");
	plant((const int[]){ 535 }, 1);
	is_int(kith_gc_auto(repo), 0, "one loose object in objects/17: below 256");
	plant((const int[]){ 570 }, 1);
	is_int(in_17(), 2, "two loose objects in objects/17");
	reopen("\tgcAuto = 0\n");
	is_int(kith_gc_auto(repo), 0, "kith.gcAuto = 0: never");
	is_int(in_17(), 2, "nothing packed");
	reopen("\tgcAuto = 1000\n");
	is_int(kith_gc_auto(repo), 0, "kith.gcAuto = 1000: below (4 per directory)");
	reopen("\tgcAuto = 256\n");
	is_int(kith_gc_auto(repo), 1, "past 256: it runs");
	is_int(in_17(), 0, "and packs them");
	ok(kith_gc_warning() == NULL, "with no warning");
	is_int(kith_gc(&st, repo, 0), 0, "kith_gc after it");
	is_int(st.loose_before, 0, "finds nothing loose");
	is_int(st.packs_after, 2, "and two packs");

	reopen("\tgcAuto = lots\n");
	plant((const int[]){ 578, 690 }, 2);
	ok(kith_gc_auto(repo) < 0, "a bad kith.gcAuto fails the automatic gc");
	ok(kith_gc_warning() && strstr(kith_gc_warning(),
		"automatic gc skipped: bad value 'lots' for 'kith.gcAuto'"),
		"with a warning that names the value");
	is_int(in_17(), 2, "and packs nothing");
	is_int(kith_gc_log(&log, repo), 0, "kith_gc_log");
	ok(log == NULL, "a bad setting leaves no .kith/gc.log");
}

int
main(void)
{
	struct kith_init_options opts = { .demo = false };
	char home[128];

	if (!mkdtemp(base))
		bail("mkdtemp");
	snprintf(home, sizeof home, "%s/home", base);
	setenv("HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("KITH_DIR");
	snprintf(dir, sizeof dir, "%s/repo", base);
	if (kith_repo_init(dir, &opts) < 0 || kith_repo_open(&repo, dir) < 0)
		bail(dir);

	test_gc();
	test_auto();

	kith_repo_free(repo);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", base);
	return done_testing();
}
