/*
 * t-rewrite.c - what kith mv and kith merge stand on: each mention's exact
 * byte offset in its file (or SIZE_MAX when the source does not hold it as
 * written), the unified diff of --dry-run, and the single-valued fields.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"
#include "tap.h"

/* ---- mention offsets ---- */

static struct kith_model *
day(const char *text)
{
	struct kith_model *m = NULL;

	if (kith_model_new(&m) < 0 ||
	    kith_model_add_person(m, "people/old.md", "# Old Name\n", 11) < 0 ||
	    kith_model_add_day(m, "journal/2026/2026-11-25.md", text,
	    strlen(text)) < 0 || kith_model_finish(m) < 0) {
		kith_model_free(m);
		return NULL;
	}
	return m;
}

/*
 * The mentions of text, each as "off:raw" (or "-:raw" when the offset is
 * unknown), joined by blanks; and every known offset must hold raw.
 */
static const char *
offsets(const char *text)
{
	static char out[1024];
	struct kith_model *m = day(text);
	size_t n = 0;

	out[0] = '\0';
	if (!m)
		return "(no model)";
	for (size_t i = 0; i < m->nmentions; i++) {
		const struct kith_mention *mn = m->mentions[i];
		if (mn->off != SIZE_MAX && strncmp(text + mn->off, mn->raw,
		    strlen(mn->raw)))
			snprintf(out, sizeof out, "offset %zu does not hold %s",
				mn->off, mn->raw);
		else if (mn->off == SIZE_MAX)
			n += (size_t)snprintf(out + n, sizeof out - n, "%s-:%s",
				n ? " " : "", mn->raw);
		else
			n += (size_t)snprintf(out + n, sizeof out - n, "%s%zu:%s",
				n ? " " : "", mn->off, mn->raw);
	}
	kith_model_free(m);
	return out;
}

static void
test_offsets(void)
{
	is_str(offsets("Saw @old and @old.\n"), "4:@old 13:@old",
		"two on one line");
	is_str(offsets("Mail bob@old.example or @old.\n"), "24:@old",
		"an e-mail address is passed over, not taken for the mention");
	is_str(offsets("x `@old` y @old\n"), "11:@old",
		"a code span is stepped over");
	is_str(offsets("``a ` @old`` @old\n"), "13:@old",
		"a code span with a backtick inside it");
	is_str(offsets("`[[old]]` and [[old]]\n"), "14:[[old]]",
		"a wiki link in a code span is stepped over");
	is_str(offsets("<http://x.example/@old> <old@old.example> @old\n"),
		"42:@old", "autolinks are stepped over");
	is_str(offsets("[a](<x @old> \"t @old\") @old\n"), "23:@old",
		"a link's destination and title are stepped over");
	is_str(offsets("[@old](http://x.example/@old) @old\n"), "1:@old 30:@old",
		"link text counts");
	is_str(offsets("[r @old][ref] @old\n\n[ref]: http://x.example/@old\n"),
		"3:@old 14:@old", "a reference link and its definition");
	is_str(offsets("<span title=\"@old\">@old</span> @old\n"),
		"19:@old 31:@old", "raw HTML is stepped over");
	is_str(offsets("caf&eacute; @old &amp; @old\n"), "12:@old 23:@old",
		"entities before a mention move nothing");
	is_str(offsets("\\*@old\\* and \\@old\n"), "2:@old 14:@old",
		"an escape before a mention: the offset is the @'s");
	is_str(offsets("&#64;old and @ol&#100; and @o\\ld\n"),
		"-:@old -:@old 27:@o",
		"a mention with an entity or an escape in it has no offset");
	is_str(offsets("Old\\_friend [[Old\\|x]] @old\n"), "-:[[Old|x]] 23:@old",
		"an escape inside a wiki link: no offset for it alone");
	is_str(offsets("**@old** _@old_ *[[old]]*\n"), "2:@old 10:@old 17:[[old]]",
		"emphasis around mentions");
	is_str(offsets("- [ ] ask @old\n  and @old\n> quote @old\n"),
		"10:@old 21:@old 34:@old",
		"list items, their continuation lines, block quotes");
	is_str(offsets("- item\nlazy @old `@old` @old\n"), "12:@old 24:@old",
		"a lazy continuation line");
	is_str(offsets("## 09:30 Coffee with @old ##\n"), "21:@old",
		"an ATX heading");
	is_str(offsets("Coffee with @old\n---\n"), "12:@old", "a setext heading");
	is_str(offsets("a\r\n`@old`\r\n@old\r\n"), "11:@old", "CRLF lines");
	is_str(offsets("\xef\xbb\xbf@old\n"), "3:@old", "after a byte order mark");
	is_str(offsets("`a\n@old` @old\n"), "9:@old",
		"a code span over two lines");
	is_str(offsets("    @old in code\n\n```\n@old\n```\n@old\n"), "31:@old",
		"code blocks are no text");
	is_str(offsets("![i @old](u.png) @old\n"), "4:@old 17:@old",
		"an image's text counts, its source does not");
	is_str(offsets("café [[ Old Name |shown]] x\n"), "6:[[ Old Name |shown]]",
		"after a multi-byte character, with blanks inside the link");

	struct kith_model *m = day("\n\nSeen @old.\n\n`x`\n@old\n");
	ok(m && m->nmentions == 2 && m->mentions[0]->line == 3 &&
		m->mentions[1]->line == 6, "lines come from the offsets");
	kith_model_free(m);
}

/* ---- the diff ---- */

static const char *
diff(const char *from, const char *a, const char *to, const char *b)
{
	static struct kith_buf out = KITH_BUF_INIT;

	kith_buf_clear(&out);
	if (kith_diff(&out, from, a, a ? strlen(a) : 0, to, b,
	    b ? strlen(b) : 0) < 0)
		return "(failed)";
	return kith_buf_cstr(&out);
}

static void
test_diff_cases(void)
{
	is_str(diff("x.md", "a\nb\n", "x.md", "a\nb\n"), "",
		"no change: nothing");
	is_str(diff("x.md", "a\nb\nc\n", "x.md", "a\nB\nc\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n", "one line changed");
	is_str(diff("x.md", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "x.md",
		"1\n2\n3\n4\n5\n6\n7\nEIGHT\n9\n10\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -5,6 +5,6 @@\n 5\n 6\n 7\n-8\n+EIGHT\n 9\n 10\n",
		"three lines of context, fewer at the end");
	is_str(diff("x.md", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "x.md",
		"ONE\n2\n3\n4\n5\n6\n7\n8\nNINE\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1,4 +1,4 @@\n-1\n+ONE\n 2\n 3\n 4\n"
		"@@ -6,4 +6,4 @@\n 6\n 7\n 8\n-9\n+NINE\n",
		"seven lines between two changes: two hunks");
	is_str(diff("x.md", "1\n2\n3\n4\n5\n6\n7\n8\n", "x.md",
		"ONE\n2\n3\n4\n5\n6\n7\nEIGHT\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1,8 +1,8 @@\n-1\n+ONE\n 2\n 3\n 4\n 5\n 6\n 7\n-8\n+EIGHT\n",
		"six lines apart: one hunk");
	is_str(diff("x.md", "a\nb", "x.md", "a\nc"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n"
		"+c\n\\ No newline at end of file\n", "no newline at the end");
	is_str(diff("x.md", "a\n", "x.md", "a\nb\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1 +1,2 @@\n a\n+b\n", "a line added: one-line ranges");
	is_str(diff("x.md", "a\r\nb\r\n", "x.md", "a\r\nB\r\n"),
		"diff --git a/x.md b/x.md\n--- a/x.md\n+++ b/x.md\n"
		"@@ -1,2 +1,2 @@\n a\r\n-b\r\n+B\r\n", "CRLF lines as they are");
	is_str(diff("x.md", "a\nb\n", NULL, NULL),
		"diff --git a/x.md b/x.md\ndeleted file mode 100644\n"
		"--- a/x.md\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n",
		"a file removed");
	is_str(diff(NULL, NULL, "y.md", "a\n"),
		"diff --git a/y.md b/y.md\nnew file mode 100644\n"
		"--- /dev/null\n+++ b/y.md\n@@ -0,0 +1 @@\n+a\n", "a new file");
	is_str(diff("x.md", "a\n", "y.md", "a\n"),
		"diff --git a/x.md b/y.md\nrename from x.md\nrename to y.md\n",
		"a rename without change: the header alone");
	is_str(diff("x.md", "a\nb\n", "y.md", "a\nc\n"),
		"diff --git a/x.md b/y.md\nrename from x.md\nrename to y.md\n"
		"--- a/x.md\n+++ b/y.md\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n",
		"a rename with a change");
}

/* Apply a diff made by kith_diff to a (hunks only): the text it gives. */
static char *
apply(const char *a, const char *d)
{
	struct kith_buf out = KITH_BUF_INIT;
	const char *pos = a, *s = strstr(d, "\n@@ ");
	size_t line = 1; /* of a, at pos */

	while (s) {
		unsigned long start, count, first;
		int k;
		s += 4;
		if ((k = sscanf(s, "-%lu,%lu", &start, &count)) < 1)
			return NULL;
		/* "-5,0": nothing of a, after line 5 */
		first = k == 2 && count == 0 ? start + 1 : start;
		for (; line < first; line++) {
			const char *nl = strchr(pos, '\n');
			kith_buf_put(&out, pos, (size_t)(nl - pos) + 1);
			pos = nl + 1;
		}
		s = strchr(s, '\n') + 1;
		while (*s == ' ' || *s == '-' || *s == '+') {
			const char *nl = strchr(s, '\n');
			size_t n = (size_t)(nl - s);
			bool eof = !strncmp(nl + 1, "\\ No newline", 12);
			if (*s != '-')
				kith_buf_put(&out, s + 1, eof ? n - 1 : n);
			if (*s != '+') {
				pos += eof ? n - 1 : n;
				line++;
			}
			s = eof ? strchr(nl + 1, '\n') + 1 : nl + 1;
		}
		s = *s ? s - 1 : NULL;
		if (s && strncmp(s, "\n@@ ", 4))
			return NULL;
	}
	kith_buf_puts(&out, pos);
	return out.ptr ? out.ptr : strdup("");
}

/* Random texts of a few distinct lines: the diff turns a into b. */
static void
test_diff_random(void)
{
	static const char *const pool[] = { "a\n", "b\n", "c\n", "\n", "d\r\n",
		"- x\n" };
	unsigned seed = 12345;
	int good = 0, runs = 500;

	for (int r = 0; r < runs; r++) {
		struct kith_buf a = KITH_BUF_INIT, b = KITH_BUF_INIT;
		int na = (int)((seed = seed * 1103515245 + 12345) >> 16) % 30;
		int nb = (int)((seed = seed * 1103515245 + 12345) >> 16) % 30;
		for (int i = 0; i < na; i++)
			kith_buf_puts(&a, pool[((seed = seed * 1103515245 + 12345) >> 16) % 6]);
		for (int i = 0; i < nb; i++)
			kith_buf_puts(&b, pool[((seed = seed * 1103515245 + 12345) >> 16) % 6]);
		if (r % 7 == 0 && b.len)
			b.ptr[--b.len] = '\0'; /* no newline at the end */
		const char *d = diff("x", kith_buf_cstr(&a), "x", kith_buf_cstr(&b));
		char *got = *d ? apply(kith_buf_cstr(&a), d) : strdup(kith_buf_cstr(&a));
		if (got && !strcmp(got, kith_buf_cstr(&b)))
			good++;
		else
			printf("# a:\n%s# b:\n%s# diff:\n%s", a.ptr, b.ptr, d);
		free(got);
		kith_buf_free(&a);
		kith_buf_free(&b);
	}
	is_int(good, runs, "500 random diffs, applied, give the new text");

	/* Too big a middle for the table: removed, then added, still right. */
	struct kith_buf a = KITH_BUF_INIT, b = KITH_BUF_INIT;
	for (int i = 0; i < 3000; i++) {
		kith_buf_printf(&a, "a%d\n", i % 7);
		kith_buf_printf(&b, "b%d\n", i % 5);
	}
	const char *d = diff("x", a.ptr, "x", b.ptr);
	char *got = apply(a.ptr, d);
	ok(got && !strcmp(got, b.ptr) && strstr(d, "@@ -1,3000 +1,3000 @@\n"),
		"3000 lines against 3000 others: one hunk");
	free(got);
	kith_buf_free(&a);
	kith_buf_free(&b);
}

static void
test_fields(void)
{
	ok(kith_field_single("birthday") && kith_field_single("every") &&
		kith_field_single("company") && kith_field_single("met") &&
		kith_field_single("introduced-by") && kith_field_single("name") &&
		kith_field_single("last-name"), "single-valued fields");
	ok(!kith_field_single("email") && !kith_field_single("phone") &&
		!kith_field_single("tags") && !kith_field_single("x-custom"),
		"everything else repeats");
}

/* ---- a rename in a real repository ---- */

static void
put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	if ((f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_repo(void)
{
	char base[] = "/tmp/t-rewrite.XXXXXX", dir[256], cmd[600];
	struct kith_init_options opts = { .demo = false };
	struct kith_repo *repo = NULL;
	struct kith_model *m = NULL;
	struct kith_rewrite *rw = NULL;
	struct kith_person *p = NULL;
	struct kith_buf d = KITH_BUF_INIT;

	if (!mkdtemp(base))
		return (void)ok(0, "mkdtemp");
	snprintf(dir, sizeof dir, "%s/home", base);
	setenv("HOME", dir, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	unsetenv("KITH_DIR");
	snprintf(dir, sizeof dir, "%s/r", base);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/home' '%s/journal/2026'", base, dir);
	if (kith_repo_init(dir, &opts) < 0 || system(cmd) != 0 ||
	    kith_repo_open(&repo, dir) < 0)
		return (void)ok(0, "a repository");
	put(dir, "people/old.md", "# Old Name\n\nNotes.\n");
	put(dir, "journal/2026/2026-11-25.md", "# 2026-11-25\n\nSaw @old.\n");
	ok(kith_model_load(&m, repo) == 0 &&
		kith_model_find_person(&p, m, "old") == 0, "load");

	put(dir, "journal/2026/2026-11-25.md", "# 2026-11-25\n\nSaw  @old.\n");
	is_int(kith_rewrite_mv(&rw, repo, m, p, "new", NULL), KITH_ERROR,
		"a file changed since the model was loaded: refused");
	ok(strstr(kith_error(), "'journal/2026/2026-11-25.md' changed while "
		"kith was reading it: try again") != NULL, "and the message says so");

	put(dir, "journal/2026/2026-11-25.md", "# 2026-11-25\n\nSaw @old.\n");
	is_int(kith_rewrite_mv(&rw, repo, m, p, "new", NULL), 0, "mv old new");
	ok(rw && rw->n == 2 && !strcmp(rw->message, "mv: old -> new (2 files)"),
		"two changes, the commit message");
	ok(rw && !strcmp(rw->changes[0].path, "journal/2026/2026-11-25.md") &&
		!rw->changes[0].from && !strcmp(rw->changes[0].data,
		"# 2026-11-25\n\nSaw @new.\n"), "the day, rewritten");
	ok(rw && !strcmp(rw->changes[1].path, "people/new.md") &&
		!strcmp(rw->changes[1].from, "people/old.md") &&
		!strcmp(rw->changes[1].data,
		"# Old Name\n\n- aliases: old\n\nNotes.\n") &&
		!strcmp(rw->before[1], "# Old Name\n\nNotes.\n"),
		"the person, renamed, with the old slug as alias");
	ok(rw && kith_rewrite_diff(&d, rw) == 0 && strstr(kith_buf_cstr(&d),
		"rename from people/old.md\nrename to people/new.md\n"),
		"the diff of it all");
	kith_rewrite_free(rw);
	rw = NULL;
	is_int(kith_rewrite_mv(&rw, repo, m, p, "Bad Slug", NULL), KITH_EINVALID,
		"a bad slug is refused");
	is_int(kith_rewrite_mv(&rw, repo, m, p, "new", "Two\nLines"),
		KITH_EINVALID, "a name on two lines is refused");
	is_int(kith_rewrite_merge(&rw, repo, m, p, p), KITH_EINVALID,
		"a merge of one person into itself is refused");
	ok(!rw, "and gives nothing");

	kith_buf_free(&d);
	kith_model_free(m);
	kith_repo_free(repo);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", base);
}

int
main(void)
{
	test_offsets();
	test_diff_cases();
	test_diff_random();
	test_fields();
	test_repo();
	return done_testing();
}
