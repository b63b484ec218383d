#!/bin/sh
# kith ls: people, filters, sorting and the script formats.
. "$(dirname "$0")/lib.sh"

fixture_repo network repo
cd repo || exit 3

test_expect 'human output: slug, name, last contact, by name' '
	kith ls >out &&
	cat >want <<-\END &&
	ana-lima   Ana Lima   2026-11-24
	ben-okoro  Ben Okoro  2026-11-24
	chen-wei   Chen Wei   -
	dana-kurz  Dana Kurz  2026-11-10
	END
	check_same want out
'

test_expect '--format tsv has DESIGN.md columns' '
	kith ls --format tsv >out &&
	printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" \
		ana-lima "Ana Lima" people/ana-lima.md design 2026-11-24 2 2w \
		ben-okoro "Ben Okoro" people/ben-okoro.md "" 2026-11-24 2 1m \
		chen-wei "Chen Wei" people/chen-wei.md remote "" 0 3m \
		dana-kurz "Dana Kurz" people/dana-kurz.md berlin,investor 2026-11-10 1 "" >want &&
	check_same want out
'

test_expect '-H prints a header' '
	kith ls --format tsv -H >out &&
	head -n 1 out >got &&
	printf "slug\tname\tpath\ttags\tlast\tinteractions\tevery\n" >want &&
	check_same want got
'

test_expect '--json: one object per person with every key' '
	kith ls --json >out &&
	cat >want <<-\END &&
	[
	{"slug":"ana-lima","name":"Ana Lima","path":"people/ana-lima.md","tags":["design"],"last":"2026-11-24","interactions":2,"every":"2w","fields":{"email":["ana@example.com"],"every":["2w"],"birthday":["1990-11-27"],"tags":["#design"]}},
	{"slug":"ben-okoro","name":"Ben Okoro","path":"people/ben-okoro.md","tags":[],"last":"2026-11-24","interactions":2,"every":"1m","fields":{"every":["1m"],"birthday":["--02-29"],"company":["Okoro & Sons"],"aliases":["Benny"]}},
	{"slug":"chen-wei","name":"Chen Wei","path":"people/chen-wei.md","tags":["remote"],"last":null,"interactions":0,"every":"3m","fields":{"every":["3m"],"introduced-by":["@ana-lima"]}},
	{"slug":"dana-kurz","name":"Dana Kurz","path":"people/dana-kurz.md","tags":["berlin","investor"],"last":"2026-11-10","interactions":1,"every":null,"fields":{"email":["dana@example.com","dk@work.example"],"tags":["#investor #berlin"]}}
	]
	END
	check_same want out
'

test_expect '--sort last: most recent first, never contacted last' '
	kith ls --sort last --format tsv | cut -f1 >out &&
	printf "ana-lima\nben-okoro\ndana-kurz\nchen-wei\n" >want &&
	check_same want out
'

test_expect '--tag filters, case-insensitively, with or without #' '
	kith ls --tag Investor --format tsv | cut -f1 >out &&
	echo dana-kurz >want &&
	check_same want out &&
	kith ls --tag "#remote" --tag design --format tsv | cut -f1 >out &&
	printf "ana-lima\nchen-wei\n" >want &&
	check_same want out
'

test_expect_code 1 'no person carries the tag: exit 1' 'kith ls --tag nosuchtag'
test_expect_code 2 'bad --sort: exit 2' 'kith ls --sort age'
test_expect_code 2 'bad --format: exit 2' 'kith ls --format csv'
test_expect_code 2 '--json with --format tsv: exit 2' 'kith ls --json --format tsv'
test_expect_code 2 'an operand: exit 2' 'kith ls jane'
test_expect '--help prints the synopsis' '
	kith ls --help >out &&
	grep -q "^usage: kith ls " out
'

test_expect 'a hand edit shows at once' '
	printf "\n- 2026-11-25: coffee\n" >>people/chen-wei.md &&
	kith ls --format tsv | grep "^chen-wei" | cut -f5,6 >out &&
	printf "2026-11-25\t1\n" >want &&
	check_same want out &&
	git checkout -q people/chen-wei.md
'

test_expect 'a file that is not UTF-8 is skipped with a warning' '
	printf "# Bad \377 Name\n" >people/bad.md &&
	kith ls >out 2>err &&
	grep -q "people/bad.md" err &&
	! grep -q "^bad " out &&
	rm people/bad.md
'

test_expect 'an empty repository lists nobody: exit 1' '
	kith init ../empty >/dev/null &&
	(cd ../empty && test_code=0; kith ls >out || test_code=$?; [ $test_code -eq 1 ] && [ ! -s out ])
'

test_expect_code 3 'no repository: exit 3' 'cd / && HOME=/nonexistent kith ls'

test_expect 'the work tree is clean' 'check_clean'
test_done
