/*
 * files.c - the files of a repository that kith reads: the .md files in
 * people/ and in journal/YYYY/, the same set the model loader parses.
 *
 * Regular files only: symlinks, hidden names and anything not ending in
 * ".md" are left out, as are year directories that are not four digits.
 *
 * The walk stats every file (fstatat(2) relative to its directory, on two
 * threads when there are many), since an edit in place shows in nothing
 * else; a walk for the names alone (KITH_WALK_NAMES) trusts readdir's
 * d_type, and stats only where the file system does not say. It reads a
 * directory only when it changed: given the directories as an earlier
 * walk found them, one whose inode, mtime and ctime are the same (and
 * that was not racy then) still holds the same names, since adding,
 * removing or renaming an entry changes a directory's times.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Walks of more files than this use a second thread. */
#define THREAD_MIN 2000

static bool
ends_md(const char *name)
{
	size_t n = strlen(name);

	return n > 3 && !strcmp(name + n - 3, ".md");
}

static bool
is_year(const char *s)
{
	return strlen(s) == 4 && strspn(s, "0123456789") == 4;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* cmp_str past the byte in front of a walk of names alone (read_names) */
static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static int64_t
ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

/* One directory to walk, and what the walk found in it. */
struct item {
	const char *path;                 /* "people", "journal/2026" */
	const struct kith_walk_dir *prev; /* as last time, or NULL */
	bool years;                       /* journal/: list year directories */
	bool names_only;                  /* d_type is enough: no stats */
	int rootfd;
	/* results: */
	struct kith_walk_dir dir;
	struct kith_buf names;            /* the names, NUL-separated */
	struct kith_file_stat *files;
	size_t nfiles;
	int rc;
	char msg[256];
};

static bool
same_dir(const struct kith_walk_dir *p, const struct stat *st)
{
	return p && !p->racy && p->ino == (uint64_t)st->st_ino &&
		p->mtime == ns(&st->st_mtim) && p->ctime == ns(&st->st_ctim);
}

/*
 * Read a directory's names that pass (sorted). For a walk of names alone,
 * each name comes with a byte in front of it: 'k' when readdir's d_type
 * says it is what the walk wants (a file, a year's directory), 'u' when
 * the file system did not say (it is stated); anything else is left out.
 */
static int
read_names(struct item *it, int fd, const char ***out, size_t *n)
{
	unsigned char want = it->years ? DT_DIR : DT_REG;
	struct kith_ptrvec v = { 0 };
	struct dirent *de;
	DIR *d;
	int dfd = dup(fd);

	*out = NULL;
	*n = 0;
	if (dfd < 0 || !(d = fdopendir(dfd))) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' ||
		    !(it->years ? is_year(de->d_name) : ends_md(de->d_name)))
			continue;
		bool known = it->names_only && de->d_type == want;
		if (it->names_only && de->d_type != DT_UNKNOWN && !known)
			continue;
		size_t len = strlen(de->d_name), pre = it->names_only;
		char *s = malloc(len + pre + 1);
		if (s) {
			s[0] = known ? 'k' : 'u';
			memcpy(s + pre, de->d_name, len + 1);
		}
		if (!s || kith_ptrvec_push(&v, s) < 0) {
			free(s);
			closedir(d);
			for (size_t i = 0; i < v.n; i++)
				free(v.v[i]);
			kith_ptrvec_free(&v);
			errno = ENOMEM;
			return -1;
		}
	}
	closedir(d);
	kith_sort(v.v, v.n, sizeof *v.v, it->names_only ? cmp_name : cmp_str);
	*out = (const char **)v.v;
	*n = v.n;
	return 0;
}

static void
walk_item(struct item *it)
{
	const char **names = NULL;
	size_t nnames = 0;
	bool own = false;
	struct stat st;
	int fd;

	it->dir.path = it->path;
	fd = openat(it->rootfd, it->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
		O_NOFOLLOW);
	if (fd < 0) {
		if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP) {
			it->rc = KITH_ERROR;
			snprintf(it->msg, sizeof it->msg,
				"cannot read directory '%s': %s", it->path, strerror(errno));
		}
		return;
	}
	if (fstat(fd, &st) < 0) {
		it->rc = KITH_ERROR;
		snprintf(it->msg, sizeof it->msg, "cannot stat '%s': %s",
			it->path, strerror(errno));
		goto out;
	}
	it->dir.mtime = ns(&st.st_mtim);
	it->dir.ctime = ns(&st.st_ctim);
	it->dir.ino = (uint64_t)st.st_ino;
	if (same_dir(it->prev, &st)) {
		names = (const char **)it->prev->names;
		nnames = it->prev->nnames;
	} else {
		if (read_names(it, fd, &names, &nnames) < 0) {
			it->rc = KITH_ERROR;
			snprintf(it->msg, sizeof it->msg,
				"cannot read directory '%s': %s", it->path, strerror(errno));
			goto out;
		}
		own = true;
	}
	if (!(it->files = calloc(nnames + 1, sizeof *it->files))) {
		it->rc = KITH_ERROR;
		snprintf(it->msg, sizeof it->msg, "out of memory");
		goto out;
	}
	/* offsets into it->names first; pointers once it stops growing */
	size_t *offs = calloc(nnames + 1, sizeof *offs);
	size_t plen = strlen(it->path);
	if (!offs) {
		it->rc = KITH_ERROR;
		snprintf(it->msg, sizeof it->msg, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nnames; i++) {
		struct stat fs = { 0 };
		const char *name = names[i] + it->names_only;
		if (it->names_only && names[i][0] == 'k') {
			/* d_type said so */
		} else if (fstatat(fd, name, &fs, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !(it->years ? S_ISDIR(fs.st_mode) : S_ISREG(fs.st_mode))) {
			continue;
		}
		struct kith_file_stat *f = &it->files[it->nfiles++];
		offs[it->nfiles - 1] = it->names.len;
		if (kith_buf_put(&it->names, it->path, plen) < 0 ||
		    kith_buf_put(&it->names, "/", 1) < 0 ||
		    kith_buf_put(&it->names, name, strlen(name) + 1) < 0) {
			it->rc = KITH_ERROR;
			snprintf(it->msg, sizeof it->msg, "out of memory");
			break;
		}
		f->size = (int64_t)fs.st_size;
		f->mtime = ns(&fs.st_mtim);
		f->ctime = ns(&fs.st_ctim);
		f->ino = (uint64_t)fs.st_ino;
	}
	for (size_t i = 0; it->rc == 0 && i < it->nfiles; i++)
		it->files[i].path = it->names.ptr + offs[i];
	free(offs);
out:
	if (own) {
		for (size_t i = 0; i < nnames; i++)
			free((char *)names[i]);
		free(names);
	}
	close(fd);
}

struct pool {
	struct item *items;
	size_t n, next;
	pthread_mutex_t mu;
};

static void *
worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			return NULL;
		walk_item(&p->items[i]);
	}
}

/* The second thread of a walk: its own descriptors (kith_thread_own_fds). */
static void *
other_worker(void *arg)
{
	kith_thread_own_fds();
	return worker(arg);
}

void
kith_thread_own_fds(void)
{
#ifdef CLONE_FILES
	(void)unshare(CLONE_FILES); /* else the shared table, as before */
#endif
}

static const struct kith_walk_dir *
find_prev(const struct kith_walk_dir *prev, size_t n, const char *path)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(prev[mid].path, path);
		if (!c)
			return &prev[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void
kith_walk_free(struct kith_walk *w)
{
	if (!w)
		return;
	free(w->files);
	for (size_t i = 0; i < w->ndirs; i++)
		free(w->dirs[i].names);
	free(w->dirs);
	kith_arena_free(w->arena);
	memset(w, 0, sizeof *w);
}

static void
item_free(struct item *it)
{
	kith_buf_free(&it->names);
	free(it->files);
}

/* The names of it's files, for the next walk: borrowed from paths in the arena. */
static int
dir_names(struct kith_walk_dir *d, const struct kith_file_stat *files, size_t n)
{
	size_t plen = strlen(d->path) + 1;

	if (!(d->names = malloc((n + 1) * sizeof *d->names)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < n; i++)
		d->names[i] = files[i].path + plen;
	d->nnames = n;
	return 0;
}

int
kith_repo_walk(struct kith_walk *out, struct kith_repo *repo,
	const struct kith_walk_dir *prev, size_t nprev, unsigned flags)
{
	struct item top[2] = { 0 }, *items = NULL;
	size_t nitems = 0, nfiles = 0, k = 0;
	struct kith_arena *a = NULL;
	int rootfd = -1, rc = 0;
	bool people_only = flags & KITH_WALK_PEOPLE, names_only = flags & KITH_WALK_NAMES;

	memset(out, 0, sizeof *out);
	if (names_only)
		nprev = 0; /* an earlier walk's names have no d_type in front */
	if ((rc = kith_arena_new(&a)) < 0)
		return rc;
	if ((rootfd = open(kith_repo_root(repo), O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = kith_error_errno(KITH_ERROR, "cannot open '%s'", kith_repo_root(repo));
		goto out;
	}
	/* journal/: its years (read as a directory of directories). */
	top[0] = (struct item){ .path = "journal", .years = true, .rootfd = rootfd,
		.names_only = names_only, .prev = find_prev(prev, nprev, "journal") };
	if (!people_only) {
		walk_item(&top[0]);
		if ((rc = top[0].rc) < 0) {
			kith_error_set(rc, "%s", top[0].msg);
			goto out;
		}
	}
	nitems = top[0].nfiles + 1;
	if (!(items = calloc(nitems, sizeof *items))) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < top[0].nfiles; i++) {
		const char *p = kith_arena_strdup(a, top[0].files[i].path);
		if (!p) {
			rc = KITH_ERROR;
			goto out;
		}
		items[i] = (struct item){ .path = p, .rootfd = rootfd,
			.names_only = names_only, .prev = find_prev(prev, nprev, p) };
	}
	items[nitems - 1] = (struct item){ .path = "people", .rootfd = rootfd,
		.names_only = names_only, .prev = find_prev(prev, nprev, "people") };
	/*
	 * Two threads for a big walk: the people first, then the years. Big
	 * is what the walk before found; a walk for names alone has none to
	 * go by, and counts a year for its days.
	 */
	size_t expect = 0;
	for (size_t i = 0; i < nprev; i++)
		expect += prev[i].nnames;
	if (names_only)
		expect = top[0].nfiles * 366;
	if (expect >= THREAD_MIN && nitems > 1) {
		struct pool p = { NULL, nitems, 0, PTHREAD_MUTEX_INITIALIZER };
		pthread_t t;
		/* biggest first: people, then the years in order */
		struct item *v = calloc(nitems, sizeof *v);
		if (!v) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		v[0] = items[nitems - 1];
		memcpy(v + 1, items, (nitems - 1) * sizeof *v);
		p.items = v;
		bool threaded = pthread_create(&t, NULL, other_worker, &p) == 0;
		worker(&p);
		if (threaded)
			pthread_join(t, NULL);
		items[nitems - 1] = v[0];
		memcpy(items, v + 1, (nitems - 1) * sizeof *v);
		free(v);
	} else {
		for (size_t i = 0; i < nitems; i++)
			walk_item(&items[i]);
	}
	for (size_t i = 0; i < nitems; i++) {
		if (items[i].rc < 0) {
			rc = kith_error_set(items[i].rc, "%s", items[i].msg);
			goto out;
		}
		nfiles += items[i].nfiles;
	}
	/* Copy out: paths into one arena, files in path order (items are). */
	out->files = malloc((nfiles + 1) * sizeof *out->files);
	out->dirs = calloc(nitems + 1, sizeof *out->dirs);
	if (!out->files || !out->dirs) {
		rc = kith_error_set(KITH_ERROR, "out of memory");
		goto out;
	}
	if (!people_only) {
		struct kith_walk_dir *d = &out->dirs[out->ndirs++];
		*d = top[0].dir;
		/* the years' names */
		if (!(d->names = malloc((nitems + 1) * sizeof *d->names))) {
			rc = kith_error_set(KITH_ERROR, "out of memory");
			goto out;
		}
		for (size_t i = 0; i + 1 < nitems; i++)
			d->names[i] = items[i].path + 8; /* after "journal/" */
		d->nnames = nitems - 1;
	}
	for (size_t i = 0; i < nitems; i++) {
		struct item *it = &items[i];
		size_t from = k;
		char *buf = NULL;
		if (it->names.len && !(buf = kith_arena_alloc(a, it->names.len))) {
			rc = KITH_ERROR;
			goto out;
		}
		if (buf)
			memcpy(buf, it->names.ptr, it->names.len);
		for (size_t j = 0; j < it->nfiles; j++) {
			out->files[k] = it->files[j];
			out->files[k++].path = buf + (it->files[j].path - it->names.ptr);
		}
		if (!it->dir.path)
			continue;
		struct kith_walk_dir *d = &out->dirs[out->ndirs++];
		*d = it->dir;
		if ((rc = dir_names(d, out->files + from, k - from)) < 0)
			goto out;
	}
	/* journal, journal/YYYY..., people: already sorted by path */
	out->nfiles = k;
	out->arena = a;
	a = NULL;
out:
	for (size_t i = 0; items && i < nitems; i++)
		item_free(&items[i]);
	free(items);
	item_free(&top[0]);
	if (rootfd >= 0)
		close(rootfd);
	kith_arena_free(a);
	if (rc < 0)
		kith_walk_free(out);
	return rc;
}

int
kith_dirfd_open(struct kith_dirfd *d, const char *rel)
{
	const char *slash = strrchr(rel, '/');
	size_t n = slash ? (size_t)(slash - rel) : 0;

	if (!slash || n >= sizeof d->dir)
		return openat(d->root, rel, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0 || strncmp(d->dir, rel, n) || d->dir[n]) {
		if (d->fd >= 0)
			close(d->fd);
		memcpy(d->dir, rel, n);
		d->dir[n] = '\0';
		if ((d->fd = openat(d->root, d->dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
			return -1;
	}
	return openat(d->fd, slash + 1, O_RDONLY | O_CLOEXEC);
}

int
kith_dirfd_read_buf(struct kith_dirfd *d, const char *rel, struct kith_buf *b)
{
	int fd = kith_dirfd_open(d, rel), e = errno;
	ssize_t r;

	b->len = 0;
	if (fd >= 0) {
		/* to the end of the file: a short read is not taken for it */
		do {
			if (b->cap - b->len < 4096 &&
			    kith_buf_grow(b, b->cap ? b->cap : 16384) < 0) {
				close(fd);
				return KITH_ERROR;
			}
			if ((r = read(fd, b->ptr + b->len, b->cap - b->len - 1)) > 0)
				b->len += (size_t)r;
		} while (r > 0 || (r < 0 && errno == EINTR));
		e = errno;
		close(fd);
		if (r == 0) {
			b->ptr[b->len] = '\0';
			return 0;
		}
		b->len = 0;
		b->ptr[0] = '\0';
	}
	/* messages name the file as kith_file_read would */
	struct kith_buf abs = KITH_BUF_INIT;
	const char *name = rel;
	int rc;
	if (d->repo && kith_repo_path(&abs, d->repo, rel) == 0)
		name = abs.ptr;
	errno = e;
	rc = kith_error_errno(fd < 0 && e == ENOENT ? KITH_ENOTFOUND : KITH_ERROR,
		fd < 0 ? "cannot open '%s'" : "cannot read '%s'", name);
	kith_buf_free(&abs);
	return rc;
}

void
kith_dirfd_close(struct kith_dirfd *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	d->dir[0] = '\0';
}

void
kith_repo_files_free(char **files)
{
	if (!files)
		return;
	for (char **f = files; *f; f++)
		free(*f);
	free(files);
}

int
kith_repo_files(char ***out, size_t *n, struct kith_repo *repo)
{
	struct kith_walk w;
	char **files;
	int rc;

	*out = NULL;
	if (n)
		*n = 0;
	if ((rc = kith_repo_walk(&w, repo, NULL, 0, KITH_WALK_NAMES)) < 0)
		return rc;
	if (!(files = calloc(w.nfiles + 1, sizeof *files))) {
		kith_walk_free(&w);
		return kith_error_set(KITH_ERROR, "out of memory");
	}
	for (size_t i = 0; i < w.nfiles; i++)
		if (!(files[i] = strdup(w.files[i].path))) {
			kith_repo_files_free(files);
			kith_walk_free(&w);
			return kith_error_set(KITH_ERROR, "out of memory");
		}
	*out = files;
	if (n)
		*n = w.nfiles;
	kith_walk_free(&w);
	return 0;
}
