#!/bin/sh
# kith history: the commits that changed a person's file (or any file),
# newest first, across renames; -p patches; --json; --field stories.
. "$(dirname "$0")/lib.sh"

# gcommit DATE MESSAGE: commit every change with the git program (set-up),
# author and committer dated DATE.
gcommit() {
	git add -A &&
	GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" git commit -q -m "$2"
}

# line REV [TAIL]: the line kith history prints for REV, made by git.
line() {
	git log -1 --format="%ad  %an  %s  %h${2:+  $2}" \
		--date=format:'%Y-%m-%d %H:%M' "$1"
}

# key NAME: the string values of key NAME in --json output on stdin, one
# a line (the values tested hold no quotes).
key() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"
}

# skip REASON: a TAP skip.
skip() {
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP $1"
}

new_repo repo
cd repo || exit 3
printf '%s\n' out err want got >>.git/info/exclude

test_expect 'set up: add, log, hand edit, rename, edit' '
	kith add -f "phone=+49 111" Jane Doe >/dev/null &&
	kith log "coffee with @jane-doe" >/dev/null &&
	sed -i "s/+49 111/+49 222/" people/jane-doe.md &&
	gcommit "2026-11-20 10:00:00 +0100" "edit: new phone" &&
	git mv people/jane-doe.md people/jane-smith.md &&
	sed -i "s/^# Jane Doe/# Jane Smith/" people/jane-smith.md &&
	gcommit "2026-11-21 09:15:00 -0500" "mv: jane-doe -> jane-smith (1 file)" &&
	sed -i "s/+49 222/+49 333/" people/jane-smith.md &&
	gcommit "2026-11-22 18:45:00 +0530" "edit: phone again"
'

test_expect 'a person: newest first, across the rename, mentions left out' '
	kith history jane >out &&
	{
		echo "2026-11-22 18:45  Test User  edit: phone again  $(git rev-parse --short HEAD)" &&
		echo "2026-11-21 09:15  Test User  mv: jane-doe -> jane-smith (1 file)  $(git rev-parse --short HEAD~1)  people/jane-doe.md -> people/jane-smith.md" &&
		echo "2026-11-20 10:00  Test User  edit: new phone  $(git rev-parse --short HEAD~2)  people/jane-doe.md" &&
		line HEAD~4 people/jane-doe.md
	} >want &&
	check_same want out
'

test_expect 'the same commits as git log --follow' '
	kith history --json jane >got && key commit <got >out &&
	git log --follow --format=%H -- people/jane-smith.md >want &&
	check_same want out
'

test_expect 'a path names the same file; so does the name' '
	kith history jane >want &&
	kith history people/jane-smith.md >out &&
	check_same want out &&
	kith history "Jane Smith" >out &&
	check_same want out
'

test_expect '--json: the keys, dates in ISO 8601 with the offset' '
	kith history --json jane >out &&
	h() { git rev-parse "$1"; } &&
	cat >want <<-END &&
	[
	{"commit":"$(h HEAD)","date":"2026-11-22T18:45:00+05:30","author":"Test User","email":"test@example.com","message":"edit: phone again","path":"people/jane-smith.md"},
	{"commit":"$(h HEAD~1)","date":"2026-11-21T09:15:00-05:00","author":"Test User","email":"test@example.com","message":"mv: jane-doe -> jane-smith (1 file)","path":"people/jane-smith.md"},
	{"commit":"$(h HEAD~2)","date":"2026-11-20T10:00:00+01:00","author":"Test User","email":"test@example.com","message":"edit: new phone","path":"people/jane-doe.md"},
	{"commit":"$(h HEAD~4)","date":"$(git log -1 --format=%aI HEAD~4)","author":"Test User","email":"test@example.com","message":"add: Jane Doe","path":"people/jane-doe.md"}
	]
	END
	check_same want out
'

test_expect '-p: each commit, then its patch of the file' '
	kith history -p jane >out &&
	sed -n 2p out >got &&
	echo "diff --git a/people/jane-smith.md b/people/jane-smith.md" >want &&
	check_same want got &&
	grep -qx -- "-- phone: +49 222" out &&
	grep -qx -- "+- phone: +49 333" out &&
	grep -qx "rename from people/jane-doe.md" out &&
	grep -qx "rename to people/jane-smith.md" out &&
	grep -qx -- "-# Jane Doe" out &&
	grep -qx -- "+# Jane Smith" out &&
	grep -qx -- "+- phone: +49 111" out &&
	grep -qx "new file mode 100644" out &&
	[ "$(grep -c "^diff --git" out)" -eq 4 ] &&
	[ "$(grep -c "^$" out)" -eq 3 ]
'

test_expect '-p: the patch holds only that file' '
	kith history -p jane >out &&
	! grep -q journal out
'

test_expect '-p --json: the patch as a key' '
	kith history -p --json jane >out &&
	sed -n 2p out | grep -qF "\\n+- phone: +49 333\\n" &&
	sed -n 5p out | grep -qF "\"patch\":\"diff --git a/people/jane-doe.md b/people/jane-doe.md\\nnew file mode 100644\\n"
'

test_expect '--field: a row each time the values changed, oldest first' '
	kith history --field phone jane >out &&
	{
		echo "$(git log -1 --format=%ad --date=format:"%Y-%m-%d %H:%M" HEAD~4)  $(git rev-parse --short HEAD~4)  +49 111" &&
		echo "2026-11-20 10:00  $(git rev-parse --short HEAD~2)  +49 222" &&
		echo "2026-11-22 18:45  $(git rev-parse --short HEAD)  +49 333"
	} >want &&
	check_same want out
'

test_expect 'a journal day by its date' '
	kith history 2026-11-25 >out &&
	line HEAD~3 >want &&
	check_same want out
'

test_expect 'a file at the top by its name' '
	kith history kith.conf >out &&
	line HEAD~5 >want &&
	check_same want out
'

test_expect 'set up: a field that changes, repeats, goes and comes back' '
	printf "# Bob\n\n- phone: 1\n- email: b@example.com\n" >people/bob.md &&
	gcommit "2026-10-01 08:00:00 +0000" "add: Bob" &&
	sed -i "s/b@example/bob@example/" people/bob.md &&
	gcommit "2026-10-02 08:00:00 +0000" "edit: Bob email" &&
	sed -i "s/phone: 1/phone: 2/" people/bob.md &&
	gcommit "2026-10-03 08:00:00 +0000" "edit: Bob phone" &&
	printf "# Bob\n\n- phone: 2\n- phone: 3\n- email: bob@example.com\n" >people/bob.md &&
	gcommit "2026-10-04 08:00:00 +0000" "edit: Bob second phone" &&
	printf "# Bob\n\n- phone: 3\n- phone: 2\n- email: bob@example.com\n" >people/bob.md &&
	gcommit "2026-10-05 08:00:00 +0000" "edit: Bob reorder" &&
	printf "# Bob\n\n- email: bob@example.com\n" >people/bob.md &&
	gcommit "2026-10-06 08:00:00 +0000" "edit: Bob no phone" &&
	printf "# Bob\n\n- Phone: 4\n- email: bob@example.com\n" >people/bob.md &&
	gcommit "2026-10-07 08:00:00 +0000" "edit: Bob phone back" &&
	git rm -q people/bob.md &&
	gcommit "2026-10-08 08:00:00 +0000" "edit: Bob gone"
'

test_expect '--field: exact rows; order of values does not count' '
	kith history --field PHONE people/bob.md >out &&
	s() { git rev-parse --short "$1"; } &&
	cat >want <<-END &&
	2026-10-01 08:00  $(s HEAD~7)  1
	2026-10-03 08:00  $(s HEAD~5)  2
	2026-10-04 08:00  $(s HEAD~4)  2, 3
	2026-10-06 08:00  $(s HEAD~2)  (removed)
	2026-10-07 08:00  $(s HEAD~1)  4
	2026-10-08 08:00  $(s HEAD)  (removed)
	END
	check_same want out
'

test_expect '--field --json: the values as arrays' '
	kith history --field phone --json people/bob.md >out &&
	h() { git rev-parse "$1"; } &&
	cat >want <<-END &&
	[
	{"commit":"$(h HEAD~7)","date":"2026-10-01T08:00:00+00:00","path":"people/bob.md","values":["1"]},
	{"commit":"$(h HEAD~5)","date":"2026-10-03T08:00:00+00:00","path":"people/bob.md","values":["2"]},
	{"commit":"$(h HEAD~4)","date":"2026-10-04T08:00:00+00:00","path":"people/bob.md","values":["2","3"]},
	{"commit":"$(h HEAD~2)","date":"2026-10-06T08:00:00+00:00","path":"people/bob.md","values":[]},
	{"commit":"$(h HEAD~1)","date":"2026-10-07T08:00:00+00:00","path":"people/bob.md","values":["4"]},
	{"commit":"$(h HEAD)","date":"2026-10-08T08:00:00+00:00","path":"people/bob.md","values":[]}
	]
	END
	check_same want out
'

test_expect 'a deleted file: its history, the deletion first' '
	kith history people/bob.md >out &&
	[ "$(wc -l <out)" -eq 8 ] &&
	line HEAD >want && head -n 1 out >got &&
	check_same want got
'

test_expect_code 2 'a deleted person is no person' 'kith history bob'

test_expect 'a version that is not UTF-8 is skipped with a warning' '
	printf "# Cy\n\n- phone: 1\n" >people/cy.md &&
	gcommit "2026-09-01 08:00:00 +0000" "add: Cy" &&
	printf "# Cy \377\n\n- phone: 9\n" >people/cy.md &&
	gcommit "2026-09-02 08:00:00 +0000" "edit: Cy broken" &&
	printf "# Cy\n\n- phone: 2\n" >people/cy.md &&
	gcommit "2026-09-03 08:00:00 +0000" "edit: Cy fixed" &&
	kith history --field phone cy >out 2>err &&
	cat >want <<-END &&
	2026-09-01 08:00  $(git rev-parse --short HEAD~2)  1
	2026-09-03 08:00  $(git rev-parse --short HEAD)  2
	END
	check_same want out &&
	grep -q "^kith-history: warning: skipping commit $(git rev-parse --short HEAD~1): .*UTF-8" err
'

test_expect 'a field never set: exit 1, and [] with --json' '
	code=0; kith history --field twitter jane >out 2>err || code=$? &&
	[ $code -eq 1 ] && [ ! -s out ] &&
	grep -q "never had a .twitter. field" err &&
	code=0; kith history --json --field twitter jane >out || code=$? &&
	[ $code -eq 1 ] && echo "[]" >want && check_same want out
'

test_expect 'a file never committed: exit 1, and [] with --json' '
	printf "# Dee\n" >people/dee.md &&
	code=0; kith history dee >out 2>err || code=$? &&
	[ $code -eq 1 ] && [ ! -s out ] &&
	grep -q "^kith-history: no commit touched .people/dee.md." err &&
	code=0; kith history --json people/dee.md >out || code=$? &&
	[ $code -eq 1 ] && echo "[]" >want && check_same want out &&
	rm people/dee.md
'

test_expect 'an unknown person: exit 2, and what to do' '
	code=0; kith history zelda 2>err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-history: no person or file matches .zelda.: see .kith ls." err
'

test_expect 'an unknown path: exit 2' '
	code=0; kith history people/nobody.md 2>err || code=$? &&
	[ $code -eq 2 ] && grep -q "no file .people/nobody.md." err
'

test_expect 'an ambiguous name: the candidates, exit 2' '
	printf "# Ann One\n" >people/ann-one.md &&
	printf "# Ann Two\n" >people/ann-two.md &&
	code=0; kith history ann >out 2>err || code=$? &&
	[ $code -eq 2 ] && [ ! -s out ] &&
	grep -q "	ann-one	Ann One" err && grep -q "	ann-two	Ann Two" err &&
	rm people/ann-one.md people/ann-two.md
'

test_expect_code 2 'a path outside the repository: exit 2' 'kith history ../x.md'
test_expect_code 2 'an absolute path: exit 2' 'kith history /etc/passwd'
test_expect_code 2 'an empty path component: exit 2' 'kith history people//x.md'
test_expect_code 2 '--field on a journal day: exit 2' 'kith history --field phone 2026-11-25'
test_expect_code 2 '--field and -p: exit 2' 'kith history -p --field phone jane'
test_expect_code 2 'a bad field name: exit 2' 'kith history --field "ph one" jane'
test_expect_code 2 'no operand: exit 2' 'kith history'
test_expect_code 2 'two operands: exit 2' 'kith history jane bob'
test_expect_code 2 'an unknown option: exit 2' 'kith history --bogus jane'
test_expect '--help prints the synopsis' '
	kith history --help >out &&
	grep -qx "usage: kith history \[-p\] \[--json\] \[--field key\] person | path" out
'
test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith history jane'

test_expect 'a missing object: a git error, exit 3' '
	rm -rf ../broken && cp -R . ../broken &&
	tree=$(git rev-parse HEAD~12:people) &&
	drop_object ../broken $tree &&
	code=0; kith -C ../broken history jane 2>err || code=$? &&
	[ $code -eq 3 ] && grep -q "^kith-history: cannot read" err &&
	rm -rf ../broken
'

# ---- merges ----

cd .. && new_repo merges && cd merges || exit 3
printf '%s\n' out err want got >>.git/info/exclude

test_expect 'set up: a side branch merged twice' '
	printf "# Ana\n\n- phone: 1\n\nfirst\n\n\n\nlast\n" >people/ana.md &&
	gcommit "2026-11-01 08:00:00 +0000" "add: Ana" &&
	git checkout -q -b side &&
	sed -i "s/phone: 1/phone: 2/" people/ana.md &&
	gcommit "2026-11-02 08:00:00 +0000" "edit: Ana on the side" &&
	git checkout -q main &&
	kith log "on main" >/dev/null &&
	GIT_AUTHOR_DATE="2026-11-03 08:00:00 +0000" GIT_COMMITTER_DATE="2026-11-03 08:00:00 +0000" \
		git merge -q --no-edit -m "sync: one side" side &&
	git checkout -q side &&
	sed -i "s/^last/last on the side/" people/ana.md &&
	gcommit "2026-11-04 08:00:00 +0000" "edit: Ana again on the side" &&
	git checkout -q main &&
	sed -i "s/^first/first on main/" people/ana.md &&
	gcommit "2026-11-05 08:00:00 +0000" "edit: Ana on main" &&
	GIT_AUTHOR_DATE="2026-11-06 08:00:00 +0000" GIT_COMMITTER_DATE="2026-11-06 08:00:00 +0000" \
		git merge -q --no-edit -m "sync: both sides" side
'

test_expect 'a merge that took the file from one side is left out' '
	kith history --json ana >got && key message <got >out &&
	cat >want <<-\END &&
	sync: both sides
	edit: Ana on main
	edit: Ana again on the side
	edit: Ana on the side
	add: Ana
	END
	check_same want out
'

test_expect 'the same commits as git log' '
	kith history --json ana >got && key commit <got >out &&
	git log --format=%H -- people/ana.md >want &&
	check_same want out
'

test_expect '--field across the merges' '
	kith history --field phone ana >out &&
	cat >want <<-END &&
	2026-11-01 08:00  $(git rev-parse --short HEAD^1~3)  1
	2026-11-02 08:00  $(git rev-parse --short HEAD^2~1)  2
	END
	check_same want out
'

# ---- kith mv, when it is built ----

if [ -x "$KITH_BUILD_DIR/kith-mv" ]; then
	test_expect 'kith mv: history follows the rename' '
		kith add Zed Alpha >/dev/null &&
		kith mv zed-alpha zed-beta >/dev/null &&
		kith history --json zed-beta >got && key path <got >out &&
		printf "people/zed-beta.md\npeople/zed-alpha.md\n" >want &&
		check_same want out
	'
else
	skip 'kith mv is not built'
fi

test_expect 'the work tree is clean' 'check_clean && check_clean ../repo'
test_done
