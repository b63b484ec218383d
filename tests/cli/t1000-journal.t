#!/bin/sh
# t1000-journal.t - kith journal: entries filtered by date, person, tag and
# pattern, oldest first, as Markdown, JSON or TSV.
#
# tests/fixtures/daily has nine journal entries (today is Wednesday
# 2026-11-25, so "last friday" is 2026-11-20):
#   2025-12-31 23:59 Year in review #Career
#   2026-11-02       an entry before any heading, #career
#   2026-11-20 09:00 Standup with @sam-berg #work
#   2026-11-20 14:30 Coffee with [[Ana Lima]], #feedback, "Café", and an
#                    open follow-up for @jo-kim (a promise, not an interaction)
#   2026-11-22       a setext heading, "Lunch with @sammy" (Sam Ortiz's
#                    alias), #work/acme, "CAFÉ", a tab
#   2026-11-24       ## Notes (untimed: first on its day), #feedback
#   2026-11-24 18:00 Dinner with @ana-lima and @sam-berg, #Career #career
#   2026-11-25 08:15 Call with @jo-kim #investor, a ticked box for @sam-ortiz
#   2026-12-01 10:00 Review with @jo-kim #investor #work, a heading only
# and a dated note item of Ana's on 2026-11-18, which is no journal entry.
. "$(dirname "$0")/lib.sh"

tab=$(printf '\t')

# rows ARGS: run kith journal ARGS --format tsv into out, keeping its exit
# status; "date title" of each entry into got.
rows() {
	kith journal --format tsv "$@" >out || return
	awk -F'\t' '{ print $1, $3 }' out >got
}

fixture_repo daily repo
cd repo || exit 3

test_expect 'every entry, oldest first, as Markdown' '
	kith journal >out 2>err &&
	sed "s/<TAB>/$tab/" >want <<-\END &&
	# 2025-12-31

	## 23:59 Year in review #Career `journal/2025/2025-12-31.md:3`

	# 2026-11-02

	## Quiet day. Read about #career paths. `journal/2026/2026-11-02.md:3`

	Quiet day. Read about #career paths.

	# 2026-11-20

	## 09:00 Standup with @sam-berg #work `journal/2026/2026-11-20.md:3`

	Planned the sprint.

	## 14:30 Coffee with [[Ana Lima]] `journal/2026/2026-11-20.md:6`

	She gave me #feedback on the talk: fewer slides.
	Café at the corner.

	- [ ] send @jo-kim the deck due:2026-11-27

	# 2026-11-22

	## Lunch with @sammy `journal/2026/2026-11-22.md:3`

	Talked about #work/acme and the CAFÉ menu.<TAB>Tabbed.

	# 2026-11-24

	## Notes `journal/2026/2026-11-24.md:6`

	Nothing else. #feedback

	## 18:00 Dinner with @ana-lima and @sam-berg `journal/2026/2026-11-24.md:3`

	Long talk about #Career moves. #career again.

	# 2026-11-25

	## 08:15 Call with @jo-kim #investor `journal/2026/2026-11-25.md:3`

	- [x] ask @sam-ortiz for the intro

	# 2026-12-01

	## 10:00 Review with @jo-kim #investor #work `journal/2026/2026-12-01.md:3`
	END
	check_same want out &&
	test ! -s err
'

test_expect '-r: newest first, each date heading once' '
	kith journal -r --since 2026-11-24 >out &&
	cat >want <<-\END &&
	# 2026-12-01

	## 10:00 Review with @jo-kim #investor #work `journal/2026/2026-12-01.md:3`

	# 2026-11-25

	## 08:15 Call with @jo-kim #investor `journal/2026/2026-11-25.md:3`

	- [x] ask @sam-ortiz for the intro

	# 2026-11-24

	## 18:00 Dinner with @ana-lima and @sam-berg `journal/2026/2026-11-24.md:3`

	Long talk about #Career moves. #career again.

	## Notes `journal/2026/2026-11-24.md:6`

	Nothing else. #feedback
	END
	check_same want out
'

test_expect '--reverse: the whole journal backwards' '
	rows --reverse &&
	cat >want <<-\END &&
	2026-12-01 Review with @jo-kim #investor #work
	2026-11-25 Call with @jo-kim #investor
	2026-11-24 Dinner with @ana-lima and @sam-berg
	2026-11-24 Notes
	2026-11-22 Lunch with @sammy
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-20 Standup with @sam-berg #work
	2026-11-02 Quiet day. Read about #career paths.
	2025-12-31 Year in review #Career
	END
	check_same want got
'

test_expect 'the Markdown output parses back to the same headings' '
	kith journal >out &&
	grep -c "^# " out >got && echo 7 >want && check_same want got &&
	grep -c "^## " out >got && echo 9 >want && check_same want got
'

# ---- dates ----

test_expect '--since and --until with ISO dates, together' '
	rows --since 2026-11-21 --until 2026-11-24 &&
	cat >want <<-\END &&
	2026-11-22 Lunch with @sammy
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '--since alone is inclusive' '
	rows --since 2026-11-24 &&
	cat >want <<-\END &&
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '--until alone is inclusive' '
	rows --until 2026-11-02 &&
	cat >want <<-\END &&
	2025-12-31 Year in review #Career
	2026-11-02 Quiet day. Read about #career paths.
	END
	check_same want got
'

test_expect '--since "3 days ago" is 2026-11-22' '
	rows --since "3 days ago" &&
	cat >want <<-\END &&
	2026-11-22 Lunch with @sammy
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '--until yesterday' '
	rows --until yesterday &&
	cat >want <<-\END &&
	2025-12-31 Year in review #Career
	2026-11-02 Quiet day. Read about #career paths.
	2026-11-20 Standup with @sam-berg #work
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-22 Lunch with @sammy
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '--on "last friday", --on friday and --on 2026-11-20 agree' '
	cat >want <<-\END &&
	2026-11-20 Standup with @sam-berg #work
	2026-11-20 Coffee with [[Ana Lima]]
	END
	rows --on "last friday" && check_same want got &&
	rows --on friday && check_same want got &&
	rows --on 2026-11-20 && check_same want got
'

test_expect '--on today and --on yesterday' '
	rows --on today &&
	echo "2026-11-25 Call with @jo-kim #investor" >want &&
	check_same want got &&
	rows --on yesterday &&
	cat >want <<-\END &&
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '--since tomorrow --until "in 2 weeks": planned entries' '
	rows --since tomorrow --until "in 2 weeks" &&
	echo "2026-12-01 Review with @jo-kim #investor #work" >want &&
	check_same want got
'

test_expect '--since "nov 20" --until "nov 22": month names' '
	rows --since "nov 20" --until "nov 22" &&
	cat >want <<-\END &&
	2026-11-20 Standup with @sam-berg #work
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-22 Lunch with @sammy
	END
	check_same want got
'

test_expect_code 1 'date options all apply: --on a day before --since' '
	kith journal --on 2026-11-24 --since 2026-11-25 >out
'
test_expect 'and print nothing' 'test ! -s out'

test_expect_code 1 'a day without entries: exit 1' '
	kith journal --on 2026-11-23 >out
'
test_expect 'and print nothing' 'test ! -s out'

test_expect_code 1 'a dated note item is no journal entry' '
	kith journal --on 2026-11-18 >out
'

# ---- -n ----

test_expect '-n 3: the three most recent, oldest first' '
	rows -n 3 &&
	cat >want <<-\END &&
	2026-11-24 Dinner with @ana-lima and @sam-berg
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '-r -n 3: the same three, newest first' '
	rows -r -n 3 &&
	cat >want <<-\END &&
	2026-12-01 Review with @jo-kim #investor #work
	2026-11-25 Call with @jo-kim #investor
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '-n applies after the filters' '
	rows -n 2 --until yesterday &&
	cat >want <<-\END &&
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '-n larger than the list prints all of it' '
	rows -n 100 && test $(wc -l <got) -eq 9
'

# ---- people ----

test_expect '--person by prefix: interactions only, not the note item' '
	rows --person ana &&
	cat >want <<-\END &&
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got
'

test_expect '--person: an open follow-up is a promise, a ticked one counts' '
	rows --person jo-kim &&
	cat >want <<-\END &&
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got &&
	rows --person sam-ortiz &&
	cat >want <<-\END &&
	2026-11-22 Lunch with @sammy
	2026-11-25 Call with @jo-kim #investor
	END
	check_same want got
'

test_expect '--person by alias and by name, any case' '
	rows --person SAMMY &&
	cat >want <<-\END &&
	2026-11-22 Lunch with @sammy
	2026-11-25 Call with @jo-kim #investor
	END
	check_same want got &&
	rows --person "jo kim" &&
	cat >want <<-\END &&
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '--person twice: entries with either' '
	rows --person ana --person jo-kim &&
	cat >want <<-\END &&
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-24 Dinner with @ana-lima and @sam-berg
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '--person twice with --all: entries with both' '
	rows --all --person ana --person sam-berg &&
	echo "2026-11-24 Dinner with @ana-lima and @sam-berg" >want &&
	check_same want got
'

test_expect_code 1 '--all with two people never seen together: exit 1' '
	kith journal -a --person ana --person jo-kim >out
'

test_expect_code 2 'an unknown person: exit 2' 'kith journal --person zelda >out 2>err'
test_expect 'the message says what to do, nothing on stdout' '
	echo "kith-journal: no person matches '\''zelda'\'': see '\''kith ls'\''" >want &&
	check_same want err && test ! -s out
'

test_expect_code 2 'an ambiguous person: exit 2' 'kith journal --person sam >out 2>err'
test_expect 'the candidates are listed on stderr' '
	cat >want <<-END &&
	kith-journal: '\''sam'\'' matches 2 people: give the slug
	${tab}sam-berg${tab}Sam Berg
	${tab}sam-ortiz${tab}Sam Ortiz
	END
	check_same want err && test ! -s out
'

test_expect_code 2 'one ambiguous --person among good ones: exit 2' '
	kith journal --person ana --person sam
'

# ---- tags ----

test_expect '--tag: case-insensitive, with or without #' '
	cat >want <<-\END &&
	2025-12-31 Year in review #Career
	2026-11-02 Quiet day. Read about #career paths.
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	rows --tag career && check_same want got &&
	rows --tag "#CAREER" && check_same want got
'

test_expect '--tag work is not #work/acme; --tag work/acme is' '
	rows --tag work &&
	cat >want <<-\END &&
	2026-11-20 Standup with @sam-berg #work
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got &&
	rows --tag "#Work/Acme" &&
	echo "2026-11-22 Lunch with @sammy" >want &&
	check_same want got
'

test_expect '--tag twice: entries with either' '
	rows --tag work --tag investor &&
	cat >want <<-\END &&
	2026-11-20 Standup with @sam-berg #work
	2026-11-25 Call with @jo-kim #investor
	2026-12-01 Review with @jo-kim #investor #work
	END
	check_same want got
'

test_expect '--tag twice with --all: entries with both' '
	rows --tag work --tag investor --all &&
	echo "2026-12-01 Review with @jo-kim #investor #work" >want &&
	check_same want got
'

test_expect '--person and --tag: either, or with --all both' '
	rows --person ana --tag feedback &&
	cat >want <<-\END &&
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-24 Notes
	2026-11-24 Dinner with @ana-lima and @sam-berg
	END
	check_same want got &&
	rows --person ana --tag feedback --all &&
	echo "2026-11-20 Coffee with [[Ana Lima]]" >want &&
	check_same want got
'

test_expect 'dates apply with --person and --tag' '
	rows --person jo-kim --tag work --until today &&
	cat >want <<-\END &&
	2026-11-20 Standup with @sam-berg #work
	2026-11-25 Call with @jo-kim #investor
	END
	check_same want got
'

test_expect_code 1 'an unused tag: exit 1' 'kith journal --tag nosuch >out'
test_expect_code 2 'a bad tag: exit 2' 'kith journal --tag "#" 2>err'
test_expect 'the bad-tag message' '
	echo "kith-journal: bad tag '\'''\'': give a word like '\''mentor'\'' or '\''#work/acme'\''" >want &&
	check_same want err
'

# ---- grep ----

test_expect '--grep over the text' '
	rows --grep "fewer sl[a-z]+" &&
	echo "2026-11-20 Coffee with [[Ana Lima]]" >want &&
	check_same want got
'

test_expect '--grep over the heading too' '
	rows --grep "^## 09:00 Standup" &&
	echo "2026-11-20 Standup with @sam-berg #work" >want &&
	check_same want got
'

test_expect '--grep: ^ matches at each line of the entry' '
	rows --grep "^Nothing" &&
	echo "2026-11-24 Notes" >want &&
	check_same want got
'

test_expect '--grep is case-sensitive' '
	rows --grep Café &&
	echo "2026-11-20 Coffee with [[Ana Lima]]" >want &&
	check_same want got
'

test_expect '-i: caseless for non-ASCII letters too' '
	cat >want <<-\END &&
	2026-11-20 Coffee with [[Ana Lima]]
	2026-11-22 Lunch with @sammy
	END
	rows -i --grep café && check_same want got &&
	rows --ignore-case --grep CAFÉ && check_same want got
'

test_expect '--grep: Unicode properties' '
	rows --grep "\bCaf\p{L}\b" &&
	echo "2026-11-20 Coffee with [[Ana Lima]]" >want &&
	check_same want got
'

test_expect '--grep with other filters: all apply' '
	rows --grep "(?i)café" --tag work/acme &&
	echo "2026-11-22 Lunch with @sammy" >want &&
	check_same want got
'

test_expect_code 1 '--grep that matches nothing: exit 1' '
	kith journal --grep sprint --person ana >out
'

test_expect_code 2 'a bad pattern: exit 2' 'kith journal --grep "(" >out 2>err'
test_expect 'the message gives pcre2 reason and offset' '
	echo "kith-journal: bad pattern '\''('\'': missing closing parenthesis at offset 1: fix the pattern" >want &&
	check_same want err && test ! -s out
'
test_expect 'another bad pattern, another offset' '
	code=0; kith journal --grep "ab{2,1}" 2>err || code=$? &&
	test $code -eq 2 &&
	echo "kith-journal: bad pattern '\''ab{2,1}'\'': numbers out of order in {} quantifier at offset 6: fix the pattern" >want &&
	check_same want err
'

test_expect 'a pattern that runs away: exit 2, naming the entry' '
	printf "# 2026-11-26\n\n## x\n%s!\n" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa \
		>journal/2026/2026-11-26.md &&
	code=0; kith journal --grep "(a+)+\$" >out 2>err || code=$? &&
	rm journal/2026/2026-11-26.md &&
	test $code -eq 2 && test ! -s out &&
	echo "kith-journal: pattern failed on journal/2026/2026-11-26.md:3: match limit exceeded: simplify the pattern" >want &&
	check_same want err
'

# ---- bad input ----

test_expect_code 2 'a bad date: exit 2' 'kith journal --since blursday >out 2>err'
test_expect 'the bad-date message says what to use' '
	echo "kith-journal: cannot read '\''blursday'\'' as a date: use YYYY-MM-DD, today, yesterday, a weekday, '\''N days ago'\'' or '\''in N weeks'\''" >want &&
	check_same want err && test ! -s out
'
test_expect_code 2 'no such ISO date: exit 2' 'kith journal --on 2026-02-30 2>err'
test_expect 'the message names it' '
	echo "kith-journal: no such date '\''2026-02-30'\'': check the month and day" >want &&
	check_same want err
'
test_expect_code 2 'a bad --until: exit 2' 'kith journal --until "next blue moon"'
test_expect_code 2 '-n 0: exit 2' 'kith journal -n 0 2>err'
test_expect 'the -n message' '
	echo "kith-journal: bad -n '\''0'\'': give a number of entries from 1" >want &&
	check_same want err
'
test_expect_code 2 '-n x: exit 2' 'kith journal -n x'
test_expect_code 2 '-n 3x: exit 2' 'kith journal -n 3x'
test_expect_code 2 '--format csv: exit 2' 'kith journal --format csv'
test_expect_code 2 '--json with --format tsv: exit 2' 'kith journal --json --format tsv'
test_expect_code 2 'an operand: exit 2' 'kith journal ana'
test_expect_code 2 'an unknown option: exit 2' 'kith journal --bogus'
test_expect_code 2 'bad usage is found before the repository' '
	cd / && HOME=/nonexistent kith journal --since blursday
'

# ---- machine-readable output ----

test_expect '--json: the DESIGN.md keys, exactly' '
	kith journal --json >out &&
	cat >want <<-\END &&
	[
	{"date":"2025-12-31","time":"23:59","title":"Year in review #Career","path":"journal/2025/2025-12-31.md","line":3,"people":[],"tags":["career"],"text":"## 23:59 Year in review #Career\n"},
	{"date":"2026-11-02","time":null,"title":"Quiet day. Read about #career paths.","path":"journal/2026/2026-11-02.md","line":3,"people":[],"tags":["career"],"text":"Quiet day. Read about #career paths.\n"},
	{"date":"2026-11-20","time":"09:00","title":"Standup with @sam-berg #work","path":"journal/2026/2026-11-20.md","line":3,"people":["sam-berg"],"tags":["work"],"text":"## 09:00 Standup with @sam-berg #work\nPlanned the sprint.\n"},
	{"date":"2026-11-20","time":"14:30","title":"Coffee with [[Ana Lima]]","path":"journal/2026/2026-11-20.md","line":6,"people":["ana-lima"],"tags":["feedback"],"text":"## 14:30 Coffee with [[Ana Lima]]\nShe gave me #feedback on the talk: fewer slides.\nCafé at the corner.\n\n- [ ] send @jo-kim the deck due:2026-11-27\n"},
	{"date":"2026-11-22","time":null,"title":"Lunch with @sammy","path":"journal/2026/2026-11-22.md","line":3,"people":["sam-ortiz"],"tags":["work/acme"],"text":"Lunch with @sammy\n-----------------\n\nTalked about #work/acme and the CAFÉ menu.\tTabbed.\n"},
	{"date":"2026-11-24","time":null,"title":"Notes","path":"journal/2026/2026-11-24.md","line":6,"people":[],"tags":["feedback"],"text":"## Notes\nNothing else. #feedback\n"},
	{"date":"2026-11-24","time":"18:00","title":"Dinner with @ana-lima and @sam-berg","path":"journal/2026/2026-11-24.md","line":3,"people":["ana-lima","sam-berg"],"tags":["career"],"text":"## 18:00 Dinner with @ana-lima and @sam-berg\nLong talk about #Career moves. #career again.\n"},
	{"date":"2026-11-25","time":"08:15","title":"Call with @jo-kim #investor","path":"journal/2026/2026-11-25.md","line":3,"people":["jo-kim","sam-ortiz"],"tags":["investor"],"text":"## 08:15 Call with @jo-kim #investor\n- [x] ask @sam-ortiz for the intro\n"},
	{"date":"2026-12-01","time":"10:00","title":"Review with @jo-kim #investor #work","path":"journal/2026/2026-12-01.md","line":3,"people":["jo-kim"],"tags":["investor","work"],"text":"## 10:00 Review with @jo-kim #investor #work\n"}
	]
	END
	check_same want out
'

test_expect '--json with -r and -n' '
	kith journal --json -r -n 2 >out &&
	cat >want <<-\END &&
	[
	{"date":"2026-12-01","time":"10:00","title":"Review with @jo-kim #investor #work","path":"journal/2026/2026-12-01.md","line":3,"people":["jo-kim"],"tags":["investor","work"],"text":"## 10:00 Review with @jo-kim #investor #work\n"},
	{"date":"2026-11-25","time":"08:15","title":"Call with @jo-kim #investor","path":"journal/2026/2026-11-25.md","line":3,"people":["jo-kim","sam-ortiz"],"tags":["investor"],"text":"## 08:15 Call with @jo-kim #investor\n- [x] ask @sam-ortiz for the intro\n"}
	]
	END
	check_same want out
'

test_expect_code 1 '--json that matches nothing prints [] and exits 1' '
	kith journal --json --tag nosuch >out
'
test_expect 'the empty array' 'echo "[]" >want && check_same want out'

test_expect '--format tsv -H: a header, lists joined by commas, text flattened' '
	kith journal --format tsv -H --since 2026-11-20 --until 2026-11-25 >out &&
	tr "|" "\t" >want <<-\END &&
	date|time|title|path|line|people|tags|text
	2026-11-20|09:00|Standup with @sam-berg #work|journal/2026/2026-11-20.md|3|sam-berg|work|## 09:00 Standup with @sam-berg #work Planned the sprint.
	2026-11-20|14:30|Coffee with [[Ana Lima]]|journal/2026/2026-11-20.md|6|ana-lima|feedback|## 14:30 Coffee with [[Ana Lima]] She gave me #feedback on the talk: fewer slides. Café at the corner.  - [ ] send @jo-kim the deck due:2026-11-27
	2026-11-22||Lunch with @sammy|journal/2026/2026-11-22.md|3|sam-ortiz|work/acme|Lunch with @sammy -----------------  Talked about #work/acme and the CAFÉ menu. Tabbed.
	2026-11-24||Notes|journal/2026/2026-11-24.md|6||feedback|## Notes Nothing else. #feedback
	2026-11-24|18:00|Dinner with @ana-lima and @sam-berg|journal/2026/2026-11-24.md|3|ana-lima,sam-berg|career|## 18:00 Dinner with @ana-lima and @sam-berg Long talk about #Career moves. #career again.
	2026-11-25|08:15|Call with @jo-kim #investor|journal/2026/2026-11-25.md|3|jo-kim,sam-ortiz|investor|## 08:15 Call with @jo-kim #investor - [x] ask @sam-ortiz for the intro
	END
	check_same want out
'

test_expect '--format tsv without -H: no header, tags joined by commas' '
	kith journal --format tsv --on 2026-12-01 >out &&
	tr "|" "\t" >want <<-\END &&
	2026-12-01|10:00|Review with @jo-kim #investor #work|journal/2026/2026-12-01.md|3|jo-kim|investor,work|## 10:00 Review with @jo-kim #investor #work
	END
	check_same want out
'

# ---- the repository ----

test_expect 'a file that is no journal day: a warning, the rest is listed' '
	echo "## 10:00 stray" >journal/2026/notes.md &&
	kith journal --on today >out 2>err &&
	rm journal/2026/notes.md &&
	echo "kith-journal: warning: '\''journal/2026/notes.md'\'' is not named by a date: name it YYYY-MM-DD.md" >want &&
	check_same want err &&
	grep -q "^## 08:15 Call with @jo-kim" out
'

test_expect 'the work tree is clean' 'check_clean'

cd "$TRASH" || exit 3
test_expect 'setup: an empty repository' 'new_repo empty'
test_expect_code 1 'an empty repository: exit 1' '
	KITH_DIR="$TRASH/empty" kith journal >out 2>err
'
test_expect 'and print nothing at all' 'test ! -s out && test ! -s err'
test_expect_code 1 'an empty repository with --json: [] and exit 1' '
	KITH_DIR="$TRASH/empty" kith journal --json >out
'
test_expect 'the empty array' 'echo "[]" >want && check_same want out'

test_expect_code 3 'no repository: exit 3' '
	cd / && HOME=/nonexistent kith journal
'
test_expect 'no repository: the message says what to do' '
	! (cd / && HOME=/nonexistent kith journal) 2>err &&
	grep -q "^kith-journal: .*kith init" err
'

test_expect '--help prints the synopsis on stdout, exit 0' '
	kith journal --help >out &&
	grep -q "^usage: kith journal \[-aHir\] \[-n N\]" out
'
test_expect_code 0 '-h is --help' 'kith journal -h'

test_expect 'the empty repository is clean' 'check_clean empty'
test_done
