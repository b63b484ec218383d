#!/bin/sh
# t3400-index.t - the derived index gives the answers a full parse gives.
#
# Every read command loads through the index under .kith/ unless
# KITH_NO_INDEX is set, when it parses every file. Here each read command
# and variant runs on every fixture repository and the demo three times:
# parsing (KITH_NO_INDEX=1), from a cold index (.kith/ deleted first) and
# from the warm index that run left; stdout, stderr and the exit status
# must be the same each time. Then files change behind kith's back (plain
# shell, no kith command in between) and the indexed answers must follow;
# a damaged or unusable index must change nothing but a warning; two
# `kith log` and several readers run at once.
#
# What the index is made of is the lead's to change: these tests know only
# that it is the file .kith/index.db (with SQLite's -wal and -shm files)
# and that deleting .kith/ loses nothing.
. "$(dirname "$0")/lib.sh"

CMP="$TRASH/cmp"
mkdir -p "$CMP"

# run TAG ARGS: kith ARGS (stdin empty) into $CMP/TAG.out, .err and .rc;
# TAG parse runs it with KITH_NO_INDEX=1, parsing every file.
run() {
	t=$1
	shift
	if [ "$t" = parse ]; then
		set -- env KITH_NO_INDEX=1 kith "$@"
	else
		set -- kith "$@"
	fi
	run_rc=0
	"$@" >"$CMP/$t.out" 2>"$CMP/$t.err" </dev/null || run_rc=$?
	echo "$run_rc" >"$CMP/$t.rc"
}

# same_as_parse TAG: TAG's output, errors and status equal the parse's.
same_as_parse() {
	check_same "$CMP/parse.out" "$CMP/$1.out" &&
	check_same "$CMP/parse.err" "$CMP/$1.err" &&
	check_same "$CMP/parse.rc" "$CMP/$1.rc"
}

# same ARGS: kith ARGS answers alike parsing, from a cold and a warm index.
same() {
	run parse "$@" &&
	rm -rf .kith &&
	run cold "$@" &&
	run warm "$@" &&
	same_as_parse cold && same_as_parse warm &&
	case $1 in
	grep) ;; # kith grep may search the files themselves
	*) test -f .kith/index.db || { echo "no .kith/index.db"; return 1; } ;;
	esac
}

# same_warm ARGS: the same, from the index as it is (not deleted first).
same_warm() {
	run parse "$@" &&
	run warm "$@" &&
	run warm2 "$@" &&
	same_as_parse warm && same_as_parse warm2
}

# compare REPO: `same` for each line of stdin (kith's arguments, as shell
# words), each its own test.
compare() {
	while IFS= read -r args; do
		case $args in ''|'#'*) continue ;; esac
		test_expect "$1: kith $args" "cd '$TRASH/$1' && same $args"
	done
}

# Every repository, and the demo.
REPOS="network traps daily promises problems rename"
for r in $REPOS; do
	test_expect "set up $r" "fixture_repo $r $r"
done
test_expect 'set up the demo' '
	kith init --demo demo >/dev/null &&
	printf "%s\n" out err want got >>demo/.git/info/exclude
'
test_expect 'KITH_NO_INDEX=1 parses: it makes no index' '
	cd network && rm -rf .kith &&
	run parse ls --json && run parse journal --json &&
	test ! -e .kith/index.db && test -s "$CMP/parse.out"
'

# The index parses again a file changed within a clock tick or two of
# indexing it (a later change in the same tick would not show): let the
# files age, so that the warm runs below read the index, not the files.
sleep 3

# The commands every repository gets; then each one's own people (P: one
# with interactions, one without, an alias, an ambiguous name, an unknown
# one), tags (T), dates (D) and patterns (X), picked from its files.
COMMON='
due
due --json
due --format tsv
due -H --days 30 --format tsv
ls
ls --json
ls --sort last --format tsv
ls -H --sort last
journal
journal --json
journal -r --format tsv
journal -n 3
journal -n 1 -r --json
todo
todo --all
todo --json
todo --all -H --format tsv
tags
tags --people
tags --entries --format tsv
tags --json
check
show nobody-known-here
show --json nobody-known-here
journal --person nobody-known-here
todo --person nobody-known-here
history nobody-known-here
grep zzz-no-such-text
'

for r in $REPOS demo; do
	compare $r <<END
$COMMON
END
done

compare network <<'END'
ls --tag design
ls --tag berlin --json
show ana-lima
show --json ana-lima
show Benny
show --json ben-okoro
show chen-wei
show --json chen-wei
show --json dana-kurz
journal --tag feedback
journal --tag career --format tsv
journal --person ben-okoro
journal --person Benny --json
journal --person ana-lima --tag feedback -a
journal --person ana-lima --tag career -a
journal --person chen-wei
journal --since 2026-11-20
journal --until 2026-11-10
journal --on 2026-11-24
journal --on 2026-11-25
journal --since 2026-11-11 --until 2026-11-23
journal --grep listings
journal -i --grep BENNY --format tsv
todo --person ben-okoro
todo --all --person dana
grep feedback
grep -i okoro
grep -l Ana
history ana-lima
history --json ben-okoro
END

compare traps <<'END'
ls --tag food
ls --tag work/acme --format tsv
show jane-doe
show --json jane-doe
show alex
show --json alex-kim
show --json alex-kim-2
show Pepé
show --json kim-nohead
show --json dana-decoy
show zoe
show --json emile
journal --tag food
journal --tag work/acme --json
journal --tag '#Work/Acme'
journal --person jane-doe
journal --person Janie --json
journal --person carol-diaz --tag food -a
journal --person jane --person zoe
journal --person jane --person zoe -a
journal --person alex-kim-2 --format tsv
journal --person dana-decoy
journal --since 2026-11-20
journal --until 2026-10-05
journal --on 2026-11-10
journal --on 2026-11-03 --json
journal --grep '@dana-decoy'
journal -i --grep 'émile' --format tsv
todo --person jane-doe
todo --all --person bob-smith --json
todo --person zoe
grep '@jane'
grep -i 'ZOË'
grep -l '#food'
history jane-doe
history --json carol-diaz
END

compare daily <<'END'
ls --tag career
ls --tag work/acme --json
show ana-lima
show --json ana-lima
show sam
show --json Sammy
show --json jo-kim
journal --tag career
journal --tag work
journal --tag work/acme --json
journal --person ana-lima
journal --person sammy --json
journal --person jo-kim --tag investor -a
journal --person ana-lima --tag feedback -a --format tsv
journal --since 2026-11-22
journal --until 2026-11-02
journal --on 2026-11-20
journal --on 2026-11-24 --json
journal -n 3 --tag career
journal --grep 'caf'
journal -i --grep 'CAFÉ' --json
todo --person jo-kim
todo --all --person sam-ortiz
grep -i 'café'
grep '#work'
history ana-lima
history sam-ortiz
END

compare promises <<'END'
ls --tag design
show ana
show José
show --json jose-nunez
show --json ana-rossi
show --json bo-chen
show Pepe
journal --tag design
journal --person bo-chen
journal --person jose-nunez --json
journal --person ana-ruiz --person bo-chen -a
journal --since 2026-11-10
journal --until 2026-11-09
journal --on 2026-11-10 --json
journal --grep 'passport'
journal -i --grep 'OLÉ'
todo --person bo-chen
todo --person jose-nunez --json
todo --all --person ana-ruiz
grep 'café'
grep -l 'slides'
history jose-nunez
history --json ana-ruiz
END

compare problems <<'END'
ls --tag design
show ana-lima
show --json ana-lima
show ben
show an
show --json jane-doe
show --json Kim_Park
show --json nohead
show --json olga-ivanova
journal --tag design
journal --person ana-lima
journal --person Kim_Park
journal --since 2026-11-11
journal --until 2026-11-10
journal --on 2026-11-13
journal --on 2026-11-12
journal --grep 'move'
todo --person ana-lima
grep 'Ana'
grep -i 'ben'
history ana-lima
END

compare rename <<'END'
ls --tag mentor
ls --tag compilers --format tsv
show ann-lee
show --json ann-lee
show --json a-lee
show a
show --json cy-park
show --json bob-stone
show Annie
journal --person ann-lee
journal --person a-lee --json
journal --person Annie
journal --person bob-stone --format tsv
journal --on 2026-11-02
journal --since 2026-11-03 --json
journal --until 2026-11-02
journal --grep 'ann-lee'
todo --person ann-lee
todo --all --person ann-lee --json
grep '@ann-lee'
grep -l 'Lee'
history ann-lee
END

compare demo <<'END'
ls --tag berlin
ls --tag press --json
show jane-doe
show --json jane-doe
show j
show --json claire-dubois
show --json tom
journal --tag press
journal --tag mentor --json
journal --person jane-doe
journal --person priya --json
journal --person jane-doe --tag mentor -a
journal --since 2026-11-17
journal --until 2026-10-20
journal --on 2026-10-23
journal -n 3 --person jane-doe
journal --grep 'migration'
journal -i --grep 'PLATFORM' --format tsv
todo --person jane-doe
todo --all --json
grep 'Berlin'
grep -i -l 'coffee'
history jane-doe
END


# kith show reads a person's interactions as heads (date, time, title)
# from the index, and whole only the entries with an open follow-up that
# mention the person: a follow-up can belong to someone the entry does
# not count as an interaction (named only in the follow-up), or to the
# entry's people (naming nobody).
test_expect 'set up a repository of follow-ups and interactions' '
	new_repo "$TRASH/heads" &&
	cd "$TRASH/heads" &&
	printf "# Ana Lima\n\n- aliases: Annie\n" >people/ana-lima.md &&
	printf "# Ben Okoro\n" >people/ben-okoro.md &&
	mkdir -p journal/2026 &&
	cat >journal/2026/2026-11-01.md <<-\END &&
	# 2026-11-01

	## 09:00 Coffee with @ben-okoro
	- [ ] call @ana-lima about the offer due:2026-11-30
	- [x] send @Annie the deck

	## 12:00 Lunch with [[Annie]]
	- [ ] book the next one

	## 15:00 Walk with @ben-okoro
	- [ ] thank @ben-okoro
	END
	cat >journal/2026/2026-11-02.md <<-\END &&
	# 2026-11-02

	## Notes
	Met @ana-lima and @ben-okoro. #met
	- [ ] ask @ben-okoro about Lisbon

	## 18:30 Call with @ana-lima
	END
	git add -A && git commit -q -m "heads" &&
	same show ana-lima && same show --json ana-lima &&
	grep -q "call @ana-lima about the offer" "$CMP/warm.out" &&
	grep -q "book the next one" "$CMP/warm.out" &&
	! grep -q "ask @ben-okoro" "$CMP/warm.out" &&
	same show --json ben-okoro && same show Annie
'
test_expect 'show after a follow-up is ticked and one added behind kith'"'"'s back' '
	cd "$TRASH/heads" &&
	sleep 1 &&
	sed -i "s/^- \[ \] book the next one/- [x] book the next one/" journal/2026/2026-11-01.md &&
	printf "\n## 20:00 Dinner with @ben-okoro\n- [ ] lend @ana-lima the book\n" \
		>>journal/2026/2026-11-02.md &&
	same_warm show --json ana-lima &&
	grep -q "lend @ana-lima the book" "$CMP/warm.out" &&
	! grep -q "\"book the next one\", \"done\": false" "$CMP/warm.out" &&
	same_warm show ana-lima && same_warm show --json ben-okoro
'
cd "$TRASH" || exit 3


# ---- the newest entries ----------------------------------------------
#
# kith journal -n N with no other condition loads only the newest days
# that hold N entries, and every file of the oldest date taken, since
# two files may name one date (journal/2025/2026-11-20.md is a day of
# 2026); a file named by no date still warns.
test_expect 'journal -n: the newest days, a date in two files, a day of no date' '
	new_repo newest &&
	cd newest &&
	mkdir -p journal/2026 journal/2025 &&
	printf "# 2026-11-20\n\n## 09:00 A\none\n\n## 18:00 B\ntwo\n" \
		>journal/2026/2026-11-20.md &&
	printf "# x\n\n## 10:00 C, filed under 2025\nthree\n" >journal/2025/2026-11-20.md &&
	printf "## 11:00 D\nfour\n" >journal/2026/notes.md &&
	printf "## E\nfive\n" >journal/2026/2026-11-01.md &&
	printf "## F\nsix @nobody\n" >journal/2025/2025-01-01.md &&
	for n in 1 2 3 4 5 9; do
		same journal -n $n --format tsv &&
		same_warm journal -n $n --json &&
		same_warm journal -r -n $n || return 1
	done &&
	same_warm journal -n 2 --format tsv &&
	cut -f3 "$CMP/warm.out" >"$CMP/titles" &&
	printf "C, filed under 2025\nB\n" >"$CMP/want" &&
	check_same "$CMP/want" "$CMP/titles" &&
	grep -q "notes.md" "$CMP/warm.err"
'
cd "$TRASH" || exit 3


# ---- texts cut as they are printed -------------------------------------
#
# A journal query of many entries (32,768, or $KITH_LAZY_TEXTS) leaves
# their texts in their files, held open, and cuts them a window at a
# time as it prints (kith-index(7)). With KITH_LAZY_TEXTS=1 every query
# does so: the answers must not change. The two at the end hold fewer
# descriptors than files, then none: the rest are opened again by path.
LAZY='
journal
journal --json
journal -r --format tsv
journal -n 3
journal -n 2 --grep .
journal -r -n 2 --grep . --json
journal --grep zzz-no-such-text
'
for r in $REPOS demo; do
	while IFS= read -r args; do
		[ -n "$args" ] || continue
		test_expect "texts cut as printed, $r: kith $args" \
			"cd '$TRASH/$r' && (export KITH_LAZY_TEXTS=1 && same $args)"
	done <<END
$LAZY
END
done
while IFS= read -r line; do
	r=${line%%:*} args=${line#*: }
	test_expect "texts cut as printed, $r: kith $args" \
		"cd '$TRASH/$r' && (export KITH_LAZY_TEXTS=1 && same $args)"
done <<'END'
network: journal --person ana-ruiz --person bo-chen -a
network: journal -i --grep OLÉ
traps: journal --tag work/acme --json
traps: journal --on 2026-11-03 --json
traps: journal -i --grep émile --format tsv
daily: journal -n 3 --tag career
newest: journal -n 2 --format tsv
newest: journal --json
END
# days_repo DIR N FORMAT: a new repository at DIR, and there (the current
# folder after) N days of 2026 from Jan 2, each FORMAT given its number
# twice.
days_repo() {
	new_repo "$1" && cd "$1" &&
	mkdir -p journal/2026 &&
	i=1 && while [ $i -le "$2" ]; do
		d=$(printf "2026-%02d-%02d" $((i / 28 + 1)) $((i % 28 + 1))) &&
		printf "$3" $i $i >journal/2026/$d.md &&
		i=$((i + 1)) || return 1
	done
}
cd "$TRASH" || exit 3
test_expect 'texts cut as printed: fewer descriptors than files, then none' '
	days_repo "$TRASH/fds" 60 "## 09:00 Day %d #x\n\nText %d.\n\n## Later\n\nMore.\n" &&
	n=$(ls journal/*/*.md | wc -l) && test "$n" -eq 60 &&
	KITH_NO_INDEX=1 kith journal --json >"$CMP/lazy.want" &&
	(ulimit -n $((128 + n / 2)) && KITH_LAZY_TEXTS=1 kith journal --json) >"$CMP/lazy.half" &&
	check_same "$CMP/lazy.want" "$CMP/lazy.half" &&
	(ulimit -n 64 && KITH_LAZY_TEXTS=1 kith journal --json) >"$CMP/lazy.none" &&
	check_same "$CMP/lazy.want" "$CMP/lazy.none"
'
cd "$TRASH" || exit 3


# ---- changes behind kith's back ----------------------------------------
#
# A copy of the network repository, with one more day (today) whose
# mentions resolve to nobody yet (@wei, @frank-mo, @Danny) or to
# chen-wei, who is renamed below. After each plain-shell change the
# indexed answers, from the index the previous answers left, must equal
# the parse's and show the change. Interactions before the changes:
#   ana-lima   2, last 2026-11-24 (a dated note, the dinner)
#   ben-okoro  2, last 2026-11-24 (the call on 11-10, @Benny at dinner)
#   chen-wei   1, last 2026-11-25 (lunch today)
#   dana-kurz  1, last 2026-11-10 (a ticked box on 11-10)

# answers: the views every change is checked in.
answers() {
	for a in 'ls --format tsv' 'ls --json' 'journal --json' 'journal --format tsv' \
	    'due --json' 'due' 'todo --json' 'todo' 'todo --all --json' \
	    'tags --json' 'check' \
	    'journal --person ana-lima --json' 'journal --person ana-lima' \
	    'journal --person chen-wei' 'journal --person wei --tag tea' \
	    'show --json ben-okoro' \
	    'show --json chen-wei' 'show --json wei' 'show --json frank-mo'; do
		same_warm $a || { echo "differs: kith $a"; return 1; }
	done
}

# warm: the index is there and knows the files as they are.
warm() {
	kith ls >/dev/null 2>&1 || :
	test -f .kith/index.db
}

# garble FILE: garbage over FILE past its 24-byte header, its size kept.
garble() {
	size=$(wc -c <"$1") &&
	yes "garbage" | head -c $((size - 24)) |
		dd of="$1" bs=1 seek=24 conv=notrunc 2>/dev/null
}

# settle: warm, with no file left within the clock-tick check's reach, so
# that the next run parses only what changes after.
settle() {
	sleep 1 &&
	warm && warm
}

# row SLUG LAST COUNT: $CMP/warm.out (kith ls --format tsv) has that row.
row() {
	awk -F'\t' -v s="$1" -v l="$2" -v n="$3" \
		'$1 == s && $5 == l && $6 == n { found = 1 } END { exit !found }' \
		"$CMP/warm.out" || { echo "no row $*:"; cat "$CMP/warm.out"; return 1; }
}

cd "$TRASH" || exit 3
test_expect 'set up a repository to change behind kith'"'"'s back' '
	fixture_repo network hand &&
	cd hand &&
	cat >journal/2026/2026-11-25.md <<-\END &&
	# 2026-11-25

	## 09:00 Tea with @Danny
	Then @wei and @frank-mo called. #tea

	## 13:05 Lunch with @chen-wei
	- [ ] send @frank-mo the notes due:2026-11-28
	END
	git add -A && git commit -q -m "a day of unknown people" &&
	warm && answers &&
	same_warm ls --format tsv &&
	row ana-lima 2026-11-24 2 && row ben-okoro 2026-11-24 2 &&
	row chen-wei 2026-11-25 1 && row dana-kurz 2026-11-10 1
'
# Let the files age past the index'"'"'s clock-tick check (see above).
sleep 3
cd "$TRASH/hand" || exit 3

test_expect 'an edit in place: same size, same mtime, one digit changed' '
	warm &&
	f=journal/2026/2026-11-10.md &&
	before=$(stat -c "%s %y %i" $f) &&
	touch -r $f "$CMP/stamp" &&
	off=$(grep -bo "^## 10:00" $f | cut -d: -f1) &&
	printf 3 | dd of=$f bs=1 seek=$((off + 4)) conv=notrunc 2>/dev/null &&
	touch -r "$CMP/stamp" $f &&
	test "$(stat -c "%s %y %i" $f)" = "$before" &&
	grep -q "^## 13:00 Call with @ben-okoro" $f &&
	answers &&
	same_warm journal --on 2026-11-10 --format tsv &&
	grep -q "^2026-11-10	13:00	Call with @ben-okoro	" "$CMP/warm.out"
'

test_expect 'a line appended to a journal day' '
	warm &&
	printf "\nLater @dana-kurz joined. #late\n" >>journal/2026/2026-11-24.md &&
	answers &&
	same_warm ls --format tsv &&
	row dana-kurz 2026-11-24 2 &&
	same_warm tags --entries --format tsv &&
	grep -q "^late	0	1$" "$CMP/warm.out"
'

test_expect 'a journal day deleted' '
	warm &&
	rm journal/2026/2026-11-10.md &&
	answers &&
	same_warm todo --all --format tsv &&
	! grep -q "flat listings" "$CMP/warm.out" &&
	same_warm ls --format tsv &&
	row ben-okoro 2026-11-24 1 && row dana-kurz 2026-11-24 1
'

test_expect 'a person file deleted' '
	warm &&
	rm people/dana-kurz.md &&
	answers &&
	same_warm ls --format tsv &&
	! grep -q "^dana-kurz" "$CMP/warm.out" &&
	same_warm show dana-kurz &&
	test "$(cat "$CMP/warm.rc")" = 2
'

test_expect 'a person renamed by mv: @old unresolved, @new resolves' '
	warm &&
	mv people/chen-wei.md people/wei.md &&
	answers &&
	same_warm ls --format tsv &&
	row wei 2026-11-25 1 &&
	same_warm show --json wei &&
	grep -q "Tea with @Danny" "$CMP/warm.out" &&
	! grep -q "Lunch with @chen-wei" "$CMP/warm.out" &&
	same_warm check &&
	grep -q "@chen-wei" "$CMP/warm.out" &&
	! grep -q "unknown person .@wei." "$CMP/warm.out" &&
	same_warm journal --person wei --format tsv &&
	grep -q "Tea with @Danny" "$CMP/warm.out" &&
	! grep -q "Lunch with" "$CMP/warm.out"
'

test_expect 'a new person file resolves earlier mentions' '
	warm &&
	printf "# Frank Mo\n\n- every: 1w\n" >people/frank-mo.md &&
	answers &&
	same_warm ls --format tsv &&
	row frank-mo 2026-11-25 1 &&
	same_warm todo --person frank-mo --format tsv &&
	grep -q "send @frank-mo the notes" "$CMP/warm.out" &&
	same_warm due --format tsv &&
	grep -q "^reconnect	frank-mo	" "$CMP/warm.out"
'

test_expect 'an alias added: mentions by it become interactions' '
	warm &&
	sed "s/^- every: 2w$/- every: 2w\n- aliases: Danny/" people/ana-lima.md >"$CMP/ana" &&
	cat "$CMP/ana" >people/ana-lima.md &&
	grep -q "^- aliases: Danny$" people/ana-lima.md &&
	answers &&
	same_warm ls --format tsv &&
	row ana-lima 2026-11-25 3 &&
	same_warm journal --person ana-lima --format tsv &&
	grep -q "Tea with @Danny" "$CMP/warm.out"
'

test_expect 'the alias removed again, the file written in place' '
	warm &&
	grep -v "^- aliases: Danny$" people/ana-lima.md >"$CMP/ana" &&
	cat "$CMP/ana" >people/ana-lima.md &&
	answers &&
	same_warm ls --format tsv &&
	row ana-lima 2026-11-24 2
'

test_expect 'a new day in a new year directory' '
	warm &&
	mkdir journal/2027 &&
	printf "# 2027-01-05\n\n## Call with @ben-okoro #newyear\n" >journal/2027/2027-01-05.md &&
	answers &&
	same_warm ls --sort last --format tsv &&
	row ben-okoro 2027-01-05 2 &&
	same_warm journal --since 2027-01-01 --format tsv &&
	grep -q "^2027-01-05		Call with @ben-okoro #newyear	" "$CMP/warm.out"
'

test_expect 'a day made invalid UTF-8: the same warning; then mended' '
	warm &&
	cp journal/2027/2027-01-05.md "$CMP/day" &&
	printf "caf\351\n" >>journal/2027/2027-01-05.md &&
	answers &&
	same_warm ls &&
	grep -q "warning: .journal/2027/2027-01-05.md" "$CMP/warm.err" &&
	cp "$CMP/day" journal/2027/2027-01-05.md &&
	answers &&
	same_warm ls &&
	test ! -s "$CMP/warm.err"
'

test_expect 'a person file made invalid UTF-8: the same warning; then mended' '
	warm &&
	cp people/ben-okoro.md "$CMP/ben" &&
	printf "\377\n" >>people/ben-okoro.md &&
	answers &&
	same_warm journal --person Benny &&
	grep -q "warning: .people/ben-okoro.md" "$CMP/warm.err" &&
	cp "$CMP/ben" people/ben-okoro.md &&
	answers &&
	same_warm show ben-okoro &&
	test ! -s "$CMP/warm.err"
'

if [ "$(id -u)" -ne 0 ]; then
test_expect 'an unreadable day: the same answer as the parse' '
	warm &&
	chmod 000 journal/2026/2026-11-24.md &&
	ok=0 && { answers || ok=$?; } &&
	chmod 644 journal/2026/2026-11-24.md &&
	test $ok -eq 0 &&
	answers
'
else
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP an unreadable file (root reads every file)"
fi

test_expect 'a name changed: mentions by the old name no longer resolve' '
	warm &&
	cp people/ana-lima.md "$CMP/ana" &&
	sed "s/^# Ana Lima$/# Ana Souza/" "$CMP/ana" >people/ana-lima.md &&
	answers &&
	same_warm ls --format tsv &&
	row ana-lima 2026-11-01 1 &&
	same_warm check &&
	grep -q "Ana Lima" "$CMP/warm.out" &&
	cp "$CMP/ana" people/ana-lima.md &&
	answers &&
	same_warm ls --format tsv &&
	row ana-lima 2026-11-24 2
'

test_expect 'a second person with the same alias: the alias is ambiguous' '
	warm &&
	printf "# Benjamin Okoro\n\n- aliases: Benny\n" >people/ben-okoro-2.md &&
	answers &&
	same_warm ls --format tsv &&
	row ben-okoro 2027-01-05 1 &&
	same_warm journal --person Benny &&
	rm people/ben-okoro-2.md &&
	answers &&
	same_warm ls --format tsv &&
	row ben-okoro 2027-01-05 2
'

# trio SLUGS: the 2026-11-29 entry is with SLUGS (comma-separated, in the
# order of its mentions) in kith journal's TSV and JSON, and --person with
# --since (the query then names no one) finds it by the first of them.
trio() {
	same_warm journal --on 2026-11-29 --format tsv &&
	echo "$1" >"$CMP/want" && cut -f6 "$CMP/warm.out" >"$CMP/got" &&
	check_same "$CMP/want" "$CMP/got" &&
	same_warm journal --on 2026-11-29 --json &&
	grep -q "\"people\":\[\"$(echo "$1" | sed "s/,/\",\"/g")\"\]" "$CMP/warm.out" &&
	same_warm journal --person "${1%%,*}" --since 2026-11-29 &&
	grep -q "^## Trio" "$CMP/warm.out"
}

test_expect 'an entry'"'"'s people in the order of its mentions, as people come and go' '
	warm &&
	cat >journal/2026/2026-11-29.md <<-\END &&
	# 2026-11-29

	## Trio
	With @zed-quinn, @ben-okoro and @ana-lima.
	- [ ] ask @wei about it
	- [x] thanked @frank-mo and @ben-okoro
	END
	trio ben-okoro,ana-lima,frank-mo &&
	printf "# Zed Quinn\n" >people/zed-quinn.md &&
	trio zed-quinn,ben-okoro,ana-lima,frank-mo &&
	rm people/zed-quinn.md people/ben-okoro.md &&
	trio ana-lima,frank-mo &&
	git checkout -q -- people/ben-okoro.md &&
	cp people/ana-lima.md "$CMP/ana" &&
	awk "{ print } NR == 1 { print \"\"; print \"- aliases: zed-quinn\" }" \
		"$CMP/ana" >people/ana-lima.md &&
	trio ana-lima,ben-okoro,frank-mo &&
	cp "$CMP/ana" people/ana-lima.md && rm journal/2026/2026-11-29.md &&
	answers
'

test_expect 'a symbolic link and a directory among the files' '
	warm &&
	ln -s ana-lima.md people/ana-link.md &&
	mkdir journal/2026/2026-11-30.md &&
	answers &&
	rm people/ana-link.md && rmdir journal/2026/2026-11-30.md &&
	answers
'

test_expect 'kith.conf changed by hand: the default cadence applies' '
	printf "# Gus Lee\n" >people/gus-lee.md &&
	warm &&
	same_warm due --format tsv &&
	! grep -q "gus-lee" "$CMP/warm.out" &&
	git config -f kith.conf kith.every 1w &&
	answers &&
	same_warm due --format tsv &&
	grep -q "^reconnect	gus-lee	" "$CMP/warm.out" &&
	git checkout -q -- kith.conf && rm people/gus-lee.md &&
	answers
'

test_expect 'changes to a person and a day, one of them twice' '
	warm &&
	echo "- 2026-11-23: call with @wei" >>people/ben-okoro.md &&
	echo "and @ana-lima too" >>journal/2026/2026-11-25.md &&
	echo "#twice" >>journal/2026/2026-11-25.md &&
	answers &&
	same_warm tags --entries --format tsv &&
	grep -q "^twice	0	1$" "$CMP/warm.out"
'

test_expect 'the hand edits are left uncommitted' '
	git status --porcelain >"$CMP/status" &&
	grep -q "people/frank-mo.md" "$CMP/status" &&
	grep -q "journal/2027/" "$CMP/status"
'

test_expect 'the files put back as committed: the index follows' '
	git checkout -q -- . && git clean -q -fd &&
	answers && check_clean
'

# ---- a damaged or unusable index ----------------------------------------

# damaged ARGS: after the index was damaged, kith ARGS answers as the parse
# does, with one warning more, that the index was rebuilt; the next run
# warns no more.
damaged() {
	run parse "$@" &&
	run got "$@" &&
	check_same "$CMP/parse.out" "$CMP/got.out" &&
	check_same "$CMP/parse.rc" "$CMP/got.rc" &&
	{ grep -v "index" "$CMP/got.err" >"$CMP/got.rest" || :; } &&
	check_same "$CMP/parse.err" "$CMP/got.rest" &&
	grep "index" "$CMP/got.err" >"$CMP/warned" &&
	test "$(wc -l <"$CMP/warned")" -eq 1 &&
	grep -q "^kith-$1: warning: .*index.*\(damaged\|corrupt\)" "$CMP/warned" &&
	same_warm "$@"
}

test_expect 'an index overwritten with garbage is rebuilt with a warning' '
	warm &&
	yes "not a database" | head -c 20000 >.kith/index.db &&
	damaged ls --json
'

test_expect 'garbage again: kith journal rebuilds it the same way' '
	warm &&
	yes "not a database" | head -c 20000 >.kith/index.db &&
	damaged journal --json
'

test_expect 'an index truncated to half its size is rebuilt with a warning' '
	warm &&
	size=$(wc -c <.kith/index.db) &&
	test "$size" -gt 8192 &&
	truncate -s $((size / 2)) .kith/index.db &&
	damaged journal --person ana-lima --json
'

test_expect 'an index truncated to its first page is rebuilt with a warning' '
	warm &&
	truncate -s 4096 .kith/index.db &&
	damaged ls --format tsv
'

# lenient ARGS: like damaged, but the warning may be missing (a command
# may not read the damaged pages); $CMP/warnings counts the warnings.
lenient() {
	run parse "$@" &&
	run got "$@" &&
	check_same "$CMP/parse.out" "$CMP/got.out" &&
	check_same "$CMP/parse.rc" "$CMP/got.rc" &&
	{ grep -v "index" "$CMP/got.err" >"$CMP/got.rest" || :; } &&
	check_same "$CMP/parse.err" "$CMP/got.rest" &&
	{ grep "warning: .*index.*\(damaged\|corrupt\)" "$CMP/got.err" >>"$CMP/warnings" || :; }
}

test_expect 'garbage over the second half of the index: right answers, rebuilt once' '
	warm &&
	size=$(wc -c <.kith/index.db) &&
	yes "garbage" | head -c $((size / 2)) |
		dd of=.kith/index.db bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null &&
	: >"$CMP/warnings" &&
	lenient tags --json && lenient ls --json && lenient todo --all --json &&
	lenient journal --person ana-lima --json && lenient journal --json &&
	lenient journal --json &&
	test "$(wc -l <"$CMP/warnings")" -le 1 &&
	same_warm journal --json
'

test_expect 'an index of zero bytes is built again without a word' '
	warm &&
	: >.kith/index.db &&
	same_warm ls --json
'

# The people part is a file of its own beside the database.
test_expect 'the people part is one file beside the index, replaced on a person edit' '
	warm &&
	ls .kith/people-* >"$CMP/before" &&
	test "$(wc -l <"$CMP/before")" -eq 1 &&
	echo "- note: a hand edit" >>people/ana-lima.md &&
	same_warm ls --json &&
	ls .kith/people-* >"$CMP/after" &&
	test "$(wc -l <"$CMP/after")" -eq 1 &&
	! cmp -s "$CMP/before" "$CMP/after" &&
	git checkout -q -- people/ana-lima.md
'

test_expect 'a journal edit leaves the people file as it was' '
	warm && sleep 0.1 && warm && # a walk after a checkout finds it racy
	ls .kith/people-* >"$CMP/before" &&
	echo "A line added by hand." >>"$(ls journal/*/*.md | head -1)" &&
	same_warm journal --json &&
	ls .kith/people-* >"$CMP/after" &&
	check_same "$CMP/before" "$CMP/after" &&
	git checkout -q -- journal
'

test_expect 'a people file removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/people-* &&
	damaged ls --json &&
	test "$(ls .kith/people-* | wc -l)" -eq 1
'

test_expect 'a people file truncated is rebuilt with a warning' '
	warm &&
	f=$(ls .kith/people-*) &&
	truncate -s 100 "$f" &&
	damaged show --json ana-lima
'

test_expect 'a people file of garbage, its size kept, is rebuilt with a warning' '
	warm &&
	garble .kith/people-* &&
	damaged due --json
'

test_expect 'a people file with a wrong header is rebuilt with a warning' '
	warm &&
	f=$(ls .kith/people-*) &&
	printf XXXXXXXX | dd of="$f" bs=1 conv=notrunc 2>/dev/null &&
	damaged tags --json
'

test_expect 'the files and totals parts: one file each, replaced on every update' '
	warm &&
	test "$(ls .kith/files-* | wc -l)" -eq 1 &&
	test "$(ls .kith/pstat-* | wc -l)" -eq 1 &&
	ls .kith/files-* .kith/pstat-* >"$CMP/before" &&
	echo "A line added by hand." >>"$(ls journal/*/*.md | head -1)" &&
	same_warm ls --json &&
	ls .kith/files-* .kith/pstat-* >"$CMP/after" &&
	test "$(wc -l <"$CMP/after")" -eq 2 &&
	! cmp -s "$CMP/before" "$CMP/after" &&
	git checkout -q -- journal
'

test_expect 'a files part removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/files-* &&
	damaged journal --json
'

test_expect 'a totals part truncated is rebuilt with a warning' '
	warm &&
	f=$(ls .kith/pstat-*) &&
	truncate -s 30 "$f" &&
	damaged ls --format tsv
'

test_expect 'a files part of garbage, its size kept, is rebuilt with a warning' '
	warm &&
	garble .kith/files-* &&
	damaged todo --json
'

# kith due and todo read the open follow-ups from a part of their own.
test_expect 'the open part: one file, replaced only when open follow-ups change' '
	settle &&
	test "$(ls .kith/open-* | wc -l)" -eq 1 &&
	ls .kith/open-* >"$CMP/before" &&
	printf "# 2026-11-26\n\n## 10:00 Walk with @ana-lima\n" >journal/2026/2026-11-26.md &&
	same_warm due --json &&
	ls .kith/open-* >"$CMP/after" &&
	check_same "$CMP/before" "$CMP/after" &&
	sed -i "s/^- \[ \] book the restaurant/- [x] book the restaurant/" \
		journal/2026/2026-11-24.md &&
	same_warm todo --json &&
	! grep -q "book the restaurant" "$CMP/warm.out" &&
	grep -q "send @frank-mo the notes" "$CMP/warm.out" &&
	ls .kith/open-* >"$CMP/after" &&
	test "$(wc -l <"$CMP/after")" -eq 1 &&
	! cmp -s "$CMP/before" "$CMP/after" &&
	printf "\n## 11:00 Call with @ben-okoro\n- [ ] ask @ben-okoro about the move\n" \
		>>journal/2026/2026-11-26.md &&
	same_warm todo --json &&
	grep -q "ask @ben-okoro about the move" "$CMP/warm.out" &&
	same_warm due &&
	rm journal/2026/2026-11-10.md &&
	same_warm todo &&
	! grep -q "flat listings" "$CMP/warm.out" &&
	rm journal/2026/2026-11-26.md &&
	git checkout -q -- journal &&
	same_warm todo --json &&
	grep -q "book the restaurant" "$CMP/warm.out" &&
	grep -q "flat listings" "$CMP/warm.out" &&
	! grep -q "about the move" "$CMP/warm.out" &&
	same_warm due --json
'

test_expect 'an open part removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/open-* &&
	damaged due --json
'

test_expect 'an open part truncated is rebuilt with a warning' '
	warm &&
	f=$(ls .kith/open-*) &&
	truncate -s 40 "$f" &&
	damaged todo
'

test_expect 'an open part of garbage, its size kept, is rebuilt with a warning' '
	warm &&
	garble .kith/open-* &&
	damaged todo --json
'

# A chunk's meta names its keys and people by number, in the terms part.
test_expect 'the terms part: kept when no new term comes, grown when one does' '
	settle &&
	test "$(ls .kith/terms-* | wc -l)" -eq 1 &&
	ls .kith/terms-* >"$CMP/before" &&
	echo "Nothing new here, said twice: nothing new." >>journal/2026/2026-11-24.md &&
	same_warm journal --json &&
	grep -q "Nothing new here" "$CMP/warm.out" &&
	ls .kith/terms-* >"$CMP/after" &&
	check_same "$CMP/before" "$CMP/after" &&
	echo "Met @zoe-new at last. #brandnew" >>journal/2026/2026-11-24.md &&
	same_warm journal --tag brandnew &&
	grep -q "Met @zoe-new" "$CMP/warm.out" &&
	ls .kith/terms-* >"$CMP/after" &&
	! cmp -s "$CMP/before" "$CMP/after" &&
	printf "# Zoe New\n" >people/zoe-new.md &&
	same_warm show --json zoe-new &&
	grep -q "Met @zoe-new" "$CMP/warm.out" &&
	answers &&
	rm people/zoe-new.md &&
	git checkout -q -- journal &&
	answers
'

test_expect 'a terms part removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/terms-* &&
	echo "A line added by hand." >>journal/2026/2026-11-24.md &&
	damaged journal --json &&
	git checkout -q -- journal
'

test_expect 'a terms part cut short is rebuilt with a warning' '
	warm &&
	garble .kith/terms-* &&
	echo "A line added by hand." >>journal/2026/2026-11-10.md &&
	damaged ls --format tsv &&
	git checkout -q -- journal
'

# kith show reads the heads of a person's interactions from a part of their own.
test_expect 'the heads part: a heading renamed, a day added and one removed by hand' '
	settle &&
	test "$(ls .kith/heads-* | wc -l)" -eq 1 &&
	test "$(ls .kith/recent-* | wc -l)" -eq 1 &&
	ls .kith/heads-* .kith/recent-* >"$CMP/before" &&
	echo "- aliases: Benny B" >>people/ben-okoro.md &&
	same_warm show --json ben-okoro &&
	ls .kith/heads-* .kith/recent-* >"$CMP/after" &&
	check_same "$CMP/before" "$CMP/after" &&
	sed -i "s/^## 10:00 Call with @ben-okoro/## 10:00 Long call with @ben-okoro/" \
		journal/2026/2026-11-10.md &&
	same_warm show ben-okoro &&
	grep -q "Long call with @ben-okoro" "$CMP/warm.out" &&
	ls .kith/heads-* .kith/recent-* >"$CMP/after" &&
	! cmp -s "$CMP/before" "$CMP/after" &&
	printf "# 2026-11-27\n\n## 08:00 Run with @ben-okoro\n" >journal/2026/2026-11-27.md &&
	same_warm show --json ben-okoro &&
	grep -q "Run with @ben-okoro" "$CMP/warm.out" &&
	rm journal/2026/2026-11-10.md &&
	same_warm show ben-okoro &&
	! grep -q "Long call" "$CMP/warm.out" &&
	rm journal/2026/2026-11-27.md &&
	git checkout -q -- journal people &&
	same_warm show --json ben-okoro &&
	grep -q "Call with @ben-okoro" "$CMP/warm.out" &&
	same_warm show ana-lima
'

test_expect 'a heads part removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/heads-* &&
	echo "A line added by hand." >>journal/2026/2026-11-24.md &&
	damaged show --json ben-okoro &&
	git checkout -q -- journal
'

test_expect 'a recent heads part removed behind kith is rebuilt with a warning' '
	warm &&
	rm .kith/recent-* &&
	damaged show --json ben-okoro
'

test_expect 'a heads part of garbage, its size kept, is rebuilt with a warning' '
	warm &&
	garble .kith/heads-* &&
	damaged show ben-okoro
'

test_expect 'a damaged index takes its people file with it' '
	warm &&
	old=$(ls .kith/people-*) &&
	yes "not a database" | head -c 20000 >.kith/index.db &&
	damaged ls --json &&
	test ! -e "$old" &&
	test "$(ls .kith/people-* | wc -l)" -eq 1 &&
	test "$(ls .kith/files-* | wc -l)" -eq 1 &&
	test "$(ls .kith/pstat-* | wc -l)" -eq 1 &&
	test "$(ls .kith/open-* | wc -l)" -eq 1 &&
	test "$(ls .kith/terms-* | wc -l)" -eq 1 &&
	test "$(ls .kith/heads-* | wc -l)" -eq 1 &&
	test "$(ls .kith/recent-* | wc -l)" -eq 1
'

# unusable ARGS: kith ARGS answers as the parse does, saying nothing of
# SQLite or damage.
unusable() {
	run parse "$@" &&
	run got "$@" &&
	check_same "$CMP/parse.out" "$CMP/got.out" &&
	check_same "$CMP/parse.rc" "$CMP/got.rc" &&
	! grep -i "sqlite\|damaged\|database" "$CMP/got.err"
}

test_expect 'an index that is a directory: the right answers, parsed' '
	rm -rf .kith && mkdir -p .kith/index.db &&
	unusable ls --json && unusable journal --person ana-lima &&
	unusable tags --json &&
	rm -rf .kith
'

test_expect 'a .kith that is a file: the right answers, parsed' '
	rm -rf .kith && echo "not a directory" >.kith &&
	unusable todo --json && unusable show ana-lima &&
	rm -f .kith
'

if [ "$(id -u)" -ne 0 ]; then
test_expect 'an unreadable .kith: the right answers, parsed' '
	warm &&
	chmod 000 .kith &&
	ok=0 && { unusable ls --json || ok=$?; } &&
	chmod 700 .kith &&
	test $ok -eq 0
'
test_expect 'a .kith that cannot be written: the right answers' '
	warm &&
	chmod 500 .kith &&
	echo "Later @ben-okoro. #ro" >>journal/2026/2026-11-24.md &&
	ok=0 && { unusable ls --json || ok=$?; } &&
	chmod 700 .kith &&
	git checkout -q -- journal &&
	test $ok -eq 0
'
test_expect 'a read-only index: the right answers, even after an edit' '
	warm &&
	chmod 444 .kith/index.db &&
	echo "Later @ben-okoro. #ro" >>journal/2026/2026-11-24.md &&
	ok=0 && { unusable ls --json || ok=$?; } &&
	chmod 644 .kith/index.db* &&
	git checkout -q -- journal &&
	test $ok -eq 0
'
else
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP an unreadable .kith (root reads and writes anywhere)"
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP a .kith that cannot be written (root writes anywhere)"
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP a read-only index (root writes anywhere)"
fi

test_expect 'deleting .kith between runs changes no answer' '
	warm &&
	run a ls --json && run b journal --json && run c todo --all --json &&
	rm -rf .kith &&
	run a2 ls --json && run b2 journal --json && run c2 todo --all --json &&
	check_same "$CMP/a.out" "$CMP/a2.out" &&
	check_same "$CMP/b.out" "$CMP/b2.out" &&
	check_same "$CMP/c.out" "$CMP/c2.out" &&
	test ! -s "$CMP/a2.err" && test -f .kith/index.db
'

test_expect 'the changed repository is clean' 'check_clean'

# ---- a bigger repository ------------------------------------------------
#
# The fixtures are small: a repository from bench/gen (1,400 people,
# 3,000 entries over two years, in every syntax and with every trap) is
# big enough for the walk and the parse to use both cores. Its answers,
# then its answers after changes to many files at once.

GEN="$KITH_BUILD_DIR/bench/gen"
BIG='
ls --json
ls --sort last --format tsv
due --json
todo --json
todo --all --format tsv
tags --json
tags --entries --format tsv
check
journal --json
journal --tag $tag --json
journal --person $person --format tsv
journal --since $since --format tsv
journal --grep $word --format tsv
show --json $person
todo --person $person --json
due
todo
show $person
journal --tag $tag
journal --person $person
journal --person $person --tag $tag --all
journal --person $person --since $since
journal --person $person --since $since --json
journal --since $since
journal -n 40 --format tsv
journal -n 5 --json
journal -r -n 12
journal -n 7 --grep $word
'

# big ARGS...: same_warm for each line of $BIG, with the query words of gen.
big() {
	echo "$BIG" | while IFS= read -r a; do
		[ -n "$a" ] || continue
		eval "same_warm $a" || { echo "differs: kith $a"; exit 1; }
	done
}

if [ -x "$GEN" ]; then
cd "$TRASH" || exit 3
test_expect 'set up a repository from bench/gen' '
	"$GEN" --size small --people 1400 --entries 3000 --years 2 \
		--today 2026-11-25 --no-git big >gen.out &&
	git -C big init -q &&
	test "$(find big/people big/journal -name "*.md" | wc -l)" -gt 2000
'
sleep 3
cd "$TRASH/big" || exit 3
eval "$(grep -E "^(person|tag|word|since|edit)=[A-Za-z0-9/._-]*$" "$TRASH/gen.out")"

test_expect 'bench/gen: cold, then warm, the answers of a parse' '
	rm -rf .kith && big && test -f .kith/index.db
'

test_expect 'bench/gen: one day edited, and a hundred days at once' '
	printf "\n## 23:59 Late call with @$person #$tag\n" >>"$edit" &&
	big &&
	for f in $(ls journal/*/*.md | sed -n "1~7p" | head -100); do
		printf "\nAlso @$person. #bulk\n" >>"$f" || exit 1
	done &&
	big &&
	same_warm tags --entries --format tsv &&
	grep -q "^bulk	0	100$" "$CMP/warm.out"
'

test_expect 'bench/gen: the most mentioned person renamed, then the old slug an alias' '
	same_warm ls --format tsv &&
	awk -F"\t" -v s=$person "\$1 == s { print \$6 }" "$CMP/warm.out" >"$CMP/count" &&
	test "$(cat "$CMP/count")" -gt 50 &&
	mv people/$person.md people/renamed-one.md &&
	big &&
	same_warm ls --format tsv &&
	awk -F"\t" "\$1 == \"renamed-one\" { print \$6 }" "$CMP/warm.out" >"$CMP/count2" &&
	test "$(cat "$CMP/count2")" -lt "$(cat "$CMP/count")" &&
	awk -v a="- aliases: $person" "{ print } NR == 2 { print a }" \
		people/renamed-one.md >"$CMP/p" &&
	cat "$CMP/p" >people/renamed-one.md &&
	big &&
	same_warm ls --format tsv &&
	awk -F"\t" "\$1 == \"renamed-one\" { print \$6 }" "$CMP/warm.out" >"$CMP/count2" &&
	check_same "$CMP/count" "$CMP/count2"
'

# Postings are kept in buckets of 16,384 chunk ids, and every file parsed
# again gets new ids: touching the same two days in three ten times over
# takes their ids past the first bucket while the days left alone keep
# theirs, so that a posting has entries in two buckets.
test_expect 'bench/gen: postings over more than one bucket' '
	for round in 1 2 3 4 5 6 7 8 9 10; do
		ls journal/*/*.md | awk "NR % 3 != 0" |
			xargs touch -d "@$((1700000000 + round))" &&
		same_warm journal --person $person --format tsv &&
		same_warm tags --entries --format tsv || exit 1
	done &&
	big
'

test_expect 'bench/gen: a hundred people deleted' '
	ls people/*.md | sed -n "1~9p" | head -100 | xargs rm &&
	big
'

# A first build of more than 2,048 journal files takes them 256 at a
# time (build_batched in lib/index.c): each batch's entries are resolved
# by the people's keys, each person's interactions added up over the
# batches, and the posting edits of each bucket of 16,384 chunk ids
# written once the bucket is whole (20,000 entries fill one). Seven
# years of days, a file that cannot be read as UTF-8 among them, and a
# person whose only interactions are their own notes.
cd "$TRASH" || exit 3
test_expect 'bench/gen: a first build in batches, the answers of a parse' '
	"$GEN" --seed 7 --size small --people 300 --entries 20000 --years 7 \
		--today 2026-11-25 --no-git many >many.out &&
	git -C many init -q &&
	test "$(find many/journal -name "*.md" | wc -l)" -gt 2300 &&
	cd many &&
	eval "$(grep -E "^(person|tag|word|since|edit)=[A-Za-z0-9/._-]*$" ../many.out)" &&
	printf "\n\377 not UTF-8\n" >>"$(ls journal/*/*.md | sed -n 1000p)" &&
	printf "# Nobody Else\n\n## Notes\n\n- 2026-11-20: met at the fair\n" \
		>people/nobody-else.md &&
	sleep 1 &&
	rm -rf .kith && big && test -f .kith/index.db &&
	same_warm ls --format tsv &&
	grep -q "^nobody-else	" "$CMP/warm.out" &&
	same_warm show nobody-else &&
	printf "\n## 23:59 Late call with @$person #$tag #late\n" >>"$edit" &&
	big
'

# The same, the journal's texts cut as printed: 20,000 entries are ten
# windows of texts.
test_expect 'bench/gen: texts cut as printed, the answers of a parse' '
	cd "$TRASH/many" &&
	eval "$(grep -E "^(person|tag|word|since|edit)=[A-Za-z0-9/._-]*$" ../many.out)" &&
	export KITH_LAZY_TEXTS=1 &&
	same_warm journal &&
	same_warm journal --json &&
	same_warm journal --grep "$word" --format tsv &&
	same_warm journal -r -n 3000 --grep "$word" &&
	same_warm journal --tag "$tag" -r
'

# A day changed in place (not renamed over) while journal prints the
# windows before it: its text would no longer be what the query saw,
# so the command fails, saying so, rather than print a mix. journal
# waits on a full pipe in its first window of ten; the last day changes.
test_expect 'a day changed in place while journal prints: an error' '
	cd "$TRASH/many" &&
	last=$(ls journal/*/*.md | tail -n 1) &&
	KITH_LAZY_TEXTS=1 kith journal >/dev/null &&
	rm -f "$CMP/fifo" && mkfifo "$CMP/fifo" &&
	{ KITH_LAZY_TEXTS=1 kith journal >"$CMP/fifo" 2>"$CMP/fifo.err" & pid=$!; } &&
	exec 3<"$CMP/fifo" &&
	dd bs=1 count=1 <&3 >/dev/null 2>&1 &&
	printf "\nWritten in place.\n" >>"$last" &&
	cat <&3 >"$CMP/fifo.out" &&
	exec 3<&- &&
	rc=0 && { wait $pid || rc=$?; } &&
	test $rc -eq 3 &&
	grep -q "^kith-journal: .$last. changed while kith read it: run the command again$" \
		"$CMP/fifo.err" &&
	test -s "$CMP/fifo.out" &&
	KITH_LAZY_TEXTS=1 kith journal | tail -n 1 | grep -q "^Written in place.$"
'
else
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP bench/gen is not built"
fi

# ---- concurrency --------------------------------------------------------
#
# Two `kith log` append to today's day while three readers loop over
# `kith journal --on` today and `kith ls`. Every reader must see one of the
# last three commits (before, one entry, both), never fail, and say
# nothing on stderr. Round 1 starts with no index, so that all of them
# also race to build it. The writers wait for each other's lock as long as
# it takes (lib.sh's 2 seconds are for the tests of a held lock): on a
# slow machine, with the readers running, a commit can take that long.

cd "$TRASH" || exit 3
test_expect 'set up a repository for concurrent runs' 'fixture_repo network conc'
cd "$TRASH/conc" || exit 3

# reader N: journal --on today and ls, into $CMP/rN.*, until $CMP/stop
# exists, at least 5 times.
reader() {
	k=0
	while [ $k -lt 5 ] || [ ! -e "$CMP/stop" ]; do
		rc=0
		kith journal --on 2026-11-25 --format tsv \
			>"$CMP/r$1.j$k.out" 2>"$CMP/r$1.j$k.err" || rc=$?
		echo "$rc" >"$CMP/r$1.j$k.rc"
		rc=0
		kith ls --format tsv >"$CMP/r$1.l$k.out" 2>"$CMP/r$1.l$k.err" || rc=$?
		echo "$rc" >"$CMP/r$1.l$k.rc"
		k=$((k + 1))
		[ $k -lt 500 ] || break
	done
}

# states: the answers at the last three commits, parsed, into $CMP/sN.j
# and $CMP/sN.l.
states() {
	rm -rf "$CMP/st" && git clone -q . "$CMP/st" &&
	for n in 0 1 2; do
		git -C "$CMP/st" checkout -q "main~$n" &&
		{ (cd "$CMP/st" && KITH_NO_INDEX=1 kith journal --on 2026-11-25 \
			--format tsv >"$CMP/s$n.j" 2>/dev/null) || :; } &&
		(cd "$CMP/st" && KITH_NO_INDEX=1 kith ls --format tsv >"$CMP/s$n.l") ||
			return 1
	done
}

# one_of FILE KIND: FILE equals one of the states' KIND answers.
one_of() {
	for n in 0 1 2; do
		cmp -s "$1" "$CMP/s$n.$2" && return 0
	done
	echo "$1 is none of the three states:"
	cat "$1"
	return 1
}

# check_readers: every reader exited 0 or 1, silently, with a state.
check_readers() {
	for f in "$CMP"/r*.rc; do
		case $(cat "$f") in
		0|1) ;;
		*) echo "$f: exit $(cat "$f")"; cat "${f%.rc}.err"; return 1 ;;
		esac
	done
	for f in "$CMP"/r*.err; do
		test ! -s "$f" || { echo "$f:"; cat "$f"; return 1; }
	done
	for f in "$CMP"/r*.j*.out; do one_of "$f" j || return 1; done
	for f in "$CMP"/r*.l*.out; do one_of "$f" l || return 1; done
}

for round in 1 2 3 4; do
	# rounds 3 and 4: the readers leave the texts to be cut as they print
	if [ $round -ge 3 ]; then export KITH_LAZY_TEXTS=1; else unset KITH_LAZY_TEXTS; fi
	test_expect "round $round: two kith log and three readers at once" '
		rm -f "$CMP"/r* "$CMP/stop" &&
		{ [ '$round' -ne 1 ] || rm -rf .kith; } &&
		before=$(git rev-list --count HEAD) &&
		{ reader 1 & r1=$!; } &&
		{ reader 2 & r2=$!; } &&
		{ reader 3 & r3=$!; } &&
		export KITH_LOCK_TIMEOUT=60 &&
		{ kith log "Round '$round' first with @ben-okoro" >"$CMP/log1" 2>&1 & w1=$!; } &&
		{ kith log "Round '$round' second with @ana-lima" >"$CMP/log2" 2>&1 & w2=$!; } &&
		ok1=0 && { wait $w1 || ok1=$?; } &&
		ok2=0 && { wait $w2 || ok2=$?; } &&
		touch "$CMP/stop" &&
		{ wait $r1; wait $r2; wait $r3; } &&
		cat "$CMP/log1" "$CMP/log2" &&
		test $ok1 -eq 0 && test $ok2 -eq 0 &&
		test "$(git rev-list --count HEAD)" -eq $((before + 2)) &&
		grep -q "^## Round '$round' first with @ben-okoro" journal/2026/2026-11-25.md &&
		grep -q "^## Round '$round' second with @ana-lima" journal/2026/2026-11-25.md &&
		check_clean &&
		states && check_readers &&
		same_warm journal --on 2026-11-25 --json &&
		same_warm ls --json
	'
done
unset KITH_LAZY_TEXTS

test_expect 'after the rounds: every answer as parsed' '
	test "$(grep -c "^## Round" journal/2026/2026-11-25.md)" -eq 8 &&
	same_warm journal --json && same_warm due --json &&
	same_warm todo --all --json && same_warm ls --json
'

test_expect 'the concurrent repository is clean' 'check_clean'

# A day replaced (renamed over) again and again while journal cuts the
# text of its entries and of 80 others (enough for two threads): each run
# prints the journal with one version of the day or the other, never a
# mix, whether the change comes before the walk, between the walk and
# the reading of the text, or while the index is refreshed.
#
# swap_runs: $day renamed over by $CMP/B and $CMP/A in turn in the
# background while journal --tag x runs 60 times: each exits 0, silent,
# with $CMP/swapA or $CMP/swapB.
swap_runs() {
	rm -f "$CMP/stop" &&
	{ while [ ! -e "$CMP/stop" ]; do
		cp "$CMP/B" journal/2026/.t && mv -f journal/2026/.t $day &&
		cp "$CMP/A" journal/2026/.t && mv -f journal/2026/.t $day
	done & sw=$!; } &&
	k=0 && bad=0 &&
	while [ $k -lt 60 ]; do
		rc=0 && kith journal --tag x >"$CMP/sw.out" 2>"$CMP/sw.err" || rc=$?
		if [ $rc -ne 0 ] || [ -s "$CMP/sw.err" ] ||
		   ! { cmp -s "$CMP/sw.out" "$CMP/swapA" || cmp -s "$CMP/sw.out" "$CMP/swapB"; }; then
			echo "run $k: exit $rc" && cat "$CMP/sw.err" && cat "$CMP/sw.out"
			bad=$((bad + 1))
		fi
		k=$((k + 1))
	done
	touch "$CMP/stop" && wait $sw &&
	test $bad -eq 0 &&
	same_warm journal --tag x
}
cd "$TRASH" || exit 3
test_expect 'a day replaced while journal reads: one version or the other' '
	days_repo "$TRASH/swap" 80 "## 09:00 Day %d #x\n\nText %d.\n" &&
	day=journal/2026/2026-06-15.md &&
	printf "## 10:00 Short #x\n\nOne.\n" >"$CMP/A" &&
	printf "## 10:00 Longer #x\n\nOne, then more.\n\n## 11:00 Two #x\n\nTwo.\n" >"$CMP/B" &&
	cp "$CMP/B" $day && kith journal --tag x >"$CMP/swapB" &&
	cp "$CMP/A" $day && kith journal --tag x >"$CMP/swapA" &&
	! cmp -s "$CMP/swapA" "$CMP/swapB" &&
	swap_runs
'

# The same with the texts cut as printed: the files are held open from
# the query on, so a day renamed over afterwards is still read as it was.
cd "$TRASH/swap" || exit 3
test_expect 'a day replaced while journal prints: one version or the other' '
	export KITH_LAZY_TEXTS=1 &&
	day=journal/2026/2026-06-15.md &&
	swap_runs
'
cd "$TRASH" || exit 3

for r in $REPOS demo; do
	test_expect "$r is clean" "check_clean '$TRASH/$r'"
done

test_done
