/*
 * gc.c - keep the git repository small and quick. libgit2 has no gc, and
 * every commit kith makes leaves its objects loose (a person edit writes
 * a new people tree of ~200 KB at 5,000 people), so kith packs them
 * itself with libgit2's packbuilder, deltas on.
 *
 * One run: the loose objects (found by reading objects/XX/, since
 * git_odb_foreach lists the packed ones too) that no pack kept holds go
 * into one new pack; when that would make more than GC_PACK_LIMIT packs,
 * the objects of every pack but the largest go in as well (with
 * KITH_GC_FULL, of every pack: one pack in all, deltas found again along
 * the history of every ref). The pack and its index are written, synced
 * and in place before anything is removed, and a loose file or an old
 * pack goes only once every object in it is found in a pack that stays:
 * a reader at any moment finds every object, loose or packed (libgit2
 * and git look again in objects/pack when an object has gone missing).
 * Nothing unreachable is dropped either: what was loose or packed is
 * packed. Packs with a .keep or .promisor file are left alone.
 *
 * The automatic run, after every commit, costs one opendir when there is
 * nothing to do: as git does, it counts the loose objects of objects/17
 * and runs when 256 times that passes kith.gcAuto. When it fails, the
 * commit has happened all the same: the message is kept for
 * kith_gc_warning() and in .kith/gc.log, and automatic runs wait a day
 * (or for a `kith gc` that succeeds) before they try again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2/sys/odb_backend.h>

#include "internal.h"

#define GC_PACK_LIMIT 16      /* more packs than this are merged */
#define GC_AUTO_DEFAULT 500   /* kith.gcAuto when unset */
#define GC_AUTO_DIR "17"      /* the sample directory, as git's */
#define GC_LOG ".kith/gc.log" /* why the last automatic run failed */
#define GC_LOG_EXPIRY (24 * 60 * 60)

struct pack {
	char *base;    /* absolute path without ".idx" or ".pack" */
	uint64_t size; /* of the .pack and .idx */
	bool keep;     /* a .keep or .promisor beside it: left alone */
	bool roll;     /* its objects go into the new pack, then it goes */
};

struct gc {
	struct kith_repo *repo;
	unsigned flags;
	bool sizes;              /* measure .git before and after */
	struct kith_buf objects; /* the objects directory, no trailing '/' */
	git_oid *loose;
	size_t nloose, caploose;
	struct pack *packs;
	size_t npacks, cappacks;
	git_odb *kept;           /* the packs that stay */
	git_packbuilder *pb;
	char *new_base;          /* the pack written, or NULL */
	int cb_rc;               /* what a foreach callback failed with */
	struct kith_gc_stats st;
};

static char warning[1024];

/* ---- small helpers ---- */

static int
oom(void)
{
	return kith_error_set(KITH_ERROR, "out of memory");
}

static bool
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A loose object's file name in objects/XX/: the other 38 hex digits. */
static bool
loose_name(const char *name)
{
	return strlen(name) == GIT_OID_HEXSZ - 2 && is_hex(name,
		GIT_OID_HEXSZ - 2);
}

static bool
exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* fsync a file or a directory by path. */
static int
sync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0 || fsync(fd) < 0)
		rc = kith_error_errno(KITH_ERROR, "cannot sync '%s'", path);
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The size of the regular files at and below path (lstat, no links). */
static uint64_t
tree_bytes(const char *path)
{
	struct kith_buf sub = KITH_BUF_INIT;
	struct dirent *de;
	struct stat st;
	uint64_t sum = 0;
	DIR *d;

	if (lstat(path, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return (uint64_t)st.st_size;
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		kith_buf_clear(&sub);
		if (kith_buf_printf(&sub, "%s/%s", path, de->d_name) == 0)
			sum += tree_bytes(sub.ptr);
	}
	closedir(d);
	kith_buf_free(&sub);
	return sum;
}

static int
objects_dir(struct kith_buf *out, git_repository *git)
{
	git_buf b = GIT_BUF_INIT;
	int rc = 0;

	if (git_repository_item_path(&b, git, GIT_REPOSITORY_ITEM_OBJECTS) < 0)
		return kith_error_git(KITH_ERROR, "cannot find the objects");
	while (b.size > 1 && b.ptr[b.size - 1] == '/')
		b.size--;
	kith_buf_clear(out);
	rc = kith_buf_put(out, b.ptr, b.size);
	git_buf_dispose(&b);
	return rc;
}

/* ---- what is there: loose objects and packs ---- */

static int
push_loose(struct gc *g, const char *dir, const char *name)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (g->nloose == g->caploose) {
		size_t cap = g->caploose ? 2 * g->caploose : 256;
		git_oid *v = realloc(g->loose, cap * sizeof *v);

		if (!v)
			return oom();
		g->loose = v;
		g->caploose = cap;
	}
	snprintf(hex, sizeof hex, "%s%s", dir, name);
	if (git_oid_fromstr(&g->loose[g->nloose], hex) < 0)
		return 0; /* not an object's name after all */
	g->nloose++;
	return 0;
}

/* Every objects/XX/<38 hex digits>. */
static int
scan_loose(struct gc *g)
{
	struct kith_buf path = KITH_BUF_INIT;
	struct dirent *de;
	char xx[3];
	int rc = 0;

	for (int i = 0; i < 256 && !rc; i++) {
		DIR *d;

		snprintf(xx, sizeof xx, "%02x", i);
		kith_buf_clear(&path);
		if ((rc = kith_buf_printf(&path, "%s/%s", g->objects.ptr, xx)) < 0)
			break;
		if (!(d = opendir(path.ptr))) {
			if (errno != ENOENT && errno != ENOTDIR)
				rc = kith_error_errno(KITH_ERROR, "cannot read '%s'",
					path.ptr);
			continue;
		}
		while (!rc && (de = readdir(d)))
			if (loose_name(de->d_name))
				rc = push_loose(g, xx, de->d_name);
		closedir(d);
	}
	kith_buf_free(&path);
	g->st.loose_before = g->nloose;
	return rc;
}

/* The pack whose index is objects/pack/name, if it has its .pack. */
static int
add_pack(struct gc *g, const char *dir, const char *name)
{
	struct kith_buf p = KITH_BUF_INIT;
	struct stat pst, ist;
	struct pack *k;
	int rc;

	if ((rc = kith_buf_printf(&p, "%s/%.*s", dir,
	    (int)(strlen(name) - 4), name)) < 0)
		goto out;
	size_t n = p.len;
	if ((rc = kith_buf_puts(&p, ".idx")) < 0 || stat(p.ptr, &ist) < 0)
		goto out;
	p.len = n;
	if ((rc = kith_buf_puts(&p, ".pack")) < 0 || stat(p.ptr, &pst) < 0)
		goto out; /* a pack being written, or half removed: not ours */
	if (g->npacks == g->cappacks) {
		size_t cap = g->cappacks ? 2 * g->cappacks : 8;
		struct pack *v = realloc(g->packs, cap * sizeof *v);

		if (!v) {
			rc = oom();
			goto out;
		}
		g->packs = v;
		g->cappacks = cap;
	}
	k = &g->packs[g->npacks];
	memset(k, 0, sizeof *k);
	k->size = (uint64_t)pst.st_size + (uint64_t)ist.st_size;
	p.len = n;
	k->keep = (kith_buf_puts(&p, ".keep") == 0 && exists(p.ptr));
	p.len = n;
	k->keep = k->keep || (kith_buf_puts(&p, ".promisor") == 0 &&
		exists(p.ptr));
	p.len = n;
	p.ptr[n] = '\0';
	if (!(k->base = strdup(p.ptr))) {
		rc = oom();
		goto out;
	}
	g->npacks++;
out:
	kith_buf_free(&p);
	return rc;
}

static bool
pack_index_name(const char *s)
{
	size_t n = strlen(s);

	return n == 5 + GIT_OID_HEXSZ + 4 && !strncmp(s, "pack-", 5) &&
		is_hex(s + 5, GIT_OID_HEXSZ) && !strcmp(s + n - 4, ".idx");
}

static int
scan_packs(struct gc *g)
{
	struct kith_buf dir = KITH_BUF_INIT;
	struct dirent *de;
	int rc;
	DIR *d;

	if ((rc = kith_buf_printf(&dir, "%s/pack", g->objects.ptr)) < 0)
		return rc;
	if (!(d = opendir(dir.ptr))) {
		if (errno != ENOENT)
			rc = kith_error_errno(KITH_ERROR, "cannot read '%s'", dir.ptr);
		kith_buf_free(&dir);
		return rc;
	}
	while (!rc && (de = readdir(d)))
		if (pack_index_name(de->d_name))
			rc = add_pack(g, dir.ptr, de->d_name);
	closedir(d);
	kith_buf_free(&dir);
	return rc;
}

static size_t
count_packs(struct gc *g)
{
	size_t n = g->npacks;

	for (size_t i = 0; i < g->npacks; i++)
		free(g->packs[i].base);
	g->npacks = 0;
	if (scan_packs(g) < 0)
		return n;
	return g->npacks;
}

/*
 * Which packs to merge into the new one: all with KITH_GC_FULL; all but
 * the largest when keeping them and adding one would pass the limit.
 */
static void
plan_roll(struct gc *g)
{
	size_t n = 0, largest = SIZE_MAX;

	for (size_t i = 0; i < g->npacks; i++) {
		if (g->packs[i].keep)
			continue;
		n++;
		if (largest == SIZE_MAX || g->packs[i].size >
		    g->packs[largest].size)
			largest = i;
	}
	if (!(g->flags & KITH_GC_FULL) &&
	    g->npacks + (g->nloose ? 1 : 0) <= GC_PACK_LIMIT)
		return;
	if (!(g->flags & KITH_GC_FULL) && n < 2)
		return;
	for (size_t i = 0; i < g->npacks; i++)
		g->packs[i].roll = !g->packs[i].keep &&
			((g->flags & KITH_GC_FULL) || i != largest);
}

/* ---- object databases of single packs ---- */

static int
odb_add_pack(git_odb *odb, const char *base)
{
	struct kith_buf idx = KITH_BUF_INIT;
	git_odb_backend *b = NULL;
	int rc = 0;

	if ((rc = kith_buf_printf(&idx, "%s.idx", base)) < 0)
		return rc;
	if (git_odb_backend_one_pack(&b, idx.ptr) < 0)
		rc = kith_error_git(KITH_ERROR, "cannot open a pack");
	else if (git_odb_add_backend(odb, b, 1) < 0) {
		b->free(b);
		rc = kith_error_git(KITH_ERROR, "cannot open a pack");
	}
	kith_buf_free(&idx);
	return rc;
}

/* An object database of the packs not rolled up, and extra (if any). */
static int
kept_odb(git_odb **out, struct gc *g, const char *extra)
{
	int rc = 0;

	if (git_odb_new(out) < 0)
		return kith_error_git(KITH_ERROR, "cannot open the packs");
	for (size_t i = 0; i < g->npacks && !rc; i++)
		if (!g->packs[i].roll)
			rc = odb_add_pack(*out, g->packs[i].base);
	if (!rc && extra)
		rc = odb_add_pack(*out, extra);
	if (rc < 0) {
		git_odb_free(*out);
		*out = NULL;
	}
	return rc;
}

static bool
in_odb(git_odb *odb, const git_oid *id)
{
	return git_odb_exists_ext(odb, id, GIT_ODB_LOOKUP_NO_REFRESH) == 1;
}

/* ---- building the pack ---- */

static int
insert(struct gc *g, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];
	const git_error *e;

	if (in_odb(g->kept, id) || git_packbuilder_insert(g->pb, id, NULL) == 0)
		return 0;
	e = git_error_last();
	git_oid_tostr(hex, sizeof hex, id);
	return kith_error_set(KITH_ERROR, "cannot pack object %s: %s: "
		"check the repository with 'git fsck'", hex,
		e && e->message ? e->message : "unknown git error");
}

static int
insert_cb(const git_oid *id, void *payload)
{
	struct gc *g = payload;

	return (g->cb_rc = insert(g, id)) < 0 ? 1 : 0;
}

static int
insert_pack(struct gc *g, const struct pack *k)
{
	git_odb *odb = NULL;
	int rc;

	if (git_odb_new(&odb) < 0)
		return kith_error_git(KITH_ERROR, "cannot open a pack");
	g->cb_rc = 0;
	if (!(rc = odb_add_pack(odb, k->base)) &&
	    git_odb_foreach(odb, insert_cb, g) != 0)
		rc = g->cb_rc < 0 ? g->cb_rc :
			kith_error_git(KITH_ERROR, "cannot read a pack");
	git_odb_free(odb);
	return rc;
}

/*
 * Everything reachable from a ref, named by path so that the deltas go
 * between versions of one file (as git repack -a does).
 */
static int
insert_history(struct gc *g)
{
	git_revwalk *walk = NULL;
	int rc = 0;

	if (git_revwalk_new(&walk, g->repo->git) < 0 ||
	    git_revwalk_push_glob(walk, "*") < 0)
		rc = kith_error_git(KITH_ERROR, "cannot walk the history");
	else {
		if (git_revwalk_push_head(walk) < 0)
			git_error_clear(); /* unborn or detached nowhere */
		if (git_packbuilder_insert_walk(g->pb, walk) < 0)
			rc = kith_error_git(KITH_ERROR, "cannot pack the history");
	}
	git_revwalk_free(walk);
	return rc;
}

static int
fill(struct gc *g)
{
	bool keep_any = false;
	int rc;

	if (git_packbuilder_new(&g->pb, g->repo->git) < 0)
		return kith_error_git(KITH_ERROR, "cannot start a pack");
	git_packbuilder_set_threads(g->pb, 0);
	for (size_t i = 0; i < g->npacks; i++)
		keep_any = keep_any || !g->packs[i].roll;
	if ((g->flags & KITH_GC_FULL) && !keep_any &&
	    (rc = insert_history(g)) < 0)
		return rc;
	for (size_t i = 0; i < g->nloose; i++)
		if ((rc = insert(g, &g->loose[i])) < 0)
			return rc;
	for (size_t i = 0; i < g->npacks; i++)
		if (g->packs[i].roll && (rc = insert_pack(g, &g->packs[i])) < 0)
			return rc;
	return 0;
}

/* Write the pack (NULL: the objects/pack directory), sync it, note it. */
static int
write_pack(struct gc *g)
{
	struct kith_buf p = KITH_BUF_INIT;
	const char *name;
	int rc;

	if (git_packbuilder_write(g->pb, NULL, 0, NULL, NULL) < 0)
		return kith_error_git(KITH_ERROR, "cannot write the pack");
	g->st.packed = git_packbuilder_written(g->pb);
	if (!(name = git_packbuilder_name(g->pb)))
		return kith_error_set(KITH_ERROR, "the new pack has no name");
	if ((rc = kith_buf_printf(&p, "%s/pack/pack-%s", g->objects.ptr,
	    name)) < 0)
		goto out;
	if (!(g->new_base = strdup(p.ptr))) {
		rc = oom();
		goto out;
	}
	if ((rc = kith_buf_puts(&p, ".pack")) < 0 || (rc = sync_path(p.ptr)) < 0)
		goto out;
	p.len -= 5;
	if ((rc = kith_buf_puts(&p, ".idx")) < 0 || (rc = sync_path(p.ptr)) < 0)
		goto out;
	kith_buf_clear(&p);
	if (!(rc = kith_buf_printf(&p, "%s/pack", g->objects.ptr)))
		rc = sync_path(p.ptr);
out:
	kith_buf_free(&p);
	return rc;
}

/* ---- removing what is now packed ---- */

static int
remove_loose(struct gc *g, git_odb *safe)
{
	struct kith_buf path = KITH_BUF_INIT;
	char hex[GIT_OID_HEXSZ + 1];
	int rc = 0;

	for (size_t i = 0; i < g->nloose; i++) {
		if (!in_odb(safe, &g->loose[i]))
			continue; /* never: no pack holds it */
		git_oid_tostr(hex, sizeof hex, &g->loose[i]);
		kith_buf_clear(&path);
		if ((rc = kith_buf_printf(&path, "%s/%.2s/%s", g->objects.ptr,
		    hex, hex + 2)) < 0)
			break;
		if (unlink(path.ptr) == 0)
			g->st.removed++;
		else if (errno != ENOENT) {
			rc = kith_error_errno(KITH_ERROR, "cannot remove '%s'",
				path.ptr);
			break;
		}
	}
	/*
	 * The objects/XX directories stay, empty, unlike git prune-packed's:
	 * the next commits would only make them again, and a rmdir or mkdir
	 * costs up to 2 ms on a VM's ext4 (256 of them doubled the gc).
	 */
	kith_buf_free(&path);
	return rc;
}

struct all_safe {
	git_odb *safe;
	bool missing;
};

static int
check_safe(const git_oid *id, void *payload)
{
	struct all_safe *a = payload;

	if (in_odb(a->safe, id))
		return 0;
	a->missing = true;
	return 1;
}

/* Remove a rolled-up pack once each of its objects is in safe. */
static int
remove_pack(struct gc *g, const struct pack *k, git_odb *safe)
{
	static const char *const ext[] = { ".idx", ".pack", ".rev", ".bitmap",
		".mtimes" };
	struct all_safe a = { safe, false };
	struct kith_buf p = KITH_BUF_INIT;
	git_odb *odb = NULL;
	int rc;

	if (g->new_base && !strcmp(k->base, g->new_base))
		return 0; /* the same objects were written again: it is the new one */
	if (git_odb_new(&odb) < 0)
		return kith_error_git(KITH_ERROR, "cannot open a pack");
	if ((rc = odb_add_pack(odb, k->base)) < 0)
		goto out;
	if (git_odb_foreach(odb, check_safe, &a) < 0 && !a.missing) {
		rc = kith_error_git(KITH_ERROR, "cannot read a pack");
		goto out;
	}
	git_odb_free(odb);
	odb = NULL;
	if (a.missing)
		goto out; /* kept: cannot happen, but never lose an object */
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		kith_buf_clear(&p);
		if ((rc = kith_buf_printf(&p, "%s%s", k->base, ext[i])) < 0)
			goto out;
		if (unlink(p.ptr) < 0 && errno != ENOENT) {
			rc = kith_error_errno(KITH_ERROR, "cannot remove '%s'", p.ptr);
			goto out;
		}
	}
out:
	git_odb_free(odb);
	kith_buf_free(&p);
	return rc;
}

static int
remove_packed(struct gc *g)
{
	git_odb *safe = NULL;
	int rc;

	if ((rc = kept_odb(&safe, g, g->new_base)) < 0)
		return rc;
	rc = remove_loose(g, safe);
	for (size_t i = 0; i < g->npacks && !rc; i++)
		if (g->packs[i].roll)
			rc = remove_pack(g, &g->packs[i], safe);
	git_odb_free(safe);
	return rc;
}

/* ---- the run ---- */

static void
gc_free(struct gc *g)
{
	git_packbuilder_free(g->pb);
	git_odb_free(g->kept);
	for (size_t i = 0; i < g->npacks; i++)
		free(g->packs[i].base);
	free(g->packs);
	free(g->loose);
	free(g->new_base);
	kith_buf_free(&g->objects);
}

static void
clear_log(struct kith_repo *repo)
{
	struct kith_buf p = KITH_BUF_INIT;

	if (kith_repo_path(&p, repo, GC_LOG) == 0)
		unlink(p.ptr);
	kith_buf_free(&p);
}

static int
gc_locked(struct gc *g)
{
	int rc;

	if (g->sizes)
		g->st.bytes_before = tree_bytes(git_repository_path(g->repo->git));
	if ((rc = objects_dir(&g->objects, g->repo->git)) < 0 ||
	    (rc = scan_loose(g)) < 0 || (rc = scan_packs(g)) < 0)
		return rc;
	g->st.packs_before = g->npacks;
	plan_roll(g);
	if ((rc = kept_odb(&g->kept, g, NULL)) < 0 || (rc = fill(g)) < 0)
		return rc;
	if (git_packbuilder_object_count(g->pb) > 0 && (rc = write_pack(g)) < 0)
		return rc;
	git_packbuilder_free(g->pb);
	g->pb = NULL;
	git_odb_free(g->kept);
	g->kept = NULL;
	if ((rc = remove_packed(g)) < 0)
		return rc;
	g->st.packs_after = count_packs(g);
	if (g->sizes)
		g->st.bytes_after = tree_bytes(git_repository_path(g->repo->git));
	clear_log(g->repo);
	return 0;
}

int
kith_gc(struct kith_gc_stats *out, struct kith_repo *repo, unsigned flags)
{
	struct gc g = { .repo = repo, .flags = flags, .sizes = out != NULL };
	int rc;

	if (out)
		memset(out, 0, sizeof *out);
	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	rc = gc_locked(&g);
	kith_repo_unlock(repo);
	if (out)
		*out = g.st;
	gc_free(&g);
	return rc;
}

/* ---- the automatic run ---- */

/* Whether objects/17 holds more than limit/256 loose objects (rounded up). */
static int
too_many_loose(bool *out, struct kith_repo *repo, int limit)
{
	struct kith_buf dir = KITH_BUF_INIT;
	size_t max = ((size_t)limit + 255) / 256, n = 0;
	struct dirent *de;
	int rc;
	DIR *d;

	*out = false;
	if ((rc = objects_dir(&dir, repo->git)) < 0 ||
	    (rc = kith_buf_puts(&dir, "/" GC_AUTO_DIR)) < 0)
		goto out;
	if (!(d = opendir(dir.ptr)))
		goto out; /* none there yet */
	while (n <= max && (de = readdir(d)))
		if (loose_name(de->d_name))
			n++;
	closedir(d);
	*out = n > max;
out:
	kith_buf_free(&dir);
	return rc;
}

/* Whether an automatic run failed less than a day ago. */
static bool
failed_lately(struct kith_repo *repo)
{
	struct kith_buf p = KITH_BUF_INIT;
	struct stat st;
	bool yes;

	yes = kith_repo_path(&p, repo, GC_LOG) == 0 && stat(p.ptr, &st) == 0 &&
		time(NULL) - st.st_mtime < GC_LOG_EXPIRY;
	kith_buf_free(&p);
	return yes;
}

/* Keep why it failed in .kith/gc.log (best effort: it is a warning). */
static void
write_log(struct kith_repo *repo, const char *msg)
{
	struct kith_buf p = KITH_BUF_INIT;
	int fd;

	if (kith_repo_path(&p, repo, GC_LOG) == 0 && (fd = open(p.ptr,
	    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)) >= 0) {
		size_t n = strlen(msg);
		/* a short write leaves a shorter message: nothing better to do */
		bool ok = write(fd, msg, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
		(void)ok;
		close(fd);
	}
	kith_buf_free(&p);
}

static int
warn(int rc, const char *fmt, const char *msg)
{
	snprintf(warning, sizeof warning, fmt, msg);
	return rc;
}

int
kith_gc_auto(struct kith_repo *repo)
{
	bool due;
	int limit, rc;

	if ((rc = kith_repo_config_int(&limit, repo, "kith.gcAuto",
	    GC_AUTO_DEFAULT)) < 0)
		return warn(rc, "automatic gc skipped: %s", kith_error());
	if (limit <= 0)
		return 0;
	if ((rc = too_many_loose(&due, repo, limit)) < 0)
		return warn(rc, "automatic gc skipped: %s", kith_error());
	if (!due)
		return 0;
	if (failed_lately(repo))
		return warn(0, "%s", "the last automatic gc failed (see "
			"'" GC_LOG "'): run 'kith gc'");
	if ((rc = kith_gc(NULL, repo, 0)) < 0) {
		write_log(repo, kith_error());
		return warn(rc, "automatic gc failed: %s: run 'kith gc'",
			kith_error());
	}
	return 1;
}

const char *
kith_gc_warning(void)
{
	return warning[0] ? warning : NULL;
}

void
kith_gc_warn(FILE *f, const char *prog)
{
	if (warning[0])
		fprintf(f, "%s: warning: %s\n", prog, warning);
}

int
kith_gc_log(char **out, struct kith_repo *repo)
{
	struct kith_buf p = KITH_BUF_INIT;
	size_t len = 0;
	int rc;

	*out = NULL;
	if ((rc = kith_repo_path(&p, repo, GC_LOG)) == 0 && exists(p.ptr))
		rc = kith_file_read(out, &len, p.ptr);
	kith_buf_free(&p);
	while (*out && len && (*out)[len - 1] == '\n')
		(*out)[--len] = '\0';
	return rc;
}
