#!/bin/sh
# kith undo: revert the last commit kith made as "undo: MESSAGE"; undo
# of an undo redoes; refusals change nothing.
. "$(dirname "$0")/lib.sh"

DAY=journal/2026/2026-11-25.md

# plan [REV]: what --list prints for REV (default HEAD), header made by git.
plan() {
	git log -1 --format='%h  %ad  %s' --date=format:'%Y-%m-%d %H:%M' "${1:-HEAD}"
}

# unchanged: HEAD is still $head and nothing is modified.
unchanged() {
	[ "$(git rev-parse HEAD)" = "$head" ] && check_clean
}

new_repo repo
cd repo || exit 3
printf '%s\n' out err want got before >>.git/info/exclude

test_expect 'the first commit cannot be undone' '
	head=$(git rev-parse HEAD) &&
	code=0; kith undo 2>err || code=$? &&
	[ $code -eq 2 ] &&
	grep -q "^kith-undo: .init: kith repository. is the first commit: it cannot be undone" err &&
	unchanged
'

test_expect 'set up: a person and two entries' '
	kith add Jane Doe >/dev/null &&
	kith log "coffee with @jane-doe" >/dev/null &&
	cp $DAY before &&
	kith log "second entry" >/dev/null
'

test_expect '--list: the commit and its files, nothing changed' '
	head=$(git rev-parse HEAD) &&
	kith undo --list >out &&
	{ plan && printf "M\t%s\n" $DAY; } >want &&
	check_same want out &&
	unchanged
'

test_expect 'undo after log: the entry is gone, the file as before' '
	kith undo --list >want &&
	kith undo >out &&
	check_same want out &&
	check_same before $DAY &&
	[ "$(git log -1 --format=%s)" = "undo: log: second entry" ] &&
	[ "$(git log -1 --format=%s HEAD~1)" = "log: second entry" ] &&
	git diff --quiet HEAD~2 HEAD &&
	check_clean
'

test_expect 'undo of the undo redoes' '
	kith undo >/dev/null &&
	[ "$(git log -1 --format=%s)" = "undo: undo: log: second entry" ] &&
	git show HEAD~2:$DAY >want &&
	check_same want $DAY &&
	grep -q "^## second entry" $DAY &&
	check_clean
'

test_expect 'undo after add: the person file is deleted' '
	kith add Bob Ray >/dev/null &&
	kith undo >out &&
	{ plan HEAD~1 && printf "A\tpeople/bob-ray.md\n"; } >want &&
	check_same want out &&
	[ ! -e people/bob-ray.md ] &&
	[ "$(git log -1 --format=%s)" = "undo: add: Bob Ray" ] &&
	check_clean
'

test_expect 'undo of a deletion restores the file' '
	kith undo >out &&
	{ plan HEAD~1 && printf "D\tpeople/bob-ray.md\n"; } >want &&
	check_same want out &&
	git show HEAD~2:people/bob-ray.md >want &&
	check_same want people/bob-ray.md &&
	check_clean
'

test_expect 'a commit kith did not make is refused, nothing changed' '
	echo "a note" >>people/jane-doe.md &&
	git commit -q -am "fix typo" &&
	head=$(git rev-parse HEAD) && cp people/jane-doe.md before &&
	code=0; kith undo >out 2>err || code=$? &&
	[ $code -eq 2 ] && [ ! -s out ] &&
	grep -q "^kith-undo: the last commit (.fix typo.) is not one kith made: undo it with git, or use --force" err &&
	check_same before people/jane-doe.md &&
	unchanged &&
	code=0; kith undo --list >out 2>err || code=$? &&
	[ $code -eq 2 ] && [ ! -s out ] && unchanged
'

test_expect '--force undoes it all the same' '
	kith undo --list --force >out &&
	{ plan && printf "M\tpeople/jane-doe.md\n"; } >want &&
	check_same want out &&
	kith undo --force >/dev/null &&
	! grep -q "a note" people/jane-doe.md &&
	[ "$(git log -1 --format=%s)" = "undo: fix typo" ] &&
	check_clean
'

test_expect 'a touched file edited by hand: refused, the edit kept' '
	kith log "third entry" >/dev/null &&
	head=$(git rev-parse HEAD) &&
	echo "my own line" >>$DAY && cp $DAY before &&
	code=0; kith undo >out 2>err || code=$? &&
	[ $code -eq 2 ] && [ ! -s out ] &&
	grep -q "^kith-undo: cannot undo .log: third entry.: this file has changes not committed: commit or discard them, then undo" err &&
	grep -qx "	$DAY" err &&
	check_same before $DAY &&
	[ "$(git rev-parse HEAD)" = "$head" ]
'

test_expect 'a touched file with staged changes: refused too' '
	head=$(git rev-parse HEAD) &&
	git add $DAY &&
	code=0; kith undo 2>err || code=$? &&
	[ $code -eq 2 ] && grep -qx "	$DAY" err &&
	check_same before $DAY &&
	[ "$(git rev-parse HEAD)" = "$head" ] &&
	git reset -q && git checkout -q -- $DAY &&
	unchanged
'

test_expect 'an edit to a file the commit did not touch is left alone' '
	echo "unrelated" >>people/jane-doe.md && cp people/jane-doe.md before &&
	kith undo >/dev/null &&
	[ "$(git log -1 --format=%s)" = "undo: log: third entry" ] &&
	check_same before people/jane-doe.md &&
	[ "$(git status --porcelain)" = " M people/jane-doe.md" ] &&
	git checkout -q -- people/jane-doe.md && check_clean
'

test_expect 'a merge is undone against its first parent' '
	git checkout -q -b side &&
	echo "- 2026-11-01: met on the side" >>people/jane-doe.md &&
	git commit -q -am "edit: Jane on the side" &&
	git checkout -q main &&
	kith log "on main" >/dev/null &&
	git merge -q --no-edit -m "sync: merge side" side &&
	kith undo --list >out &&
	{ plan && printf "M\tpeople/jane-doe.md\n"; } >want &&
	check_same want out &&
	kith undo >/dev/null &&
	[ "$(git log -1 --format=%s)" = "undo: sync: merge side" ] &&
	[ "$(git rev-parse HEAD^{tree})" = "$(git rev-parse HEAD~1^1^{tree})" ] &&
	! grep -q "on the side" people/jane-doe.md &&
	check_clean
'

test_expect 'a commit that changed nothing: exit 2' '
	git commit -q --allow-empty -m "edit: nothing" &&
	head=$(git rev-parse HEAD) &&
	code=0; kith undo 2>err || code=$? &&
	[ $code -eq 2 ] && grep -q "nothing to undo: the last commit changed no file" err &&
	unchanged
'

test_expect 'a merge in progress: exit 2, nothing changed' '
	git checkout -q -b clash &&
	sed -i "1s/.*/# Jane Clash/" people/jane-doe.md &&
	git commit -q -am "edit: clash" &&
	git checkout -q main &&
	sed -i "1s/.*/# Jane Main/" people/jane-doe.md &&
	git commit -q -am "edit: main" &&
	head=$(git rev-parse HEAD) &&
	! git merge -q clash >/dev/null 2>&1 &&
	code=0; kith undo 2>err || code=$? &&
	[ $code -eq 2 ] && grep -q "a merge or another git operation is in progress" err &&
	[ "$(git rev-parse HEAD)" = "$head" ] &&
	git merge --abort && unchanged
'

test_expect 'a symlink: refused, exit 2' '
	ln -s jane-doe.md people/link.md &&
	git add people/link.md && git commit -q -m "edit: link" &&
	head=$(git rev-parse HEAD) &&
	code=0; kith undo 2>err || code=$? &&
	[ $code -eq 2 ] && grep -q ".people/link.md. is a symlink: undo it with git" err &&
	unchanged
'

test_expect 'a hidden file kith will not write: exit 2, nothing changed' '
	echo x >.hidden && git add .hidden && git commit -q -m "oops" &&
	head=$(git rev-parse HEAD) &&
	code=0; kith undo --force 2>err || code=$? &&
	[ $code -eq 2 ] && grep -q "kith writes no hidden files" err &&
	[ -e .hidden ] && unchanged
'

test_expect 'the lock held elsewhere: exit 3, nothing changed' '
	git rm -q .hidden people/link.md && git commit -q -m "edit: tidy" &&
	head=$(git rev-parse HEAD) &&
	lock_hold . &&
	code=0 && { KITH_LOCK_TIMEOUT=0.3 kith undo 2>err || code=$?; } &&
	lock_release &&
	[ $code -eq 3 ] && grep -q "locked by another kith process" err &&
	unchanged
'

test_expect 'a missing object: a git error, exit 3' '
	rm -rf ../broken && cp -R . ../broken &&
	tree=$(git rev-parse HEAD~1^{tree}) &&
	drop_object ../broken $tree &&
	code=0; kith -C ../broken undo 2>err || code=$? &&
	[ $code -eq 3 ] && grep -q "^kith-undo: cannot read" err &&
	rm -rf ../broken
'

test_expect_code 2 'an operand: exit 2' 'kith undo HEAD'
test_expect_code 2 'an unknown option: exit 2' 'kith undo --bogus'
test_expect '--help prints the synopsis' '
	kith undo --help >out &&
	grep -qx "usage: kith undo \[--list\] \[--force\]" out
'
test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith undo'

# ---- kith.autocommit false: undo commits all the same ----

cd .. && new_repo auto && cd auto || exit 3

test_expect 'with kith.autocommit false the undo is committed' '
	git config -f kith.conf kith.autocommit false &&
	git commit -q -am "config: no autocommit" &&
	printf "# Ann\n" >people/ann.md &&
	git add -A && git commit -q -m "add: Ann" &&
	kith undo >/dev/null &&
	[ "$(git log -1 --format=%s)" = "undo: add: Ann" ] &&
	[ ! -e people/ann.md ] &&
	git diff --quiet HEAD~2 HEAD &&
	[ "$(git config -f kith.conf kith.autocommit)" = false ] &&
	check_clean
'

# ---- kith init in an existing git repository ----

cd .. && mkdir plain && cd plain || exit 3

test_expect 'the commit that created kith.conf cannot be undone' '
	git init -q && echo notes >notes.txt && git add notes.txt &&
	git commit -q -m "my notes" &&
	kith init . >/dev/null &&
	[ "$(git log -1 --format=%s)" = "init: kith repository" ] &&
	head=$(git rev-parse HEAD) &&
	code=0; kith undo 2>../err || code=$? &&
	[ $code -eq 2 ] && grep -q "it created kith.conf" ../err &&
	[ -f kith.conf ] && unchanged
'

test_expect 'the work trees are clean' 'check_clean ../repo && check_clean ../auto'
test_done
