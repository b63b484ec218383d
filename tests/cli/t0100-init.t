#!/bin/sh
# t0100-init.t - kith init makes the layout and one first commit, in a new
# directory or an existing git repository, and refuses a kith repository.
. "$(dirname "$0")/lib.sh"

subject() {
	git -C "$1" log -1 --format=%s
}

test_expect 'init a fresh directory prints where' '
	kith init fresh >out 2>err &&
	echo "initialised kith repository in fresh" >want &&
	check_same want out &&
	test ! -s err
'

test_expect 'the layout: kith.conf, .gitattributes, .gitignore, people/, journal/' '
	check_same "$KITH_SRC_DIR/templates/kith.conf" fresh/kith.conf &&
	echo "journal/** merge=union" >want &&
	check_same want fresh/.gitattributes &&
	echo ".kith/" >want &&
	check_same want fresh/.gitignore &&
	test -d fresh/people && test -d fresh/journal &&
	test "$(stat -c %a fresh/people)" = 700 &&
	test "$(stat -c %a fresh/kith.conf)" = 600
'

test_expect 'one commit on main with exactly the three files' '
	test "$(git -C fresh rev-list --count HEAD)" = 1 &&
	test "$(git -C fresh symbolic-ref HEAD)" = refs/heads/main &&
	test "$(subject fresh)" = "init: kith repository" &&
	git -C fresh log -1 --format="%an <%ae>" >got &&
	echo "Test User <test@example.com>" >want &&
	check_same want got &&
	git -C fresh ls-tree -r --name-only HEAD >got &&
	printf ".gitattributes\n.gitignore\nkith.conf\n" >want &&
	check_same want got &&
	check_clean fresh
'

test_expect 'without DIR: the current directory' '
	mkdir here &&
	(cd here && kith init >../out) &&
	echo "initialised kith repository in ." >want &&
	check_same want out &&
	test -f here/kith.conf &&
	check_clean here
'

test_expect 'without DIR: $KITH_DIR' '
	KITH_DIR="$TRASH/viaenv" kith init >out &&
	echo "initialised kith repository in $TRASH/viaenv" >want &&
	check_same want out &&
	test -f viaenv/kith.conf &&
	check_clean viaenv
'

test_expect 'kith -C DIR init' '
	mkdir viac &&
	kith -C viac init >out &&
	test -f viac/kith.conf &&
	check_clean viac
'

test_expect 'init in an existing git repository leaves its changes alone' '
	git init -q existing &&
	echo mine >existing/notes.txt &&
	printf "*.o\n" >existing/.gitignore &&
	git -C existing add notes.txt .gitignore &&
	git -C existing commit -q -m seed &&
	echo edited >>existing/notes.txt &&
	echo staged >existing/staged.txt &&
	git -C existing add staged.txt &&
	kith init existing >out &&
	test "$(subject existing)" = "init: kith repository" &&
	test "$(git -C existing rev-list --count HEAD)" = 2 &&
	git -C existing show --name-only --format= HEAD >got &&
	printf ".gitattributes\n.gitignore\nkith.conf\n" >want &&
	check_same want got &&
	printf "*.o\n.kith/\n" >want &&
	check_same want existing/.gitignore &&
	git -C existing status --porcelain >got &&
	printf " M notes.txt\nA  staged.txt\n" >want &&
	check_same want got &&
	git -C existing checkout -q -- notes.txt &&
	git -C existing rm -q --cached staged.txt &&
	rm existing/staged.txt &&
	check_clean existing
'

test_expect_code 2 'init refuses an existing kith repository' 'kith init fresh'

test_expect 'the refusal says so and commits nothing' '
	! kith init fresh >out 2>err &&
	echo "kith-init: '\''fresh'\'' is already a kith repository" >want &&
	check_same want err &&
	test ! -s out &&
	test "$(git -C fresh rev-list --count HEAD)" = 1 &&
	check_clean fresh
'

test_expect_code 3 'a DIR that is a file: exit 3' '
	echo x >afile && kith init afile
'

test_expect '--demo writes people and journal files' '
	kith init --demo demo >out &&
	echo "initialised kith repository in demo" >want &&
	check_same want out &&
	test "$(subject demo)" = "init: kith repository with demo network" &&
	test "$(git -C demo rev-list --count HEAD)" = 1 &&
	git -C demo ls-files people >got &&
	test "$(grep -c "^people/[a-z0-9-]*\.md$" got)" -ge 2 &&
	git -C demo ls-files journal >got &&
	grep -q "^journal/[0-9]\{4\}/[0-9-]*\.md$" got &&
	check_clean demo
'

test_expect '--help prints the usage on stdout' '
	kith init --help >out 2>err &&
	echo "usage: kith init [--demo] [dir]" >want &&
	check_same want out &&
	test ! -s err &&
	kith init -h >out &&
	check_same want out
'

test_expect_code 2 'an unknown option is bad usage' 'kith init --bogus'
test_expect_code 2 'two directories are bad usage' 'kith init a b'

test_expect 'bad usage prints the usage on stderr and creates nothing' '
	! kith init --bogus x >out 2>err &&
	grep -Fx "usage: kith init [--demo] [dir]" err &&
	test ! -s out &&
	test ! -e x
'

test_expect 'the work trees are clean' '
	check_clean fresh && check_clean demo && check_clean existing
'

test_done
