#!/bin/sh
# t2000-check.t - kith check: every kind of problem, exactly as reported,
# in text and JSON; each fixed in turn; clean repositories; the
# pre-commit hook through the git program; errors.
#
# tests/fixtures/problems is a repository seeded with one of each problem
# kith check knows; tests/fixtures/problems.expected is its report.
. "$(dirname "$0")/lib.sh"

EXPECTED="$FIXTURES/problems.expected"

# The kind of each line of problems.expected, in order.
KINDS='bad-journal-name
bad-journal-name
unreadable
unresolved-mention
unresolved-mention
ambiguous-mention
unresolved-mention
bad-due
bad-due
journal-date-mismatch
bad-journal-name
bad-slug
duplicate
outside-layout
unresolved-mention
duplicate
bad-date
duplicate
bad-date
bad-date
bad-date
bad-cadence
bad-date
no-name
conflict-marker
unreadable
outside-layout'

# check_code N CMD...: CMD exits N (its output goes where the caller says).
check_code() {
	want_code=$1
	shift
	got_code=0
	"$@" || got_code=$?
	[ "$got_code" -eq "$want_code" ] ||
		{ echo "exit $got_code, want $want_code"; return 1; }
}

# to_json KINDS REPORT: the report as --json prints it, given the kinds.
to_json() {
	awk -v q='"' 'NR == FNR { kind[FNR] = $0; next }
	{
		path = $0; sub(/:.*/, "", path)
		rest = substr($0, length(path) + 2)
		line = rest; sub(/:.*/, "", line)
		msg = substr(rest, length(line) + 3)
		obj[++n] = "{" q "path" q ":" q path q "," q "line" q ":" line "," \
			q "kind" q ":" q kind[FNR] q "," q "message" q ":" q msg q "}"
	}
	END {
		print "["
		for (i = 1; i <= n; i++)
			print obj[i] (i < n ? "," : "")
		print "]"
	}' "$1" "$2"
}

fixture_repo problems repo
cd repo || exit 3

test_expect 'the seeded repository: exactly the expected report, exit 1' '
	check_code 1 kith check >out 2>err &&
	check_same "$EXPECTED" out &&
	test ! -s err
'

test_expect 'each problem is "path:line: message", sorted by path, then line' '
	LC_ALL=C sort -t: -k1,1 -k2,2n -s "$EXPECTED" >want &&
	check_same want "$EXPECTED" &&
	! grep -v "^[^:]*:[1-9][0-9]*: [a-z'\''\"]" "$EXPECTED"
'

test_expect '--json: the same problems as objects with their kinds' '
	check_code 1 kith check --json >out &&
	printf "%s\n" "$KINDS" >../kinds &&
	to_json ../kinds "$EXPECTED" >want &&
	check_same want out
'

test_expect '--json names every kind there is, and no other' '
	sed -n "s/.*\"kind\":\"\([a-z-]*\)\".*/\1/p" out | sort -u >got &&
	printf "%s\n" ambiguous-mention bad-cadence bad-date bad-due \
		bad-journal-name bad-slug conflict-marker duplicate \
		journal-date-mismatch no-name outside-layout unreadable \
		unresolved-mention >want &&
	check_same want got
'

# ---- each problem fixed in turn disappears, and nothing else changes ----

cp -R . ../fixed
cp "$EXPECTED" ../want

# fixed N CMD...: after CMD (in ../fixed), the report is the one before
# without line N of problems.expected.
fixed() {
	(cd ../fixed && "$2") || { echo "cannot apply $2"; return 1; }
	line=$(sed -n "$1p" "$EXPECTED")
	grep -v -x -F -e "$line" ../want >../want.new || [ $? -eq 1 ] || return 1
	mv ../want.new ../want || return 1
	want_code=1
	[ -s ../want ] || want_code=0
	(cd ../fixed && check_code $want_code kith check >../got) &&
	check_same ../want ../got
}

fix_1() { mv journal/2025/2026-01-01.md journal/2026/; }
fix_2() {
	sed '1s/.*/# 2026-02-28/' journal/2026/2026-02-30.md >journal/2026/2026-02-28.md &&
	rm journal/2026/2026-02-30.md
}
fix_3() { printf '# 2026-11-02\n\nbinary junk\n' >journal/2026/2026-11-02.md; }
fix_4() { sed -i 's/@ana-lma$/@ana-lima/' journal/2026/2026-11-10.md; }
fix_5() { sed -i 's/\[\[Ana Lim\]\]/[[Ana Lima]]/' journal/2026/2026-11-10.md; }
fix_6() { sed -i 's/@Ben /@ben-okoro /' journal/2026/2026-11-10.md; }
fix_7() { sed -i 's/@chen /@chen-wei /' journal/2026/2026-11-10.md; }
fix_8() { sed -i 's/due:2026-11-31/due:2026-11-30/' journal/2026/2026-11-10.md; }
fix_9() { sed -i 's/due: 2026-12-01/due:2026-12-01/' journal/2026/2026-11-10.md; }
fix_10() { sed -i '1s/.*/# 2026-11-12/' journal/2026/2026-11-12.md; }
fix_11() { mv journal/2026/notes.md ../notes.md; }
fix_12() { mv people/Kim_Park.md people/kim-park.md; }
fix_13() { sed -i 's/Ana@Example.com/anna@example.com/' people/anna-lima.md; }
fix_14() { rm -r people/archive; }
fix_15() { sed -i 's/@bob-smith/@ben-okoro/' people/ben-stone.md; }
fix_16() { sed -i 's/123-4567/765-4321/' people/chen-wei.md; }
fix_17() { sed -i 's/met: through/met: 2025-05-01 through/' people/chen-wei.md; }
fix_18() { sed -i '1s/.*/# Dana Kürz-Meyer/' people/dana-kurz-2.md; }
fix_19() { sed -i 's/1990-02-30/1990-02-28/' people/jane-doe.md; }
fix_20() { sed -i 's/2024-13-01/2024-03-01/' people/jane-doe.md; }
fix_21() { sed -i 's/2025-04-31/2025-04-30/' people/jane-doe.md; }
fix_22() { sed -i 's/30days/30d/' people/jane-doe.md; }
fix_23() { sed -i 's/2023-02-30/2023-02-28/' people/jane-doe.md; }
fix_24() { { printf '# No Head\n\n' && cat people/nohead.md; } >nohead && mv nohead people/nohead.md; }
fix_25() { printf '# Olga Ivanova\n\n- email: olga@example.org\n- city: Paris\n' >people/olga-ivanova.md; }
fix_26() { printf '# Pat Quinn\n\nCaf\303\251 on Tuesdays.\n' >people/pat-quinn.md; }
fix_27() { rm todo.txt; }

n=1
while [ "$n" -le 27 ]; do
	test_expect "fixing line $n of the report removes just that line" "fixed $n fix_$n"
	n=$((n + 1))
done

test_expect 'all fixed: nothing printed, exit 0' '
	(cd ../fixed && kith check >../got) &&
	test ! -s ../got &&
	(cd ../fixed && kith check --json >../got) &&
	echo "[]" >want &&
	check_same want ../got
'

# ---- clean repositories ----

test_expect 'kith init --demo is clean' '
	kith init --demo ../demo >/dev/null &&
	(cd ../demo && kith check >../got 2>&1) &&
	test ! -s ../got
'

test_expect 'the network fixture is clean' '
	fixture_repo network ../network &&
	(cd ../network && kith check >../got 2>&1) &&
	test ! -s ../got
'

test_expect 'an empty repository is clean' '
	kith init ../empty >/dev/null &&
	(cd ../empty && kith check >../got 2>&1) &&
	test ! -s ../got
'

test_expect 'the trap fixture: the mistakes its README names' '
	kith init ../traps >/dev/null &&
	cp -R "$FIXTURES/traps/people" "$FIXTURES/traps/journal" ../traps/ &&
	code=0 &&
	(cd ../traps && kith check >../got) || code=$?
	[ "$code" -eq 1 ] &&
	cat >want <<-\END &&
	journal/2026/2026-09-10.md:5: ambiguous mention '"'"'[[Alex Kim]]'"'"' could be '"'"'[[alex-kim]]'"'"' or '"'"'[[alex-kim-2]]'"'"': write the slug
	journal/2026/2026-11-10.md:4: unknown person '"'"'@jane'"'"': did you mean '"'"'@Janie'"'"'?
	journal/2026/2026-11-10.md:4: unknown person '"'"'@nobody'"'"': add them with '"'"'kith add'"'"', or fix the mention
	journal/2026/2026-11-10.md:4: unknown person '"'"'[[Nobody Known]]'"'"': add them with '"'"'kith add'"'"', or fix the mention
	people/alex-kim-2.md:1: probable duplicate of '"'"'people/alex-kim.md'"'"', the same name '"'"'Alex Kim'"'"': merge them if they are one person
	people/jane-doe.md:19: bad date '"'"'2026-02-30'"'"' in a dated note: there is no such day, so it counts as no interaction
	people/kim-nohead.md:1: no name: add '"'"'# Name'"'"' as the first line
	END
	check_same want ../got
'

# ---- what is not a problem, and the finer points ----

test_expect 'ignored, dot and deleted files are no problem; symbolic links are' '
	kith init ../fine >/dev/null &&
	cd ../fine &&
	mkdir .obsidian && echo "{}" >.obsidian/app.json &&
	echo "x" >people/.jane-doe.md.swp &&
	echo "scratch" >scratch.txt && echo scratch.txt >>.git/info/exclude &&
	mkdir build && echo x >build/out.o && echo "build/" >>.git/info/exclude &&
	printf "# Ana\n" >people/ana.md &&
	printf "old\n" >old.txt &&
	git add people/ana.md old.txt && git commit -q -m set-up &&
	rm old.txt &&
	kith check >../got &&
	test ! -s ../got &&
	ln -s ana.md people/ana-link.md &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	echo "people/ana-link.md:1: not a regular file: kith reads only plain files, so it skips this one" >../want &&
	check_same ../want ../got &&
	rm people/ana-link.md
'

test_expect 'a tracked file that git would ignore is still reported' '
	cd ../fine &&
	echo "notes" >ideas.txt &&
	echo ideas.txt >>.git/info/exclude &&
	git add -f ideas.txt && git commit -q -m ideas &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	echo "ideas.txt:1: not part of the layout: kith reads only people/*.md and journal/YYYY/*.md" >../want &&
	check_same ../want ../got
'

test_expect 'day titles: setext, a second title, or none; CRLF markers' '
	kith init ../days >/dev/null &&
	cd ../days &&
	mkdir -p journal/2026 &&
	printf "2026-11-03\n==========\n\ntext\n" >journal/2026/2026-11-02.md &&
	printf "# 2026-11-04\n\ntext\n\n# 2026-11-05 evening\n" >journal/2026/2026-11-04.md &&
	printf "## 10:00 no title\n\n    # 2026-01-01 in code\n" >journal/2026/2026-11-06.md &&
	printf "# 2026-11-07 Tuesday\n\ntext\n" >journal/2026/2026-11-07.md &&
	printf "# x\r\n\r\n<<<<<<< ours\r\na\r\n=======\r\nb\r\n>>>>>>> theirs\r\n" >journal/2026/2026-11-08.md &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	cat >../want <<-\END &&
	journal/2026/2026-11-02.md:1: the heading says 2026-11-03 but the file is 2026-11-02: correct one of them
	journal/2026/2026-11-04.md:5: the heading says 2026-11-05 but the file is 2026-11-04: correct one of them
	journal/2026/2026-11-08.md:3: merge conflict up to line 7: keep the right lines, delete the marker lines
	END
	check_same ../want ../got
'

test_expect 'stray and unclosed conflict markers; a lone ======= is a heading' '
	kith init ../markers >/dev/null &&
	cd ../markers &&
	printf "Ana Lima\n=======\n" >people/ana-lima.md &&
	printf "# Ben\n\n=======\nb\n>>>>>>> theirs\n<<<<<<< ours\n" >people/ben.md &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	cat >../want <<-\END &&
	people/ben.md:3: leftover conflict marker '"'"'======='"'"': delete it
	people/ben.md:5: leftover conflict marker '"'"'>>>>>>>'"'"': delete it
	people/ben.md:6: leftover conflict marker '"'"'<<<<<<<'"'"': resolve the conflict and delete it
	END
	check_same ../want ../got
'

test_expect 'dates: yearless birthdays, loose shapes, tasks in notes' '
	kith init ../dates >/dev/null &&
	cd ../dates &&
	cat >people/ana.md <<-\END &&
	# Ana

	- birthday: --02-29
	- met: 2024-03-01, at a party
	- joined: 2025-4-1
	- phone: 2025-123-4567

	- 2026-11-5: called
	- 2026-11-05 coffee
	- [ ] call her due:friday
	- [x] sent the card due:2026-02-29
	  and more due:2026-13-01
	- [ ] rent due: 500 EUR
	- note due:2026-99-99 but no task
	END
	printf -- "- [ ]\tdue:soon\n" >>people/ana.md &&
	printf "# Ben\n\n- birthday: --02-30\n- birthday: April 1\n" >people/ben.md &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	cat >../want <<-\END &&
	people/ana.md:5: bad date '"'"'2025-4-1'"'"' in joined: write it as YYYY-MM-DD
	people/ana.md:8: bad date '"'"'2026-11-5'"'"' in a dated note: write it as YYYY-MM-DD, so it counts as no interaction
	people/ana.md:10: bad due date '"'"'due:friday'"'"': write due:YYYY-MM-DD with a real date
	people/ana.md:11: bad due date '"'"'due:2026-02-29'"'"': write due:YYYY-MM-DD with a real date
	people/ana.md:12: bad due date '"'"'due:2026-13-01'"'"': write due:YYYY-MM-DD with a real date
	people/ana.md:15: bad due date '"'"'due:soon'"'"': write due:YYYY-MM-DD with a real date
	people/ben.md:3: bad birthday '"'"'--02-30'"'"': write YYYY-MM-DD, or --MM-DD without the year
	people/ben.md:4: bad birthday '"'"'April 1'"'"': write YYYY-MM-DD, or --MM-DD without the year
	END
	check_same ../want ../got
'

test_expect 'a bad kith.every in kith.conf, on its line' '
	kith init ../conf >/dev/null &&
	cd ../conf &&
	printf "[kith]\n\tautocommit = true\n\tevery = monthly\n" >kith.conf &&
	code=0 && kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	echo "kith.conf:3: kith.every: bad cadence '"'"'monthly'"'"': use Nd, Nw, Nm or Ny with N from 1 to 9999" >../want &&
	check_same ../want ../got
'

# ---- the pre-commit hook, through the git program ----

test_expect '--install-hook writes an executable hook and says where' '
	kith init ../hooked >/dev/null &&
	cd ../hooked &&
	kith check --install-hook >../got &&
	echo .git/hooks/pre-commit >../want &&
	check_same ../want ../got &&
	test "$(stat -c %a .git/hooks/pre-commit)" = 755 &&
	head -n 1 .git/hooks/pre-commit >../got &&
	echo "#!/bin/sh" >../want &&
	check_same ../want ../got &&
	grep -q "^exec kith check$" .git/hooks/pre-commit &&
	grep -q "kith check --install-hook" .git/hooks/pre-commit
'

test_expect 'the hook refuses a commit with an unknown mention' '
	cd ../hooked &&
	printf "# Ana Lima\n\nMet @ana-lma at the fair.\n" >people/ana-lima.md &&
	git add people/ana-lima.md &&
	head=$(git rev-parse HEAD) &&
	code=0 && git commit -q -m "add Ana" >../got 2>&1 || code=$?
	[ "$code" -ne 0 ] &&
	grep -q "^people/ana-lima.md:3: unknown person '"'"'@ana-lma'"'"': did you mean '"'"'@ana-lima'"'"'?$" ../got &&
	test "$(git rev-parse HEAD)" = "$head"
'

test_expect 'and lets it through once the mention is fixed' '
	cd ../hooked &&
	printf "# Ana Lima\n\nMet @ana-lima at the fair.\n" >people/ana-lima.md &&
	git add people/ana-lima.md &&
	git commit -q -m "add Ana" &&
	git log -1 --format=%s >../got &&
	echo "add Ana" >../want &&
	check_same ../want ../got &&
	check_clean
'

test_expect 'installing again over its own hook is fine' '
	cd ../hooked &&
	kith check --install-hook >../got &&
	echo .git/hooks/pre-commit >../want &&
	check_same ../want ../got
'

test_expect_code 2 'a hook that is not kith'"'"'s: refused, exit 2' '
	kith init ../foreign >/dev/null &&
	mkdir -p ../foreign/.git/hooks &&
	printf "#!/bin/sh\nexit 0\n" >../foreign/.git/hooks/pre-commit &&
	cp ../foreign/.git/hooks/pre-commit ../hook.before &&
	(cd ../foreign && kith check --install-hook >../got 2>../err)
'

test_expect '... with a message, the hook untouched, nothing on stdout' '
	grep -q "^kith-check: '"'"'.git/hooks/pre-commit'"'"' is a hook that kith did not write: " ../err &&
	cmp ../hook.before ../foreign/.git/hooks/pre-commit &&
	test ! -s ../got
'

test_expect_code 2 'a symbolic link as the hook is not kith'"'"'s either' '
	kith init ../linked >/dev/null &&
	mkdir -p ../linked/.git/hooks &&
	ln -s /bin/true ../linked/.git/hooks/pre-commit &&
	(cd ../linked && kith check --install-hook)
'

test_expect 'core.hooksPath is where git looks, so the hook goes there' '
	kith init ../hookspath >/dev/null &&
	cd ../hookspath &&
	git config core.hooksPath .githooks &&
	kith check --install-hook >../got &&
	echo .githooks/pre-commit >../want &&
	check_same ../want ../got &&
	printf "# Ana\n\n@nobody\n" >people/ana.md &&
	git add people/ana.md &&
	! git commit -q -m ana >/dev/null 2>&1 &&
	git rm -q --cached people/ana.md && rm people/ana.md
'

test_expect_code 3 '--install-hook without a repository: exit 3' '
	cd / && HOME=/nonexistent kith check --install-hook
'

# ---- usage and errors ----

test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith check'
test_expect 'no repository: says so on stderr, nothing on stdout' '
	code=0 && (cd / && HOME=/nonexistent kith check >"$TRASH/got" 2>"$TRASH/err") || code=$?
	[ "$code" -eq 3 ] &&
	test ! -s "$TRASH/got" &&
	grep -q "^kith-check: " "$TRASH/err"
'
test_expect_code 2 'an operand: exit 2' 'kith check people'
test_expect_code 2 'an unknown option: exit 2' 'kith check --fix'
test_expect_code 2 '--json with --install-hook: exit 2' 'kith check --json --install-hook'
test_expect 'usage errors print the usage on stderr' '
	code=0 && kith check --fix >out 2>err || code=$?
	[ "$code" -eq 2 ] && test ! -s out && grep -q "^usage: kith check " err
'
test_expect '--help prints the synopsis on stdout, exit 0' '
	kith check --help >out &&
	grep -q "^usage: kith check \[--json\]$" out &&
	grep -q "kith check --install-hook$" out
'
test_expect 'kith check runs through the dispatcher with -C' '
	cd "$TRASH" &&
	code=0 && kith -C repo check >got || code=$?
	[ "$code" -eq 1 ] &&
	check_same "$EXPECTED" got
'

test_expect 'a write error on stdout is an error' '
	if [ -w /dev/full ]; then
		code=0 && kith check >/dev/full 2>err || code=$?
		[ "$code" -eq 3 ] && grep -q "cannot write" err
	fi
'

test_expect 'ambiguous names and aliases: the candidates of each, by their slugs' '
	kith init ../amb >/dev/null &&
	cd ../amb &&
	printf "# Sam One\n\n- aliases: Sam, Sammy\n" >people/sam-one.md &&
	printf "# Sam Two\n\n- aliases: Sam\n" >people/sam-two.md &&
	printf "# Sam\n" >people/sam-x.md &&
	printf "# Lee Park\n" >people/lee-park.md &&
	printf "# Lee Park\n\n- aliases: Sammy\n" >people/lee-park-2.md &&
	printf "# Bo Ash\n\n- aliases: Bo\n" >people/bo-ash.md &&
	printf "# Bo\n" >people/bo-b.md && printf "# Bo\n" >people/bo-c.md &&
	mkdir -p journal/2026 &&
	printf "# 2026-11-20\n\n## Tea\nWith @Sam.\n\n## Lunch\nWith [[Sam]].\n\n## Walk\nWith [[sammy]] and @Sammy.\n\n## Call\nWith [[Lee Park]], @lee-park.\n\n## Bo\nWith [[Bo]], not @Bo.\n" \
		>journal/2026/2026-11-20.md &&
	code=0 &&
	kith check >../got || code=$?
	[ "$code" -eq 1 ] &&
	cat >../want <<-\END &&
	journal/2026/2026-11-20.md:4: ambiguous mention '"'"'@Sam'"'"' could be '"'"'@sam-one'"'"' or '"'"'@sam-two'"'"': write the slug
	journal/2026/2026-11-20.md:10: ambiguous mention '"'"'@Sammy'"'"' could be '"'"'@lee-park-2'"'"' or '"'"'@sam-one'"'"': write the slug
	journal/2026/2026-11-20.md:10: ambiguous mention '"'"'[[sammy]]'"'"' could be '"'"'[[lee-park-2]]'"'"' or '"'"'[[sam-one]]'"'"': write the slug
	journal/2026/2026-11-20.md:13: ambiguous mention '"'"'[[Lee Park]]'"'"' could be '"'"'[[lee-park]]'"'"' or '"'"'[[lee-park-2]]'"'"': write the slug
	journal/2026/2026-11-20.md:16: ambiguous mention '"'"'[[Bo]]'"'"' could be '"'"'[[bo-b]]'"'"' or '"'"'[[bo-c]]'"'"': write the slug
	people/bo-c.md:1: probable duplicate of '"'"'people/bo-b.md'"'"', the same name '"'"'Bo'"'"': merge them if they are one person
	people/lee-park-2.md:1: probable duplicate of '"'"'people/lee-park.md'"'"', the same name '"'"'Lee Park'"'"': merge them if they are one person
	END
	check_same ../want ../got &&
	code=0 &&
	KITH_NO_INDEX=1 kith check >../parsed || code=$?
	[ "$code" -eq 1 ] &&
	check_same ../want ../parsed
'

test_expect 'the work tree is clean' 'check_clean'
test_done
