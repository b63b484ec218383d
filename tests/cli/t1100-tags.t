#!/bin/sh
# t1100-tags.t - kith tags: every tag with how many people and journal
# entries carry it, most used first.
#
# In tests/fixtures/daily (see t1000-journal.t for the entries):
#   career     people 2 (Ana's "#Career", Sam Berg's "#career": one tag)
#              entries 3 (2025-12-31 "#Career", 2026-11-02, and 2026-11-24
#              which writes "#Career" and "#career": once)
#   investor   people 1 (Jo), entries 2
#   work       people 1 (Sam Berg; Ana has #work/acme only), entries 2
#              (the 2026-11-22 entry's #work/acme is not #work)
#   feedback   people 0, entries 2
#   work/acme  people 1 (Ana), entries 1
#   design     people 1 (Ana writes it twice), entries 0
#   mentoring  people 1: only in Ana's dated note item, which counts for
#              her and is no journal entry, entries 0
#   zürich     people 1 (Jo's notes), entries 0
. "$(dirname "$0")/lib.sh"

fixture_repo daily repo
cd repo || exit 3

test_expect 'most used first, then by tag, in aligned columns' '
	kith tags >out 2>err &&
	cat >want <<-\END &&
	tag         people  entries
	#career          2        3
	#investor        1        2
	#work            1        2
	#feedback        0        2
	#work/acme       1        1
	#design          1        0
	#mentoring       1        0
	#zürich          1        0
	END
	check_same want out &&
	test ! -s err
'

test_expect '--people: tags people carry, by people' '
	kith tags --people >out &&
	cat >want <<-\END &&
	tag         people  entries
	#career          2        3
	#design          1        0
	#investor        1        2
	#mentoring       1        0
	#work            1        2
	#work/acme       1        1
	#zürich          1        0
	END
	check_same want out
'

test_expect '--entries: tags journal entries carry, by entries' '
	kith tags --entries >out &&
	cat >want <<-\END &&
	tag         people  entries
	#career          2        3
	#feedback        0        2
	#investor        1        2
	#work            1        2
	#work/acme       1        1
	END
	check_same want out
'

test_expect '--json: tag, people, entries' '
	kith tags --json >out &&
	cat >want <<-\END &&
	[
	{"tag":"career","people":2,"entries":3},
	{"tag":"investor","people":1,"entries":2},
	{"tag":"work","people":1,"entries":2},
	{"tag":"feedback","people":0,"entries":2},
	{"tag":"work/acme","people":1,"entries":1},
	{"tag":"design","people":1,"entries":0},
	{"tag":"mentoring","people":1,"entries":0},
	{"tag":"zürich","people":1,"entries":0}
	]
	END
	check_same want out
'

test_expect '--json --entries' '
	kith tags --json --entries >out &&
	cat >want <<-\END &&
	[
	{"tag":"career","people":2,"entries":3},
	{"tag":"feedback","people":0,"entries":2},
	{"tag":"investor","people":1,"entries":2},
	{"tag":"work","people":1,"entries":2},
	{"tag":"work/acme","people":1,"entries":1}
	]
	END
	check_same want out
'

test_expect '--format tsv: no header' '
	kith tags --format tsv >out &&
	tr "|" "\t" >want <<-\END &&
	career|2|3
	investor|1|2
	work|1|2
	feedback|0|2
	work/acme|1|1
	design|1|0
	mentoring|1|0
	zürich|1|0
	END
	check_same want out
'

test_expect '--format tsv -H --people: a header' '
	kith tags --format tsv -H --people >out &&
	tr "|" "\t" >want <<-\END &&
	tag|people|entries
	career|2|3
	design|1|0
	investor|1|2
	mentoring|1|0
	work|1|2
	work/acme|1|1
	zürich|1|0
	END
	check_same want out
'

test_expect 'the counts agree with kith journal --tag' '
	for t in career investor work feedback work/acme; do
		kith tags --format tsv >out &&
		want=$(awk -F"\t" -v t=$t "\$1 == t { print \$3 }" out) &&
		kith journal --tag $t --format tsv >out &&
		test "$(wc -l <out)" -eq "$want" || return 1
	done
'

test_expect 'the people counts agree with kith ls --tag' '
	for t in career design investor mentoring work work/acme zürich; do
		kith tags --format tsv >out &&
		want=$(awk -F"\t" -v t=$t "\$1 == t { print \$2 }" out) &&
		kith ls --tag $t --format tsv >out &&
		test "$(wc -l <out)" -eq "$want" || return 1
	done
'

test_expect 'a new tag written twice in a new entry counts once' '
	printf "# 2026-11-26\n\n## #Climbing and #CLIMBING\n" >journal/2026/2026-11-26.md &&
	kith tags --format tsv --entries >out &&
	rm journal/2026/2026-11-26.md &&
	grep -qx "climbing	0	1" out
'

test_expect 'a file that cannot be read: a warning, the rest is counted' '
	echo "#stray" >journal/2026/notes.md &&
	kith tags --format tsv >out 2>err &&
	rm journal/2026/notes.md &&
	echo "kith-tags: warning: '\''journal/2026/notes.md'\'' is not named by a date: name it YYYY-MM-DD.md" >want &&
	check_same want err &&
	test $(wc -l <out) -eq 8
'

test_expect_code 2 '--people with --entries: exit 2' 'kith tags --people --entries'
test_expect_code 2 '--format csv: exit 2' 'kith tags --format csv'
test_expect_code 2 '--json with --format tsv: exit 2' 'kith tags --json --format tsv'
test_expect_code 2 'an operand: exit 2' 'kith tags career'
test_expect_code 2 'an unknown option: exit 2' 'kith tags --bogus 2>err'
test_expect 'bad usage prints the synopsis on stderr' '
	grep -q "^usage: kith tags " err
'

test_expect 'the work tree is clean' 'check_clean'

cd "$TRASH" || exit 3
test_expect 'setup: an empty repository' 'new_repo empty'
export KITH_DIR="$TRASH/empty"
test_expect_code 1 'an empty repository: exit 1' 'kith tags >out 2>err'
test_expect 'and print nothing at all' 'test ! -s out && test ! -s err'
test_expect_code 1 'an empty repository with --json: [] and exit 1' '
	kith tags --json >out
'
test_expect 'the empty array' 'echo "[]" >want && check_same want out'

test_expect 'setup: one tagged person, no tagged entry' '
	printf "# Lee Park\n\n- tags: #Mentor\n" >empty/people/lee-park.md &&
	mkdir -p empty/journal/2026 &&
	printf "# 2026-11-25\n\n## Call with @lee-park\n" >empty/journal/2026/2026-11-25.md
'
test_expect '--people lists it' '
	kith tags --people --format tsv >out &&
	printf "mentor\t1\t0\n" >want &&
	check_same want out
'
test_expect_code 1 '--entries: none on that side, exit 1' '
	kith tags --entries >out
'
test_expect 'and print nothing' 'test ! -s out'
test_expect 'clean up' 'rm empty/people/lee-park.md empty/journal/2026/2026-11-25.md'
unset KITH_DIR

test_expect_code 3 'no repository: exit 3' '
	cd / && HOME=/nonexistent kith tags
'
test_expect '--help prints the synopsis on stdout, exit 0' '
	kith tags --help >out &&
	echo "usage: kith tags [-H] [--people | --entries] [--json | --format tsv]" >want &&
	check_same want out
'

test_expect 'the empty repository is clean' 'check_clean empty'
test_done
