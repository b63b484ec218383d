/*
 * history.c - the git history of one file, and undoing the last commit.
 *
 * History walks the commits reachable from HEAD, children before parents,
 * and keeps for each commit the name the file has there (a rename changes
 * it for the commits before). Whether a commit changed the file is decided
 * by comparing tree entry ids along the path, one component at a time:
 * where the entry "people" is the same in a commit and its parent, no
 * person file changed and the people tree (200 KB at 5,000 people) is
 * never read. The subtrees read are kept in a few slots of our own, so
 * that the tree of a parent, read to compare it with its child, is not
 * read again when the walk reaches the parent (libgit2 caches no tree
 * over 4 KB, and caching every tree would hold hundreds of megabytes),
 * and libgit2's hash check of every object read is off (git log makes
 * none either): over 1,000 commits that each edit one of 5,000 people,
 * 0.25 s of CPU and 34 MB where plain tree lookups take 1.5 s (and a
 * 4 MB tree cache 0.8 s and 420 MB). For a commit of one parent, the
 * paths it changed are kept in .kith/history.cache (see below), so that
 * only the few commits that changed the file, and merges, have their
 * trees read again: 0.03 s instead of 0.25 s on those 1,000 commits
 * (the first history, which fills the cache, compares every commit with
 * its parent: 0.45 s). As git log does, a merge that took
 * the file unchanged from one parent is not listed and the walk follows
 * that parent only. Renames are looked for only where the file appears:
 * libgit2's similarity detection (50% or more) on that one commit's diff.
 *
 * Undo reverts HEAD with git_revert_commit (in memory, against HEAD
 * itself; a merge against its first parent) and writes the reverted
 * files through kith_repo_apply_ext, so the lock, the atomic write and
 * the commit are those of every other change kith makes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define NMEMO 8 /* subtrees kept: a few paths' worth */

/* Every first line kith writes starts with one of these and ": ". */
static const char *const verbs[] = {
	"init", "add", "log", "edit", "done", "mv", "merge", "undo", "sync",
	"import",
};

bool
kith_commit_is_kith(const char *message)
{
	for (size_t i = 0; message && i < sizeof verbs / sizeof *verbs; i++) {
		size_t n = strlen(verbs[i]);
		if (!strncmp(message, verbs[i], n) && message[n] == ':' &&
		    message[n + 1] == ' ')
			return true;
	}
	return false;
}

char *
kith_commit_date(char *buf, const struct kith_commit *c, bool iso)
{
	time_t t = (time_t)(c->time + (int64_t)c->offset * 60);
	int off = c->offset < 0 ? -c->offset : c->offset;
	struct tm tm;
	size_t n;

	if (!gmtime_r(&t, &tm) || !(n = strftime(buf, KITH_COMMIT_DATE_MAX,
	    iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M", &tm)))
		snprintf(buf, KITH_COMMIT_DATE_MAX, "?");
	else if (iso)
		snprintf(buf + n, KITH_COMMIT_DATE_MAX - n, "%c%02d:%02d",
			c->offset < 0 ? '-' : '+', off / 60 % 100, off % 60);
	return buf;
}

/* Reads for history, trusted (as git log trusts them): no hash check. */
static void
fast_reads(void)
{
	static bool done;

	kith_git_init();
	if (done)
		return;
	done = true;
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
}

static int
git_fail(const char *what)
{
	return kith_error_git(KITH_ERROR, what);
}

static char *
adup(struct kith_arena *a, const char *s)
{
	return kith_arena_strdup(a, s ? s : "");
}

/* Id, date, author and first line of c. */
static int
fill_commit(struct kith_commit *k, struct kith_arena *a, git_commit *c)
{
	const git_signature *s = git_commit_author(c);
	git_buf b = GIT_BUF_INIT;

	git_oid_tostr(k->id, sizeof k->id, git_commit_id(c));
	if (git_object_short_id(&b, (const git_object *)c) < 0)
		return git_fail("cannot abbreviate a commit id");
	snprintf(k->short_id, sizeof k->short_id, "%s", b.ptr);
	git_buf_dispose(&b);
	k->time = s->when.time;
	k->offset = s->when.offset;
	if (!(k->author = adup(a, s->name)) || !(k->email = adup(a, s->email)) ||
	    !(k->summary = adup(a, git_commit_summary(c))))
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/* A commit's tree, and that of its parent i. */
static int
commit_tree(git_tree **out, git_commit *c)
{
	return git_commit_tree(out, c) < 0 ?
		git_fail("cannot read a commit's tree") : 0;
}

static int
parent_tree(git_tree **out, git_commit *c, unsigned i)
{
	git_commit *p = NULL;
	int rc = 0;

	*out = NULL;
	if (git_commit_parent(&p, c, i) < 0 || git_commit_tree(out, p) < 0)
		rc = git_fail("cannot read a parent commit");
	git_commit_free(p);
	return rc;
}

static bool
in_tree(git_tree *tree, const char *path)
{
	git_tree_entry *e = NULL;

	if (!tree || git_tree_entry_bypath(&e, tree, path) < 0)
		return false;
	git_tree_entry_free(e);
	return true;
}

/* ---- paths ---- */

/* A plain repository-relative path: no "/" first, no empty, . or .. part. */
static int
check_path(const char *path)
{
	const char *s = path, *e;

	for (;; s = e + 1) {
		e = strchrnul(s, '/');
		if (e == s || (e - s == 1 && s[0] == '.') ||
		    (e - s == 2 && s[0] == '.' && s[1] == '.'))
			return kith_error_set(KITH_EINVALID, "bad path '%s': name "
				"a file relative to the repository's top, as "
				"'people/jane-doe.md'", path);
		if (!*e)
			return 0;
	}
}

/* The subtrees read last, kept for the next commit of the walk. */
struct memo {
	git_repository *git;
	git_tree *v[NMEMO];
	size_t next;
};

/* Tree id (a reference of our own), from the memo or read into it. */
static int
memo_tree(git_tree **out, struct memo *m, const git_oid *id)
{
	git_tree **slot;

	for (size_t i = 0; i < NMEMO; i++)
		if (m->v[i] && git_oid_equal(git_tree_id(m->v[i]), id))
			return git_object_dup((git_object **)out,
				(git_object *)m->v[i]) < 0 ?
				git_fail("cannot read a tree") : 0;
	if (git_tree_lookup(out, m->git, id) < 0)
		return git_fail("cannot read a tree");
	slot = &m->v[m->next++ % NMEMO];
	git_tree_free(*slot);
	if (git_object_dup((git_object **)slot, (git_object *)*out) < 0)
		*slot = NULL;
	return 0;
}

static void
memo_free(struct memo *m)
{
	for (size_t i = 0; i < NMEMO; i++)
		git_tree_free(m->v[i]);
}

/*
 * Whether path names the same thing in trees a and b (absent from both
 * counts as the same), reading subtrees only while their ids differ.
 */
static int
same_path(bool *same, struct memo *m, git_tree *a, git_tree *b,
	const char *path)
{
	struct kith_buf name = KITH_BUF_INIT;
	git_tree *sa = NULL, *sb = NULL; /* the subtrees read, owned */
	const char *s = path, *e;
	int rc = 0;

	for (;; s = e + 1) {
		e = strchrnul(s, '/');
		kith_buf_clear(&name);
		if ((rc = kith_buf_put(&name, s, (size_t)(e - s))) < 0)
			break;
		const git_tree_entry *ea = git_tree_entry_byname(a, name.ptr),
			*eb = git_tree_entry_byname(b, name.ptr);
		if (!ea || !eb) { /* the same if absent from the other one too */
			*same = !in_tree(ea ? a : b, s);
			break;
		}
		if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb))) {
			*same = git_tree_entry_filemode(ea) ==
				git_tree_entry_filemode(eb);
			break;
		}
		*same = false;
		if (!*e || git_tree_entry_type(ea) != GIT_OBJECT_TREE ||
		    git_tree_entry_type(eb) != GIT_OBJECT_TREE)
			break;
		git_tree *na = NULL, *nb = NULL;
		if ((rc = memo_tree(&na, m, git_tree_entry_id(ea))) < 0 ||
		    (rc = memo_tree(&nb, m, git_tree_entry_id(eb))) < 0) {
			git_tree_free(na);
			break;
		}
		git_tree_free(sa);
		git_tree_free(sb);
		a = sa = na;
		b = sb = nb;
	}
	git_tree_free(sa);
	git_tree_free(sb);
	kith_buf_free(&name);
	return rc;
}

/* ---- the cache: the paths each commit changed against its parent ---- */

/*
 * .kith/history.cache, derived and disposable: a header line, then one
 * record per commit of one parent, appended as the walks meet them:
 *
 *	commit id (20 bytes) | n (4 bytes, little-endian) | n bytes of paths,
 *	each ending in NUL | FNV-1a 64 of all that (8 bytes, little-endian)
 *
 * A commit id fixes the commit's tree and its parent's, so a record can
 * never go stale. The paths are those whose tree entries differ; where a
 * whole directory is only on one side, the directory. A damaged tail is
 * cut off, a wrong header starts the file again; either way the commits
 * concerned are compared again. Nothing in here is needed: where the file
 * cannot be read or written, the walk compares the trees as before.
 */
#define CACHE_DIR ".kith"
#define CACHE_FILE ".kith/history.cache"
#define CACHE_MAGIC "kith history cache 1\n"
#define CACHE_MAGIC_LEN (sizeof CACHE_MAGIC - 1)
#define REC_HEAD (GIT_OID_RAWSZ + 4)
#define REC_SUM 8

struct crec {
	git_oid id;
	const char *paths; /* NULL: a free slot */
	size_t len;
};

struct cache {
	int fd; /* -1: no cache file */
	char *data; /* the file as read */
	struct crec *v;
	size_t cap, n; /* cap: 0 or a power of two */
	struct kith_buf add; /* records to append */
	bool fresh; /* the file is empty: the header goes first */
};

static uint64_t
fnv(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ULL;
	return h;
}

static uint64_t
get_le(const char *p, int n)
{
	uint64_t v = 0;

	for (int i = n; i-- > 0; )
		v = v << 8 | (unsigned char)p[i];
	return v;
}

static void
put_le(char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (char)(v & 0xff);
}

static struct crec *
crec_slot(struct crec *v, size_t cap, const git_oid *id)
{
	size_t i;

	memcpy(&i, id->id, sizeof i);
	for (i &= cap - 1; v[i].paths && !git_oid_equal(&v[i].id, id);
	     i = (i + 1) & (cap - 1))
		;
	return &v[i];
}

static int
crec_put(struct cache *c, const char *id, const char *paths, size_t len)
{
	struct crec *s;
	git_oid oid;

	if (2 * (c->n + 1) > c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 1024;
		struct crec *v = calloc(cap, sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		for (size_t i = 0; i < c->cap; i++)
			if (c->v[i].paths)
				*crec_slot(v, cap, &c->v[i].id) = c->v[i];
		free(c->v);
		c->v = v;
		c->cap = cap;
	}
	git_oid_fromraw(&oid, (const unsigned char *)id);
	s = crec_slot(c->v, c->cap, &oid);
	if (!s->paths) {
		s->id = oid;
		c->n++;
	}
	s->paths = paths;
	s->len = len;
	return 0;
}

/* The records of data[off..len): the offset where the good ones end. */
static int
cache_parse(struct cache *c, size_t *end, size_t off, size_t len)
{
	const char *d = c->data;
	int rc;

	while (len - off >= REC_HEAD + REC_SUM) {
		size_t n = (size_t)get_le(d + off + GIT_OID_RAWSZ, 4);
		if (n > len - off - REC_HEAD - REC_SUM ||
		    (n && d[off + REC_HEAD + n - 1] != '\0') ||
		    get_le(d + off + REC_HEAD + n, REC_SUM) !=
		    fnv(d + off, REC_HEAD + n, 0xcbf29ce484222325ULL))
			break;
		if ((rc = crec_put(c, d + off, d + off + REC_HEAD, n)) < 0)
			return rc;
		off += REC_HEAD + n + REC_SUM;
	}
	*end = off;
	return 0;
}

/* Open and read the cache; c->fd -1 where there is none to be had. */
static int
cache_open(struct cache *c, struct kith_repo *repo)
{
	struct kith_buf path = KITH_BUF_INIT;
	struct stat st;
	size_t len = 0, end = 0;
	ssize_t r;
	int rc;

	c->fd = -1;
	if ((rc = kith_repo_path(&path, repo, CACHE_DIR)) < 0)
		goto out;
	if (mkdir(path.ptr, 0700) < 0 && errno != EEXIST)
		goto out;
	kith_buf_clear(&path);
	if ((rc = kith_repo_path(&path, repo, CACHE_FILE)) < 0)
		goto out;
	c->fd = open(path.ptr, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (c->fd < 0 || fstat(c->fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !(c->data = malloc((size_t)st.st_size + 1)))
		goto fail;
	while (len < (size_t)st.st_size && (r = read(c->fd, c->data + len,
	    (size_t)st.st_size - len)) > 0)
		len += (size_t)r;
	if (len != (size_t)st.st_size)
		goto fail;
	if (len >= CACHE_MAGIC_LEN && !memcmp(c->data, CACHE_MAGIC,
	    CACHE_MAGIC_LEN)) {
		if ((rc = cache_parse(c, &end, CACHE_MAGIC_LEN, len)) < 0)
			goto out;
	}
	c->fresh = end == 0;
	if (end != (size_t)st.st_size && ftruncate(c->fd, (off_t)end) < 0)
		goto fail;
	goto out;
fail:
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
out:
	kith_buf_free(&path);
	return rc;
}

/* Append the new records (as best we can: the cache is never needed). */
static void
cache_close(struct cache *c)
{
	struct kith_buf b = KITH_BUF_INIT;

	if (c->fd >= 0 && c->add.len && (!c->fresh ||
	    kith_buf_put(&b, CACHE_MAGIC, CACHE_MAGIC_LEN) == 0) &&
	    kith_buf_put(&b, c->add.ptr, c->add.len) == 0) {
		size_t off = 0;
		ssize_t r;
		while (off < b.len && (r = write(c->fd, b.ptr + off,
		    b.len - off)) > 0)
			off += (size_t)r;
	}
	if (c->fd >= 0)
		close(c->fd);
	kith_buf_free(&b);
	kith_buf_free(&c->add);
	free(c->v);
	free(c->data);
}

/* Git's order of tree entries: a tree's name compares as if it ended "/". */
static int
entry_cmp(const git_tree_entry *x, const git_tree_entry *y)
{
	const char *a = git_tree_entry_name(x), *b = git_tree_entry_name(y);
	size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
	int r = memcmp(a, b, n), ca, cb;

	if (r)
		return r;
	ca = la > n ? (unsigned char)a[n] :
		git_tree_entry_type(x) == GIT_OBJECT_TREE ? '/' : 0;
	cb = lb > n ? (unsigned char)b[n] :
		git_tree_entry_type(y) == GIT_OBJECT_TREE ? '/' : 0;
	return ca - cb;
}

static int
put_path(struct kith_buf *out, const struct kith_buf *dir,
	const git_tree_entry *e)
{
	if (kith_buf_put(out, dir->ptr ? dir->ptr : "", dir->len) < 0 ||
	    kith_buf_put(out, git_tree_entry_name(e),
	    strlen(git_tree_entry_name(e)) + 1) < 0)
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/*
 * Put into out the paths under dir whose entries differ in trees a and b,
 * each ending in NUL, reading subtrees only where both sides have one and
 * their ids differ (a merge of the two sorted entry lists).
 */
static int
diff_paths(struct kith_buf *out, struct memo *m, git_tree *a, git_tree *b,
	struct kith_buf *dir)
{
	size_t i = 0, j = 0, na = git_tree_entrycount(a),
		nb = git_tree_entrycount(b);
	int rc = 0;

	while (!rc && (i < na || j < nb)) {
		const git_tree_entry *ea = i < na ?
			git_tree_entry_byindex(a, i) : NULL;
		const git_tree_entry *eb = j < nb ?
			git_tree_entry_byindex(b, j) : NULL;
		int d = !ea ? 1 : !eb ? -1 : entry_cmp(ea, eb);
		if (d) {
			rc = put_path(out, dir, d < 0 ? ea : eb);
			i += d < 0;
			j += d > 0;
			continue;
		}
		i++;
		j++;
		if (git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
		    git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
			continue;
		if (git_tree_entry_type(ea) != GIT_OBJECT_TREE ||
		    git_tree_entry_type(eb) != GIT_OBJECT_TREE) {
			rc = put_path(out, dir, ea);
			continue;
		}
		git_tree *sa = NULL, *sb = NULL;
		size_t len = dir->len;
		if ((rc = memo_tree(&sa, m, git_tree_entry_id(ea))) < 0 ||
		    (rc = memo_tree(&sb, m, git_tree_entry_id(eb))) < 0)
			;
		else if (kith_buf_puts(dir, git_tree_entry_name(ea)) < 0 ||
		    kith_buf_put(dir, "/", 1) < 0)
			rc = kith_error_set(KITH_ERROR, "out of memory");
		else
			rc = diff_paths(out, m, sa, sb, dir);
		dir->len = len;
		git_tree_free(sa);
		git_tree_free(sb);
	}
	return rc;
}

/* Whether the list of paths names path, a directory of it, or a file in it. */
static bool
touches(const char *list, size_t len, const char *path)
{
	size_t pl = strlen(path), n;

	for (const char *s = list, *end = list + len; s < end; s += n + 1) {
		n = strlen(s);
		if (n == pl ? !memcmp(s, path, n) :
		    n < pl ? path[n] == '/' && !memcmp(s, path, n) :
		    s[pl] == '/' && !memcmp(s, path, pl))
			return true;
	}
	return false;
}

/* The file from tree `from` that became path in `to`, if any (*old NULL). */
static int
find_rename(const char **old, struct kith_arena *a, git_repository *git,
	git_tree *from, git_tree *to, const char *path)
{
	git_diff_options o;
	git_diff_find_options f;
	git_diff *diff = NULL;
	int rc = 0;

	*old = NULL;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&f, GIT_DIFF_FIND_OPTIONS_VERSION);
	f.flags = GIT_DIFF_FIND_RENAMES;
	f.rename_threshold = 50;
	if (git_diff_tree_to_tree(&diff, git, from, to, &o) < 0 ||
	    git_diff_find_similar(diff, &f) < 0) {
		rc = git_fail("cannot look for renames");
		goto out;
	}
	for (size_t i = 0, n = git_diff_num_deltas(diff); i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_RENAMED &&
		    !strcmp(d->new_file.path, path)) {
			if (!(*old = adup(a, d->old_file.path)))
				rc = kith_error_set(KITH_ERROR, "out of memory");
			break;
		}
	}
out:
	git_diff_free(diff);
	return rc;
}

/* ---- commit -> the file's name there ---- */

struct slot {
	git_oid id;
	const char *path; /* NULL: a free slot */
};

struct names {
	struct slot *v;
	size_t cap, n; /* cap: 0 or a power of two */
};

static struct slot *
find_slot(struct slot *v, size_t cap, const git_oid *id)
{
	size_t i;

	memcpy(&i, id->id, sizeof i);
	for (i &= cap - 1; v[i].path && !git_oid_equal(&v[i].id, id);
	     i = (i + 1) & (cap - 1))
		;
	return &v[i];
}

static int
names_grow(struct names *m)
{
	size_t cap = m->cap ? 2 * m->cap : 256;
	struct slot *v = calloc(cap, sizeof *v);

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < m->cap; i++)
		if (m->v[i].path)
			*find_slot(v, cap, &m->v[i].id) = m->v[i];
	free(m->v);
	m->v = v;
	m->cap = cap;
	return 0;
}

/* Name the file path in commit id, unless a child named it already. */
static int
names_put(struct names *m, const git_oid *id, const char *path)
{
	struct slot *s;

	if (2 * (m->n + 1) > m->cap && names_grow(m) < 0)
		return KITH_ERROR;
	s = find_slot(m->v, m->cap, id);
	if (!s->path) {
		git_oid_cpy(&s->id, id);
		s->path = path;
		m->n++;
	}
	return 0;
}

static const char *
names_get(const struct names *m, const git_oid *id)
{
	return m->cap ? find_slot(m->v, m->cap, id)->path : NULL;
}

/* ---- the walk ---- */

struct walk {
	git_repository *git;
	struct kith_history *h;
	size_t cap;
	struct names names;
	struct memo memo;
	struct cache cache;
};

static int
record(struct walk *w, git_commit *c, const char *path, const char *old,
	char status)
{
	struct kith_history *h = w->h;
	struct kith_commit *k;

	if (h->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		struct kith_commit *v = realloc(h->commits, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		h->commits = v;
		w->cap = cap;
	}
	k = memset(&h->commits[h->n], 0, sizeof *k);
	k->path = path;
	k->old_path = old;
	k->status = status;
	if (fill_commit(k, h->arena, c) < 0)
		return KITH_ERROR;
	h->n++;
	return 0;
}

/*
 * c changed path against every parent: list it, and name the file in
 * each parent (its old name where c renamed it; where c added it, the
 * same name, so that an earlier file of that name is found too).
 */
static int
changed(struct walk *w, git_commit *c, git_tree *tree, git_tree **pt,
	unsigned np, const char *path)
{
	bool here = in_tree(tree, path);
	char status = here ? 'M' : 'D';
	const char *first = path;
	int rc;

	for (unsigned i = 0; i < np; i++) {
		const char *old = path;
		if (here && !in_tree(pt[i], path)) {
			if ((rc = find_rename(&old, w->h->arena, w->git, pt[i],
			    tree, path)) < 0)
				return rc;
			if (i == 0)
				status = old ? 'R' : 'A';
			if (!old)
				old = path;
		}
		if (i == 0)
			first = old;
		if (names_put(&w->names, git_commit_parent_id(c, i), old) < 0)
			return KITH_ERROR;
	}
	if (np == 0)
		status = 'A';
	return record(w, c, path, status == 'A' ? NULL : first, status);
}

static int
visit(struct walk *w, git_commit *c, const char *path)
{
	unsigned np = git_commit_parentcount(c), i;
	git_tree *tree = NULL, **pt = calloc(np + 1, sizeof *pt);
	bool same = false;
	int rc;

	if (!pt)
		return kith_error_set(KITH_ERROR, "out of memory");
	if ((rc = commit_tree(&tree, c)) < 0)
		goto out;
	for (i = 0; i < np && !same; i++)
		if ((rc = parent_tree(&pt[i], c, i)) < 0 ||
		    (rc = same_path(&same, &w->memo, tree, pt[i], path)) < 0)
			goto out;
	if (same) /* TREESAME to parent i - 1: the file came from there */
		rc = names_put(&w->names, git_commit_parent_id(c, i - 1), path);
	else if (np > 0 || in_tree(tree, path))
		rc = changed(w, c, tree, pt, np, path);
out:
	for (i = 0; i < np; i++)
		git_tree_free(pt[i]);
	free(pt);
	git_tree_free(tree);
	return rc;
}

/*
 * Whether c, a commit of one parent, left path as its parent had it: from
 * the cache, or by comparing the two trees and keeping the answer there.
 */
static int
cached_same(bool *same, struct walk *w, git_commit *c, const char *path)
{
	struct cache *k = &w->cache;
	const struct crec *r = k->cap ? crec_slot(k->v, k->cap,
		git_commit_id(c)) : NULL;
	struct kith_buf dir = KITH_BUF_INIT;
	git_tree *tree = NULL, *pt = NULL;
	size_t at = k->add.len;
	char head[REC_HEAD], sum[REC_SUM];
	int rc;

	if (r && r->paths) {
		*same = !touches(r->paths, r->len, path);
		return 0;
	}
	memcpy(head, git_commit_id(c)->id, GIT_OID_RAWSZ);
	if ((rc = commit_tree(&tree, c)) < 0 ||
	    (rc = parent_tree(&pt, c, 0)) < 0)
		goto out;
	if (kith_buf_put(&k->add, head, REC_HEAD) < 0) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if ((rc = diff_paths(&k->add, &w->memo, pt, tree, &dir)) < 0)
		goto out;
	put_le(k->add.ptr + at + GIT_OID_RAWSZ, k->add.len - at - REC_HEAD, 4);
	put_le(sum, fnv(k->add.ptr + at, k->add.len - at,
		0xcbf29ce484222325ULL), REC_SUM);
	if (kith_buf_put(&k->add, sum, REC_SUM) < 0) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	*same = !touches(k->add.ptr + at + REC_HEAD,
		k->add.len - at - REC_HEAD - REC_SUM, path);
out:
	if (rc < 0)
		k->add.len = at;
	kith_buf_free(&dir);
	git_tree_free(pt);
	git_tree_free(tree);
	return rc;
}

static int
walk_all(struct walk *w, const git_oid *head, const char *path)
{
	git_revwalk *rw = NULL;
	git_oid id;
	int rc = 0, err;

	if (git_revwalk_new(&rw, w->git) < 0 ||
	    git_revwalk_sorting(rw, GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(rw, head) < 0) {
		rc = git_fail("cannot walk the history");
		goto out;
	}
	if ((rc = names_put(&w->names, head, path)) < 0)
		goto out;
	while ((err = git_revwalk_next(&id, rw)) == 0) {
		const char *p = names_get(&w->names, &id);
		git_commit *c = NULL;
		if (!p)
			continue; /* not on the file's way */
		if (git_commit_lookup(&c, w->git, &id) < 0) {
			rc = git_fail("cannot read a commit");
			goto out;
		}
		bool same = false; /* a commit of one parent left p alone */
		if (git_commit_parentcount(c) == 1)
			rc = cached_same(&same, w, c, p);
		if (rc == 0 && same)
			rc = names_put(&w->names, git_commit_parent_id(c, 0), p);
		else if (rc == 0)
			rc = visit(w, c, p);
		git_commit_free(c);
		if (rc < 0)
			goto out;
	}
	if (err != GIT_ITEROVER)
		rc = git_fail("cannot walk the history");
out:
	git_revwalk_free(rw);
	return rc;
}

int
kith_history_file(struct kith_history **out, struct kith_repo *repo,
	const char *path)
{
	struct walk w = { .git = repo->git, .memo = { .git = repo->git },
		.cache = { .fd = -1 } };
	const char *start;
	git_oid head;
	int rc, err;

	*out = NULL;
	if ((rc = check_path(path)) < 0)
		return rc;
	fast_reads();
	if (!(w.h = calloc(1, sizeof *w.h)) || kith_arena_new(&w.h->arena) < 0) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	err = git_reference_name_to_id(&head, repo->git, "HEAD");
	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH)
		goto out; /* no commits: no history */
	if (err < 0) {
		rc = git_fail("cannot read HEAD");
		goto out;
	}
	if (!(start = adup(w.h->arena, path)))
		rc = kith_error_set(KITH_ERROR, "out of memory");
	else if ((rc = cache_open(&w.cache, repo)) == 0)
		rc = walk_all(&w, &head, start);
out:
	cache_close(&w.cache);
	free(w.names.v);
	memo_free(&w.memo);
	if (rc < 0) {
		kith_history_free(w.h);
		return rc;
	}
	*out = w.h;
	return 0;
}

void
kith_history_free(struct kith_history *h)
{
	if (!h)
		return;
	free(h->commits);
	kith_arena_free(h->arena);
	free(h);
}

/* ---- one commit's file: text and patch ---- */

static int
lookup_commit(git_commit **out, git_repository *git, const char *hex)
{
	git_oid id;

	*out = NULL;
	if (git_oid_fromstr(&id, hex) < 0 || git_commit_lookup(out, git, &id) < 0)
		return git_fail("cannot read a commit");
	return 0;
}

int
kith_history_text(char **out, size_t *len, struct kith_repo *repo,
	const struct kith_commit *c)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *te = NULL;
	git_blob *blob = NULL;
	int rc, err;

	*out = NULL;
	*len = 0;
	if ((rc = lookup_commit(&commit, repo->git, c->id)) < 0 ||
	    (rc = commit_tree(&tree, commit)) < 0)
		goto out;
	err = git_tree_entry_bypath(&te, tree, c->path);
	if (err == GIT_ENOTFOUND)
		rc = kith_error_set(KITH_ENOTFOUND, "'%s' is not in commit %s",
			c->path, c->short_id);
	else if (err < 0 || git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		rc = kith_error_set(KITH_EINVALID, "'%s' is not a file in "
			"commit %s", c->path, c->short_id);
	else if (git_blob_lookup(&blob, repo->git, git_tree_entry_id(te)) < 0)
		rc = git_fail("cannot read a file's history");
	else if (!(*out = kith_strndup(git_blob_rawcontent(blob),
	    (size_t)git_blob_rawsize(blob))))
		rc = kith_error_set(KITH_ERROR, "out of memory");
	else
		*len = (size_t)git_blob_rawsize(blob);
out:
	git_blob_free(blob);
	git_tree_entry_free(te);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

int
kith_history_patch(char **out, struct kith_repo *repo,
	const struct kith_commit *c)
{
	git_diff_options o;
	git_diff_find_options f;
	char *paths[2] = { (char *)c->path, (char *)c->old_path };
	git_commit *commit = NULL;
	git_tree *tree = NULL, *parent = NULL;
	git_diff *diff = NULL;
	git_buf b = GIT_BUF_INIT;
	int rc;

	*out = NULL;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&f, GIT_DIFF_FIND_OPTIONS_VERSION);
	o.pathspec.strings = paths;
	o.pathspec.count = c->status == 'R' ? 2 : 1;
	o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
	f.flags = GIT_DIFF_FIND_RENAMES;
	if ((rc = lookup_commit(&commit, repo->git, c->id)) < 0 ||
	    (rc = commit_tree(&tree, commit)) < 0 ||
	    (git_commit_parentcount(commit) &&
	    (rc = parent_tree(&parent, commit, 0)) < 0))
		goto out;
	if (git_diff_tree_to_tree(&diff, repo->git, parent, tree, &o) < 0 ||
	    git_diff_find_similar(diff, &f) < 0 ||
	    git_diff_to_buf(&b, diff, GIT_DIFF_FORMAT_PATCH) < 0)
		rc = git_fail("cannot make the patch");
	else if (!(*out = kith_strndup(b.ptr ? b.ptr : "", b.size)))
		rc = kith_error_set(KITH_ERROR, "out of memory");
out:
	git_buf_dispose(&b);
	git_diff_free(diff);
	git_tree_free(parent);
	git_tree_free(tree);
	git_commit_free(commit);
	return rc;
}

/* ---- one field over time ---- */

/* One version's values of a field: in the file's order, and sorted. */
struct version {
	const char **v, **sorted;
	size_t n;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Copy the values of key that p has into the arena. */
static int
copy_values(struct version *out, struct kith_arena *a,
	const struct kith_person *p, const char *key)
{
	size_t n = kith_person_field_values(p, key, NULL, 0);

	out->v = kith_arena_alloc(a, (n + 1) * sizeof *out->v);
	out->sorted = kith_arena_alloc(a, (n + 1) * sizeof *out->sorted);
	if (!out->v || !out->sorted)
		return kith_error_set(KITH_ERROR, "out of memory");
	kith_person_field_values(p, key, out->v, n);
	for (size_t i = 0; i < n; i++)
		if (!(out->v[i] = kith_arena_strdup(a, out->v[i])))
			return kith_error_set(KITH_ERROR, "out of memory");
	memcpy(out->sorted, out->v, n * sizeof *out->v);
	kith_sort(out->sorted, n, sizeof *out->sorted, cmp_str);
	out->n = n;
	return 0;
}

/* The values of key in c's version (none where c deleted the file). */
static int
version_values(struct version *out, struct kith_repo *repo,
	struct kith_arena *a, const struct kith_commit *c, const char *key)
{
	struct kith_model *m = NULL;
	char *text = NULL;
	size_t len;
	int rc = kith_history_text(&text, &len, repo, c);

	memset(out, 0, sizeof *out);
	if (rc == KITH_ENOTFOUND)
		return 0;
	if (!rc && !(rc = kith_model_new(&m)) &&
	    !(rc = kith_model_add_person(m, c->path, text, len)) &&
	    !(rc = kith_model_finish(m)))
		rc = copy_values(out, a, m->people[0], key);
	kith_model_free(m);
	free(text);
	return rc;
}

static bool
same_values(const struct version *x, const struct version *y)
{
	if (x->n != y->n)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (strcmp(x->sorted[i], y->sorted[i]))
			return false;
	return true;
}

int
kith_history_field(struct kith_field_change **out, size_t *n,
	struct kith_repo *repo, struct kith_history *h, const char *key)
{
	struct kith_field_change *v = kith_arena_alloc(h->arena,
		(h->n + 1) * sizeof *v);
	struct version prev = { 0 }, cur;
	int rc;

	*out = v;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = h->n; i-- > 0; ) {
		struct kith_field_change *ch = &v[*n];
		memset(ch, 0, sizeof *ch);
		ch->commit = &h->commits[i];
		rc = version_values(&cur, repo, h->arena, ch->commit, key);
		if (rc == KITH_EINVALID) {
			if (!(ch->skipped = adup(h->arena, kith_error())))
				return kith_error_set(KITH_ERROR, "out of memory");
			++*n;
			continue;
		}
		if (rc < 0)
			return rc;
		if (!same_values(&prev, &cur)) {
			ch->values = cur.v;
			ch->n = cur.n;
			++*n;
		}
		prev = cur;
	}
	return 0;
}

/* ---- undo ---- */

struct kith_undo_priv {
	git_commit *head;
	git_index *reverted;
};

static int
nothing_to_undo(const char *why)
{
	return kith_error_set(KITH_EINVALID, "nothing to undo: %s", why);
}

/* A file c changed, with a mode kith can write back. */
static int
add_file(struct kith_undo *u, const git_diff_delta *d)
{
	struct kith_undo_file *f = &u->files[u->nfiles];
	const git_diff_file *df = d->status == GIT_DELTA_ADDED ? &d->new_file :
		&d->old_file;
	uint16_t modes[2] = { d->old_file.mode, d->new_file.mode };

	for (int i = 0; i < 2; i++)
		if (modes[i] == GIT_FILEMODE_LINK || modes[i] == GIT_FILEMODE_COMMIT)
			return kith_error_set(KITH_EINVALID, "cannot undo '%s': "
				"'%s' is a %s: undo it with git", u->commit.summary,
				df->path, modes[i] == GIT_FILEMODE_LINK ?
				"symlink" : "submodule");
	f->status = d->status == GIT_DELTA_ADDED ? 'A' :
		d->status == GIT_DELTA_DELETED ? 'D' : 'M';
	if (!(f->path = adup(u->arena, df->path)))
		return kith_error_set(KITH_ERROR, "out of memory");
	if (f->status == 'A' && !strcmp(f->path, "kith.conf"))
		return kith_error_set(KITH_EINVALID, "cannot undo '%s': it "
			"created kith.conf, and undoing it would end the kith "
			"repository: do that with git", u->commit.summary);
	u->nfiles++;
	return 0;
}

/* The files HEAD changed against its first parent. */
static int
touched_files(struct kith_undo *u, git_repository *git, git_commit *head)
{
	git_diff_options o;
	git_tree *tree = NULL, *parent = NULL;
	git_diff *diff = NULL;
	size_t n;
	int rc;

	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	if ((rc = commit_tree(&tree, head)) < 0 ||
	    (rc = parent_tree(&parent, head, 0)) < 0)
		goto out;
	if (git_diff_tree_to_tree(&diff, git, parent, tree, &o) < 0) {
		rc = git_fail("cannot read what HEAD changed");
		goto out;
	}
	n = git_diff_num_deltas(diff);
	if (!(u->files = kith_arena_alloc(u->arena, (n + 1) * sizeof *u->files))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++)
		rc = add_file(u, git_diff_get_delta(diff, i));
	if (!rc && !u->nfiles)
		rc = nothing_to_undo("the last commit changed no file");
out:
	git_diff_free(diff);
	git_tree_free(parent);
	git_tree_free(tree);
	return rc;
}

/* Mark the files with changes not committed (work tree or index). */
static int
mark_dirty(struct kith_undo *u, git_repository *git)
{
	for (size_t i = 0; i < u->nfiles; i++) {
		unsigned flags = 0;
		int err = git_status_file(&flags, git, u->files[i].path);
		if (err < 0 && err != GIT_ENOTFOUND)
			return git_fail("cannot read the status of the work tree");
		u->files[i].dirty = err == 0 && flags != GIT_STATUS_CURRENT;
		u->ndirty += u->files[i].dirty;
	}
	return 0;
}

/* HEAD, when there is one to undo. */
static int
undo_head(git_commit **out, git_repository *git)
{
	git_oid id;
	int err = git_reference_name_to_id(&id, git, "HEAD");

	*out = NULL;
	if (err == GIT_ENOTFOUND || err == GIT_EUNBORNBRANCH)
		return nothing_to_undo("the repository has no commits");
	if (err < 0 || git_commit_lookup(out, git, &id) < 0)
		return git_fail("cannot read HEAD");
	if (git_repository_state(git) != GIT_REPOSITORY_STATE_NONE)
		return kith_error_set(KITH_EINVALID, "a merge or another git "
			"operation is in progress: finish it (kith sync) or abort "
			"it with git, then undo");
	return 0;
}

static int
plan(struct kith_undo *u, git_repository *git)
{
	struct kith_undo_priv *p = u->priv;
	unsigned np;
	int rc;

	if ((rc = undo_head(&p->head, git)) < 0 ||
	    (rc = fill_commit(&u->commit, u->arena, p->head)) < 0)
		return rc;
	u->kith = kith_commit_is_kith(u->commit.summary);
	u->nparents = np = git_commit_parentcount(p->head);
	if (np == 0)
		return kith_error_set(KITH_EINVALID, "'%s' is the first commit: "
			"it cannot be undone", u->commit.summary);
	if ((rc = touched_files(u, git, p->head)) < 0)
		return rc;
	if (git_revert_commit(&p->reverted, git, p->head, p->head,
	    np > 1 ? 1 : 0, NULL) < 0)
		return git_fail("cannot revert the last commit");
	if (git_index_has_conflicts(p->reverted))
		return kith_error_set(KITH_ERROR, "reverting the last commit "
			"conflicts with itself: undo it with git");
	return mark_dirty(u, git);
}

int
kith_undo_plan(struct kith_undo **out, struct kith_repo *repo)
{
	struct kith_undo *u = calloc(1, sizeof *u);
	int rc;

	*out = NULL;
	kith_git_init();
	if (!u || !(u->priv = calloc(1, sizeof *u->priv)) ||
	    kith_arena_new(&u->arena) < 0) {
		kith_undo_free(u);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	if ((rc = plan(u, repo->git)) < 0) {
		kith_undo_free(u);
		return rc;
	}
	*out = u;
	return 0;
}

void
kith_undo_free(struct kith_undo *u)
{
	if (!u)
		return;
	if (u->priv) {
		git_index_free(u->priv->reverted);
		git_commit_free(u->priv->head);
		free(u->priv);
	}
	kith_arena_free(u->arena);
	free(u);
}

/* The change that gives file f its content in the reverted index. */
static int
revert_change(struct kith_change *ch, git_blob **blob, struct kith_undo *u,
	git_repository *git, const struct kith_undo_file *f)
{
	const git_index_entry *e = git_index_get_bypath(u->priv->reverted,
		f->path, 0);

	memset(ch, 0, sizeof *ch);
	ch->path = f->path;
	if (!e)
		return 0; /* the commit added it: delete */
	if (git_blob_lookup(blob, git, &e->id) < 0)
		return git_fail("cannot read a file to restore");
	ch->data = git_blob_rawsize(*blob) ? git_blob_rawcontent(*blob) : "";
	ch->len = (size_t)git_blob_rawsize(*blob);
	return 0;
}

static int
undo_locked(struct kith_undo *u, struct kith_repo *repo)
{
	struct kith_change *ch = calloc(u->nfiles, sizeof *ch);
	git_blob **blobs = calloc(u->nfiles, sizeof *blobs);
	struct kith_buf msg = KITH_BUF_INIT;
	git_oid head;
	int rc = 0;

	if (!ch || !blobs || kith_buf_printf(&msg, "undo: %s",
	    u->commit.summary) < 0) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if (git_reference_name_to_id(&head, repo->git, "HEAD") < 0 ||
	    !git_oid_equal(&head, git_commit_id(u->priv->head))) {
		rc = kith_error_set(KITH_ERROR, "HEAD moved while undoing: "
			"run kith undo again");
		goto out;
	}
	for (size_t i = 0; i < u->nfiles && !rc; i++)
		rc = revert_change(&ch[i], &blobs[i], u, repo->git, &u->files[i]);
	if (!rc)
		rc = kith_repo_apply_ext(repo, ch, u->nfiles, msg.ptr,
			KITH_APPLY_DOTFILES | KITH_APPLY_COMMIT);
out:
	for (size_t i = 0; blobs && i < u->nfiles; i++)
		git_blob_free(blobs[i]);
	free(blobs);
	free(ch);
	kith_buf_free(&msg);
	return rc;
}

int
kith_undo_apply(struct kith_undo *u, struct kith_repo *repo)
{
	int rc;

	for (size_t i = 0; i < u->nfiles; i++)
		if (u->files[i].dirty)
			return kith_error_set(KITH_EINVALID, "'%s' has changes "
				"not committed: commit or discard them, then undo",
				u->files[i].path);
	if ((rc = kith_repo_lock(repo)) < 0)
		return rc;
	rc = undo_locked(u, repo);
	kith_repo_unlock(repo);
	return rc;
}
