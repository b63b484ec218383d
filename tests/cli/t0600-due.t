#!/bin/sh
# kith due: the daily view, by DESIGN.md's rules, on a fixed today.
. "$(dirname "$0")/lib.sh"

fixture_repo network repo
cd repo || exit 3

test_expect 'due --format tsv: overdue first, each row with its evidence' '
	kith due --format tsv >out &&
	printf "%s\t%s\t%s\t%s\t%s\t%s\n" \
		followup ben-okoro 2026-11-20 -5 "lend him the book on negotiation" people/ben-okoro.md:8 \
		reconnect chen-wei 2026-11-25 0 "every 3m, no interaction yet" people/chen-wei.md:3 \
		birthday ana-lima 2026-11-27 2 "birthday, turns 36" people/ana-lima.md:5 \
		followup ben-okoro 2026-11-28 3 "send @ben-okoro the flat listings" journal/2026/2026-11-10.md:6 >want &&
	check_same want out
'

test_expect 'due --json: the keys of DESIGN.md' '
	kith due --json >out &&
	cat >want <<-\END &&
	[
	{"kind":"followup","slug":"ben-okoro","date":"2026-11-20","days":-5,"text":"lend him the book on negotiation","path":"people/ben-okoro.md","line":8},
	{"kind":"reconnect","slug":"chen-wei","date":"2026-11-25","days":0,"text":"every 3m, no interaction yet","path":"people/chen-wei.md","line":3},
	{"kind":"birthday","slug":"ana-lima","date":"2026-11-27","days":2,"text":"birthday, turns 36","path":"people/ana-lima.md","line":5},
	{"kind":"followup","slug":"ben-okoro","date":"2026-11-28","days":3,"text":"send @ben-okoro the flat listings","path":"journal/2026/2026-11-10.md","line":6}
	]
	END
	check_same want out
'

test_expect 'human output is grouped: overdue, today, coming' '
	kith due >out &&
	grep -n "^[A-Z]" out >groups &&
	printf "1:Overdue\n4:Today\n7:Coming\n" >want &&
	check_same want groups &&
	grep -q "Ben Okoro: lend him the book on negotiation  people/ben-okoro.md:8" out &&
	grep -q "5 days late" out
'

test_expect 'no colour when not on a terminal' '
	kith due >out &&
	! grep -q "$(printf "\033")" out
'

test_expect '--days widens the look-ahead; a follow-up of two people is two rows' '
	kith due --days 15 --format tsv | cut -f1,2,3 >out &&
	printf "%s\t%s\t%s\n" \
		followup ben-okoro 2026-11-20 \
		reconnect chen-wei 2026-11-25 \
		birthday ana-lima 2026-11-27 \
		followup ben-okoro 2026-11-28 \
		reconnect ana-lima 2026-12-08 \
		followup ana-lima 2026-12-10 \
		followup ben-okoro 2026-12-10 >want &&
	check_same want out
'

test_expect 'kith.dueDays sets the default look-ahead' '
	git config -f kith.conf kith.dueDays 0 &&
	kith due --format tsv | cut -f2,3 >out &&
	printf "ben-okoro\t2026-11-20\nchen-wei\t2026-11-25\n" >want &&
	check_same want out &&
	git checkout -q kith.conf
'

test_expect 'kith.every is the default cadence for people without one' '
	git config -f kith.conf kith.every 10d &&
	kith due --format tsv | grep "^reconnect" | cut -f2,3 >out &&
	printf "dana-kurz\t2026-11-20\nchen-wei\t2026-11-25\n" >want &&
	check_same want out &&
	git checkout -q kith.conf
'

test_expect 'a Feb 29 birthday falls on Feb 28 in other years' '
	KITH_TODAY=2027-02-25 kith due --format tsv | grep "^birthday" | cut -f2,3 >out &&
	printf "ben-okoro\t2027-02-28\n" >want &&
	check_same want out &&
	KITH_TODAY=2028-02-25 kith due --format tsv | grep "^birthday" | cut -f2,3 >out &&
	printf "ben-okoro\t2028-02-29\n" >want &&
	check_same want out
'

test_expect 'a birthday across the year end' '
	printf -- "- birthday: --01-02\n" >people/ny.md &&
	KITH_TODAY=2026-12-30 kith due --format tsv | grep "^birthday" | cut -f2,3,4 >out &&
	printf "ny\t2027-01-02\t3\n" >want &&
	check_same want out &&
	rm people/ny.md
'

test_expect 'a ticked follow-up is not due' '
	KITH_TODAY=2026-11-10 kith due --days 0 --format tsv >out;
	! grep -q "thank" out
'

test_expect 'nothing due: exit 1, no output' '
	kith init ../empty >/dev/null &&
	code=0 && kith -C ../empty due >out || code=$? &&
	[ $code -eq 1 ] && [ ! -s out ]
'
test_expect_code 2 'bad --days: exit 2' 'kith due --days soon'
test_expect_code 2 'negative --days: exit 2' 'kith due --days -1'
test_expect_code 2 'bad KITH_TODAY: exit 2' 'KITH_TODAY=2026-13-01 kith due'
test_expect_code 2 'an operand: exit 2' 'kith due now'
test_expect '--help prints the synopsis' 'kith due --help | grep -q "^usage: kith due "'

test_expect 'a bad cadence warns and is skipped' '
	printf "# Eve\n\n- every: often\n" >people/eve.md &&
	kith due --format tsv >out 2>err &&
	grep -q "people/eve.md" err &&
	! grep -q "	eve	" out &&
	rm people/eve.md
'

test_expect 'the work tree is clean' 'check_clean'
test_done
