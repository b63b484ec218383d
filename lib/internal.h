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
/* Parse text with cmark (source positions on); NULL on failure. */
void *kith_parse_cmark(const struct kith_src *src);

/* Model building (model.c). */
struct kith_person *kith_model_new_person(struct kith_model *m);
struct kith_entry *kith_model_new_entry(struct kith_model *m);
int kith_model_push_mention(struct kith_model *m, struct kith_mention *mn);
int kith_model_push_followup(struct kith_model *m, struct kith_followup *f);
struct kith_arena *kith_model_arena(struct kith_model *m);
/* Lower-case (Unicode case fold, accents kept) into the arena. */
char *kith_lower(struct kith_arena *a, const char *s, size_t len);

/* The demo network that `kith init --demo` writes (lib/demo.c). */
struct kith_demo_file {
	char *path; /* repository-relative, malloc'd */
	char *data; /* malloc'd, NUL-terminated */
};
int kith_demo_files(struct kith_demo_file **out, size_t *n, kith_date today);
void kith_demo_files_free(struct kith_demo_file *files, size_t n);

#endif
