#!/bin/sh
# t3410-index-random.t - random edits behind kith's back, kith's own
# writes among them; after every step each read command answers from the
# index as a parse of every file does (KITH_NO_INDEX=1).
#
# t3400 changes one thing at a time and checks the answer it expects;
# here the changes pile up in orders nobody wrote down: a person renamed
# after a day that mentions her went CRLF, an alias made ambiguous, a
# day emptied and moved, a follow-up ticked by hand and another by kith
# done, the index deleted, everything checked out again. Each step edits
# right after the last read, so the index's clock-tick check is in play
# too. A step is one test: it fails on the first read command whose
# output, errors or exit status differ, and shows the difference.
#
# The steps come from a fixed seed (a linear congruential generator in
# shell arithmetic), so every run makes the same edits:
# KITH_TEST_SEED=N and KITH_TEST_STEPS=N try others.
. "$(dirname "$0")/lib.sh"

seed=${KITH_TEST_SEED:-5}
steps=${KITH_TEST_STEPS:-80}
CMP="$TRASH/cmp"
mkdir -p "$CMP"

# rnd N: R is the next number in [0, N).
rnd() {
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	R=$(( (seed / 65536) % $1 ))
}
# pick WORD...: P is one of them.
pick() {
	rnd $#
	shift $R
	P=$1
}
# spaced WORD: WORD with its underscores as spaces.
spaced() {
	printf '%s' "$1" | tr _ ' '
}

SLUGS='ana-lima ben-okoro chen-wei dana-kurz jose-nunez zoe-adams'
NAMES='Ana_Lima Ben_Okoro Chen_Wei Dana_Kurz José_Núñez Zoë_Adams'
# mentions of every kind: slug, name, alias, accents folded, a shown
# text, unknown ones, and what is no mention (a code span, an address)
MENTIONS='@ana-lima [[Ana_Lima]] @Benny [[ben-okoro|Ben]] @chen-wei
[[Chen_Wei]] @dana-kurz [[Jose_Nunez]] @jose-nunez [[Zoe_Adams]] @zoe-adams
@nobody-here [[Nobody_Known]] `@ana-lima` mail@ben-okoro.com @Chenny'
TAGS='#feedback #career #work/acme #intro #tea #Feedback #42 C#'
DAYS='2026/2026-11-01 2026/2026-11-02 2026/2026-11-10 2026/2026-11-20
2026/2026-11-24 2026/2026-11-25 2026/2026-11-28 2025/2025-03-04
2025/2025-12-31 2024/2024-02-29'

# person SLUG NAME [ALIASES]: a person file.
person() {
	{
		printf '# %s\n\n- every: 2w\n' "$2"
		if [ -n "${3:-}" ]; then
			printf -- '- aliases: %s\n' "$3"
		fi
		printf '\nNotes on %s. #mentor\n\n- 2026-10-01: lunch with @ana-lima\n' "$2"
	} >"people/$1.md"
}

# entry: a journal entry of one of four shapes on stdout.
entry() {
	rnd 24; h=$R
	rnd 60; mi=$R
	pick $MENTIONS; m1=$(spaced "$P")
	pick $MENTIONS; m2=$(spaced "$P")
	pick $TAGS; t=$P
	rnd 4
	case $R in
	0) printf '\n## %02d:%02d Talk with %s\n%s said %s things.\n' \
		$h $mi "$m1" "$m2" "$t" ;;
	1) printf '\n## Call %s %s\n\n- [ ] send %s the notes due:2026-11-%02d\n- [x] thank %s\n' \
		"$m1" "$t" "$m2" $((h + 1)) "$m1" ;;
	2) printf '\n## %02d:%02d Lunch\nWith %s. %s\n\n- [ ] book it %s\n' \
		$h $mi "$m1" "$t" "$m2" ;;
	3) printf '\nLoose text about %s and %s %s\n' "$m1" "$m2" "$t" ;;
	esac
}

# inplace FILE: stdin into FILE, keeping its inode.
inplace() {
	cat >"$CMP/new" && cat "$CMP/new" >"$1"
}

# edit: one random change, described in $op; plain shell except for the
# kith commands that write (log, mv, done).
edit() {
	pick $DAYS; d=journal/$P.md
	pick $SLUGS; s=$P
	f=people/$s.md
	rnd 40
	case $R in
	0|1|2|3|4|5|6|7)
		op="an entry appended to $d"
		mkdir -p "$(dirname "$d")"
		[ -f "$d" ] || printf '# %s\n' "$(basename "$d" .md)" >"$d"
		entry >>"$d" ;;
	8|9|10)
		op="$d edited in place, its size and mtime kept"
		if [ -f "$d" ]; then
			touch -r "$d" "$CMP/stamp"
			sed 's/\([0-9]\)\([0-9]\):/\2\1:/' "$d" | inplace "$d"
			touch -r "$CMP/stamp" "$d"
		fi ;;
	11) op="$d deleted"; rm -f "$d" ;;
	12|13)
		pick Benny Chenny Ana_L Jose
		op="$s's aliases: $(spaced $P)"
		[ -f "$f" ] && sed -i "/^- aliases:/d; 3a - aliases: $(spaced $P)" "$f" ;;
	14) op="$s's aliases dropped"; [ -f "$f" ] && sed -i '/^- aliases:/d' "$f" ;;
	15)
		pick $SLUGS
		op="$f renamed people/$P.md"
		[ -f "$f" ] && [ ! -f "people/$P.md" ] && mv "$f" "people/$P.md" ;;
	16) op="$f deleted"; rm -f "$f" ;;
	17) op="$f made anew"; [ -f "$f" ] || person "$s" "$(echo "$s" | tr - ' ')" ;;
	18)
		pick $NAMES
		op="$s's name: $(spaced $P)"
		[ -f "$f" ] && sed -i "1s/.*/# $(spaced $P)/" "$f" ;;
	19) op="a line of bad UTF-8 in $d"; [ -f "$d" ] && printf '\n\377 broken\n' >>"$d" ;;
	20) op="the bad UTF-8 in $d mended"; [ -f "$d" ] && sed -i 's/\xff/X/g' "$d" ;;
	21|22)
		pick $MENTIONS
		op="kith log with $(spaced "$P")"
		kith log "logged with $(spaced "$P") #tea" >/dev/null 2>&1 ;;
	23) op="a box ticked in $d"; [ -f "$d" ] && sed -i '0,/- \[ \]/s//- [x]/' "$d" ;;
	24) op="$d in CRLF lines"; [ -f "$d" ] && sed 's/$/\r/' "$d" | inplace "$d" ;;
	25)
		op="$d given a byte order mark"
		[ -f "$d" ] && { printf '\357\273\277'; cat "$d"; } | inplace "$d" ;;
	26) op="$d in LF lines, no mark"; [ -f "$d" ] && sed -i 's/\r$//; 1s/^\xef\xbb\xbf//' "$d" ;;
	27|28)
		pick $MENTIONS; m=$(spaced "$P")
		pick $TAGS
		op="a dated note and a follow-up in $f"
		[ -f "$f" ] && printf '\n- 2026-11-%02d: saw %s %s\n- [ ] ask %s about it due:2026-12-01\n' \
			$((step % 28 + 1)) "$m" "$P" "$m" >>"$f" ;;
	29)
		op="everything checked out as committed"
		git checkout -q -- . && git clean -q -f -d -e .kith ;;
	30) op=".kith deleted"; rm -rf .kith ;;
	31)
		pick $SLUGS
		op="kith mv $s $P"
		[ "$P" = "$s" ] || kith mv "$s" "$P" >/dev/null 2>&1 ;;
	32)
		pick send book ask
		op="kith done $P"
		kith done "$P" >/dev/null 2>&1 ;;
	33) op="$d touched"; [ -f "$d" ] && touch "$d" ;;
	34)
		pick $DAYS
		op="$d moved to journal/$P.md"
		if [ -f "$d" ] && [ ! -f "journal/$P.md" ]; then
			mkdir -p "journal/$(dirname "$P")" && mv "$d" "journal/$P.md"
		fi ;;
	35) op="$d emptied"; [ -f "$d" ] && : >"$d" ;;
	36) op="everything committed"; git add -A && git commit -q -m step >/dev/null ;;
	37) op="$s given Ben's alias"; [ -f "$f" ] && sed -i "/^- aliases:/d; 3a - aliases: Benny" "$f" ;;
	38) op="$f without its heading"; [ -f "$f" ] && sed -i 1d "$f" ;;
	39)
		op="$f edited in place, its size and mtime kept"
		if [ -f "$f" ]; then
			touch -r "$f" "$CMP/stamp"
			sed 's/^- every: 2w/- every: 3w/; t; s/^- every: 3w/- every: 2w/' "$f" | inplace "$f"
			touch -r "$CMP/stamp" "$f"
		fi ;;
	esac
	return 0
}

# answers: every read command, from the index and parsed, alike.
answers() {
	pick $SLUGS nobody-here Benny Chenny; p=$P
	pick feedback career work/acme intro tea; t=$P
	for a in 'ls --format tsv' 'ls --tag mentor --format tsv' \
	    'due --days 40 --format tsv' \
	    'todo --all --format tsv' "todo --person $p" \
	    'tags --entries --format tsv' 'tags --people --format tsv' \
	    'journal --format tsv' 'journal --json -n 8' \
	    "journal --person $p --format tsv" "journal --tag $t" \
	    "journal --tag $t --json" "journal --person $p --since 2026-11-02" \
	    'journal --since 2026-11-02 --until 2026-11-24 --format tsv' \
	    "show --json $p" 'check' 'grep -i said'; do
		rc=0
		KITH_NO_INDEX=1 kith $a >"$CMP/parse.out" 2>"$CMP/parse.err" </dev/null || rc=$?
		echo "exit $rc" >>"$CMP/parse.out"
		rc=0
		kith $a >"$CMP/index.out" 2>"$CMP/index.err" </dev/null || rc=$?
		echo "exit $rc" >>"$CMP/index.out"
		check_same "$CMP/parse.out" "$CMP/index.out" >"$CMP/diff" &&
		check_same "$CMP/parse.err" "$CMP/index.err" >>"$CMP/diff" || {
			echo "kith $a differs (seed $seed0, step $step):"
			head -40 "$CMP/diff"
			return 1
		}
	done
	test -f .kith/index.db || { echo "no .kith/index.db"; return 1; }
}

seed0=$seed
test_expect "set up six people (seed $seed, $steps steps)" '
	new_repo r &&
	cd r &&
	i=0 &&
	for s in $SLUGS; do
		i=$((i + 1)) &&
		set -- $NAMES && shift $((i - 1)) &&
		if [ $s = ben-okoro ]; then
			person $s "$(spaced $1)" Benny
		else
			person $s "$(spaced $1)"
		fi
	done &&
	git add -A && git commit -q -m people &&
	kith ls >/dev/null &&
	test -f .kith/index.db
'
cd "$TRASH/r" || exit 3
step=0
while [ $step -lt "$steps" ]; do
	step=$((step + 1))
	edit
	test_expect "step $step: $op" 'answers'
done

test_done
