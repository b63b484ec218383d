/*
 * t-pmerge.c - the three-way, field-aware merge of person files
 * (kith_pmerge), case by case, then random edits checked for the
 * properties every merge must have: a side that changed nothing yields
 * the other, and no line either side added is lost.
 */
#include <stdlib.h>
#include <string.h>

#include "kith.h"
#include "tap.h"

static void
merge(const char *name, const char *base, const char *ours,
	const char *theirs, const char *want, size_t want_conflicts)
{
	char *out = NULL;
	size_t len, n;
	int rc = kith_pmerge(&out, &len, &n, base, base ? strlen(base) : 0,
		ours, strlen(ours), theirs, strlen(theirs));

	if (!ok(rc == 0, name)) {
		printf("#   %s\n", kith_error());
		return;
	}
	is_str(out, want, name);
	is_int(n, want_conflicts, name);
	is_int(len, strlen(out), name);
	is_int(kith_conflict_markers(out, len) > 0, want_conflicts > 0, name);
	free(out);
}

static void
test_trivial(void)
{
	const char *b = "# Jane Doe\n\n- email: jane@example.com\n\nNotes.\n";
	const char *x = "# Jane Doe\n\n- email: jane@example.com\n- phone: 1\n\nNotes.\n";

	merge("nothing changed", b, b, b, b, 0);
	merge("only ours changed", b, x, b, x, 0);
	merge("only theirs changed", b, b, x, x, 0);
	merge("both made the same change", b, x, x, x, 0);
	merge("empty files", "", "", "", "", 0);
}

static void
test_fields(void)
{
	const char *b =
		"# Jane Doe\n"
		"\n"
		"- email: jane@example.com\n"
		"- phone: +49 30 1\n"
		"- city: Rome\n"
		"\n"
		"She prefers mornings.\n";

	merge("different fields changed on each side", b,
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 2\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Paris\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 2\n"
		"- city: Paris\n\nShe prefers mornings.\n", 0);
	merge("the same field changed differently: a conflict on that line", b,
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 2\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 3\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n"
		"<<<<<<< ours\n- phone: +49 30 2\n=======\n- phone: +49 30 3\n"
		">>>>>>> theirs\n"
		"- city: Rome\n\nShe prefers mornings.\n", 1);
	merge("adjacent fields changed on each side", b,
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 2\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Oslo\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 2\n"
		"- city: Oslo\n\nShe prefers mornings.\n", 0);
	merge("both add an e-mail: both kept, ours first", b,
		"# Jane Doe\n\n- email: jane@example.com\n- email: jd@acme.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- email: jane@home.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- email: jd@acme.example\n"
		"- email: jane@home.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n", 0);
	merge("both add the same e-mail: kept once", b,
		"# Jane Doe\n\n- email: jane@example.com\n- email: jd@acme.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- email: jd@acme.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- email: jd@acme.example\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n", 0);
	merge("both add a phone at the end of the list", b,
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- phone: +1 555 1\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- phone: +1 555 2\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- phone: +1 555 1\n- phone: +1 555 2\n\n"
		"She prefers mornings.\n", 0);
	merge("both add a different birthday: single-valued, a conflict", b,
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- birthday: 1990-04-12\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- birthday: 1990-04-21\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n<<<<<<< ours\n- birthday: 1990-04-12\n=======\n"
		"- birthday: 1990-04-21\n>>>>>>> theirs\n\nShe prefers mornings.\n", 1);
	merge("a single-valued field added in different places still conflicts", b,
		"# Jane Doe\n\n- company: Acme\n- email: jane@example.com\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n- company: Initech\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n<<<<<<< ours\n- company: Acme\n=======\n"
		"- company: Initech\n>>>>>>> theirs\n- email: jane@example.com\n"
		"- phone: +49 30 1\n- city: Rome\n\nShe prefers mornings.\n", 1);
	merge("a key the file repeats is repeatable", 
		"# A\n\n- site: a.example\n- site: b.example\n",
		"# A\n\n- site: a.example\n- site: b.example\n- site: c.example\n",
		"# A\n\n- site: a.example\n- site: b.example\n- site: d.example\n",
		"# A\n\n- site: a.example\n- site: b.example\n- site: c.example\n"
		"- site: d.example\n", 0);
	merge("one side removes a field, the other changes another", b,
		"# Jane Doe\n\n- email: jane@example.com\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Milan\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n"
		"- city: Milan\n\nShe prefers mornings.\n", 0);
	merge("one side removes a field the other changes: a conflict", b,
		"# Jane Doe\n\n- email: jane@example.com\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 9\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n"
		"<<<<<<< ours\n=======\n- phone: +49 30 9\n>>>>>>> theirs\n"
		"- city: Rome\n\nShe prefers mornings.\n", 1);
	merge("keys compare case-insensitively, values by their words", b,
		"# Jane Doe\n\n- Email:  jane@example.com\n- phone: +49 30 1\n"
		"- city: Rome\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- email: jane@example.com\n- phone: +49 30 1\n"
		"- city: Turin\n\nShe prefers mornings.\n",
		"# Jane Doe\n\n- Email:  jane@example.com\n- phone: +49 30 1\n"
		"- city: Turin\n\nShe prefers mornings.\n", 0);
	merge("a value on a continuation line is part of its field",
		"# A\n\n- address: 1 Main St\n  Springfield\n- phone: 1\n",
		"# A\n\n- address: 1 Main St\n  Shelbyville\n- phone: 1\n",
		"# A\n\n- address: 1 Main St\n  Springfield\n- phone: 2\n",
		"# A\n\n- address: 1 Main St\n  Shelbyville\n- phone: 2\n", 0);
	merge("both add the first field", "# A\n",
		"# A\n\n- email: a@x.example\n",
		"# A\n\n- phone: 1\n",
		"# A\n\n- email: a@x.example\n- phone: 1\n", 0);
}

static void
test_words(void)
{
	const char *b = "# A\n\n- tags: #mentor #berlin\n- aliases: Al, Bert\n";

	merge("tags added on both sides merge word by word", b,
		"# A\n\n- tags: #mentor #berlin #climbing\n- aliases: Al, Bert\n",
		"# A\n\n- tags: #mentor #berlin #career\n- aliases: Al, Bert\n",
		"# A\n\n- tags: #mentor #berlin #climbing #career\n"
		"- aliases: Al, Bert\n", 0);
	merge("a tag removed on one side, one added on the other", b,
		"# A\n\n- tags: #berlin\n- aliases: Al, Bert\n",
		"# A\n\n- tags: #mentor #berlin #career\n- aliases: Al, Bert\n",
		"# A\n\n- tags: #berlin #career\n- aliases: Al, Bert\n", 0);
	merge("aliases merge by commas", b,
		"# A\n\n- tags: #mentor #berlin\n- aliases: Al, Bert, Bertie\n",
		"# A\n\n- tags: #mentor #berlin\n- aliases: Al, Bert, A. B.\n",
		"# A\n\n- tags: #mentor #berlin\n- aliases: Al, Bert, Bertie, A. B.\n",
		0);
	merge("tags added on both sides where there were none", "# A\n\n- phone: 1\n",
		"# A\n\n- phone: 1\n- tags: #a\n",
		"# A\n\n- phone: 1\n- tags: #b #a\n",
		"# A\n\n- phone: 1\n- tags: #a #b\n", 0);
}

static void
test_notes(void)
{
	const char *b =
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n";

	merge("notes appended on both sides: both kept, ours first", b,
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-20: called about the offer\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-21: lunch #career\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-20: called about the offer\n"
		"- 2026-11-21: lunch #career\n", 0);
	merge("paragraphs appended on both sides stay paragraphs", b,
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n\nHe likes tea.\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n\nHe runs marathons.\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n\nHe likes tea.\n\nHe runs marathons.\n", 0);
	merge("the same note line changed differently: a conflict on it", b,
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon US.\n\n"
		"- 2026-11-01: coffee\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon 2024.\n\n"
		"- 2026-11-01: coffee\n",
		"# Ben\n\n- email: ben@example.com\n\n<<<<<<< ours\n"
		"Met at PyCon US.\n=======\nMet at PyCon 2024.\n>>>>>>> theirs\n\n"
		"- 2026-11-01: coffee\n", 1);
	merge("a note line changed on one side, notes appended on the other", b,
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon US.\n\n"
		"- 2026-11-01: coffee\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-22: dinner\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon US.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-22: dinner\n", 0);
	merge("the last line changed on one side, a line appended on the other", b,
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee and cake\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-22: dinner\n",
		"# Ben\n\n- email: ben@example.com\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee and cake\n- 2026-11-22: dinner\n", 0);
	merge("fields and notes changed on both sides at once", b,
		"# Ben\n\n- email: ben@example.com\n- phone: 1\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-20: a\n",
		"# Ben\n\n- email: ben@work.example\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-21: b\n",
		"# Ben\n\n- email: ben@work.example\n- phone: 1\n\nMet at PyCon.\n\n"
		"- 2026-11-01: coffee\n- 2026-11-20: a\n- 2026-11-21: b\n", 0);
	merge("one side changes a line the other deletes: the change is kept",
		"# C\n\nline one\nline two\nline three\n",
		"# C\n\nline one\nline 2\nline three\n",
		"# C\n\nline one\nline three\n",
		"# C\n\nline one\nline 2\nline three\n", 0);
}

static void
test_shapes(void)
{
	merge("no field list: notes appended on both sides",
		"# Dana\n\nSome notes.\n",
		"# Dana\n\nSome notes.\nMore from ours.\n",
		"# Dana\n\nSome notes.\nMore from theirs.\n",
		"# Dana\n\nSome notes.\nMore from ours.\nMore from theirs.\n", 0);
	merge("no heading, no fields: plain text",
		"one\ntwo\n", "one\ntwo\nthree\n", "zero\none\ntwo\n",
		"zero\none\ntwo\nthree\n", 0);
	merge("fields without a heading",
		"- email: a@x.example\n\nnotes\n",
		"- email: a@x.example\n- phone: 1\n\nnotes\n",
		"- email: b@x.example\n\nnotes\n",
		"- email: b@x.example\n- phone: 1\n\nnotes\n", 0);
	merge("a setext heading",
		"Jane\n====\n\n- phone: 1\n- city: Rome\n",
		"Jane\n====\n\n- phone: 2\n- city: Rome\n",
		"Jane\n====\n\n- phone: 1\n- city: Oslo\n",
		"Jane\n====\n\n- phone: 2\n- city: Oslo\n", 0);
	merge("the name changed differently on both sides: a conflict",
		"# Jane\n\n- phone: 1\n",
		"# Jane Doe\n\n- phone: 1\n",
		"# Jane Smith\n\n- phone: 1\n",
		"<<<<<<< ours\n# Jane Doe\n=======\n# Jane Smith\n>>>>>>> theirs\n"
		"\n- phone: 1\n", 1);
	merge("both added the file", NULL,
		"# Jane\n\n- email: j@x.example\n\nFrom the phone.\n",
		"# Jane\n\n- phone: 1\n\nFrom the laptop.\n",
		"# Jane\n\n- email: j@x.example\n- phone: 1\n\nFrom the phone.\n\n"
		"From the laptop.\n", 0);
	merge("both added the file under different names", NULL,
		"# Jane\n", "# Jane Doe\n",
		"<<<<<<< ours\n# Jane\n=======\n# Jane Doe\n>>>>>>> theirs\n", 1);
	merge("no newline at the end of the file",
		"# A\n\n- phone: 1",
		"# A\n\n- phone: 2",
		"# A\n\n- phone: 1\n\nnotes",
		"# A\n\n- phone: 2\n\nnotes", 0);
	merge("a heading in a code block is no heading",
		"```\n# not it\n```\n# A\n\n- phone: 1\n",
		"```\n# not it\n```\n# A\n\n- phone: 2\n",
		"```\n# not it\n```\n# A\n\n- phone: 1\n- email: a@x.example\n",
		"```\n# not it\n```\n# A\n\n- phone: 2\n- email: a@x.example\n", 0);
	merge("a list after text is notes, not fields",
		"# A\n\nText.\n- phone: 1\n",
		"# A\n\nText.\n- phone: 2\n",
		"# A\n\nText.\n- phone: 3\n",
		"# A\n\nText.\n<<<<<<< ours\n- phone: 2\n=======\n- phone: 3\n"
		">>>>>>> theirs\n", 1);
}

static void
test_crlf(void)
{
	merge("CRLF file: both sides' changes, CRLF kept",
		"# A\r\n\r\n- phone: 1\r\n- city: Rome\r\n\r\nNotes.\r\n",
		"# A\r\n\r\n- phone: 2\r\n- city: Rome\r\n\r\nNotes.\r\n",
		"# A\r\n\r\n- phone: 1\r\n- city: Oslo\r\n\r\nNotes.\r\n- 2026-11-02: x\r\n",
		"# A\r\n\r\n- phone: 2\r\n- city: Oslo\r\n\r\nNotes.\r\n- 2026-11-02: x\r\n",
		0);
	merge("CRLF ours, LF theirs: lines compare equal, ours' endings win",
		"# A\r\n\r\n- phone: 1\r\n\r\nNotes.\r\n",
		"# A\r\n\r\n- phone: 1\r\n- email: a@x.example\r\n\r\nNotes.\r\n",
		"# A\n\n- phone: 1\n\nNotes.\nMore.\n",
		"# A\r\n\r\n- phone: 1\r\n- email: a@x.example\r\n\r\nNotes.\r\nMore.\r\n",
		0);
	merge("CRLF conflict: the markers end as the file does",
		"# A\r\n\r\n- phone: 1\r\n",
		"# A\r\n\r\n- phone: 2\r\n",
		"# A\r\n\r\n- phone: 3\r\n",
		"# A\r\n\r\n<<<<<<< ours\r\n- phone: 2\r\n=======\r\n- phone: 3\r\n"
		">>>>>>> theirs\r\n", 1);
}

static void
test_markers(void)
{
	const char *t = "a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n";

	is_int(kith_conflict_markers(t, strlen(t)), 2, "markers: first marker line");
	t = "a\n=======\nb\n";
	is_int(kith_conflict_markers(t, strlen(t)), 0, "markers: a setext rule is none");
	t = "x\n>>>>>>>\n";
	is_int(kith_conflict_markers(t, strlen(t)), 2, "markers: a bare marker");
	t = "<<<<<<<< eight\n> quote\n";
	is_int(kith_conflict_markers(t, strlen(t)), 0, "markers: eight is no marker");
	t = "a\r\n<<<<<<<\r\n";
	is_int(kith_conflict_markers(t, strlen(t)), 2, "markers: CRLF");
	is_int(kith_conflict_markers("", 0), 0, "markers: empty");
}

static void
umerge(const char *name, const char *base, const char *ours,
	const char *theirs, const char *want)
{
	char *out = NULL;
	size_t len;
	int rc = kith_union_merge(&out, &len, base, base ? strlen(base) : 0,
		ours, strlen(ours), theirs, strlen(theirs));

	if (!ok(rc == 0, name))
		return;
	is_str(out, want, name);
	is_int(kith_conflict_markers(out, len), 0, name);
	free(out);
}

static void
test_union(void)
{
	const char *b = "# 2026-11-25\n\n## 09:00 Standup\n";

	umerge("a day: entries appended on both sides, parted by a blank line", b,
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Coffee with @ana\n"
		"She moved.\n",
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Lunch with @ben\n"
		"- [ ] send him the deck\n",
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Coffee with @ana\n"
		"She moved.\n\n## Lunch with @ben\n- [ ] send him the deck\n");
	umerge("a day made on both sides: its title once", NULL,
		"# 2026-11-25\n\n## Coffee\n",
		"# 2026-11-25\n\n## Lunch\n",
		"# 2026-11-25\n\n## Coffee\n\n## Lunch\n");
	umerge("the same line changed on both sides: both kept, ours first",
		"# D\n\n- [ ] call Bob\n",
		"# D\n\n- [x] call Bob\n",
		"# D\n\n- [ ] call Bob due:2026-12-01\n",
		"# D\n\n- [x] call Bob\n- [ ] call Bob due:2026-12-01\n");
	umerge("one side unchanged: the other", b, b,
		"# 2026-11-25\n\n## 09:00 Standup\nnotes\n",
		"# 2026-11-25\n\n## 09:00 Standup\nnotes\n");
	umerge("the same entry appended on both sides: once", b,
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Same\n",
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Same\n",
		"# 2026-11-25\n\n## 09:00 Standup\n\n## Same\n");
	umerge("CRLF days", "# D\r\n",
		"# D\r\n\r\n## A\r\n", "# D\r\n\r\n## B\r\n",
		"# D\r\n\r\n## A\r\n\r\n## B\r\n");
}

/* ---- random edits: properties ---- */

static unsigned long rnd_state = 12345;

static unsigned
rnd(unsigned n)
{
	rnd_state = rnd_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rnd_state >> 33) % n;
}

struct doc {
	char lines[40][48];
	size_t n, fields; /* fields: lines 2 .. 2+fields */
};

static const char *const keys[] = { "email", "phone", "city", "company",
	"birthday", "url" };

static void
random_doc(struct doc *d)
{
	d->n = 0;
	snprintf(d->lines[d->n++], 48, "# Person %u", rnd(100));
	snprintf(d->lines[d->n++], 48, "%s", "");
	d->fields = rnd(5);
	for (size_t i = 0; i < d->fields; i++)
		snprintf(d->lines[d->n++], 48, "- %s: v%u", keys[rnd(6)], rnd(1000));
	snprintf(d->lines[d->n++], 48, "%s", "");
	for (unsigned i = rnd(6); i > 0; i--)
		snprintf(d->lines[d->n++], 48, rnd(4) ? "- 2026-11-%02u: note %u" :
			"text %u %u", 1 + rnd(28), rnd(1000));
}

/* One edit with text nobody else writes (tag makes it unique). */
static void
edit(struct doc *d, char side, unsigned k)
{
	size_t fe = 2 + d->fields;
	unsigned what = rnd(6);

	if (d->n >= 38)
		what = 5;
	switch (what) {
	case 0: /* change a field's value */
		if (d->fields) {
			size_t i = 2 + rnd((unsigned)d->fields);
			char *c = strchr(d->lines[i], ':');
			snprintf(c + 2, 40, "%c%u", side, k);
			break;
		}
		/* fall through */
	case 1: /* add a field */
		memmove(d->lines[fe + 1], d->lines[fe], (d->n - fe) * 48);
		snprintf(d->lines[fe], 48, "- %s: %c%u", keys[rnd(6)], side, k);
		d->fields++;
		d->n++;
		break;
	case 2: /* append a note */
		snprintf(d->lines[d->n++], 48, "- 2026-11-%02u: %c%u", 1 + rnd(28),
			side, k);
		break;
	case 3: /* change a note line */
		if (d->n > fe + 1) {
			size_t i = fe + 1 + rnd((unsigned)(d->n - fe - 1));
			snprintf(d->lines[i], 48, "changed %c%u", side, k);
			break;
		}
		/* fall through */
	case 4: /* insert a note line */
		{
			size_t i = fe + 1 + rnd((unsigned)(d->n - fe));
			memmove(d->lines[i + 1], d->lines[i], (d->n - i) * 48);
			snprintf(d->lines[i], 48, "inserted %c%u", side, k);
			d->n++;
		}
		break;
	default: /* delete a note line */
		if (d->n > fe + 1) {
			size_t i = fe + 1 + rnd((unsigned)(d->n - fe - 1));
			memmove(d->lines[i], d->lines[i + 1], (d->n - i - 1) * 48);
			d->n--;
		}
	}
}

static char *
text(const struct doc *d)
{
	struct kith_buf b = KITH_BUF_INIT;

	for (size_t i = 0; i < d->n; i++)
		kith_buf_printf(&b, "%s\n", d->lines[i]);
	kith_buf_put(&b, "", 0);
	return b.ptr;
}

static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *s = text; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : s)
		if (strncmp(s, line, n) == 0 && s[n] == '\n')
			return true;
	return false;
}

/* Every line of side that base lacks is in out. */
static bool
keeps_added(const char *out, const struct doc *side, const char *base)
{
	for (size_t i = 0; i < side->n; i++)
		if (side->lines[i][0] && !has_line(base, side->lines[i]) &&
		    !has_line(out, side->lines[i])) {
			printf("#   lost '%s'\n", side->lines[i]);
			return false;
		}
	return true;
}

static void
test_random(void)
{
	int bad_keep = 0, bad_same = 0, bad_rc = 0, bad_markers = 0;
	int bad_union = 0;

	for (unsigned round = 0; round < 3000; round++) {
		struct doc b, o, t;
		char *bt, *ot, *tt, *out;
		size_t len, nc;

		random_doc(&b);
		o = t = b;
		for (unsigned i = rnd(4); i > 0; i--)
			edit(&o, 'o', round * 10 + i);
		for (unsigned i = rnd(4); i > 0; i--)
			edit(&t, 't', round * 10 + i);
		bt = text(&b);
		ot = text(&o);
		tt = text(&t);
		if (kith_pmerge(&out, &len, &nc, bt, strlen(bt), ot, strlen(ot),
		    tt, strlen(tt)) < 0) {
			bad_rc++;
			goto next;
		}
		if (!keeps_added(out, &o, bt) || !keeps_added(out, &t, bt)) {
			bad_keep++;
			printf("# base:\n%s# ours:\n%s# theirs:\n%s# got:\n%s", bt,
				ot, tt, out);
		}
		if ((strcmp(ot, bt) == 0 && strcmp(out, tt) != 0) ||
		    (strcmp(tt, bt) == 0 && strcmp(out, ot) != 0) ||
		    (strcmp(ot, tt) == 0 && strcmp(out, ot) != 0))
			bad_same++;
		if ((nc > 0) != (kith_conflict_markers(out, len) > 0))
			bad_markers++;
		free(out);
		/* the union keeps every line either side added or both kept */
		if (kith_union_merge(&out, &len, bt, strlen(bt), ot, strlen(ot),
		    tt, strlen(tt)) < 0) {
			bad_rc++;
			goto next;
		}
		for (size_t i = 0; i < o.n; i++)
			bad_union += o.lines[i][0] && (!has_line(bt, o.lines[i]) ||
				has_line(tt, o.lines[i])) && !has_line(out, o.lines[i]);
		for (size_t i = 0; i < t.n; i++)
			bad_union += t.lines[i][0] && (!has_line(bt, t.lines[i]) ||
				has_line(ot, t.lines[i])) && !has_line(out, t.lines[i]);
		bad_markers += kith_conflict_markers(out, len) > 0;
		free(out);
next:
		free(bt);
		free(ot);
		free(tt);
	}
	is_int(bad_rc, 0, "random edits: every merge succeeds");
	is_int(bad_keep, 0, "random edits: no line either side added is lost");
	is_int(bad_same, 0, "random edits: an unchanged side yields the other");
	is_int(bad_markers, 0, "random edits: markers exactly when conflicts");
	is_int(bad_union, 0, "random edits: the union keeps what either added");
}

int
main(void)
{
	test_trivial();
	test_fields();
	test_words();
	test_notes();
	test_shapes();
	test_crlf();
	test_markers();
	test_union();
	test_random();
	return done_testing();
}
