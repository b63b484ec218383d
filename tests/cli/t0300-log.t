#!/bin/sh
# t0300-log.t - kith log appends an entry to the day's journal and commits it.
. "$(dirname "$0")/lib.sh"

# Scratch files stay in $TRASH; the repository is found through KITH_DIR.
test_expect 'setup: a repository' 'new_repo repo'
export KITH_DIR="$TRASH/repo"
day=repo/journal/2026/2026-11-25.md

subject() {
	git -C repo log -1 --format=%s
}

test_expect 'log with arguments creates the day file' '
	kith log Coffee with Ann >out 2>err &&
	echo "journal/2026/2026-11-25.md:3" >want &&
	check_same want out &&
	test ! -s err &&
	cat >want <<-\EOF &&
	# 2026-11-25

	## Coffee with Ann
	EOF
	check_same want $day
'

test_expect 'it makes one commit "log: TITLE" of just that file' '
	test "$(subject)" = "log: Coffee with Ann" &&
	git -C repo show --name-only --format= HEAD >got &&
	echo journal/2026/2026-11-25.md >want &&
	check_same want got
'

test_expect 'a second log appends and keeps the first bytes' '
	cp $day first &&
	kith log "Lunch with Bob" >out &&
	echo "journal/2026/2026-11-25.md:5" >want &&
	check_same want out &&
	cmp -n "$(wc -c <first)" first $day &&
	cat >want <<-\EOF &&
	# 2026-11-25

	## Coffee with Ann

	## Lunch with Bob
	EOF
	check_same want $day &&
	test "$(subject)" = "log: Lunch with Bob"
'

test_expect 'text on stdin: the first line is the title, the rest the body' '
	cp $day first &&
	printf "Call with Ann\nShe moved to Rome.\n\n  - [ ] send her the map\n\n\n" >in &&
	kith log <in >out &&
	echo "journal/2026/2026-11-25.md:7" >want &&
	check_same want out &&
	cmp -n "$(wc -c <first)" first $day &&
	cat >want <<-\EOF &&
	# 2026-11-25

	## Coffee with Ann

	## Lunch with Bob

	## Call with Ann
	She moved to Rome.

	  - [ ] send her the map
	EOF
	check_same want $day &&
	test "$(subject)" = "log: Call with Ann"
'

test_expect 'leading blank lines and surrounding blanks of the title go' '
	printf "\n \n  Standup  \nnotes\n" >in &&
	kith log <in >out &&
	tail -n 2 $day >got &&
	printf "## Standup\nnotes\n" >want &&
	check_same want got &&
	test "$(subject)" = "log: Standup"
'

test_expect 'arguments with a newline give a title and a body' '
	kith log "Quick note
second line" >out &&
	tail -n 2 $day >got &&
	printf "## Quick note\nsecond line\n" >want &&
	check_same want got
'

test_expect '-d yesterday' '
	kith log -d yesterday Dinner >out &&
	echo "journal/2026/2026-11-24.md:3" >want &&
	check_same want out &&
	printf "# 2026-11-24\n\n## Dinner\n" >want &&
	check_same want repo/journal/2026/2026-11-24.md
'

test_expect '-d "3 days ago"' '
	kith log -d "3 days ago" Walk >out &&
	echo "journal/2026/2026-11-22.md:3" >want &&
	check_same want out &&
	printf "# 2026-11-22\n\n## Walk\n" >want &&
	check_same want repo/journal/2026/2026-11-22.md
'

test_expect '-d an ISO date of another year makes its directory' '
	kith log -d 2025-12-31 "Year end" >out &&
	echo "journal/2025/2025-12-31.md:3" >want &&
	check_same want out &&
	printf "# 2025-12-31\n\n## Year end\n" >want &&
	check_same want repo/journal/2025/2025-12-31.md
'

git -C repo rev-parse HEAD >head

test_expect_code 2 '-d 2026-02-29 is not a date' 'kith log -d 2026-02-29 x'

test_expect_code 2 '-d blursday is not a date' 'kith log -d blursday x'

test_expect 'a bad date says so and writes nothing' '
	! kith log -d blursday x 2>err &&
	grep "^kith-log: .*blursday" err &&
	test ! -e repo/journal/2026/2026-02-29.md
'

test_expect '-t 09:30 gives the entry a time' '
	kith log -d 2026-11-23 -t 09:30 Standup >out &&
	echo "journal/2026/2026-11-23.md:3" >want &&
	check_same want out &&
	printf "# 2026-11-23\n\n## 09:30 Standup\n" >want &&
	check_same want repo/journal/2026/2026-11-23.md &&
	test "$(subject)" = "log: Standup" &&
	git -C repo rev-parse HEAD >head
'

test_expect_code 2 '-t 25:00 is no time' 'kith log -t 25:00 x'
test_expect_code 2 '-t 12:60 is no time' 'kith log -t 12:60 x'
test_expect_code 2 '-t 9:30 is not HH:MM' 'kith log -t 9:30 x'

test_expect 'a bad time says so' '
	! kith log -t 25:00 x 2>err &&
	grep -F "kith-log: bad time '\''25:00'\''" err
'

test_expect_code 2 'empty stdin is nothing to log' 'kith log </dev/null'

test_expect 'empty stdin says what to do' '
	! kith log </dev/null 2>err &&
	grep -Fx "kith-log: nothing to log: give the text as arguments or on standard input" err
'

test_expect_code 2 'blank stdin is nothing to log' 'printf "\n  \n\n" | kith log'

test_expect_code 2 'an empty argument is nothing to log' 'kith log ""'

test_expect_code 2 'an unknown option is bad usage' 'kith log -x hello'

test_expect '-h prints the usage' '
	kith log -h >out &&
	grep -Fx "usage: kith log [-d date] [-t HH:MM] [text ...]" out
'

test_expect 'failed calls made no commit' '
	git -C repo rev-parse HEAD >now &&
	check_same head now
'

test_expect 'an unresolved @mention warns but logs and commits' '
	kith log "Met @nobody at the fair" >out 2>err &&
	grep -Fx "kith-log: warning: '\''@nobody'\'' matches no person: add them with '\''kith add NAME'\''" err &&
	test "$(wc -l <err)" = 1 &&
	tail -n 1 $day >got &&
	echo "## Met @nobody at the fair" >want &&
	check_same want got &&
	test "$(subject)" = "log: Met @nobody at the fair"
'

test_expect 'a mention in the body warns, once however often it is written' '
	printf "Party\nsaw @ghost and @ghost again\n" >in &&
	kith log <in >out 2>err &&
	grep -F "'\''@ghost'\'' matches no person" err &&
	test "$(wc -l <err)" = 1
'

test_expect 'an unresolved wiki link suggests adding that name' '
	kith log "Met [[Bob Smith]]" 2>err &&
	grep -Fx "kith-log: warning: '\''[[Bob Smith]]'\'' matches no person: add them with '\''kith add Bob Smith'\''" err
'

test_expect 'mentions in earlier entries are not warned about again' '
	kith log "Plain entry" >out 2>err &&
	test ! -s err
'

test_expect 'a resolved mention gives no warning' '
	kith add Jane Doe >out &&
	kith log "Coffee with @jane-doe" >out 2>err &&
	test ! -s err &&
	test "$(subject)" = "log: Coffee with @jane-doe"
'

test_expect 'a long title is cut at a character boundary in the subject' '
	t= &&
	for i in 1 2 3 4 5 6 7 8 9 10; do t="${t}éééé"; done &&
	kith log "$t" >out &&
	tail -n 1 $day >got &&
	echo "## $t" >want &&
	check_same want got &&
	s=$(subject) &&
	case "$s" in "log: éééé"*) ;; *) false ;; esac &&
	test "$(printf %s "$s" | wc -c)" -le 70 &&
	printf %s "$s" | iconv -f UTF-8 -t UTF-8 >/dev/null
'

test_expect 'a CRLF day file gets CRLF lines appended' '
	mkdir -p repo/journal/2026 &&
	printf "# 2026-11-20\r\n\r\n## Old entry\r\nsome text\r\n" \
		>repo/journal/2026/2026-11-20.md &&
	git -C repo add journal/2026/2026-11-20.md &&
	git -C repo commit -q -m "hand: a CRLF day" &&
	printf "New entry\nwith a body\n" >in &&
	kith log -d 2026-11-20 <in >out &&
	echo "journal/2026/2026-11-20.md:6" >want &&
	check_same want out &&
	printf "# 2026-11-20\r\n\r\n## Old entry\r\nsome text\r\n\r\n## New entry\r\nwith a body\r\n" >want &&
	cmp want repo/journal/2026/2026-11-20.md
'

test_expect 'a day file without a final newline gets one, then the entry' '
	printf "# 2026-11-19\n\nno newline at the end" \
		>repo/journal/2026/2026-11-19.md &&
	git -C repo add journal/2026/2026-11-19.md &&
	git -C repo commit -q -m "hand: no final newline" &&
	kith log -d 2026-11-19 Next >out &&
	echo "journal/2026/2026-11-19.md:5" >want &&
	check_same want out &&
	printf "# 2026-11-19\n\nno newline at the end\n\n## Next\n" >want &&
	cmp want repo/journal/2026/2026-11-19.md
'

test_expect 'a day file ending in a blank line gets no second one' '
	printf "# 2026-11-18\n\n" >repo/journal/2026/2026-11-18.md &&
	git -C repo add journal/2026/2026-11-18.md &&
	git -C repo commit -q -m "hand: a blank day" &&
	kith log -d 2026-11-18 Next >out &&
	echo "journal/2026/2026-11-18.md:3" >want &&
	check_same want out &&
	printf "# 2026-11-18\n\n## Next\n" >want &&
	cmp want repo/journal/2026/2026-11-18.md
'

test_expect_code 3 'no repository exits 3' '
	unset KITH_DIR
	mkdir -p nowhere && cd nowhere && kith log hello
'

test_expect 'a held lock makes log exit 3 and change nothing' '
	cp $day before &&
	git -C repo rev-parse HEAD >head &&
	lock_hold repo &&
	rc=0 &&
	{ KITH_LOCK_TIMEOUT=1 kith log "Locked out" >out 2>err || rc=$?; } &&
	lock_release &&
	test "$rc" = 3 &&
	grep "^kith-log: " err &&
	test ! -s out &&
	cmp before $day &&
	git -C repo rev-parse HEAD >now &&
	check_same head now
'

# Each waits for the other's lock as long as it takes (the 2 seconds of
# lib.sh are for the tests of a held lock): on a slow machine a commit,
# with an automatic gc, can take that long.
test_expect 'concurrent logs to one day all land, one commit each' '
	before=$(git -C repo rev-list --count HEAD)
	export KITH_LOCK_TIMEOUT=60
	for i in 1 2 3; do
		kith log -d 2026-11-26 "Racer A$i" >a.out 2>a.err &
		a=$!
		kith log -d 2026-11-26 "Racer B$i" >b.out 2>b.err &
		b=$!
		wait $a
		wait $b
	done
	after=$(git -C repo rev-list --count HEAD) &&
	test $((after - before)) = 6 &&
	f=repo/journal/2026/2026-11-26.md &&
	for i in 1 2 3; do
		grep -Fx "## Racer A$i" $f && grep -Fx "## Racer B$i" $f || exit 1
	done &&
	test "$(grep -c "^## " $f)" = 6 &&
	test "$(grep -c "^# 2026-11-26$" $f)" = 1
'

test_expect 'hand edits elsewhere stay uncommitted' '
	echo "Hand-written note." >>repo/people/jane-doe.md &&
	kith log "After a hand edit" >out &&
	git -C repo status --porcelain >got &&
	echo " M people/jane-doe.md" >want &&
	check_same want got &&
	git -C repo show --name-only --format= HEAD >got &&
	echo journal/2026/2026-11-25.md >want &&
	check_same want got &&
	git -C repo checkout -q -- people/jane-doe.md
'

test_expect 'the repository is clean' 'check_clean repo'

test_done
