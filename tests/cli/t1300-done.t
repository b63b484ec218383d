#!/bin/sh
# kith done: tick one follow-up by id, path:line or text; one byte
# changes, one commit "done: TEXT". The files after ticking are in
# tests/fixtures/promises/expected, typed out by hand.
. "$(dirname "$0")/lib.sh"

P="$FIXTURES/promises"
EXP="$P/expected"

id() {
	printf '%s\0%s' "$1" "$2" | git hash-object --stdin | cut -c1-7
}

# unchanged: HEAD is still the commit saved in $TRASH/head, tree clean.
unchanged() {
	test "$(git rev-parse HEAD)" = "$(cat "$TRASH/head")" && check_clean
}

test_expect 'set up the promises repository' '
	kith init repo &&
	cp -R "$P/people" "$P/journal" repo/ &&
	printf "%s\n" out err want got before after >>repo/.git/info/exclude &&
	git -C repo add -A &&
	git -C repo commit -q -m "fixture promises"
'
cd repo || exit 3
git rev-parse HEAD >"$TRASH/head"

test_expect 'text in several open follow-ups: exit 2, each listed with id and path:line' '
	rc=0 && kith done slides >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	{ echo "kith-done: '"'slides'"' matches 2 open follow-ups: give the id or path:line of one" &&
	  printf "\t%s\t%s\t%s\n" \
		"$(id people/ana-ruiz.md "send Ana the slides")" people/ana-ruiz.md:8 "send Ana the slides" \
		"$(id journal/2026/2026-11-10.md "order the slides printer")" journal/2026/2026-11-10.md:13 "order the slides printer"
	} >want &&
	sort want >want.s && sort err >err.s && check_same want.s err.s &&
	rm want.s err.s &&
	unchanged
'

test_expect 'an id two follow-ups share: exit 2, both listed' '
	rc=0 && kith done "$(id journal/2026/2026-11-10.md "water the plants")" >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	grep -q "matches 2 open follow-ups: give the path:line of one$" err &&
	grep -q "	journal/2026/2026-11-10.md:7	water the plants$" err &&
	grep -q "	journal/2026/2026-11-10.md:8	water the plants$" err &&
	unchanged
'

test_expect 'unknown text: exit 2, pointing to kith todo' '
	rc=0 && kith done xyzzy >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	echo "kith-done: no open follow-up matches '"'xyzzy'"': see '"'kith todo'"'" >want &&
	check_same want err &&
	unchanged
'

test_expect 'seven hex digits that are no id are tried as text' '
	rc=0 && kith done abcdef0 >out 2>err || rc=$?
	test $rc -eq 2 && grep -q "no open follow-up matches .abcdef0." err &&
	unchanged
'

test_expect 'path:line where there is no box: exit 2' '
	rc=0 && kith done people/ana-ruiz.md:1 >out 2>err || rc=$?
	test $rc -eq 2 && grep -q "^kith-done: no follow-up at .people/ana-ruiz.md:1.: " err &&
	rc=0 && kith done people/nobody.md:8 2>err || rc=$?
	test $rc -eq 2 && grep -q "^kith-done: no follow-up at .people/nobody.md:8." err &&
	unchanged
'

test_expect 'a ticked follow-up by path:line: exit 2, already done' '
	rc=0 && kith done people/ana-ruiz.md:9 >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	echo "kith-done: '"'thank Ana for the intro'"' (people/ana-ruiz.md:9) is already done: see '"'kith todo --all'"'" >want &&
	check_same want err &&
	unchanged
'

test_expect 'a ticked follow-up by id: exit 2, already done' '
	rc=0 && kith done "$(id journal/2026/2026-11-10.md "book the meeting room")" 2>err || rc=$?
	test $rc -eq 2 && grep -q "(journal/2026/2026-11-10.md:9) is already done" err &&
	unchanged
'

test_expect 'done by id, in a file with a BOM: one byte changes, one commit' '
	kith todo --format tsv >before &&
	kith done "$(id people/ana-ruiz.md "send Ana the slides")" >out &&
	echo "done: send Ana the slides (people/ana-ruiz.md:8)" >want &&
	check_same want out &&
	cmp "$EXP/ana-ruiz.md" people/ana-ruiz.md &&
	test "$(git log -1 --format=%s)" = "done: send Ana the slides" &&
	test "$(git rev-parse HEAD~1)" = "$(cat "$TRASH/head")" &&
	git show --format= --name-only HEAD >got &&
	echo people/ana-ruiz.md >want && check_same want got &&
	check_clean &&
	kith todo --format tsv >after &&
	grep -v "	people/ana-ruiz.md:8\$" before >want &&
	check_same want after &&
	kith todo --all --format tsv | grep -q "	send Ana the slides	true	2026-11-20	ana-ruiz	people/ana-ruiz.md:8\$"
'

test_expect 'done by path:line, in a CRLF file: CRLF kept' '
	kith done people/jose-nunez.md:8 >out &&
	echo "done: lend José the book on negotiation (people/jose-nunez.md:8)" >want &&
	check_same want out &&
	cmp "$EXP/jose-nunez.md" people/jose-nunez.md &&
	test "$(git log -1 --format=%s)" = "done: lend José the book on negotiation" &&
	check_clean
'

test_expect 'done by text, case- and accent-insensitively, in a CRLF journal file' '
	kith done TABLE AT THE CAFE >out &&
	echo "done: book the table at the café (journal/2026/2026-11-24.md:6)" >want &&
	check_same want out &&
	cmp "$EXP/2026-11-24.md" journal/2026/2026-11-24.md &&
	test "$(git log -1 --format=%s)" = "done: book the table at the café" &&
	check_clean
'

test_expect 'the same path:line again: already done' '
	rc=0 && kith done people/jose-nunez.md:8 2>err || rc=$?
	test $rc -eq 2 && grep -q "is already done" err
'

test_expect 'text that is exactly one follow-up wins over longer ones' '
	kith done Renew The Passport >out &&
	echo "done: renew the passport (journal/2026/2026-11-02.md:3)" >want &&
	check_same want out &&
	kith todo --format tsv | grep -q "	renew the passport photo	false	" &&
	git show --format= -U0 HEAD >got &&
	grep "^[-+]- " got >out &&
	printf "%s\n" "-- [ ] renew the passport" "+- [x] renew the passport" >want &&
	check_same want out
'

test_expect 'of two follow-ups with one id, path:line picks one; the id then names the other' '
	kith done journal/2026/2026-11-10.md:8 >out &&
	echo "done: water the plants (journal/2026/2026-11-10.md:8)" >want &&
	check_same want out &&
	kith done "$(id journal/2026/2026-11-10.md "water the plants")" >out &&
	echo "done: water the plants (journal/2026/2026-11-10.md:7)" >want &&
	check_same want out &&
	sed -n 7,8p journal/2026/2026-11-10.md >out &&
	printf "%s\n" "- [x] water the plants" "- [x] water the plants" >want &&
	check_same want out
'

test_expect 'a long text is cut in the commit message at a UTF-8 boundary' '
	kith done lovely evening >out &&
	git log -1 --format=%s >got &&
	echo "done: thank the flamenco school of Triana for a lovely evening ol..." >want &&
	check_same want got &&
	grep -q "^done: thank the flamenco school of Triana for a lovely evening olé and the café (journal/2026/2026-11-02.md:4)\$" out
'

test_expect 'hand edits in other files stay uncommitted' '
	echo "- met at the fair" >>people/bo-chen.md &&
	kith done order the slides >out &&
	git show --format= --name-only HEAD >got &&
	echo journal/2026/2026-11-10.md >want && check_same want got &&
	git status --porcelain >got &&
	echo " M people/bo-chen.md" >want && check_same want got &&
	git checkout -q people/bo-chen.md
'

test_expect 'lock held elsewhere: exit 3, nothing written' '
	git rev-parse HEAD >"$TRASH/head" &&
	cp journal/2026/2026-11-10.md "$TRASH/before.md" &&
	lock_hold . &&
	rc=0 && { KITH_LOCK_TIMEOUT=1 kith done lease draft >out 2>err || rc=$?; } &&
	lock_release &&
	test $rc -eq 3 && test ! -s out &&
	grep -q "^kith-done: repository is locked by another kith process" err &&
	cmp "$TRASH/before.md" journal/2026/2026-11-10.md &&
	unchanged
'

test_expect 'with the lock free again it works' '
	kith done lease draft >out &&
	grep -q "^done: send @bo-chen the lease draft (journal/2026/2026-11-10.md:6)\$" out
'

test_expect 'the todo list after: only what is still open' '
	kith todo --format tsv | cut -f6 >out &&
	printf "%s\n" journal/2026/2026-11-10.md:12 journal/2026/2026-11-02.md:5 >want &&
	check_same want out
'

test_expect 'kith.autocommit false: written, not committed' '
	git config -f kith.conf kith.autocommit false &&
	git commit -q -m "no autocommit" kith.conf &&
	kith done passport photo >out &&
	git status --porcelain >got &&
	echo " M journal/2026/2026-11-02.md" >want && check_same want got &&
	grep -q "^- \[x\] renew the passport photo\$" journal/2026/2026-11-02.md &&
	git checkout -q journal/2026/2026-11-02.md &&
	git reset -q --hard HEAD~1
'

test_expect_code 2 'no reference: exit 2' 'kith done'
test_expect_code 2 'an unknown option: exit 2' 'kith done --bogus x'
test_expect_code 2 'an empty reference: exit 2' 'kith done ""'

test_expect '--help prints the usage on stdout and exits 0' '
	kith done --help >out &&
	echo "usage: kith done ref..." >want &&
	check_same want out
'

test_expect_code 3 'no repository: exit 3' '
	cd "$TRASH" && KITH_DIR="$TRASH/nowhere" kith done x
'

test_expect 'the work tree is clean' 'check_clean'

test_done
