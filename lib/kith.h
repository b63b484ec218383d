/*
 * kith.h - the one public header of libkith, grouped by concern.
 *
 * Conventions (after libgit2): fallible calls return int, 0 on success or
 * a negative KITH_E* code; out-parameters come first and are named out;
 * what a caller gets through **out it frees with that type's _free.
 * Borrowed pointers live as long as the object they came from.
 * lib/ never prints and never exits: on failure it keeps a message that
 * kith_error() returns, in the form "what went wrong: what to do".
 */
#ifndef KITH_H
#define KITH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- errors ---------------------------------------------------------- */

enum {
	KITH_OK = 0,
	KITH_ERROR = -1,      /* repository, I/O or git failure (exit 3) */
	KITH_EINVALID = -2,   /* bad usage or bad input (exit 2) */
	KITH_ENOTFOUND = -3,  /* nothing found (exit 1, or 2 for a named thing) */
	KITH_EAMBIGUOUS = -4, /* several candidates (exit 2) */
	KITH_EEXISTS = -5,    /* refuses to clobber (exit 2) */
	KITH_ELOCKED = -6,    /* repository lock held elsewhere (exit 3) */
	KITH_ENOREPO = -7,    /* no kith repository found (exit 3) */
};

/* The message kept by the last failing call ("" if none). */
const char *kith_error(void);
/* Keep a message; returns code, so `return kith_error_set(KITH_EINVALID, ...)`. */
int kith_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* As kith_error_set, with ": strerror(errno)" appended. */
int kith_error_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The exit status DESIGN.md gives for an error code. */
int kith_exit_code(int code);

/* ---- memory: growable buffer, string vector, arena -------------------- */

struct kith_buf {
	char *ptr;
	size_t len, cap;
};
#define KITH_BUF_INIT { NULL, 0, 0 }
int kith_buf_grow(struct kith_buf *b, size_t extra);
int kith_buf_put(struct kith_buf *b, const void *data, size_t len);
int kith_buf_puts(struct kith_buf *b, const char *s);
int kith_buf_printf(struct kith_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Always NUL-terminated after any successful put; "" when empty. */
const char *kith_buf_cstr(struct kith_buf *b);
void kith_buf_clear(struct kith_buf *b);
void kith_buf_free(struct kith_buf *b);

/* qsort that takes an empty (NULL) array. */
void kith_sort(void *base, size_t n, size_t size,
	int (*cmp)(const void *, const void *));

/* Abort-free allocation helpers: NULL on out of memory. */
char *kith_strndup(const char *s, size_t n);

/* A bump allocator: everything of one model lives in one arena. */
struct kith_arena;
int kith_arena_new(struct kith_arena **out);
void *kith_arena_alloc(struct kith_arena *a, size_t size);
char *kith_arena_strndup(struct kith_arena *a, const char *s, size_t n);
char *kith_arena_strdup(struct kith_arena *a, const char *s);
/* Everything allocated dropped; the memory kept for what comes next. */
void kith_arena_clear(struct kith_arena *a);
void kith_arena_free(struct kith_arena *a);

/* ---- files ------------------------------------------------------------ */

/* Read a whole file (NUL-terminated, len without it). */
int kith_file_read(char **out, size_t *len, const char *path);

/* ---- dates ------------------------------------------------------------ */

/* A date is a day number: days since 1970-01-01 (may be negative). */
typedef int32_t kith_date;
#define KITH_NODATE INT32_MIN

kith_date kith_date_from_ymd(int y, int m, int d); /* no validation */
void kith_date_to_ymd(kith_date d, int *y, int *m, int *dd);
bool kith_date_valid_ymd(int y, int m, int d);
int kith_date_weekday(kith_date d); /* 0 = Sunday .. 6 = Saturday */
/* Strict ISO YYYY-MM-DD at s (exactly 10 bytes; a real calendar date). */
int kith_date_parse_iso(kith_date *out, const char *s, size_t len);
/* "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *kith_date_format(char *buf, kith_date d);
/* t minutes after midnight as "HH:MM" into buf (at least 16 bytes), or
 * "" when t < 0; returns buf. */
char *kith_time_format(char *buf, int t);
/* n in decimal into buf (at least 24 bytes); returns buf. */
char *kith_int_format(char *buf, long long n);
/* Today: KITH_TODAY if set (must be ISO), else the local date (TZ). */
int kith_date_today(kith_date *out);
/*
 * A date as people type it: ISO, today, yesterday, tomorrow, weekday names
 * with optional last/next, "N days|weeks|months|years ago", "in N days…",
 * "nov 25", "25 nov". Relative to today. KITH_EINVALID with a message
 * naming the word otherwise.
 */
int kith_date_parse(kith_date *out, const char *s, kith_date today);
/* Add months (clamping the day: Jan 31 + 1m = Feb 28/29). */
kith_date kith_date_add_months(kith_date d, int months);

/* A cadence "Nd", "Nw", "Nm", "Ny". */
struct kith_cadence {
	int n;
	char unit; /* 'd', 'w', 'm' or 'y' */
};
int kith_cadence_parse(struct kith_cadence *out, const char *s);
kith_date kith_cadence_add(kith_date d, const struct kith_cadence *c);

/* ---- text: folding and slugs ------------------------------------------ */

/* Case- and accent-folded copy of s (NFKD, case fold, marks stripped). */
int kith_fold(char **out, const char *s, size_t len);
/* ASCII slug of a name: lower-case [a-z0-9-], transliterated; never empty. */
int kith_slugify(char **out, const char *name);
/* Whether s is a safe slug: non-empty, [a-z0-9-] only, not starting with '-'. */
bool kith_slug_valid(const char *s);
/* Whether the bytes are valid UTF-8. */
bool kith_utf8_valid(const char *s, size_t len);
/* Length of the valid UTF-8 sequence at p (avail bytes), or 0 if none. */
size_t kith_utf8_seq(const char *p, size_t avail);

/* ---- the repository --------------------------------------------------- */

struct kith_repo;

/*
 * Find and open the repository: dir (from -C) if non-NULL, else
 * $KITH_DIR, else the nearest directory at or above the current one that
 * holds kith.conf, else kith.dir in $XDG_CONFIG_HOME/kith/config, else
 * ~/kith. KITH_ENOREPO with a hint to `kith init` when there is none.
 */
int kith_repo_open(struct kith_repo **out, const char *dir);
void kith_repo_free(struct kith_repo *repo);
/* Absolute path of the repository's top directory. */
const char *kith_repo_root(const struct kith_repo *repo);
/* The libgit2 repository (a git_repository *), borrowed. */
void *kith_repo_git(struct kith_repo *repo);
/* Absolute path of a repository-relative path, into buf. */
int kith_repo_path(struct kith_buf *buf, const struct kith_repo *repo,
	const char *rel);

/*
 * The files the model loader reads: the .md files in people/ and in
 * journal/YYYY/ (regular files, no hidden names), repository-relative,
 * sorted byte-wise. *out is NULL-terminated; *n (if n is non-NULL) the count.
 */
int kith_repo_files(char ***out, size_t *n, struct kith_repo *repo);
void kith_repo_files_free(char **files);

/*
 * A repository's files read one after another, in path order: each
 * directory is opened once and its files relative to it, which spares
 * the lookup of every component of an absolute path (a few µs a file).
 * root: the top directory's fd (O_PATH will do); repo, when non-NULL,
 * names files in messages by their absolute paths.
 */
struct kith_dirfd {
	const struct kith_repo *repo;
	int root, fd;
	char dir[256];
};
#define KITH_DIRFD_INIT(root_, repo_) { (repo_), (root_), -1, "" }
/* rel opened for reading: an fd, or -1 with errno set. */
int kith_dirfd_open(struct kith_dirfd *d, const char *rel);
/*
 * Read rel whole into b, replacing what b held (b is kept for the next
 * file: no fstat and no allocation per file). A missing file is
 * KITH_ENOTFOUND; messages name it as kith_file_read would.
 */
int kith_dirfd_read_buf(struct kith_dirfd *d, const char *rel, struct kith_buf *b);
/*
 * For a thread that opens many files and closes them before it ends: a
 * table of file descriptors of its own (Linux's unshare(CLONE_FILES)).
 * Threads that share one pay for it on every open, read and close: a
 * lock, and a reference counted on each file. Descriptors open before
 * the call stay open in both tables; one the thread opens after is not
 * the other threads' to use.
 */
void kith_thread_own_fds(void);
/* Close the directory kept open (not root). */
void kith_dirfd_close(struct kith_dirfd *d);

/* kith.conf values (git-config syntax). def when unset. */
int kith_repo_config_string(char **out, struct kith_repo *repo,
	const char *key, const char *def);
int kith_repo_config_bool(bool *out, struct kith_repo *repo,
	const char *key, bool def);
int kith_repo_config_int(int *out, struct kith_repo *repo,
	const char *key, int def);

/* Create a repository at dir (see kith-init(1)). demo: fill with a demo. */
struct kith_init_options {
	bool demo;
	kith_date today; /* for the demo's dates */
};
int kith_repo_init(const char *dir, const struct kith_init_options *opts);

/* ---- writing: lock, atomic files, commits ----------------------------- */

/*
 * Take .kith/lock (waiting up to $KITH_LOCK_TIMEOUT seconds, default 10).
 * Hold it across read-modify-write. Nested calls count.
 */
int kith_repo_lock(struct kith_repo *repo);
void kith_repo_unlock(struct kith_repo *repo);

/* One file change: data == NULL deletes path; from != NULL renames from. */
struct kith_change {
	const char *path; /* repository-relative */
	const char *data;
	size_t len;
	const char *from; /* repository-relative old path of a rename, or NULL */
};

/*
 * Write every change atomically (all temp files first, then the renames),
 * then commit exactly those paths with message (unless kith.autocommit is
 * false). Takes the lock itself if not held. Refuses symlinks and paths
 * outside the repository. New files 0600, new directories 0700.
 */
int kith_repo_apply(struct kith_repo *repo, const struct kith_change *changes,
	size_t n, const char *message);

/* Commit the given paths as they are in the work tree (no writing). */
int kith_repo_commit(struct kith_repo *repo, const char *const *paths,
	size_t n, const char *message);

/* ---- the editor ------------------------------------------------------- */

/* The editor: $VISUAL, else $EDITOR, else kith.editor, else "vi". */
int kith_editor_command(char **out, struct kith_repo *repo);

/*
 * Run the editor on repository-relative paths, as
 * /bin/sh -c '<editor> "$@"' sh ABSPATH..., with kith's stdin, stdout
 * and stderr, and wait for it. Refuses a path through a symlink. When it
 * exits non-zero or dies: KITH_ERROR, "the editor 'X' failed with exit
 * status N: nothing committed". Holds no lock.
 */
int kith_editor_run(struct kith_repo *repo, const char *const *paths,
	size_t n);

enum kith_edit_result {
	KITH_EDIT_COMMITTED, /* committed */
	KITH_EDIT_CHANGED,   /* changed, not committed (kith.autocommit false) */
	KITH_EDIT_UNCHANGED, /* nothing to commit */
	KITH_EDIT_DISCARDED, /* a file made from initial, left so: removed */
};

/*
 * Edit one file in the editor; when it exits 0, commit the file with
 * message if it differs from HEAD's (hand edits made in it before
 * included; unless kith.autocommit is false). A missing file is
 * KITH_ENOTFOUND, unless initial is given: then it is first written with
 * initial (atomically, under the lock, not committed), and removed again
 * when the editor leaves it exactly so. The lock is not held while the
 * editor runs. When the editor fails, nothing is committed and the file
 * stays as it left it (kith_editor_run's error).
 */
int kith_editor_edit(enum kith_edit_result *out, struct kith_repo *repo,
	const char *path, const char *initial, const char *message);

/* ---- templates -------------------------------------------------------- */

/*
 * Read a template by name ("person.md", "day.md", "kith.conf") from
 * $KITH_TEMPLATE_DIR, else the installed pkgdatadir, else a built-in copy.
 */
int kith_template_read(char **out, const char *name);
/* Replace {{key}} by values[i] for keys[i]; unknown {{x}} are kept. */
int kith_template_expand(char **out, const char *tmpl,
	const char *const *keys, const char *const *values, size_t n);

/* ---- inline syntax ----------------------------------------------------- */

enum kith_mention_kind { KITH_MENTION_AT, KITH_MENTION_WIKI };

/* What the inline scanner finds in one run of text. */
struct kith_inline_hit {
	enum { KITH_HIT_TAG, KITH_HIT_MENTION } type;
	enum kith_mention_kind kind;
	size_t off, len;   /* the whole token in the scanned text */
	size_t toff, tlen; /* the tag (without #), or the mention target */
};

/*
 * Scan text (not Markdown: a text run taken from cmark's text nodes) for
 * tags and mentions by DESIGN.md's rules, bare URLs skipped. cb returns
 * non-zero to stop (that value is returned).
 */
typedef int (*kith_inline_cb)(const struct kith_inline_hit *hit,
	const char *text, void *payload);
int kith_inline_scan(const char *text, size_t len, kith_inline_cb cb,
	void *payload);

/* ---- the model -------------------------------------------------------- */

struct kith_person;
struct kith_entry;

struct kith_field {
	const char *key;   /* lower-case */
	const char *value; /* as written, trimmed */
	int line;          /* 1-based line in the person's file */
};

/* (ordered to leave no holes: a first build holds ~500,000 of them) */
struct kith_mention {
	enum kith_mention_kind kind;
	int line;
	const char *raw;    /* as written: "@jane", "[[Jane Doe|Jane]]" */
	const char *target; /* "jane", "Jane Doe" */
	const char *path;
	size_t off;   /* byte offset of raw in the file, or SIZE_MAX if unknown */
	const char *key;    /* target case- and accent-folded, as it resolves */
	struct kith_person *person;       /* NULL when unresolved */
	struct kith_entry *entry;         /* the entry it is in, or NULL */
	struct kith_person *in_person;    /* the person file it is in, or NULL */
	struct kith_followup *followup;   /* the follow-up it is in, or NULL */
	bool ambiguous;                   /* several people matched */
	bool in_open_followup;
};

struct kith_followup {
	const char *text; /* the item's text after the box, due: removed */
	bool done;
	kith_date due;    /* KITH_NODATE if none */
	const char *path;
	int line;
	size_t box_off;   /* byte offset in the file of the char inside [ ] */
	struct kith_entry *entry;    /* its journal entry or dated note, or NULL */
	struct kith_person *in_person; /* the person file it is in, or NULL */
	struct kith_person **people; /* whom it belongs to */
	size_t npeople;
};

/*
 * A follow-up's short id, as kith todo prints it and kith done takes it:
 * the first KITH_FOLLOWUP_ID_LEN hex digits of the git blob id of its
 * path, a NUL byte and its text. out holds KITH_FOLLOWUP_ID_LEN + 1 bytes.
 */
#define KITH_FOLLOWUP_ID_LEN 7
int kith_followup_id(char *out, const struct kith_followup *f);

enum kith_entry_kind { KITH_ENTRY_JOURNAL, KITH_ENTRY_NOTE };

/* A journal entry, or a dated item in a person's notes. */
struct kith_entry {
	enum kith_entry_kind kind;
	kith_date date;
	int time;          /* minutes after midnight, or -1 */
	bool heading;      /* a journal entry that begins with its level-2 heading */
	const char *title; /* heading text after the time; note item's text */
	const char *path;
	int line, end_line; /* lines of the entry in its file */
	size_t off, end;    /* the bytes of those lines in the file */
	const char *text;   /* the entry's source text (lines, LF-terminated) */
	struct kith_person *owner;   /* for a note item: whose file */
	struct kith_person **people; /* interactions: whom it is with */
	size_t npeople;
	struct kith_person **mentioned; /* mentioned outside follow-ups */
	size_t nmentioned;
	const char **tags;  /* lower-case, sorted, unique */
	size_t ntags;
};

struct kith_person {
	const char *slug;
	const char *name;  /* display name, or the slug when the file has none */
	bool has_name;
	int name_line;
	const char *path;  /* "people/<slug>.md" */
	struct kith_field *fields;
	size_t nfields;
	int fields_end_line; /* last line of the field list, 0 if none */
	const char **aliases;
	size_t naliases;
	const char **tags; /* every tag in the file, sorted, unique */
	size_t ntags;
	const char *every; /* cadence as written, or NULL (kith.every applies) */
	const char *fold;  /* the name case- and accent-folded (kith_fold), for sorting */
	/* derived from the whole model: */
	struct kith_entry **interactions; /* newest first, of the loaded entries */
	size_t ninteractions;
	size_t count;   /* interactions in the whole repository */
	kith_date last; /* KITH_NODATE if no interaction */
	const struct kith_entry *latest; /* the newest interaction, or NULL
	                                  * (in a partial model maybe a stub:
	                                  * date, time, title, path, line) */
};

struct kith_model {
	struct kith_person **people; /* sorted by slug */
	size_t npeople;
	struct kith_entry **entries; /* journal entries and note items, by date, time, path, line */
	size_t nentries;
	struct kith_mention **mentions; /* in file order */
	size_t nmentions;
	struct kith_followup **followups; /* in file order */
	size_t nfollowups;
	const char **warnings; /* files skipped, as "path: problem" */
	size_t nwarnings;
	bool partial; /* journal entries no selector picked are left out */
	struct kith_arena *arena;
	struct kith_model_build *build; /* lib/'s own */
};

/* Load every person and journal day of the repository. */
int kith_model_load(struct kith_model **out, struct kith_repo *repo);
/*
 * Every person, but only the journal days named (repository-relative
 * paths): enough to resolve the mentions of those days, much cheaper than
 * the whole journal. Interactions and last contacts then count only them.
 */
int kith_model_load_days(struct kith_model **out, struct kith_repo *repo,
	const char *const *days, size_t n);
void kith_model_free(struct kith_model *model);

/*
 * What a command looks at, so that the loader can leave the rest out.
 * The model always has every person (fields, notes, and each one's count,
 * last and latest over the whole repository; with KITH_Q_NO_NOTES maybe
 * not the notes) and the journal entries any selector picks (with their
 * mentions and follow-ups); the command still
 * filters them itself. The loader takes them from the derived index
 * under .kith/ (kith-index(7)), brought up to date by a stat walk, or,
 * with $KITH_NO_INDEX set, from parsing every file: the same answers.
 */
enum {
	KITH_Q_ALL = 1 << 0,       /* every journal entry */
	KITH_Q_TEXT = 1 << 1,      /* with text (else a journal entry's is NULL) */
	KITH_Q_DATES = 1 << 2,     /* entries dated since..until */
	KITH_Q_OPEN = 1 << 3,      /* entries with an open follow-up */
	KITH_Q_FOLLOWUPS = 1 << 4, /* entries with any follow-up */
	KITH_Q_TAG_COUNTS = 1 << 5, /* kith_model_entry_tags */
	KITH_Q_NO_NOTES = 1 << 6,  /* the people's notes (and their mentions and
	                            * follow-ups) may be left out */
	KITH_Q_HEADS = 1 << 7,     /* with people only: their journal
	                            * interactions may come as heads (date, time,
	                            * title, path, lines; no tags or mentions),
	                            * whole only where a follow-up is open */
	KITH_Q_BARE = 1 << 8,      /* journal entries may come without their
	                            * mentions and follow-ups, each with only
	                            * those of the people named it is with */
	KITH_Q_ALONE = 1 << 9,     /* with KITH_Q_OPEN only: the follow-ups
	                            * may come alone, without their entries
	                            * (NULL) and mentions, the people's notes
	                            * too */
	KITH_Q_NEWEST = 1 << 10,   /* the newest journal days that hold at
	                            * least `newest` entries, whole */
	KITH_Q_LATER = 1 << 11,    /* with KITH_Q_TEXT: the texts of many
	                            * journal entries ($KITH_LAZY_TEXTS, else
	                            * 32,768) may be left NULL, for
	                            * kith_model_texts to cut a few at a time */
	KITH_Q_WITH = 1 << 12,     /* with KITH_Q_BARE: each journal entry
	                            * with all the people it is an
	                            * interaction with, in the order of its
	                            * mentions, still without them */
	KITH_Q_ASTRAY = 1 << 13,   /* the journal entries with a mention that
	                            * may resolve to no one or to more than
	                            * one (what kith check looks at) */
};
struct kith_query {
	unsigned flags;
	kith_date since, until;    /* KITH_Q_DATES, inclusive */
	const char *const *people; /* entries about them (as users name them) */
	size_t npeople;
	const char *const *tags;   /* entries tagged so (as kith_tag_norm gives) */
	size_t ntags;
	const char *const *days;   /* journal files parsed afresh, whatever the index has */
	size_t ndays;
	size_t newest;             /* KITH_Q_NEWEST */
};
int kith_model_query(struct kith_model **out, struct kith_repo *repo,
	const struct kith_query *q);

/*
 * The texts of the entries v[0..n) that have none (KITH_Q_LATER), cut
 * from their files as the query saw them; those the previous call cut
 * are dropped first (their entries' text NULL again), so that a command
 * printing thousands of entries holds a window's texts at a time. The
 * next window, next[0..nnext) (other entries), is cut meanwhile on two
 * more threads. A file changed in place since the query looked at it
 * is an error: run the command again. A model parsed whole has every
 * text already.
 */
int kith_model_texts(struct kith_model *m, struct kith_entry **v, size_t n,
	struct kith_entry **next, size_t nnext);

/* How many journal entries carry each tag (with KITH_Q_TAG_COUNTS). */
struct kith_tag_count {
	const char *tag;
	size_t n;
};
/* Sorted by tag; borrowed from the model. */
int kith_model_entry_tags(const struct kith_tag_count **out, size_t *n,
	struct kith_model *model);

/* Parse one file's text into an existing model (used by the loader and tests). */
int kith_model_add_person(struct kith_model *model, const char *path,
	const char *text, size_t len);
int kith_model_add_day(struct kith_model *model, const char *path,
	const char *text, size_t len);
/* After adding files: resolve mentions, compute interactions and last. */
int kith_model_finish(struct kith_model *model);
/* An empty model (for tests that add files by hand). */
int kith_model_new(struct kith_model **out);

/* Values of a field (borrowed, NULL-terminated array in the arena). */
size_t kith_person_field_values(const struct kith_person *p, const char *key,
	const char **out, size_t max);
const char *kith_person_field(const struct kith_person *p, const char *key);

/*
 * Find a person as the user names one: slug, then name, alias, then a
 * unique prefix of slug or name (case- and accent-insensitive).
 * KITH_ENOTFOUND, or KITH_EAMBIGUOUS with a message that lists the
 * candidates, one "\tslug\tname" line each.
 */
int kith_model_find_person(struct kith_person **out, struct kith_model *model,
	const char *query);

/* Resolve a mention target as written (slug, alias; for wiki also name). */
int kith_model_resolve(struct kith_person **out, struct kith_model *model,
	enum kith_mention_kind kind, const char *target, size_t len);

/* A tag as the user types it ("#Work/Acme") as stored ("work/acme"). */
int kith_tag_norm(char **out, const char *s);

/* ---- history: the commits that touched a file; undo ------------------ */

/* One commit, as kith history and kith undo show it. */
struct kith_commit {
	char id[41];          /* full hex id */
	char short_id[41];    /* unique abbreviation, 7 digits at least */
	int64_t time;         /* author time, seconds since the epoch */
	int offset;           /* the author's UTC offset, in minutes */
	const char *author, *email;
	const char *summary;  /* the message's first line */
	/* history only: */
	const char *path;     /* the file as named in this commit */
	const char *old_path; /* as named in the first parent; NULL if added */
	char status;          /* 'A'dded, 'M'odified, 'D'eleted or 'R'enamed */
};

/* The commits reachable from HEAD that changed one file. */
struct kith_history {
	struct kith_commit *commits; /* newest first */
	size_t n;
	struct kith_arena *arena;
};

/*
 * The history of path (repository-relative), following renames; like
 * git log, a merge that took the file from one parent is left out. An
 * empty history (n == 0) when no commit touched it. Turns libgit2's hash
 * check of objects read off for the rest of the process, as git log
 * reads without one.
 */
int kith_history_file(struct kith_history **out, struct kith_repo *repo,
	const char *path);
void kith_history_free(struct kith_history *h);
/*
 * The file's text in commit c (NUL-terminated); KITH_ENOTFOUND where c
 * deleted it.
 */
int kith_history_text(char **out, size_t *len, struct kith_repo *repo,
	const struct kith_commit *c);
/* What c did to the file as a unified diff against its first parent. */
int kith_history_patch(char **out, struct kith_repo *repo,
	const struct kith_commit *c);

/* A change of one field: the commit after which its values were these. */
struct kith_field_change {
	const struct kith_commit *commit;
	const char **values; /* in the file's order; none (n == 0): removed */
	size_t n;
	const char *skipped; /* why this version was skipped, or NULL */
};

/*
 * How field key (lower-case) of the person file whose history is h
 * changed, oldest first: a change for each commit after which the set of
 * its values is not what it was before (a deleted file has none), and one
 * with skipped set for each version that does not parse. In h's arena.
 */
int kith_history_field(struct kith_field_change **out, size_t *n,
	struct kith_repo *repo, struct kith_history *h, const char *key);

/*
 * "YYYY-MM-DD HH:MM", or with iso "YYYY-MM-DDTHH:MM:SS+HH:MM", in the
 * author's own offset.
 */
#define KITH_COMMIT_DATE_MAX 40
char *kith_commit_date(char *buf, const struct kith_commit *c, bool iso);
/* Whether a first line is one kith writes: a verb of kith's, ": ", more. */
bool kith_commit_is_kith(const char *summary);

struct kith_undo_file {
	char status;      /* what the commit did: 'A', 'M' or 'D' */
	const char *path;
	bool dirty;       /* changes not committed, in the work tree or index */
};

/* What undoing HEAD would do. */
struct kith_undo {
	struct kith_commit commit; /* HEAD */
	bool kith;                 /* its first line is one kith writes */
	size_t nparents;           /* 2 for a merge: undone against the first */
	struct kith_undo_file *files; /* the files it changed, by path */
	size_t nfiles, ndirty;
	struct kith_arena *arena;
	struct kith_undo_priv *priv;
};

/*
 * Plan the revert of HEAD (git_revert_commit, in memory). KITH_EINVALID
 * when it cannot be undone: no commits, the first commit, a commit that
 * changed nothing, created kith.conf or touched a symlink or submodule,
 * or a git operation in progress.
 */
int kith_undo_plan(struct kith_undo **out, struct kith_repo *repo);
/*
 * Write the reverted files and commit them as "undo: SUMMARY" (whatever
 * kith.autocommit says). KITH_EINVALID, changing nothing, when a file is
 * dirty. Hold the lock from the plan on so that HEAD cannot move.
 */
int kith_undo_apply(struct kith_undo *u, struct kith_repo *repo);
void kith_undo_free(struct kith_undo *u);

/* ---- checks (lib/check.c) --------------------------------------------- */

/* What kith check finds; kith_problem_kind_name gives the --json names. */
enum kith_problem_kind {
	KITH_PROBLEM_UNRESOLVED_MENTION,    /* "unresolved-mention" */
	KITH_PROBLEM_AMBIGUOUS_MENTION,     /* "ambiguous-mention" */
	KITH_PROBLEM_DUPLICATE,             /* "duplicate" */
	KITH_PROBLEM_BAD_DATE,              /* "bad-date" */
	KITH_PROBLEM_BAD_CADENCE,           /* "bad-cadence" */
	KITH_PROBLEM_BAD_DUE,               /* "bad-due" */
	KITH_PROBLEM_BAD_JOURNAL_NAME,      /* "bad-journal-name" */
	KITH_PROBLEM_JOURNAL_DATE_MISMATCH, /* "journal-date-mismatch" */
	KITH_PROBLEM_OUTSIDE_LAYOUT,        /* "outside-layout" */
	KITH_PROBLEM_BAD_SLUG,              /* "bad-slug" */
	KITH_PROBLEM_NO_NAME,               /* "no-name" */
	KITH_PROBLEM_UNREADABLE,            /* "unreadable" */
	KITH_PROBLEM_CONFLICT_MARKER,       /* "conflict-marker" */
	KITH_PROBLEM_NKINDS
};

struct kith_problem {
	enum kith_problem_kind kind;
	const char *path;    /* repository-relative */
	int line;            /* 1-based; 1 when it is about the whole file */
	const char *message; /* "unknown person '@jnae': did you mean '@jane'?" */
};

struct kith_problems {
	struct kith_problem *v; /* by path (bytes), line, kind, message */
	size_t n, cap;
	struct kith_arena *arena;
};

/* The name of a kind ("bad-date"), or NULL for no kind. */
const char *kith_problem_kind_name(enum kith_problem_kind kind);

/*
 * Look for every problem of kith-check(1) in the repository's work tree
 * and index. model: repo's files already loaded, or NULL to load them.
 * kinds: the kinds to look for as bits (1u << KITH_PROBLEM_...), 0 for all.
 * Finding problems is success: *out holds them (n == 0 when clean).
 */
int kith_check(struct kith_problems **out, struct kith_repo *repo,
	const struct kith_model *model, unsigned kinds);
void kith_problems_free(struct kith_problems *problems);

/*
 * Write the pre-commit hook that runs `kith check` into the repository's
 * hooks directory (core.hooksPath if set), mode 0755; *out is its path
 * (malloc'd), relative to the repository when inside it. KITH_EEXISTS
 * when a hook that kith did not write is there.
 */
int kith_check_install_hook(char **out, struct kith_repo *repo);

/* ---- rewriting: kith mv and kith merge (lib/rewrite.c, lib/diff.c) --- */

/*
 * The file changes of a rename or a merge, for kith_repo_apply, in path
 * order, with the text each file had before (NULL: none) for a diff.
 */
struct kith_rewrite {
	struct kith_change *changes;
	const char **before;
	size_t *before_len;
	size_t n;
	const char *message; /* "mv: old -> new (N files)" */
};

/*
 * Rename p to slug and, if name is not NULL, to that display name: the
 * file moves to people/<slug>.md, the heading's text becomes name, every
 * mention by the old slug or name is rewritten in the syntax it has, and
 * the old slug and name join p's aliases. KITH_EEXISTS when the slug's
 * file exists or the slug or name already finds someone else;
 * KITH_EINVALID when a mention to rewrite has no exact source offset.
 */
int kith_rewrite_mv(struct kith_rewrite **out, struct kith_repo *repo,
	struct kith_model *model, struct kith_person *p, const char *slug,
	const char *name);
/*
 * Fold drop into keep: drop's fields keep lacks are added (single-valued
 * ones keep has with another value go to keep's notes), drop's notes are
 * appended, drop's slug, aliases and name join keep's aliases, every
 * mention of drop is rewritten to keep, and drop's file is removed.
 */
int kith_rewrite_merge(struct kith_rewrite **out, struct kith_repo *repo,
	struct kith_model *model, struct kith_person *keep,
	struct kith_person *drop);
void kith_rewrite_free(struct kith_rewrite *rw);
/* The changes as one unified diff (kith_diff of each file) into out. */
int kith_rewrite_diff(struct kith_buf *out, const struct kith_rewrite *rw);
/* Whether a field holds one value (birthday, every, company, ...). */
bool kith_field_single(const char *key);

/*
 * A unified diff, as git writes it, of a file's text a at path from to
 * its text b at path to (from NULL: a new file; to NULL: removed), into
 * out; nothing when the file neither changes nor moves.
 */
int kith_diff(struct kith_buf *out, const char *from, const char *a,
	size_t alen, const char *to, const char *b, size_t blen);

/* ---- merging person files (lib/pmerge.c) ---- */

/*
 * Merge ours and theirs, two edits of the person file base (NULL when
 * both sides added it), field by field as kith-sync(1) says: *out gets
 * the merged text (malloc'd, NUL-terminated, *len without the NUL) and
 * *nconflicts how many conflicts are marked in it.
 */
int kith_pmerge(char **out, size_t *len, size_t *nconflicts,
	const char *base, size_t blen, const char *ours, size_t olen,
	const char *theirs, size_t tlen);
/*
 * Merge two edits of a journal day as a union: every line of both sides
 * is kept, ours first where both changed the same place (see
 * kith-sync(1)); *out as for kith_pmerge.
 */
int kith_union_merge(char **out, size_t *len, const char *base, size_t blen,
	const char *ours, size_t olen, const char *theirs, size_t tlen);
/* The first line (1-based) that is a "<<<<<<<" or ">>>>>>>" marker, or 0. */
int kith_conflict_markers(const char *text, size_t len);

/* ---- sync: commit, fetch, merge, push (lib/sync.c) ---- */

struct kith_sync;

struct kith_sync_options {
	/* a remote's name, a URL or a path; NULL: the branch's upstream, else origin */
	const char *remote;
	/* change nothing: no remote added, no ref, index or file written */
	bool dry_run;
	/* transfer progress for a terminal (NULL: none); last ends the step */
	void (*progress)(const char *text, bool last, void *payload);
	void *payload;
};

/* A list of repository-relative paths. */
struct kith_paths {
	char **v;
	size_t n;
};
void kith_paths_free(struct kith_paths *p);

enum kith_sync_kind {
	KITH_SYNC_NEW,         /* the remote has no such branch yet */
	KITH_SYNC_UPTODATE,    /* the remote has nothing we lack */
	KITH_SYNC_FASTFORWARD,
	KITH_SYNC_MERGED,
	KITH_SYNC_CONFLICTED,  /* the merge is left unfinished: see conflicts */
};

struct kith_sync_merge {
	enum kith_sync_kind kind;
	size_t ahead, behind;        /* commits each side has that the other lacks */
	struct kith_paths conflicts; /* files written with conflict markers */
	struct kith_paths kept;      /* deleted on one side, changed on the other: kept */
};
void kith_sync_merge_free(struct kith_sync_merge *m);

/*
 * Find the branch and the remote to sync with (see kith-sync(1));
 * KITH_EINVALID when there is none, with what to do.
 */
int kith_sync_open(struct kith_sync **out, struct kith_repo *repo,
	const struct kith_sync_options *opts);
void kith_sync_free(struct kith_sync *s);
/* What the branch syncs with, for messages: "origin/main". */
const char *kith_sync_upstream(const struct kith_sync *s);

/*
 * Commit the hand edits under people/ and journal/ ("edit: N files"),
 * or finish the merge an earlier sync left (*finished). *done gets the
 * paths committed (dry run: to commit). While a file still has conflict
 * markers, nothing is committed: KITH_ERROR, the files in *marked.
 */
int kith_sync_commit(struct kith_sync *s, struct kith_paths *done,
	bool *finished, struct kith_paths *marked);

/* Fetch the remote branch (dry run: its objects only). */
int kith_sync_fetch(struct kith_sync *s);

/*
 * Merge what was fetched into the branch: fast-forward, or a merge
 * commit "sync: merge REMOTE/BRANCH"; person files merge field by field
 * (kith_pmerge), journal days as a union. Conflicts are written with
 * markers and leave the merge unfinished (kind KITH_SYNC_CONFLICTED).
 * Dry run: says what would happen.
 */
int kith_sync_merge(struct kith_sync *s, struct kith_sync_merge *out);

/*
 * Push the branch (dry run: count what would go). *pushed: commits sent;
 * *rejected (the reason in *why, malloc'd) when the remote refused,
 * having moved on: fetch, merge and push again.
 */
int kith_sync_push(struct kith_sync *s, size_t *pushed, bool *rejected,
	char **why);

/* ---- gc: keeping the git repository small (lib/gc.c) ---- */

/* What one kith_gc did. */
struct kith_gc_stats {
	size_t loose_before;        /* loose objects found */
	size_t packed;              /* objects in the pack written (0: none) */
	size_t removed;             /* loose objects removed, each in a pack */
	size_t packs_before, packs_after;
	uint64_t bytes_before, bytes_after; /* the files under .git */
};

enum {
	KITH_GC_FULL = 1 << 0, /* every object into one pack, deltas anew */
};

/*
 * Pack the loose objects into one new pack (libgit2's packbuilder,
 * deltas on) and remove them; when that would make more than 16 packs,
 * merge every pack but the largest into it as well (KITH_GC_FULL: all
 * of them). Each loose file and old pack goes only after the new pack
 * is written and synced and holds what it held. Takes the lock.
 * out may be NULL (then .git's sizes are not measured).
 */
int kith_gc(struct kith_gc_stats *out, struct kith_repo *repo,
	unsigned flags);
/*
 * After a commit: kith_gc when there are more loose objects than
 * kith.gcAuto (default 500, 0 or less: never), estimated from
 * objects/17 alone as git does (one opendir when below). 1 when it ran,
 * 0 when not, negative when it failed: then the message is also kept for
 * kith_gc_warning() and in .kith/gc.log, and automatic runs wait a day
 * or for a kith_gc that succeeds.
 */
int kith_gc_auto(struct kith_repo *repo);
/* Why this process's automatic gc failed or was skipped, or NULL. */
const char *kith_gc_warning(void);
/* That warning, if any, as "prog: warning: MESSAGE" on f. */
void kith_gc_warn(FILE *f, const char *prog);
/* The message of .kith/gc.log (malloc'd), *out NULL when there is none. */
int kith_gc_log(char **out, struct kith_repo *repo);

/* ---- output ----------------------------------------------------------- */

/* Whether to colour stream f: a terminal, and NO_COLOR unset or empty. */
bool kith_color(FILE *f);
/* Write s with tabs and newlines replaced by spaces (for TSV cells). */
void kith_tsv_cell(FILE *f, const char *s);
/* The same for the first n bytes of s (a string: its NUL at or after n). */
void kith_tsv_cell_n(FILE *f, const char *s, size_t n);
/* Write a list joined by "," as one TSV cell. */
void kith_tsv_list(FILE *f, const char *const *v, size_t n);
/*
 * End a line of human output with where it comes from: two spaces, then
 * PATH:LINE between on and off (a colour and its reset, or ""), then a
 * newline. Not printf: kith due, show and todo print thousands.
 */
void kith_put_where(FILE *f, const char *path, int line, const char *on,
	const char *off);

/*
 * JSON (jansson's json_t, declared opaque here): a person as `kith ls
 * --json` prints it; an array printed one compact object per line.
 */
struct json_t;
struct json_t *kith_json_person(const struct kith_person *p);
int kith_json_print_array(FILE *f, struct json_t *array);
int kith_json_print(FILE *f, struct json_t *value);
/*
 * A JSON string of the n bytes at s, escaped as jansson does (a command
 * that writes its JSON itself prints the same bytes); a byte that is not
 * UTF-8 as U+FFFD. NULL as null.
 */
void kith_json_str(FILE *f, const char *s, size_t n);
/*
 * A follow-up as JSON, its keys as DESIGN.md gives them, from "{" to its
 * line (the object still open, for a caller's keys after it).
 */
void kith_json_followup_open(FILE *f, const struct kith_followup *fu);

/*
 * The loader's warnings (files it skipped) on f, one line each:
 * "prog: warning: MESSAGE", then ": suffix" when suffix is not NULL.
 */
void kith_model_warn(FILE *f, const char *prog, const struct kith_model *m,
	const char *suffix);

/* Flush stdout and report whether every write succeeded (0 or KITH_ERROR). */
int kith_stdout_close(void);

#endif
