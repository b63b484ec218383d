#!/bin/sh
# t0200-add.t - kith add writes people/SLUG.md from the template, with the
# -f fields, prints its path and commits it; -e edits it afterwards.
. "$(dirname "$0")/lib.sh"

# Scratch files stay in $TRASH; the repository is found through KITH_DIR.
test_expect 'setup: a repository' 'new_repo repo'
export KITH_DIR="$TRASH/repo"

subject() {
	git -C repo log -1 --format=%s
}

test_expect 'add prints the path of the new file' '
	kith add -f email=jane@example.com -f Birthday=1990-04-12 \
		-f every=30d -f "aliases= Janie, J. Doe " Jane Doe >out 2>err &&
	echo people/jane-doe.md >want &&
	check_same want out &&
	test ! -s err
'

test_expect 'the file: the name as heading, the fields as a list' '
	cat >want <<-\EOF &&
	# Jane Doe

	- email: jane@example.com
	- birthday: 1990-04-12
	- every: 30d
	- aliases: Janie, J. Doe
	EOF
	check_same want repo/people/jane-doe.md &&
	test "$(stat -c %a repo/people/jane-doe.md)" = 600
'

test_expect 'one commit "add: Jane Doe" of just that file' '
	test "$(subject)" = "add: Jane Doe" &&
	test "$(git -C repo rev-list --count HEAD)" = 2 &&
	git -C repo show --name-only --format= HEAD >got &&
	echo people/jane-doe.md >want &&
	check_same want got &&
	check_clean repo
'

test_expect 'without fields: just the heading' '
	kith add "Bob Smith" >out &&
	echo people/bob-smith.md >want &&
	check_same want out &&
	printf "# Bob Smith\n" >want &&
	check_same want repo/people/bob-smith.md
'

test_expect 'options may follow the name' '
	kith add Gus Grey -f city=Rome >out &&
	printf "# Gus Grey\n\n- city: Rome\n" >want &&
	check_same want repo/people/gus-grey.md
'

test_expect 'a birthday without year and a cadence in weeks' '
	kith add -f birthday=--02-29 -f every=2w Leap Year >out &&
	printf "# Leap Year\n\n- birthday: --02-29\n- every: 2w\n" >want &&
	check_same want repo/people/leap-year.md
'

test_expect 'the name is transliterated for the slug' '
	kith add José Núñez >out &&
	echo people/jose-nunez.md >want &&
	check_same want out &&
	printf "# José Núñez\n" >want &&
	check_same want repo/people/jose-nunez.md &&
	test "$(subject)" = "add: José Núñez"
'

test_expect 'a taken slug gets -2, then -3' '
	kith add Jane Doe >out &&
	echo people/jane-doe-2.md >want &&
	check_same want out &&
	kith add jane doe >out &&
	echo people/jane-doe-3.md >want &&
	check_same want out &&
	printf "# jane doe\n" >want &&
	check_same want repo/people/jane-doe-3.md
'

test_expect 'a name like a path gives a safe slug inside people/' '
	kith add ../../etc/x >out &&
	grep -Ex "people/[a-z0-9][a-z0-9-]*\.md" out &&
	test -f "repo/$(cat out)" &&
	test ! -e etc && test ! -e repo/etc &&
	check_clean repo
'

git -C repo rev-parse HEAD >head

test_expect_code 2 'an empty name is bad input' 'kith add ""'
test_expect_code 2 'a blank name is bad input' 'kith add "  " " "'
test_expect_code 2 'no name is bad usage' 'kith add'
test_expect_code 2 '-f without = is bad input' 'kith add -f email X'
test_expect_code 2 '-f with a bad key is bad input' 'kith add -f 1st=x X'
test_expect_code 2 '-f with a space in the key' 'kith add -f "first name=x" X'
test_expect_code 2 '-f with an empty value' 'kith add -f city= X'
test_expect_code 2 '-f with a newline in the value' 'kith add -f "note=a
b" X'
test_expect_code 2 'a birthday that is no date' 'kith add -f birthday=1990-02-30 X'
test_expect_code 2 'a birthday in another format' 'kith add -f birthday=12.04.1990 X'
test_expect_code 2 'a yearless birthday that is no day' 'kith add -f birthday=--02-30 X'
test_expect_code 2 'a bad cadence' 'kith add -f every=monthly X'
test_expect_code 2 'an unknown option' 'kith add -x X'

test_expect 'bad input says what to do' '
	! kith add "" 2>err &&
	echo "kith-add: empty name: give the person'\''s name" >want &&
	check_same want err &&
	! kith add -f email X 2>err &&
	echo "kith-add: bad field '\''email'\'': give it as key=value" >want &&
	check_same want err &&
	! kith add -f birthday=1990-02-30 X 2>err &&
	grep -F "bad birthday '\''1990-02-30'\''" err &&
	! kith add -f every=monthly X 2>err &&
	grep -F "bad cadence '\''monthly'\''" err
'

test_expect 'bad input wrote and committed nothing' '
	git -C repo rev-parse HEAD >now &&
	check_same head now &&
	test ! -e repo/people/x.md &&
	check_clean repo
'

test_expect '--help prints the usage on stdout' '
	kith add --help >out &&
	echo "usage: kith add [-e] [-f key=value]... name..." >want &&
	check_same want out
'

test_expect_code 3 'no repository exits 3' '
	unset KITH_DIR
	mkdir -p nowhere && cd nowhere && kith add Nobody
'

test_expect 'no repository says what to do' '
	unset KITH_DIR
	mkdir -p nowhere && cd nowhere &&
	! kith add Nobody 2>../err &&
	cd .. &&
	echo "kith-add: no kith repository here or above, nor in ~/kith: run '\''kith init'\'' or set KITH_DIR" >want &&
	check_same want err
'

if [ "$(id -u)" = 0 ]; then
	# root ignores permissions: make people/ a file instead
	test_expect 'people/ unwritable: exit 3, nothing half-written' '
		new_repo ro &&
		rmdir ro/people &&
		echo "not a directory" >ro/people &&
		rc=0
		KITH_DIR="$TRASH/ro" kith add Rita >out 2>err || rc=$?
		test "$rc" = 3 &&
		grep -Fx "kith-add: cannot write '\''people/rita.md'\'': Not a directory" err &&
		test ! -s out &&
		echo "not a directory" >want &&
		check_same want ro/people &&
		test "$(git -C ro rev-list --count HEAD)" = 1 &&
		rm ro/people && mkdir ro/people &&
		check_clean ro
	'
else
	test_expect 'people/ read-only: exit 3, nothing half-written' '
		new_repo ro &&
		chmod 500 ro/people &&
		rc=0
		KITH_DIR="$TRASH/ro" kith add Rita >out 2>err || rc=$?
		chmod 700 ro/people &&
		test "$rc" = 3 &&
		grep "^kith-add: cannot .*people/rita.md" err &&
		test ! -s out &&
		test -z "$(ls -A ro/people)" &&
		test "$(git -C ro rev-list --count HEAD)" = 1 &&
		check_clean ro
	'
fi

test_expect 'a held lock makes add exit 3 and change nothing' '
	git -C repo rev-parse HEAD >head &&
	lock_hold repo &&
	rc=0 &&
	{ KITH_LOCK_TIMEOUT=1 kith add Locked Out >out 2>err || rc=$?; } &&
	lock_release &&
	test "$rc" = 3 &&
	echo "kith-add: repository is locked by another kith process ('\''.kith/lock'\''): try again in a moment" >want &&
	check_same want err &&
	test ! -s out &&
	test ! -e repo/people/locked-out.md &&
	git -C repo rev-parse HEAD >now &&
	check_same head now &&
	check_clean repo
'

cat >append.sh <<'SH'
#!/bin/sh
echo "- city: Berlin" >>"$1"
SH
chmod +x append.sh

test_expect '-e: what the editor changed is committed as "edit: NAME"' '
	EDITOR="$TRASH/append.sh" kith add -e Eve Editor >out &&
	echo people/eve-editor.md >want &&
	check_same want out &&
	printf "# Eve Editor\n- city: Berlin\n" >want &&
	check_same want repo/people/eve-editor.md &&
	git -C repo log -2 --format=%s >got &&
	printf "edit: Eve Editor\nadd: Eve Editor\n" >want &&
	check_same want got &&
	check_clean repo
'

test_expect '-e: an editor command with arguments; VISUAL before EDITOR' '
	VISUAL="sh $TRASH/append.sh" EDITOR=false kith add -e Vic Visual >out &&
	test "$(subject)" = "edit: Vic Visual" &&
	check_clean repo
'

test_expect '-e: kith.editor from kith.conf' '
	git -C repo config -f kith.conf kith.editor "$TRASH/append.sh" &&
	git -C repo commit -q -m "conf: editor" kith.conf &&
	kith add -e Conf Editor >out &&
	test "$(subject)" = "edit: Conf Editor" &&
	check_clean repo
'

test_expect '-e: an editor that changes nothing: no edit commit' '
	EDITOR=true kith add -e Ted True >out &&
	test "$(subject)" = "add: Ted True" &&
	check_clean repo
'

test_expect '-e: an editor that fails: no edit commit, exit 3' '
	rc=0
	EDITOR=false kith add -e Fay Fail >out 2>err || rc=$?
	test "$rc" = 3 &&
	echo people/fay-fail.md >want &&
	check_same want out &&
	grep "^kith-add: the editor '\''false'\'' failed" err &&
	test "$(subject)" = "add: Fay Fail" &&
	check_clean repo
'

test_expect 'the repository is clean' 'check_clean repo'

test_done
