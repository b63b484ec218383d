/*
 * t-date.c - unit tests for lib/date.c: the calendar, ISO dates, today,
 * the dates people type, and cadences.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kith.h"
#include "tap.h"

static char names[4][256];
static int nameslot;

/* A test name built with printf (good until four more are built). */
static const char *
tname(const char *spec, ...) __attribute__((format(printf, 1, 2)));

static const char *
tname(const char *spec, ...)
{
	char *buf = names[nameslot++ % 4];
	va_list ap;

	va_start(ap, spec);
	vsnprintf(buf, sizeof names[0], spec, ap);
	va_end(ap);
	return buf;
}

/* An ISO date known to be good, as a day number. */
static kith_date
D(const char *s)
{
	kith_date d = KITH_NODATE;

	if (kith_date_parse_iso(&d, s, strlen(s)) < 0) {
		printf("Bail out! bad date '%s' in a test: %s\n", s, kith_error());
		exit(1);
	}
	return d;
}

static const char *
fmt(kith_date d)
{
	static char bufs[4][11];
	static int slot;

	return kith_date_format(bufs[slot++ % 4], d);
}

/* The test's own month lengths, independent of date.c. */
static int
month_len(int y, int m)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : len[m - 1];
}

static void
test_known_days(void)
{
	is_int(kith_date_from_ymd(1970, 1, 1), 0, "1970-01-01 is day 0");
	is_int(kith_date_from_ymd(1969, 12, 31), -1, "1969-12-31 is day -1");
	is_int(kith_date_from_ymd(2000, 1, 1), 10957, "2000-01-01 is day 10957");
	is_int(kith_date_from_ymd(2000, 2, 29), 11016, "2000-02-29 is day 11016");
	is_int(kith_date_from_ymd(1900, 1, 1), -25567, "1900-01-01 is day -25567");
	is_int(kith_date_from_ymd(1900, 3, 1), -25508, "1900-03-01 is day -25508");
	is_int(kith_date_from_ymd(1600, 1, 1), -135140, "1600-01-01 is day -135140");
	is_int(kith_date_from_ymd(0, 1, 1), -719528, "0000-01-01 is day -719528");
	is_int(kith_date_from_ymd(0, 3, 1), -719468, "0000-03-01 is day -719468");
	is_int(kith_date_from_ymd(9999, 12, 31), 2932896, "9999-12-31 is day 2932896");
	is_int(kith_date_from_ymd(-1, 12, 31), -719529, "-0001-12-31 is day -719529");
	is_str(fmt(-25508), "1900-03-01", "day -25508 formats as 1900-03-01");
	is_str(fmt(0), "1970-01-01", "day 0 formats as 1970-01-01");
	is_str(fmt(11016), "2000-02-29", "day 11016 formats as 2000-02-29");
	is_str(fmt(-1), "1969-12-31", "day -1 formats as 1969-12-31");
	is_str(fmt(-719528), "0000-01-01", "day -719528 formats as 0000-01-01");
	is_str(fmt(2932896), "9999-12-31", "day 2932896 formats as 9999-12-31");
}

/*
 * Walk day by day from 1500-01-01 to 2500-12-31 with the test's own
 * calendar, checking from_ymd, to_ymd and weekday at every step.
 */
static void
test_round_trips(void)
{
	int y = 1500, m = 1, d = 1, bad_from = 0, bad_to = 0, bad_wd = 0;
	kith_date day = kith_date_from_ymd(y, m, d);
	int wd = kith_date_weekday(day);
	long n = 0;

	is_int(wd, 1, "1500-01-01 was a Monday (proleptic)");
	while (y <= 2500) {
		int yy, mm, dd;

		if (kith_date_from_ymd(y, m, d) != day && !bad_from++)
			printf("# from_ymd %04d-%02d-%02d wrong\n", y, m, d);
		kith_date_to_ymd(day, &yy, &mm, &dd);
		if ((yy != y || mm != m || dd != d) && !bad_to++)
			printf("# to_ymd %ld wrong\n", (long)day);
		if (kith_date_weekday(day) != wd && !bad_wd++)
			printf("# weekday %ld wrong\n", (long)day);
		day++;
		n++;
		wd = (wd + 1) % 7;
		if (++d > month_len(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	ok(bad_from == 0, tname("from_ymd right for all %ld days 1500..2500", n));
	ok(bad_to == 0, tname("to_ymd right for all %ld days 1500..2500", n));
	ok(bad_wd == 0, tname("weekday steps by one for all %ld days", n));

	int bad = 0;
	for (kith_date z = -800000; z <= 3000000; z += 7) {
		int yy, mm, dd;

		kith_date_to_ymd(z, &yy, &mm, &dd);
		if (kith_date_from_ymd(yy, mm, dd) != z ||
		    !kith_date_valid_ymd(yy, mm, dd))
			bad++;
	}
	ok(bad == 0, "to_ymd then from_ymd is the identity, days -800000..3000000");

	int y0, m0, d0;
	kith_date_to_ymd(-800000, &y0, &m0, &d0);
	ok(y0 < 0, "a day before year 0 has a negative year");
	kith_date_to_ymd(KITH_NODATE, &y0, &m0, &d0);
	is_int(kith_date_from_ymd(y0, m0, d0), KITH_NODATE,
		"KITH_NODATE survives a round trip");
}

static void
test_leap_years(void)
{
	ok(!kith_date_valid_ymd(1900, 2, 29), "1900 is not a leap year");
	ok(kith_date_valid_ymd(2000, 2, 29), "2000 is a leap year");
	ok(kith_date_valid_ymd(2024, 2, 29), "2024 is a leap year");
	ok(!kith_date_valid_ymd(2100, 2, 29), "2100 is not a leap year");
	ok(!kith_date_valid_ymd(2023, 2, 29), "2023 is not a leap year");
	ok(kith_date_valid_ymd(1600, 2, 29), "1600 is a leap year");
	ok(kith_date_valid_ymd(0, 2, 29), "year 0 is a leap year");
	ok(kith_date_valid_ymd(-4, 2, 29), "year -4 is a leap year");
	ok(!kith_date_valid_ymd(-100, 2, 29), "year -100 is not a leap year");
	ok(kith_date_valid_ymd(2023, 2, 28), "2023-02-28 is valid");
	ok(!kith_date_valid_ymd(2023, 2, 30), "2023-02-30 is not");
	ok(!kith_date_valid_ymd(2023, 4, 31), "2023-04-31 is not");
	ok(kith_date_valid_ymd(2023, 12, 31), "2023-12-31 is valid");
	ok(!kith_date_valid_ymd(2023, 13, 1), "month 13 is not");
	ok(!kith_date_valid_ymd(2023, 0, 1), "month 0 is not");
	ok(!kith_date_valid_ymd(2023, 1, 0), "day 0 is not");
	ok(!kith_date_valid_ymd(2023, 1, 32), "day 32 is not");
	ok(!kith_date_valid_ymd(2023, -1, 1), "month -1 is not");
}

static void
test_weekdays(void)
{
	is_int(kith_date_weekday(D("1970-01-01")), 4, "1970-01-01 was a Thursday");
	is_int(kith_date_weekday(D("1969-12-31")), 3, "1969-12-31 was a Wednesday");
	is_int(kith_date_weekday(D("1969-12-28")), 0, "1969-12-28 was a Sunday");
	is_int(kith_date_weekday(D("1900-01-01")), 1, "1900-01-01 was a Monday");
	is_int(kith_date_weekday(D("1600-01-01")), 6, "1600-01-01 was a Saturday");
	is_int(kith_date_weekday(D("2000-01-01")), 6, "2000-01-01 was a Saturday");
	is_int(kith_date_weekday(D("2024-02-29")), 4, "2024-02-29 was a Thursday");
	is_int(kith_date_weekday(D("2024-03-01")), 5, "2024-03-01 was a Friday");
	is_int(kith_date_weekday(D("2026-03-01")), 0, "2026-03-01 is a Sunday");
	is_int(kith_date_weekday(D("0000-01-01")), 6, "0000-01-01 was a Saturday");
	int w = kith_date_weekday(KITH_NODATE);
	ok(w >= 0 && w <= 6, "weekday of KITH_NODATE is still 0..6");
}

static void
iso_bad(const char *s)
{
	kith_date d = 12345;
	int rc = kith_date_parse_iso(&d, s, strlen(s));

	is_int(rc, KITH_EINVALID, tname("ISO '%s' is refused", s));
	ok(d == 12345 && *kith_error(),
		tname("ISO '%s' leaves out alone and keeps a message", s));
}

static void
test_iso(void)
{
	kith_date d;

	is_int(kith_date_parse_iso(&d, "2024-02-29", 10), 0, "ISO 2024-02-29");
	is_str(fmt(d), "2024-02-29", "ISO 2024-02-29 reads back");
	is_int(kith_date_parse_iso(&d, "0000-01-01", 10), 0, "ISO 0000-01-01");
	is_int(d, -719528, "ISO 0000-01-01 is day -719528");
	is_int(kith_date_parse_iso(&d, "9999-12-31", 10), 0, "ISO 9999-12-31");
	is_int(kith_date_parse_iso(&d, "1900-03-01xyz", 10), 0,
		"ISO reads exactly len bytes");
	is_str(fmt(d), "1900-03-01", "ISO of a longer buffer");
	iso_bad("2023-02-30");
	iso_bad("2023-02-29");
	iso_bad("1900-02-29");
	iso_bad("2023-13-01");
	iso_bad("2023-00-10");
	iso_bad("2023-04-31");
	iso_bad("2023-01-00");
	iso_bad("2023-1-01");
	iso_bad("2023-01-1");
	iso_bad("2023-01-01x");
	iso_bad(" 2023-01-01");
	iso_bad("2023/01/01");
	iso_bad("20230101");
	iso_bad("+023-01-01");
	iso_bad("2023-0a-01");
	iso_bad("2023-01--1");
	iso_bad("");
	ok(strstr(kith_error(), "YYYY-MM-DD") != NULL,
		"the ISO message says what to use");
	kith_date_parse_iso(&d, "2023-02-30", 10);
	is_str(kith_error(), "no such date '2023-02-30': check the month and day",
		"the message for a day that does not exist");
}

static void
today_is(const char *env, int want_rc, const char *want)
{
	kith_date d = 777;
	int rc;

	setenv("KITH_TODAY", env, 1);
	rc = kith_date_today(&d);
	is_int(rc, want_rc, tname("KITH_TODAY='%s' gives %d", env, want_rc));
	if (want_rc == 0)
		is_str(fmt(d), want, tname("KITH_TODAY='%s' is %s", env, want));
	else
		ok(d == 777 && strstr(kith_error(), "KITH_TODAY"),
			tname("KITH_TODAY='%s': out alone, message names it", env));
}

/* The local date at t under the current TZ, computed without date.c. */
static kith_date
tz_day(time_t t, long offset)
{
	long long s = (long long)t + offset;

	return (kith_date)(s >= 0 ? s / 86400 : -((-s + 86399) / 86400));
}

static void
local_is(const char *tz, long offset)
{
	kith_date d = KITH_NODATE;
	time_t before, after;
	int rc;

	setenv("TZ", tz, 1);
	before = time(NULL);
	rc = kith_date_today(&d);
	after = time(NULL);
	is_int(rc, 0, tname("today with TZ=%s", tz));
	ok(d == tz_day(before, offset) || d == tz_day(after, offset),
		tname("today with TZ=%s is the local date there (%s)", tz, fmt(d)));
}

static void
test_today(void)
{
	today_is("2024-02-29", 0, "2024-02-29");
	today_is("1999-12-31", 0, "1999-12-31");
	today_is("2024-02-30", KITH_EINVALID, NULL);
	today_is("tomorrow", KITH_EINVALID, NULL);
	today_is("2024-2-29", KITH_EINVALID, NULL);
	today_is(" 2024-02-29", KITH_EINVALID, NULL);
	today_is("2024-02-29 ", KITH_EINVALID, NULL);
	setenv("KITH_TODAY", "soon", 1);
	kith_date d;
	kith_date_today(&d);
	is_str(kith_error(), "bad KITH_TODAY 'soon': use YYYY-MM-DD",
		"the message for a bad KITH_TODAY");

	setenv("KITH_TODAY", "", 1);
	local_is("UTC0", 0);
	local_is("XXX-14", 14 * 3600);
	local_is("YYY+12", -12 * 3600);
	unsetenv("KITH_TODAY");
	local_is("UTC0", 0);
	local_is("ZZZ-5:30", 5 * 3600 + 1800);
	unsetenv("TZ");
}

static void
parse_is(const char *today, const char *s, const char *want)
{
	kith_date d = KITH_NODATE;
	int rc = kith_date_parse(&d, s, D(today));
	const char *n = tname("today %s: '%s' is %s", today, s, want);

	if (rc < 0) {
		ok(0, n);
		printf("#   error %d: %s\n", rc, kith_error());
		return;
	}
	is_str(fmt(d), want, n);
}

static void
parse_bad(const char *today, const char *s)
{
	kith_date d = 4242;
	int rc = kith_date_parse(&d, s, D(today));

	if (!ok(rc == KITH_EINVALID && d == 4242,
	    tname("today %s: '%s' is refused", today, s)))
		printf("#   rc %d, got %s\n", rc, fmt(d));
	ok(*kith_error(), tname("'%s' keeps a message", s));
}

static void
test_parse_words(void)
{
	parse_is("2024-03-01", "today", "2024-03-01");
	parse_is("2024-03-01", "yesterday", "2024-02-29");
	parse_is("2024-03-01", "tomorrow", "2024-03-02");
	parse_is("2024-02-29", "tomorrow", "2024-03-01");
	parse_is("2023-03-01", "yesterday", "2023-02-28");
	parse_is("2026-01-01", "yesterday", "2025-12-31");
	parse_is("2025-12-31", "tomorrow", "2026-01-01");
	parse_is("1970-01-01", "yesterday", "1969-12-31");
	parse_is("2024-03-01", "  ToDay\t", "2024-03-01");
	parse_is("2024-03-01", "\nYESTERDAY\n", "2024-02-29");
	parse_is("2024-03-01", "2023-11-25", "2023-11-25");
	parse_is("2024-03-01", "  2023-11-25 ", "2023-11-25");
}

static void
test_parse_weekdays(void)
{
	/* 2024-03-01 is a Friday */
	parse_is("2024-03-01", "friday", "2024-03-01");
	parse_is("2024-03-01", "fri", "2024-03-01");
	parse_is("2024-03-01", "last friday", "2024-02-23");
	parse_is("2024-03-01", "next friday", "2024-03-08");
	parse_is("2024-03-01", "this friday", "2024-03-01");
	parse_is("2024-03-01", "thursday", "2024-02-29");
	parse_is("2024-03-01", "last thursday", "2024-02-29");
	parse_is("2024-03-01", "next thursday", "2024-03-07");
	parse_is("2024-03-01", "saturday", "2024-02-24");
	parse_is("2024-03-01", "next sat", "2024-03-02");
	parse_is("2024-03-01", "monday", "2024-02-26");
	parse_is("2024-03-01", "this monday", "2024-02-26");
	parse_is("2024-03-01", "this sunday", "2024-03-03");
	parse_is("2024-03-01", "next monday", "2024-03-04");
	parse_is("2024-03-01", "last monday", "2024-02-26");
	/* 2026-01-01 is a Thursday */
	parse_is("2026-01-01", "friday", "2025-12-26");
	parse_is("2026-01-01", "last friday", "2025-12-26");
	parse_is("2026-01-01", "next friday", "2026-01-02");
	parse_is("2026-01-01", "this friday", "2026-01-02");
	parse_is("2026-01-01", "thursday", "2026-01-01");
	parse_is("2026-01-01", "last thursday", "2025-12-25");
	parse_is("2026-01-01", "next thursday", "2026-01-08");
	parse_is("2026-01-01", "wednesday", "2025-12-31");
	parse_is("2026-01-01", "this monday", "2025-12-29");
	/* 2025-12-31 is a Wednesday */
	parse_is("2025-12-31", "next monday", "2026-01-05");
	parse_is("2025-12-31", "this sunday", "2026-01-04");
	parse_is("2025-12-31", "this monday", "2025-12-29");
	parse_is("2025-12-31", "this wednesday", "2025-12-31");
	/* 2026-03-01 is a Sunday: its week began on Monday 2026-02-23 */
	parse_is("2026-03-01", "this friday", "2026-02-27");
	parse_is("2026-03-01", "this monday", "2026-02-23");
	parse_is("2026-03-01", "this sunday", "2026-03-01");
	parse_is("2026-03-01", "sunday", "2026-03-01");
	parse_is("2026-03-01", "last sunday", "2026-02-22");
	parse_is("2026-03-01", "next sunday", "2026-03-08");
	parse_is("2026-03-01", "next monday", "2026-03-02");
	parse_is("2026-03-01", "saturday", "2026-02-28");
	/* names, short forms, case and spaces */
	parse_is("2026-03-01", "  Last   FRIDAY ", "2026-02-27");
	parse_is("2026-03-01", "NEXT\tTue", "2026-03-03");
	parse_is("2026-03-01", "tues", "2026-02-24");
	parse_is("2026-03-01", "thurs", "2026-02-26");
	parse_is("2026-03-01", "wed", "2026-02-25");
	parse_is("2026-03-01", "Mon", "2026-02-23");
	parse_is("2026-03-01", "sun", "2026-03-01");
	parse_is("2026-03-01", "sat", "2026-02-28");
	parse_is("2026-03-01", "thu", "2026-02-26");
	parse_is("2026-03-01", "tue", "2026-02-24");
}

static void
test_parse_relative(void)
{
	parse_is("2026-01-01", "3 days ago", "2025-12-29");
	parse_is("2026-01-01", "1 day ago", "2025-12-31");
	parse_is("2026-01-01", "0 days ago", "2026-01-01");
	parse_is("2026-01-01", "a week ago", "2025-12-25");
	parse_is("2026-01-01", "2 weeks ago", "2025-12-18");
	parse_is("2026-01-01", "in 2 weeks", "2026-01-15");
	parse_is("2026-01-01", "in a week", "2026-01-08");
	parse_is("2026-01-01", "a month ago", "2025-12-01");
	parse_is("2026-01-01", "an year ago", "2025-01-01");
	parse_is("2026-01-01", "in 365 days", "2027-01-01");
	parse_is("2026-01-31", "in 1 month", "2026-02-28");
	parse_is("2026-01-31", "a month ago", "2025-12-31");
	parse_is("2026-01-31", "in 13 months", "2027-02-28");
	parse_is("2026-01-31", "in 1 year", "2027-01-31");
	parse_is("2024-01-31", "in 1 month", "2024-02-29");
	parse_is("2024-03-31", "1 month ago", "2024-02-29");
	parse_is("2024-03-31", "in 6 months", "2024-09-30");
	parse_is("2024-03-31", "13 months ago", "2023-02-28");
	parse_is("2024-02-29", "in 1 year", "2025-02-28");
	parse_is("2024-02-29", "1 year ago", "2023-02-28");
	parse_is("2024-02-29", "4 years ago", "2020-02-29");
	parse_is("2024-02-29", "in 4 years", "2028-02-29");
	parse_is("2024-02-29", "100 years ago", "1924-02-29");
	parse_is("2024-03-01", "1 day ago", "2024-02-29");
	parse_is("2024-03-01", "In   2   Weeks", "2024-03-15");
	parse_is("2024-03-01", "3 DAYS AGO", "2024-02-27");
	parse_is("2024-03-01", "1 days ago", "2024-02-29");
	parse_is("2024-03-01", "2 week ago", "2024-02-16");
	parse_is("1970-01-10", "in 10 years", "1980-01-10");
	parse_is("1970-01-01", "100 years ago", "1870-01-01");
}

static void
test_parse_month_day(void)
{
	parse_is("2026-01-01", "nov 25", "2026-11-25");
	parse_is("2026-01-01", "25 nov", "2026-11-25");
	parse_is("2026-01-01", "november 25", "2026-11-25");
	parse_is("2026-01-01", "25 november", "2026-11-25");
	parse_is("2026-01-01", "nov 25 2025", "2025-11-25");
	parse_is("2026-01-01", "25 nov 2025", "2025-11-25");
	parse_is("2026-01-01", "25 December 2025", "2025-12-25");
	parse_is("2026-01-01", "dec 25", "2026-12-25");
	parse_is("2025-12-31", "jan 1", "2025-01-01");
	parse_is("2026-01-01", "  SEPT   3 ", "2026-09-03");
	parse_is("2026-01-01", "sep 03", "2026-09-03");
	parse_is("2026-01-01", "1 jan", "2026-01-01");
	parse_is("2026-01-01", "may 1", "2026-05-01");
	parse_is("2026-01-01", "31 dec", "2026-12-31");
	parse_is("2024-06-15", "feb 29", "2024-02-29");
	parse_is("2026-01-01", "feb 29 2024", "2024-02-29");
	parse_is("2026-01-01", "29 feb 2000", "2000-02-29");
	parse_is("2026-01-01", "mar 1 1900", "1900-03-01");
	parse_bad("2025-06-15", "feb 29");
	parse_bad("2026-01-01", "29 feb 1900");
	parse_bad("2026-01-01", "feb 30");
	is_str(kith_error(), "no such date 'feb 30': check the month and day",
		"the message for feb 30");
	parse_bad("2026-01-01", "31 apr");
	parse_bad("2026-01-01", "nov 0");
	parse_bad("2026-01-01", "nov 32");
	parse_bad("2026-01-01", "nov 25 25");
	parse_bad("2026-01-01", "nov 25 02025");
	parse_bad("2026-01-01", "nov 125");
	parse_bad("2026-01-01", "nov");
	parse_bad("2026-01-01", "25");
	parse_bad("2026-01-01", "nov nov");
	parse_bad("2026-01-01", "25 26");
	parse_bad("2026-01-01", "2025 nov 25");
	parse_bad("2026-01-01", "nov 25 2025 x");
	parse_bad("2026-01-01", "no 25");
	parse_bad("2026-01-01", "novembers 25");
}

static void
test_parse_bad(void)
{
	parse_bad("2026-01-01", "blursday");
	is_str(kith_error(), "cannot read 'blursday' as a date: use YYYY-MM-DD, "
		"today, yesterday, a weekday, 'N days ago' or 'in N weeks'",
		"the message names the word and what to use");
	parse_bad("2026-01-01", "  Blursday  ");
	ok(strstr(kith_error(), "'Blursday'") != NULL,
		"the message shows the input trimmed, as typed");
	parse_bad("2026-01-01", "");
	parse_bad("2026-01-01", "   ");
	parse_bad("2026-01-01", "today x");
	parse_bad("2026-01-01", "x today");
	parse_bad("2026-01-01", "todays");
	parse_bad("2026-01-01", "tod");
	parse_bad("2026-01-01", "last");
	parse_bad("2026-01-01", "next");
	parse_bad("2026-01-01", "this");
	parse_bad("2026-01-01", "last today");
	parse_bad("2026-01-01", "fri day");
	parse_bad("2026-01-01", "fr");
	parse_bad("2026-01-01", "fridays");
	parse_bad("2026-01-01", "friday x");
	parse_bad("2026-01-01", "last friday x");
	parse_bad("2026-01-01", "previous friday");
	parse_bad("2026-01-01", "last next friday");
	parse_bad("2026-01-01", "in 2");
	parse_bad("2026-01-01", "2 days");
	parse_bad("2026-01-01", "2 days hence");
	parse_bad("2026-01-01", "in 2 days ago");
	parse_bad("2026-01-01", "3 days ago ago");
	parse_bad("2026-01-01", "in in 2 days");
	parse_bad("2026-01-01", "in -2 days");
	parse_bad("2026-01-01", "-2 days ago");
	parse_bad("2026-01-01", "in 2 fortnights");
	parse_bad("2026-01-01", "in two days");
	parse_bad("2026-01-01", "in 1.5 days");
	parse_bad("2026-01-01", "in 2d");
	parse_bad("2026-01-01", "next 3 days");
	parse_bad("2026-01-01", "in 1234567 days");
	parse_bad("2026-01-01", "last week");
	parse_bad("2026-01-01", "2023-02-30");
	is_str(kith_error(), "no such date '2023-02-30': check the month and day",
		"an ISO date that does not exist says so");
	parse_bad("2026-01-01", "2023-13-01");
	parse_bad("2026-01-01", "2023-1-01");
	parse_bad("2026-01-01", "2023-01-01x");
	parse_bad("2026-01-01", "2023-01-01 x");
	parse_bad("2026-01-01", "today\xc3\xa9");
	parse_bad("2026-01-01", "in 999999 years");
	ok(strstr(kith_error(), "out of range") != NULL,
		"a date past 9999 is out of range");
	parse_bad("2026-01-01", "3000 years ago");
	parse_bad("9999-12-31", "tomorrow");
	parse_bad("0000-01-01", "yesterday");
	parse_bad("0000-01-01", "friday");
	parse_is("0000-01-01", "saturday", "0000-01-01");

	kith_date d = 99;
	is_int(kith_date_parse(&d, "today", KITH_NODATE), KITH_EINVALID,
		"with no today, 'today' is refused");
	is_int(kith_date_parse(&d, "2024-02-29", KITH_NODATE), 0,
		"with no today, an ISO date still reads");
	is_str(fmt(d), "2024-02-29", "and is right");
}

static void
test_add_months(void)
{
	is_str(fmt(kith_date_add_months(D("2024-01-31"), 1)), "2024-02-29",
		"2024-01-31 + 1 month");
	is_str(fmt(kith_date_add_months(D("2023-01-31"), 1)), "2023-02-28",
		"2023-01-31 + 1 month");
	is_str(fmt(kith_date_add_months(D("2024-03-31"), -1)), "2024-02-29",
		"2024-03-31 - 1 month");
	is_str(fmt(kith_date_add_months(D("2024-03-31"), -13)), "2023-02-28",
		"2024-03-31 - 13 months");
	is_str(fmt(kith_date_add_months(D("2025-12-15"), 1)), "2026-01-15",
		"2025-12-15 + 1 month");
	is_str(fmt(kith_date_add_months(D("2026-01-15"), -1)), "2025-12-15",
		"2026-01-15 - 1 month");
	is_str(fmt(kith_date_add_months(D("2026-01-15"), -12)), "2025-01-15",
		"2026-01-15 - 12 months");
	is_str(fmt(kith_date_add_months(D("2026-01-15"), 0)), "2026-01-15",
		"+ 0 months");
	is_str(fmt(kith_date_add_months(D("2024-02-29"), 12)), "2025-02-28",
		"2024-02-29 + 12 months");
	is_str(fmt(kith_date_add_months(D("2024-02-29"), 48)), "2028-02-29",
		"2024-02-29 + 48 months");
	is_str(fmt(kith_date_add_months(D("2024-08-31"), 1)), "2024-09-30",
		"2024-08-31 + 1 month");
	is_str(fmt(kith_date_add_months(D("1970-01-31"), -1)), "1969-12-31",
		"1970-01-31 - 1 month");
	is_str(fmt(kith_date_add_months(D("0001-01-01"), -13)), "-001-12-01",
		"0001-01-01 - 13 months reaches year -1");
	is_int(kith_date_add_months(KITH_NODATE, 3), KITH_NODATE,
		"KITH_NODATE + months is KITH_NODATE");
}

static void
cadence_is(const char *s, int n, char unit)
{
	struct kith_cadence c = { -1, '?' };
	int rc = kith_cadence_parse(&c, s);

	if (!ok(rc == 0 && c.n == n && c.unit == unit,
	    tname("cadence '%s' is %d%c", s, n, unit)))
		printf("#   rc %d (%s), got %d%c\n", rc, kith_error(), c.n, c.unit);
}

static void
cadence_bad(const char *s)
{
	struct kith_cadence c = { -1, '?' };
	int rc = kith_cadence_parse(&c, s);

	ok(rc == KITH_EINVALID && c.n == -1 && c.unit == '?' &&
	    strstr(kith_error(), "bad cadence"),
		tname("cadence '%s' is refused", s));
}

static void
cadence_add_is(const char *from, const char *cad, const char *want)
{
	struct kith_cadence c;

	if (kith_cadence_parse(&c, cad) < 0) {
		ok(0, tname("cadence '%s' reads", cad));
		return;
	}
	is_str(fmt(kith_cadence_add(D(from), &c)), want,
		tname("%s + %s is %s", from, cad, want));
}

static void
test_cadences(void)
{
	cadence_is("30d", 30, 'd');
	cadence_is("2w", 2, 'w');
	cadence_is("3m", 3, 'm');
	cadence_is("1y", 1, 'y');
	cadence_is("9999d", 9999, 'd');
	cadence_is(" 2W ", 2, 'w');
	cadence_is("\t6M\n", 6, 'm');
	cadence_is("1Y", 1, 'y');
	cadence_is("030d", 30, 'd');
	cadence_bad("0d");
	cadence_bad("00d");
	cadence_bad("30");
	cadence_bad("d");
	cadence_bad("3x");
	cadence_bad("-1d");
	cadence_bad("+1d");
	cadence_bad("10000d");
	cadence_bad("99999999999999999999d");
	cadence_bad("1.5m");
	cadence_bad("3 d");
	cadence_bad("3dd");
	cadence_bad("3d x");
	cadence_bad("3days");
	cadence_bad("");
	cadence_bad("  ");
	cadence_bad("m3");
	struct kith_cadence c;
	kith_cadence_parse(&c, " 3x ");
	is_str(kith_error(),
		"bad cadence '3x': use Nd, Nw, Nm or Ny with N from 1 to 9999",
		"the cadence message");

	cadence_add_is("2025-12-31", "1d", "2026-01-01");
	cadence_add_is("2025-12-01", "30d", "2025-12-31");
	cadence_add_is("2024-02-01", "30d", "2024-03-02");
	cadence_add_is("2025-12-25", "2w", "2026-01-08");
	cadence_add_is("2024-02-22", "1w", "2024-02-29");
	cadence_add_is("2024-01-31", "1m", "2024-02-29");
	cadence_add_is("2023-01-31", "1m", "2023-02-28");
	cadence_add_is("2024-11-30", "3m", "2025-02-28");
	cadence_add_is("2025-11-15", "3m", "2026-02-15");
	cadence_add_is("2024-05-31", "1m", "2024-06-30");
	cadence_add_is("2024-02-29", "1y", "2025-02-28");
	cadence_add_is("2024-02-29", "4y", "2028-02-29");
	cadence_add_is("2023-03-01", "1y", "2024-03-01");
	cadence_add_is("2025-12-31", "1y", "2026-12-31");
	cadence_add_is("1969-12-31", "1d", "1970-01-01");
	c.n = 1;
	c.unit = 'd';
	is_int(kith_cadence_add(KITH_NODATE, &c), KITH_NODATE,
		"KITH_NODATE + a cadence is KITH_NODATE");
}

static void
test_time_and_int_format(void)
{
	char buf[24], want[24];
	int bad = 0;

	is_str(kith_time_format(buf, -1), "", "no time: empty");
	is_str(kith_time_format(buf, 0), "00:00", "midnight");
	is_str(kith_time_format(buf, 23 * 60 + 59), "23:59", "the last minute");
	for (int t = 0; t < 6100; t++) {
		snprintf(want, sizeof want, "%02d:%02d", t / 60, t % 60);
		bad += strcmp(kith_time_format(buf, t), want) != 0;
	}
	is_int(bad, 0, "every minute up to 6,100 as printf formats it");
	static const long long ints[] = { 0, 1, -1, 9, 10, 99, 100, 12345, -12345,
		2147483647LL, -2147483648LL, 9223372036854775807LL,
		-9223372036854775807LL - 1 };
	bad = 0;
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		snprintf(want, sizeof want, "%lld", ints[i]);
		bad += strcmp(kith_int_format(buf, ints[i]), want) != 0;
	}
	is_int(bad, 0, "integers as printf formats them, the extremes too");
}

int
main(void)
{
	test_time_and_int_format();
	test_known_days();
	test_round_trips();
	test_leap_years();
	test_weekdays();
	test_iso();
	test_today();
	test_parse_words();
	test_parse_weekdays();
	test_parse_relative();
	test_parse_month_day();
	test_parse_bad();
	test_add_months();
	test_cadences();
	return done_testing();
}
