#!/bin/sh
# kith grep: PCRE2 over people and journal files, printed as
# path:line:text; UTF-8 aware, BOM and CRLF stripped from what is printed.
. "$(dirname "$0")/lib.sh"

P="$FIXTURES/promises"

test_expect 'set up the promises repository' '
	kith init repo &&
	cp -R "$P/people" "$P/journal" repo/ &&
	printf "%s\n" out err want got >>repo/.git/info/exclude &&
	git -C repo add -A &&
	git -C repo commit -q -m "fixture promises"
'
cd repo || exit 3

test_expect 'matches across journal and people, in path order' '
	kith grep slides >out &&
	cat >want <<-\END &&
	journal/2026/2026-11-10.md:13:- [ ] order the slides printer
	people/ana-ruiz.md:8:- [ ] send Ana the slides due:2026-11-20
	END
	check_same want out
'

test_expect 'a line with several matches is printed once' '
	kith grep "(^| )@\w+" >out &&
	cat >want <<-\END &&
	journal/2026/2026-11-10.md:3:## 10:00 Call with @bo-chen
	journal/2026/2026-11-10.md:6:- [ ] send @bo-chen the lease draft due:2026-11-22
	journal/2026/2026-11-10.md:11:## 15:00 Coffee with @ana-ruiz and @jose-nunez
	journal/2026/2026-11-10.md:12:- [ ] introduce @jose-nunez to @bo-chen due:2026-11-28
	END
	check_same want out
'

test_expect 'a UTF-8 pattern; CRLF is not printed' '
	kith grep Núñez >out &&
	cat >want <<-\END &&
	journal/2026/2026-11-24.md:3:## 18:00 Dinner with [[José Núñez|José]]
	people/jose-nunez.md:1:# José Núñez
	END
	check_same want out &&
	! grep -q "$(printf "\r")" out
'

test_expect '\w knows letters beyond ASCII (UCP)' '
	kith grep "\bN\w+ez\b" >out &&
	kith grep Núñez >want &&
	check_same want out
'

test_expect '-i folds case beyond ASCII' '
	kith grep -i JOSÉ >out &&
	cat >want <<-\END &&
	journal/2026/2026-11-24.md:3:## 18:00 Dinner with [[José Núñez|José]]
	people/jose-nunez.md:1:# José Núñez
	people/jose-nunez.md:8:- [ ] lend José the book on negotiation due:2026-11-28
	END
	check_same want out &&
	rc=0 && kith grep JOSÉ >out || rc=$?
	test $rc -eq 1 && test ! -s out
'

test_expect '^ and $ match at every line, after a BOM, before a CRLF' '
	kith grep "^# Ana" >out &&
	printf "%s\n" "people/ana-rossi.md:1:# Ana Rossi" "people/ana-ruiz.md:1:# Ana Ruiz" >want &&
	check_same want out &&
	kith grep "Sevilla\$" >out &&
	echo "people/jose-nunez.md:3:- city: Sevilla" >want &&
	check_same want out &&
	kith grep "^He recommended.*Triana\.\$" >out &&
	echo "journal/2026/2026-11-24.md:4:He recommended a café in Triana." >want &&
	check_same want out
'

test_expect 'a match over several lines prints each of them' '
	kith grep "lease\.\n\n- \[ \] send" >out &&
	cat >want <<-\END &&
	journal/2026/2026-11-10.md:4:Talked about the lease.
	journal/2026/2026-11-10.md:5:
	journal/2026/2026-11-10.md:6:- [ ] send @bo-chen the lease draft due:2026-11-22
	END
	check_same want out &&
	kith grep "lease\.\n" >out &&
	echo "journal/2026/2026-11-10.md:4:Talked about the lease." >want &&
	check_same want out
'

test_expect 'an empty pattern prints every line once, and no line past the end' '
	kith grep "" >out &&
	test "$(wc -l <out)" -eq "$(cat people/*.md journal/2026/*.md | wc -l)" &&
	grep -c "^journal/2026/2026-11-02.md:" out >got &&
	echo 5 >want && check_same want got
'

test_expect '-l prints each matching file once' '
	kith grep -l café >out &&
	printf "%s\n" journal/2026/2026-11-02.md journal/2026/2026-11-24.md >want &&
	check_same want out &&
	kith grep -il "ANA R" >out &&
	printf "%s\n" people/ana-rossi.md people/ana-ruiz.md >want &&
	check_same want out
'

test_expect 'long options' '
	kith grep --ignore-case --files-with-matches "ANA R" >out &&
	printf "%s\n" people/ana-rossi.md people/ana-ruiz.md >want &&
	check_same want out
'

test_expect 'paths are relative to the repository from a subdirectory too' '
	(cd journal/2026 && kith grep "^# Bo") >out &&
	echo "people/bo-chen.md:1:# Bo Chen" >want &&
	check_same want out
'

test_expect 'only the files kith reads are searched' '
	mkdir -p journal/misc journal/2026/sub &&
	echo "zebra" >people/notes.txt &&
	echo "zebra" >people/.hidden.md &&
	echo "zebra" >journal/misc/x.md &&
	echo "zebra" >journal/2026/sub/x.md &&
	echo "zebra" >journal/zebra.md &&
	echo "zebra" >"$TRASH/outside.md" &&
	ln -s "$TRASH/outside.md" people/link.md &&
	echo "zebra" >journal/2026/2026-11-30.md &&
	kith grep zebra >out &&
	echo "journal/2026/2026-11-30.md:1:zebra" >want &&
	check_same want out &&
	rm -r people/notes.txt people/.hidden.md people/link.md journal/misc \
		journal/2026/sub journal/zebra.md journal/2026/2026-11-30.md
'

test_expect 'a file that is not UTF-8 is skipped with a warning' '
	printf "slides \377\n" >journal/2026/2026-11-30.md &&
	kith grep slides >out 2>err &&
	test "$(wc -l <out)" -eq 2 &&
	echo "kith-grep: warning: skipping '"'journal/2026/2026-11-30.md'"': not valid UTF-8" >want &&
	check_same want err &&
	rm journal/2026/2026-11-30.md
'

test_expect 'no match: exit 1, nothing printed' '
	rc=0 && kith grep zebra >out 2>err || rc=$?
	test $rc -eq 1 && test ! -s out && test ! -s err &&
	rc=0 && kith grep -l zebra >out 2>err || rc=$?
	test $rc -eq 1 && test ! -s out
'

test_expect 'a bad pattern: exit 2, with the offset' '
	rc=0 && kith grep "a(" >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	echo "kith-grep: bad pattern '"'a('"': missing closing parenthesis at offset 2" >want &&
	check_same want err
'

test_expect 'a pattern that is not UTF-8: exit 2' '
	rc=0 && kith grep "$(printf "\377")" >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	LC_ALL=C grep -q "^kith-grep: bad pattern .*: UTF-8 error: .* at offset 0\$" err
'

test_expect 'a pattern starting with - after --' '
	kith grep -- "- city" >out &&
	printf "%s\n" "people/bo-chen.md:4:- city: Lisbon" "people/jose-nunez.md:3:- city: Sevilla" >want &&
	check_same want out
'

test_expect_code 2 'no pattern: exit 2' 'kith grep'
test_expect_code 2 'two patterns: exit 2' 'kith grep a b'
test_expect_code 2 'an unknown option: exit 2' 'kith grep -x a'

test_expect '--help prints the usage on stdout and exits 0' '
	kith grep --help >out &&
	echo "usage: kith grep [-il] pattern" >want &&
	check_same want out
'

test_expect_code 3 'no repository: exit 3' '
	cd "$TRASH" && KITH_DIR="$TRASH/nowhere" kith grep a
'

if [ "$(id -u)" -ne 0 ]; then
test_expect 'an unreadable file: exit 3, the others still searched' '
	chmod 000 people/bo-chen.md &&
	rc=0 && kith grep "^# " >out 2>err || rc=$?
	chmod 644 people/bo-chen.md &&
	test $rc -eq 3 && grep -q "cannot open .*bo-chen.md" err &&
	grep -q "^people/ana-ruiz.md:1:" out
'
else
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP an unreadable file (root reads every file)"
fi

# Two threads search; the output must still be in file order, past the
# 512 files one may run ahead of the printing.
test_expect 'many files: every match once, in file order, stderr in order too' '
	i=0 && while [ $i -lt 1500 ]; do
		d=$(printf "2019-%02d-%02d" $((i / 28 % 12 + 1)) $((i % 28 + 1)))
		y=$((1900 + i / 336))
		mkdir -p journal/$y &&
		printf "## many %d\n\nnothing\nmany again %d\n" $i $i >journal/$y/$y-${d#2019-}.md
		i=$((i + 1))
	done &&
	printf "many \377\n" >journal/1900/1900-01-01.md &&
	printf "many \377\n" >journal/1904/1904-06-02.md &&
	kith grep "^many|many \d" >out 2>err &&
	find journal -name "19??-*.md" | LC_ALL=C sort >files &&
	test "$(wc -l <files)" -eq 1500 &&
	grep -v "journal/1900/1900-01-01.md\|journal/1904/1904-06-02.md" files |
		xargs awk "FNR == 1 || FNR == 4 { print FILENAME \":\" FNR \":\" \$0 }" >want &&
	check_same want out &&
	printf "%s\n" \
		"kith-grep: warning: skipping '"'journal/1900/1900-01-01.md'"': not valid UTF-8" \
		"kith-grep: warning: skipping '"'journal/1904/1904-06-02.md'"': not valid UTF-8" >want &&
	check_same want err &&
	kith grep -l "many 7" >out &&
	test "$(wc -l <out)" -eq 111 &&
	LC_ALL=C sort -c out &&
	rm -r journal/19?? files
'

# A reader that stops: the printing waits on the pipe while the other
# thread searches on, up to its window of files and not past it.
test_expect 'a slow reader: the search stops at its window, nothing is overwritten' '
	long=$(printf "%0500d" 0) &&
	i=0 && while [ $i -lt 1200 ]; do
		d=$(printf "%02d-%02d" $((i / 28 % 12 + 1)) $((i % 28 + 1)))
		y=$((1900 + i / 336))
		mkdir -p journal/$y &&
		printf "## slow %d %s\n" $i "$long" >journal/$y/$y-$d.md
		i=$((i + 1))
	done &&
	kith grep "^## slow" | { sleep 1; cat; } >out &&
	find journal -name "19??-*.md" | LC_ALL=C sort |
		xargs awk "{ print FILENAME \":\" FNR \":\" \$0 }" >want &&
	check_same want out &&
	rm -r journal/19??
'

test_expect 'the work tree is clean' 'check_clean'

test_done
