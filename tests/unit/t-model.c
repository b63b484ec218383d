/*
 * t-model.c - person and journal parsing, mention resolution,
 * interactions and follow-ups, on texts given here (no repository).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"
#include "tap.h"

static struct kith_model *m;
static struct { const char *path, *text; } files[16];
static size_t nfiles;

static void
remember(const char *path, const char *text)
{
	files[nfiles].path = path;
	files[nfiles++].text = text;
}

static const char *
file_text(const char *path)
{
	for (size_t i = 0; i < nfiles; i++)
		if (!strcmp(files[i].path, path))
			return files[i].text;
	return NULL;
}

static void
person(const char *path, const char *text)
{
	remember(path, text);
	int rc = kith_model_add_person(m, path, text, strlen(text));
	if (rc < 0)
		printf("# %s: %s\n", path, kith_error());
}

static void
day(const char *path, const char *text)
{
	remember(path, text);
	int rc = kith_model_add_day(m, path, text, strlen(text));
	if (rc < 0)
		printf("# %s: %s\n", path, kith_error());
}

static struct kith_person *
who(const char *slug)
{
	for (size_t i = 0; i < m->npeople; i++)
		if (!strcmp(m->people[i]->slug, slug))
			return m->people[i];
	return NULL;
}

static const char *
date_str(kith_date d)
{
	static char buf[16];
	return d == KITH_NODATE ? "none" : kith_date_format(buf, d);
}

static bool
has_tag(const char **tags, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(tags[i], t))
			return true;
	return false;
}

static struct kith_entry *
entry_at(const char *path, int line)
{
	for (size_t i = 0; i < m->nentries; i++)
		if (!strcmp(m->entries[i]->path, path) && m->entries[i]->line == line)
			return m->entries[i];
	return NULL;
}

static void
test_person(void)
{
	struct kith_person *p = who("jane-doe");
	const char *v[4];

	ok(p != NULL, "jane-doe parsed");
	if (!p)
		return;
	is_str(p->name, "Jane Doe", "name from the first H1");
	ok(p->has_name, "has a name");
	is_int(p->nfields, 7, "seven fields");
	is_int(kith_person_field_values(p, "email", v, 4), 2, "two emails");
	is_str(v[0], "jane@example.com", "first email as written");
	is_str(v[1], "jane.doe@acme.example", "second email");
	is_str(kith_person_field(p, "company"), "Acme GmbH", "company");
	is_str(kith_person_field(p, "x-custom"), "kept as is", "unknown key kept, key lower-cased");
	is_str(p->every, "30d", "cadence");
	is_int(p->naliases, 2, "two aliases");
	is_str(p->aliases[0], "Janie", "alias 1");
	is_str(p->aliases[1], "J. Doe", "alias 2");
	ok(has_tag(p->tags, p->ntags, "mentor"), "tag from the tags field");
	ok(has_tag(p->tags, p->ntags, "climbing"), "tag from the notes");
	ok(has_tag(p->tags, p->ntags, "career"), "tag from a dated item");
	ok(!has_tag(p->tags, p->ntags, "notatag"), "no tag from a code span");
	is_int(p->fields_end_line, 10, "field list ends on line 10");

	struct kith_person *nn = who("no-name");
	ok(nn && !nn->has_name, "file without H1 has no name");
	is_str(nn ? nn->name : NULL, "no-name", "slug stands in");
	is_int(nn ? nn->nfields : 99, 0, "list not right after a heading is no field list");

	struct kith_person *crlf = who("crlf-person");
	is_str(crlf ? crlf->name : NULL, "Carl Rolf", "CRLF and BOM: name");
	is_str(crlf ? kith_person_field(crlf, "email") : NULL, "carl@example.com",
		"CRLF: value without CR");
}

static void
test_interactions(void)
{
	struct kith_person *jane = who("jane-doe"), *bob = who("bob-smith"),
		*jose = who("jose-nunez");

	if (!jane || !bob || !jose) {
		ok(0, "people present");
		return;
	}
	/* jane: 2026-11-20 note, 11-25 09:30 entry, 11-25 untimed, 11-24 wiki. */
	is_int(jane->ninteractions, 4, "jane: four interactions");
	is_str(date_str(jane->last), "2026-11-25", "jane: last contact");
	is_int(jane->interactions[0]->time, 9 * 60 + 30, "newest first: 09:30 entry");
	is_str(jane->interactions[0]->title, "Coffee with @jane-doe", "entry title after time");
	is_int(jane->interactions[1]->time, -1, "then the untimed entry of that day");
	is_str(jane->interactions[3]->path, "people/jane-doe.md", "oldest: dated note item");
	is_int(jane->interactions[3]->kind, KITH_ENTRY_NOTE, "note kind");

	/* bob: only the ticked follow-up on 11-24 and the [[Bob Smith]] alias
	 * link; the open follow-up and jane's note do not count. */
	is_int(bob->ninteractions, 2, "bob: two interactions");
	is_str(date_str(bob->last), "2026-11-25", "bob: last contact");
	is_int(jose->ninteractions, 1, "jose: accent-insensitive wiki link");

	struct kith_entry *e = entry_at("journal/2026/2026-11-25.md", 3);
	ok(e != NULL, "untimed entry at line 3");
	if (e) {
		is_int(e->time, -1, "no time");
		is_str(e->title, "Quick note about @jane-doe and bob@example.com. #work/acme #42 C#",
			"untimed title: its first line");
		is_int(e->npeople, 1, "e-mail address is no mention");
		ok(has_tag(e->tags, e->ntags, "work/acme"), "nested tag");
		ok(!has_tag(e->tags, e->ntags, "work"), "nested tag is not its parent");
		ok(!has_tag(e->tags, e->ntags, "42"), "#42 is no tag");
		is_int(e->ntags, 1, "C# and URL fragments are no tags");
	}
	e = entry_at("journal/2026/2026-11-25.md", 5);
	ok(e && e->npeople == 1 && e->people[0] == jane, "mention in heading; twice counts once");
	if (e)
		is_int(e->end_line, 13, "entry runs up to the next heading, blank lines off");
}

static void
test_followups(void)
{
	struct kith_followup *open = NULL, *done = NULL, *plain = NULL, *note = NULL;

	for (size_t i = 0; i < m->nfollowups; i++) {
		struct kith_followup *f = m->followups[i];
		if (!strcmp(f->text, "ask @bob-smith about the role"))
			open = f;
		else if (!strcmp(f->text, "sent @bob-smith the deck"))
			done = f;
		else if (!strcmp(f->text, "book the café"))
			plain = f;
		else if (!strcmp(f->text, "send her the climbing gym link"))
			note = f;
	}
	ok(open && !open->done, "open follow-up, due: removed from text");
	if (open) {
		is_str(date_str(open->due), "2026-12-01", "due date");
		ok(open->npeople == 1 && !strcmp(open->people[0]->slug, "bob-smith"),
			"belongs to the person it mentions");
		is_int(open->line, 8, "line of the box");
	}
	ok(done && done->done, "[X] is done");
	ok(plain && plain->npeople == 1 && !strcmp(plain->people[0]->slug, "jane-doe"),
		"without a mention: the entry's people");
	if (plain)
		is_str(date_str(plain->due), "none", "no due");
	ok(note && note->npeople == 1 && !strcmp(note->people[0]->slug, "jane-doe"),
		"in a person's notes: that person");

	struct kith_followup *nested = NULL;
	for (size_t i = 0; i < m->nfollowups; i++)
		if (!strcmp(m->followups[i]->text, "prepare the offsite"))
			nested = m->followups[i];
	ok(nested && nested->npeople == 1 && !strcmp(nested->people[0]->slug, "zed"),
		"a mention in a sub-item of an open follow-up belongs to it");
	struct kith_person *zed = who("zed");
	ok(zed && zed->ninteractions == 0,
		"and is no interaction (a promise, not yet contact)");
}

static void
test_mentions(void)
{
	size_t unresolved = 0, ambiguous = 0, in_code = 0;

	for (size_t i = 0; i < m->nmentions; i++) {
		struct kith_mention *mn = m->mentions[i];
		if (!mn->person && !mn->ambiguous)
			unresolved++;
		if (mn->ambiguous)
			ambiguous++;
		if (!strcmp(mn->target, "incode"))
			in_code++;
	}
	is_int(unresolved, 2, "two unresolved: @nobody and [[Nobody Known]]");
	is_int(ambiguous, 1, "[[Sam Lee]] is ambiguous");
	is_int(in_code, 0, "nothing from code spans, blocks, HTML, URLs");

	size_t placed = 0;
	for (size_t i = 0; i < m->nmentions; i++) {
		struct kith_mention *mn = m->mentions[i];
		const char *t = file_text(mn->path);
		if (t && mn->off != SIZE_MAX &&
		    !strncmp(t + mn->off, mn->raw, strlen(mn->raw)))
			placed++;
	}
	is_int(placed, m->nmentions, "every mention's source offset holds it as written");

	struct kith_person *p = NULL;
	ok(kith_model_resolve(&p, m, KITH_MENTION_AT, "Janie", 5) == 0 && p &&
		!strcmp(p->slug, "jane-doe"), "@Janie resolves by alias");
	ok(kith_model_resolve(&p, m, KITH_MENTION_AT, "Jane Doe", 8) == KITH_ENOTFOUND,
		"@ does not match names");
	ok(kith_model_resolve(&p, m, KITH_MENTION_WIKI, "JOSÉ NUNEZ", strlen("JOSÉ NUNEZ")) == 0,
		"wiki link: case- and accent-insensitive name");

	ok(kith_model_find_person(&p, m, "jane") == 0 && p &&
		!strcmp(p->slug, "jane-doe"), "find by unique prefix");
	ok(kith_model_find_person(&p, m, "sam") == KITH_EAMBIGUOUS,
		"ambiguous prefix");
	is_str(kith_error(), "'sam' matches 2 people: give the slug\n"
		"\tsam-lee\tSam Lee\n\tsam-lee-2\tSam Lee",
		"the message lists the candidates");
	ok(kith_model_find_person(&p, m, "zelda") == KITH_ENOTFOUND,
		"unknown person");
}

/* A model parsed whole has every text: kith_model_texts has none to cut. */
static void
test_texts(void)
{
	struct kith_entry *e = m->entries[0];
	const char *t = e->text;

	ok(t != NULL, "a parsed entry has its text");
	is_int(kith_model_texts(m, m->entries, m->nentries, NULL, 0), 0,
		"kith_model_texts on a parsed model: nothing to do");
	ok(e->text == t, "and the texts stay as they were");
	e->text = NULL;
	is_int(kith_model_texts(m, &e, 1, NULL, 0), KITH_ERROR,
		"an entry without its text in a parsed model is an error");
	ok(strstr(kith_error(), "no text for ") != NULL, "which says so");
	e->text = t;
}

int
main(void)
{
	if (kith_model_new(&m) < 0)
		return 1;
	person("people/jane-doe.md",
		"# Jane Doe\n"
		"\n"
		"- email: jane@example.com\n"
		"- Email: jane.doe@acme.example\n"
		"- company: Acme GmbH\n"
		"- every: 30d\n"
		"- aliases: Janie, J. Doe\n"
		"- tags: #mentor #berlin\n"
		"- X-Custom: kept as is\n"
		"\n"
		"Free notes. #climbing `#notatag` and [[Bob Smith]] is a friend.\n"
		"\n"
		"- 2026-11-20: called about the job offer #career @bob-smith\n"
		"- [ ] send her the climbing gym link\n");
	person("people/bob-smith.md",
		"# Bob Smith\n\n- aliases: Bobby\n");
	person("people/jose-nunez.md", "# José Núñez\n");
	person("people/zed.md", "# Zed\n");
	person("people/sam-lee.md", "# Sam Lee\n");
	person("people/sam-lee-2.md", "# Sam Lee\n");
	person("people/no-name.md",
		"Some text first.\n\n- email: x@example.com\n");
	person("people/crlf-person.md",
		"\xef\xbb\xbf# Carl Rolf\r\n\r\n- email: carl@example.com\r\n");
	day("journal/2026/2026-11-25.md",
		"# 2026-11-25\n"
		"\n"
		"Quick note about @jane-doe and bob@example.com. #work/acme #42 C#\n"
		"\n"
		"## 09:30 Coffee with @jane-doe\n"
		"She said @jane-doe twice. `@incode #incode` <span title=\"@incode\">seen</span>\n"
		"\n"
		"- [ ] ask @bob-smith about the role due:2026-12-01\n"
		"- [ ] book the café\n"
		"\n"
		"Then a paragraph.\n"
		"\n"
		"    @incode in an indented code block\n"
		"\n"
		"## Call with [[Bobby]]\n"
		"See https://x.io/#incode and <https://x.io/@incode> [x](https://x.io/#incode).\n"
		"Also @nobody and [[Nobody Known]] and [[Sam Lee]].\n"
		"\n"
		"```\n@incode #incode\n```\n");
	day("journal/2026/2026-11-24.md",
		"# 2026-11-24\n\n## 17:00 Lunch\n\nWith [[jose nunez]] and [[Jane Doe|Jane]].\n\n"
		"- [X] sent @bob-smith the deck\n"
		"- [ ] prepare the offsite\n"
		"  - book the room that @zed recommended\n");
	if (kith_model_finish(m) < 0) {
		printf("# finish: %s\n", kith_error());
		return 1;
	}
	test_person();
	test_interactions();
	test_followups();
	test_mentions();
	test_texts();
	kith_model_free(m);
	return done_testing();
}
