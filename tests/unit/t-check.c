/*
 * t-check.c - lib/check.c on models built here from texts: "did you
 * mean" (ties, limits, prefixes, aliases, wiki links), ambiguous
 * mentions, duplicates pair by pair, the kinds mask, and files the loader
 * skipped for a reason nothing else explains. The layout checks run on an
 * empty repository in a mkdtemp directory; tests/cli/t2000-check.t does
 * the rest through the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"
#include "tap.h"

static char base[64] = "/tmp/t-check.XXXXXX";
static struct kith_repo *repo;

static void
bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, kith_error());
	exit(1);
}

static struct kith_model *
model(const char *const *files)
{
	struct kith_model *m;

	if (kith_model_new(&m) < 0)
		bail("model");
	for (size_t i = 0; files[i]; i += 2) {
		int rc = !strncmp(files[i], "people/", 7) ?
			kith_model_add_person(m, files[i], files[i + 1], strlen(files[i + 1])) :
			kith_model_add_day(m, files[i], files[i + 1], strlen(files[i + 1]));
		if (rc < 0)
			bail(files[i]);
	}
	if (kith_model_finish(m) < 0)
		bail("finish");
	return m;
}

/* The problems of m of the given kinds, one "path:line: message" a line. */
static char *
report(struct kith_model *m, unsigned kinds)
{
	static char out[8192];
	struct kith_problems *ps;
	size_t n = 0;

	out[0] = '\0';
	if (kith_check(&ps, repo, m, kinds) < 0)
		bail("check");
	for (size_t i = 0; i < ps->n; i++)
		n += (size_t)snprintf(out + n, sizeof out - n, "%s:%d: %s\n",
			ps->v[i].path, ps->v[i].line, ps->v[i].message);
	kith_problems_free(ps);
	return out;
}

#define MENTIONS ((1u << KITH_PROBLEM_UNRESOLVED_MENTION) | \
	(1u << KITH_PROBLEM_AMBIGUOUS_MENTION))

static void
test_kinds(void)
{
	static const char *const want[] = {
		"unresolved-mention", "ambiguous-mention", "duplicate", "bad-date",
		"bad-cadence", "bad-due", "bad-journal-name",
		"journal-date-mismatch", "outside-layout", "bad-slug", "no-name",
		"unreadable", "conflict-marker",
	};

	is_int(KITH_PROBLEM_NKINDS, sizeof want / sizeof *want, "thirteen kinds");
	for (int k = 0; k < KITH_PROBLEM_NKINDS; k++)
		is_str(kith_problem_kind_name(k), want[k], want[k]);
	is_str(kith_problem_kind_name(KITH_PROBLEM_NKINDS), NULL, "no kind past the last");
	is_str(kith_problem_kind_name(-1), NULL, "no kind before the first");
}

static void
test_suggestions(void)
{
	static const char *const files[] = {
		"people/mark-li.md", "# Mark Li\n",
		"people/mark-lu.md", "# Mark Lu\n",
		"people/kim-a.md", "# Kim A\n", "people/kim-b.md", "# Kim B\n",
		"people/kim-c.md", "# Kim C\n", "people/kim-d.md", "# Kim D\n",
		"people/bob.md", "# Bob\n",
		"people/john-roe.md", "# John Roe\n\n- aliases: Johnny, Big John\n",
		"people/ana-lima.md", "# Ana Lima\n",
		"people/zoe.md", "# Zoë\n",
		"journal/2026/2026-11-01.md",
		"@mark-la\n\n@kim-e\n\n@kim\n\n@bo\n\n@bx\n\n@Johny\n\n@BigJohn\n\n"
		"[[Ana Lim|Ana]] and [[ana lima x]]\n\n@zoé\n\n@Zoey\n\n@ana\n",
		NULL,
	};
	struct kith_model *m = model(files);

	is_str(report(m, MENTIONS),
		"journal/2026/2026-11-01.md:1: unknown person '@mark-la': did you mean '@mark-li' or '@mark-lu'?\n"
		"journal/2026/2026-11-01.md:3: unknown person '@kim-e': add them with 'kith add', or fix the mention\n"
		"journal/2026/2026-11-01.md:5: unknown person '@kim': add them with 'kith add', or fix the mention\n"
		"journal/2026/2026-11-01.md:7: unknown person '@bo': did you mean '@bob'?\n"
		"journal/2026/2026-11-01.md:9: unknown person '@bx': add them with 'kith add', or fix the mention\n"
		"journal/2026/2026-11-01.md:11: unknown person '@Johny': did you mean '@Johnny'?\n"
		"journal/2026/2026-11-01.md:13: unknown person '@BigJohn': did you mean '@john-roe'?\n"
		"journal/2026/2026-11-01.md:15: unknown person '[[Ana Lim|Ana]]': did you mean '[[Ana Lima|Ana]]'?\n"
		"journal/2026/2026-11-01.md:15: unknown person '[[ana lima x]]': did you mean '[[Ana Lima]]'?\n"
		"journal/2026/2026-11-01.md:19: unknown person '@Zoey': did you mean '@zoe'?\n"
		"journal/2026/2026-11-01.md:21: unknown person '@ana': did you mean '@ana-lima'?\n",
		"ties, too many, short names, aliases, wiki links, accents, prefixes");
	kith_model_free(m);
}

static void
test_ambiguous(void)
{
	static const char *const files[] = {
		"people/alex-kim.md", "# Alex Kim\n\n- aliases: Doc\n",
		"people/alex-kim-2.md", "# Alex Kim\n\n- aliases: Doc\n",
		"people/doc-brown.md", "# Doc Brown\n\n- aliases: Doc\n",
		"journal/2026/2026-11-01.md", "[[Alex Kim]]\n\n@Doc\n\n[[doc]]\n",
		NULL,
	};
	struct kith_model *m = model(files);

	is_str(report(m, 1u << KITH_PROBLEM_AMBIGUOUS_MENTION),
		"journal/2026/2026-11-01.md:1: ambiguous mention '[[Alex Kim]]' could be '[[alex-kim]]' or '[[alex-kim-2]]': write the slug\n"
		"journal/2026/2026-11-01.md:3: ambiguous mention '@Doc' could be '@alex-kim', '@alex-kim-2' or '@doc-brown': write the slug\n"
		"journal/2026/2026-11-01.md:5: ambiguous mention '[[doc]]' could be '[[alex-kim]]', '[[alex-kim-2]]' or '[[doc-brown]]': write the slug\n",
		"the candidates by the loader's rules, as slugs");
	kith_model_free(m);
}

static void
test_duplicates(void)
{
	static const char *const files[] = {
		"people/a.md", "# X\n\n- email: x@y.example\n- phone: n/a\n",
		"people/b.md", "# x\n\n- email: X@Y.example\n- phone: n/a\n",
		"people/c.md", "# C\n\n- phone: +1 555\n- email: x@y.example\n",
		"people/d.md", "# D\n\n- phone: 1 555\n- phone: (0) 12-34\n",
		"people/e.md", "# E\n\n- email: e@x.example\n- email: e@x.example\n- phone: 01234\n",
		NULL,
	};
	struct kith_model *m = model(files);

	is_str(report(m, 1u << KITH_PROBLEM_DUPLICATE),
		"people/b.md:1: probable duplicate of 'people/a.md', the same name 'x': merge them if they are one person\n"
		"people/c.md:4: probable duplicate of 'people/a.md', the same e-mail 'x@y.example': merge them if they are one person\n"
		"people/c.md:4: probable duplicate of 'people/b.md', the same e-mail 'x@y.example': merge them if they are one person\n"
		"people/e.md:5: probable duplicate of 'people/d.md', the same phone '01234': merge them if they are one person\n",
		"one problem a pair, on its first evidence; no phone without digits");
	is_str(report(m, 1u << KITH_PROBLEM_BAD_DATE), "", "the mask keeps other kinds out");
	kith_model_free(m);
}

static void
test_warnings(void)
{
	static const char *const files[] = { NULL };
	static const char *warnings[] = {
		"'people/odd.md' line 3 is not valid UTF-8",
		"something went wrong",
	};
	struct kith_model *m = model(files);

	m->warnings = warnings;
	m->nwarnings = 2;
	is_str(report(m, 0),
		"?:1: skipped by kith: something went wrong\n"
		"people/odd.md:1: skipped by kith: 'people/odd.md' line 3 is not valid UTF-8\n",
		"a file the loader skipped for an unknown reason is reported");
	m->warnings = NULL;
	m->nwarnings = 0;
	is_str(report(m, 0), "", "an empty repository is clean");
	kith_model_free(m);
}

int
main(void)
{
	struct kith_init_options opts = { .demo = false };
	char dir[128];

	if (!mkdtemp(base))
		bail("mkdtemp");
	snprintf(dir, sizeof dir, "%s/home", base);
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("KITH_DIR");
	snprintf(dir, sizeof dir, "%s/repo", base);
	if (kith_repo_init(dir, &opts) < 0 || kith_repo_open(&repo, dir) < 0)
		bail(dir);

	test_kinds();
	test_suggestions();
	test_ambiguous();
	test_duplicates();
	test_warnings();

	kith_repo_free(repo);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", base);
	return done_testing();
}
