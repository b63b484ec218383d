/*
 * date.c - day numbers, ISO dates, the dates people type, and cadences.
 *
 * A date is a day number counted from 1970-01-01 in the proleptic
 * Gregorian calendar. Conversions are Howard Hinnant's civil algorithms
 * (days_from_civil, civil_from_days in "chrono-Compatible Low-Level Date
 * Algorithms"), done in 64 bits so that they hold for every kith_date,
 * negative ones included. Whatever a parser here returns lies between
 * 0000-01-01 and 9999-12-31, so that it always formats in ten bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define DATE_MIN (-719528) /* 0000-01-01 */
#define DATE_MAX 2932896   /* 9999-12-31 */
#define SHOWN 80           /* at most this much of the input in a message */

static const char *const weekday_names[7] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday",
	"saturday",
};

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december",
};

/* ---- the calendar ---- */

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

char *
kith_time_format(char *buf, int t)
{
	if (t < 0) {
		buf[0] = '\0';
	} else if (t < 6000) {
		buf[0] = (char)('0' + t / 600);
		buf[1] = (char)('0' + t / 60 % 10);
		buf[2] = ':';
		buf[3] = (char)('0' + t % 60 / 10);
		buf[4] = (char)('0' + t % 10);
		buf[5] = '\0';
	} else if (snprintf(buf, 16, "%02d:%02d", t / 60, t % 60) < 0) {
		buf[0] = '\0';
	}
	return buf;
}

char *
kith_int_format(char *buf, long long n)
{
	char tmp[24];
	size_t k = 0, i = 0;
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n : (unsigned long long)n;

	do
		tmp[k++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (n < 0)
		buf[i++] = '-';
	while (k)
		buf[i++] = tmp[--k];
	buf[i] = '\0';
	return buf;
}

static int
days_in_month(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* d plus months, the day clamped to the length of the month reached. */
static int64_t
shift_months(int64_t d, int64_t months)
{
	int64_t y, total, ny;
	int m, dd, nm;

	civil_from_days(d, &y, &m, &dd);
	total = y * 12 + (m - 1) + months;
	ny = total >= 0 ? total / 12 : -((11 - total) / 12);
	nm = (int)(total - ny * 12) + 1;
	if (dd > days_in_month(ny, nm))
		dd = days_in_month(ny, nm);
	return days_from_civil(ny, nm, dd);
}

kith_date
kith_date_from_ymd(int y, int m, int d)
{
	return (kith_date)days_from_civil(y, m, d);
}

void
kith_date_to_ymd(kith_date d, int *y, int *m, int *dd)
{
	int64_t yy;
	int mm, day;

	civil_from_days(d, &yy, &mm, &day);
	if (y)
		*y = (int)yy;
	if (m)
		*m = mm;
	if (dd)
		*dd = day;
}

bool
kith_date_valid_ymd(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int
kith_date_weekday(kith_date d)
{
	int64_t z = d;

	return (int)(z >= -4 ? (z + 4) % 7 : (z + 5) % 7 + 6);
}

/* KITH_NODATE stays KITH_NODATE. */
kith_date
kith_date_add_months(kith_date d, int months)
{
	if (d == KITH_NODATE)
		return d;
	return (kith_date)shift_months(d, months);
}

/* ---- ISO dates ---- */

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
iso_shaped(const char *s, size_t len)
{
	if (len != 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return false;
		} else if (!is_digit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (*s++ - '0');
	return v;
}

int
kith_date_parse_iso(kith_date *out, const char *s, size_t len)
{
	int shown = len > SHOWN ? SHOWN : (int)len;
	int y, m, d;

	if (!iso_shaped(s, len))
		return kith_error_set(KITH_EINVALID,
			"bad date '%.*s': use YYYY-MM-DD", shown, s);
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	if (!kith_date_valid_ymd(y, m, d))
		return kith_error_set(KITH_EINVALID,
			"no such date '%.*s': check the month and day", shown, s);
	*out = kith_date_from_ymd(y, m, d);
	return 0;
}

/* Years outside 0000..9999 do not fit: they are cut to ten bytes. */
char *
kith_date_format(char *buf, kith_date d)
{
	int y, m, dd;

	kith_date_to_ymd(d, &y, &m, &dd);
	if (y < 0 || y > 9999) {
		if (snprintf(buf, 11, "%04d-%02d-%02d", y, m, dd) < 0)
			buf[0] = '\0';
		return buf;
	}
	/* the common case by hand: printf is most of kith ls's output time */
	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + dd / 10);
	buf[9] = (char)('0' + dd % 10);
	buf[10] = '\0';
	return buf;
}

static int
local_today(kith_date *out)
{
	time_t now = time(NULL);
	struct tm tm;

	tzset(); /* localtime_r need not look at TZ again by itself */
	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		return kith_error_errno(KITH_ERROR, "cannot read the clock");
	*out = (kith_date)days_from_civil((int64_t)tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday);
	return 0;
}

int
kith_date_today(kith_date *out)
{
	const char *env = getenv("KITH_TODAY");

	if (!env || !*env)
		return local_today(out);
	if (kith_date_parse_iso(out, env, strlen(env)) < 0)
		return kith_error_set(KITH_EINVALID,
			"bad KITH_TODAY '%.*s': use YYYY-MM-DD", SHOWN, env);
	return 0;
}

/* ---- the dates people type ---- */

/*
 * The input is split into at most MAXTOK words at runs of ASCII white
 * space, and each form below looks at the words it needs; letters match
 * case-insensitively. A form either does not apply (NOMATCH), gives a day
 * number (MATCHED), or names a day that does not exist (NOSUCHDATE, as
 * "feb 30"). Whatever no form takes in full is an error, never a guess.
 */
#define MAXTOK 3

enum { NOMATCH, MATCHED, NOSUCHDATE };

struct tok {
	const char *p;
	size_t n;
};

typedef int form_fn(int64_t *r, const struct tok *t, size_t n,
	kith_date today);

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
		c == '\f';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* The number of words in s (into t), or MAXTOK + 1 if there are more. */
static size_t
tokenize(struct tok *t, const char *s)
{
	size_t n = 0;

	for (;;) {
		while (is_space((unsigned char)*s))
			s++;
		if (!*s)
			return n;
		if (n == MAXTOK)
			return MAXTOK + 1;
		t[n].p = s;
		while (*s && !is_space((unsigned char)*s))
			s++;
		t[n].n = (size_t)(s - t[n].p);
		n++;
	}
}

/* Whether the word is a prefix of (or equal to) the lower-case word w. */
static bool
tok_prefix(const struct tok *t, const char *w)
{
	for (size_t i = 0; i < t->n; i++)
		if (!w[i] || lower((unsigned char)t->p[i]) != w[i])
			return false;
	return true;
}

static bool
tok_is(const struct tok *t, const char *w)
{
	return tok_prefix(t, w) && !w[t->n];
}

/* Which of names the word spells out or cuts to three letters or more. */
static int
tok_name(const struct tok *t, const char *const *names, int n)
{
	if (t->n < 3)
		return -1;
	for (int i = 0; i < n; i++)
		if (tok_prefix(t, names[i]))
			return i;
	return -1;
}

/* A word of 1 to maxd digits. */
static bool
tok_number(const struct tok *t, size_t maxd, int64_t *out)
{
	int64_t v = 0;

	if (!t->n || t->n > maxd)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		if (!is_digit((unsigned char)t->p[i]))
			return false;
		v = v * 10 + (t->p[i] - '0');
	}
	*out = v;
	return true;
}

/* How many: up to six digits, or "a"/"an" for one. */
static bool
tok_count(const struct tok *t, int64_t *out)
{
	if (tok_is(t, "a") || tok_is(t, "an")) {
		*out = 1;
		return true;
	}
	return tok_number(t, 6, out);
}

/* 'd', 'w', 'm' or 'y' for day(s), week(s), month(s), year(s); else 0. */
static char
tok_unit(const struct tok *t)
{
	static const char *const units[] = {
		"day", "days", "week", "weeks", "month", "months", "year", "years",
	};

	for (size_t i = 0; i < sizeof units / sizeof *units; i++)
		if (tok_is(t, units[i]))
			return "ddwwmmyy"[i];
	return 0;
}

static int64_t
shift(int64_t d, char unit, int64_t n)
{
	switch (unit) {
	case 'd':
		return d + n;
	case 'w':
		return d + 7 * n;
	case 'm':
		return shift_months(d, n);
	default:
		return shift_months(d, 12 * n);
	}
}

/* today, yesterday, tomorrow */
static int
form_word(int64_t *r, const struct tok *t, size_t n, kith_date today)
{
	if (n != 1)
		return NOMATCH;
	if (tok_is(&t[0], "today"))
		*r = today;
	else if (tok_is(&t[0], "yesterday"))
		*r = (int64_t)today - 1;
	else if (tok_is(&t[0], "tomorrow"))
		*r = (int64_t)today + 1;
	else
		return NOMATCH;
	return MATCHED;
}

/*
 * A weekday, bare or after last/next/this. A bare "friday" is the nearest
 * Friday on or before today: on the command line a date mostly says when
 * something happened (`kith log -d friday`). "last friday" is the Friday
 * strictly before today (seven days ago if today is a Friday), "next
 * friday" the one strictly after, and "this friday" the Friday of the
 * current week, weeks running Monday to Sunday.
 */
static int
form_weekday(int64_t *r, const struct tok *t, size_t n, kith_date today)
{
	int w, now, back, fwd;

	if (n < 1 || n > 2 || (w = tok_name(&t[n - 1], weekday_names, 7)) < 0)
		return NOMATCH;
	now = kith_date_weekday(today);
	back = (now - w + 7) % 7;
	fwd = (w - now + 7) % 7;
	if (n == 1)
		*r = (int64_t)today - back;
	else if (tok_is(&t[0], "last"))
		*r = (int64_t)today - (back ? back : 7);
	else if (tok_is(&t[0], "next"))
		*r = (int64_t)today + (fwd ? fwd : 7);
	else if (tok_is(&t[0], "this"))
		*r = (int64_t)today - (now + 6) % 7 + (w + 6) % 7;
	else
		return NOMATCH;
	return MATCHED;
}

/* "N days ago", "in N weeks", "a month ago", "in a year" */
static int
form_relative(int64_t *r, const struct tok *t, size_t n, kith_date today)
{
	int64_t count;
	char unit;

	if (n != 3)
		return NOMATCH;
	if (tok_is(&t[2], "ago") && tok_count(&t[0], &count) &&
	    (unit = tok_unit(&t[1])))
		*r = shift(today, unit, -count);
	else if (tok_is(&t[0], "in") && tok_count(&t[1], &count) &&
	    (unit = tok_unit(&t[2])))
		*r = shift(today, unit, count);
	else
		return NOMATCH;
	return MATCHED;
}

/* "nov 25", "25 nov", either with a four-digit year after it. */
static int
form_month_day(int64_t *r, const struct tok *t, size_t n, kith_date today)
{
	int64_t day, year;
	int mon, y;

	if (n < 2 || n > 3)
		return NOMATCH;
	if ((mon = tok_name(&t[0], month_names, 12)) >= 0) {
		if (!tok_number(&t[1], 2, &day))
			return NOMATCH;
	} else if ((mon = tok_name(&t[1], month_names, 12)) < 0 ||
	    !tok_number(&t[0], 2, &day)) {
		return NOMATCH;
	}
	if (n == 3) {
		if (t[2].n != 4 || !tok_number(&t[2], 4, &year))
			return NOMATCH;
	} else {
		kith_date_to_ymd(today, &y, NULL, NULL);
		year = y;
	}
	if (!kith_date_valid_ymd((int)year, mon + 1, (int)day))
		return NOSUCHDATE;
	*r = days_from_civil(year, mon + 1, day);
	return MATCHED;
}

/* The input without surrounding white space, for messages. */
static int
trimmed(const char *s, const char **start)
{
	size_t n;

	while (is_space((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && is_space((unsigned char)s[n - 1]))
		n--;
	*start = s;
	return n > SHOWN ? SHOWN : (int)n;
}

int
kith_date_parse(kith_date *out, const char *s, kith_date today)
{
	static form_fn *const forms[] = {
		form_word, form_weekday, form_relative, form_month_day,
	};
	struct tok t[MAXTOK];
	size_t n = tokenize(t, s);
	const char *shown;
	int shownlen = trimmed(s, &shown);
	int how = NOMATCH;
	int64_t r = 0;

	if (n == 1 && iso_shaped(t[0].p, t[0].n))
		return kith_date_parse_iso(out, t[0].p, t[0].n);
	for (size_t i = 0; n <= MAXTOK && how == NOMATCH &&
	    i < sizeof forms / sizeof *forms; i++)
		how = forms[i](&r, t, n, today);
	if (how == NOSUCHDATE)
		return kith_error_set(KITH_EINVALID,
			"no such date '%.*s': check the month and day",
			shownlen, shown);
	if (how == NOMATCH)
		return kith_error_set(KITH_EINVALID,
			"cannot read '%.*s' as a date: use YYYY-MM-DD, today, "
			"yesterday, a weekday, 'N days ago' or 'in N weeks'",
			shownlen, shown);
	if (r < DATE_MIN || r > DATE_MAX)
		return kith_error_set(KITH_EINVALID,
			"date out of range '%.*s': use one from 0000-01-01 "
			"to 9999-12-31", shownlen, shown);
	*out = (kith_date)r;
	return 0;
}

/* ---- cadences ---- */

int
kith_cadence_parse(struct kith_cadence *out, const char *s)
{
	const char *p = s, *shown;
	int n = 0, ndigits = 0, unit;

	while (is_space((unsigned char)*p))
		p++;
	for (; is_digit((unsigned char)*p); p++, ndigits++)
		if (n <= 9999)
			n = n * 10 + (*p - '0');
	unit = lower((unsigned char)*p);
	if (ndigits && n >= 1 && n <= 9999 && unit && strchr("dwmy", unit)) {
		for (p++; is_space((unsigned char)*p); p++)
			;
		if (!*p) {
			out->n = n;
			out->unit = (char)unit;
			return 0;
		}
	}
	int shownlen = trimmed(s, &shown);
	return kith_error_set(KITH_EINVALID,
		"bad cadence '%.*s': use Nd, Nw, Nm or Ny with N from 1 to 9999",
		shownlen, shown);
}

/* KITH_NODATE, or a unit other than d, w, m, y, leaves d as it is. */
kith_date
kith_cadence_add(kith_date d, const struct kith_cadence *c)
{
	if (d == KITH_NODATE)
		return d;
	switch (c->unit) {
	case 'd':
	case 'w':
	case 'm':
	case 'y':
		return (kith_date)shift(d, c->unit, c->n);
	default:
		return d;
	}
}
