/*
 * index.c - the derived index: .kith/index.db, an SQLite database that
 * keeps what the parser made of every file, so that a read command parses
 * only what changed since the last one and loads only what it looks at.
 *
 * What is in it (kith-index(7)):
 *   meta 'files'   names .kith/files-GEN: the files and directories as
 *                  the last walk found them (stat data, the warning a file
 *                  gave, the ids of its chunks), so that the next walk
 *                  compares in memory
 *   meta 'people'  names .kith/people-GEN, every person file parsed and
 *                  resolved: the people part of a model, mapped and used
 *                  in place
 *   meta 'pstat'   names .kith/pstat-GEN: per person, interactions in all,
 *                  and the newest one
 *   meta 'open'    names .kith/open-GEN: the open follow-ups of every
 *                  journal chunk that has any, by chunk id (write_open)
 *   meta 'terms'   names .kith/terms-GEN: the keys and slugs that chunk
 *                  meta names by number
 *   meta 'heads'   names .kith/heads-GEN: every journal chunk's entry
 *                  (date, time, title, lines, tags), by chunk id, for
 *                  kith show and kith journal; meta 'recent' names
 *                  .kith/recent-GEN, those added since
 *   meta 'tags'    per tag: journal entries tagged so
 *   chunk          one journal entry parsed (lib/chunk.c), with what it
 *                  adds to the postings (its meta)
 *   posting        chunk ids by the folded target of a mention ("t:"),
 *                  by tag ("g:"), with open follow-ups ("o:"), with any
 *                  follow-up ("f:"); and each person's interactions
 *                  ("p:", date, time, chunk, entry); a row for each
 *                  16,384 chunk ids (KEY "\x1f" BUCKET)
 *
 * Up to date: a walk stats every file and compares size, mtime, ctime and
 * inode; a file (or directory) whose times were within a clock tick of
 * the walk that recorded it is looked at again, since a later edit in the
 * same tick would not show. Changed files are parsed into a model with
 * every person; when the people's keys (slugs, names, aliases) changed,
 * the entries that mention a changed key are resolved again. All of it
 * is written in one transaction: readers (WAL) see the index before or
 * after, never between. An index that is damaged or of another version
 * is deleted and built again (with a warning); one that cannot be
 * written, say on a read-only disk, is not used: the loader parses.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdalign.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/*
 * Phase times (ms), minor faults (4 KB pages or huge pages first
 * touched), the resident set and its peak so far (MB) on stderr, for
 * profiling only: build with -DKITH_TRACE_INDEX.
 */
#ifdef KITH_TRACE_INDEX
#include <stdio.h>
#include <sys/resource.h>
static void
tr(const char *what)
{
	static int64_t t0;
	struct timespec ts;
	struct rusage ru;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	getrusage(RUSAGE_SELF, &ru);
	int64_t t = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	if (!t0)
		t0 = t;
	long rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%*s %ld", &rss) != 1)
			rss = 0;
		fclose(f);
	}
	fprintf(stderr, "%.2f %s/%ld/%ldM/%ldM  ", (t - t0) / 1000.0, what, ru.ru_minflt,
		rss * sysconf(_SC_PAGESIZE) >> 20, ru.ru_maxrss >> 10);
}
#else
#define tr(what) ((void)0)
#endif

#define INDEX_DIR ".kith"
#define INDEX_FILE ".kith/index.db"
#define INDEX_VERSION "kith-index 19"
/*
 * A time this close to the walk could be followed by an edit that keeps
 * it: file times come from a clock that lags by up to one tick, and on a
 * file system that keeps whole seconds (no nanoseconds) by up to one
 * second and more.
 */
#define RACY_NS INT64_C(20000000)
#define RACY_COARSE_NS INT64_C(2000000000)

/* Inside this file only: the index is damaged (rebuild) or stale (retry). */
#define IX_DAMAGED 2
#define IX_STALE 3
#define IX_UNUSABLE 4 /* cannot be written (read-only, not ours): parse instead */

static const char schema[] =
	"CREATE TABLE meta(id INTEGER PRIMARY KEY, v BLOB);"
	"CREATE TABLE chunk(id INTEGER PRIMARY KEY, meta BLOB, data BLOB);"
	"CREATE TABLE posting(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;";

struct ix {
	sqlite3 *db;
	struct kith_repo *repo;
	uint64_t missing;   /* the part file this attempt found missing */
	unsigned wrote;     /* parts written anew (their bits): prune the old */
};

/* ---- SQLite helpers ---- */

static int
db_fail(struct ix *ix, const char *what)
{
	int code = sqlite3_extended_errcode(ix->db) & 0xff;

	if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB) {
		kith_error_set(KITH_ERROR, "the index is damaged");
		return IX_DAMAGED;
	}
	if (code == SQLITE_READONLY || code == SQLITE_PERM || code == SQLITE_CANTOPEN)
		return IX_UNUSABLE;
	return kith_error_set(KITH_ERROR, "the index .kith/index.db: %s: %s",
		what, sqlite3_errmsg(ix->db));
}

static int
exec(struct ix *ix, const char *sql)
{
	if (sqlite3_exec(ix->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(ix, sql);
	return 0;
}

static int
prep(struct ix *ix, sqlite3_stmt **st, const char *sql)
{
	if (sqlite3_prepare_v2(ix->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(ix, "prepare");
	return 0;
}

/* Step a statement that returns no rows, then reset it. */
static int
run(struct ix *ix, sqlite3_stmt *st)
{
	int r = sqlite3_step(st);

	sqlite3_reset(st);
	if (r != SQLITE_DONE && r != SQLITE_ROW)
		return db_fail(ix, "write");
	return 0;
}

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* A malloc'd copy of a blob column (NULL, *len 0 when NULL), or out of memory. */
static int
col_blob(void **out, size_t *len, sqlite3_stmt *st, int i)
{
	const void *p = sqlite3_column_blob(st, i);
	size_t n = (size_t)sqlite3_column_bytes(st, i);

	*out = NULL;
	*len = 0;
	if (!p)
		return 0;
	if (!(*out = malloc(n ? n : 1)))
		return kith_error_set(KITH_ERROR, "out of memory");
	memcpy(*out, p, n);
	*len = n;
	return 0;
}

/* The meta rows. */
enum { META_VERSION = 1, META_FILES, META_PEOPLE, META_PSTAT, META_TAGS,
	META_KEYS, META_NOTES, META_OPEN, META_TERMS, META_HEADS, META_RECENT };

/* meta value id, malloc'd (NULL when missing): read straight into it. */
static int
get_meta(struct ix *ix, int id, void **out, size_t *len)
{
	sqlite3_blob *bl = NULL;
	int r, n;

	*out = NULL;
	*len = 0;
	r = sqlite3_blob_open(ix->db, "main", "meta", "v", id, 0, &bl);
	if (r != SQLITE_OK) {
		if (bl)
			sqlite3_blob_close(bl);
		if ((r & 0xff) == SQLITE_ERROR)
			return 0; /* no such row */
		return db_fail(ix, "read meta");
	}
	n = sqlite3_blob_bytes(bl);
	if (!(*out = malloc((size_t)n + 1))) {
		sqlite3_blob_close(bl);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	r = sqlite3_blob_read(bl, *out, n, 0);
	sqlite3_blob_close(bl);
	if (r != SQLITE_OK) {
		free(*out);
		*out = NULL;
		return db_fail(ix, "read meta");
	}
	*len = (size_t)n;
	return 0;
}

static int
put_meta(struct ix *ix, int id, const void *v, size_t len)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = prep(ix, &st, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)")) != 0)
		return rc;
	sqlite3_bind_int(st, 1, id);
	sqlite3_bind_blob(st, 2, v ? v : "", (int)len, SQLITE_STATIC);
	rc = run(ix, st);
	sqlite3_finalize(st);
	return rc;
}

/*
 * ---- the parts kept beside the database ----
 *
 * What every command reads whole (the people part, the files state, the
 * per-person totals) is not kept in the database, whose reads copy it
 * page by page and whose updates write it twice (log, then checkpoint),
 * but beside it, in .kith/NAME-GEN, mapped and used in place. GEN is
 * random, never reused; meta row NAME names the file of its snapshot
 * (GEN and length), and the file repeats both in a header after
 * PART_MAGIC. A writer makes the new file (written, renamed into place;
 * the people part synced too, since it is rewritten seldom and costs a
 * rebuild to lose) before it commits, and removes the others afterwards
 * under the write lock; a reader that finds its snapshot's file gone
 * looks again, and one gone twice, or not matching, is damage.
 */
#define PART_MAGIC "kithpart"
#define PART_HEAD 24

struct part {
	int meta;           /* its meta row */
	const char *prefix; /* its file: .kith/PREFIXGEN */
	bool sync;          /* fsync it before the commit */
	unsigned bit;       /* in ix->wrote */
	bool sparse;        /* read here and there: mapped without MAP_POPULATE */
};

static const struct part PEOPLE = { META_PEOPLE, "people-", true, 1, false };
static const struct part FILES = { META_FILES, "files-", false, 2, false };
static const struct part PSTAT = { META_PSTAT, "pstat-", false, 4, false };
static const struct part OPEN = { META_OPEN, "open-", false, 8, false };
static const struct part TERMS = { META_TERMS, "terms-", false, 16, false };
static const struct part HEADS = { META_HEADS, "heads-", false, 32, true };
static const struct part RECENT = { META_RECENT, "recent-", false, 64, true };
static const struct part *const parts[] = { &PEOPLE, &FILES, &PSTAT, &OPEN, &TERMS,
	&HEADS, &RECENT };

/* 8 bytes little-endian, by one load or store where the machine is. */
static void
put_le64(unsigned char *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, 8);
}

static uint64_t
get_le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static int
part_path(struct kith_buf *b, struct kith_repo *repo, const struct part *pt,
	uint64_t gen, bool tmp)
{
	kith_buf_clear(b);
	if (kith_repo_path(b, repo, INDEX_DIR "/") < 0)
		return KITH_ERROR;
	return kith_buf_printf(b, "%s%016llx%s", pt->prefix, (unsigned long long)gen,
		tmp ? ".tmp" : "");
}

void
kith_map_free(struct kith_map *mp)
{
	if (mp) {
		munmap(mp->p, mp->size);
		free(mp);
	}
}

/*
 * Part pt of the snapshot, mapped: *map NULL when there is none (a new
 * index). IX_STALE when its file is gone (a writer replaced it),
 * IX_DAMAGED when it is not what meta says.
 */
static int
get_part(struct ix *ix, const struct part *pt, struct kith_map **map)
{
	struct kith_buf path = KITH_BUF_INIT;
	void *rec = NULL, *p = MAP_FAILED;
	size_t len, size = 0;
	uint64_t gen;
	struct stat st;
	int fd = -1, rc;

	*map = NULL;
	if ((rc = get_meta(ix, pt->meta, &rec, &len)) != 0 || !rec)
		return rc;
	rc = IX_DAMAGED;
	if (len != 16)
		goto out;
	gen = get_le64(rec);
	size = get_le64((unsigned char *)rec + 8);
	if ((rc = part_path(&path, ix->repo, pt, gen, false)) < 0)
		goto out;
	if ((fd = open(path.ptr, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			/* gone twice running is not a writer's doing */
			rc = ix->missing == gen ? IX_DAMAGED : IX_STALE;
			ix->missing = gen;
		} else {
			rc = errno == EACCES ? IX_UNUSABLE : IX_DAMAGED;
		}
		goto out;
	}
	rc = IX_DAMAGED;
	if (fstat(fd, &st) < 0 || size > SIZE_MAX - PART_HEAD ||
	    (uint64_t)st.st_size != size + PART_HEAD)
		goto out;
	p = mmap(NULL, size + PART_HEAD, PROT_READ,
		MAP_PRIVATE | (pt->sparse ? 0 : MAP_POPULATE), fd, 0);
	if (p == MAP_FAILED)
		goto out;
	if (memcmp(p, PART_MAGIC, 8) || get_le64((unsigned char *)p + 8) != gen ||
	    get_le64((unsigned char *)p + 16) != size)
		goto out;
	if (!(*map = malloc(sizeof **map))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	**map = (struct kith_map){ p, size + PART_HEAD,
		(unsigned char *)p + PART_HEAD, size, gen };
	p = MAP_FAILED;
	rc = 0;
out:
	if (p != MAP_FAILED)
		munmap(p, size + PART_HEAD);
	if (fd >= 0)
		close(fd);
	free(rec);
	kith_buf_free(&path);
	return rc;
}

/*
 * Write a new file of part pt, len bytes that fill(fd, arg) writes, and
 * point its meta row at it.
 */
static int
put_part_with(struct ix *ix, const struct part *pt, size_t len,
	int (*fill)(int fd, void *arg), void *arg)
{
	struct kith_buf path = KITH_BUF_INIT, tmp = KITH_BUF_INIT;
	unsigned char head[PART_HEAD], rec[16];
	uint64_t gen;
	int fd = -1, rc;

	if (getrandom(&gen, sizeof gen, 0) != (ssize_t)sizeof gen)
		return kith_error_set(KITH_ERROR, "cannot name a file of the index: %s",
			strerror(errno));
	memcpy(head, PART_MAGIC, 8);
	put_le64(head + 8, gen);
	put_le64(head + 16, len);
	if ((rc = part_path(&tmp, ix->repo, pt, gen, true)) < 0 ||
	    (rc = part_path(&path, ix->repo, pt, gen, false)) < 0)
		goto out;
	if ((fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		rc = IX_UNUSABLE;
		goto out;
	}
	if (kith_write_all(fd, head, sizeof head) < 0 || fill(fd, arg) < 0 ||
	    (pt->sync && fsync(fd) < 0)) {
		rc = kith_error_set(KITH_ERROR, "cannot write %s: %s", tmp.ptr, strerror(errno));
		goto out;
	}
	if (close(fd) < 0 || (fd = -1, rename(tmp.ptr, path.ptr) < 0)) {
		fd = -1;
		rc = kith_error_set(KITH_ERROR, "cannot write %s: %s", path.ptr, strerror(errno));
		goto out;
	}
	put_le64(rec, gen);
	put_le64(rec + 8, len);
	if ((rc = put_meta(ix, pt->meta, rec, sizeof rec)) == 0)
		ix->wrote |= pt->bit;
out:
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp.ptr);
	kith_buf_free(&path);
	kith_buf_free(&tmp);
	return rc;
}

struct bytes {
	const void *p;
	size_t n;
};

static int
fill_bytes(int fd, void *arg)
{
	const struct bytes *b = arg;

	return kith_write_all(fd, b->p, b->n);
}

/* Write bytes as a new file of part pt and point its meta row at it. */
static int
put_part(struct ix *ix, const struct part *pt, const void *data, size_t len)
{
	return put_part_with(ix, pt, len, fill_bytes, &(struct bytes){ data, len });
}

/*
 * Remove the files of the parts in mask but the ones keep[] names (all
 * when keep is NULL): under the write lock, so that none is a writer's
 * new one.
 */
static void
prune_parts(struct kith_repo *repo, unsigned mask, const uint64_t *keep)
{
	struct kith_buf dir = KITH_BUF_INIT;
	DIR *d = NULL;
	struct dirent *de;

	if (kith_repo_path(&dir, repo, INDEX_DIR) < 0 || !(d = opendir(dir.ptr)))
		goto out;
	while ((de = readdir(d)))
		for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
			const struct part *pt = parts[i];
			size_t n = strlen(pt->prefix);
			char name[64];
			if (!(mask & pt->bit) || strncmp(de->d_name, pt->prefix, n))
				continue;
			if (keep) {
				snprintf(name, sizeof name, "%s%016llx", pt->prefix,
					(unsigned long long)keep[i]);
				if (!strcmp(de->d_name, name))
					continue;
			}
			unlinkat(dirfd(d), de->d_name, 0);
		}
out:
	if (d)
		closedir(d);
	kith_buf_free(&dir);
}

/* After a commit that wrote new part files: remove the older ones. */
static void
prune_after(struct ix *ix)
{
	uint64_t keep[sizeof parts / sizeof *parts] = { 0 };
	unsigned mask = 0;

	if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
		void *rec = NULL;
		size_t len;
		if ((ix->wrote & parts[i]->bit) &&
		    get_meta(ix, parts[i]->meta, &rec, &len) == 0 && rec && len == 16) {
			keep[i] = get_le64(rec);
			mask |= parts[i]->bit;
		}
		free(rec);
	}
	if (mask)
		prune_parts(ix->repo, mask, keep);
	sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
	ix->wrote = 0;
}

/* ---- opening ---- */

static void
ix_close(struct ix *ix)
{
	if (ix->db)
		sqlite3_close_v2(ix->db);
	ix->db = NULL;
}

static int
ix_remove(struct kith_repo *repo)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	struct kith_buf b = KITH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < 3; i++) {
		kith_buf_clear(&b);
		if ((rc = kith_repo_path(&b, repo, INDEX_FILE)) < 0 ||
		    (rc = kith_buf_puts(&b, suffix[i])) < 0)
			break;
		if (unlink(b.ptr) < 0 && errno != ENOENT)
			rc = 1; /* not ours to remove: parse instead */
	}
	if (rc == 0)
		prune_parts(repo, ~0u, NULL);
	kith_buf_free(&b);
	return rc;
}

static bool
damaged_code(int r)
{
	return (r & 0xff) == SQLITE_CORRUPT || (r & 0xff) == SQLITE_NOTADB;
}

/* The version in meta: 0 when ours, 1 when the file is new, IX_DAMAGED otherwise. */
static int
check_version(struct ix *ix, const char **notice)
{
	sqlite3_stmt *st = NULL;
	int r, rc = IX_DAMAGED;

	r = sqlite3_prepare_v2(ix->db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL);
	if (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_int(st, 0) == 0)
		rc = 1;
	sqlite3_finalize(st);
	st = NULL;
	if (rc == 1)
		return 1;
	if (r != SQLITE_ROW)
		return damaged_code(r) ? IX_DAMAGED : db_fail(ix, "read the schema");
	r = sqlite3_prepare_v2(ix->db, "SELECT v FROM meta WHERE id = 1", -1, &st, NULL);
	if (r == SQLITE_OK && (r = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		if (v && !strcmp(v, INDEX_VERSION))
			rc = 0;
	} else if (r != SQLITE_DONE && r != SQLITE_ERROR && !damaged_code(r)) {
		sqlite3_finalize(st);
		return db_fail(ix, "read the version");
	}
	sqlite3_finalize(st);
	if (rc && !damaged_code(r))
		*notice = "the index .kith/index.db was made by another version "
			"of kith: built again";
	return rc;
}

/*
 * Open the index, creating it when missing: 0; 1 when it cannot be used
 * (the caller parses instead); IX_DAMAGED; KITH_ERROR.
 */
static int
ix_open(struct ix *ix, struct kith_repo *repo, const char **notice)
{
	struct kith_buf path = KITH_BUF_INIT;
	int rc, r;

	ix->repo = repo;
	if ((rc = kith_repo_path(&path, repo, INDEX_DIR)) < 0)
		goto out;
	if (mkdir(path.ptr, 0700) < 0 && errno != EEXIST) {
		rc = 1;
		goto out;
	}
	kith_buf_clear(&path);
	if ((rc = kith_repo_path(&path, repo, INDEX_FILE)) < 0)
		goto out;
	r = sqlite3_open_v2(path.ptr, &ix->db, SQLITE_OPEN_READWRITE |
		SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE, NULL);
	if (r != SQLITE_OK) {
		rc = damaged_code(r) ? IX_DAMAGED : 1;
		goto out;
	}
	sqlite3_busy_timeout(ix->db, 10000);
	r = sqlite3_exec(ix->db, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL;"
		"PRAGMA synchronous=NORMAL;"
		"PRAGMA cache_size=-2000", NULL, NULL, NULL);
	if (r != SQLITE_OK) {
		rc = damaged_code(sqlite3_extended_errcode(ix->db)) ? IX_DAMAGED : 1;
		goto out;
	}
	if ((rc = check_version(ix, notice)) != 1)
		goto out;
	/* No version: a new file. Make the tables, unless someone just did. */
	if (sqlite3_exec(ix->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
		rc = damaged_code(sqlite3_extended_errcode(ix->db)) ? IX_DAMAGED : 1;
		goto out;
	}
	if ((rc = check_version(ix, notice)) == 1) {
		if ((rc = exec(ix, schema)) == 0)
			rc = exec(ix, "INSERT INTO meta VALUES(1, '" INDEX_VERSION "')");
		if (rc == 0)
			rc = exec(ix, "COMMIT");
	}
	if (rc)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	else
		sqlite3_exec(ix->db, "COMMIT", NULL, NULL, NULL);
out:
	kith_buf_free(&path);
	return rc;
}

/* Whether a file time t, recorded by a walk that began at now, is too recent. */
static bool
racy(int64_t t, int64_t now)
{
	return t >= now - (t % 1000000000 ? RACY_NS : RACY_COARSE_NS);
}

/* ---- the state: files and directories as the last walk found them ---- */

struct fent {
	const char *path;
	int64_t id;
	int64_t size, mtime, ctime;
	uint64_t ino;
	bool racy;
	const char *warning;  /* or NULL */
	int64_t first;        /* its chunks: ids first .. first + nchunks - 1 */
	size_t nchunks;
};

/*
 * A file in the files part: its path, then FENT_FIXED bytes (id, size,
 * mtime, ctime, inode, first chunk, and nchunks | racy << 32, each 8
 * bytes little-endian: read in place, no varints), then its warning.
 */
#define FENT_FIXED 56

struct state {
	const void *blob;     /* the files part: in map */
	struct kith_map *map;
	struct fent *files;   /* sorted by path */
	size_t nfiles;
	struct kith_walk_dir *dirs;
	size_t ndirs;
	int64_t next_id;
};

static void
state_free(struct state *s)
{
	for (size_t i = 0; i < s->ndirs; i++)
		free(s->dirs[i].names);
	free(s->dirs);
	free(s->files);
	kith_map_free(s->map);
	memset(s, 0, sizeof *s);
}

static bool
is_person_path(const char *path)
{
	return !strncmp(path, "people/", 7);
}

/* Each directory's names: the years of journal/, the files of the others. */
static int
state_names(struct state *s)
{
	for (size_t i = 0; i < s->ndirs; i++) {
		struct kith_walk_dir *d = &s->dirs[i];
		size_t plen = strlen(d->path), n = 0, lo = 0, hi;
		bool journal = !strcmp(d->path, "journal");
		struct kith_buf pre = KITH_BUF_INIT;

		if (kith_buf_printf(&pre, "%s/", d->path) < 0)
			return KITH_ERROR;
		if (journal) {
			if (!(d->names = malloc((s->ndirs + 1) * sizeof *d->names))) {
				kith_buf_free(&pre);
				return kith_error_set(KITH_ERROR, "out of memory");
			}
			for (size_t j = i + 1; j < s->ndirs &&
			     !strncmp(s->dirs[j].path, pre.ptr, pre.len); j++)
				if (!strchr(s->dirs[j].path + pre.len, '/'))
					d->names[n++] = s->dirs[j].path + pre.len;
		} else {
			/* the files under it are a run of the sorted list */
			hi = s->nfiles;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (strcmp(s->files[mid].path, pre.ptr) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (hi = lo; hi < s->nfiles &&
			     !strncmp(s->files[hi].path, pre.ptr, pre.len); hi++)
				;
			if (!(d->names = malloc((hi - lo + 1) * sizeof *d->names))) {
				kith_buf_free(&pre);
				return kith_error_set(KITH_ERROR, "out of memory");
			}
			for (size_t j = lo; j < hi; j++)
				if (!strchr(s->files[j].path + plen + 1, '/'))
					d->names[n++] = s->files[j].path + plen + 1;
		}
		d->nnames = n;
		kith_buf_free(&pre);
	}
	return 0;
}

static int
read_state(struct ix *ix, struct state *s)
{
	struct kith_dec r;
	size_t len;
	int rc;

	memset(s, 0, sizeof *s);
	s->next_id = 1;
	if ((rc = get_part(ix, &FILES, &s->map)) != 0 || !s->map)
		return rc;
	s->blob = s->map->data;
	len = s->map->len;
	r = (struct kith_dec){ s->blob, (const unsigned char *)s->blob + len, NULL, false };
	s->next_id = (int64_t)kith_get_uv(&r);
	s->ndirs = kith_get_count(&r, 5);
	s->dirs = calloc(s->ndirs + 1, sizeof *s->dirs);
	if (!s->dirs)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < s->ndirs; i++) {
		struct kith_walk_dir *d = &s->dirs[i];
		d->path = kith_get_sstr(&r);
		d->mtime = kith_get_sv(&r);
		d->ctime = kith_get_sv(&r);
		d->ino = kith_get_uv(&r);
		d->racy = kith_get_uv(&r) != 0;
	}
	s->nfiles = kith_get_count(&r, 2 + FENT_FIXED + 1);
	if (!(s->files = calloc(s->nfiles + 1, sizeof *s->files)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < s->nfiles && !r.bad; i++) {
		struct fent *f = &s->files[i];
		f->path = kith_get_sstr(&r);
		if ((size_t)(r.end - r.p) < FENT_FIXED) {
			r.bad = true;
			break;
		}
		const unsigned char *x = r.p;
		f->id = (int64_t)get_le64(x);
		f->size = (int64_t)get_le64(x + 8);
		f->mtime = (int64_t)get_le64(x + 16);
		f->ctime = (int64_t)get_le64(x + 24);
		f->ino = get_le64(x + 32);
		f->first = (int64_t)get_le64(x + 40);
		f->nchunks = (size_t)(get_le64(x + 48) & UINT32_MAX);
		f->racy = (get_le64(x + 48) >> 32) != 0;
		r.p += FENT_FIXED;
		f->warning = kith_get_str(&r);
		if (i && strcmp(s->files[i - 1].path, f->path) >= 0)
			r.bad = true;
	}
	if (r.bad || r.p != r.end)
		return IX_DAMAGED;
	return state_names(s);
}

/* s read again in a new transaction: decoded again only when it changed. */
static int
read_state_again(struct ix *ix, struct state *s)
{
	void *rec;
	size_t len;
	int rc;

	if ((rc = get_meta(ix, META_FILES, &rec, &len)) != 0)
		return rc;
	bool same = rec && len == 16 && s->map && get_le64(rec) == s->map->gen;
	free(rec);
	if (same)
		return 0;
	state_free(s);
	return read_state(ix, s);
}

static int
write_state(struct ix *ix, const struct state *s)
{
	struct kith_buf b = KITH_BUF_INIT;
	int rc = 0;

	rc |= kith_put_uv(&b, (uint64_t)s->next_id);
	rc |= kith_put_uv(&b, s->ndirs);
	for (size_t i = 0; i < s->ndirs; i++) {
		const struct kith_walk_dir *d = &s->dirs[i];
		rc |= kith_put_str(&b, d->path);
		rc |= kith_put_sv(&b, d->mtime);
		rc |= kith_put_sv(&b, d->ctime);
		rc |= kith_put_uv(&b, d->ino);
		rc |= kith_put_uv(&b, d->racy);
	}
	rc |= kith_put_uv(&b, s->nfiles);
	for (size_t i = 0; i < s->nfiles && !rc; i++) {
		const struct fent *f = &s->files[i];
		rc |= kith_put_str(&b, f->path);
		if ((rc |= kith_buf_grow(&b, FENT_FIXED)) != 0)
			break;
		unsigned char *x = (unsigned char *)b.ptr + b.len;
		put_le64(x, (uint64_t)f->id);
		put_le64(x + 8, (uint64_t)f->size);
		put_le64(x + 16, (uint64_t)f->mtime);
		put_le64(x + 24, (uint64_t)f->ctime);
		put_le64(x + 32, f->ino);
		put_le64(x + 40, (uint64_t)f->first);
		put_le64(x + 48, (uint64_t)(f->nchunks & UINT32_MAX) |
			(uint64_t)(f->racy != 0) << 32);
		b.len += FENT_FIXED;
		b.ptr[b.len] = '\0';
		rc |= kith_put_str(&b, f->warning);
	}
	rc = rc ? kith_error_set(KITH_ERROR, "out of memory") :
		put_part(ix, &FILES, b.ptr, b.len);
	kith_buf_free(&b);
	return rc;
}

/*
 * v (n items of size bytes, room for *cap) with room for one more: v
 * itself, or a larger copy; NULL, v untouched, when out of memory.
 */
static void *
grow(void *v, size_t n, size_t *cap, size_t size)
{
	size_t nc;
	void *x;

	if (n < *cap)
		return v;
	nc = *cap ? 2 * *cap : 64;
	if (!(x = realloc(v, nc * size))) {
		kith_error_set(KITH_ERROR, "out of memory");
		return NULL;
	}
	*cap = nc;
	return x;
}

/* ---- string sets ---- */

struct strset {
	const char **v;
	size_t n, cap;
};

/* Add x (borrowed: it must outlive the set). */
static int
strset_add(struct strset *s, const char *x)
{
	const char **v = grow(s->v, s->n, &s->cap, sizeof *v);

	if (!v)
		return KITH_ERROR;
	s->v = v;
	s->v[s->n++] = x;
	return 0;
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
strset_uniq(struct strset *s)
{
	size_t k = 0;

	kith_sort(s->v, s->n, sizeof *s->v, cmp_strp);
	for (size_t i = 0; i < s->n; i++)
		if (!k || strcmp(s->v[k - 1], s->v[i]))
			s->v[k++] = s->v[i];
	s->n = k;
}

static bool
strset_has(const struct strset *s, const char *x)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->v[mid], x);
		if (!c)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void
strset_free(struct strset *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ---- the people part: a snapshot of every person file, resolved ---- */

/* The index of p in m's people (sorted by slug), or -1. */
static int64_t
person_index(const struct kith_model *m, const struct kith_person *p)
{
	size_t lo = 0, hi = m->npeople;

	while (p && lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(m->people[mid]->slug, p->slug);
		if (!c)
			return (int64_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The person chunk of each person of m, in m's order. */
struct pchunks {
	struct kith_chunk *v;
	size_t n;
};

static int
cmp_chunk_slug(const void *a, const void *b)
{
	const struct kith_chunk *x = a, *y = b;

	return strcmp(x->person->slug, y->person->slug);
}

static int
cmp_eptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const void *const *)a;
	uintptr_t y = (uintptr_t)*(const void *const *)b;

	return x < y ? -1 : x > y;
}

/* The people part of finished m as bytes. */
static int
encode_people(struct kith_buf *b, const struct kith_model *m,
	struct pchunks *pc)
{
	const struct kith_model_build *mb = m->build;
	size_t base = b->len, keys_at;
	unsigned char tail[8];
	int rc = 0;

	kith_sort(pc->v, pc->n, sizeof *pc->v, cmp_chunk_slug);
	if (pc->n != m->npeople)
		return kith_error_set(KITH_ERROR, "cannot index the people: %zu files, %zu people",
			pc->n, m->npeople);
	rc |= kith_put_uv(b, pc->n);
	for (size_t i = 0; i < pc->n && !rc; i++) {
		struct kith_buf c = KITH_BUF_INIT;
		rc |= kith_put_str(b, pc->v[i].person->path);
		rc |= kith_chunk_write(&c, &pc->v[i]);
		rc |= kith_put_uv(b, c.len);
		rc |= kith_buf_put(b, c.ptr ? c.ptr : "", c.len);
		kith_buf_free(&c);
	}
	for (size_t i = 0; i < pc->n && !rc; i++) {
		const struct kith_chunk *c = &pc->v[i];
		for (size_t j = 0; j < c->nmentions; j++) {
			rc |= kith_put_sv(b, person_index(m, c->mentions[j]->person));
			rc |= kith_put_uv(b, c->mentions[j]->ambiguous);
		}
		for (size_t j = 0; j < c->nfollowups; j++) {
			const struct kith_followup *f = c->followups[j];
			rc |= kith_put_uv(b, f->people ? f->npeople + 1 : 0);
			for (size_t k = 0; f->people && k < f->npeople; k++)
				rc |= kith_put_uv(b, (uint64_t)person_index(m, f->people[k]));
		}
	}
	/* the notes in the model's order (finished: sorted), as decode indexes */
	{
		struct eidx { const struct kith_entry *e; size_t i; } *v;
		size_t n = 0;
		for (size_t i = 0; i < pc->n; i++)
			n += pc->v[i].nentries;
		if (!(v = malloc((n + 1) * sizeof *v)))
			return kith_error_set(KITH_ERROR, "out of memory");
		n = 0;
		for (size_t i = 0; i < pc->n; i++)
			for (size_t j = 0; j < pc->v[i].nentries; j++, n++)
				v[n] = (struct eidx){ pc->v[i].entries[j], n };
		kith_sort(v, n, sizeof *v, cmp_eptr);
		size_t k = 0;
		for (size_t i = 0; i < m->nentries; i++)
			k += m->entries[i]->kind == KITH_ENTRY_NOTE;
		rc |= kith_put_uv(b, k == n ? n : 0);
		for (size_t i = 0; k == n && i < m->nentries; i++) {
			struct eidx key = { m->entries[i], 0 }, *hit = bsearch(&key, v, n,
				sizeof *v, cmp_eptr);
			rc |= hit ? kith_put_uv(b, hit->i) : KITH_ERROR;
		}
		free(v);
	}
	keys_at = b->len - base;
	rc |= kith_put_uv(b, mb->nnames);
	for (size_t i = 0; i < mb->nnames; i++) {
		rc |= kith_put_str(b, mb->names[i].key);
		rc |= kith_put_uv(b, (uint64_t)person_index(m, mb->names[i].person));
	}
	rc |= kith_put_uv(b, mb->naliases);
	for (size_t i = 0; i < mb->naliases; i++) {
		rc |= kith_put_str(b, mb->aliases[i].key);
		rc |= kith_put_uv(b, (uint64_t)person_index(m, mb->aliases[i].person));
	}
	/* where the keys start, for a reader that wants only the people */
	put_le64(tail, keys_at);
	rc |= kith_buf_put(b, tail, sizeof tail);
	return rc ? kith_error_set(KITH_ERROR, "out of memory") : 0;
}

/* What of the people part to read. */
enum ppart {
	P_WHOLE,     /* the people with their notes, mentions and follow-ups */
	P_PEOPLE,    /* only the people and the keys */
	P_FOLLOWUPS, /* the people, the keys and the follow-ups, resolved */
};

/*
 * Read the people part into the empty model m: resolved (keys ready)
 * when resolved, else only parsed (for finishing again); what (other
 * than P_WHOLE only resolved) says how much. data must outlive m
 * (attach_map). pc (if non-NULL) gets each person's chunk.
 */
static int
decode_people(struct kith_model *m, const void *data, size_t len, bool resolved,
	enum ppart what, struct pchunks *pc)
{
	bool people_only = what == P_PEOPLE;
	struct kith_model_build *b = m->build;
	struct kith_dec r = { data, (const unsigned char *)data + len, m->arena, false };
	struct kith_chunk *cs = NULL;
	size_t n, keys_at;
	int rc = IX_DAMAGED;

	if (len < 8)
		return IX_DAMAGED;
	r.end -= 8;
	keys_at = (size_t)get_le64(r.end);
	if (keys_at > len - 8)
		return IX_DAMAGED;
	n = kith_get_count(&r, 3);
	if (!(cs = calloc(n + 1, sizeof *cs)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < n && !r.bad; i++) {
		const char *path = kith_get_sstr(&r);
		size_t clen = kith_get_count(&r, 1);
		if (r.bad)
			goto out;
		if (people_only ? kith_chunk_read_person(m, path, r.p, clen, &cs[i].person) < 0 :
		    (what == P_FOLLOWUPS ? kith_chunk_read_followups(m, path, r.p, clen, &cs[i]) :
		    kith_chunk_read(m, path, r.p, clen, &cs[i])) < 0 || !cs[i].person)
			goto out;
		r.p += clen;
	}
	if (r.bad)
		goto out;
	if (people_only) {
		/* past the mentions, follow-ups and notes, to the keys */
		if ((const unsigned char *)data + keys_at < r.p)
			goto out;
		r.p = (const unsigned char *)data + keys_at;
	}
	if (resolved) {
		struct kith_person **people = (struct kith_person **)b->people.v;
		for (size_t i = 0; i < n && !r.bad && !people_only; i++) {
			for (size_t j = 0; j < cs[i].nmentions; j++) {
				int64_t k = kith_get_sv(&r);
				bool amb = kith_get_uv(&r) != 0;
				if (k < -1 || k >= (int64_t)n)
					goto out;
				if (what == P_FOLLOWUPS)
					continue; /* not read */
				cs[i].mentions[j]->person = k < 0 ? NULL : people[k];
				cs[i].mentions[j]->ambiguous = amb;
			}
			for (size_t j = 0; j < cs[i].nfollowups; j++) {
				struct kith_followup *f = cs[i].followups[j];
				size_t np = kith_get_count(&r, 1);
				if (!np)
					continue;
				if (!(f->people = kith_arena_alloc(m->arena, np * sizeof *f->people))) {
					rc = KITH_ERROR;
					goto out;
				}
				f->npeople = np - 1;
				for (size_t k = 0; k < f->npeople; k++) {
					uint64_t x = kith_get_uv(&r);
					if (x >= n)
						goto out;
					f->people[k] = people[x];
				}
			}
		}
		/* the notes, sorted as the finish would */
		size_t nn = people_only ? 0 : kith_get_count(&r, 1);
		if (nn && what == P_FOLLOWUPS) {
			for (size_t i = 0; i < nn; i++)
				if (kith_get_uv(&r) >= nn)
					goto out;
		} else if (nn) {
			struct kith_entry **es = (struct kith_entry **)b->entries.v, **v;
			if (nn != b->entries.n)
				goto out;
			if (!(v = malloc(nn * sizeof *v))) {
				rc = kith_error_set(KITH_ERROR, "out of memory");
				goto out;
			}
			bool ok = true;
			for (size_t i = 0; i < nn; i++) {
				uint64_t x = kith_get_uv(&r);
				ok &= x < nn;
				v[i] = ok ? es[x] : NULL;
			}
			if (ok)
				memcpy(es, v, nn * sizeof *v);
			free(v);
			if (!ok)
				goto out;
			b->sorted_entries = nn;
		}
		if (r.p != (const unsigned char *)data + keys_at)
			goto out;
		struct kith_model_key **keys[2] = { &b->names, &b->aliases };
		size_t *nkeys[2] = { &b->nnames, &b->naliases };
		for (int t = 0; t < 2 && !r.bad; t++) {
			size_t nk = kith_get_count(&r, 2);
			free(*keys[t]);
			if (!(*keys[t] = malloc((nk + 1) * sizeof **keys[t]))) {
				rc = kith_error_set(KITH_ERROR, "out of memory");
				goto out;
			}
			*nkeys[t] = nk;
			for (size_t i = 0; i < nk; i++) {
				(*keys[t])[i].key = kith_get_sstr(&r);
				uint64_t x = kith_get_uv(&r);
				if (x >= n)
					goto out;
				(*keys[t])[i].person = people[x];
			}
		}
		if (r.bad || r.p != r.end)
			goto out;
		for (size_t i = 1; i < n; i++)
			if (strcmp(people[i - 1]->slug, people[i]->slug) >= 0)
				goto out;
		for (size_t i = 0; i < n; i++)
			people[i]->fold = people[i]->slug;
		for (size_t i = 0; i < b->nnames; i++)
			b->names[i].person->fold = b->names[i].key;
		m->people = people;
		m->npeople = n;
		b->keys_ready = true;
	}
	if (pc) {
		pc->v = cs;
		pc->n = n;
		cs = NULL;
	}
	rc = 0;
out:
	free(cs);
	return rc;
}

/* Make m own the mapping pm (unmapped with it, or now on failure). */
static int
attach_map(struct kith_model *m, struct kith_map *pm)
{
	if (kith_ptrvec_push(&m->build->maps, pm) < 0) {
		kith_map_free(pm);
		return KITH_ERROR;
	}
	return 0;
}

/* Keys of the people part ("kind\tkey\tslug"), from the finished model. */
static int
model_keys(struct strset *out, const struct kith_model *m, struct kith_arena *a)
{
	const struct kith_model_build *b = m->build;
	struct kith_buf k = KITH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < m->npeople; i++) {
		kith_buf_clear(&k);
		rc = kith_buf_printf(&k, "0\t%s\t%s", m->people[i]->slug, m->people[i]->slug);
		const char *s = rc ? NULL : kith_arena_strdup(a, k.ptr);
		rc = s ? strset_add(out, s) : KITH_ERROR;
	}
	for (int t = 0; t < 2; t++) {
		const struct kith_model_key *v = t ? b->aliases : b->names;
		size_t n = t ? b->naliases : b->nnames;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			kith_buf_clear(&k);
			rc = kith_buf_printf(&k, "%d\t%s\t%s", t + 1, v[i].key, v[i].person->slug);
			const char *s = rc ? NULL : kith_arena_strdup(a, k.ptr);
			rc = s ? strset_add(out, s) : KITH_ERROR;
		}
	}
	kith_buf_free(&k);
	strset_uniq(out);
	return rc;
}

/*
 * The keys alone: every slug, and the names and aliases mentions resolve
 * by. Enough to resolve journal entries when no person file changed.
 */
static int
encode_keys(struct kith_buf *b, const struct kith_model *m)
{
	const struct kith_model_build *mb = m->build;
	int rc = kith_put_uv(b, m->npeople);

	for (size_t i = 0; i < m->npeople; i++)
		rc |= kith_put_str(b, m->people[i]->slug);
	for (int t = 0; t < 2; t++) {
		const struct kith_model_key *v = t ? mb->aliases : mb->names;
		size_t n = t ? mb->naliases : mb->nnames;
		rc |= kith_put_uv(b, n);
		for (size_t i = 0; i < n; i++) {
			rc |= kith_put_str(b, v[i].key);
			rc |= kith_put_uv(b, (uint64_t)person_index(m, v[i].person));
		}
	}
	return rc ? kith_error_set(KITH_ERROR, "out of memory") : 0;
}

/* Stand-ins for the people (slug only) and their keys, into the empty m. */
static int
decode_keys(struct kith_model *m, void *data, size_t len)
{
	struct kith_model_build *b = m->build;
	struct kith_dec r = { data, (unsigned char *)data + len, m->arena, false };
	size_t n;

	if (kith_ptrvec_push(&b->blobs, data) < 0) {
		free(data);
		return KITH_ERROR;
	}
	n = kith_get_count(&r, 2);
	for (size_t i = 0; i < n && !r.bad; i++) {
		struct kith_person *p = kith_model_new_person(m);
		if (!p)
			return KITH_ERROR;
		p->slug = p->name = p->fold = kith_get_sstr(&r);
		p->last = KITH_NODATE;
		if (i && strcmp(((struct kith_person *)b->people.v[i - 1])->slug, p->slug) >= 0)
			return IX_DAMAGED;
	}
	struct kith_person **people = (struct kith_person **)b->people.v;
	struct kith_model_key **keys[2] = { &b->names, &b->aliases };
	size_t *nkeys[2] = { &b->nnames, &b->naliases };
	for (int t = 0; t < 2 && !r.bad; t++) {
		size_t nk = kith_get_count(&r, 2);
		free(*keys[t]);
		if (!(*keys[t] = malloc((nk + 1) * sizeof **keys[t])))
			return kith_error_set(KITH_ERROR, "out of memory");
		*nkeys[t] = nk;
		for (size_t i = 0; i < nk; i++) {
			(*keys[t])[i].key = kith_get_sstr(&r);
			uint64_t x = kith_get_uv(&r);
			if (x >= n)
				return IX_DAMAGED;
			(*keys[t])[i].person = people[x];
		}
	}
	if (r.bad || r.p != r.end)
		return IX_DAMAGED;
	m->people = people;
	m->npeople = n;
	b->keys_ready = true;
	return 0;
}

/* ---- postings ---- */

enum { P_IDS, P_INTER };

/* One change to a posting: an id (or interaction) added or removed. */
struct pedit {
	const char *key; /* "t:jane", "p:jane-doe", ... */
	int64_t chunk;
	int32_t eidx, date;
	int16_t time;    /* minutes after midnight, or -1 */
	bool add;
	uint32_t group;  /* the rank of its key among the keys (apply_pedits) */
};
/* A first build makes ~800,000 of them on the large bench repository. */
_Static_assert(sizeof(struct pedit) <= 32, "a posting edit in 32 bytes");

/*
 * A posting is kept as rows of BUCKET_IDS chunk ids each, keyed
 * KEY "\x1f" BUCKET (8 hex digits): an update rewrites the rows of the
 * ids it touches, not a popular person's whole list.
 */
#define BUCKET_SHIFT 14
#define BUCKET_SEP '\x1f'

static uint64_t
bucket_of(int64_t chunk)
{
	return (uint64_t)chunk >> BUCKET_SHIFT;
}

/* The row key of key's bucket into b. */
static int
bucket_key(struct kith_buf *b, const char *key, uint64_t bucket)
{
	char hex[10];

	/* by hand: a cold build makes a key for every id of every posting */
	hex[0] = BUCKET_SEP;
	for (int i = 0; i < 8; i++)
		hex[8 - i] = "0123456789abcdef"[(bucket >> (4 * i)) & 0xf];
	hex[9] = '\0';
	kith_buf_clear(b);
	return kith_buf_puts(b, key) < 0 || kith_buf_puts(b, hex) < 0 ? KITH_ERROR : 0;
}

/* Whether row key rk is a bucket of key (n = strlen(key)). */
static bool
is_bucket_of(const char *rk, size_t rlen, const char *key, size_t n)
{
	if (rlen != n + 9 || memcmp(rk, key, n) || rk[n] != BUCKET_SEP)
		return false;
	for (size_t i = n + 1; i < rlen; i++)
		if (!((rk[i] >= '0' && rk[i] <= '9') || (rk[i] >= 'a' && rk[i] <= 'f')))
			return false;
	return true;
}

struct pedits {
	struct pedit *v;
	size_t n, cap;
	uint32_t *ord; /* v's order by key and chunk (group_pedits) */
};

static int
pedit_push(struct pedits *p, const struct pedit *e)
{
	struct pedit *v = grow(p->v, p->n, &p->cap, sizeof *v);

	if (!v)
		return KITH_ERROR;
	p->v = v;
	p->v[p->n++] = *e;
	return 0;
}

static int
cmp_pedit(const void *a, const void *b)
{
	const struct pedit *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if (bucket_of(x->chunk) != bucket_of(y->chunk))
		return bucket_of(x->chunk) < bucket_of(y->chunk) ? -1 : 1;
	if (x->add != y->add)
		return x->add ? 1 : -1; /* removals first */
	return x->chunk < y->chunk ? -1 : x->chunk > y->chunk;
}

/* An interaction in a "p:" posting. */
struct inter {
	int date, time;
	int64_t chunk;
	int eidx;
};

static int
cmp_inter(const void *a, const void *b)
{
	const struct inter *x = a, *y = b;

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	if (x->chunk != y->chunk)
		return x->chunk < y->chunk ? -1 : 1;
	return x->eidx - y->eidx;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Sort v[0..n), which is most often nearly sorted: the edits of a first
 * build come in chunk order, so that a person's interactions are out of
 * order only here and there (the entries of a day, a note). Insertion,
 * while it moves fewer than 8 elements per element; qsort past that.
 */
static void
sort_nearly(char *v, size_t n, size_t es, int (*cmp)(const void *, const void *))
{
	alignas(max_align_t) unsigned char el[64];
	size_t moves = 0;

	if (es > sizeof el) {
		kith_sort(v, n, es, cmp);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (cmp(v + (i - 1) * es, v + i * es) <= 0)
			continue;
		memcpy(el, v + i * es, es);
		while (j > 0 && cmp(v + (j - 1) * es, el) > 0)
			j--;
		memmove(v + (j + 1) * es, v + j * es, (i - j) * es);
		memcpy(v + j * es, el, es);
		if ((moves += i - j) > 8 * n) {
			kith_sort(v, n, es, cmp);
			return;
		}
	}
}

/*
 * v[0..h) is sorted, v[h..n) was appended: sort that and merge the two.
 * New chunk ids are the highest, and new interactions mostly the newest,
 * so the tail usually goes after the head as it is.
 */
static int
merge_tail(void *v, size_t h, size_t n, size_t es,
	int (*cmp)(const void *, const void *))
{
	char *p = v, *t;

	sort_nearly(p + h * es, n - h, es, cmp);
	if (!h || h == n || cmp(p + (h - 1) * es, p + h * es) <= 0)
		return 0;
	if (!(t = malloc(n * es)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0, j = h, k = 0; k < n; k++) {
		bool left = j == n || (i < h && cmp(p + i * es, p + j * es) <= 0);
		memcpy(t + k * es, p + (left ? i++ : j++) * es, es);
	}
	memcpy(p, t, n * es);
	free(t);
	return 0;
}

/* Decode a posting of ids (delta-coded, ascending). */
static int
decode_ids(int64_t **out, size_t *n, const void *data, size_t len)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, NULL, false };
	size_t cnt = kith_get_count(&r, 1);
	int64_t prev = 0, *v = malloc((cnt + 1) * sizeof *v);

	*out = NULL;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < cnt; i++)
		v[i] = prev += (int64_t)kith_get_uv(&r);
	if (r.bad || r.p != r.end) {
		free(v);
		return IX_DAMAGED;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int
encode_ids(struct kith_buf *b, const int64_t *v, size_t n)
{
	int64_t prev = 0;
	int rc = kith_put_uv(b, n);

	for (size_t i = 0; i < n; i++) {
		rc |= kith_put_uv(b, (uint64_t)(v[i] - prev));
		prev = v[i];
	}
	return rc ? KITH_ERROR : 0;
}

static int
decode_inters(struct inter **out, size_t *n, const void *data, size_t len)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, NULL, false };
	size_t cnt = kith_get_count(&r, 4);
	struct inter *v = malloc((cnt + 1) * sizeof *v);

	*out = NULL;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		v[i].date = (int)kith_get_sv(&r);
		v[i].time = (int)kith_get_sv(&r);
		v[i].chunk = (int64_t)kith_get_uv(&r);
		v[i].eidx = kith_get_int(&r);
	}
	if (r.bad || r.p != r.end) {
		free(v);
		return IX_DAMAGED;
	}
	*out = v;
	*n = cnt;
	return 0;
}

static int
encode_inters(struct kith_buf *b, const struct inter *v, size_t n)
{
	int rc = kith_put_uv(b, n);

	for (size_t i = 0; i < n; i++) {
		rc |= kith_put_sv(b, v[i].date);
		rc |= kith_put_sv(b, v[i].time);
		rc |= kith_put_uv(b, (uint64_t)v[i].chunk);
		rc |= kith_put_uv(b, (uint64_t)v[i].eidx);
	}
	return rc ? KITH_ERROR : 0;
}

/* The statement each_bucket steps. */
#define SELECT_BUCKETS "SELECT k, v FROM posting WHERE k > ?1 AND k < ?2"

/*
 * Every bucket of posting k, in key order (so in id order), given to
 * take(arg, bytes, length); get is SELECT_BUCKETS prepared.
 */
static int
each_bucket(struct ix *ix, sqlite3_stmt *get, const char *k,
	int (*take)(void *arg, const void *data, size_t len), void *arg)
{
	struct kith_buf lo = KITH_BUF_INIT, hi = KITH_BUF_INIT;
	size_t n = strlen(k);
	int r, rc;

	if ((rc = kith_buf_printf(&lo, "%s%c", k, BUCKET_SEP)) < 0 ||
	    (rc = kith_buf_printf(&hi, "%s%c", k, BUCKET_SEP + 1)) < 0)
		goto out;
	sqlite3_bind_text(get, 1, lo.ptr, (int)lo.len, SQLITE_STATIC);
	sqlite3_bind_text(get, 2, hi.ptr, (int)hi.len, SQLITE_STATIC);
	while ((r = sqlite3_step(get)) == SQLITE_ROW) {
		const char *rk = (const char *)sqlite3_column_text(get, 0);
		size_t rl = (size_t)sqlite3_column_bytes(get, 0);
		if (!rk || !is_bucket_of(rk, rl, k, n))
			continue;
		if ((rc = take(arg, sqlite3_column_blob(get, 1),
		    (size_t)sqlite3_column_bytes(get, 1))) != 0)
			break;
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = db_fail(ix, "read a posting");
	sqlite3_reset(get);
out:
	kith_buf_free(&lo);
	kith_buf_free(&hi);
	return rc;
}

/* A list that buckets are appended to. */
struct blist {
	void *v;
	size_t n, cap, size; /* size: of one element */
};

static int
blist_append(struct blist *l, const void *v, size_t n)
{
	if (l->n + n > l->cap) {
		size_t nc = l->cap ? l->cap : 64;
		while (nc < l->n + n)
			nc *= 2;
		void *x = realloc(l->v, nc * l->size);
		if (!x)
			return kith_error_set(KITH_ERROR, "out of memory");
		l->v = x;
		l->cap = nc;
	}
	if (n)
		memcpy((char *)l->v + l->n * l->size, v, n * l->size);
	l->n += n;
	return 0;
}

static int
take_ids(void *arg, const void *data, size_t len)
{
	int64_t *v;
	size_t n;
	int rc;

	if ((rc = decode_ids(&v, &n, data, len)) != 0)
		return rc;
	rc = blist_append(arg, v, n);
	free(v);
	return rc;
}

static int
take_inters(void *arg, const void *data, size_t len)
{
	struct inter *v;
	size_t n;
	int rc;

	if ((rc = decode_inters(&v, &n, data, len)) != 0)
		return rc;
	rc = blist_append(arg, v, n);
	free(v);
	return rc;
}

/* The ids of posting k, ascending (none when it is missing). */
static int
read_ids(struct ix *ix, sqlite3_stmt *get, const char *k, int64_t **out, size_t *n)
{
	struct blist l = { .size = sizeof(int64_t) };
	int rc = each_bucket(ix, get, k, take_ids, &l);

	if (rc) {
		free(l.v);
		l.v = NULL;
		l.n = 0;
	}
	*out = l.v;
	*n = l.n;
	return rc;
}

/* By how many interactions a "p:" posting's bucket changed. */
struct pdelta {
	const char *slug;
	int64_t delta;
};

/* The keys whose postings changed: for totals afterwards. */
struct touched {
	struct strset slugs; /* "p:" */
	struct strset tags;  /* "g:" */
	int64_t *tagn;       /* how each of tags' count changed (parallel) */
	size_t ntagn, captagn;
	struct pdelta *pd;   /* every "p:" bucket written */
	size_t npd, cappd;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(1099511628211);
	return h;
}

/* An edit and where it is in its pedits, for sorting a key's edits. */
struct tagged {
	struct pedit e;
	uint32_t at;
};

static int
cmp_tagged(const void *a, const void *b)
{
	return cmp_pedit(&((const struct tagged *)a)->e, &((const struct tagged *)b)->e);
}

/* Give each edit its key's rank among the distinct keys, then order by it. */
/* A table of cap slots (a power of two) of keys[0..nk), by hash. */
static void
slots_fill(uint32_t *slots, size_t cap, const char *const *keys, size_t nk)
{
	memset(slots, 0xff, cap * sizeof *slots);
	for (size_t i = 0; i < nk; i++) {
		size_t h = (size_t)hash_str(keys[i]) & (cap - 1);
		while (slots[h] != UINT32_MAX)
			h = (h + 1) & (cap - 1);
		slots[h] = (uint32_t)i;
	}
}

static int
group_pedits(struct pedits *pe)
{
	size_t cap = 1024, nk = 0, capk = 0;
	uint32_t *slots, *rank;
	const char **keys = NULL;

	if (pe->n >= UINT32_MAX)
		return kith_error_set(KITH_ERROR, "too many posting edits");
	if (!(slots = malloc(cap * sizeof *slots)))
		return kith_error_set(KITH_ERROR, "out of memory");
	memset(slots, 0xff, cap * sizeof *slots);
	/*
	 * The distinct keys, grown as they come: a first build of the large
	 * bench has ~800,000 edits of ~40,000 keys (tables sized by the
	 * edits took 14 MB more at the peak).
	 */
	for (size_t i = 0; i < pe->n; i++) {
		if (2 * (nk + 1) > cap) {
			size_t nc = 2 * cap;
			uint32_t *v = malloc(nc * sizeof *v);
			if (!v) {
				free(slots);
				free(keys);
				return kith_error_set(KITH_ERROR, "out of memory");
			}
			slots_fill(v, nc, keys, nk);
			free(slots);
			slots = v;
			cap = nc;
		}
		if (nk + 1 >= capk) {
			const char **kv = grow(keys, nk, &capk, sizeof *kv);
			if (!kv) {
				free(slots);
				free(keys);
				return kith_error_set(KITH_ERROR, "out of memory");
			}
			keys = kv;
		}
		size_t h = (size_t)hash_str(pe->v[i].key) & (cap - 1);
		while (slots[h] != UINT32_MAX && strcmp(keys[slots[h]], pe->v[i].key))
			h = (h + 1) & (cap - 1);
		if (slots[h] == UINT32_MAX) {
			slots[h] = (uint32_t)nk;
			keys[nk++] = pe->v[i].key;
		}
		pe->v[i].group = slots[h];
	}
	if (!(rank = malloc((nk + 1) * sizeof *rank))) {
		free(slots);
		free(keys);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	/* rank the distinct keys by bytes: postings are written in key order */
	const char **sorted = malloc((nk + 1) * sizeof *sorted);
	if (!sorted) {
		free(slots);
		free(keys);
		free(rank);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	if (nk)
		memcpy(sorted, keys, nk * sizeof *keys);
	kith_sort(sorted, nk, sizeof *sorted, cmp_strp);
	slots_fill(slots, cap, keys, nk);
	for (size_t i = 0; i < nk; i++) {
		size_t h = (size_t)hash_str(sorted[i]) & (cap - 1);
		while (strcmp(keys[slots[h]], sorted[i]))
			h = (h + 1) & (cap - 1);
		rank[slots[h]] = (uint32_t)i;
	}
	for (size_t i = 0; i < pe->n; i++)
		pe->v[i].group = rank[pe->v[i].group];
	free(sorted);
	free(slots);
	free(keys);
	free(rank);
	/*
	 * By rank, keeping the order they came in (a counting sort of their
	 * indexes, not of the edits: a first build makes ~800,000); then each
	 * key's own edits, which come in chunk order: most need no sort.
	 */
	size_t *at = calloc(nk + 1, sizeof *at);
	uint32_t *ord = malloc((pe->n + 1) * sizeof *ord);
	struct tagged *tmp = NULL;
	size_t ntmp = 0;
	int rc = 0;
	if (!at || !ord) {
		free(at);
		free(ord);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	for (size_t i = 0; i < pe->n; i++)
		at[pe->v[i].group + 1]++;
	for (size_t g = 0; g < nk; g++)
		at[g + 1] += at[g];
	for (size_t i = 0; i < pe->n; i++)
		ord[at[pe->v[i].group]++] = (uint32_t)i;
	for (size_t g = 0, b = 0; rc == 0 && g < nk; b = at[g++]) {
		size_t n = at[g] - b, k = 1;
		while (k < n && cmp_pedit(&pe->v[ord[b + k - 1]], &pe->v[ord[b + k]]) <= 0)
			k++;
		if (k >= n)
			continue;
		/* out of order: sort copies that remember where they came from */
		if (n > ntmp) {
			struct tagged *x = realloc(tmp, n * sizeof *x);
			if (!x) {
				rc = kith_error_set(KITH_ERROR, "out of memory");
				break;
			}
			tmp = x;
			ntmp = n;
		}
		for (size_t i = 0; i < n; i++)
			tmp[i] = (struct tagged){ pe->v[ord[b + i]], ord[b + i] };
		sort_nearly((char *)tmp, n, sizeof *tmp, cmp_tagged);
		for (size_t i = 0; i < n; i++)
			ord[b + i] = tmp[i].at;
	}
	free(tmp);
	free(at);
	free(pe->ord);
	pe->ord = ord;
	return rc;
}

/* Apply every edit: read each posting once, change it, write it. */
/* Edit x of pe in group_pedits' order. */
#define E(x) (pe->v[pe->ord[x]])

/* group_pedits on a thread of its own, while the parts are written. */
struct gjob {
	struct pedits *pe;
	int rc;
	char msg[256];
};

static void *
group_thread(void *arg)
{
	struct gjob *g = arg;

	if ((g->rc = group_pedits(g->pe)) < 0)
		snprintf(g->msg, sizeof g->msg, "%s", kith_error());
	return NULL;
}

/* Edits enough to group them on a second thread. */
#define GROUP_THREAD_MIN 16384

/* The posting edits pe, grouped (group_pedits), into the database. */
static int
apply_pedits(struct ix *ix, struct pedits *pe, struct touched *t,
	struct kith_arena *a, bool cold)
{
	sqlite3_stmt *get = NULL, *put = NULL, *del = NULL;
	struct kith_buf b = KITH_BUF_INIT, bk = KITH_BUF_INIT;
	int rc;

	if ((rc = prep(ix, &get, "SELECT v FROM posting WHERE k = ?1")) != 0 ||
	    (rc = prep(ix, &put, "INSERT OR REPLACE INTO posting VALUES(?1, ?2)")) != 0 ||
	    (rc = prep(ix, &del, "DELETE FROM posting WHERE k = ?1")) != 0)
		goto out;
	for (size_t i = 0, j; i < pe->n; i = j) {
		const char *k = E(i).key;
		bool inter = k[0] == 'p';
		size_t n = 0, n0, cap;
		void *v = NULL;
		int r;

		/* one bucket of one key */
		uint64_t bucket = bucket_of(E(i).chunk);
		for (j = i; j < pe->n && E(j).group == E(i).group &&
		     bucket_of(E(j).chunk) == bucket; j++)
			;
		if ((rc = bucket_key(&bk, k, bucket)) < 0)
			goto out;
		sqlite3_bind_text(get, 1, bk.ptr, (int)bk.len, SQLITE_STATIC);
		r = cold ? SQLITE_DONE : sqlite3_step(get); /* cold: none yet */
		if (r == SQLITE_ROW)
			rc = inter ? decode_inters((struct inter **)&v, &n,
				sqlite3_column_blob(get, 0), (size_t)sqlite3_column_bytes(get, 0)) :
				decode_ids((int64_t **)&v, &n, sqlite3_column_blob(get, 0),
				(size_t)sqlite3_column_bytes(get, 0));
		else if (r != SQLITE_DONE)
			rc = db_fail(ix, "read a posting");
		sqlite3_reset(get);
		if (rc)
			goto out;
		n0 = n;
		/* removals (sorted by chunk), then additions */
		size_t rm = i;
		while (rm < j && !E(rm).add)
			rm++;
		size_t keep = 0;
		for (size_t x = 0; x < n; x++) {
			int64_t c = inter ? ((struct inter *)v)[x].chunk : ((int64_t *)v)[x];
			size_t lo = i, hi = rm;
			bool gone = false;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (E(mid).chunk == c) {
					gone = true;
					break;
				}
				if (E(mid).chunk < c)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (gone)
				continue;
			if (inter)
				((struct inter *)v)[keep++] = ((struct inter *)v)[x];
			else
				((int64_t *)v)[keep++] = ((int64_t *)v)[x];
		}
		cap = keep + (j - rm) + 1;
		void *nv = realloc(v, cap * (inter ? sizeof(struct inter) : sizeof(int64_t)));
		if (!nv) {
			free(v);
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		v = nv;
		n = keep;
		for (size_t x = rm; x < j; x++) {
			if (inter)
				((struct inter *)v)[n++] = (struct inter){ E(x).date,
					E(x).time, E(x).chunk, E(x).eidx };
			else
				((int64_t *)v)[n++] = E(x).chunk;
		}
		if ((rc = merge_tail(v, keep, n, inter ? sizeof(struct inter) :
		    sizeof(int64_t), inter ? cmp_inter : cmp_i64)) < 0) {
			free(v);
			goto out;
		}
		if (!inter) {
			size_t u = 0;
			for (size_t x = 0; x < n; x++)
				if (!u || ((int64_t *)v)[u - 1] != ((int64_t *)v)[x])
					((int64_t *)v)[u++] = ((int64_t *)v)[x];
			n = u;
		}
		kith_buf_clear(&b);
		if (n) {
			rc = inter ? encode_inters(&b, v, n) : encode_ids(&b, v, n);
			if (rc == 0) {
				sqlite3_bind_text(put, 1, bk.ptr, (int)bk.len, SQLITE_STATIC);
				sqlite3_bind_blob(put, 2, b.ptr, (int)b.len, SQLITE_STATIC);
				rc = run(ix, put);
			}
		} else {
			sqlite3_bind_text(del, 1, bk.ptr, (int)bk.len, SQLITE_STATIC);
			rc = run(ix, del);
		}
		free(v);
		if (rc)
			goto out;
		if (k[0] == 'p' && (rc = strset_add(&t->slugs, k + 2)) < 0)
			goto out;
		if (inter) {
			struct pdelta d = { k + 2, (int64_t)n - (int64_t)n0 };
			struct pdelta *pd = grow(t->pd, t->npd, &t->cappd, sizeof *pd);
			if (!pd) {
				rc = KITH_ERROR;
				goto out;
			}
			t->pd = pd;
			t->pd[t->npd++] = d;
		}
		if (k[0] == 'g' && t->ntagn && !strcmp(t->tags.v[t->tags.n - 1], k + 2)) {
			t->tagn[t->ntagn - 1] += (int64_t)n - (int64_t)n0; /* its next bucket */
		} else if (k[0] == 'g') {
			int64_t *tn = grow(t->tagn, t->ntagn, &t->captagn, sizeof *tn);
			if (!tn) {
				rc = KITH_ERROR;
				goto out;
			}
			t->tagn = tn;
			if ((rc = strset_add(&t->tags, k + 2)) < 0)
				goto out;
			t->tagn[t->ntagn++] = (int64_t)n - (int64_t)n0;
		}
	}
	(void)a;
out:
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	sqlite3_finalize(del);
	kith_buf_free(&b);
	kith_buf_free(&bk);
	return rc;
}
#undef E

/*
 * ---- the terms: the strings a chunk's meta names by number ----
 *
 * A chunk's meta names its keys ("t:jane", "g:work", "o:") and whom its
 * entries are with (slugs) by their numbers in the terms part
 * (.kith/terms-GEN: a count, then the strings), ~2 bytes each instead of
 * ~15. A number is never reused while the index lives: a refresh only
 * adds the strings it has not seen, at the end.
 */
struct terms {
	struct kith_map *map; /* the part as the refresh found it */
	const char **v;       /* by number */
	size_t n, cap, nold;
	uint32_t *slots;      /* hash of v: number + 1, 0 when free */
	size_t scap;
	bool loaded;
};

static void
terms_free(struct terms *t)
{
	kith_map_free(t->map);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof *t);
}

/* The terms part into t (none yet on a first build). */
static int
terms_load(struct ix *ix, struct terms *t, bool cold)
{
	struct kith_dec r;
	int rc;

	if (t->loaded)
		return 0;
	t->loaded = true;
	if (cold)
		return 0;
	if ((rc = get_part(ix, &TERMS, &t->map)) != 0)
		return rc;
	if (!t->map)
		return IX_DAMAGED; /* every refresh since the first keeps one */
	r = (struct kith_dec){ t->map->data, (const unsigned char *)t->map->data +
		t->map->len, NULL, false };
	t->n = t->nold = t->cap = kith_get_count(&r, 2);
	if (!(t->v = malloc((t->n + 1) * sizeof *t->v)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < t->n; i++)
		if (!(t->v[i] = kith_get_sstr(&r)))
			r.bad = true;
	return r.bad || r.p != r.end ? IX_DAMAGED : 0;
}

/* The number of s, given one when new (s then borrowed: it must outlive t). */
static int
terms_id(struct terms *t, const char *s, uint64_t *id)
{
	if (2 * (t->n + 1) > t->scap) {
		size_t nc = t->scap ? 2 * t->scap : 1024;
		while (nc < 2 * (t->n + 1))
			nc *= 2;
		uint32_t *v = calloc(nc, sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		free(t->slots);
		t->slots = v;
		t->scap = nc;
		for (size_t i = 0; i < t->n; i++) {
			size_t h = (size_t)hash_str(t->v[i]) & (nc - 1);
			while (v[h])
				h = (h + 1) & (nc - 1);
			v[h] = (uint32_t)i + 1;
		}
	}
	size_t h = (size_t)hash_str(s) & (t->scap - 1);
	for (; t->slots[h]; h = (h + 1) & (t->scap - 1))
		if (!strcmp(t->v[t->slots[h] - 1], s)) {
			*id = t->slots[h] - 1;
			return 0;
		}
	const char **v = grow(t->v, t->n, &t->cap, sizeof *v);
	if (!v)
		return KITH_ERROR;
	t->v = v;
	t->v[t->n] = s;
	t->slots[h] = (uint32_t)++t->n;
	*id = t->n - 1;
	return 0;
}

/* s's number in t, as terms_id, with s copied into a when it is new. */
static int
terms_id_copy(struct terms *t, const char *s, struct kith_arena *a, uint64_t *id)
{
	size_t n0 = t->n;

	if (terms_id(t, s, id) < 0)
		return KITH_ERROR;
	if (t->n > n0 && !(t->v[*id] = kith_arena_strdup(a, s)))
		return KITH_ERROR;
	return 0;
}

/*
 * s as a term: the terms' own string, made in a when s is new (s itself
 * may be a scratch buffer); NULL when out of memory.
 */
static const char *
terms_intern(struct terms *t, const char *s, struct kith_arena *a)
{
	uint64_t id;

	return terms_id_copy(t, s, a, &id) < 0 ? NULL : t->v[id];
}

/* The terms part anew, when the refresh added terms (always on a first build). */
static int
terms_write(struct ix *ix, const struct terms *t, bool cold)
{
	struct kith_buf b = KITH_BUF_INIT;
	int rc = 0;

	if (!t->loaded || (!cold && t->n == t->nold))
		return 0;
	rc |= kith_put_uv(&b, t->n);
	for (size_t i = 0; i < t->n; i++)
		rc |= kith_put_str(&b, t->v[i]);
	rc = rc ? kith_error_set(KITH_ERROR, "out of memory") :
		put_part(ix, &TERMS, b.ptr, b.len);
	kith_buf_free(&b);
	return rc;
}

/* ---- a chunk's row: what it adds to the postings ---- */

/* The keys a chunk is found by, and whom its entries are interactions with. */
/* An open follow-up as the meta keeps it, for KITH_Q_ALONE. */
struct ometa {
	const char *text;
	kith_date due;
	int line;
	uint64_t box_off;
	const char **people; /* slugs */
	size_t npeople;
};

struct cmeta {
	struct strset keys;   /* "t:..." "g:..." "o:" "f:", in the arena */
	const char ***inter;  /* per entry, slugs */
	size_t *ninter;
	size_t nentries;
	struct ometa *open;   /* the open follow-ups, resolved */
	size_t nopen;
};

static void
cmeta_free(struct cmeta *c)
{
	strset_free(&c->keys);
	free(c->inter);
	free(c->ninter);
	free(c->open);
	memset(c, 0, sizeof *c);
}

/* The meta of a finished journal chunk. */
static int
cmeta_of(struct cmeta *out, const struct kith_chunk *c, struct terms *t,
	struct kith_arena *a)
{
	struct kith_buf k = KITH_BUF_INIT;
	bool open = false;
	int rc = 0;

	/* each key once in all: the terms' own string ("t:" + the folded target) */
	memset(out, 0, sizeof *out);
	for (size_t i = 0; rc == 0 && i < c->nmentions; i++) {
		const char *f = c->mentions[i]->key; /* folded by the finish */
		if (!f)
			continue;
		kith_buf_clear(&k);
		rc = kith_buf_puts(&k, "t:") < 0 || kith_buf_puts(&k, f) < 0 ? KITH_ERROR : 0;
		const char *s = rc ? NULL : terms_intern(t, k.ptr, a);
		rc = s ? strset_add(&out->keys, s) : KITH_ERROR;
	}
	for (size_t i = 0; rc == 0 && i < c->nentries; i++)
		for (size_t j = 0; rc == 0 && j < c->entries[i]->ntags; j++) {
			kith_buf_clear(&k);
			rc = kith_buf_puts(&k, "g:") < 0 ||
				kith_buf_puts(&k, c->entries[i]->tags[j]) < 0 ? KITH_ERROR : 0;
			const char *s = rc ? NULL : terms_intern(t, k.ptr, a);
			rc = s ? strset_add(&out->keys, s) : KITH_ERROR;
		}
	for (size_t i = 0; i < c->nfollowups; i++)
		open |= !c->followups[i]->done;
	if (rc == 0 && c->nfollowups)
		rc = strset_add(&out->keys, "f:");
	if (rc == 0 && open)
		rc = strset_add(&out->keys, "o:");
	strset_uniq(&out->keys);
	out->nentries = c->nentries;
	out->inter = calloc(c->nentries + 1, sizeof *out->inter);
	out->ninter = calloc(c->nentries + 1, sizeof *out->ninter);
	if (rc == 0 && (!out->inter || !out->ninter))
		rc = kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; rc == 0 && i < c->nentries; i++) {
		const struct kith_entry *e = c->entries[i];
		if (!e->npeople)
			continue;
		if (!(out->inter[i] = kith_arena_alloc(a, e->npeople * sizeof *out->inter[i]))) {
			rc = KITH_ERROR;
			break;
		}
		for (size_t j = 0; j < e->npeople; j++)
			out->inter[i][j] = e->people[j]->slug;
		out->ninter[i] = e->npeople;
	}
	/* the open follow-ups whole, with whom they belong to */
	if (rc == 0 && open && !(out->open = calloc(c->nfollowups, sizeof *out->open)))
		rc = kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; rc == 0 && open && i < c->nfollowups; i++) {
		const struct kith_followup *f = c->followups[i];
		struct ometa *o = &out->open[out->nopen];
		if (f->done)
			continue;
		*o = (struct ometa){ f->text, f->due, f->line, f->box_off, NULL, f->npeople };
		if (f->npeople && !(o->people = kith_arena_alloc(a, f->npeople * sizeof *o->people))) {
			rc = KITH_ERROR;
			break;
		}
		for (size_t j = 0; j < f->npeople; j++)
			o->people[j] = f->people[j]->slug;
		out->nopen++;
	}
	kith_buf_free(&k);
	return rc;
}

/* The open follow-ups of c, as the meta and the open part keep them. */
static int
encode_open(struct kith_buf *b, const struct cmeta *c)
{
	int rc = kith_put_uv(b, c->nopen);

	for (size_t i = 0; i < c->nopen; i++) {
		const struct ometa *o = &c->open[i];
		rc |= kith_put_str(b, o->text);
		rc |= kith_put_sv(b, o->due);
		rc |= kith_put_uv(b, (uint64_t)o->line);
		rc |= kith_put_uv(b, o->box_off);
		rc |= kith_put_uv(b, o->npeople);
		for (size_t j = 0; j < o->npeople; j++)
			rc |= kith_put_str(b, o->people[j]);
	}
	return rc;
}

/*
 * c's meta: its keys and people by their numbers in t. A term new to t
 * is copied into a: a batched build frees the people's slugs, in the
 * model of its batch, before the terms are written.
 */
static int
encode_cmeta(struct kith_buf *b, const struct cmeta *c, struct terms *t,
	struct kith_arena *a)
{
	int rc = kith_put_uv(b, c->keys.n);
	uint64_t id;

	for (size_t i = 0; i < c->keys.n; i++) {
		if (terms_id(t, c->keys.v[i], &id) < 0)
			return KITH_ERROR;
		/* "f:" and "o:" are literals; the others, terms already */
		rc |= kith_put_uv(b, id);
	}
	rc |= kith_put_uv(b, c->nentries);
	for (size_t i = 0; i < c->nentries; i++) {
		rc |= kith_put_uv(b, c->ninter[i]);
		for (size_t j = 0; j < c->ninter[i]; j++) {
			if (terms_id_copy(t, c->inter[i][j], a, &id) < 0)
				return KITH_ERROR;
			rc |= kith_put_uv(b, id);
		}
	}
	rc |= encode_open(b, c);
	return rc ? kith_error_set(KITH_ERROR, "out of memory") : 0;
}

/* Term number r reads as, or NULL (r bad) when there is no such term. */
static const char *
get_term(struct kith_dec *r, const struct terms *t)
{
	uint64_t id = kith_get_uv(r);

	if (id < t->n)
		return t->v[id];
	r->bad = true;
	return NULL;
}

/* The open follow-ups encode_open wrote, from r into out. */
static int
decode_open(struct kith_dec *r, struct cmeta *out, struct kith_arena *a)
{
	out->nopen = kith_get_count(r, 5);
	if (!(out->open = calloc(out->nopen + 1, sizeof *out->open)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < out->nopen && !r->bad; i++) {
		struct ometa *o = &out->open[i];
		o->text = kith_get_sstr(r);
		o->due = (kith_date)kith_get_sv(r);
		o->line = kith_get_int(r);
		o->box_off = kith_get_uv(r);
		o->npeople = kith_get_count(r, 1);
		if (o->npeople && !(o->people = kith_arena_alloc(a, o->npeople * sizeof *o->people)))
			return KITH_ERROR;
		for (size_t j = 0; j < o->npeople; j++)
			o->people[j] = kith_get_sstr(r);
	}
	return 0;
}

/*
 * Decode meta bytes (kept alive by the caller: strings point into them,
 * and into t).
 */
static int
decode_cmeta(struct cmeta *out, const void *data, size_t len, struct kith_arena *a,
	const struct terms *t)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, a, false };
	size_t n;
	int rc;

	memset(out, 0, sizeof *out);
	n = kith_get_count(&r, 1);
	for (size_t i = 0; i < n && !r.bad; i++) {
		const char *k = get_term(&r, t);
		if (k && strset_add(&out->keys, k) < 0)
			return KITH_ERROR;
	}
	n = kith_get_count(&r, 1);
	out->nentries = n;
	out->inter = calloc(out->nentries + 1, sizeof *out->inter);
	out->ninter = calloc(out->nentries + 1, sizeof *out->ninter);
	if (!out->inter || !out->ninter)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < out->nentries && !r.bad; i++) {
		size_t k = kith_get_count(&r, 1);
		if (k && !(out->inter[i] = kith_arena_alloc(a, k * sizeof *out->inter[i])))
			return KITH_ERROR;
		for (size_t j = 0; j < k; j++)
			out->inter[i][j] = get_term(&r, t);
		out->ninter[i] = k;
	}
	if ((rc = decode_open(&r, out, a)) != 0)
		return rc;
	return r.bad || r.p != r.end ? IX_DAMAGED : 0;
}

/* Postings edits for chunk id with meta c: added, or removed. */
static int
cmeta_edits(struct pedits *pe, const struct cmeta *c, int64_t id,
	const struct kith_entry *const *es, bool add, bool inter_only,
	struct terms *pk, struct kith_arena *a)
{
	struct kith_buf k = KITH_BUF_INIT;
	int rc = 0;

	for (size_t i = 0; !inter_only && rc == 0 && i < c->keys.n; i++)
		rc = pedit_push(pe, &(struct pedit){ c->keys.v[i], id, 0, 0, 0, add, 0 });
	/* "p:" keys: one copy a person (a first build has ~400,000 edits of them) */
	for (size_t i = 0; rc == 0 && i < c->nentries; i++)
		for (size_t j = 0; rc == 0 && j < c->ninter[i]; j++) {
			const char *key;
			kith_buf_clear(&k);
			if (kith_buf_puts(&k, "p:") < 0 || kith_buf_puts(&k, c->inter[i][j]) < 0 ||
			    !(key = terms_intern(pk, k.ptr, a))) {
				rc = KITH_ERROR;
				break;
			}
			rc = pedit_push(pe, &(struct pedit){ key, id, (int)i,
				es ? es[i]->date : 0, es ? es[i]->time : 0, add, 0 });
		}
	kith_buf_free(&k);
	return rc;
}

/* ---- totals: pstat and tags ---- */

/* A person's interactions over a batched build, and the newest of them. */
struct pacc {
	size_t n;
	struct kith_entry e; /* date, time, path, line, title: in r->a */
};

struct pstat {
	const char *slug;
	size_t n;
	int date, time;
	const char *path;
	int line;
	const char *title;
};

struct pstats {
	void *blob;            /* META_NOTES: malloc'd */
	struct kith_map *map;  /* META_PSTAT: its part's file */
	struct pstat *v;
	size_t n;
};

static int
read_pstats(struct ix *ix, int id, struct pstats *ps)
{
	struct kith_dec r;
	size_t len;
	int rc;

	const void *data;

	memset(ps, 0, sizeof *ps);
	if (id == META_PSTAT) {
		if ((rc = get_part(ix, &PSTAT, &ps->map)) != 0 || !ps->map)
			return rc;
		data = ps->map->data;
		len = ps->map->len;
	} else {
		if ((rc = get_meta(ix, id, &ps->blob, &len)) != 0 || !ps->blob)
			return rc;
		data = ps->blob;
	}
	r = (struct kith_dec){ data, (const unsigned char *)data + len, NULL, false };
	ps->n = kith_get_count(&r, 6);
	if (!(ps->v = calloc(ps->n + 1, sizeof *ps->v)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < ps->n; i++) {
		struct pstat *p = &ps->v[i];
		p->slug = kith_get_sstr(&r);
		p->n = (size_t)kith_get_uv(&r);
		p->date = (int)kith_get_sv(&r);
		p->time = (int)kith_get_sv(&r);
		p->path = kith_get_sstr(&r);
		p->line = kith_get_int(&r);
		p->title = kith_get_sstr(&r);
	}
	return r.bad || r.p != r.end ? IX_DAMAGED : 0;
}

static void
pstats_free(struct pstats *ps)
{
	free(ps->v);
	free(ps->blob);
	kith_map_free(ps->map);
	memset(ps, 0, sizeof *ps);
}

/* Write v (n, sorted by slug; those with n == 0 left out). */
static int
write_pstats(struct ix *ix, int id, const struct pstat *v, size_t n)
{
	struct kith_buf b = KITH_BUF_INIT;
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		k += v[i].n > 0;
	rc |= kith_put_uv(&b, k);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].n)
			continue;
		rc |= kith_put_str(&b, v[i].slug);
		rc |= kith_put_uv(&b, v[i].n);
		rc |= kith_put_sv(&b, v[i].date);
		rc |= kith_put_sv(&b, v[i].time);
		rc |= kith_put_str(&b, v[i].path);
		rc |= kith_put_uv(&b, (uint64_t)v[i].line);
		rc |= kith_put_str(&b, v[i].title);
	}
	rc = rc ? kith_error_set(KITH_ERROR, "out of memory") : id == META_PSTAT ?
		put_part(ix, &PSTAT, b.ptr, b.len) : put_meta(ix, id, b.ptr, b.len);
	kith_buf_free(&b);
	return rc;
}

/* ---- refreshing ---- */

/* A journal chunk in the model being written. */
struct wchunk {
	int64_t id;           /* an existing chunk resolved again, or 0: new */
	size_t file;          /* index of its file in the new state */
	struct kith_chunk c;
	void *oldmeta;        /* an existing chunk's meta bytes */
	size_t oldlen;
	const void *bytes;    /* a new one's, as its parse wrote them */
	size_t nbytes;
};

/* A chunk's bytes as its parse wrote them (kith_chunk_write). */
struct span {
	const void *p;
	size_t n;
};

/* A new chunk's head for the heads parts: p[0..n), in the chunk's bytes. */
struct hrec {
	int64_t id;
	const void *p;
	size_t n;
};

/* A chunk's open follow-ups for the open part: bytes [off, off + len) of ob. */
struct orec {
	int64_t id;
	size_t off, len;
};

struct refresh {
	struct ix *ix;
	struct state old, new;
	struct kith_walk walk;
	struct kith_model *m;
	struct wchunk *w;
	size_t nw, capw;
	struct pedits pe;
	struct touched t;
	struct kith_arena *a;
	struct kith_buf buf;
	int64_t now;
	/* the open part's changes: chunks added to it, and taken out */
	struct orec *oadd;
	size_t noadd, capoadd;
	int64_t *odel;
	size_t nodel, capodel;
	struct kith_buf ob;
	struct terms terms;
	struct terms pkeys;    /* the "p:" keys of the posting edits, each once */
	/* the new chunks' heads, for the heads parts: in their chunks' bytes */
	struct hrec *hadd;
	size_t nhadd, caphadd, hlen;
	bool heads_copy;       /* hadd keeps copies (a batched build) */
	int hspool;            /* or, > 0, their bytes are in this file */
	struct kith_buf hsbuf; /* what is yet to be written to it */
	size_t hspooled;       /* bytes in the file */
	bool applied;          /* apply_pedits ran already (a batched build) */
	/* a batched first build: per person, interactions and the newest */
	struct pacc *acc;
};

static int
push_w(struct refresh *r, const struct wchunk *w)
{
	struct wchunk *v = grow(r->w, r->nw, &r->capw, sizeof *v);

	if (!v)
		return KITH_ERROR;
	r->w = v;
	r->w[r->nw++] = *w;
	return 0;
}

/* Chunk id's open follow-ups (c's), if any, go into the open part. */
static int
open_add(struct refresh *r, int64_t id, const struct cmeta *c)
{
	struct orec *v;
	size_t off = r->ob.len;

	if (!c->nopen)
		return 0;
	if (!(v = grow(r->oadd, r->noadd, &r->capoadd, sizeof *v)))
		return KITH_ERROR;
	r->oadd = v;
	if (encode_open(&r->ob, c) != 0)
		return kith_error_set(KITH_ERROR, "out of memory");
	r->oadd[r->noadd++] = (struct orec){ id, off, r->ob.len - off };
	return 0;
}

/* Chunk id's open follow-ups (c's), if any, leave the open part. */
static int
open_drop(struct refresh *r, int64_t id, const struct cmeta *c)
{
	int64_t *v;

	if (!c->nopen)
		return 0;
	if (!(v = grow(r->odel, r->nodel, &r->capodel, sizeof *v)))
		return KITH_ERROR;
	r->odel = v;
	r->odel[r->nodel++] = id;
	return 0;
}

/*
 * The meta of chunk id, made of c, in r->buf: its posting edits (only
 * the interactions when inter_only) and open follow-ups are added too.
 */
static int
new_meta(struct refresh *r, const struct kith_chunk *c, int64_t id, bool inter_only)
{
	struct cmeta m;
	int rc;

	if ((rc = cmeta_of(&m, c, &r->terms, r->a)) == 0 &&
	    (rc = cmeta_edits(&r->pe, &m, id, (const struct kith_entry *const *)c->entries,
	    true, inter_only, &r->pkeys, r->a)) == 0)
		rc = open_add(r, id, &m);
	kith_buf_clear(&r->buf);
	if (rc == 0)
		rc = encode_cmeta(&r->buf, &m, &r->terms, r->a);
	cmeta_free(&m);
	return rc;
}

static const struct fent *
find_file(const struct state *s, const char *path)
{
	size_t lo = 0, hi = s->nfiles;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->files[mid].path, path);
		if (!c)
			return &s->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * find_file for paths asked in ascending order, as the walk and the
 * states list them: *at only moves forward.
 */
static const struct fent *
find_next(const struct state *s, size_t *at, const char *path)
{
	int c = 1;

	while (*at < s->nfiles && (c = strcmp(s->files[*at].path, path)) < 0)
		++*at;
	return *at < s->nfiles && c == 0 ? &s->files[*at] : NULL;
}

static bool
unchanged(const struct fent *f, const struct kith_file_stat *s)
{
	return f && !f->racy && f->size == s->size && f->mtime == s->mtime &&
		f->ctime == s->ctime && f->ino == s->ino;
}

/* Whether anything differs between the state and the walk. */
static bool
anything_changed(const struct state *s, const struct kith_walk *w)
{
	if (s->nfiles != w->nfiles || !s->blob)
		return true;
	for (size_t i = 0; i < w->nfiles; i++)
		if (strcmp(s->files[i].path, w->files[i].path) ||
		    !unchanged(&s->files[i], &w->files[i]))
			return true;
	if (s->ndirs != w->ndirs)
		return true;
	for (size_t i = 0; i < w->ndirs; i++)
		if (s->dirs[i].racy || strcmp(s->dirs[i].path, w->dirs[i].path) ||
		    s->dirs[i].mtime != w->dirs[i].mtime ||
		    s->dirs[i].ctime != w->dirs[i].ctime || s->dirs[i].ino != w->dirs[i].ino)
			return true;
	return false;
}

/* The chunk ids of a posting, appended to ids. */
static int
posting_ids(struct ix *ix, sqlite3_stmt *get, const char *k, int64_t **ids,
	size_t *n, size_t *cap)
{
	int64_t *v;
	size_t nv;
	int rc;

	if ((rc = read_ids(ix, get, k, &v, &nv)) != 0)
		return rc;
	if (*n + nv >= *cap) {
		size_t nc = (*n + nv) * 2 + 16;
		int64_t *x = realloc(*ids, nc * sizeof *x);
		if (!x) {
			free(v);
			return kith_error_set(KITH_ERROR, "out of memory");
		}
		*ids = x;
		*cap = nc;
	}
	if (nv)
		memcpy(*ids + *n, v, nv * sizeof *v);
	*n += nv;
	free(v);
	return 0;
}

/* The file (index into s) that chunk id belongs to, by its id range. */
static const struct fent *
chunk_file(const struct fent *const *byid, size_t n, int64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (byid[mid]->first + (int64_t)byid[mid]->nchunks <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && byid[lo]->first <= id ? byid[lo] : NULL;
}

static int
cmp_fent_first(const void *a, const void *b)
{
	const struct fent *x = *(const struct fent *const *)a;
	const struct fent *y = *(const struct fent *const *)b;

	return x->first < y->first ? -1 : x->first > y->first;
}

/* A journal day's file and date (KITH_Q_NEWEST). */
struct dday {
	kith_date date;
	size_t file;
};

static int
cmp_dday_newest(const void *a, const void *b)
{
	const struct dday *x = a, *y = b;

	return (x->date < y->date) - (x->date > y->date);
}

/*
 * The newest journal days of s that hold at least n entries, and every
 * other file of the oldest date among them (two files may name one
 * date), into want[]; a file whose name is no date goes in too, as it
 * cannot be placed. *entries: how many entries they hold in all.
 */
static int
newest_days(unsigned char *want, size_t *entries, const struct state *s, size_t n)
{
	struct dday *v = malloc((s->nfiles + 1) * sizeof *v);
	size_t nv = 0, got = 0;

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct fent *f = &s->files[i];
		kith_date d;
		if (!f->nchunks || strncmp(f->path, "journal/", 8))
			continue;
		if (kith_journal_date(&d, f->path) == 0) {
			v[nv++] = (struct dday){ d, i };
		} else {
			want[i] = 1;
			*entries += f->nchunks;
		}
	}
	kith_sort(v, nv, sizeof *v, cmp_dday_newest);
	for (size_t i = 0; i < nv && (got < n || (i && v[i].date == v[i - 1].date)); i++) {
		want[v[i].file] = 1;
		got += s->files[v[i].file].nchunks;
	}
	*entries += got;
	free(v);
	return 0;
}

/* Journal files of s with chunks, by their first chunk id. */
static int
files_by_id(const struct fent ***out, size_t *n, const struct state *s)
{
	const struct fent **v = malloc((s->nfiles + 1) * sizeof *v);

	*out = NULL;
	*n = 0;
	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < s->nfiles; i++)
		if (s->files[i].nchunks)
			v[(*n)++] = &s->files[i];
	sort_nearly((char *)v, *n, sizeof *v, cmp_fent_first); /* mostly in order */
	*out = v;
	return 0;
}

/* The newest of the interactions with the same date and time as top. */
static int
newest_inter(struct refresh *r, const struct inter *v, size_t n,
	const struct fent *const *byid, size_t nbyid, sqlite3_stmt *getc,
	struct kith_model *scratch, const struct kith_entry **best)
{
	int rc = 0;

	*best = NULL;
	for (size_t i = n; i-- > 0;) {
		if (v[i].date != v[n - 1].date || v[i].time != v[n - 1].time)
			break;
		const struct fent *f = chunk_file(byid, nbyid, v[i].chunk);
		struct kith_chunk c;
		void *data;
		size_t len;
		if (!f)
			return IX_DAMAGED;
		sqlite3_bind_int64(getc, 1, v[i].chunk);
		int s = sqlite3_step(getc);
		if (s != SQLITE_ROW) {
			sqlite3_reset(getc);
			return s == SQLITE_DONE ? IX_DAMAGED : db_fail(r->ix, "read a chunk");
		}
		rc = col_blob(&data, &len, getc, 0);
		sqlite3_reset(getc);
		if (rc)
			return rc;
		if (kith_ptrvec_push(&scratch->build->blobs, data) < 0) {
			free(data);
			return KITH_ERROR;
		}
		if (kith_chunk_read(scratch, f->path, data, len, &c) < 0 ||
		    v[i].eidx < 0 || (size_t)v[i].eidx >= c.nentries)
			return IX_DAMAGED;
		const struct kith_entry *e = c.entries[v[i].eidx];
		int k = *best ? strcmp(e->path, (*best)->path) : 1;
		if (k > 0 || (k == 0 && e->line > (*best)->line))
			*best = e;
	}
	return 0;
}

static int
cmp_pdelta(const void *a, const void *b)
{
	return strcmp(((const struct pdelta *)a)->slug, ((const struct pdelta *)b)->slug);
}

/*
 * A touched person's pstat, with the people as they were, from the old
 * one (was: NULL when there was none), the changes of its buckets (r->t.pd
 * sorted by slug, *at moving forward) and the newest of the entries parsed
 * now (p->latest: the interactions added): whether that could be told
 * without reading the buckets.
 */
static bool
fast_pstat(const struct refresh *r, struct pstat *ps, const struct pstat *was,
	const struct kith_person *p, size_t *at)
{
	const struct pdelta *pd = r->t.pd;
	const char *slug = p->slug;
	struct kith_entry old = { 0 };
	const struct kith_entry *best = p->latest;
	int64_t n = was ? (int64_t)was->n : 0;

	while (*at < r->t.npd && strcmp(pd[*at].slug, slug) < 0)
		(*at)++;
	if (was && was->n) {
		const struct fent *of = find_file(&r->old, was->path);
		const struct fent *nf = find_file(&r->new, was->path);
		if (!of || !nf || of->id != nf->id)
			return false; /* parsed again: the old newest may be gone */
		old = (struct kith_entry){ .date = was->date, .time = was->time,
			.path = was->path, .line = was->line, .title = was->title };
		if (!best || kith_entry_order(&old, best) > 0)
			best = &old;
	}
	for (size_t x = *at; x < r->t.npd && !strcmp(pd[x].slug, slug); x++)
		n += pd[x].delta;
	if (n < 0 || (n && !best))
		return false;
	*ps = (struct pstat){ slug, (size_t)n, 0, 0, NULL, 0, NULL };
	if (n)
		*ps = (struct pstat){ slug, (size_t)n, best->date, best->time,
			best->path, best->line, best->title };
	return true;
}

/*
 * Recompute pstat for the people whose interactions may have changed:
 * those of touched "p:" postings, and everyone when the people changed.
 */
static int
totals(struct refresh *r, bool people_changed, bool cold)
{
	struct ix *ix = r->ix;
	struct kith_model *m = r->m;
	struct pstats old = { 0 }, notes = { 0 };
	struct pstat *v = NULL;
	const struct fent **byid = NULL;
	size_t nbyid = 0, nv = 0;
	sqlite3_stmt *get = NULL, *getc = NULL;
	struct kith_model *scratch = NULL;
	int rc;

	strset_uniq(&r->t.slugs);
	if ((rc = read_pstats(ix, META_PSTAT, &old)) != 0)
		goto out;
	/* the people's own dated notes: from the model when it has the
	 * people, else as the index last counted them */
	if (people_changed) {
		if (!(notes.v = calloc(m->npeople + 1, sizeof *notes.v))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < m->npeople; i++) {
			const struct kith_person *p = m->people[i];
			const struct kith_entry *best = NULL;
			size_t n = 0;
			for (size_t k = 0; k < p->ninteractions; k++) {
				const struct kith_entry *e = p->interactions[k];
				if (e->kind != KITH_ENTRY_NOTE)
					continue;
				n++;
				if (!best || kith_entry_order(e, best) > 0)
					best = e;
			}
			notes.v[notes.n++] = best ? (struct pstat){ p->slug, n, best->date,
				best->time, best->path, best->line, best->title } :
				(struct pstat){ p->slug, 0, 0, 0, NULL, 0, NULL };
		}
		if ((rc = write_pstats(ix, META_NOTES, notes.v, notes.n)) != 0)
			goto out;
	} else if ((rc = read_pstats(ix, META_NOTES, &notes)) != 0) {
		goto out;
	}
	if (!(v = calloc(m->npeople + 1, sizeof *v))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if ((rc = prep(ix, &get, SELECT_BUCKETS)) != 0 ||
	    (rc = prep(ix, &getc, "SELECT data FROM chunk WHERE id = ?1")) != 0)
		goto out;
	size_t j = 0, jn = 0, jd = 0;
	kith_sort(r->t.pd, r->t.npd, sizeof *r->t.pd, cmp_pdelta);
	for (size_t i = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		struct pstat *ps = &v[nv++];
		while (j < old.n && strcmp(old.v[j].slug, p->slug) < 0)
			j++;
		bool had = j < old.n && !strcmp(old.v[j].slug, p->slug);
		if (cold && r->acc) {
			/* the batches counted them */
			const struct pacc *a = &r->acc[i];
			*ps = (struct pstat){ p->slug, a->n, 0, 0, NULL, 0, NULL };
			if (a->n)
				*ps = (struct pstat){ p->slug, a->n, a->e.date, a->e.time,
					a->e.path, a->e.line, a->e.title };
			continue;
		}
		if (cold) {
			/* the model has everything */
			*ps = (struct pstat){ p->slug, p->ninteractions, 0, 0, NULL, 0, NULL };
			if (p->ninteractions) {
				const struct kith_entry *e = p->interactions[0];
				*ps = (struct pstat){ p->slug, p->ninteractions, e->date,
					e->time, e->path, e->line, e->title };
			}
			continue;
		}
		if (!people_changed && !strset_has(&r->t.slugs, p->slug)) {
			if (had)
				*ps = old.v[j];
			else
				*ps = (struct pstat){ p->slug, 0, 0, 0, NULL, 0, NULL };
			continue;
		}
		/*
		 * With the people as they were, the old count moves by what the
		 * buckets gained or lost, and the newest is the old one or one
		 * added, as long as the old one's file was not parsed again.
		 */
		if (!people_changed && fast_pstat(r, ps, had ? &old.v[j] : NULL, p, &jd))
			continue;
		/* notes: the person's own dated items; the journal: its posting */
		const struct kith_entry *best = NULL;
		struct kith_entry note = { 0 };
		size_t n = 0;
		while (jn < notes.n && strcmp(notes.v[jn].slug, p->slug) < 0)
			jn++;
		if (jn < notes.n && !strcmp(notes.v[jn].slug, p->slug) && notes.v[jn].n) {
			const struct pstat *x = &notes.v[jn];
			note = (struct kith_entry){ .kind = KITH_ENTRY_NOTE, .date = x->date,
				.time = x->time, .path = x->path, .line = x->line,
				.title = x->title };
			best = &note;
			n = x->n;
		}
		struct blist bl = { .size = sizeof(struct inter) };
		struct kith_buf key = KITH_BUF_INIT;
		if ((rc = kith_buf_printf(&key, "p:%s", p->slug)) == 0)
			rc = each_bucket(ix, get, key.ptr, take_inters, &bl);
		kith_buf_free(&key);
		struct inter *iv = bl.v;
		size_t ni = bl.n;
		if (rc) {
			free(iv);
			goto out;
		}
		/* the interactions at the newest (date, time), gathered at the front */
		size_t nt = 0;
		for (size_t x = 0; x < ni; x++) {
			const struct inter *y = &iv[x], *z = &iv[0];
			bool newer = !nt || y->date > z->date ||
				(y->date == z->date && y->time > z->time);
			if (newer)
				nt = 0;
			if (newer || (y->date == z->date && y->time == z->time))
				iv[nt++] = *y; /* x >= nt: nothing unread is lost */
		}
		if (ni) {
			const struct kith_entry *e;
			/* the files by id, and a model to read into: once */
			if ((!scratch && (rc = kith_model_new(&scratch)) < 0) ||
			    (!byid && (rc = files_by_id(&byid, &nbyid, &r->new)) != 0)) {
				free(iv);
				goto out;
			}
			rc = newest_inter(r, iv, nt, byid, nbyid, getc, scratch, &e);
			if (rc == 0 && e && (!best || kith_entry_order(e, best) > 0))
				best = e;
			n += ni;
		}
		free(iv);
		if (rc)
			goto out;
		*ps = (struct pstat){ p->slug, n, 0, 0, NULL, 0, NULL };
		if (best)
			*ps = (struct pstat){ p->slug, n, best->date, best->time,
				best->path, best->line, best->title };
	}
	/* in the people's order, which is by slug already */
	rc = write_pstats(ix, META_PSTAT, v, nv);
out:
	kith_model_free(scratch);
	sqlite3_finalize(get);
	sqlite3_finalize(getc);
	free(byid);
	free(v);
	pstats_free(&old);
	if (people_changed) {
		free(notes.v);
		notes.v = NULL;
	}
	pstats_free(&notes);
	return rc;
}

/* Tag counts: the touched tags' new counts merged into the old ones. */
struct tagsum {
	const char *tag;
	int64_t n;
	size_t at;
};

static int
cmp_tagsum(const void *a, const void *b)
{
	const struct tagsum *x = a, *y = b;
	int c = strcmp(x->tag, y->tag);

	return c ? c : (x->at > y->at) - (x->at < y->at);
}

/*
 * The tags' changes in order and each tag once: apply_pedits run more
 * than once (a batched build writes whole buckets as it goes) lists
 * each run's tags in order, one run after the other.
 */
static int
tags_merge(struct touched *t)
{
	size_t n = t->tags.n, k = 0;
	struct tagsum *v = malloc((n + 1) * sizeof *v);

	if (!v)
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = (struct tagsum){ t->tags.v[i], t->tagn[i], i };
	kith_sort(v, n, sizeof *v, cmp_tagsum);
	for (size_t i = 0; i < n; i++) {
		if (k && !strcmp(t->tags.v[k - 1], v[i].tag)) {
			t->tagn[k - 1] += v[i].n;
			continue;
		}
		t->tags.v[k] = v[i].tag;
		t->tagn[k++] = v[i].n;
	}
	t->tags.n = t->ntagn = k;
	free(v);
	return 0;
}

static int
tag_totals(struct refresh *r)
{
	struct ix *ix = r->ix;
	struct kith_buf b = KITH_BUF_INIT;
	void *blob = NULL;
	size_t len, n = 0, k = 0;
	struct { const char *tag; size_t n; } *v = NULL;
	int rc;

	if (!r->t.tags.n)
		return 0;
	if ((rc = get_meta(ix, META_TAGS, &blob, &len)) != 0)
		return rc;
	struct kith_dec d = { blob, blob ? (unsigned char *)blob + len : NULL, NULL, false };
	if (blob)
		n = kith_get_count(&d, 2);
	if (!(v = calloc(n + r->t.tags.n + 1, sizeof *v))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	/* the old counts, and the touched ones changed by how much they did */
	size_t *was = calloc(r->t.tags.n + 1, sizeof *was);
	if (!was) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		v[k].tag = kith_get_sstr(&d);
		v[k].n = (size_t)kith_get_uv(&d);
		const char *const *hit = r->t.tags.n ? bsearch(&v[k].tag, r->t.tags.v,
			r->t.tags.n, sizeof *r->t.tags.v, cmp_strp) : NULL;
		if (hit)
			was[hit - r->t.tags.v] = v[k].n;
		else
			k++;
	}
	if (d.bad) {
		free(was);
		rc = IX_DAMAGED;
		goto out;
	}
	for (size_t i = 0; i < r->t.tags.n; i++) {
		int64_t now = (int64_t)was[i] + r->t.tagn[i];
		v[k].tag = r->t.tags.v[i];
		v[k++].n = now > 0 ? (size_t)now : 0;
	}
	free(was);
	kith_sort(v, k, sizeof *v, cmp_strp);
	size_t live = 0;
	for (size_t i = 0; i < k; i++)
		live += v[i].n > 0;
	rc = kith_put_uv(&b, live);
	for (size_t i = 0; i < k; i++) {
		if (!v[i].n)
			continue;
		rc |= kith_put_str(&b, v[i].tag);
		rc |= kith_put_uv(&b, v[i].n);
	}
	rc = rc ? kith_error_set(KITH_ERROR, "out of memory") :
		put_meta(ix, META_TAGS, b.ptr, b.len);
out:
	kith_buf_free(&b);
	free(v);
	free(blob);
	return rc;
}

static void
refresh_free(struct refresh *r)
{
	free(r->oadd);
	free(r->odel);
	kith_buf_free(&r->ob);
	terms_free(&r->terms);
	terms_free(&r->pkeys);
	free(r->hadd);
	if (r->hspool > 0)
		close(r->hspool);
	kith_buf_free(&r->hsbuf);
	free(r->acc);
	state_free(&r->old);
	free(r->new.files);
	for (size_t i = 0; i < r->new.ndirs; i++)
		free(r->new.dirs[i].names);
	free(r->new.dirs);
	kith_walk_free(&r->walk);
	kith_model_free(r->m);
	for (size_t i = 0; i < r->nw; i++)
		free(r->w[i].oldmeta);
	free(r->w);
	free(r->pe.v);
	free(r->pe.ord);
	strset_free(&r->t.slugs);
	strset_free(&r->t.tags);
	free(r->t.tagn);
	free(r->t.pd);
	kith_arena_free(r->a);
	kith_buf_free(&r->buf);
}

static int
cmp_orec(const void *a, const void *b)
{
	const struct orec *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Past one chunk's open follow-ups (encode_open's bytes). */
static void
skip_open(struct kith_dec *r)
{
	for (size_t i = kith_get_count(r, 5); i > 0 && !r->bad; i--) {
		(void)kith_get_sstr(r);
		(void)kith_get_sv(r);
		(void)kith_get_uv(r);
		(void)kith_get_uv(r);
		for (size_t k = kith_get_count(r, 1); k > 0 && !r->bad; k--)
			(void)kith_get_sstr(r);
	}
}

static int
put_orec(struct kith_buf *b, int64_t *last, int64_t id, const void *p, size_t n)
{
	int rc = kith_put_uv(b, (uint64_t)(id - *last));

	*last = id;
	return rc | kith_buf_put(b, p, n);
}

/*
 * The open part anew, when chunks with open follow-ups came or went: the
 * old part's records but the ones taken out, and the ones added, by id.
 * The part is a count, then per chunk its id (as the step from the one
 * before) and its open follow-ups as its meta has them (encode_open).
 */
static int
write_open(struct refresh *r, bool cold)
{
	struct kith_map *om = NULL;
	struct kith_buf b = KITH_BUF_INIT, all = KITH_BUF_INIT;
	struct kith_dec in = { NULL, NULL, NULL, false };
	size_t nold = 0, n = 0, j = 0, d = 0;
	int64_t oid = 0, last = 0;
	int rc = 0;

	if (!cold && !r->noadd && !r->nodel)
		return 0;
	if (!cold && (rc = get_part(r->ix, &OPEN, &om)) != 0)
		return rc;
	if (!cold && !om)
		return IX_DAMAGED; /* every refresh since the first keeps one */
	kith_sort(r->oadd, r->noadd, sizeof *r->oadd, cmp_orec);
	kith_sort(r->odel, r->nodel, sizeof *r->odel, cmp_i64);
	if (om) {
		in = (struct kith_dec){ om->data, (const unsigned char *)om->data + om->len,
			NULL, false };
		nold = kith_get_count(&in, 2);
	}
	for (size_t i = 0; rc == 0 && !in.bad; i++) {
		int64_t id = INT64_MAX;
		const unsigned char *from = NULL;
		if (i < nold) {
			oid += (int64_t)kith_get_uv(&in);
			id = oid;
			from = in.p;
			skip_open(&in);
		}
		for (; rc == 0 && j < r->noadd && r->oadd[j].id < id; j++, n++)
			rc = put_orec(&b, &last, r->oadd[j].id, r->ob.ptr + r->oadd[j].off,
				r->oadd[j].len);
		if (i >= nold)
			break;
		while (d < r->nodel && r->odel[d] < id)
			d++;
		if ((d < r->nodel && r->odel[d] == id) || (j < r->noadd && r->oadd[j].id == id))
			continue; /* taken out, or about to be written anew */
		rc = put_orec(&b, &last, id, from, (size_t)(in.p - from));
		n++;
	}
	if (rc == 0 && (in.bad || in.p != in.end))
		rc = IX_DAMAGED;
	if (rc == 0 && (kith_put_uv(&all, n) < 0 || kith_buf_put(&all, b.ptr, b.len) < 0))
		rc = KITH_ERROR;
	if (rc == 0)
		rc = put_part(r->ix, &OPEN, all.ptr, all.len);
	kith_map_free(om);
	kith_buf_free(&b);
	kith_buf_free(&all);
	return rc;
}

/*
 * ---- the heads parts: every journal chunk's head, for kith show ----
 *
 * .kith/heads-GEN and .kith/recent-GEN, alike: n (8 bytes), the chunk
 * ids ascending (8 bytes each), n + 1 offsets (4 bytes each) into the
 * records that follow; a record is the start of its chunk's bytes up to
 * the end of its entry (no person, one entry: kind, date, time, title,
 * lines, bytes, tags), which kith_chunk_read_head and _bare read as they
 * read the chunk: kith show, and kith journal in Markdown. Little-endian. A refresh adds the heads of its new chunks to
 * the recent part, whose ids are all past the heads part's (a new chunk
 * takes a new id); when the recent part outgrows an eighth of the other,
 * both are written again as one heads part with the chunks still there.
 * Until then the heads of chunks gone stay: no posting points at them.
 */
struct heads {
	const unsigned char *ids, *offs, *recs;
	size_t n, len;
};

static uint32_t
get_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static void
put_le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A heads part's bytes as h: IX_DAMAGED when they do not add up. */
static int
heads_open(struct heads *h, const struct kith_map *map)
{
	const unsigned char *p = map->data;
	size_t len = map->len;

	memset(h, 0, sizeof *h);
	if (len < 12)
		return IX_DAMAGED;
	uint64_t n = get_le64(p);
	if (n > (len - 12) / 12)
		return IX_DAMAGED;
	h->n = (size_t)n;
	h->ids = p + 8;
	h->offs = h->ids + 8 * h->n;
	h->recs = h->offs + 4 * (h->n + 1);
	h->len = len - (size_t)(h->recs - p);
	if (get_le32(h->offs) != 0 || get_le32(h->offs + 4 * h->n) != h->len)
		return IX_DAMAGED;
	return 0;
}

static int64_t
heads_id(const struct heads *h, size_t i)
{
	return (int64_t)get_le64(h->ids + 8 * i);
}

/* Record i of h: false when its offsets are out of order. */
static bool
heads_rec(const struct heads *h, size_t i, const unsigned char **p, size_t *n)
{
	uint32_t a = get_le32(h->offs + 4 * i), b = get_le32(h->offs + 4 * (i + 1));

	if (a > b || b > h->len)
		return false;
	*p = h->recs + a;
	*n = b - a;
	return true;
}

/* The index of chunk id in h, or h->n. */
static size_t
heads_find(const struct heads *h, int64_t id)
{
	size_t lo = 0, hi = h->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int64_t x = heads_id(h, mid);
		if (x == id)
			return mid;
		if (x < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return h->n;
}

/*
 * How many of a journal chunk's bytes hold its entry, up to its follow-ups
 * and mentions (0: damaged): what kith_chunk_read_bare reads.
 */
static size_t
head_len(const void *data, size_t len)
{
	struct kith_dec r = { data, (const unsigned char *)data + len, NULL, false };

	if (kith_get_uv(&r) != 0 || kith_get_uv(&r) != 1)
		return 0;
	(void)kith_get_uv(&r);   /* kind */
	(void)kith_get_sv(&r);   /* date */
	(void)kith_get_sv(&r);   /* time */
	(void)kith_get_sstr(&r); /* title */
	for (int i = 0; i < 4; i++) /* lines, bytes */
		(void)kith_get_uv(&r);
	(void)kith_get_str(&r);  /* text: none, for a journal entry */
	(void)kith_get_uv(&r);   /* owner: none */
	for (size_t k = kith_get_count(&r, 1); k > 0 && !r.bad; k--)
		(void)kith_get_sstr(&r); /* tags */
	return r.bad ? 0 : (size_t)(r.p - (const unsigned char *)data);
}

/* The heads spooled so far, written to their file. */
static int
spool_flush(struct refresh *r)
{
	if (r->hsbuf.len && kith_write_all(r->hspool, r->hsbuf.ptr, r->hsbuf.len) < 0)
		return kith_error_errno(KITH_ERROR, "cannot write the index's heads");
	r->hspooled += r->hsbuf.len;
	kith_buf_clear(&r->hsbuf);
	return 0;
}

/*
 * A batched build spools the new heads to a file without a name in the
 * index's folder (O_TMPFILE) rather than keep them (~9 MB on the large
 * bench, all the build long); they are copied into the heads part at
 * the end. Where the file system has no O_TMPFILE they are kept.
 */
static void
spool_open(struct refresh *r)
{
#ifdef O_TMPFILE
	struct kith_buf dir = KITH_BUF_INIT;

	if (kith_repo_path(&dir, r->ix->repo, INDEX_DIR) == 0) {
		int fd = open(dir.ptr, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		r->hspool = fd > 0 ? fd : 0;
		if (fd == 0)
			close(fd);
	}
	kith_buf_free(&dir);
#else
	(void)r;
#endif
}

/*
 * New chunk id (bytes data[0..len), which must outlive the refresh) gets
 * its head into the heads parts.
 */
static int
heads_add(struct refresh *r, int64_t id, const void *data, size_t len)
{
	size_t n = head_len(data, len);
	struct hrec *v;
	int rc;

	if (!n)
		return kith_error_set(KITH_ERROR, "cannot index a chunk without its head");
	if (!(v = grow(r->hadd, r->nhadd, &r->caphadd, sizeof *v)))
		return KITH_ERROR;
	r->hadd = v;
	if (r->hspool > 0) {
		/* into the spool file, 64 KB at a time */
		if (kith_buf_put(&r->hsbuf, data, n) < 0)
			return KITH_ERROR;
		data = NULL;
		if (r->hsbuf.len >= (size_t)64 << 10 && (rc = spool_flush(r)) != 0)
			return rc;
	} else if (r->heads_copy) {
		/* the chunk's bytes go before the heads are written */
		void *p = kith_arena_alloc(r->a, n);
		if (!p)
			return KITH_ERROR;
		data = memcpy(p, data, n);
	}
	r->hadd[r->nhadd++] = (struct hrec){ id, data, n };
	r->hlen += n;
	return 0;
}

/*
 * A heads part being written straight to its file, in passes over the
 * same records: counted, then their ids, their offsets and their bytes
 * in turn, through a buffer (not laid out whole in memory first: on a
 * first build that was ~10 MB more at the peak). n records of len bytes
 * so far in this pass.
 */
enum hpass { H_COUNT, H_IDS, H_OFFS, H_RECS };

struct hout {
	enum hpass pass;
	size_t n, len;
	int fd;
	bool err;
	size_t used;
	unsigned char buf[1 << 16];
};

static void
hout_write(struct hout *o, const void *p, size_t n)
{
	if (o->err)
		return;
	if (o->used + n > sizeof o->buf) {
		if (kith_write_all(o->fd, o->buf, o->used) < 0) {
			o->err = true;
			return;
		}
		o->used = 0;
		if (n > sizeof o->buf) {
			o->err = kith_write_all(o->fd, p, n) < 0;
			return;
		}
	}
	memcpy(o->buf + o->used, p, n);
	o->used += n;
}

static void
hout_put(struct hout *o, int64_t id, const void *rec, size_t n)
{
	unsigned char b[8];

	switch (o->pass) {
	case H_COUNT:
		break;
	case H_IDS:
		put_le64(b, (uint64_t)id);
		hout_write(o, b, 8);
		break;
	case H_OFFS:
		put_le32(b, (uint32_t)o->len);
		hout_write(o, b, 4);
		break;
	case H_RECS:
		hout_write(o, rec, n);
		break;
	}
	o->n++;
	o->len += n;
}

/*
 * The heads of old (up to two parts, NULL when none) but those of chunks
 * not in byid (when byid is not NULL), then the new ones, into o.
 */
static int
heads_fill(struct hout *o, const struct heads *const *old, const struct refresh *r,
	const struct fent *const *byid, size_t nbyid)
{
	int64_t last = INT64_MIN;

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; old[k] && i < old[k]->n; i++) {
			int64_t id = heads_id(old[k], i);
			const unsigned char *p;
			size_t n;
			if (id <= last || !heads_rec(old[k], i, &p, &n))
				return IX_DAMAGED;
			last = id;
			if (!byid || chunk_file(byid, nbyid, id))
				hout_put(o, id, p, n);
		}
	for (size_t i = 0; i < r->nhadd; i++) {
		if (r->hadd[i].id <= last)
			return IX_DAMAGED; /* a new chunk's id is past every old one */
		last = r->hadd[i].id;
		if (r->hspool > 0 && o->pass == H_RECS)
			break; /* the bytes come from the spool file, below */
		hout_put(o, last, r->hadd[i].p, r->hadd[i].n);
	}
	if (r->hspool > 0 && o->pass == H_RECS && r->nhadd) {
		size_t at = 0;
		while (at < r->hspooled && !o->err) {
			if (o->used == sizeof o->buf) {
				o->err = kith_write_all(o->fd, o->buf, o->used) < 0;
				o->used = 0;
				continue;
			}
			size_t want = sizeof o->buf - o->used;
			if (want > r->hspooled - at)
				want = r->hspooled - at;
			ssize_t k = pread(r->hspool, o->buf + o->used, want, (off_t)at);
			if (k <= 0)
				return kith_error_errno(KITH_ERROR, "cannot read the index's heads back");
			o->used += (size_t)k;
			at += (size_t)k;
		}
		o->n += r->nhadd;
		o->len += r->hspooled;
	}
	return 0;
}

/* What heads_emit writes: the records heads_fill finds in its sources. */
struct hfill {
	struct hout *o;
	const struct heads *const *old;
	const struct refresh *r;
	const struct fent *const *byid;
	size_t nbyid, n, len;
	int rc;
};

/*
 * The part's bytes: n (64 bits), the n ids (64 bits each), the n offsets
 * of the records (32 bits each), the records' length (32 bits), the
 * records.
 */
static int
heads_emit(int fd, void *arg)
{
	struct hfill *h = arg;
	struct hout *o = h->o;
	unsigned char b[8];

	o->fd = fd;
	o->used = 0;
	o->err = false;
	put_le64(b, h->n);
	hout_write(o, b, 8);
	for (enum hpass pass = H_IDS; pass <= H_RECS; pass++) {
		o->pass = pass;
		o->n = o->len = 0;
		if ((h->rc = heads_fill(o, h->old, h->r, h->byid, h->nbyid)) != 0)
			return -1;
		if (o->n != h->n || o->len != h->len) {
			h->rc = kith_error_set(KITH_ERROR, "the index's heads changed as they were written");
			return -1;
		}
		if (pass == H_OFFS) {
			put_le32(b, (uint32_t)h->len);
			hout_write(o, b, 4);
		}
	}
	if (!o->err && o->used)
		o->err = kith_write_all(fd, o->buf, o->used) < 0;
	return o->err ? -1 : 0;
}

/* Write part pt with the heads of old and of the new chunks (see above). */
static int
heads_put(struct refresh *r, const struct part *pt, const struct heads *const *old,
	const struct fent *const *byid, size_t nbyid)
{
	struct hout *o = malloc(sizeof *o);
	int rc;

	if (!o)
		return kith_error_set(KITH_ERROR, "out of memory");
	o->pass = H_COUNT;
	o->n = o->len = 0;
	if ((rc = heads_fill(o, old, r, byid, nbyid)) != 0)
		goto out;
	if (o->len > UINT32_MAX) {
		rc = kith_error_set(KITH_ERROR, "the index's heads are too big");
		goto out;
	}
	struct hfill h = { o, old, r, byid, nbyid, o->n, o->len, 0 };
	rc = put_part_with(r->ix, pt, 8 + 12 * h.n + 4 + h.len, heads_emit, &h);
	if (rc && h.rc)
		rc = h.rc;
out:
	free(o);
	return rc;
}

/* The bytes meta says part pt's file holds (0 when there is none). */
static int
part_len(struct ix *ix, const struct part *pt, size_t *len)
{
	void *rec = NULL;
	size_t n;
	int rc;

	*len = 0;
	if ((rc = get_meta(ix, pt->meta, &rec, &n)) != 0 || !rec)
		return rc;
	if (n == 16)
		*len = (size_t)get_le64((unsigned char *)rec + 8);
	free(rec);
	return n == 16 ? 0 : IX_DAMAGED;
}

/*
 * The new chunks' heads into the recent part; or, on a first build or
 * when the recent part has grown past an eighth of the heads part, every
 * head of a chunk still there into the heads part, and none in recent.
 */
static int
heads_write(struct refresh *r, bool cold)
{
	struct kith_map *bm = NULL, *rm = NULL;
	struct heads base = { 0 }, recent = { 0 };
	const struct fent **byid = NULL;
	size_t nbyid = 0, blen = 0;
	int rc;

	if (!cold && !r->nhadd)
		return 0;
	if (r->hspool > 0 && (rc = spool_flush(r)) != 0)
		return rc;
	if (!cold) {
		if ((rc = get_part(r->ix, &RECENT, &rm)) != 0 ||
		    (rc = part_len(r->ix, &HEADS, &blen)) != 0)
			goto out;
		if (!rm || !blen) {
			rc = IX_DAMAGED; /* every refresh since the first keeps both */
			goto out;
		}
		if ((rc = heads_open(&recent, rm)) != 0)
			goto out;
		if (8 * (rm->len + r->hlen) <= blen) {
			rc = heads_put(r, &RECENT, (const struct heads *[]){ &recent, NULL },
				NULL, 0);
			goto out;
		}
		if ((rc = get_part(r->ix, &HEADS, &bm)) != 0)
			goto out;
		if (!bm) {
			rc = IX_DAMAGED;
			goto out;
		}
		if ((rc = heads_open(&base, bm)) != 0 ||
		    (rc = files_by_id(&byid, &nbyid, &r->new)) != 0)
			goto out;
	}
	/* all in one: the heads part, and an empty recent one */
	if ((rc = heads_put(r, &HEADS, (const struct heads *[]){ bm ? &base : NULL,
	    rm ? &recent : NULL }, byid, nbyid)) != 0)
		goto out;
	r->nhadd = 0;
	rc = heads_put(r, &RECENT, (const struct heads *[]){ NULL, NULL }, NULL, 0);
out:
	free(byid);
	kith_map_free(bm);
	kith_map_free(rm);
	return rc;
}

/* Drop the chunks of an old file: edits removing them from the postings. */
static int
drop_file(struct refresh *r, const struct fent *f, sqlite3_stmt *getm,
	sqlite3_stmt *del)
{
	int rc = 0;

	for (size_t i = 0; i < f->nchunks; i++) {
		int64_t id = f->first + (int64_t)i;
		struct cmeta c;
		void *data;
		size_t len;
		sqlite3_bind_int64(getm, 1, id);
		int s = sqlite3_step(getm);
		if (s != SQLITE_ROW) {
			sqlite3_reset(getm);
			return s == SQLITE_DONE ? IX_DAMAGED : db_fail(r->ix, "read a chunk");
		}
		rc = col_blob(&data, &len, getm, 0);
		sqlite3_reset(getm);
		if (rc)
			return rc;
		/* the arena keeps the bytes the meta points into */
		char *keep = data ? kith_arena_alloc(r->a, len) : NULL;
		if (data && keep)
			memcpy(keep, data, len);
		free(data);
		if (data && !keep)
			return KITH_ERROR;
		if ((rc = decode_cmeta(&c, keep, len, r->a, &r->terms)) == 0 &&
		    (rc = cmeta_edits(&r->pe, &c, id, NULL, false, false, &r->pkeys, r->a)) == 0)
			rc = open_drop(r, id, &c);
		cmeta_free(&c);
		if (rc)
			return rc;
	}
	if (f->nchunks) {
		sqlite3_bind_int64(del, 1, f->first);
		sqlite3_bind_int64(del, 2, f->first + (int64_t)f->nchunks - 1);
		rc = run(r->ix, del);
	}
	return rc;
}

/* ---- parsing changed files, on two threads ---- */

/* Parses of more files than this use a second thread. */
#define PARSE_THREAD_MIN 64

/* One file to parse, and what came of it: its chunks as bytes. */
struct job {
	const char *path;
	bool person;
	int rc;               /* < 0: failed, message in msg */
	char *msg;            /* malloc'd (a job of 12,305 keeps only this) */
	bool gone;            /* removed since the walk */
	struct stat st;
	char *warning;        /* malloc'd: the file was skipped */
	struct kith_buf bytes; /* uv n, then n times uv length, chunk */
};

static int
serialize(struct kith_buf *b, const struct kith_chunk *c, size_t n)
{
	struct kith_buf one = KITH_BUF_INIT;
	int rc = kith_put_uv(b, n);

	for (size_t i = 0; rc == 0 && i < n; i++) {
		kith_buf_clear(&one);
		if ((rc = kith_chunk_write(&one, &c[i])) == 0 &&
		    (rc = kith_put_uv(b, one.len)) == 0)
			rc = kith_buf_put(b, one.ptr ? one.ptr : "", one.len);
	}
	kith_buf_free(&one);
	return rc;
}

/* Parse one file into a model of its own and cut it into chunks. */
static void
parse_job(struct job *j, struct kith_repo *repo, struct kith_folds **fc)
{
	struct kith_model *m = NULL;
	struct kith_chunk *cs = NULL;
	int rc;

	if ((rc = kith_model_new(&m)) < 0)
		goto out;
	rc = kith_model_load_file(m, repo, j->path, j->person, &j->st);
	if (rc == KITH_ENOTFOUND) {
		j->gone = true;
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	struct kith_model_build *b = m->build;
	if (b->warnings.n) {
		if (!(j->warning = strdup(b->warnings.v[0])))
			rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	/* the keys folded here, on two threads: the bytes are the chunks' own */
	if ((rc = kith_model_fold_keys(m, fc)) < 0)
		goto out;
	struct kith_entry **es = (struct kith_entry **)b->entries.v;
	struct kith_followup **fs = (struct kith_followup **)b->followups.v;
	struct kith_mention **ms = (struct kith_mention **)b->mentions.v;
	size_t ne = b->entries.n, nf = b->followups.n, nm = b->mentions.n;
	if (j->person) {
		struct kith_chunk c = { b->people.n ? b->people.v[0] : NULL, es, ne,
			fs, nf, ms, nm };
		rc = serialize(&j->bytes, &c, c.person ? 1 : 0);
		goto out;
	}
	if (!(cs = calloc(ne + 1, sizeof *cs))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	size_t im = 0, jf = 0;
	for (size_t i = 0; i < ne; i++) {
		struct kith_chunk *c = &cs[i];
		*c = (struct kith_chunk){ NULL, es + i, 1, fs + jf, 0, ms + im, 0 };
		while (jf + c->nfollowups < nf && fs[jf + c->nfollowups]->entry == es[i])
			c->nfollowups++;
		while (im + c->nmentions < nm && ms[im + c->nmentions]->entry == es[i])
			c->nmentions++;
		jf += c->nfollowups;
		im += c->nmentions;
	}
	if (im != nm || jf != nf) {
		rc = kith_error_set(KITH_ERROR, "cannot index '%s': "
			"a mention or follow-up outside its entry", j->path);
		goto out;
	}
	rc = serialize(&j->bytes, cs, ne);
out:
	if (rc < 0) {
		j->rc = rc;
		j->msg = strdup(kith_error());
	}
	free(cs);
	kith_model_free(m);
	/*
	 * The bytes stay until the index is written: give back what their
	 * buffer grew past them (a first build of the large bench keeps 32
	 * MB of bytes in 47 MB of buffers; its peak drops by 14 MB).
	 */
	struct kith_buf *kb = &j->bytes;
	char *p;
	if (kb->ptr && kb->cap > kb->len + 1 && (p = realloc(kb->ptr, kb->len + 1))) {
		kb->ptr = p;
		kb->cap = kb->len + 1;
	}
}

/* A failed job's error, as the error now. */
static int
job_error(const struct job *j)
{
	return kith_error_set(j->rc, "%s", j->msg ? j->msg : "out of memory");
}

struct jobs {
	struct job *v;
	const size_t *idx; /* the jobs of v to run, n of them; NULL: v[0..n) */
	size_t n, next;
	struct kith_repo *repo;
	pthread_mutex_t mu;
};

static void *
parse_worker(void *arg)
{
	struct jobs *js = arg;
	struct kith_folds *fc = NULL;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&js->mu);
		i = js->next++;
		pthread_mutex_unlock(&js->mu);
		if (i >= js->n)
			break;
		parse_job(&js->v[js->idx ? js->idx[i] : i], js->repo, &fc);
	}
	kith_folds_free(fc);
	return NULL;
}

static void *
parse_thread(void *arg)
{
	parse_worker(arg);
	kith_inline_thread_done();
	return NULL;
}

static void
parse_all(struct jobs *js)
{
	pthread_t t;
	bool threaded = js->n >= PARSE_THREAD_MIN &&
		pthread_create(&t, NULL, parse_thread, js) == 0;

	parse_worker(js);
	if (threaded)
		pthread_join(t, NULL);
}

/* The chunks of a parsed file into m (which keeps the bytes). */
static int
decode_job(struct kith_model *m, struct job *j, const char *path,
	struct kith_chunk **out, struct span **spans, size_t *n)
{
	struct kith_dec r;
	struct kith_chunk *cs;
	char *bytes = j->bytes.ptr;
	size_t len = j->bytes.len;

	*out = NULL;
	*n = 0;
	if (!bytes)
		return 0;
	j->bytes = (struct kith_buf)KITH_BUF_INIT;
	if (kith_ptrvec_push(&m->build->blobs, bytes) < 0) {
		free(bytes);
		return KITH_ERROR;
	}
	r = (struct kith_dec){ (unsigned char *)bytes, (unsigned char *)bytes + len,
		NULL, false };
	*n = kith_get_count(&r, 1);
	if (!(cs = kith_arena_alloc(m->arena, (*n + 1) * sizeof *cs)) ||
	    !(*spans = kith_arena_alloc(m->arena, (*n + 1) * sizeof **spans)))
		return KITH_ERROR;
	for (size_t i = 0; i < *n; i++) {
		size_t l = kith_get_count(&r, 1);
		if (r.bad || kith_chunk_read(m, path, r.p, l, &cs[i]) < 0)
			return kith_error_set(KITH_ERROR, "cannot index '%s'", path);
		(*spans)[i] = (struct span){ r.p, l };
		r.p += l;
	}
	*out = cs;
	return 0;
}

/*
 * What parsing one file gave, into the new state and r's model: its stat,
 * whether it went, and its warning or its chunks (*nc of them).
 */
static int
take_job(struct refresh *r, struct job *j, struct stat *st, bool *gone,
	struct fent *f, struct kith_chunk **c, struct span **spans, size_t *nc)
{
	const char *path;

	*c = NULL;
	*spans = NULL;
	*nc = 0;
	*st = j->st;
	*gone = j->gone;
	if (j->warning)
		return (f->warning = kith_arena_strdup(r->a, j->warning)) ? 0 : KITH_ERROR;
	if (!(path = kith_arena_strdup(r->m->arena, j->path)) ||
	    decode_job(r->m, j, path, c, spans, nc) < 0)
		return KITH_ERROR;
	return 0;
}

/* A new chunk's row, ready for the insert. */
struct row {
	int64_t id;
	const void *meta, *data;
	size_t mlen, dlen;
};

/* Chunks enough for a second thread to make the rows, and how many it
 * hands over at a time. */
#define ROW_THREAD_MIN 2048
#define ROW_BATCH 256

/*
 * The new chunks of the changed files. Making their rows (ids, meta,
 * posting edits, open follow-ups and heads: the refresh's memory alone)
 * takes about twice as long as inserting them (SQLite's time: ~65 ms
 * of a first build of the large bench); with many chunks a second
 * thread makes them while this one inserts what it has handed over.
 */
struct newc {
	struct refresh *r;
	const struct kith_walk *w;
	struct state *ns;
	const struct stat *stats;
	const bool *parsed, *gone;
	size_t nnew;
	size_t lo, hi;         /* the files [lo, hi) of the walk */
	struct kith_arena *a;  /* the rows' bytes */
	struct row *rows;      /* room for nnew */
	size_t nrows;          /* made */
	size_t ready;          /* handed over (under mu) */
	bool threaded, done, stop;
	int rc;                /* the making's */
	char msg[256];
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Hand the rows made so far over; the last time, say it is done. */
static int
publish(struct newc *nc, bool done)
{
	bool stop;

	pthread_mutex_lock(&nc->mu);
	nc->ready = nc->nrows;
	nc->done |= done;
	stop = nc->stop;
	pthread_cond_signal(&nc->cv);
	pthread_mutex_unlock(&nc->mu);
	return stop ? KITH_ERROR : 0; /* the insert failed: its error counts */
}

static void
make_rows(struct newc *nc)
{
	struct refresh *r = nc->r;
	struct state *ns = nc->ns;
	int rc = 0;

	for (size_t i = nc->lo, k = 0; i < nc->hi; i++) {
		struct fent *f = &ns->files[i];
		if (!nc->parsed[i])
			continue;
		if (nc->gone[i]) {
			f->path = NULL;
			continue;
		}
		f->id = ns->next_id++;
		f->size = (int64_t)nc->stats[i].st_size;
		f->mtime = (int64_t)nc->stats[i].st_mtim.tv_sec * 1000000000 +
			nc->stats[i].st_mtim.tv_nsec;
		f->ctime = (int64_t)nc->stats[i].st_ctim.tv_sec * 1000000000 +
			nc->stats[i].st_ctim.tv_nsec;
		f->ino = (uint64_t)nc->stats[i].st_ino;
		f->racy = racy(f->mtime, r->now) || racy(f->ctime, r->now);
		f->first = f->nchunks = 0;
		if (is_person_path(f->path))
			continue;
		while (k < nc->nnew && r->w[k].file < i)
			k++;
		for (; k < nc->nnew && r->w[k].file == i; k++) {
			struct wchunk *wc = &r->w[k];
			int64_t id = ns->next_id++;
			if (!f->nchunks)
				f->first = id;
			f->nchunks++;
			/* the parse's bytes: the keys were folded there already */
			const void *data = wc->bytes;
			size_t dlen = wc->nbytes;
#ifdef KITH_CHECK_BYTES
			/* for a change to the parse or the finish: both must agree */
			if (data) {
				struct kith_buf chk = KITH_BUF_INIT;
				kith_chunk_write(&chk, &wc->c);
				if (chk.len != dlen || memcmp(chk.ptr, data, dlen))
					abort();
				kith_buf_free(&chk);
			}
#endif
			if (!data) {
				kith_buf_clear(&r->buf);
				if ((rc = kith_chunk_write(&r->buf, &wc->c)) < 0)
					goto out;
				dlen = r->buf.len;
				if (!(data = kith_arena_strndup(nc->a, r->buf.ptr, dlen))) {
					rc = KITH_ERROR;
					goto out;
				}
			}
			if ((rc = heads_add(r, id, data, dlen)) != 0)
				goto out;
			if ((rc = new_meta(r, &wc->c, id, false)) != 0)
				goto out;
			void *meta = kith_arena_alloc(nc->a, r->buf.len + 1);
			if (!meta) {
				rc = KITH_ERROR;
				goto out;
			}
			memcpy(meta, r->buf.ptr, r->buf.len);
			nc->rows[nc->nrows++] = (struct row){ id, meta, data, r->buf.len, dlen };
			if (nc->threaded && !(nc->nrows % ROW_BATCH) && (rc = publish(nc, false)) != 0)
				goto out;
		}
	}
out:
	nc->rc = rc;
	if (rc < 0)
		snprintf(nc->msg, sizeof nc->msg, "%s", kith_error());
	publish(nc, true);
}

static void *
make_thread(void *arg)
{
	make_rows(arg);
	return NULL;
}

static int
new_chunks(struct newc *nc, sqlite3_stmt *ins)
{
	struct ix *ix = nc->r->ix;
	size_t done = 0;
	pthread_t t;
	int rc = 0;

	if (!(nc->rows = malloc((nc->nnew + 1) * sizeof *nc->rows)))
		return kith_error_set(KITH_ERROR, "out of memory");
	nc->threaded = nc->nnew >= ROW_THREAD_MIN &&
		pthread_create(&t, NULL, make_thread, nc) == 0;
	if (!nc->threaded)
		make_rows(nc);
	for (bool last = false; rc == 0 && !last;) {
		pthread_mutex_lock(&nc->mu);
		while (done == nc->ready && !nc->done)
			pthread_cond_wait(&nc->cv, &nc->mu);
		size_t ready = nc->ready;
		last = nc->done; /* then ready is all of them */
		pthread_mutex_unlock(&nc->mu);
		for (; rc == 0 && done < ready; done++) {
			const struct row *w = &nc->rows[done];
			sqlite3_bind_int64(ins, 1, w->id);
			sqlite3_bind_blob(ins, 2, w->meta, (int)w->mlen, SQLITE_STATIC);
			sqlite3_bind_blob(ins, 3, w->data, (int)w->dlen, SQLITE_STATIC);
			rc = run(ix, ins);
		}
	}
	if (rc) {
		pthread_mutex_lock(&nc->mu);
		nc->stop = true;
		pthread_mutex_unlock(&nc->mu);
	}
	if (nc->threaded)
		pthread_join(t, NULL);
	free(nc->rows);
	nc->rows = NULL;
	if (rc)
		return rc;
	if (nc->rc)
		return nc->rc < 0 ? kith_error_set(nc->rc, "%s", nc->msg) : nc->rc;
	return 0;
}

/*
 * A person's interactions in m (which has the people in acc's order)
 * into acc: their number, and the newest, copied into a.
 */
static int
pacc_add(struct pacc *acc, size_t n, const struct kith_model *m, struct kith_arena *a)
{
	if (m->npeople != n)
		return kith_error_set(KITH_ERROR, "cannot index: the people changed while building");
	for (size_t i = 0; i < n; i++) {
		const struct kith_person *p = m->people[i];
		if (!p->ninteractions)
			continue;
		const struct kith_entry *e = p->interactions[0];
		if (!acc[i].n || kith_entry_order(e, &acc[i].e) > 0) {
			acc[i].e = (struct kith_entry){ .date = e->date, .time = e->time,
				.line = e->line, .path = kith_arena_strdup(a, e->path),
				.title = e->title ? kith_arena_strdup(a, e->title) : NULL };
			if (!acc[i].e.path || (e->title && !acc[i].e.title))
				return KITH_ERROR;
		}
		acc[i].n += p->ninteractions;
	}
	return 0;
}

/* Posting edits enough to write the whole buckets of a batched build. */
#define FLUSH_MIN 65536

/*
 * A batched build's posting edits of whole buckets, into the database:
 * on a first build the edits come in chunk order, and the ids still to
 * come are all in the bucket of the next or after, so that no bucket
 * before it gains another. The large bench holds ~4 MB of edits at a
 * time instead of 26.
 */
static int
flush_buckets(struct refresh *r)
{
	struct pedits *pe = &r->pe;
	uint64_t cur = bucket_of(r->new.next_id);
	size_t split = pe->n;
	int rc;

	while (split && bucket_of(pe->v[split - 1].chunk) >= cur)
		split--;
	if (split < FLUSH_MIN)
		return 0;
	struct pedits done = { pe->v, split, split, NULL };
	if ((rc = group_pedits(&done)) == 0)
		rc = apply_pedits(r->ix, &done, &r->t, r->a, true);
	free(done.ord);
	if (rc)
		return rc;
	memmove(pe->v, pe->v + split, (pe->n - split) * sizeof *pe->v);
	pe->n -= split;
	r->applied = true;
	return 0;
}

/* Journal files a batch of a first build takes, and how many make one. */
#define BATCH_FILES 256
#define BATCH_MIN 2048

/*
 * A first build's journal, BATCH_FILES changed files at a time: parsed
 * (on two threads), read into a model of their own that resolves by the
 * people's keys (as a refresh does when no person changed), their rows
 * made and inserted, and the model freed before the next batch. Only
 * what the index gathers over all of them stays: the posting edits, the
 * heads and open follow-ups, each person's interactions (r->acc). The
 * large bench's first build peaks at ~70 MB instead of ~216 (with
 * flush_buckets), in no more time; batches of 512 files peaked 3 MB
 * higher than of 256. The ids come in file order, as without batches.
 */
static int
build_batched(struct refresh *r, struct jobs *js, struct job **jobof,
	struct stat *stats, bool *parsed, bool *gone, const void *keys, size_t klen,
	sqlite3_stmt *ins)
{
	const struct kith_walk *w = &r->walk;
	struct kith_model *main = r->m, *mb = NULL;
	struct kith_arena *ba = NULL;
	size_t *idx = malloc((BATCH_FILES + 1) * sizeof *idx);
	int rc = 0;

	r->heads_copy = true;
	spool_open(r);
	if (!idx || !(r->acc = calloc(main->npeople + 1, sizeof *r->acc))) {
		free(idx);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	/* the people's own notes first */
	if ((rc = pacc_add(r->acc, main->npeople, main, r->a)) < 0)
		goto out;
	for (size_t lo = 0, hi; rc == 0 && lo < w->nfiles; lo = hi) {
		size_t n = 0;
		for (hi = lo; hi < w->nfiles && n < BATCH_FILES; hi++)
			if (parsed[hi] && !is_person_path(w->files[hi].path))
				idx[n++] = (size_t)(jobof[hi] - js->v);
		struct jobs bj = { .v = js->v, .idx = idx, .n = n, .repo = js->repo,
			.mu = PTHREAD_MUTEX_INITIALIZER };
		parse_all(&bj);
		for (size_t i = 0; i < n; i++)
			if (js->v[idx[i]].rc < 0) {
				rc = job_error(&js->v[idx[i]]);
				goto out;
			}
		void *kc = malloc(klen + 1);
		if (!kc) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		memcpy(kc, keys, klen);
		if ((rc = kith_model_new(&mb)) < 0) {
			free(kc);
			goto out;
		}
		if ((rc = decode_keys(mb, kc, klen)) != 0) /* kc is mb's now */
			goto out;
		size_t from = mb->build->mentions.n;
		r->m = mb;
		for (size_t i = lo; rc == 0 && i < hi; i++) {
			struct kith_chunk *c;
			struct span *sp;
			size_t nc;
			if (!parsed[i] || is_person_path(w->files[i].path))
				continue;
			if ((rc = take_job(r, jobof[i], &stats[i], &gone[i],
			    &r->new.files[i], &c, &sp, &nc)) < 0)
				break;
			for (size_t k = 0; rc == 0 && k < nc; k++)
				rc = push_w(r, &(struct wchunk){ 0, i, c[k], NULL, 0,
					sp[k].p, sp[k].n });
		}
		r->m = main;
		if (rc || (rc = kith_model_finish_rest(mb, from)) < 0 ||
		    (rc = pacc_add(r->acc, main->npeople, mb, r->a)) < 0 ||
		    (rc = kith_arena_new(&ba)) < 0)
			goto out;
		struct newc nc = { .r = r, .w = w, .ns = &r->new, .stats = stats,
			.parsed = parsed, .gone = gone, .nnew = r->nw, .lo = lo, .hi = hi,
			.a = ba, .mu = PTHREAD_MUTEX_INITIALIZER,
			.cv = PTHREAD_COND_INITIALIZER };
		if ((rc = new_chunks(&nc, ins)) != 0 || (rc = flush_buckets(r)) != 0)
			goto out;
		kith_arena_free(ba);
		ba = NULL;
		kith_model_free(mb);
		mb = NULL;
		r->nw = 0;
		tr("b");
	}
out:
	r->m = main;
	kith_arena_free(ba);
	kith_model_free(mb);
	r->nw = 0;
	free(idx);
	return rc;
}

static int
apply(struct refresh *r)
{
	struct ix *ix = r->ix;
	struct kith_model *m = NULL;
	struct state *os = &r->old, *ns = &r->new;
	struct kith_walk *w = &r->walk;
	struct pchunks pc = { 0 };
	struct strset oldk = { 0 }, newk = { 0 }, changedk = { 0 };
	struct stat *stats = NULL;
	bool *parsed = NULL, *gone = NULL;
	sqlite3_stmt *st = NULL, *getm = NULL, *del = NULL, *ins = NULL, *upd = NULL;
	bool people_changed = false, cold = !os->blob;
	struct jobs js = { 0 };
	struct job **jobof = NULL;
	void *kblob = NULL;
	struct kith_map *pmap = NULL;
	size_t klen = 0;
	size_t nchanged = 0, njournal = 0;
	void *kcopy = NULL;
	size_t kclen = 0;
	size_t *pidx = NULL;
	bool batched;
	int rc;

	if ((rc = kith_model_new(&r->m)) < 0)
		goto out;
	m = r->m;
	/* The new state: the walk's files, keeping what did not change. */
	ns->next_id = os->next_id;
	ns->nfiles = w->nfiles;
	ns->files = calloc(w->nfiles + 1, sizeof *ns->files);
	ns->ndirs = w->ndirs;
	ns->dirs = calloc(w->ndirs + 1, sizeof *ns->dirs);
	stats = calloc(w->nfiles + 1, sizeof *stats);
	parsed = calloc(w->nfiles + 1, sizeof *parsed);
	gone = calloc(w->nfiles + 1, sizeof *gone);
	if (!ns->files || !ns->dirs || !stats || !parsed || !gone) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < w->ndirs; i++) {
		ns->dirs[i] = w->dirs[i];
		ns->dirs[i].names = NULL;
		ns->dirs[i].racy = racy(w->dirs[i].mtime, r->now) ||
			racy(w->dirs[i].ctime, r->now);
	}
	for (size_t i = 0, at = 0; i < w->nfiles; i++) {
		const struct kith_file_stat *s = &w->files[i];
		const struct fent *f = find_next(os, &at, s->path);
		if (unchanged(f, s)) {
			ns->files[i] = *f;
			continue;
		}
		ns->files[i] = (struct fent){ .path = s->path };
		parsed[i] = true;
		nchanged++;
		if (is_person_path(s->path))
			people_changed = true;
		else
			njournal++;
	}
	/*
	 * A first build of many journal files takes them BATCH_FILES at a
	 * time (build_batched), which bounds its memory; otherwise every
	 * changed file is parsed first.
	 */
	batched = cold && njournal >= BATCH_MIN;
	for (size_t i = 0, at = 0; i < os->nfiles; i++)
		if (is_person_path(os->files[i].path) && !find_next(ns, &at, os->files[i].path))
			people_changed = true;
	if (!people_changed && (rc = get_meta(ix, META_KEYS, &kblob, &klen)) != 0)
		goto out;
	if (!kblob)
		people_changed = true;
	if (people_changed && (rc = get_part(ix, &PEOPLE, &pmap)) != 0)
		goto out;
	/* Parse every changed file first, on two threads. */
	js.repo = ix->repo;
	js.mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	if (!(js.v = calloc(nchanged + 1, sizeof *js.v)) ||
	    !(jobof = calloc(w->nfiles + 1, sizeof *jobof))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < w->nfiles; i++)
		if (parsed[i]) {
			jobof[i] = &js.v[js.n];
			js.v[js.n++] = (struct job){ .path = w->files[i].path,
				.person = is_person_path(w->files[i].path) };
		}
	if (batched) {
		/* the people alone now: the journal in build_batched */
		size_t np = 0;
		if (!(pidx = calloc(js.n + 1, sizeof *pidx))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < js.n; i++)
			if (js.v[i].person)
				pidx[np++] = i;
		struct jobs pj = { .v = js.v, .idx = pidx, .n = np, .repo = ix->repo,
			.mu = PTHREAD_MUTEX_INITIALIZER };
		parse_all(&pj);
	} else {
		parse_all(&js);
	}
	for (size_t i = 0; i < js.n; i++)
		if (js.v[i].rc < 0) {
			rc = job_error(&js.v[i]);
			goto out;
		}
	tr("a:parse");
	/* The people part. */
	if (people_changed) {
		struct kith_model_build *b = m->build;
		struct pchunks old = { 0 };
		if (pmap) {
			/* the old keys, from the old people part resolved */
			struct kith_model *om = NULL;
			if ((rc = kith_model_new(&om)) < 0 ||
			    (rc = decode_people(om, pmap->data, pmap->len, true, P_PEOPLE, NULL)) != 0 ||
			    (rc = model_keys(&oldk, om, r->a)) != 0) {
				kith_model_free(om);
				goto out;
			}
			/* the keys' strings live in r->a; the model can go */
			kith_model_free(om);
			const void *data = pmap->data;
			size_t len = pmap->len;
			rc = attach_map(m, pmap);
			pmap = NULL; /* the model's now */
			if (rc < 0 || (rc = decode_people(m, data, len, false, P_WHOLE, &old)) != 0) {
				free(old.v);
				goto out;
			}
		}
		/* unchanged people from the old part, changed ones parsed */
		pc.v = calloc(old.n + w->nfiles + 1, sizeof *pc.v);
		if (!pc.v) {
			free(old.v);
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		size_t np = 0;
		for (size_t i = 0; i < old.n; i++) {
			const char *p = old.v[i].person->path;
			const struct fent *f = find_file(ns, p);
			if (f && f->id) /* still there, unchanged */
				pc.v[pc.n++] = old.v[i];
			else
				old.v[i].person->slug = NULL; /* dropped below */
		}
		free(old.v);
		/* keep only the people kept: drop the others' objects */
		for (size_t i = 0; i < b->people.n; i++)
			if (((struct kith_person *)b->people.v[i])->slug)
				b->people.v[np++] = b->people.v[i];
		b->people.n = np;
		size_t ke = 0, km = 0, kf = 0;
		for (size_t i = 0; i < b->entries.n; i++) {
			struct kith_entry *e = b->entries.v[i];
			if (!e->owner || e->owner->slug)
				b->entries.v[ke++] = e;
		}
		for (size_t i = 0; i < b->mentions.n; i++) {
			struct kith_mention *mn = b->mentions.v[i];
			if (!mn->in_person || mn->in_person->slug)
				b->mentions.v[km++] = mn;
		}
		for (size_t i = 0; i < b->followups.n; i++) {
			struct kith_followup *f = b->followups.v[i];
			if (!f->in_person || f->in_person->slug)
				b->followups.v[kf++] = f;
		}
		b->entries.n = ke;
		b->mentions.n = km;
		b->followups.n = kf;
		for (size_t i = 0; i < w->nfiles; i++) {
			struct kith_chunk *c;
			struct span *sp;
			size_t nc;
			if (!parsed[i] || !is_person_path(w->files[i].path))
				continue;
			if ((rc = take_job(r, jobof[i], &stats[i], &gone[i],
			    &ns->files[i], &c, &sp, &nc)) < 0)
				goto out;
			if (nc && c[0].person)
				pc.v[pc.n++] = c[0];
		}
		if ((rc = kith_model_finish(m)) < 0)
			goto out;
		b->keys_ready = true;
		kith_buf_clear(&r->buf);
		if ((rc = encode_people(&r->buf, m, &pc)) < 0 ||
		    (rc = put_part(ix, &PEOPLE, r->buf.ptr, r->buf.len)) != 0 ||
		    (rc = model_keys(&newk, m, r->a)) != 0)
			goto out;
		kith_buf_clear(&r->buf);
		if ((rc = encode_keys(&r->buf, m)) < 0 ||
		    (rc = put_meta(ix, META_KEYS, r->buf.ptr, r->buf.len)) != 0)
			goto out;
		for (int side = 0; side < 2; side++) {
			struct strset *x = side ? &newk : &oldk, *y = side ? &oldk : &newk;
			for (size_t i = 0; i < x->n; i++) {
				if (strset_has(y, x->v[i]))
					continue;
				const char *t = strchr(x->v[i], '\t') + 1, *e = strrchr(x->v[i], '\t');
				char *k = kith_arena_alloc(r->a, (size_t)(e - t) + 3);
				if (!k) {
					rc = KITH_ERROR;
					goto out;
				}
				memcpy(k, "t:", 2);
				memcpy(k + 2, t, (size_t)(e - t));
				k[(e - t) + 2] = '\0';
				if ((rc = strset_add(&changedk, k)) < 0)
					goto out;
			}
		}
		strset_uniq(&changedk);
	} else {
		/* no person file changed: the keys are enough to resolve */
		rc = decode_keys(m, kblob, klen);
		kblob = NULL;
		if (rc)
			goto out;
	}
	size_t from = m->build->mentions.n;
	if (batched) {
		/* each batch resolves its entries by the keys */
		kith_buf_clear(&r->buf);
		if ((rc = encode_keys(&r->buf, m)) < 0)
			goto out;
		if (!(kcopy = malloc(r->buf.len + 1))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		memcpy(kcopy, r->buf.ptr, r->buf.len);
		kclen = r->buf.len;
	}
	tr("a:people");
	/* The journal part: the changed files' chunks. */
	for (size_t i = 0; !batched && i < w->nfiles; i++) {
		struct kith_chunk *c;
		struct span *sp;
		size_t nc;
		if (!parsed[i] || is_person_path(w->files[i].path))
			continue;
		if ((rc = take_job(r, jobof[i], &stats[i], &gone[i], &ns->files[i],
		    &c, &sp, &nc)) < 0)
			goto out;
		for (size_t k = 0; k < nc; k++)
			if ((rc = push_w(r, &(struct wchunk){ 0, i, c[k], NULL, 0,
			    sp[k].p, sp[k].n })) < 0)
				goto out;
	}
	size_t nnew = r->nw;
	tr("a:decode");
	/* Entries that mention a changed key: resolved again. */
	if (changedk.n && os->blob) {
		int64_t *ids = NULL;
		size_t nids = 0, cap = 0;
		const struct fent **byid = NULL;
		size_t nbyid = 0;
		if ((rc = prep(ix, &st, SELECT_BUCKETS)) != 0)
			goto out;
		for (size_t i = 0; i < changedk.n && rc == 0; i++)
			rc = posting_ids(ix, st, changedk.v[i], &ids, &nids, &cap);
		sqlite3_finalize(st);
		st = NULL;
		kith_sort(ids, nids, sizeof *ids, cmp_i64);
		if (rc == 0)
			rc = files_by_id(&byid, &nbyid, os);
		if (rc == 0)
			rc = prep(ix, &st, "SELECT meta, data FROM chunk WHERE id = ?1");
		for (size_t i = 0; rc == 0 && i < nids; i++) {
			if (i && ids[i] == ids[i - 1])
				continue;
			const struct fent *f = chunk_file(byid, nbyid, ids[i]);
			const struct fent *nf = f ? find_file(ns, f->path) : NULL;
			if (!f) {
				rc = IX_DAMAGED;
				break;
			}
			if (!nf || !nf->id)
				continue; /* its file changed or went: parsed anew */
			struct wchunk wc = { ids[i], (size_t)(nf - ns->files), { 0 }, NULL, 0,
				NULL, 0 };
			void *data;
			size_t len;
			sqlite3_bind_int64(st, 1, ids[i]);
			int s = sqlite3_step(st);
			if (s != SQLITE_ROW) {
				sqlite3_reset(st);
				rc = s == SQLITE_DONE ? IX_DAMAGED : db_fail(ix, "read a chunk");
				break;
			}
			if ((rc = col_blob(&wc.oldmeta, &wc.oldlen, st, 0)) == 0)
				rc = col_blob(&data, &len, st, 1);
			sqlite3_reset(st);
			if (rc) {
				free(wc.oldmeta);
				break;
			}
			if (kith_ptrvec_push(&m->build->blobs, data) < 0) {
				free(data);
				free(wc.oldmeta);
				rc = KITH_ERROR;
				break;
			}
			if (kith_chunk_read(m, nf->path, data, len, &wc.c) < 0) {
				free(wc.oldmeta);
				rc = IX_DAMAGED;
				break;
			}
			if ((rc = push_w(r, &wc)) < 0)
				free(wc.oldmeta);
		}
		sqlite3_finalize(st);
		st = NULL;
		free(ids);
		free(byid);
		if (rc)
			goto out;
	}
	tr("a:redo");
	if ((rc = kith_model_finish_rest(m, from)) < 0)
		goto out;
	tr("a:finish");
	/* Write: the chunks of changed and removed journal files go. */
	if ((rc = terms_load(ix, &r->terms, cold)) != 0 ||
	    (rc = prep(ix, &getm, "SELECT meta FROM chunk WHERE id = ?1")) != 0 ||
	    (rc = prep(ix, &del, "DELETE FROM chunk WHERE id BETWEEN ?1 AND ?2")) != 0 ||
	    (rc = prep(ix, &ins, "INSERT INTO chunk(id, meta, data) VALUES(?1, ?2, ?3)")) != 0 ||
	    (rc = prep(ix, &upd, "UPDATE chunk SET meta = ?2 WHERE id = ?1")) != 0)
		goto out;
	for (size_t i = 0, at = 0; i < os->nfiles; i++) {
		const struct fent *f = &os->files[i];
		const struct fent *nf = find_next(ns, &at, f->path);
		if (f->nchunks && (!nf || !nf->id) &&
		    (rc = drop_file(r, f, getm, del)) != 0)
			goto out;
	}
	tr("a:drop");
	/* Chunks resolved again: their interactions anew. */
	for (size_t i = nnew; i < r->nw; i++) {
		struct wchunk *wc = &r->w[i];
		struct cmeta oc;
		char *keep = kith_arena_alloc(r->a, wc->oldlen + 1);
		if (!keep) {
			rc = KITH_ERROR;
			goto out;
		}
		memcpy(keep, wc->oldmeta, wc->oldlen);
		if ((rc = decode_cmeta(&oc, keep, wc->oldlen, r->a, &r->terms)) == 0 &&
		    (rc = cmeta_edits(&r->pe, &oc, wc->id, NULL, false, true, &r->pkeys, r->a)) == 0)
			rc = open_drop(r, wc->id, &oc);
		cmeta_free(&oc);
		if (rc || (rc = new_meta(r, &wc->c, wc->id, true)) != 0)
			goto out;
		sqlite3_bind_int64(upd, 1, wc->id);
		sqlite3_bind_blob(upd, 2, r->buf.ptr, (int)r->buf.len, SQLITE_STATIC);
		if ((rc = run(ix, upd)) != 0)
			goto out;
	}
	/* The changed files: their chunks, new ids in file order. */
	if (batched) {
		rc = build_batched(r, &js, jobof, stats, parsed, gone, kcopy, kclen, ins);
	} else {
		struct newc nc = { .r = r, .w = w, .ns = ns, .stats = stats,
			.parsed = parsed, .gone = gone, .nnew = nnew, .lo = 0,
			.hi = w->nfiles, .a = r->a,
			.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
		rc = new_chunks(&nc, ins);
	}
	if (rc)
		goto out;
	/* files that vanished while parsing: out of the state */
	size_t kf = 0;
	for (size_t i = 0; i < ns->nfiles; i++)
		if (ns->files[i].path)
			ns->files[kf++] = ns->files[i];
	ns->nfiles = kf;
	tr("a:insert");
	/* The parts (files and SQLite) while the edits are grouped (memory). */
	struct gjob gj = { &r->pe, 0, "" };
	pthread_t gt;
	bool grouping = r->pe.n >= GROUP_THREAD_MIN &&
		pthread_create(&gt, NULL, group_thread, &gj) == 0;
	if ((rc = write_open(r, cold)) == 0 &&
	    (rc = terms_write(ix, &r->terms, cold)) == 0)
		rc = heads_write(r, cold);
	if (grouping) {
		pthread_join(gt, NULL);
		if (rc == 0 && gj.rc < 0)
			rc = kith_error_set(gj.rc, "%s", gj.msg);
	} else if (rc == 0) {
		rc = group_pedits(&r->pe);
	}
	if (rc || (rc = apply_pedits(ix, &r->pe, &r->t, r->a, cold)) != 0 ||
	    (r->applied && (rc = tags_merge(&r->t)) != 0))
		goto out;
	tr("a:pedits");
	if ((rc = totals(r, people_changed, cold)) != 0 ||
	    (rc = tag_totals(r)) != 0)
		goto out;
	tr("a:totals");
	if ((rc = write_state(ix, ns)) != 0)
		goto out;
	tr("a:state");
out:
	sqlite3_finalize(st);
	sqlite3_finalize(getm);
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	sqlite3_finalize(upd);
	kith_map_free(pmap);
	free(kblob);
	for (size_t i = 0; i < js.n; i++) {
		free(js.v[i].warning);
		free(js.v[i].msg);
		kith_buf_free(&js.v[i].bytes);
	}
	free(js.v);
	free(jobof);
	free(pidx);
	free(kcopy);
	free(pc.v);
	strset_free(&oldk);
	strset_free(&newk);
	strset_free(&changedk);
	free(stats);
	free(parsed);
	free(gone);
	return rc;
}

/*
 * Bring the index up to date with the files; then, inside a read
 * transaction that the caller ends, *s is the state to load from.
 */
static int
refresh(struct ix *ix, struct state *s)
{
	struct refresh r = { .ix = ix, .now = now_ns() };
	bool txn = false;
	int rc;

	memset(s, 0, sizeof *s);
	ix->wrote = 0;
	if ((rc = kith_arena_new(&r.a)) < 0)
		return rc;
	tr("r0");
	if ((rc = exec(ix, "BEGIN")) != 0)
		goto out;
	if ((rc = read_state(ix, &r.old)) != 0)
		goto out;
	tr("state");
	if ((rc = kith_repo_walk(&r.walk, ix->repo, r.old.dirs, r.old.ndirs, 0)) < 0)
		goto out;
	tr("walk");
	if (!anything_changed(&r.old, &r.walk)) {
		*s = r.old; /* still reading: the snapshot it came from */
		memset(&r.old, 0, sizeof r.old);
		goto out;
	}
	if ((rc = exec(ix, "COMMIT")) != 0)
		goto out;
	/*
	 * A first build writes every page once, straight into the file (a
	 * rollback journal in memory), rather than into the WAL and again at
	 * the checkpoint: ~100 ms less on the large bench repository. Only a
	 * connection alone can leave WAL mode; otherwise it stays. Locks keep
	 * readers from a build half written; a crash leaves pages past the
	 * end the header records, or roots pointing there: damage, rebuilt.
	 */
	bool cold = !r.old.blob;
	if (cold)
		sqlite3_exec(ix->db, "PRAGMA journal_mode=MEMORY", NULL, NULL, NULL);
	/*
	 * Again under the write lock: another process may have done it.
	 * Reads pass over each page once, and a small page cache keeps a big
	 * query's memory down (16 MB of 97 for kith journal --tag on the
	 * large repository); an update goes back to its pages. A first build
	 * writes each page once, in order, and keeps the small one: 14 MB
	 * less at its peak, and no slower.
	 */
	if ((!cold && (rc = exec(ix, "PRAGMA cache_size=-16000")) != 0) ||
	    (rc = exec(ix, "BEGIN IMMEDIATE")) != 0)
		goto out;
	txn = true;
	if ((rc = read_state_again(ix, &r.old)) != 0)
		goto out;
	if (anything_changed(&r.old, &r.walk) && (rc = apply(&r)) != 0)
		goto out;
	rc = exec(ix, "COMMIT");
	tr("commit");
	txn = false;
	/* back to WAL (whoever opens it next does so too, if this cannot) */
	if (cold)
		sqlite3_exec(ix->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
	if (rc == 0 && ix->wrote)
		prune_after(ix);
	if (rc == 0 && (rc = exec(ix, "BEGIN")) == 0)
		rc = read_state(ix, s);
out:
	if (txn)
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
	refresh_free(&r);
	return rc;
}

/* ---- loading a query's model ---- */

/* Bytes [off, off + n) of fd into p; false when there are fewer. */
static bool
read_at(int fd, char *p, size_t n, size_t off)
{
	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		p += r;
		off += (size_t)r;
		n -= (size_t)r;
	}
	return true;
}

/*
 * Whether st is f as the walk saw it; for a file held open since, its
 * ctime aside (renamed over, its links fell to none: not its bytes).
 */
static bool
same_stat(const struct stat *st, const struct fent *f, bool held)
{
	return (int64_t)st->st_size == f->size && (uint64_t)st->st_ino == f->ino &&
		(int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec == f->mtime &&
		(held || (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec == f->ctime);
}

/*
 * Cut each journal entry's text from its file fd, as the parser does. Only
 * the bytes the entries span are read (a tag's entries are a few of a
 * day's); the whole file only when an entry has a CR or follows a BOM,
 * and is cut line by line. held: fd was opened at the query (same_stat).
 */
static int
text_cut(int fd, bool held, struct kith_entry **es, size_t n, const struct fent *f,
	struct kith_arena *a)
{
	struct kith_src src = { 0 };
	struct stat st;
	char *span = NULL, *text = NULL;
	size_t len, lo = SIZE_MAX, hi = 0;
	int rc = 0;

	if (fstat(fd, &st) < 0 || !same_stat(&st, f, held)) {
		rc = IX_STALE; /* changed since the walk: look again */
		goto out;
	}
	len = (size_t)st.st_size;
	for (size_t i = 0; i < n; i++) {
		if (es[i]->off < es[i]->end && es[i]->end <= len) {
			lo = es[i]->off < lo ? es[i]->off : lo;
			hi = es[i]->end > hi ? es[i]->end : hi;
		}
	}
	if (lo == 0 && hi < 3)
		hi = len < 3 ? len : 3; /* a BOM is looked for */
	if (hi > lo) {
		if (!(span = malloc(hi - lo + 1))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		if (!read_at(fd, span, hi - lo, lo)) {
			rc = IX_STALE;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct kith_entry *e = es[i];
		size_t o = e->off, k = e->end > o ? e->end - o : 0;
		const char *at = k && e->end <= len ? span + (o - lo) : NULL;
		if (at && !memchr(at, '\r', k) &&
		    (o || len < 3 || memcmp(span, "\xef\xbb\xbf", 3))) {
			/* LF lines as they are: the text is the bytes, newline-ended */
			bool nl = at[k - 1] == '\n';
			char *t = kith_arena_alloc(a, k + 2);
			if (!t) {
				rc = KITH_ERROR;
				goto out;
			}
			memcpy(t, at, k);
			if (!nl)
				t[k++] = '\n';
			t[k] = '\0';
			e->text = t;
			continue;
		}
		/* CR, a BOM, or no bytes: line by line, as the parser does */
		if (!text) {
			if (!(text = malloc(len + 1))) {
				rc = kith_error_set(KITH_ERROR, "out of memory");
				goto out;
			}
			if (!read_at(fd, text, len, 0)) {
				rc = IX_STALE;
				goto out;
			}
			text[len] = '\0';
		}
		if (!src.lines && (rc = kith_src_init(&src, text, len)) < 0)
			goto out;
		if (!(e->text = kith_src_lines(a, &src, e->line, e->end_line))) {
			rc = KITH_ERROR;
			goto out;
		}
	}
out:
	kith_src_free(&src);
	free(span);
	free(text);
	return rc;
}

/* The same, f opened by its path (IX_STALE when it is gone). */
static int
load_text(struct kith_dirfd *d, struct kith_entry **es, size_t n, const struct fent *f,
	struct kith_arena *a)
{
	int fd = kith_dirfd_open(d, f->path), rc;

	if (fd < 0)
		return IX_STALE; /* changed since the walk: look again */
	rc = text_cut(fd, false, es, n, f, a);
	close(fd);
	return rc;
}

/*
 * KITH_Q_LATER: the files of the entries whose texts are cut later, as
 * the walk saw them, each held open from the query on: kith writes a
 * file by renaming a new one over it, so what is read later is what the
 * query saw, whatever a writer did meanwhile. Past the descriptors a
 * process may have, a file is opened again by its path when its texts
 * are cut (and must not have changed by then).
 *
 * Two threads open the files while the query decodes their entries,
 * then cut the next window of texts, half each, while the caller works
 * on this one, and at the end close the files, half each.
 */
struct lfile {
	struct fent f;
	int fd; /* or -1 */
};

/* A window's texts: those of v[0..n) that had none, cut into a. */
struct lwin {
	struct kith_entry *const *v;
	size_t n;
	struct kith_arena *a;
	struct kith_entry **cut; /* the entries whose text is a's */
	size_t ncut, capcut;
	int rc;
	char msg[256];
};

#define LATER_THREADS 2
/* Files a thread opens at a time. */
#define LATER_OPEN_BATCH 32

struct kith_later;
struct lworker {
	struct kith_later *l;
	int i;
	pthread_t t;
	bool on;
	struct kith_dirfd d; /* its own: the folder it caches is not shared */
};

/*
 * Under mu: files[0..n) added, [0..onext) taken to be opened, odone of
 * them opened (stale when one was not as the walk saw it); job[i] set by
 * the caller for thread i to cut ahead[i], cleared when it is done.
 */
struct kith_later {
	struct lfile *files;     /* by path, once the query is done */
	size_t n, cap, onext, odone;
	bool added, stale;       /* all added; one not as the walk saw it */
	struct kith_dirfd d;     /* the repository's folder */
	size_t fds;              /* descriptors this may hold */
	struct lwin cur[LATER_THREADS], ahead[LATER_THREADS];
	struct lworker w[LATER_THREADS];
	bool job[LATER_THREADS], quit;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* The texts of w's window dropped: its entries' NULL again. */
static void
lwin_drop(struct lwin *w)
{
	for (size_t i = 0; i < w->ncut; i++)
		w->cut[i]->text = NULL;
	w->ncut = 0;
	if (w->a)
		kith_arena_clear(w->a); /* its pages kept for the next window */
	w->v = NULL;
	w->n = 0;
	w->rc = 0;
}

/* Open files[from..to) through d: false when one is not as the walk saw it. */
static bool
later_open(struct kith_later *l, struct kith_dirfd *d, size_t from, size_t to)
{
	bool ok = true;

	for (size_t i = from; i < to; i++) {
		struct lfile *lf = &l->files[i];
		struct stat st;
		lf->fd = i < l->fds ? kith_dirfd_open(d, lf->f.path) : -1;
		if (lf->fd < 0 && i < l->fds && errno != EMFILE && errno != ENFILE)
			ok = false; /* gone since the walk */
		else if (lf->fd >= 0 && (fstat(lf->fd, &st) < 0 || !same_stat(&st, &lf->f, false)))
			ok = false;
	}
	return ok;
}

static int lwin_cut(struct kith_later *l, struct kith_dirfd *d, struct lwin *w);

static void *
later_worker(void *arg)
{
	struct lworker *me = arg;
	struct kith_later *l = me->l;
	struct lwin *w = &l->ahead[me->i];

	pthread_mutex_lock(&l->mu);
	for (;;) {
		bool open = l->onext < l->n && (l->added || l->n - l->onext >= LATER_OPEN_BATCH);
		if (!open && !l->job[me->i] && !l->quit) {
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		if (open) {
			size_t from = l->onext, to = l->n - from > LATER_OPEN_BATCH ?
				from + LATER_OPEN_BATCH : l->n;
			l->onext = to;
			pthread_mutex_unlock(&l->mu);
			bool ok = later_open(l, &me->d, from, to);
			pthread_mutex_lock(&l->mu);
			l->stale |= !ok;
			l->odone += to - from;
			if (l->odone == l->onext)
				pthread_cond_broadcast(&l->cv);
			continue;
		}
		if (l->quit) {
			/* the other thread's files opened before these are closed */
			while (l->odone < l->onext)
				pthread_cond_wait(&l->cv, &l->mu);
			break;
		}
		pthread_mutex_unlock(&l->mu);
		if ((w->rc = lwin_cut(l, &me->d, w)) < 0)
			snprintf(w->msg, sizeof w->msg, "%s", kith_error());
		pthread_mutex_lock(&l->mu);
		l->job[me->i] = false;
		pthread_cond_broadcast(&l->cv);
	}
	pthread_mutex_unlock(&l->mu);
	/* its share of the files closed (a thousand closes cost ~1.5 ms) */
	for (size_t i = (size_t)me->i; i < l->n; i += LATER_THREADS)
		if (l->files[i].fd >= 0) {
			close(l->files[i].fd);
			l->files[i].fd = -1;
		}
	return NULL;
}

void
kith_later_free(struct kith_later *l)
{
	if (!l)
		return;
	pthread_mutex_lock(&l->mu);
	l->quit = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	for (int i = 0; i < LATER_THREADS; i++)
		if (l->w[i].on)
			pthread_join(l->w[i].t, NULL);
	for (int i = 0; i < LATER_THREADS; i++)
		kith_dirfd_close(&l->w[i].d);
	pthread_mutex_destroy(&l->mu);
	pthread_cond_destroy(&l->cv);
	for (size_t i = 0; i < l->n; i++)
		if (l->files[i].fd >= 0)
			close(l->files[i].fd);
	free(l->files);
	kith_dirfd_close(&l->d);
	if (l->d.root >= 0)
		close(l->d.root);
	for (int i = 0; i < LATER_THREADS; i++) {
		struct lwin *w[2] = { &l->cur[i], &l->ahead[i] };
		for (int k = 0; k < 2; k++) {
			lwin_drop(w[k]);
			kith_arena_free(w[k]->a);
			free(w[k]->cut);
		}
	}
	free(l);
}

/*
 * How many descriptors kith_later may hold: the soft limit raised to the
 * hard one (a journal of 20 years is 7,300 files), less a margin for
 * everything else.
 */
static size_t
later_fds(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		struct rlimit up = { rl.rlim_max, rl.rlim_max };
		if (up.rlim_cur > 65536)
			up.rlim_cur = 65536;
		if (up.rlim_cur > rl.rlim_cur && setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl.rlim_cur = up.rlim_cur;
	}
	return rl.rlim_cur == RLIM_INFINITY ? 65536 - 128 :
		rl.rlim_cur > 128 ? (size_t)rl.rlim_cur - 128 : 0;
}

/* Ready for at most nfiles files under root, their opening begun. */
static int
later_start(struct kith_model *m, const char *root, size_t nfiles)
{
	struct kith_later *l;

	if (!(l = calloc(1, sizeof *l)))
		return kith_error_set(KITH_ERROR, "out of memory");
	l->d = (struct kith_dirfd)KITH_DIRFD_INIT(-1, NULL);
	pthread_mutex_init(&l->mu, NULL);
	pthread_cond_init(&l->cv, NULL);
	m->build->later = l;
	if (!(l->files = malloc((nfiles + 1) * sizeof *l->files)))
		return kith_error_set(KITH_ERROR, "out of memory");
	l->cap = nfiles;
	if ((l->d.root = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return kith_error_errno(KITH_ERROR, "cannot open '%s'", root);
	l->fds = later_fds();
	/*
	 * The descriptor table grown to hold them all now, while this is the
	 * only thread: grown under threads, each doubling waits for an RCU
	 * grace period (~10 ms here, seven times for 7,300 files).
	 */
	size_t top = (size_t)l->d.root + (nfiles < l->fds ? nfiles : l->fds) + 16;
	if (top < l->fds + 128) {
		int x = fcntl(l->d.root, F_DUPFD_CLOEXEC, (int)top); /* closes nothing */
		if (x >= 0)
			close(x);
	}
	for (int i = 0; i < LATER_THREADS; i++) {
		l->w[i] = (struct lworker){ l, i, .d = KITH_DIRFD_INIT(l->d.root, NULL) };
		l->w[i].on = pthread_create(&l->w[i].t, NULL, later_worker, &l->w[i]) == 0;
	}
	return 0;
}

/* One more file whose entries' texts are cut later: f, its path p (the model's). */
static int
later_add(struct kith_later *l, const struct fent *f, const char *p)
{
	pthread_mutex_lock(&l->mu);
	if (l->n == l->cap) {
		pthread_mutex_unlock(&l->mu);
		return kith_error_set(KITH_ERROR, "more files than counted");
	}
	l->files[l->n].f = *f;
	l->files[l->n].f.path = p;
	l->files[l->n].fd = -1;
	if (++l->n - l->onext == LATER_OPEN_BATCH)
		pthread_cond_signal(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

static int
cmp_lfile(const void *a, const void *b)
{
	return strcmp(((const struct lfile *)a)->f.path, ((const struct lfile *)b)->f.path);
}

/* Every file added: opened when they all are (IX_STALE if one changed), by path. */
static int
later_done(struct kith_later *l)
{
	pthread_mutex_lock(&l->mu);
	l->added = true;
	pthread_cond_broadcast(&l->cv);
	if (!l->w[0].on && !l->w[1].on) {
		/* no thread: open them here */
		size_t from = l->onext;
		l->onext = l->n;
		pthread_mutex_unlock(&l->mu);
		l->stale |= !later_open(l, &l->d, from, l->n);
		pthread_mutex_lock(&l->mu);
		l->odone = l->n;
	}
	while (l->odone < l->n)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
	if (l->stale)
		return IX_STALE; /* changed since the walk: look again */
	kith_sort(l->files, l->n, sizeof *l->files, cmp_lfile);
	return 0;
}

static const struct lfile *
later_file(const struct kith_later *l, const char *path)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(l->files[mid].f.path, path);
		if (!c)
			return &l->files[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Cut the texts of w's window that have none, opening files through d. */
static int
lwin_cut(struct kith_later *l, struct kith_dirfd *d, struct lwin *w)
{
	size_t k = 0;
	int rc = 0;

	for (size_t i = 0; i < w->n; i++)
		k += !w->v[i]->text;
	if (!k)
		return 0;
	if (k > w->capcut) {
		free(w->cut);
		if (!(w->cut = malloc(k * sizeof *w->cut))) {
			w->capcut = 0;
			return kith_error_set(KITH_ERROR, "out of memory");
		}
		w->capcut = k;
	}
	if (!w->a && (rc = kith_arena_new(&w->a)) < 0)
		return rc;
	for (size_t i = 0; i < w->n; i++)
		if (!w->v[i]->text)
			w->cut[w->ncut++] = w->v[i];
	/* a file's entries one after another: each file read once */
	for (size_t i = 0, j; rc == 0 && i < w->ncut; i = j) {
		const struct lfile *lf = later_file(l, w->cut[i]->path);
		for (j = i + 1; j < w->ncut && w->cut[j]->path == w->cut[i]->path; j++)
			;
		if (!lf)
			rc = kith_error_set(KITH_ERROR, "no text for %s:%d",
				w->cut[i]->path, w->cut[i]->line);
		else if ((rc = lf->fd >= 0 ? text_cut(lf->fd, true, w->cut + i, j - i, &lf->f, w->a) :
		    load_text(d, w->cut + i, j - i, &lf->f, w->a)) == IX_STALE)
			rc = kith_error_set(KITH_ERROR, "'%s' changed while kith read it: "
				"run the command again", lf->f.path);
		else if (rc > 0)
			rc = kith_error_set(KITH_ERROR, "cannot read '%s'", lf->f.path);
	}
	return rc;
}

int
kith_model_texts(struct kith_model *m, struct kith_entry **v, size_t n,
	struct kith_entry **next, size_t nnext)
{
	struct kith_later *l = m->build ? m->build->later : NULL;
	size_t h;
	int rc;

	if (!l) {
		/* parsed whole: every text is there */
		for (size_t i = 0; i < n; i++)
			if (!v[i]->text)
				return kith_error_set(KITH_ERROR, "no text for %s:%d", v[i]->path, v[i]->line);
		return 0;
	}
	pthread_mutex_lock(&l->mu);
	for (int i = 0; i < LATER_THREADS; i++)
		while (l->job[i])
			pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
	for (int i = 0; i < LATER_THREADS; i++)
		lwin_drop(&l->cur[i]);
	/* cut already: the halves of v */
	h = l->ahead[0].n;
	if (n && l->ahead[0].v == v && l->ahead[1].v == v + h && h + l->ahead[1].n == n) {
		for (int i = 0; i < LATER_THREADS; i++) {
			struct lwin w = l->cur[i];
			l->cur[i] = l->ahead[i];
			l->ahead[i] = w;
		}
		for (int i = 0; i < LATER_THREADS; i++)
			if ((rc = l->cur[i].rc) < 0)
				return kith_error_set(rc, "%s", l->cur[i].msg);
	} else {
		for (int i = 0; i < LATER_THREADS; i++)
			lwin_drop(&l->ahead[i]);
		l->cur[0].v = v;
		l->cur[0].n = n;
		if ((rc = lwin_cut(l, &l->d, &l->cur[0])) < 0)
			return rc;
	}
	if (!nnext || !l->w[0].on || !l->w[1].on)
		return 0; /* cut when asked for */
	h = nnext / 2;
	pthread_mutex_lock(&l->mu);
	l->ahead[0].v = next;
	l->ahead[0].n = h;
	l->ahead[1].v = next + h;
	l->ahead[1].n = nnext - h;
	l->job[0] = l->job[1] = true;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	return 0;
}

/*
 * Entries from which a KITH_Q_LATER query leaves their texts to be cut
 * as they are printed (~600 bytes each): $KITH_LAZY_TEXTS, else 32,768.
 * Below, cutting them all at once is a little quicker and costs little
 * memory (kith journal's entries come bare, without their mentions).
 */
static size_t
later_min(void)
{
	const char *v = getenv("KITH_LAZY_TEXTS");
	char *end;
	unsigned long n;

	if (v && *v && (n = strtoul(v, &end, 10), !*end))
		return n;
	return 32768;
}

/* A chunk picked for its text: its entries. */
struct cent {
	struct kith_entry **e;
	size_t n;
};

/* One file whose entries' text a query wants: those of cs[from..from+n). */
struct tfile {
	const struct fent *f;
	size_t from, n;
};

/*
 * The files handed from the thread that decodes their entries to the
 * threads that cut their text: v[0..ready) are ready, v[next] is the
 * next to take; closed when no more will come, stop after a failure.
 * A second thread starts cutting before the decoding ends (opening a
 * file costs more than decoding its entries), and the first joins it
 * when it has decoded them all.
 */
struct tqueue {
	const struct tfile *v;
	const struct cent *cs;
	size_t ready, next;
	int waiting;
	bool closed, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* One thread's part of the cutting. */
struct tjob {
	struct tqueue *q;
	int root;
	struct kith_arena *a;
	bool thread;  /* on a thread of its own */
	int rc;
	char msg[256];
};

static void *
text_worker(void *arg)
{
	struct tjob *j = arg;
	struct tqueue *q = j->q;
	struct kith_entry **es = NULL;
	size_t cap = 0;

	if (j->thread)
		kith_thread_own_fds();
	struct kith_dirfd d = KITH_DIRFD_INIT(j->root, NULL);
	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->next == q->ready && !q->closed && !q->stop) {
			q->waiting++;
			pthread_cond_wait(&q->cv, &q->mu);
			q->waiting--;
		}
		if (q->stop || q->next == q->ready) {
			pthread_mutex_unlock(&q->mu);
			break;
		}
		const struct tfile *t = &q->v[q->next++];
		pthread_mutex_unlock(&q->mu);
		size_t n = 0;
		for (size_t i = 0; i < t->n; i++)
			n += q->cs[t->from + i].n;
		if (n > cap) {
			struct kith_entry **x = realloc(es, 2 * n * sizeof *x);
			if (!x) {
				j->rc = kith_error_set(KITH_ERROR, "out of memory");
			} else {
				es = x;
				cap = 2 * n;
			}
		}
		for (size_t i = 0, k = 0; j->rc == 0 && i < t->n; i++) {
			memcpy(es + k, q->cs[t->from + i].e, q->cs[t->from + i].n * sizeof *es);
			k += q->cs[t->from + i].n;
		}
		if (j->rc == 0)
			j->rc = load_text(&d, es, n, t->f, j->a);
		if (j->rc) {
			pthread_mutex_lock(&q->mu);
			q->stop = true;
			pthread_cond_broadcast(&q->cv);
			pthread_mutex_unlock(&q->mu);
			break;
		}
	}
	if (j->rc < 0)
		snprintf(j->msg, sizeof j->msg, "%s", kith_error());
	kith_dirfd_close(&d);
	free(es);
	return NULL;
}

/* Files with text to cut before a second thread helps (each ~7 us). */
#define TEXT_THREAD_MIN 64
/* Files the decoding hands over at a time. */
#define TEXT_BATCH 16

/* The texts of a query: its queue and the two threads' jobs. */
struct texts {
	struct tqueue q;
	struct tjob j[2];
	pthread_t t;
	bool started, two;
};

/* Ready to cut the texts of files, on a second thread from the start if
 * there may be many (nfiles at most). */
static int
texts_start(struct texts *x, struct ix *ix, struct kith_model *m,
	const struct tfile *v, const struct cent *cs, size_t nfiles)
{
	int root;

	*x = (struct texts){ .q = { .v = v, .cs = cs, .mu = PTHREAD_MUTEX_INITIALIZER,
		.cv = PTHREAD_COND_INITIALIZER } };
	x->j[0] = (struct tjob){ .q = &x->q, .root = -1, .a = m->arena };
	x->j[1] = (struct tjob){ .q = &x->q, .root = -1, .thread = true };
	if ((root = open(kith_repo_root(ix->repo), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return kith_error_errno(KITH_ERROR, "cannot open '%s'", kith_repo_root(ix->repo));
	x->j[0].root = x->j[1].root = root;
	x->started = true;
	if (nfiles >= TEXT_THREAD_MIN && kith_arena_new(&x->j[1].a) == 0) {
		if (kith_ptrvec_push(&m->build->arenas, x->j[1].a) < 0)
			kith_arena_free(x->j[1].a);
		else
			x->two = pthread_create(&x->t, NULL, text_worker, &x->j[1]) == 0;
	}
	return 0;
}

/* Files v[0..n) are ready for their texts. */
static void
texts_ready(struct texts *x, size_t n)
{
	pthread_mutex_lock(&x->q.mu);
	x->q.ready = n;
	if (x->q.waiting)
		pthread_cond_signal(&x->q.cv);
	pthread_mutex_unlock(&x->q.mu);
}

/*
 * No more files will come: cut the rest here too, unless stop (a failure
 * of the caller's), and wait for the other thread. Its first failure.
 */
static int
texts_finish(struct texts *x, bool stop)
{
	if (!x->started)
		return 0;
	x->started = false;
	pthread_mutex_lock(&x->q.mu);
	x->q.closed = true;
	x->q.stop |= stop;
	pthread_cond_broadcast(&x->q.cv);
	pthread_mutex_unlock(&x->q.mu);
	if (!stop)
		text_worker(&x->j[0]);
	if (x->two)
		pthread_join(x->t, NULL);
	x->two = false;
	close(x->j[0].root);
	for (int k = 0; k < 2; k++)
		if (x->j[k].rc)
			return x->j[k].rc < 0 ? kith_error_set(x->j[k].rc, "%s", x->j[k].msg) :
				x->j[k].rc;
	return 0;
}

/* The "t:" keys that find p: its slug, folded name and aliases. */
static int
find_keys(struct strset *out, const struct kith_model *m,
	const struct kith_person *p, struct kith_arena *a)
{
	const struct kith_model_build *b = m->build;
	struct kith_buf k = KITH_BUF_INIT;
	int rc = kith_buf_printf(&k, "t:%s", p->slug);
	const char *s = rc ? NULL : kith_arena_strdup(a, k.ptr);

	rc = s ? strset_add(out, s) : KITH_ERROR;
	for (int t = 0; t < 2; t++) {
		const struct kith_model_key *v = t ? b->aliases : b->names;
		size_t n = t ? b->naliases : b->nnames;
		for (size_t i = 0; rc == 0 && i < n; i++) {
			if (v[i].person != p)
				continue;
			kith_buf_clear(&k);
			rc = kith_buf_printf(&k, "t:%s", v[i].key);
			s = rc ? NULL : kith_arena_strdup(a, k.ptr);
			rc = s ? strset_add(out, s) : KITH_ERROR;
		}
	}
	kith_buf_free(&k);
	return rc;
}

/* Rotate v so that the items from index k on come first. */
static int
rotate(struct kith_ptrvec *v, size_t k)
{
	void **t;

	if (!k || k == v->n)
		return 0;
	if (!(t = malloc(k * sizeof *t)))
		return kith_error_set(KITH_ERROR, "out of memory");
	memcpy(t, v->v, k * sizeof *t);
	memmove(v->v, v->v + k, (v->n - k) * sizeof *t);
	memcpy(v->v + (v->n - k), t, k * sizeof *t);
	free(t);
	return 0;
}

/* A chunk picked, by its file's place in the state. */
struct pick {
	size_t file;
	int64_t id;
};

static int
cmp_pick(const void *a, const void *b)
{
	const struct pick *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* A journal interaction of someone a KITH_Q_HEADS query names. */
struct hinter {
	struct inter in;
	struct kith_person *p;
};

static int
cmp_hinter(const void *a, const void *b)
{
	const struct hinter *x = a, *y = b;

	if (x->in.chunk != y->in.chunk)
		return x->in.chunk < y->in.chunk ? -1 : 1;
	if (x->in.eidx != y->in.eidx)
		return x->in.eidx < y->in.eidx ? -1 : 1;
	return strcmp(x->p->slug, y->p->slug);
}

/* p's journal interactions (its "p:" posting), appended to l. */
static int
person_inters(struct ix *ix, sqlite3_stmt *get, struct kith_person *p,
	struct blist *l)
{
	struct blist bl = { .size = sizeof(struct inter) };
	struct kith_buf key = KITH_BUF_INIT;
	int rc;

	if ((rc = kith_buf_printf(&key, "p:%s", p->slug)) == 0)
		rc = each_bucket(ix, get, key.ptr, take_inters, &bl);
	for (size_t i = 0; rc == 0 && i < bl.n; i++) {
		struct hinter h = { ((struct inter *)bl.v)[i], p };
		rc = blist_append(l, &h, 1);
	}
	kith_buf_free(&key);
	free(bl.v);
	return rc;
}

/*
 * *bl at column col ("data", "meta") of chunk id: one handle moved from
 * row to row costs much less than a query each. No such row is damage:
 * the postings point at a chunk that is not there.
 */
static int
blob_at(struct ix *ix, sqlite3_blob **bl, const char *col, int64_t id)
{
	int r = *bl ? sqlite3_blob_reopen(*bl, id) :
		sqlite3_blob_open(ix->db, "main", "chunk", col, id, 0, bl);

	if (r == SQLITE_OK)
		return 0;
	return (r & 0xff) == SQLITE_ERROR ? IX_DAMAGED : db_fail(ix, "read a chunk");
}

/* The heads parts, mapped and the model's (what is read points into them). */
static int
get_heads(struct ix *ix, struct kith_model *m, struct heads *hh, bool *have)
{
	struct kith_map *hm = NULL, *rm = NULL;
	int rc;

	if (*have)
		return 0;
	if ((rc = get_part(ix, &HEADS, &hm)) != 0)
		return rc;
	if ((rc = get_part(ix, &RECENT, &rm)) != 0 || !hm || !rm) {
		kith_map_free(hm);
		kith_map_free(rm);
		return rc ? rc : IX_STALE; /* made meanwhile by someone else: look again */
	}
	if ((rc = attach_map(m, hm)) < 0) {
		kith_map_free(rm);
		return rc;
	}
	if ((rc = attach_map(m, rm)) < 0 ||
	    (rc = heads_open(&hh[0], hm)) != 0 || (rc = heads_open(&hh[1], rm)) != 0)
		return rc;
	*have = true;
	return 0;
}

/* The record of chunk id in hh (heads, recent): false when there is none. */
static bool
heads_get(const struct heads *hh, int64_t id, const unsigned char **p, size_t *n)
{
	const struct heads *in = &hh[1]; /* first: its ids are past the other's */
	size_t at = heads_find(in, id);

	if (at == in->n)
		at = heads_find(in = &hh[0], id);
	return at < in->n && heads_rec(in, at, p, n);
}

/*
 * For KITH_Q_HEADS: the entries of v[0..n) as heads, each with the people
 * it is an interaction of, from the heads parts h[0] (heads) and h[1]
 * (recent); in chunk order, which is mostly theirs.
 */
static int
load_heads(struct kith_model *m, struct hinter *v, size_t n,
	const struct fent *const *byid, size_t nbyid, const struct heads *h)
{
	const struct fent *pf = NULL;
	const char *path = NULL;
	int rc;

	/* by date in each bucket of a posting, which is mostly by chunk */
	sort_nearly((char *)v, n, sizeof *v, cmp_hinter);
	for (size_t i = 0, j; i < n; i = j) {
		int64_t id = v[i].in.chunk;
		for (j = i + 1; j < n && v[j].in.chunk == id &&
		     v[j].in.eidx == v[i].in.eidx; j++)
			;
		const struct fent *f = chunk_file(byid, nbyid, id);
		if (!f || v[i].in.eidx < 0)
			return IX_DAMAGED;
		if (f != pf && !(path = kith_arena_strdup(m->arena, f->path)))
			return KITH_ERROR;
		pf = f;
		const unsigned char *p;
		size_t len;
		struct kith_entry *e;
		if (!heads_get(h, id, &p, &len))
			return IX_DAMAGED;
		if ((rc = kith_chunk_read_head(m, path, p, len, (size_t)v[i].in.eidx, &e)) != 0)
			return rc == 1 || rc == KITH_ERROR ? IX_DAMAGED : rc;
		if (!(e->people = kith_arena_alloc(m->arena, (j - i) * sizeof *e->people)))
			return KITH_ERROR;
		for (size_t k = i; k < j; k++)
			e->people[e->npeople++] = v[k].p;
	}
	return 0;
}

/* The open follow-ups c has, of the file at path, into m. */
static int
add_open(struct kith_model *m, const struct cmeta *c, const char *path)
{
	for (size_t j = 0; j < c->nopen; j++) {
		const struct ometa *o = &c->open[j];
		struct kith_followup *fu = kith_arena_alloc(m->arena, sizeof *fu);
		if (!fu || kith_model_push_followup(m, fu) < 0 ||
		    !(fu->people = kith_arena_alloc(m->arena,
		    (o->npeople + 1) * sizeof *fu->people)))
			return KITH_ERROR;
		fu->path = path;
		fu->text = o->text;
		fu->due = o->due;
		fu->line = o->line;
		fu->box_off = (size_t)o->box_off;
		for (size_t k = 0; k < o->npeople; k++)
			if (!(fu->people[fu->npeople++] = kith_model_by_slug(m, o->people[k])))
				return IX_DAMAGED; /* resolved to someone not there */
	}
	return 0;
}

/* The open part, mapped and the model's. */
static int
get_open(struct ix *ix, struct kith_model *m, const struct kith_map **out)
{
	struct kith_map *om;
	int rc;

	if ((rc = get_part(ix, &OPEN, &om)) != 0)
		return rc;
	if (!om)
		return IX_STALE; /* made meanwhile by someone else: look again */
	if ((rc = attach_map(m, om)) < 0)
		return rc;
	*out = om;
	return 0;
}

/*
 * The open follow-ups of every journal chunk (or of the chunks only[0..n),
 * ascending, when only is not NULL), from the open part (write_open), each
 * with its people; the part's bytes are the model's (om attached).
 */
static int
load_open(struct kith_model *m, const struct kith_map *om,
	const struct fent *const *byid, size_t nbyid, const int64_t *only,
	size_t nonly)
{
	struct kith_dec r = { om->data, (const unsigned char *)om->data + om->len,
		m->arena, false };
	const struct fent *pf = NULL;
	const char *path = NULL;
	size_t n = kith_get_count(&r, 2), k = 0;
	int64_t id = 0;
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < n && !r.bad; i++) {
		struct cmeta c = { 0 };
		id += (int64_t)kith_get_uv(&r);
		if (only) {
			while (k < nonly && only[k] < id)
				k++;
			if (k == nonly || only[k] != id) {
				skip_open(&r);
				continue;
			}
		}
		const struct fent *f = chunk_file(byid, nbyid, id);
		if (!f)
			return IX_DAMAGED;
		if (f != pf && !(path = kith_arena_strdup(m->arena, f->path)))
			return KITH_ERROR;
		pf = f;
		if ((rc = decode_open(&r, &c, m->arena)) == 0)
			rc = add_open(m, &c, path);
		cmeta_free(&c);
	}
	return rc ? rc : r.bad || r.p != r.end ? IX_DAMAGED : 0;
}

/*
 * For KITH_Q_ASTRAY: the chunks of every "t:" key (a mention's target,
 * folded) that does not find one person both as an @mention and as a
 * [[wiki]] one, appended to ids: those with a mention kith check would
 * report, and maybe a few more.
 */
static int
astray_ids(struct ix *ix, struct kith_model *m, sqlite3_stmt *get,
	int64_t **ids, size_t *nids, size_t *capids)
{
	struct terms t = { 0 };
	struct kith_person *p;
	int rc = terms_load(ix, &t, false);

	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		const char *k = t.v[i];
		if (strncmp(k, "t:", 2) ||
		    (kith_model_resolve_key(&p, m, KITH_MENTION_AT, k + 2) == 0 &&
		    kith_model_resolve_key(&p, m, KITH_MENTION_WIKI, k + 2) == 0))
			continue;
		rc = posting_ids(ix, get, k, ids, nids, capids);
	}
	terms_free(&t);
	return rc;
}

/* A chunk a query read: its id and entries. */
struct got {
	int64_t id;
	struct kith_entry **v;
	size_t n;
};

static int
cmp_got(const void *a, const void *b)
{
	const struct got *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * For KITH_Q_BARE: the entries of the interactions v[0..n) get their
 * people (of the npeople the query names), from the chunks read,
 * got[0..ngot). A chunk not read is damage, unless days were parsed
 * afresh instead.
 */
static int
bare_people(struct kith_model *m, struct hinter *v, size_t n, struct got *got,
	size_t ngot, size_t npeople, bool days)
{
	sort_nearly((char *)v, n, sizeof *v, cmp_hinter);
	sort_nearly((char *)got, ngot, sizeof *got, cmp_got);
	for (size_t i = 0, j = 0; i < n; i++) {
		while (j < ngot && got[j].id < v[i].in.chunk)
			j++;
		if (j == ngot || got[j].id != v[i].in.chunk) {
			if (days)
				continue;
			return IX_DAMAGED;
		}
		if (v[i].in.eidx < 0 || (size_t)v[i].in.eidx >= got[j].n)
			return IX_DAMAGED;
		struct kith_entry *e = got[j].v[v[i].in.eidx];
		if (!e->people && !(e->people = kith_arena_alloc(m->arena,
		    npeople * sizeof *e->people)))
			return KITH_ERROR;
		if (e->npeople && e->people[e->npeople - 1] == v[i].p)
			continue; /* named twice */
		if (e->npeople == npeople)
			return IX_DAMAGED;
		e->people[e->npeople++] = v[i].p;
	}
	return 0;
}

/*
 * For KITH_Q_WITH: what reads the chunks' meta, whose entries' people
 * (cmeta_of: whom each is an interaction with, in order, as slugs by
 * their numbers in the terms part) bare entries get instead of their
 * mentions.
 */
struct mpeople {
	struct terms t;
	struct kith_person **by; /* by term number, once looked up */
	sqlite3_blob *bl;
	struct kith_buf b;
};

static void
mpeople_free(struct mpeople *w)
{
	terms_free(&w->t);
	free(w->by);
	if (w->bl)
		sqlite3_blob_close(w->bl);
	kith_buf_free(&w->b);
}

/* The entries of chunk id, read bare as c, get their people from its meta. */
static int
meta_people(struct ix *ix, struct kith_model *m, struct mpeople *w, int64_t id,
	const struct kith_chunk *c)
{
	int rc;

	if (!w->t.loaded) {
		if ((rc = terms_load(ix, &w->t, false)) != 0)
			return rc;
		if (!(w->by = calloc(w->t.n + 1, sizeof *w->by)))
			return kith_error_set(KITH_ERROR, "out of memory");
	}
	if ((rc = blob_at(ix, &w->bl, "meta", id)) != 0)
		return rc;
	size_t len = (size_t)sqlite3_blob_bytes(w->bl);
	kith_buf_clear(&w->b);
	if (kith_buf_grow(&w->b, len + 1) < 0)
		return KITH_ERROR;
	if (sqlite3_blob_read(w->bl, w->b.ptr, (int)len, 0) != SQLITE_OK)
		return db_fail(ix, "read a chunk's meta");
	const unsigned char *mb = (const unsigned char *)w->b.ptr;
	struct kith_dec r = { mb, mb + len, NULL, false };
	for (size_t k = kith_get_count(&r, 1); k > 0 && !r.bad; k--)
		(void)kith_get_uv(&r); /* its keys */
	if (kith_get_count(&r, 1) != c->nentries)
		return IX_DAMAGED;
	for (size_t i = 0; i < c->nentries && !r.bad; i++) {
		struct kith_entry *e = c->entries[i];
		size_t k = kith_get_count(&r, 1);
		e->npeople = 0;
		if (k && !(e->people = kith_arena_alloc(m->arena, k * sizeof *e->people)))
			return KITH_ERROR;
		for (size_t j = 0; j < k && !r.bad; j++) {
			uint64_t t = kith_get_uv(&r);
			if (t >= w->t.n)
				return IX_DAMAGED;
			if (!w->by[t] && !(w->by[t] = kith_model_by_slug(m, w->t.v[t])))
				return IX_DAMAGED; /* no such person: the meta is stale */
			e->people[e->npeople++] = w->by[t];
		}
	}
	return r.bad ? IX_DAMAGED : 0;
}

static int
load(struct ix *ix, struct state *sp, struct kith_model **out,
	const struct kith_query *q)
{
	struct kith_model *m = NULL;
	struct state s = *sp;
	struct strset keys = { 0 };
	struct pstats ps = { 0 };
	struct kith_arena *a = NULL;
	sqlite3_stmt *get = NULL;
	sqlite3_blob *bl = NULL;
	struct pick *picks = NULL;
	unsigned char *whole_file = NULL;
	int64_t *ids = NULL;
	size_t nids = 0, capids = 0, npicks = 0, pm, pf;
	const struct fent **byid = NULL;
	size_t nbyid = 0, nopen = 0;
	struct blist hl = { .size = sizeof(struct hinter) };
	struct got *got = NULL;
	size_t ngot = 0;
	struct tfile *tfs = NULL;
	struct cent *cents = NULL;
	size_t ntf = 0, ncent = 0, cfrom = 0;
	struct texts tx = { 0 };
	int64_t *oids = NULL;
	struct kith_map *pmap;
	struct heads hh[2];
	bool have_heads = false;
	struct mpeople mp = { 0 };
	int rc;

	*out = NULL;
	memset(sp, 0, sizeof *sp); /* ours now */
	if ((rc = kith_model_new(&m)) < 0 || (rc = kith_arena_new(&a)) < 0)
		goto out;
	if ((rc = get_part(ix, &PEOPLE, &pmap)) != 0)
		goto out;
	if (!pmap) {
		rc = IX_STALE; /* made meanwhile by someone else: look again */
		goto out;
	}
	if ((rc = attach_map(m, pmap)) < 0)
		goto out;
	tr("people-read");
	/* the open follow-ups alone (KITH_Q_ALONE): from the chunks' meta */
	bool alone = (q->flags & KITH_Q_ALONE) && (q->flags & KITH_Q_OPEN) &&
		!q->npeople && !q->ntags && !q->ndays && !(q->flags & (KITH_Q_ALL |
		KITH_Q_TEXT | KITH_Q_DATES | KITH_Q_FOLLOWUPS));
	if ((rc = decode_people(m, pmap->data, pmap->len, true,
	    (q->flags & KITH_Q_NO_NOTES) ? P_PEOPLE : alone ? P_FOLLOWUPS : P_WHOLE,
	    NULL)) != 0)
		goto out;
	tr("people");
	pm = m->build->mentions.n;
	pf = m->build->followups.n;
	if ((rc = prep(ix, &get, SELECT_BUCKETS)) != 0)
		goto out;
	/*
	 * Whom the query names: the keys their entries mention; or, for
	 * heads only, the interactions the index counted for them.
	 */
	bool heads = (q->flags & KITH_Q_HEADS) && !q->ntags && !q->ndays &&
		!(q->flags & (KITH_Q_ALL | KITH_Q_TEXT | KITH_Q_DATES |
		KITH_Q_OPEN | KITH_Q_FOLLOWUPS));
	/* bare: the people's entries are their interactions, as counted */
	bool bare = (q->flags & KITH_Q_BARE) && !heads;
	/* with: and each with all its people, from the chunks' meta */
	bool with = bare && (q->flags & KITH_Q_WITH);
	for (size_t i = 0; i < q->npeople; i++) {
		struct kith_person *p;
		if (kith_model_find_person(&p, m, q->people[i]) != 0)
			continue;
		if ((!bare && (rc = find_keys(&keys, m, p, a)) != 0) ||
		    ((heads || bare) && (rc = person_inters(ix, get, p, &hl)) != 0))
			goto out;
	}
	strset_uniq(&keys);
	for (size_t i = 0; rc == 0 && !heads && i < keys.n; i++)
		rc = posting_ids(ix, get, keys.v[i], &ids, &nids, &capids);
	if (bare && hl.n) {
		if (nids + hl.n >= capids) {
			int64_t *x = realloc(ids, (nids + hl.n + 16) * sizeof *x);
			if (!x) {
				rc = kith_error_set(KITH_ERROR, "out of memory");
				goto out;
			}
			ids = x;
			capids = nids + hl.n + 16;
		}
		for (size_t i = 0; i < hl.n; i++)
			ids[nids++] = ((struct hinter *)hl.v)[i].in.chunk;
	}
	for (size_t i = 0; rc == 0 && i < q->ntags; i++) {
		struct kith_buf k = KITH_BUF_INIT;
		if ((rc = kith_buf_printf(&k, "g:%s", q->tags[i])) == 0)
			rc = posting_ids(ix, get, k.ptr, &ids, &nids, &capids);
		kith_buf_free(&k);
	}
	if (rc == 0 && (q->flags & KITH_Q_OPEN) && !alone)
		rc = posting_ids(ix, get, "o:", &ids, &nids, &capids);
	if (rc == 0 && (q->flags & KITH_Q_FOLLOWUPS))
		rc = posting_ids(ix, get, "f:", &ids, &nids, &capids);
	if (rc == 0 && (q->flags & KITH_Q_ASTRAY) && !(q->flags & KITH_Q_ALL))
		rc = astray_ids(ix, m, get, &ids, &nids, &capids);
	if (rc)
		goto out;
	if (alone) {
		const struct kith_map *om;
		if ((rc = get_open(ix, m, &om)) != 0 ||
		    (rc = files_by_id(&byid, &nbyid, &s)) != 0 ||
		    (rc = load_open(m, om, byid, nbyid, NULL, 0)) != 0)
			goto out;
	}
	/* ids to files; whole files for dates and for all */
	if (nids && (rc = files_by_id(&byid, &nbyid, &s)) != 0)
		goto out;
	size_t whole = 0;
	if ((q->flags & (KITH_Q_ALL | KITH_Q_DATES | KITH_Q_NEWEST)) &&
	    !(whole_file = calloc(s.nfiles + 1, 1))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if ((q->flags & KITH_Q_NEWEST) && !(q->flags & KITH_Q_ALL) &&
	    (rc = newest_days(whole_file, &whole, &s, q->newest)) != 0)
		goto out;
	for (size_t i = 0; whole_file && i < s.nfiles; i++) {
		const struct fent *f = &s.files[i];
		kith_date d;
		if (!f->nchunks || whole_file[i])
			continue;
		/* only a journal day can be dated (and people/ is most files) */
		if ((q->flags & KITH_Q_ALL) || ((q->flags & KITH_Q_DATES) &&
		    !strncmp(f->path, "journal/", 8) &&
		    kith_journal_date(&d, f->path) == 0 &&
		    d >= q->since && d <= q->until)) {
			whole_file[i] = 1;
			whole += f->nchunks;
		}
	}
	if (!(picks = malloc((nids + whole + 1) * sizeof *picks))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; whole && i < s.nfiles; i++) {
		const struct fent *f = &s.files[i];
		if (whole_file[i])
			for (size_t j = 0; j < f->nchunks; j++)
				picks[npicks++] = (struct pick){ i, f->first + (int64_t)j };
	}
	for (size_t i = 0; i < nids; i++) {
		const struct fent *f = chunk_file(byid, nbyid, ids[i]);
		if (!f) {
			rc = IX_DAMAGED;
			goto out;
		}
		picks[npicks++] = (struct pick){ (size_t)(f - s.files), ids[i] };
	}
	/* ids ascending, and a first build numbers chunks in file order */
	sort_nearly((char *)picks, npicks, sizeof *picks, cmp_pick);
	size_t u = 0;
	for (size_t i = 0; i < npicks; i++)
		if (!u || picks[u - 1].id != picks[i].id)
			picks[u++] = picks[i];
	npicks = u;
	/* texts cut now (on two threads, as the entries are decoded), or,
	 * for so many that holding them would cost more memory than the rest
	 * of the model, later by kith_model_texts */
	bool later = (q->flags & KITH_Q_TEXT) && (q->flags & KITH_Q_LATER) &&
		npicks >= later_min();
	bool cut = (q->flags & KITH_Q_TEXT) && !later;
	if (bare && !with && hl.n && !(got = malloc((npicks + 1) * sizeof *got))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	size_t nf = 0;
	for (size_t i = 0; i < npicks; i++)
		nf += !i || picks[i - 1].file != picks[i].file;
	if (later && (rc = later_start(m, kith_repo_root(ix->repo), nf)) < 0)
		goto out;
	if (cut) {
		/* their texts, cut as their files' entries are decoded */
		if (!(cents = malloc((npicks + 1) * sizeof *cents)) ||
		    !(tfs = malloc((nf + 1) * sizeof *tfs))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		if ((rc = texts_start(&tx, ix, m, tfs, cents, nf)) != 0)
			goto out;
	}
	/* Read them, file by file, in file order (the heads parts, else blob_at). */
	const char *mpath = NULL;
	for (size_t i = 0; i < npicks; i++) {
		const struct fent *f = &s.files[picks[i].file];
		bool skip = false;
		if (!i || picks[i - 1].file != picks[i].file) {
			if (!(mpath = kith_arena_strdup(m->arena, f->path))) {
				rc = KITH_ERROR;
				goto out;
			}
			if (later && (rc = later_add(m->build->later, f, mpath)) < 0)
				goto out;
		}
		for (size_t j = 0; j < q->ndays && !skip; j++)
			skip = !strcmp(q->days[j], f->path);
		if (skip)
			continue;
		struct kith_chunk c;
		const void *data;
		size_t len;
		if (bare) {
			/* the entry alone: from the heads parts, not a row each */
			const unsigned char *hp;
			if ((rc = get_heads(ix, m, hh, &have_heads)) != 0)
				goto out;
			if (!heads_get(hh, picks[i].id, &hp, &len)) {
				rc = IX_DAMAGED;
				goto out;
			}
			data = hp;
		} else {
			void *d;
			if ((rc = blob_at(ix, &bl, "data", picks[i].id)) != 0)
				goto out;
			len = (size_t)sqlite3_blob_bytes(bl);
			if (!(d = kith_arena_alloc(m->arena, len + 1))) {
				rc = KITH_ERROR;
				goto out;
			}
			if (sqlite3_blob_read(bl, d, (int)len, 0) != SQLITE_OK) {
				rc = db_fail(ix, "read a chunk");
				goto out;
			}
			data = d;
		}
		if ((bare ? kith_chunk_read_bare(m, mpath, data, len, &c) :
		    kith_chunk_read(m, mpath, data, len, &c)) < 0) {
			rc = IX_DAMAGED;
			goto out;
		}
		if (with && (rc = meta_people(ix, m, &mp, picks[i].id, &c)) != 0)
			goto out;
		if (bare && !with && hl.n)
			got[ngot++] = (struct got){ picks[i].id, c.entries, c.nentries };
		if (!cut)
			continue;
		if (c.nentries)
			cents[ncent++] = (struct cent){ c.entries, c.nentries };
		bool last = i + 1 == npicks || picks[i + 1].file != picks[i].file;
		if (last && ncent > cfrom) {
			tfs[ntf++] = (struct tfile){ f, cfrom, ncent - cfrom };
			cfrom = ncent;
			if (!(ntf % TEXT_BATCH))
				texts_ready(&tx, ntf);
		}
	}
	tr("blobs");
	if (later && (rc = later_done(m->build->later)) != 0)
		goto out;
	if (cut) {
		texts_ready(&tx, ntf);
		if ((rc = texts_finish(&tx, false)) != 0)
			goto out;
	}
	tr("texts");
	if (bare && !with && hl.n && (rc = bare_people(m, hl.v, hl.n, got, ngot,
	    q->npeople, q->ndays != 0)) != 0)
		goto out;
	if (heads && keys.n) {
		/* and alone, the open follow-ups of the entries that mention them */
		size_t nw = 0;
		if ((rc = read_ids(ix, get, "o:", &oids, &nopen)) != 0)
			goto out;
		for (size_t i = 0; i < keys.n; i++) {
			size_t from = nids;
			if ((rc = posting_ids(ix, get, keys.v[i], &ids, &nids, &capids)) != 0)
				goto out;
			/* each posting ascending: keep what is in oids too */
			for (size_t k = from, j = 0; k < nids; k++) {
				while (j < nopen && oids[j] < ids[k])
					j++;
				if (j < nopen && oids[j] == ids[k])
					ids[from++] = ids[k];
			}
			nids = from;
		}
		kith_sort(ids, nids, sizeof *ids, cmp_i64);
		for (size_t i = 0; i < nids; i++)
			if (!nw || ids[nw - 1] != ids[i])
				ids[nw++] = ids[i];
		const struct kith_map *om;
		if ((!byid && (rc = files_by_id(&byid, &nbyid, &s)) != 0) ||
		    (rc = get_heads(ix, m, hh, &have_heads)) != 0 ||
		    (rc = load_heads(m, hl.v, hl.n, byid, nbyid, hh)) != 0 ||
		    (rc = get_open(ix, m, &om)) != 0 ||
		    (rc = load_open(m, om, byid, nbyid, ids, nw)) != 0)
			goto out;
	}
	/* The files skipped, in file order. */
	for (size_t i = 0; i < s.nfiles; i++) {
		if (!s.files[i].warning)
			continue;
		char *wn = kith_arena_strdup(m->arena, s.files[i].warning);
		if (!wn || (rc = kith_ptrvec_push(&m->build->warnings, wn)) < 0) {
			rc = KITH_ERROR;
			goto out;
		}
	}
	/* Days parsed afresh. */
	for (size_t i = 0; i < q->ndays; i++)
		if ((rc = kith_model_load_file(m, ix->repo, q->days[i], false, NULL)) < 0 &&
		    rc != KITH_ENOTFOUND)
			goto out;
	tr("chunks");
	if ((rc = kith_model_finish_rest(m, pm)) < 0)
		goto out;
	tr("finish");
	/* In file order: journal/ before people/. */
	if ((rc = rotate(&m->build->mentions, pm)) < 0 ||
	    (rc = rotate(&m->build->followups, pf)) < 0)
		goto out;
	m->mentions = (struct kith_mention **)m->build->mentions.v;
	m->followups = (struct kith_followup **)m->build->followups.v;
	/* Everyone's totals over the whole repository. */
	if ((rc = read_pstats(ix, META_PSTAT, &ps)) != 0)
		goto out;
	if (ps.map) {
		rc = attach_map(m, ps.map);
		ps.map = NULL; /* the model's: the stubs below point into it */
		if (rc < 0)
			goto out;
	}
	for (size_t i = 0, j = 0; i < m->npeople; i++) {
		struct kith_person *p = m->people[i];
		p->count = 0;
		p->last = KITH_NODATE;
		p->latest = NULL;
		while (j < ps.n && strcmp(ps.v[j].slug, p->slug) < 0)
			j++;
		if (j == ps.n || strcmp(ps.v[j].slug, p->slug))
			continue;
		struct kith_entry *e = kith_arena_alloc(m->arena, sizeof *e);
		if (!e) {
			rc = KITH_ERROR;
			goto out;
		}
		p->count = ps.v[j].n;
		e->date = p->last = ps.v[j].date;
		e->time = ps.v[j].time;
		e->path = ps.v[j].path; /* into ps.blob, the model's below */
		e->line = e->end_line = ps.v[j].line;
		e->title = ps.v[j].title;
		e->kind = is_person_path(e->path) ? KITH_ENTRY_NOTE : KITH_ENTRY_JOURNAL;
		p->latest = e;
	}
	if (q->flags & KITH_Q_TAG_COUNTS) {
		struct kith_model_build *b = m->build;
		void *tb = NULL;
		size_t tl;
		if ((rc = get_meta(ix, META_TAGS, &tb, &tl)) != 0)
			goto out;
		if (tb && kith_ptrvec_push(&b->blobs, tb) < 0) {
			free(tb);
			rc = KITH_ERROR;
			goto out;
		}
		struct kith_dec d = { tb, tb ? (unsigned char *)tb + tl : NULL, NULL, false };
		size_t n = tb ? kith_get_count(&d, 2) : 0;
		if (!(b->tag_counts = calloc(n + 1, sizeof *b->tag_counts))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			b->tag_counts[i].tag = kith_get_sstr(&d);
			b->tag_counts[i].n = (size_t)kith_get_uv(&d);
		}
		if (d.bad) {
			rc = IX_DAMAGED;
			goto out;
		}
		b->ntag_counts = n;
		b->has_tag_counts = true;
	}
	m->partial = !(q->flags & KITH_Q_ALL) || q->ndays;
	tr("pstat");
	*out = m;
	m = NULL;
out:
	texts_finish(&tx, true); /* after a failure: the other thread stopped */
	sqlite3_finalize(get);
	if (bl)
		sqlite3_blob_close(bl);
	free(cents);
	strset_free(&keys);
	pstats_free(&ps);
	state_free(&s);
	free(picks);
	free(whole_file);
	free(ids);
	free(byid);
	free(oids);
	free(hl.v);
	free(got);
	free(tfs);
	mpeople_free(&mp);
	kith_arena_free(a);
	kith_model_free(m);
	return rc;
}

int
kith_index_query(struct kith_model **out, struct kith_repo *repo,
	const struct kith_query *q, const char **notice)
{
	struct ix ix = { 0 };
	int rc = 1;

	*out = NULL;
	*notice = NULL;
	for (int attempt = 0; attempt < 4; attempt++) {
		struct state s = { 0 };
		rc = ix_open(&ix, repo, notice);
		if (rc == 0)
			rc = refresh(&ix, &s);
		if (rc == 0)
			rc = load(&ix, &s, out, q);
		state_free(&s);
		if (ix.db && !sqlite3_get_autocommit(ix.db))
			sqlite3_exec(ix.db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL);
		ix_close(&ix);
		if (rc == IX_DAMAGED) {
			if (!*notice)
				*notice = "the index .kith/index.db was damaged: built again";
			if ((rc = ix_remove(repo)) != 0)
				return rc < 0 ? rc : 1;
			rc = 1;
			continue;
		}
		if (rc == IX_UNUSABLE) {
			rc = 1;
			break;
		}
		if (rc != IX_STALE)
			break;
		rc = 1; /* a file changed under us: look again */
	}
	return rc;
}
