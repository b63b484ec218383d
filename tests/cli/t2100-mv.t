#!/bin/sh
# t2100-mv.t - kith mv: rename a person, rewrite every mention, keep the
# old slug as an alias; one commit, all or nothing.
#
# tests/fixtures/rename holds a repository whose mentions of ann-lee come
# in every syntax and place (@ann-lee, [[ann-lee]], [[Ann Lee]], with
# shown text and blanks, in headings, open and ticked follow-ups, person
# notes, introduced-by and met fields, CRLF files, several on one line),
# next to what must not change (e-mail addresses, code spans and blocks,
# autolinks, bare URLs, the alias @Annie, @ann-lee-fan). What `kith mv
# ann-lee "Ann Smith"` must leave is in expected/mv, written by hand.

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
	[ "$(count bob-stone)" = 1 ]
'

test_expect 'mv OLD "New Name": every file as expected, byte for byte' '
	setup &&
	kith mv ann-lee "Ann Smith" >../out &&
	echo people/ann-smith.md >../want &&
	check_same ../want ../out &&
	E="$FIX/expected/mv" &&
	check_same "$E/people/ann-smith.md" people/ann-smith.md &&
	check_same "$E/people/bob-stone.md" people/bob-stone.md &&
	check_same "$E/people/cy-park.md" people/cy-park.md &&
	check_same "$E/journal/2026/2026-11-02.md" journal/2026/2026-11-02.md &&
	check_same "$E/journal/2026/2026-11-03.md" journal/2026/2026-11-03.md &&
	want_tree ../want-mv mv people/ann-lee.md &&
	check_tree ../want-mv
'

test_expect 'one commit, saying what happened, with the work tree clean' '
	cd repo &&
	[ "$(git log --format=%s -1)" = "mv: ann-lee -> ann-smith (5 files)" ] &&
	[ "$(git rev-list --count HEAD)" = 3 ] &&
	git show --name-status --format= HEAD >../out &&
	grep -q "^R[0-9]*	people/ann-lee.md	people/ann-smith.md$" ../out &&
	[ "$(wc -l <../out)" -eq 5 ] &&
	check_clean
'

test_expect 'history follows the rename' '
	cd repo &&
	git log --follow --format=%s people/ann-smith.md >../out &&
	printf "%s\n" "mv: ann-lee -> ann-smith (5 files)" \
		"add: the rename fixture" >../want &&
	check_same ../want ../out
'

test_expect 'interactions unchanged, under the new slug' '
	cd repo &&
	[ "$(count ann-smith)" = 5 ] &&
	[ -z "$(count ann-lee)" ] &&
	[ "$(count bob-stone)" = 1 ] &&
	kith show --json ann-smith >../out &&
	grep -q "\"interactions\":5" ../out &&
	grep -q "\"name\":\"Ann Smith\"" ../out
'

test_expect 'the old slug and name still find her (aliases)' '
	cd repo &&
	kith show --json ann-lee | grep -q "\"slug\":\"ann-smith\"" &&
	kith show --json "Ann Lee" | grep -q "\"slug\":\"ann-smith\""
'

test_expect 'a mention of the old slug written later still counts' '
	cd repo &&
	printf "\n## Late note from the laptop with @ann-lee and [[ann-lee]]\n" \
		>>journal/2026/2026-11-03.md &&
	[ "$(count ann-smith)" = 6 ] &&
	git checkout -q journal/2026/2026-11-03.md
'

test_expect 'kith check finds nothing new (when there is one)' '
	command -v kith-check >/dev/null || exit 0
	setup &&
	{ kith check >../before 2>&1 || true; } &&
	kith mv ann-lee "Ann Smith" >/dev/null &&
	{ kith check >../after 2>&1 || true; } &&
	sed "s,people/ann-lee\.md,people/ann-smith.md," ../before >../want &&
	check_same ../want ../after
'

test_expect 'mv OLD new-slug: the name and [[Name]] links stay' '
	setup &&
	kith mv ann-lee ann-smith >/dev/null &&
	head -n 1 people/ann-smith.md >../out &&
	echo "# Ann Lee" >../want &&
	check_same ../want ../out &&
	grep -q "^- aliases: Annie, ann-lee$" people/ann-smith.md &&
	grep -q "^- introduced-by: \[\[Ann Lee\]\]" people/cy-park.md &&
	grep -q "^## Call about \[\[Ann Lee\]\]$" journal/2026/2026-11-02.md &&
	grep -q "^- \[x\] book the café with \[\[ann-smith|her\]\]$" \
		journal/2026/2026-11-02.md &&
	[ "$(git log --format=%s -1)" = "mv: ann-lee -> ann-smith (5 files)" ] &&
	[ "$(count ann-smith)" = 5 ] &&
	check_clean
'

test_expect 'OLD by name or alias works too' '
	setup &&
	kith mv Annie ann-smith >/dev/null &&
	[ -f people/ann-smith.md ] && [ ! -e people/ann-lee.md ]
'

test_expect '--dry-run writes nothing and prints a diff' '
	setup &&
	kith mv --dry-run ann-lee "Ann Smith" >../diff &&
	unchanged &&
	cat >../want <<-\EOF &&
	diff --git a/people/bob-stone.md b/people/bob-stone.md
	--- a/people/bob-stone.md
	+++ b/people/bob-stone.md
	@@ -1,7 +1,7 @@
	 # Bob Stone
	 
	 - email: bob@stone.example
	-- introduced-by: @ann-lee
	-- met: 2025-05-01 at [[Ann Lee|Ann]]'"'"'s party
	+- introduced-by: @ann-smith
	+- met: 2025-05-01 at [[Ann Smith|Ann]]'"'"'s party
	 
	-Old friend of [[ann-lee|Ann]]; mail him at bob@ann-lee.example, not @ann-lee.
	+Old friend of [[ann-smith|Ann]]; mail him at bob@ann-lee.example, not @ann-smith.
	EOF
	sed -n "/^diff --git a\/people\/bob-stone.md/,/^diff --git a\/people\/cy/p" \
		../diff | sed "\$d" >../out &&
	check_same ../want ../out &&
	grep -q "^rename from people/ann-lee.md$" ../diff &&
	grep -q "^rename to people/ann-smith.md$" ../diff
'

test_expect '--dry-run: the diff applied gives what mv writes' '
	cd repo &&
	git apply ../diff &&
	want_tree ../want-mv mv people/ann-lee.md &&
	check_tree ../want-mv &&
	git reset -q --hard && git clean -q -fd
'

test_expect '--dry-run: a file with no newline at its end' '
	setup &&
	printf "# 2026-11-04\n\nSaw @ann-lee" >journal/2026/2026-11-04.md &&
	git add -A && git commit -q -m "add a day" &&
	kith mv -n ann-lee ann-smith >../diff &&
	cat >../want <<-\EOF &&
	diff --git a/journal/2026/2026-11-04.md b/journal/2026/2026-11-04.md
	--- a/journal/2026/2026-11-04.md
	+++ b/journal/2026/2026-11-04.md
	@@ -1,3 +1,3 @@
	 # 2026-11-04
	 
	-Saw @ann-lee
	\ No newline at end of file
	+Saw @ann-smith
	\ No newline at end of file
	EOF
	sed -n "/^diff --git a\/journal\/2026\/2026-11-04.md/,/^diff --git a\/people/p" \
		../diff | sed "\$d" >../out &&
	check_same ../want ../out &&
	git apply ../diff &&
	printf "# 2026-11-04\n\nSaw @ann-smith" >../want &&
	check_same ../want journal/2026/2026-11-04.md
'

test_expect_code 2 'an existing NEW is refused (exit 2)' '
	setup && printf "# Ann Smith\n" >people/ann-smith.md &&
	git add -A && git commit -q -m "add: Ann Smith" &&
	kith mv ann-lee ann-smith
'

test_expect 'and the message says what to do; nothing changed' '
	cd repo &&
	! kith mv ann-lee "Ann Smith" 2>../err &&
	grep -q "^kith-mv: .people/ann-smith.md. already exists: pick another name, or fold the two with .kith merge.$" ../err &&
	[ "$(git log --format=%s -1)" = "add: Ann Smith" ] &&
	check_clean && [ -f people/ann-lee.md ]
'

test_expect_code 2 'a NEW that is a symlink is refused too' '
	setup && ln -s ../journal people/ann-smith.md &&
	kith mv ann-lee ann-smith
'

test_expect 'nothing changed' '
	cd repo && rm people/ann-smith.md && unchanged
'

test_expect_code 2 'a NEW slug that is someone else'"'"'s alias is refused' '
	setup && kith mv bob-stone annie
'

test_expect_code 2 'a NEW name that is someone else'"'"'s is refused' '
	cd repo && kith mv bob-stone "Ann Lee"
'

test_expect 'nothing changed' 'cd repo && unchanged'

for bad in "../evil" "people/x.md" ".hidden" "x.md" "-x" "$(printf "a\tb")" ""; do
	test_expect_code 2 "an unsafe NEW '$bad' is refused (exit 2)" "
		cd repo && kith mv -- ann-lee '$bad'
	"
done

test_expect 'and says why; nothing changed' '
	cd repo &&
	! kith mv ann-lee ../evil 2>../err &&
	grep -q "^kith-mv: bad new name .\.\./evil.: give a slug" ../err &&
	unchanged
'

test_expect_code 2 'the same slug and name: nothing to rename (exit 2)' '
	cd repo && kith mv ann-lee "Ann Lee"
'

test_expect_code 2 'an unknown OLD: exit 2' 'cd repo && kith mv zelda zed'

test_expect 'an ambiguous OLD lists the candidates and exits 2' '
	cd repo &&
	code=0; kith mv a x 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-mv: .a. matches 2 people: give the slug$" ../err &&
	grep -q "^	a-lee	A. Lee$" ../err &&
	grep -q "^	ann-lee	Ann Lee$" ../err &&
	unchanged
'

test_expect 'a mention written with an entity is refused, naming path:line' '
	setup &&
	printf "# 2026-11-05\n\nMet &#64;ann-lee again.\n" >journal/2026/2026-11-05.md &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith mv ann-lee ann-smith 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-mv: cannot rewrite .@ann-lee. at journal/2026/2026-11-05.md:3: it is written with a backslash escape or an entity; write it plainly and retry$" ../err &&
	check_clean && [ -f people/ann-lee.md ] && [ ! -e people/ann-smith.md ]
'

test_expect 'and so is one with a backslash escape inside' '
	cd repo &&
	printf "\nSaw @ann\\\\-lee.\n" >>journal/2026/2026-11-05.md &&
	grep -q "^Saw @ann.-lee\.$" journal/2026/2026-11-05.md &&
	sed -i "s/&#64;/@/" journal/2026/2026-11-05.md &&
	git commit -q -a -m "add: the rename fixture" &&
	! kith mv ann-lee ann-smith 2>../err &&
	grep -q "at journal/2026/2026-11-05.md:5:" ../err &&
	check_clean && [ -f people/ann-lee.md ]
'

# A file name too long for its temporary file (".NAME.XXXXXX"): the
# model reads it, the write fails after the others' temporary files.
LONG=zz$(printf "%0248d" 0 | tr 0 z)

test_expect 'failure half-way: every file as it was, no temporary file' '
	setup &&
	printf "# Zed\n\nKnows @ann-lee.\n" >"people/$LONG.md" &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith mv ann-lee "Ann Smith" 2>../err || code=$? &&
	[ $code -eq 3 ] &&
	grep -q "^kith-mv: cannot create a temporary file for .people/$LONG.md.: File name too long$" ../err &&
	check_clean &&
	[ -z "$(find . -path ./.git -prune -o -name ".*.??????" -print)" ] &&
	[ "$(git rev-list --count HEAD)" = 3 ] &&
	git rm -q "people/$LONG.md" && git commit -q -m "remove it" &&
	want_tree ../same && check_tree ../same
'

test_expect 'a person without heading or fields gets both' '
	setup &&
	printf "Notes only, about @bob-stone.\n" >people/dee.md &&
	git add -A && git commit -q -m "add: dee" &&
	kith mv dee "Dee Ray" >/dev/null &&
	printf "# Dee Ray\n\n- aliases: dee\n\nNotes only, about @bob-stone.\n" >../want &&
	check_same ../want people/dee-ray.md &&
	check_clean
'

test_expect 'a heading followed by notes: a field list between them' '
	cd repo &&
	printf "# Eve Moss\nLikes @bob-stone.\n" >people/eve-moss.md &&
	git add -A && git commit -q -m "add: eve" &&
	kith mv eve-moss eve >/dev/null &&
	printf "# Eve Moss\n\n- aliases: eve-moss\n\nLikes @bob-stone.\n" >../want &&
	check_same ../want people/eve.md &&
	kith show --json eve | grep -q "\"aliases\":\[\"eve-moss\"\]"
'

test_expect 'a setext heading, "*" fields, a CRLF file, an empty aliases field' '
	cd repo &&
	printf "Fay Lin\r\n=======\r\n\r\n* email: fay@x.example\r\n* aliases:\r\n" >people/fay.md &&
	git add -A && git commit -q -m "add: fay" &&
	kith mv fay "Fay Lin-Ross" >/dev/null &&
	printf "Fay Lin-Ross\r\n=======\r\n\r\n* email: fay@x.example\r\n* aliases: fay, Fay Lin\r\n" >../want &&
	check_same ../want people/fay-lin-ross.md &&
	check_clean
'

test_expect 'a mention inside the renamed heading goes with it' '
	cd repo &&
	printf "# Gus (@gus)\n\n- aliases: G\n" >people/gus.md &&
	git add -A && git commit -q -m "add: gus" &&
	kith mv gus "Gus Hall" >/dev/null &&
	printf "# Gus Hall\n\n- aliases: G, gus, Gus (@gus)\n" >../want &&
	check_same ../want people/gus-hall.md
'

test_expect 'the lock is held: exit 3, nothing changed' '
	setup &&
	lock_hold . &&
	code=0 && { KITH_LOCK_TIMEOUT=0.2 kith mv ann-lee ann-smith 2>../err || code=$?; } &&
	lock_release &&
	[ $code -eq 3 ] && grep -q "locked" ../err &&
	unchanged
'

test_expect 'a NEW name two others have is refused' '
	setup &&
	printf "# Twin\n" >people/twin-a.md && printf "# Twin\n" >people/twin-b.md &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith mv bob-stone Twin 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-mv: .Twin. already names several people: pick another name$" ../err &&
	check_clean && [ -f people/bob-stone.md ]
'

test_expect 'a name heading over two lines is refused' '
	setup &&
	printf "Hal\nBrook\n=====\n\nNotes.\n" >people/hal.md &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	code=0; kith mv hal "Hal Brooks" 2>../err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-mv: the name heading of .people/hal.md. spans several lines: join it on one line and retry$" ../err &&
	check_clean && [ -f people/hal.md ]
'

test_expect 'a NEW name that is not UTF-8 is refused' '
	cd repo &&
	code=0; kith mv ann-lee "$(printf "Ann \377")" 2>../err || code=$? &&
	[ $code -eq 2 ] && grep -q "give it as UTF-8" ../err &&
	check_clean && [ -f people/ann-lee.md ]
'

test_expect 'a file that is no kith file: warned about, left alone' '
	setup &&
	printf "# 2026-11-07\n\n@ann-lee \377\n" >journal/2026/2026-11-07.md &&
	git add -A && git commit -q -m "add: the rename fixture" &&
	kith mv ann-lee ann-smith >/dev/null 2>../err &&
	grep -q "^kith-mv: warning: .journal/2026/2026-11-07.md. is not valid UTF-8: fix its encoding: mentions there are not rewritten$" ../err &&
	printf "# 2026-11-07\n\n@ann-lee \377\n" >../want &&
	check_same ../want journal/2026/2026-11-07.md &&
	[ -f people/ann-smith.md ] && check_clean
'

test_expect 'standard output full: exit 3' '
	setup &&
	code=0; kith mv ann-lee ann-smith >/dev/full 2>../err || code=$? &&
	[ $code -eq 3 ] && grep -q "^kith-mv: " ../err &&
	code=0; kith mv -n bob-stone bob >/dev/full 2>../err || code=$? &&
	[ $code -eq 3 ]
'

test_expect_code 2 'no operands: exit 2' 'cd repo && kith mv'
test_expect_code 2 'one operand: exit 2' 'cd repo && kith mv ann-lee'
test_expect_code 2 'three operands: exit 2' 'cd repo && kith mv ann-lee a b'
test_expect_code 2 'an unknown option: exit 2' 'cd repo && kith mv --frob ann-lee x'
test_expect '--help prints the synopsis on stdout' '
	kith mv --help >out &&
	echo "usage: kith mv [--dry-run] old new" >want &&
	check_same want out
'
test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith mv a b'

test_expect 'the work tree is clean' 'cd repo && check_clean'
test_done
