#!/bin/sh
# t0310-log-mentions.t - kith log warns about the new entry's mentions that
# resolve to nobody; mentions by slug settle without loading the people.
. "$(dirname "$0")/lib.sh"

test_expect 'setup: a repository with people' '
	new_repo repo &&
	export KITH_DIR="$TRASH/repo" &&
	kith add Jane Doe >out &&
	printf "# Bob Smith\n\n- aliases: Bobby, JD\n" >repo/people/bob-smith.md &&
	printf "# John Dee\n\n- aliases: JD\n" >repo/people/john-dee.md &&
	printf "# Bad\n\n\377\n" >repo/people/bad.md &&
	printf "# Elsewhere\n" >repo/elsewhere.txt &&
	ln -s ../elsewhere.txt repo/people/link.md &&
	git -C repo add -A &&
	git -C repo commit -q -m "hand: people" &&
	kith ls >out 2>err &&
	test -e repo/.kith/index.db
'
export KITH_DIR="$TRASH/repo"
day=repo/journal/2026/2026-11-25.md

# no_index: the index is gone, so a command that loads the people makes it.
no_index() {
	rm -f repo/.kith/index.db repo/.kith/index.db-wal repo/.kith/index.db-shm
}

test_expect 'a mention by slug gives no warning and loads no people' '
	no_index &&
	kith log "Coffee with @jane-doe" >out 2>err &&
	test ! -s err &&
	test ! -e repo/.kith/index.db &&
	tail -n 1 $day >got &&
	echo "## Coffee with @jane-doe" >want &&
	check_same want got
'

test_expect 'so does a slug written in other case, and a [[slug]] link' '
	kith log "Lunch with @Jane-Doe and [[bob-smith|Bob]]" >out 2>err &&
	test ! -s err &&
	test ! -e repo/.kith/index.db
'

test_expect 'an entry without mentions loads no people' '
	kith log "Reading, \`@nobody\` in code" >out 2>err &&
	test ! -s err &&
	test ! -e repo/.kith/index.db
'

test_expect 'a mention by alias loads the people and resolves' '
	kith log "Call with @bobby" >out 2>err &&
	test ! -s err &&
	test -e repo/.kith/index.db
'

test_expect 'a link by name resolves' '
	no_index &&
	kith log "Met [[Jane Doe]]" >out 2>err &&
	test ! -s err &&
	test -e repo/.kith/index.db
'

test_expect 'an unknown name beside a slug warns about the unknown one only' '
	no_index &&
	kith log "Dinner with @jane-doe and @nobody" >out 2>err &&
	echo "kith-log: warning: '\''@nobody'\'' matches no person: add them with '\''kith add NAME'\''" >want &&
	check_same want err
'

test_expect 'an alias of two people warns that it is ambiguous' '
	kith log "Call with @jd" >out 2>err &&
	echo "kith-log: warning: '\''@jd'\'' matches several people: write the slug of the one you mean" >want &&
	check_same want err
'

test_expect 'a person file that is not valid UTF-8 is no person' '
	no_index &&
	kith log "Saw @bad" >out 2>err &&
	echo "kith-log: warning: '\''@bad'\'' matches no person: add them with '\''kith add NAME'\''" >want &&
	check_same want err
'

test_expect 'nor is a symlink in people/' '
	kith log "Saw @link" >out 2>err &&
	echo "kith-log: warning: '\''@link'\'' matches no person: add them with '\''kith add NAME'\''" >want &&
	check_same want err
'

test_expect 'nor is any person when people/ is a symlink' '
	mv repo/people repo/folk &&
	ln -s folk repo/people &&
	rc=0 &&
	kith log "Saw @jane-doe" >out 2>err || rc=$? &&
	rm repo/people &&
	mv repo/folk repo/people &&
	test $rc = 0 &&
	echo "kith-log: warning: '\''@jane-doe'\'' matches no person: add them with '\''kith add NAME'\''" >want &&
	check_same want err
'

test_expect 'without the index the answers are the same' '
	KITH_NO_INDEX=1 kith log "With @jane-doe, @bobby and @nobody" >out 2>err &&
	echo "kith-log: warning: '\''@nobody'\'' matches no person: add them with '\''kith add NAME'\''" >want &&
	check_same want err
'

test_expect 'a mention inside a code block left open is no mention' '
	printf "# 2026-11-24\n\n## Notes\n\n\`\`\`\ncode\n" >repo/journal/2026/2026-11-24.md &&
	git -C repo add journal/2026/2026-11-24.md &&
	git -C repo commit -q -m "hand: an open code block" &&
	no_index &&
	kith log -d 2026-11-24 "Inside @nobody" >out 2>err &&
	test ! -s err &&
	test ! -e repo/.kith/index.db
'

test_expect 'the next read brings the index up to date' '
	kith ls --format tsv >got 2>got.err &&
	KITH_NO_INDEX=1 kith ls --format tsv >want 2>want.err &&
	check_same want got &&
	check_same want.err got.err &&
	grep -F "bad.md" got.err
'

test_expect 'the repository is clean' 'check_clean repo'

test_done
