/*
 * internal.h - what lib/ modules share with each other and not with cmd/.
 */
#ifndef KITH_INTERNAL_H
#define KITH_INTERNAL_H

#include <git2.h>

#include "kith.h"

struct kith_repo {
	char *root;          /* absolute, no trailing slash */
	git_repository *git;
	git_config *conf;    /* kith.conf, opened on disk */
	int lock_fd;         /* -1 when not held */
	int lock_depth;
};

/* Keep libgit2's last error as ours: "what: libgit2's message". */
int kith_error_git(int code, const char *what);

/* Make sure libgit2 is initialised once per process. */
void kith_git_init(void);

/*
 * While on, the https and ssh set-up of git_libgit2_init() is put off
 * until the network is used (lib/netinit.c). For tests: the CA bundle
 * still to load (NULL when none) and, in *chain if chain is non-NULL, the
 * mbedtls_x509_crt it goes into; whether libssh2_init() was skipped.
 */
void kith_netinit_defer(bool on);
const char *kith_netinit_ca_pending(const void **chain);
bool kith_netinit_ssh_deferred(void);

/* The author and committer of kith's commits (lib/git.c). */
int kith_git_signatures(git_signature **author, git_signature **committer,
	struct kith_repo *repo);

/* kith_repo_apply with flags (lib/write.c); kith init uses both. */
enum {
	KITH_APPLY_DOTFILES = 1 << 0, /* allow top-level .gitattributes, .gitignore */
	KITH_APPLY_COMMIT = 1 << 1,   /* commit even when kith.autocommit is false */
	KITH_APPLY_NOCOMMIT = 1 << 2, /* write only: commit nothing (lib/editor.c) */
	KITH_APPLY_ANYPATH = 1 << 3,  /* allow hidden paths but .git and .kith (lib/sync.c) */
};
int kith_repo_apply_ext(struct kith_repo *repo,
	const struct kith_change *changes, size_t n, const char *message,
	unsigned flags);

/* kith_utf8_valid byte by byte: what it does on a CPU without AVX2, and
 * for inputs under 64 bytes (lib/text.c). */
bool kith_utf8_valid_bytes(const char *s, size_t len);

/* The copy of a template compiled into the library, or NULL (lib/template.c). */
const char *kith_template_builtin(const char *name);

/* Arena-backed growable array of pointers. */
struct kith_ptrvec {
	void **v;
	size_t n, cap;
};
int kith_ptrvec_push(struct kith_ptrvec *pv, void *p);
void kith_ptrvec_free(struct kith_ptrvec *pv);

/* ---- parsing (parse.c, person.c, journal.c, model.c) ---- */

struct kith_model_build; /* the model's private part while files are added */

/* One source file being parsed: its bytes and where each line starts. */
struct kith_src {
	const char *path; /* in the model's arena */
	const char *text; /* whole file, BOM included */
	size_t len;
	size_t *lines;    /* byte offset of each line start; lines[0] = 0 */
	int nlines;
};

/* Tags found while parsing one file, each with the entry it is in. */
struct kith_taghit {
	const char *tag; /* lower-case, in the arena */
	struct kith_entry *entry;
};

/* The state of one file's parse. */
struct kith_parser {
	struct kith_model *model;
	struct kith_src src;
	struct kith_person *person;   /* person file: its person */
	struct kith_entry *entry;     /* the entry being parsed, or NULL */
	struct kith_followup *followup; /* open or done box being scanned */
	bool notes;                   /* in a person's notes (dated items count) */
	struct kith_taghit *hits;
	size_t nhits, caphits;
	struct kith_buf text;         /* scratch: a block's inline text */
	struct kith_buf scratch;
};

int kith_src_init(struct kith_src *src, const char *text, size_t len);
void kith_src_free(struct kith_src *src);
/* A line's bytes (1-based), without the line ending. */
const char *kith_src_line(const struct kith_src *src, int line, size_t *len);
/* Source text of lines first..last (1-based, inclusive), into the arena. */
char *kith_src_lines(struct kith_arena *a, const struct kith_src *src,
	int first, int last);

int kith_parser_init(struct kith_parser *p, struct kith_model *model,
	const char *path, const char *text, size_t len);
void kith_parser_free(struct kith_parser *p);
/* Walk blocks below node: scan inline text, find follow-ups and dated items. */
int kith_parse_walk(struct kith_parser *p, void *cmark_node);
/* Give every entry of this file its tags (and the person all of them). */
int kith_parse_finish_tags(struct kith_parser *p, struct kith_entry **entries,
	size_t n);
/* A heading's text as written (ATX markers and closing #s removed). */
char *kith_heading_text(struct kith_parser *p, void *heading);
/*
 * Parse text with cmark (source positions on); NULL on failure. Its
 * memory is the thread's (parse.c): free it with kith_cmark_free, never
 * cmark_node_free, and keep no pointer into it past that.
 */
void *kith_parse_cmark(const struct kith_src *src);
void kith_cmark_free(void *doc);

/* Model building (model.c). */
struct kith_person *kith_model_new_person(struct kith_model *m);
struct kith_entry *kith_model_new_entry(struct kith_model *m);
int kith_model_push_mention(struct kith_model *m, struct kith_mention *mn);
int kith_model_push_followup(struct kith_model *m, struct kith_followup *f);
struct kith_arena *kith_model_arena(struct kith_model *m);
/* kith_model_resolve for a target already folded (a mention's key). */
int kith_model_resolve_key(struct kith_person **out, struct kith_model *m,
	enum kith_mention_kind kind, const char *key);
/* Lower-case (Unicode case fold, accents kept) into the arena. */
char *kith_lower(struct kith_arena *a, const char *s, size_t len);

/* The demo network that `kith init --demo` writes (lib/demo.c). */
struct kith_demo_file {
	char *path; /* repository-relative, malloc'd */
	char *data; /* malloc'd, NUL-terminated */
};
int kith_demo_files(struct kith_demo_file **out, size_t *n, kith_date today);
void kith_demo_files_free(struct kith_demo_file *files, size_t n);

/* ---- the derived index (files.c, chunk.c, index.c) ---- */

/* A file the loader reads, with what says whether it changed. */
struct kith_file_stat {
	char *path;           /* repository-relative */
	int64_t size, mtime, ctime; /* mtime and ctime in nanoseconds */
	uint64_t ino;
};
/* A directory as a walk found it, and the names in it that passed. */
struct kith_walk_dir {
	const char *path;   /* "journal", "journal/2026", "people" */
	int64_t mtime, ctime;
	uint64_t ino;
	bool racy;          /* recorded too soon after a change: read it again */
	const char **names; /* sorted: file names (years for "journal") */
	size_t nnames;
};
struct kith_walk {
	struct kith_file_stat *files; /* sorted by path */
	size_t nfiles;
	struct kith_walk_dir *dirs;   /* sorted by path */
	size_t ndirs;
	struct kith_arena *arena;
};
/*
 * Stat every file the loader reads; prev (sorted by path, may be NULL):
 * the directories as an earlier walk found them, to read only those that
 * changed. Flags: KITH_WALK_PEOPLE, people/ only; KITH_WALK_NAMES, the
 * paths alone (the stats are 0 where readdir said what a name is).
 */
enum { KITH_WALK_PEOPLE = 1, KITH_WALK_NAMES = 2 };
int kith_repo_walk(struct kith_walk *out, struct kith_repo *repo,
	const struct kith_walk_dir *prev, size_t nprev, unsigned flags);
void kith_walk_free(struct kith_walk *w);

/* The model's private part while files are added (model.c). */
struct kith_model_key {
	const char *key; /* folded */
	struct kith_person *person;
};
struct kith_model_build {
	struct kith_ptrvec people, entries, mentions, followups, warnings;
	struct kith_model_key *names, *aliases;
	size_t nnames, naliases;
	/* a partial model (lib/index.c): the people's totals */
	struct kith_tag_count *tag_counts;
	size_t ntag_counts;
	bool has_tag_counts;
	bool keys_ready;          /* people sorted, names and aliases built */
	size_t sorted_entries;    /* the first so many entries are in order */
	struct kith_ptrvec blobs; /* bytes the model's strings point into */
	struct kith_ptrvec maps;  /* struct kith_map *: mapped files, likewise */
	struct kith_ptrvec arenas; /* struct kith_arena *: a loader thread's, likewise */
	struct kith_later *later;  /* KITH_Q_LATER (lib/index.c): where the texts are */
};
void kith_later_free(struct kith_later *l);

/* A file mapped read-only (lib/index.c): data..data+len within p..p+size. */
struct kith_map {
	void *p;
	size_t size;
	const void *data;
	size_t len;
	uint64_t gen; /* which file of its kind */
};
void kith_map_free(struct kith_map *mp);

/* write(2) all of buf, through EINTR: 0, or -1 with errno. */
int kith_write_all(int fd, const void *buf, size_t len);

/* What one file's parse made: a person file whole, or one journal entry. */
struct kith_chunk {
	struct kith_person *person;
	struct kith_entry **entries;
	size_t nentries;
	struct kith_followup **followups;
	size_t nfollowups;
	struct kith_mention **mentions;
	size_t nmentions;
};
/* Free the inline scanner's match data of a thread that is done (lib/inline.c). */
void kith_inline_thread_done(void);

/* Varints and strings, as lib/chunk.c writes them. */
int kith_put_uv(struct kith_buf *b, uint64_t v);
int kith_put_sv(struct kith_buf *b, int64_t v);
int kith_put_str(struct kith_buf *b, const char *s); /* NULL too */
struct kith_dec {
	const unsigned char *p, *end;
	struct kith_arena *a; /* for arrays */
	bool bad;             /* damaged: every get after returns 0 or "" */
};
static inline uint64_t
kith_get_uv(struct kith_dec *r)
{
	uint64_t v = 0;

	if (r->p < r->end && !(*r->p & 0x80))
		return *r->p++;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p == r->end) {
			r->bad = true;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = true;
	return 0;
}

static inline int64_t
kith_get_sv(struct kith_dec *r)
{
	uint64_t v = kith_get_uv(r);

	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

/* 0..INT32_MAX */
static inline int
kith_get_int(struct kith_dec *r)
{
	uint64_t v = kith_get_uv(r);

	if (v > INT32_MAX)
		r->bad = true;
	return (int)v;
}

/* A count of things each at least min bytes long: at most what is left. */
static inline size_t
kith_get_count(struct kith_dec *r, size_t min)
{
	uint64_t v = kith_get_uv(r);

	if (v > (uint64_t)(r->end - r->p) / (min ? min : 1)) {
		r->bad = true;
		return 0;
	}
	return (size_t)v;
}

/* A string: into the bytes, or NULL. */
static inline const char *
kith_get_str(struct kith_dec *r)
{
	uint64_t n = kith_get_uv(r);
	const char *s;

	if (r->bad || !n)
		return NULL;
	if (n > (uint64_t)(r->end - r->p) || r->p[n - 1] != '\0') {
		r->bad = true;
		return NULL;
	}
	s = (const char *)r->p;
	r->p += n;
	return s;
}

/* A string that must be there ("" when the bytes are damaged). */
static inline const char *
kith_get_sstr(struct kith_dec *r)
{
	const char *s = kith_get_str(r);

	if (!s)
		r->bad = true;
	return s ? s : "";
}

/* Append c as bytes to b (a journal entry's text is left out). */
int kith_chunk_write(struct kith_buf *b, const struct kith_chunk *c);
/*
 * Add the objects of a chunk read from data to m; *out (if non-NULL)
 * lists them. Strings point into data: it must outlive m.
 */
int kith_chunk_read(struct kith_model *m, const char *path, const void *data,
	size_t len, struct kith_chunk *out);
/* The person whose slug is slug, of m's people (sorted by slug), or NULL. */
struct kith_person *kith_model_by_slug(const struct kith_model *m, const char *slug);

/* The same without the follow-ups and mentions (their bytes not read). */
int kith_chunk_read_bare(struct kith_model *m, const char *path, const void *data,
	size_t len, struct kith_chunk *out);
/*
 * The person and follow-ups, without entries (each follow-up's NULL) or
 * mentions (out->nentries and nmentions count them).
 */
int kith_chunk_read_followups(struct kith_model *m, const char *path,
	const void *data, size_t len, struct kith_chunk *out);
/*
 * Only the head of a day's entry eidx (no text, tags, mentions or
 * follow-ups), added to m; data may be the chunk's first bytes only:
 * 1 when they end too soon.
 */
int kith_chunk_read_head(struct kith_model *m, const char *path, const void *data,
	size_t len, size_t eidx, struct kith_entry **out);
/* Only the person of a person file's chunk (the rest of the bytes unread). */
int kith_chunk_read_person(struct kith_model *m, const char *path,
	const void *data, size_t len, struct kith_person **out);

/*
 * Load m from the index under .kith/, brought up to date first: the
 * model kith_model_query describes, finished. 1 when there is no usable
 * index (the caller parses the files instead); *notice a message for the
 * user when the index had to be rebuilt (static).
 */
int kith_index_query(struct kith_model **out, struct kith_repo *repo,
	const struct kith_query *q, const char **notice);

/* kith_file_read, with the file's fstat(2) taken before reading it. */
struct stat;
int kith_file_read_st(char **out, size_t *len, const char *path,
	struct stat *st);
/* The same of fd, already open (path names it in messages); closes it. */
int kith_fd_read(char **out, size_t *len, int fd, const char *path,
	struct stat *st);
/*
 * Parse one file of the repository into m (model.c); bad input is a
 * warning. st (if non-NULL) gets its stat from before it was read.
 */
int kith_model_load_file(struct kith_model *m, struct kith_repo *repo,
	const char *rel, bool person, struct stat *st);
/*
 * kith_model_finish when the mentions before from (and their follow-ups)
 * are resolved already, and, with keys_ready, the people sorted and the
 * keys built: the index's people come so.
 */
int kith_model_finish_rest(struct kith_model *m, size_t from);
/*
 * Fold the key of each mention of m that has none, as the finish would,
 * folding each target once per *fc (made when NULL; kith_folds_free): the
 * keys point into *fc, which must outlive m's use of them (model.c).
 */
struct kith_folds;
int kith_model_fold_keys(struct kith_model *m, struct kith_folds **fc);
void kith_folds_free(struct kith_folds *fc);
/* The order of m->entries: date, time, path, line (model.c). */
int kith_entry_order(const struct kith_entry *x, const struct kith_entry *y);
/* The date of journal file ".../YYYY-MM-DD.md"; KITH_EINVALID if none (journal.c). */
int kith_journal_date(kith_date *out, const char *path);
/* Sort m's people and build the name keys, as kith_model_finish does first. */
int kith_model_prepare(struct kith_model *m);

#endif
