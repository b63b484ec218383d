#!/bin/sh
# t1500-edit.t - kith edit PERSON|DATE: the editor on a person's file or a
# journal day (new days from the template), what changed committed as
# "edit: NAME" or "edit: journal DATE"; the editor's choice and quoting;
# the lock left free while it runs.
. "$(dirname "$0")/lib.sh"

# The editors: small scripts that record that they ran and with what.
cat >append.sh <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$TRASH/args"
printf '%s\n' "- note: edited" >>"\$1"
EOF
cat >noop.sh <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$TRASH/args"
EOF
cat >fail.sh <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$TRASH/args"
printf '%s\n' "- note: half done" >>"\$1"
exit 1
EOF
cat >fail-clean.sh <<EOF
#!/bin/sh
printf '%s\n' "\$@" >"$TRASH/args"
exit 4
EOF
cat >remove.sh <<EOF
#!/bin/sh
rm -f "\$1"
EOF
# While the editor is open: the lock is free, and kith log can write.
cat >logger.sh <<EOF
#!/bin/sh
flock -n "\$KITH_DIR/.kith/lock" true || exit 90
kith log 'while editing' >"$TRASH/log-out" || exit 91
printf '%s\n' "- note: edited" >>"\$1"
EOF
# kith log into the very day being edited, which the editor leaves alone.
cat >logday.sh <<EOF
#!/bin/sh
kith log -d 2026-11-26 'same day' >/dev/null || exit 91
EOF
chmod +x append.sh noop.sh fail.sh fail-clean.sh remove.sh logger.sh logday.sh
mkdir bin
cat >bin/vi <<EOF
#!/bin/sh
echo vi >"$TRASH/ran-vi"
printf '%s\n' "- note: by vi" >>"\$1"
EOF
chmod +x bin/vi

test_expect 'setup: a repository with people' '
	new_repo repo &&
	KITH_DIR="$TRASH/repo" kith add -f "aliases=Janie, J. Doe" Jane Doe &&
	KITH_DIR="$TRASH/repo" kith add Janet Smith &&
	KITH_DIR="$TRASH/repo" kith add Chen Wei &&
	KITH_DIR="$TRASH/repo" kith add -f aliases=Friday Gal Friday
'
export KITH_DIR="$TRASH/repo"
export EDITOR="$TRASH/append.sh"

subject() {
	git -C repo log -1 --format=%s
}
count() {
	git -C repo rev-list --count HEAD
}
# committed_only PATH: the last commit touched just PATH.
committed_only() {
	git -C repo show --name-only --format= HEAD >got &&
	echo "$1" >want &&
	check_same want got
}

test_expect 'a person by slug: edited, committed as "edit: NAME"' '
	n=$(count) &&
	kith edit jane-doe >out 2>err &&
	test ! -s out && test ! -s err &&
	tail -n 1 repo/people/jane-doe.md >got &&
	echo "- note: edited" >want &&
	check_same want got &&
	test "$(subject)" = "edit: Jane Doe" &&
	test "$(count)" = $((n + 1)) &&
	committed_only people/jane-doe.md &&
	check_clean repo
'

test_expect 'the editor gets the absolute path, as one argument' '
	echo "$(cd repo && pwd -P)/people/jane-doe.md" >want &&
	check_same want args
'

test_expect 'a person by name, case-insensitively' '
	n=$(count) &&
	kith edit "jane DOE" &&
	test "$(subject)" = "edit: Jane Doe" &&
	test "$(count)" = $((n + 1)) &&
	test "$(grep -c "^- note: edited" repo/people/jane-doe.md)" = 2 &&
	check_clean repo
'

test_expect 'a person by alias' '
	n=$(count) &&
	kith edit janie &&
	test "$(subject)" = "edit: Jane Doe" &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'a person by unique prefix' '
	n=$(count) &&
	kith edit che &&
	test "$(subject)" = "edit: Chen Wei" &&
	test "$(count)" = $((n + 1)) &&
	committed_only people/chen-wei.md &&
	check_clean repo
'

test_expect 'an ambiguous prefix: candidates on stderr, exit 2, no editor' '
	rm -f args &&
	n=$(count) &&
	rc=0 && kith edit jan >out 2>err || rc=$? &&
	test "$rc" = 2 &&
	test ! -s out &&
	printf "kith-edit: %s\n\t%s\t%s\n\t%s\t%s\n" \
		"'\''jan'\'' matches 2 people: give the slug" \
		jane-doe "Jane Doe" janet-smith "Janet Smith" >want &&
	check_same want err &&
	test ! -e args &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'an unknown person that is no date: exit 2, no editor' '
	rm -f args &&
	n=$(count) &&
	rc=0 && kith edit nobody >out 2>err || rc=$? &&
	test "$rc" = 2 &&
	echo "kith-edit: no person or date matches '\''nobody'\'': give a slug, name or alias (see '\''kith ls'\''), or a date such as YYYY-MM-DD or '\''yesterday'\''" >want &&
	check_same want err &&
	test ! -e args &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'no argument: today, created from the template, committed' '
	n=$(count) &&
	test ! -e repo/journal/2026/2026-11-25.md &&
	kith edit >out 2>err &&
	test ! -s out && test ! -s err &&
	printf "# 2026-11-25\n- note: edited\n" >want &&
	check_same want repo/journal/2026/2026-11-25.md &&
	test "$(stat -c %a repo/journal/2026/2026-11-25.md)" = 600 &&
	test "$(subject)" = "edit: journal 2026-11-25" &&
	test "$(count)" = $((n + 1)) &&
	committed_only journal/2026/2026-11-25.md &&
	check_clean repo
'

test_expect '"today" is today: the existing day, edited again' '
	kith edit today >out 2>err &&
	test ! -s err &&
	printf "# 2026-11-25\n- note: edited\n- note: edited\n" >want &&
	check_same want repo/journal/2026/2026-11-25.md &&
	test "$(subject)" = "edit: journal 2026-11-25" &&
	check_clean repo
'

test_expect '"yesterday", an ISO date and "3 days ago" are days' '
	kith edit yesterday &&
	test "$(subject)" = "edit: journal 2026-11-24" &&
	printf "# 2026-11-24\n- note: edited\n" >want &&
	check_same want repo/journal/2026/2026-11-24.md &&
	kith edit 2026-11-24 &&
	test "$(subject)" = "edit: journal 2026-11-24" &&
	test "$(grep -c "^- note: edited" repo/journal/2026/2026-11-24.md)" = 2 &&
	kith edit "3 days ago" &&
	test "$(subject)" = "edit: journal 2026-11-22" &&
	check_clean repo
'

test_expect 'a new day left as the template: removed, nothing committed' '
	n=$(count) &&
	EDITOR="$TRASH/noop.sh" kith edit 2027-01-05 >out 2>err &&
	test ! -s out &&
	echo "kith-edit: no changes to the new day '\''journal/2027/2027-01-05.md'\'': not kept" >want &&
	check_same want err &&
	echo "$(cd repo && pwd -P)/journal/2027/2027-01-05.md" >want &&
	check_same want args &&
	test ! -e repo/journal/2027/2027-01-05.md &&
	test ! -e repo/journal/2027 &&
	test -d repo/journal &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'a new day in an existing year left as the template: removed' '
	n=$(count) &&
	EDITOR="$TRASH/noop.sh" kith edit 2026-11-01 2>err &&
	test ! -e repo/journal/2026/2026-11-01.md &&
	test -d repo/journal/2026 &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'an existing day with no change: kept, nothing committed' '
	n=$(count) &&
	cp repo/journal/2026/2026-11-24.md want &&
	EDITOR="$TRASH/noop.sh" kith edit yesterday >out 2>err &&
	echo "kith-edit: no changes to '\''journal/2026/2026-11-24.md'\'': nothing committed" >want.err &&
	check_same want.err err &&
	check_same want repo/journal/2026/2026-11-24.md &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'a person with no change: exit 0, "no changes", no commit' '
	n=$(count) &&
	EDITOR="$TRASH/noop.sh" kith edit chen-wei >out 2>err &&
	test ! -s out &&
	echo "kith-edit: no changes to '\''people/chen-wei.md'\'': nothing committed" >want &&
	check_same want err &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'the editor fails: exit 3, the file as it left it, no commit' '
	n=$(count) &&
	rc=0 && EDITOR="$TRASH/fail.sh" kith edit chen-wei >out 2>err || rc=$? &&
	test "$rc" = 3 &&
	echo "kith-edit: the editor '\''$TRASH/fail.sh'\'' failed with exit status 1: nothing committed" >want &&
	check_same want err &&
	test "$(tail -n 1 repo/people/chen-wei.md)" = "- note: half done" &&
	test "$(count)" = "$n" &&
	git -C repo status --porcelain >got &&
	echo " M people/chen-wei.md" >want &&
	check_same want got
'

test_expect 'the next edit commits what the failed editor left' '
	n=$(count) &&
	EDITOR="$TRASH/noop.sh" kith edit chen-wei >out 2>err &&
	test ! -s err &&
	test "$(subject)" = "edit: Chen Wei" &&
	test "$(count)" = $((n + 1)) &&
	git -C repo show HEAD -- people/chen-wei.md | grep -Fx "+- note: half done" &&
	check_clean repo
'

test_expect 'a hand edit in the file edited is committed with it' '
	n=$(count) &&
	echo "- note: by hand" >>repo/people/jane-doe.md &&
	EDITOR="$TRASH/noop.sh" kith edit jane-doe 2>err &&
	test ! -s err &&
	test "$(subject)" = "edit: Jane Doe" &&
	test "$(count)" = $((n + 1)) &&
	git -C repo show HEAD -- people/jane-doe.md | grep -Fx "+- note: by hand" &&
	check_clean repo
'

test_expect 'the editor fails on a new day it changed: the file stays' '
	n=$(count) &&
	rc=0 && EDITOR="$TRASH/fail.sh" kith edit 2026-11-02 2>err || rc=$? &&
	test "$rc" = 3 &&
	printf "# 2026-11-02\n- note: half done\n" >want &&
	check_same want repo/journal/2026/2026-11-02.md &&
	test "$(count)" = "$n" &&
	rm repo/journal/2026/2026-11-02.md &&
	check_clean repo
'

test_expect 'the editor fails on a new day it left alone: exit 3, removed' '
	n=$(count) &&
	rc=0 && EDITOR="$TRASH/fail-clean.sh" kith edit 2026-11-03 2>err || rc=$? &&
	test "$rc" = 3 &&
	grep -F "failed with exit status 4: nothing committed" err &&
	test ! -e repo/journal/2026/2026-11-03.md &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'an editor that is not installed: exit 3, says what to do' '
	n=$(count) &&
	rc=0 && EDITOR=no-such-editor-here kith edit chen-wei 2>err || rc=$? &&
	test "$rc" = 3 &&
	grep -Fx "kith-edit: the editor '\''no-such-editor-here'\'' failed with exit status 127: nothing committed; set VISUAL, EDITOR or kith.editor to an editor that is installed" err &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'an editor killed by a signal: exit 3, no commit' '
	n=$(count) &&
	rc=0 && EDITOR="kill -TERM \$\$; :" kith edit chen-wei 2>err || rc=$? &&
	test "$rc" = 3 &&
	grep -F "failed on signal 15" err &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'SIGINT is the editor'\''s: it dies of it, kith edit does not' '
	n=$(count) &&
	# a session of its own, so that kill 0 reaches kith edit and the
	# editor only; SIGINT as a terminal has it (& in a script ignores it)
	rc=0 && EDITOR="kill -INT 0; :" env --default-signal=INT \
		setsid -w kith edit chen-wei 2>err || rc=$? &&
	test "$rc" = 3 &&
	grep -Fx "kith-edit: the editor '\''kill -INT 0; :'\'' failed on signal 2 (Interrupt): nothing committed" err &&
	test "$(count)" = "$n" &&
	check_clean repo
'

test_expect 'SIGINT ignored when kith edit starts stays ignored in the editor' '
	EDITOR="kill -INT 0; :" env --ignore-signal=INT \
		setsid -w kith edit chen-wei 2>err &&
	grep -F "no changes" err &&
	check_clean repo
'

test_expect 'an editor that removes the file: exit 3, nothing committed' '
	n=$(count) &&
	rc=0 && EDITOR="$TRASH/remove.sh" kith edit chen-wei 2>err || rc=$? &&
	test "$rc" = 3 &&
	echo "kith-edit: '\''people/chen-wei.md'\'' is gone after the editor: nothing committed; restore it with '\''git checkout -- people/chen-wei.md'\''" >want &&
	check_same want err &&
	test "$(count)" = "$n" &&
	git -C repo checkout -q -- people/chen-wei.md &&
	check_clean repo
'

test_expect 'VISUAL is preferred over EDITOR' '
	VISUAL="$TRASH/append.sh" EDITOR=false kith edit chen-wei &&
	test "$(subject)" = "edit: Chen Wei" &&
	check_clean repo
'

test_expect 'an empty VISUAL counts as unset: EDITOR' '
	n=$(count) &&
	VISUAL= EDITOR="$TRASH/append.sh" kith edit chen-wei &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'an editor command with arguments' '
	n=$(count) &&
	VISUAL="sh -e $TRASH/append.sh" kith edit chen-wei &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'EDITOR is preferred over kith.editor' '
	git -C repo config -f kith.conf kith.editor false &&
	git -C repo commit -q -m "conf: editor" kith.conf &&
	n=$(count) &&
	kith edit chen-wei &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'kith.editor is used when neither is set' '
	git -C repo config -f kith.conf kith.editor "$TRASH/noop.sh --flag" &&
	git -C repo commit -q -m "conf: editor" kith.conf &&
	rm -f args &&
	(unset EDITOR; kith edit chen-wei 2>err) &&
	printf "%s\n" --flag "$(cd repo && pwd -P)/people/chen-wei.md" >want &&
	check_same want args &&
	grep -F "no changes" err &&
	check_clean repo
'

test_expect 'vi when nothing names an editor' '
	git -C repo config -f kith.conf --unset kith.editor &&
	git -C repo commit -q -m "conf: no editor" kith.conf &&
	n=$(count) &&
	(unset EDITOR; PATH="$TRASH/bin:$PATH" kith edit chen-wei) &&
	test -e ran-vi &&
	test "$(tail -n 1 repo/people/chen-wei.md)" = "- note: by vi" &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'a slug that is a date word: the person wins' '
	kith add Today >out &&
	echo people/today.md >want &&
	check_same want out &&
	kith edit today &&
	test "$(subject)" = "edit: Today" &&
	committed_only people/today.md &&
	check_clean repo
'

test_expect 'an alias that is a date word: the day wins' '
	kith edit friday &&
	test "$(subject)" = "edit: journal 2026-11-20" &&
	kith edit gal-friday &&
	test "$(subject)" = "edit: Gal Friday" &&
	check_clean repo
'

test_expect 'the lock is free while the editor runs: kith log works' '
	n=$(count) &&
	EDITOR="$TRASH/logger.sh" kith edit chen-wei >out 2>err &&
	echo "journal/2026/2026-11-25.md:5" >want &&
	check_same want log-out &&
	git -C repo log -2 --format=%s >got &&
	printf "edit: Chen Wei\nlog: while editing\n" >want &&
	check_same want got &&
	test "$(count)" = $((n + 2)) &&
	check_clean repo
'

test_expect 'kith log into the new day being edited: its entry is kept' '
	n=$(count) &&
	EDITOR="$TRASH/logday.sh" kith edit 2026-11-26 >out 2>err &&
	echo "kith-edit: no changes to '\''journal/2026/2026-11-26.md'\'': nothing committed" >want &&
	check_same want err &&
	printf "# 2026-11-26\n\n## same day\n" >want &&
	check_same want repo/journal/2026/2026-11-26.md &&
	test "$(subject)" = "log: same day" &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'hand edits in other files stay uncommitted' '
	echo "hand edit" >>repo/people/janet-smith.md &&
	kith edit chen-wei &&
	committed_only people/chen-wei.md &&
	git -C repo status --porcelain >got &&
	echo " M people/janet-smith.md" >want &&
	check_same want got &&
	git -C repo checkout -q -- people/janet-smith.md &&
	check_clean repo
'

test_expect 'kith.autocommit false: written, not committed, said so' '
	git -C repo config -f kith.conf kith.autocommit false &&
	git -C repo commit -q -m "conf: no autocommit" kith.conf &&
	n=$(count) &&
	kith edit chen-wei 2>err &&
	echo "kith-edit: '\''people/chen-wei.md'\'' changed, not committed: kith.autocommit is false" >want &&
	check_same want err &&
	test "$(count)" = "$n" &&
	git -C repo checkout -q -- people/chen-wei.md &&
	git -C repo config -f kith.conf --unset kith.autocommit &&
	git -C repo commit -q -m "conf: autocommit" kith.conf &&
	check_clean repo
'

test_expect 'a person file that is a symlink is refused before the editor' '
	rm -f args &&
	echo "# Outside" >outside.md &&
	ln -s "$TRASH/outside.md" repo/people/linked.md &&
	n=$(count) &&
	rc=0 && kith edit linked 2>err || rc=$? &&
	test "$rc" = 3 &&
	echo "kith-edit: refusing to edit '\''people/linked.md'\'' through the symlink '\''people/linked.md'\'': replace it with a real file" >want &&
	check_same want err &&
	test ! -e args &&
	echo "# Outside" >want &&
	check_same want outside.md &&
	test "$(count)" = "$n" &&
	rm repo/people/linked.md &&
	check_clean repo
'

test_expect 'a day under a symlinked directory is refused, nothing made' '
	rm -f args &&
	mkdir outside-year &&
	ln -s "$TRASH/outside-year" repo/journal/2030 &&
	rc=0 && kith edit 2030-01-01 2>err || rc=$? &&
	test "$rc" = 3 &&
	grep -Fx "kith-edit: refusing to edit '\''journal/2030/2030-01-01.md'\'' through the symlink '\''journal/2030'\'': replace it with a real directory" err &&
	test ! -e args &&
	test -z "$(ls -A outside-year)" &&
	rm repo/journal/2030 &&
	check_clean repo
'

dir="$TRASH/my 'kith' dir \$(touch pwned) \"x\""
test_expect 'quoting: a repository path with spaces, quotes and $(...)' '

	new_repo "$dir" &&
	KITH_DIR="$dir" kith add Jane Doe >/dev/null &&
	KITH_DIR="$dir" kith edit jane-doe &&
	echo "$(cd "$dir" && pwd -P)/people/jane-doe.md" >want &&
	check_same want args &&
	test ! -e pwned && test ! -e "$dir/pwned" &&
	test "$(git -C "$dir" log -1 --format=%s)" = "edit: Jane Doe" &&
	KITH_DIR="$dir" kith edit &&
	test "$(git -C "$dir" log -1 --format=%s)" = "edit: journal 2026-11-25" &&
	check_clean "$dir"
'

test_expect 'kith add -e runs the same editor, with the same quoting' '
	KITH_DIR="$dir" kith add -e Bob Smith >out &&
	echo people/bob-smith.md >want &&
	check_same want out &&
	echo "$(cd "$dir" && pwd -P)/people/bob-smith.md" >want &&
	check_same want args &&
	git -C "$dir" log -2 --format=%s >got &&
	printf "edit: Bob Smith\nadd: Bob Smith\n" >want &&
	check_same want got &&
	rc=0 && KITH_DIR="$dir" EDITOR="$TRASH/fail-clean.sh" kith add -e Fay Fail \
		>out 2>err || rc=$? &&
	test "$rc" = 3 &&
	echo "kith-add: the editor '\''$TRASH/fail-clean.sh'\'' failed with exit status 4: nothing committed" >want &&
	check_same want err &&
	test "$(git -C "$dir" log -1 --format=%s)" = "add: Fay Fail" &&
	check_clean "$dir"
'

test_expect_code 2 'a date before year 1 is bad input' 'kith edit 0000-06-01'

test_expect 'an ISO date that is no day: exit 2, says why' '
	rc=0 && kith edit 2026-02-30 2>err || rc=$? &&
	test "$rc" = 2 &&
	echo "kith-edit: no such date '\''2026-02-30'\'': check the month and day" >want &&
	check_same want err &&
	! kith edit 0000-06-01 2>err &&
	echo "kith-edit: the date is out of range: give a year from 1 to 9999" >want &&
	check_same want err &&
	check_clean repo
'
test_expect_code 2 'two arguments are bad usage' 'kith edit jane-doe today'
test_expect_code 2 'an unknown option is bad usage' 'kith edit -x'

test_expect 'bad usage prints the usage on stderr' '
	! kith edit a b 2>err &&
	echo "usage: kith edit [person | date]" >want &&
	check_same want err
'

test_expect '--help prints the usage on stdout' '
	kith edit --help >out &&
	echo "usage: kith edit [person | date]" >want &&
	check_same want out
'

test_expect 'no repository: exit 3, says what to do' '
	unset KITH_DIR
	mkdir -p nowhere && cd nowhere &&
	rc=0 && kith edit 2>../err || rc=$? &&
	cd .. &&
	test "$rc" = 3 &&
	echo "kith-edit: no kith repository here or above, nor in ~/kith: run '\''kith init'\'' or set KITH_DIR" >want &&
	check_same want err
'

test_expect 'a held lock: exit 3 before the editor opens a new day' '
	rm -f args &&
	lock_hold repo &&
	rc=0 &&
	{ KITH_LOCK_TIMEOUT=1 kith edit 2026-10-01 2>err || rc=$?; } &&
	lock_release &&
	test "$rc" = 3 &&
	grep -F "repository is locked" err &&
	test ! -e args &&
	test ! -e repo/journal/2026/2026-10-01.md &&
	check_clean repo
'

test_expect 'a lock held while the editor runs: exit 3, the edit kept' '
	n=$(count) &&
	cat >locker.sh <<-EOF &&
	#!/bin/sh
	printf "%s\n" "- note: locked out" >>"\$1"
	flock -o "$TRASH/repo/.kith/lock" sleep 5 &
	echo \$! >"$TRASH/locker.pid"
	while flock -n "$TRASH/repo/.kith/lock" true; do sleep 0.1; done
	EOF
	chmod +x locker.sh &&
	rc=0
	KITH_LOCK_TIMEOUT=1 EDITOR="$TRASH/locker.sh" kith edit chen-wei 2>err || rc=$?
	kill "$(cat locker.pid)"
	test "$rc" = 3 &&
	grep -F "repository is locked" err &&
	test "$(tail -n 1 repo/people/chen-wei.md)" = "- note: locked out" &&
	test "$(count)" = "$n" &&
	while ! flock -n repo/.kith/lock true; do sleep 0.1; done &&
	EDITOR="$TRASH/noop.sh" kith edit chen-wei &&
	test "$(count)" = $((n + 1)) &&
	check_clean repo
'

test_expect 'the repository is clean' 'check_clean repo'

test_done
