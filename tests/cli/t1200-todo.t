#!/bin/sh
# kith todo: open follow-ups, overdue first, with ids kith done takes.
# The answers are in tests/fixtures/promises/expected/README; ids are
# computed here the way kith-todo(1) defines them, with git hash-object.
. "$(dirname "$0")/lib.sh"

P="$FIXTURES/promises"

# id PATH TEXT: the follow-up id kith-todo(1) documents.
id() {
	printf '%s\0%s' "$1" "$2" | git hash-object --stdin | cut -c1-7
}

# row DONE DUE PEOPLE PATH:LINE TEXT: one --format tsv row.
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(id "${4%:*}" "$5")" "$5" "$1" "$2" "$3" "$4"
}

test_expect 'set up the promises repository' '
	kith init repo &&
	cp -R "$P/people" "$P/journal" repo/ &&
	printf "%s\n" out err want got before after >>repo/.git/info/exclude &&
	git -C repo add -A &&
	git -C repo commit -q -m "fixture promises"
'
cd repo || exit 3

open_rows() {
	row false 2026-11-20 ana-ruiz people/ana-ruiz.md:8 "send Ana the slides" &&
	row false 2026-11-22 bo-chen journal/2026/2026-11-10.md:6 "send @bo-chen the lease draft" &&
	row false 2026-11-25 jose-nunez journal/2026/2026-11-24.md:6 "book the table at the café" &&
	row false 2026-11-28 jose-nunez,bo-chen journal/2026/2026-11-10.md:12 "introduce @jose-nunez to @bo-chen" &&
	row false 2026-11-28 jose-nunez people/jose-nunez.md:8 "lend José the book on negotiation" &&
	row false "" "" journal/2026/2026-11-02.md:3 "renew the passport" &&
	row false "" "" journal/2026/2026-11-02.md:4 "thank the flamenco school of Triana for a lovely evening olé and the café" &&
	row false "" "" journal/2026/2026-11-02.md:5 "renew the passport photo" &&
	row false "" bo-chen journal/2026/2026-11-10.md:7 "water the plants" &&
	row false "" bo-chen journal/2026/2026-11-10.md:8 "water the plants" &&
	row false "" ana-ruiz,jose-nunez journal/2026/2026-11-10.md:13 "order the slides printer"
}

test_expect '--format tsv: overdue first, then by due date, then path and line; no due last' '
	kith todo --format tsv >out &&
	open_rows >want &&
	check_same want out
'

test_expect 'the ids are those kith-todo(1) documents' '
	kith todo --format tsv | cut -f1 | head -n 1 >out &&
	printf "people/ana-ruiz.md\0send Ana the slides" | git hash-object --stdin | cut -c1-7 >want &&
	check_same want out &&
	test "$(cat out)" = 0466902
'

test_expect '-H prints the header line first' '
	kith todo -H --format tsv >out &&
	{ printf "id\ttext\tdone\tdue\tpeople\tpath:line\n" && open_rows; } >want &&
	check_same want out
'

test_expect 'the same text twice in one file: the same id' '
	kith todo --format tsv | grep "	water the plants	" | cut -f1 | uniq -c >out &&
	printf "      2 %s\n" "$(id journal/2026/2026-11-10.md "water the plants")" >want &&
	check_same want out
'

test_expect 'human output: id, box, text, due and lateness, people, path:line' '
	kith todo >out &&
	cat >want <<-END &&
	$(id people/ana-ruiz.md "send Ana the slides")  [ ] send Ana the slides  (due 2026-11-20, 5 days late)  @ana-ruiz  people/ana-ruiz.md:8
	$(id journal/2026/2026-11-10.md "send @bo-chen the lease draft")  [ ] send @bo-chen the lease draft  (due 2026-11-22, 3 days late)  @bo-chen  journal/2026/2026-11-10.md:6
	$(id journal/2026/2026-11-24.md "book the table at the café")  [ ] book the table at the café  (due 2026-11-25, today)  @jose-nunez  journal/2026/2026-11-24.md:6
	$(id journal/2026/2026-11-10.md "introduce @jose-nunez to @bo-chen")  [ ] introduce @jose-nunez to @bo-chen  (due 2026-11-28, in 3 days)  @jose-nunez,@bo-chen  journal/2026/2026-11-10.md:12
	$(id people/jose-nunez.md "lend José the book on negotiation")  [ ] lend José the book on negotiation  (due 2026-11-28, in 3 days)  @jose-nunez  people/jose-nunez.md:8
	$(id journal/2026/2026-11-02.md "renew the passport")  [ ] renew the passport  journal/2026/2026-11-02.md:3
	$(id journal/2026/2026-11-02.md "thank the flamenco school of Triana for a lovely evening olé and the café")  [ ] thank the flamenco school of Triana for a lovely evening olé and the café  journal/2026/2026-11-02.md:4
	$(id journal/2026/2026-11-02.md "renew the passport photo")  [ ] renew the passport photo  journal/2026/2026-11-02.md:5
	$(id journal/2026/2026-11-10.md "water the plants")  [ ] water the plants  @bo-chen  journal/2026/2026-11-10.md:7
	$(id journal/2026/2026-11-10.md "water the plants")  [ ] water the plants  @bo-chen  journal/2026/2026-11-10.md:8
	$(id journal/2026/2026-11-10.md "order the slides printer")  [ ] order the slides printer  @ana-ruiz,@jose-nunez  journal/2026/2026-11-10.md:13
	END
	check_same want out
'

test_expect 'lateness in the singular, on another today' '
	KITH_TODAY=2026-11-21 kith todo >out &&
	grep -q "(due 2026-11-20, 1 day late)  @ana-ruiz" out &&
	grep -q "(due 2026-11-22, in 1 day)  @bo-chen" out
'

test_expect 'no colour when not on a terminal' '
	kith todo >out &&
	! grep -q "$(printf "\033")" out
'

test_expect '--json: the keys of DESIGN.md, then id' '
	kith todo --json >out &&
	cat >want <<-END &&
	[
	{"text":"send Ana the slides","done":false,"due":"2026-11-20","people":["ana-ruiz"],"path":"people/ana-ruiz.md","line":8,"id":"$(id people/ana-ruiz.md "send Ana the slides")"},
	{"text":"send @bo-chen the lease draft","done":false,"due":"2026-11-22","people":["bo-chen"],"path":"journal/2026/2026-11-10.md","line":6,"id":"$(id journal/2026/2026-11-10.md "send @bo-chen the lease draft")"},
	{"text":"book the table at the café","done":false,"due":"2026-11-25","people":["jose-nunez"],"path":"journal/2026/2026-11-24.md","line":6,"id":"$(id journal/2026/2026-11-24.md "book the table at the café")"},
	{"text":"introduce @jose-nunez to @bo-chen","done":false,"due":"2026-11-28","people":["jose-nunez","bo-chen"],"path":"journal/2026/2026-11-10.md","line":12,"id":"$(id journal/2026/2026-11-10.md "introduce @jose-nunez to @bo-chen")"},
	{"text":"lend José the book on negotiation","done":false,"due":"2026-11-28","people":["jose-nunez"],"path":"people/jose-nunez.md","line":8,"id":"$(id people/jose-nunez.md "lend José the book on negotiation")"},
	{"text":"renew the passport","done":false,"due":null,"people":[],"path":"journal/2026/2026-11-02.md","line":3,"id":"$(id journal/2026/2026-11-02.md "renew the passport")"},
	{"text":"thank the flamenco school of Triana for a lovely evening olé and the café","done":false,"due":null,"people":[],"path":"journal/2026/2026-11-02.md","line":4,"id":"$(id journal/2026/2026-11-02.md "thank the flamenco school of Triana for a lovely evening olé and the café")"},
	{"text":"renew the passport photo","done":false,"due":null,"people":[],"path":"journal/2026/2026-11-02.md","line":5,"id":"$(id journal/2026/2026-11-02.md "renew the passport photo")"},
	{"text":"water the plants","done":false,"due":null,"people":["bo-chen"],"path":"journal/2026/2026-11-10.md","line":7,"id":"$(id journal/2026/2026-11-10.md "water the plants")"},
	{"text":"water the plants","done":false,"due":null,"people":["bo-chen"],"path":"journal/2026/2026-11-10.md","line":8,"id":"$(id journal/2026/2026-11-10.md "water the plants")"},
	{"text":"order the slides printer","done":false,"due":null,"people":["ana-ruiz","jose-nunez"],"path":"journal/2026/2026-11-10.md","line":13,"id":"$(id journal/2026/2026-11-10.md "order the slides printer")"}
	]
	END
	check_same want out
'

test_expect '--all adds the ticked ones, marked done' '
	kith todo --all --format tsv >out &&
	{
		open_rows | sed -n 1,10p &&
		row true "" bo-chen journal/2026/2026-11-10.md:9 "book the meeting room" &&
		open_rows | sed -n 11p &&
		row true "" ana-ruiz people/ana-ruiz.md:9 "thank Ana for the intro"
	} >want &&
	check_same want out &&
	kith todo --all --json | grep "\"book the meeting room\"" >out &&
	grep -q "\"done\":true,\"due\":null" out &&
	kith todo --all | grep -q "  \[x\] thank Ana for the intro  @ana-ruiz  people/ana-ruiz.md:9$"
'

test_expect '--person keeps the follow-ups that belong to one person' '
	kith todo --person bo --format tsv >out &&
	open_rows | grep "	[a-z,-]*bo-chen[a-z,-]*	[^	]*$" >want &&
	test "$(wc -l <want)" -eq 4 &&
	check_same want out &&
	kith todo --person "José Núñez" --format tsv | cut -f6 >out &&
	printf "%s\n" journal/2026/2026-11-24.md:6 journal/2026/2026-11-10.md:12 \
		people/jose-nunez.md:8 journal/2026/2026-11-10.md:13 >want &&
	check_same want out
'

test_expect '--person with --all includes the person'"'"'s ticked ones' '
	kith todo --all --person ana-ruiz --format tsv | cut -f3,6 >out &&
	printf "false\tpeople/ana-ruiz.md:8\nfalse\tjournal/2026/2026-11-10.md:13\ntrue\tpeople/ana-ruiz.md:9\n" >want &&
	check_same want out
'

test_expect 'a person without follow-ups: exit 1, nothing printed' '
	rc=0 && kith todo --person ana-rossi >out 2>err || rc=$?
	test $rc -eq 1 && test ! -s out && test ! -s err
'

test_expect '--person naming two people: exit 2, both listed' '
	rc=0 && kith todo --person ana >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	{ echo "kith-todo: '"'ana'"' matches 2 people: give the slug" &&
	  printf "\t%s\t%s\n" ana-rossi "Ana Rossi" ana-ruiz "Ana Ruiz"; } >want &&
	check_same want err
'

test_expect '--person naming nobody: exit 2' '
	rc=0 && kith todo --person zeno >out 2>err || rc=$?
	test $rc -eq 2 && test ! -s out &&
	echo "kith-todo: no person matches '"'zeno'"': see '"'kith ls'"'" >want &&
	check_same want err
'

test_expect 'ids stay when lines are added above, though the lines move' '
	kith todo --format tsv >before &&
	{ printf "# 2026-11-10\n\n## 08:00 Run\nFive miles.\n\n" &&
	  sed 1d journal/2026/2026-11-10.md; } >got &&
	mv got journal/2026/2026-11-10.md &&
	{ printf "%s\n" "- [ ] call the bank" && cat journal/2026/2026-11-02.md; } >got &&
	mv got journal/2026/2026-11-02.md &&
	git commit -q -a -m "hand edit" &&
	kith todo --format tsv >after &&
	grep -v "call the bank" after | cut -f1,2 >got &&
	cut -f1,2 before >want &&
	check_same want got &&
	grep "lease draft" after | cut -f6 >got &&
	echo journal/2026/2026-11-10.md:10 >want &&
	check_same want got &&
	git reset -q --hard HEAD~1
'

test_expect 'a ticked follow-up keeps its id' '
	sed "s/- \[ \] renew the passport\$/- [x] renew the passport/" journal/2026/2026-11-02.md >got &&
	mv got journal/2026/2026-11-02.md &&
	kith todo --all --format tsv | grep "	renew the passport	" | cut -f1,3 >out &&
	printf "%s\ttrue\n" "$(id journal/2026/2026-11-02.md "renew the passport")" >want &&
	check_same want out &&
	git checkout -q journal/2026/2026-11-02.md
'

test_expect 'no follow-ups at all: exit 1, empty output' '
	kith init ../empty >/dev/null && cd ../empty &&
	rc=0 && kith todo >../out 2>../err || rc=$?
	test $rc -eq 1 && test ! -s ../out && test ! -s ../err
'

test_expect '--json with none: an empty array, exit 1' '
	cd ../empty &&
	rc=0 && kith todo --json >../out || rc=$?
	test $rc -eq 1 && printf "[]\n" >../want && check_same ../want ../out
'

test_expect_code 2 'a bad --format: exit 2' 'kith todo --format csv'
test_expect_code 2 '--json and --format tsv together: exit 2' 'kith todo --json --format tsv'
test_expect_code 2 'an operand: exit 2' 'kith todo jane'

test_expect 'usage errors print the usage on stderr' '
	! kith todo --bogus >out 2>err &&
	test ! -s out &&
	grep -q "^usage: kith todo \[-H\] \[--all\] \[--person person\] \[--json | --format tsv\]$" err
'

test_expect '--help prints the usage on stdout and exits 0' '
	kith todo --help >out &&
	grep -q "^usage: kith todo " out
'

test_expect_code 3 'no repository: exit 3' '
	cd "$TRASH" && KITH_DIR="$TRASH/nowhere" kith todo
'

test_expect 'the work tree is clean' 'check_clean'

test_done
