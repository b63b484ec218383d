/*
 * demo.c - the small professional network that `kith init --demo` writes.
 *
 * Two static tables, people and journal entries, hold the text. Every date
 * in them is a placeholder relative to today, so the demo always looks
 * fresh and `kith due` always has something in each group:
 *
 *	{-12}		today - 12 days, as YYYY-MM-DD ({0} is today)
 *	{bday+3}	a birthday 3 days ahead, without year: --MM-DD
 *	{bday+3,38}	the same birthday with a year, turning 38: YYYY-MM-DD
 *
 * Entries of one day go into one journal file, untimed ones first, then in
 * time order.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct demo_person {
	const char *slug;
	const char *text;
};

struct demo_entry {
	int day; /* offset from today, <= 0 */
	const char *text;
};

static const struct demo_person people[] = {
	{ "jane-doe",
	  "# Jane Doe\n"
	  "\n"
	  "- email: jane@example.com\n"
	  "- email: jane.doe@acme.example\n"
	  "- phone: +49 30 1234567\n"
	  "- birthday: {bday+118,47}\n"
	  "- company: Acme GmbH\n"
	  "- role: VP Engineering\n"
	  "- met: {-1130} at a Northwind tech talk she gave\n"
	  "- introduced-by: @bob-smith\n"
	  "- every: 30d\n"
	  "- aliases: Janie, J. Doe\n"
	  "- tags: #mentor #berlin\n"
	  "\n"
	  "My mentor since Bob introduced us. Direct, generous with her\n"
	  "time, and always asks what I have tried already. She prefers\n"
	  "mornings, and calls over long e-mails. #climbing\n"
	  "\n"
	  "She introduced me to [[Tom Okafor]], one of her engineering\n"
	  "managers.\n"
	  "\n"
	  "- {-60}: quarterly check-in by phone; talked about the staff"
	  " engineer path #career\n" },
	{ "bob-smith",
	  "# Bob Smith\n"
	  "\n"
	  "- email: bob@smithadvisory.example\n"
	  "- phone: +49 151 2345678\n"
	  "- company: Smith Advisory\n"
	  "- met: {-2900} at Northwind Analytics, my first team lead\n"
	  "- every: 30d\n"
	  "- tags: #former-manager\n"
	  "\n"
	  "Hired me at Northwind and taught me to write the decision down\n"
	  "before building anything. Now consults for data teams on their\n"
	  "platform work. Happy to vouch for me; give him a week's notice.\n"
	  "\n"
	  "- {-90}: sent a card when he launched Smith Advisory\n" },
	{ "priya-raman",
	  "# Priya Raman\n"
	  "\n"
	  "- email: priya@lumenlabs.example\n"
	  "- phone: +44 20 7946 0321\n"
	  "- company: Lumen Labs\n"
	  "- role: Co-founder and CEO\n"
	  "- birthday: {bday+205,34}\n"
	  "- met: {-4400} at university\n"
	  "- every: 2w\n"
	  "- tags: #founder #friend\n"
	  "\n"
	  "Old friend from university, now building Lumen Labs (energy\n"
	  "analytics for small utilities). Likes a sounding board on\n"
	  "technical hires; ask how hiring is going. Introduced me to\n"
	  "[[David Chen]].\n" },
	{ "david-chen",
	  "# David Chen\n"
	  "\n"
	  "- email: david@chenventures.example\n"
	  "- company: Chen Ventures\n"
	  "- met: {-31} through an e-mail intro from Priya\n"
	  "- introduced-by: @priya-raman\n"
	  "- every: 3m\n"
	  "- tags: #investor\n"
	  "\n"
	  "Angel investor and former engineering director. Invests in\n"
	  "developer tools and data infrastructure, and asks for candid\n"
	  "technical opinions on the companies he is looking at. #devtools\n" },
	{ "jose-nunez",
	  "# José Núñez\n"
	  "\n"
	  "- email: jose@datacentric.example\n"
	  "- phone: +34 600 123 456\n"
	  "- company: Datacentric\n"
	  "- birthday: {bday+71}\n"
	  "- met: {-33} at the Data Engineering Summit in Madrid\n"
	  "- aliases: Pepe\n"
	  "- tags: #conference #madrid\n"
	  "\n"
	  "Staff engineer running the streaming platform at Datacentric;\n"
	  "goes by Pepe with friends. Co-organises the Madrid data meetup\n"
	  "and is always looking for speakers. Keen to co-write a talk on\n"
	  "backfills.\n" },
	{ "hannah-schulz",
	  "# Hannah Schulz\n"
	  "\n"
	  "- email: hannah.schulz@talentbridge.example\n"
	  "- phone: +49 160 9876543\n"
	  "- company: Talentbridge\n"
	  "- met: {-420} at the Berlin engineering leadership meetup\n"
	  "- every: 3m\n"
	  "- tags: #recruiter #berlin\n"
	  "\n"
	  "Technical recruiter who places engineering leaders in Berlin.\n"
	  "Honest about salary ranges and never pushy. Keep her posted on\n"
	  "what I want next, even when I am not looking.\n" },
	{ "claire-dubois",
	  "# Claire Dubois\n"
	  "\n"
	  "- email: claire.dubois@platformweekly.example\n"
	  "- company: Platform Weekly\n"
	  "- role: Senior reporter\n"
	  "- met: {-24} by e-mail, after my Madrid talk\n"
	  "- every: 2m\n"
	  "- tags: #press\n"
	  "\n"
	  "Covers infrastructure and developer productivity. Prefers a\n"
	  "short written summary before an interview, and sends quotes for\n"
	  "checking before a piece runs.\n" },
	{ "sofia-lindqvist",
	  "# Sofia Lindqvist\n"
	  "\n"
	  "- email: sofia@fjordhealth.example\n"
	  "- birthday: {bday+3,38}\n"
	  "- company: Fjord Health\n"
	  "- role: Product lead\n"
	  "- met: {-2200} at Northwind Analytics\n"
	  "- every: 6w\n"
	  "- tags: #former-colleague #stockholm\n"
	  "\n"
	  "We shipped the first Northwind data pipeline together. Now\n"
	  "product lead at Fjord Health in Stockholm. Remembers everyone's\n"
	  "birthday, so do not forget hers.\n" },
	{ "tom-okafor",
	  "# Tom Okafor\n"
	  "\n"
	  "- email: tom.okafor@acme.example\n"
	  "- company: Acme GmbH\n"
	  "- role: Engineering manager\n"
	  "- met: {-3} over coffee with Jane\n"
	  "- introduced-by: @jane-doe\n"
	  "- tags: #berlin #mentee\n"
	  "\n"
	  "New engineering manager on [[jane-doe|Jane]]'s team, moving over\n"
	  "from a staff engineer role. We meet monthly to talk through his\n"
	  "first quarter as a manager.\n" },
};

static const struct demo_entry entries[] = {
	{ -41,
	  "## 12:30 Lunch with @bob-smith\n"
	  "First proper catch-up since he left Northwind to start Smith\n"
	  "Advisory. Busy with two data platform clients and enjoying it.\n"
	  "Still asks \"where is the decision written down?\" #career\n"
	  "\n"
	  "- [x] send Bob the draft of my Madrid talk\n" },
	{ -39,
	  "## 08:30 Mentoring call with @jane-doe #mentor\n"
	  "Talked about the staff engineer path. Her advice: pick one\n"
	  "cross-team problem nobody owns and write the plan for it; the\n"
	  "title follows the work, not the other way round. #career\n"
	  "\n"
	  "- [x] share the migration plan outline with Jane\n" },
	{ -36,
	  "## 19:00 Berlin engineering leadership meetup\n"
	  "Panel on growing staff engineers. Ran into @hannah-schulz from\n"
	  "Talentbridge: the market for platform leads is busy again. Met\n"
	  "two managers from [[Jane Doe]]'s team. #meetup\n" },
	{ -33,
	  "## 16:40 My talk: migrating a live data platform\n"
	  "Full room, good questions about schema changes. Ran four minutes\n"
	  "over. The recording goes online next week. #talk\n" },
	{ -33,
	  "## 11:15 Hallway track at the Data Engineering Summit\n"
	  "Long chat with @jose-nunez after the streaming session. His team\n"
	  "moved their pipelines to a new broker with no downtime; we\n"
	  "compared notes on backfills. #conference #madrid\n" },
	{ -31,
	  "## Intro from Priya #intro\n"
	  "@priya-raman introduced me to @david-chen by e-mail: he is\n"
	  "looking at two observability startups and wants an engineer's\n"
	  "view. Replied to both and booked a coffee.\n" },
	{ -29,
	  "## 08:45 Coffee with @sofia-lindqvist\n"
	  "In Berlin for two days. A year in as product lead at Fjord\n"
	  "Health and hiring her first data engineer. She gets the best out\n"
	  "of people by asking what they would cut. #former-colleague\n" },
	{ -26,
	  "## 17:00 Call with @jane-doe\n"
	  "She watched the recording of my Madrid talk and gave me\n"
	  "blunt #feedback: the first ten minutes were context nobody needed.\n"
	  "Open with the outage story, cut the architecture slides to\n"
	  "three, and end with the one decision I would make differently.\n"
	  "\n"
	  "- [x] rewrite the talk opening around the outage story\n" },
	{ -22,
	  "## 15:30 Call with @claire-dubois #press\n"
	  "She is writing a piece for Platform Weekly on how platform teams\n"
	  "run migrations and found my talk. Agreed to an interview; she\n"
	  "wants a short written summary first.\n"
	  "\n"
	  "- [x] send Claire a one-page summary of the migration\n" },
	{ -20,
	  "## 11:00 Call with @hannah-schulz\n"
	  "A staff platform role at a Berlin fintech. Not looking right\n"
	  "now, and told her so; she will keep me in mind for leadership\n"
	  "roles next year. Useful numbers on salary ranges. #career\n" },
	{ -18,
	  "## 09:30 Coffee with @david-chen\n"
	  "Walked through the two observability startups. One has a real\n"
	  "wedge (cheap long-term storage), the other is a dashboard on\n"
	  "someone else's database. He asked for my notes in\n"
	  "writing. #investor\n"
	  "\n"
	  "- [ ] send @david-chen my written notes on both startups"
	  " due:{-2}\n" },
	{ -15,
	  "## 19:30 Dinner with [[priya-raman|Priya]]\n"
	  "Lumen Labs closed its seed round. She is opening an office in\n"
	  "Madrid and needs engineers who know streaming systems. #founder\n" },
	{ -15,
	  "Heads-down day on the migration plan. Finished the decision\n"
	  "record on the backfill strategy and shared it with the\n"
	  "team. #writing\n" },
	{ -13,
	  "## 08:30 Mentoring call with @jane-doe #mentor\n"
	  "Went through the outline of my promotion case. She wants the\n"
	  "impact beyond my team in the first paragraph, not on page three.\n"
	  "\n"
	  "- [ ] draft the staff engineer promotion doc and send it to Jane"
	  " due:{0}\n" },
	{ -11,
	  "## 18:00 Drinks with @priya-raman\n"
	  "Celebrated the seed round. Hiring is her bottleneck: three\n"
	  "offers out, none accepted yet. [[José Núñez|Pepe]] knows the\n"
	  "Madrid market better than anyone I know. #intro\n"
	  "\n"
	  "- [ ] introduce @priya-raman to @jose-nunez by e-mail due:{+4}\n" },
	{ -9,
	  "## 17:00 Video call with @sofia-lindqvist\n"
	  "She asked for a reference on a data engineer I worked with at\n"
	  "Northwind; gave her an honest, positive one. Her birthday is\n"
	  "coming up soon.\n" },
	{ -8,
	  "## 21:00 Planning the next quarter\n"
	  "Wrote down what I want from the next year: lead one cross-team\n"
	  "project, speak at two conferences, mentor someone outside\n"
	  "Northwind. #career #goals\n"
	  "\n"
	  "- [ ] ask @bob-smith for a few lines on the data platform work for"
	  " my promotion packet\n"
	  "- [ ] pitch a talk to the Berlin engineering leadership meetup\n" },
	{ -6,
	  "## 16:00 Interview with @claire-dubois #press\n"
	  "Forty minutes on the migration, the outage and what we would do\n"
	  "differently. Quotes come over for checking before the piece\n"
	  "runs.\n"
	  "\n"
	  "- [x] check the quotes Claire sent over\n" },
	{ -5,
	  "## 12:00 Call with @jose-nunez\n"
	  "Following up from Madrid. He wants to co-write a talk proposal\n"
	  "on backfills for next year's summit; I take the outline, he\n"
	  "takes the benchmarks. Told him Priya may be in touch about\n"
	  "hiring. #conference\n" },
	{ -3,
	  "## 09:00 Coffee with @jane-doe and @tom-okafor\n"
	  "Jane introduced me to Tom, who has just become an engineering\n"
	  "manager on her team. He wants someone outside his reporting line\n"
	  "to talk through his first quarter with; we agreed to meet\n"
	  "monthly. #mentoring\n" },
	{ -1,
	  "## 19:30 Platform Weekly piece is out\n"
	  "[[claire-dubois|Claire]]'s article on platform migrations quotes\n"
	  "me fairly and links the talk recording. Shared it with the\n"
	  "team. #press\n" },
};

#define NPEOPLE (sizeof people / sizeof people[0])
#define NENTRIES (sizeof entries / sizeof entries[0])

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Parse a signed number at s; NULL if there is none. */
static const char *
number(const char *s, long *out)
{
	char *end;

	if (!is_digit(*s) && !((*s == '+' || *s == '-') && is_digit(s[1])))
		return NULL;
	*out = strtol(s, &end, 10);
	return end;
}

/*
 * Expand the placeholder at p (which points at '{') into out; *end gets
 * the byte after its '}'.
 */
static int
placeholder(struct kith_buf *out, const char *p, const char **end,
	kith_date today)
{
	bool bday = strncmp(p + 1, "bday", 4) == 0;
	const char *s = p + 1 + (bday ? 4 : 0);
	long off, age = -1;
	kith_date when;
	char date[11];
	int y, m, d;

	if (!(s = number(s, &off)))
		goto bad;
	if (bday && *s == ',' && !(s = number(s + 1, &age)))
		goto bad;
	if (*s != '}')
		goto bad;
	*end = s + 1;
	when = today + (kith_date)off;
	if (!bday)
		return kith_buf_puts(out, kith_date_format(date, when));
	if (age >= 0)
		return kith_buf_puts(out, kith_date_format(date,
			kith_date_add_months(when, -12 * (int)age)));
	kith_date_to_ymd(when, &y, &m, &d);
	return kith_buf_printf(out, "--%02d-%02d", m, d);
bad:
	return kith_error_set(KITH_ERROR, "demo: bad placeholder in '%.20s'",
		p);
}

/* Append tmpl to out with every {…} placeholder expanded. */
static int
expand(struct kith_buf *out, const char *tmpl, kith_date today)
{
	const char *p;

	while ((p = strchr(tmpl, '{'))) {
		if (kith_buf_put(out, tmpl, (size_t)(p - tmpl)) < 0 ||
		    placeholder(out, p, &tmpl, today) < 0)
			return KITH_ERROR;
	}
	return kith_buf_puts(out, tmpl);
}

/* Where an entry sorts in its day: untimed text, untimed heading, HH:MM. */
static int
entry_rank(const struct demo_entry *e)
{
	const char *t = e->text;

	if (strncmp(t, "## ", 3) != 0)
		return -2;
	t += 3;
	if (!is_digit(t[0]) || !is_digit(t[1]) || t[2] != ':' ||
	    !is_digit(t[3]) || !is_digit(t[4]))
		return -1;
	return ((t[0] - '0') * 10 + t[1] - '0') * 60 +
		(t[3] - '0') * 10 + t[4] - '0';
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct demo_entry *x = *(const struct demo_entry *const *)a;
	const struct demo_entry *y = *(const struct demo_entry *const *)b;
	int rx = entry_rank(x), ry = entry_rank(y);

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Hand a finished path and text over to *f; the buffers are then empty. */
static void
take(struct kith_demo_file *f, struct kith_buf *path, struct kith_buf *data)
{
	f->path = path->ptr;
	f->data = data->ptr;
	*path = (struct kith_buf)KITH_BUF_INIT;
	*data = (struct kith_buf)KITH_BUF_INIT;
}

static int
person_file(struct kith_demo_file *f, const struct demo_person *p,
	kith_date today)
{
	struct kith_buf path = KITH_BUF_INIT, data = KITH_BUF_INIT;
	int rc;

	if ((rc = kith_buf_printf(&path, "people/%s.md", p->slug)) == 0 &&
	    (rc = expand(&data, p->text, today)) == 0)
		take(f, &path, &data);
	kith_buf_free(&path);
	kith_buf_free(&data);
	return rc;
}

/* The day file for the n sorted entries at e, which share one day. */
static int
day_file(struct kith_demo_file *f, const struct demo_entry *const *e,
	size_t n, kith_date today)
{
	struct kith_buf path = KITH_BUF_INIT, data = KITH_BUF_INIT;
	kith_date day = today + e[0]->day;
	char date[11];
	int rc, y, m, d;

	kith_date_format(date, day);
	kith_date_to_ymd(day, &y, &m, &d);
	if ((rc = kith_buf_printf(&path, "journal/%04d/%s.md", y, date)) < 0 ||
	    (rc = kith_buf_printf(&data, "# %s\n", date)) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		if ((rc = kith_buf_puts(&data, "\n")) < 0 ||
		    (rc = expand(&data, e[i]->text, today)) < 0)
			goto out;
	take(f, &path, &data);
out:
	kith_buf_free(&path);
	kith_buf_free(&data);
	return rc;
}

/* Append one day file per distinct day of the sorted entries. */
static int
day_files(struct kith_demo_file *files, size_t *n,
	const struct demo_entry *const *sorted, kith_date today)
{
	size_t i = 0, j;

	while (i < NENTRIES) {
		j = i + 1;
		while (j < NENTRIES && sorted[j]->day == sorted[i]->day)
			j++;
		if (day_file(&files[*n], sorted + i, j - i, today) < 0)
			return KITH_ERROR;
		++*n;
		i = j;
	}
	return 0;
}

int
kith_demo_files(struct kith_demo_file **out, size_t *n, kith_date today)
{
	const struct demo_entry *sorted[NENTRIES];
	struct kith_demo_file *files;
	size_t nfiles = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < NENTRIES; i++)
		sorted[i] = &entries[i];
	qsort(sorted, NENTRIES, sizeof sorted[0], entry_cmp);
	/* at most one file per person and one per entry */
	if (!(files = calloc(NPEOPLE + NENTRIES, sizeof *files)))
		return kith_error_set(KITH_ERROR, "out of memory");
	for (size_t i = 0; i < NPEOPLE; i++, nfiles++)
		if (person_file(&files[nfiles], &people[i], today) < 0)
			goto fail;
	if (day_files(files, &nfiles, sorted, today) < 0)
		goto fail;
	*out = files;
	*n = nfiles;
	return 0;
fail:
	kith_demo_files_free(files, nfiles);
	return KITH_ERROR;
}

void
kith_demo_files_free(struct kith_demo_file *files, size_t n)
{
	if (!files)
		return;
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	free(files);
}
