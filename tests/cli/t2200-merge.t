#!/bin/sh
# t2200-merge.t - kith merge: fold a duplicate into the person kept, its
# fields, notes, aliases and mentions; one commit, all or nothing.
#
# tests/fixtures/rename holds ann-lee and her duplicate a-lee (an e-mail
# that differs only in case, one more e-mail, another company, a birthday
# Ann lacks, an alias, one tag more, the same cadence, notes with a dated
# item and a follow-up), mentioned in a CRLF person file and a CRLF day.
# What `kith merge ann-lee a-lee` must leave is in expected/merge,
# written by hand.

. "$(dirname "$0")/lib.sh"

FIX="$FIXTURES/rename"

# setup: a fresh repository at repo holding the fixture, committed.
setup() {
	cd "$TRASH" && rm -rf repo &&
	kith init repo >/dev/null &&
	cp -R "$FIX/people" "$FIX/journal" repo/ &&
	git -C repo add -A &&
	git -C repo commit -q -m "add: the rename fixture" &&
	cd repo
}

# want_tree DIR [NAME GONE...]: people/ and journal/ as NAME should leave
# them: the fixture's files, GONE removed, expected/NAME's laid over.
want_tree() {
	dir=$1
	rm -rf "$dir" && mkdir "$dir" &&
	cp -R "$FIX/people" "$FIX/journal" "$dir/" || return 1
	[ $# -gt 1 ] || return 0
	name=$2
	shift 2
	for gone in "$@"; do rm "$dir/$gone" || return 1; done &&
	cp -R "$FIX/expected/$name/." "$dir/"
}

# check_tree DIR: people/ and journal/ are DIR's, byte for byte, no more.
check_tree() {
	diff -r "$1/people" people && diff -r "$1/journal" journal
}

# unchanged: the work tree and HEAD are the fixture's, no temp file left.
unchanged() {
	check_clean &&
	[ "$(git log --format=%s -1)" = "add: the rename fixture" ] &&
	want_tree ../same &&
	check_tree ../same &&
	[ -z "$(find people journal -name ".*")" ]
}

# count SLUG: the interactions column of kith ls --format tsv for SLUG.
count() {
	kith ls --format tsv >../ls.out &&
	awk -F '\t' -v s="$1" '$1 == s { print $6 }' ../ls.out
}

test_expect 'set up the fixture' '
	setup &&
	[ "$(count ann-lee)" = 5 ] &&
	[ "$(count a-lee)" = 2 ]
'

test_expect 'merge KEEP DROP: every file as expected, byte for byte' '
	setup &&
	kith merge ann-lee a-lee >../out &&
	echo people/ann-lee.md >../want &&
	check_same ../want ../out &&
	E="$FIX/expected/merge" &&
	check_same "$E/people/ann-lee.md" people/ann-lee.md &&
	check_same "$E/people/cy-park.md" people/cy-park.md &&
	check_same "$E/journal/2026/2026-11-03.md" journal/2026/2026-11-03.md &&
	[ ! -e people/a-lee.md ] &&
	want_tree ../want-merge merge people/a-lee.md &&
	check_tree ../want-merge
'

test_expect 'one commit, saying what happened, with the work tree clean' '
	cd repo &&
	[ "$(git log --format=%s -1)" = "merge: a-lee -> ann-lee (4 files)" ] &&
	[ "$(git rev-list --count HEAD)" = 3 ] &&
	git show --name-status --format= HEAD | sort >../out &&
	printf "D\tpeople/a-lee.md\nM\tjournal/2026/2026-11-03.md\nM\tpeople/ann-lee.md\nM\tpeople/cy-park.md\n" |
		sort >../want &&
	check_same ../want ../out &&
	check_clean
'

test_expect 'the interactions of both, each entry once' '
	cd repo &&
	[ "$(count ann-lee)" = 6 ] &&
	[ -z "$(count a-lee)" ] &&
	kith show --json ann-lee >../out &&
	grep -q "\"interactions\":6" ../out &&
	grep -q "\"title\":\"met at the compiler meetup #career\"" ../out
'

test_expect 'the dropped slug, alias and name find the one kept' '
	cd repo &&
	kith show --json a-lee | grep -q "\"slug\":\"ann-lee\"" &&
	kith show --json Lee | grep -q "\"slug\":\"ann-lee\"" &&
	kith show --json "A. Lee" | grep -q "\"slug\":\"ann-lee\""
'

test_expect 'kith check finds nothing new, and no duplicate (when there is one)' '
	command -v kith-check >/dev/null || exit 0
	setup &&
	{ kith check >../before 2>&1 || true; } &&
	kith merge ann-lee a-lee >/dev/null &&
	{ kith check >../after 2>&1 || true; } &&
	grep -v "a-lee\.md" ../before >../want &&
	check_same ../want ../after
'

test_expect '--dry-run writes nothing and prints a diff' '
	setup &&
	kith merge --dry-run ann-lee a-lee >../diff &&
	unchanged &&
	sed -n "/^diff --git a\/people\/a-lee.md/,/^@@/p" ../diff >../out &&
	printf "%s\n" "diff --git a/people/a-lee.md b/people/a-lee.md" \
		"deleted file mode 100644" "--- a/people/a-lee.md" \
		"+++ /dev/null" "@@ -1,14 +0,0 @@" >../want &&
	check_same ../want ../out &&
	cr=$(printf "\r") &&
	grep -q "^-Met through @ann-lee and \[\[ann-lee\]\]; also knows @a-lee\.$cr$" ../diff &&
	grep -q "^+Met through @ann-lee and \[\[ann-lee\]\]; also knows @ann-lee\.$cr$" ../diff
'

test_expect '--dry-run: the diff applied gives what merge writes' '
	cd repo &&
	git apply ../diff &&
	want_tree ../want-merge merge people/a-lee.md &&
	check_tree ../want-merge &&
	git reset -q --hard && git clean -q -fd
'

test_expect 'a CRLF file kept, an LF one dropped, no heading, no fields' '
	setup &&
	printf "# Kim\r\n\r\nNotes about Kim and @kim2.\r\n" >people/kim.md &&
	printf -- "- email: kim@x.example\n- birthday: --03-04\n\nLikes tea.\n- 2026-01-05: met\n" >people/kim2.md &&
	git add -A && git commit -q -m "add: kim" &&
	kith merge kim kim2 >/dev/null &&
	printf "# Kim\r\n\r\n- email: kim@x.example\r\n- birthday: --03-04\r\n- aliases: kim2\r\n\r\nNotes about Kim and @kim.\r\n\r\nMerged from kim2:\r\n\r\nLikes tea.\r\n- 2026-01-05: met\r\n" >../want &&
	check_same ../want people/kim.md &&
	[ ! -e people/kim2.md ] &&
	[ "$(count kim)" = 1 ] &&
	[ "$(git log --format=%s -1)" = "merge: kim2 -> kim (2 files)" ] &&
	check_clean
'

test_expect 'nothing to carry over: only aliases and mentions change' '
	cd repo &&
	printf "# Lu Wei\n\n- email: lu@x.example\n" >people/lu.md &&
	printf "# Lu Wei\n\n- email: LU@x.example\n" >people/lu-wei.md &&
	printf "# 2026-11-06\n\nTea with [[Lu Wei]] and @lu-wei.\n" >journal/2026/2026-11-06.md &&
	git add -A && git commit -q -m "add: lu" &&
	kith merge lu lu-wei >/dev/null &&
	printf "# Lu Wei\n\n- email: lu@x.example\n- aliases: lu-wei\n" >../want &&
	check_same ../want people/lu.md &&
	printf "# 2026-11-06\n\nTea with [[Lu Wei]] and @lu.\n" >../want &&
	check_same ../want journal/2026/2026-11-06.md &&
	[ "$(count lu)" = 1 ]
'

test_expect_code 2 'KEEP and DROP the same person: exit 2' '
	setup && kith merge ann-lee Annie
'

test_expect 'and the message says so; nothing changed' '
	cd repo &&
	! kith merge ann-lee "Ann Lee" 2>../err &&
	grep -q "^kith-merge: cannot merge people/ann-lee.md into itself: name two people$" ../err &&
	unchanged
'

test_expect_code 2 'an unknown KEEP: exit 2' 'cd repo && kith merge zelda a-lee'
test_expect_code 2 'an unknown DROP: exit 2' 'cd repo && kith merge ann-lee zelda'

test_expect 'an ambiguous DROP lists the candidates and exits 2' '
	cd repo &&
	code=0; kith merge bob-stone a 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-merge: .a. matches 2 people: give the slug$" ../err &&
	grep -q "^	a-lee	A. Lee$" ../err &&
	unchanged
'

test_expect 'a mention of DROP written with an entity is refused' '
	setup &&
	printf "# 2026-11-05\n\nMet &#64;a-lee again.\n" >journal/2026/2026-11-05.md &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith merge ann-lee a-lee 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-merge: cannot rewrite .@a-lee. at journal/2026/2026-11-05.md:3: " ../err &&
	check_clean && [ -f people/a-lee.md ]
'

# A file name too long for its temporary file (".NAME.XXXXXX"): the
# model reads it, the write fails after the others' temporary files.
LONG=zz$(printf "%0248d" 0 | tr 0 z)

test_expect 'failure half-way: every file as it was, no temporary file' '
	setup &&
	printf "# Zed\n\nKnows @a-lee.\n" >"people/$LONG.md" &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith merge ann-lee a-lee 2>../err || code=$? &&
	[ $code -eq 3 ] &&
	grep -q "^kith-merge: cannot create a temporary file for .people/$LONG.md.: File name too long$" ../err &&
	check_clean &&
	[ -z "$(find . -path ./.git -prune -o -name ".*.??????" -print)" ] &&
	[ "$(git rev-list --count HEAD)" = 3 ] &&
	git rm -q "people/$LONG.md" && git commit -q -m "remove it" &&
	want_tree ../same && check_tree ../same
'

test_expect 'standard output full: exit 3' '
	setup &&
	code=0; kith merge -n ann-lee a-lee >/dev/full 2>../err || code=$? &&
	[ $code -eq 3 ] && grep -q "^kith-merge: " ../err && unchanged
'

test_expect_code 2 'no operands: exit 2' 'cd repo && kith merge'
test_expect_code 2 'one operand: exit 2' 'cd repo && kith merge ann-lee'
test_expect_code 2 'three operands: exit 2' 'cd repo && kith merge ann-lee a-lee x'
test_expect_code 2 'an unknown option: exit 2' 'cd repo && kith merge --frob ann-lee a-lee'
test_expect '--help prints the synopsis on stdout' '
	kith merge --help >out &&
	echo "usage: kith merge [--dry-run] keep drop" >want &&
	check_same want out
'
test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith merge a b'

test_expect 'the work tree is clean' 'cd repo && check_clean'
test_done
