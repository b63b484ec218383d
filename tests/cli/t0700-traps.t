#!/bin/sh
# t0700-traps.t - an independent oracle for the file model.
#
# tests/fixtures/traps holds a hand-made repository that exercises every
# trap of DESIGN.md's file format and inline syntax (CRLF, BOM, no H1,
# repeated and unknown keys, lists that are not fields, mentions and tags
# in code, HTML, links, autolinks and bare URLs, open and ticked
# follow-ups, ambiguous and unresolved mentions). Its expected answers in
# tests/fixtures/traps/expected were worked out by hand from DESIGN.md;
# expected/README says the same in plain words.

. "$(dirname "$0")/lib.sh"

TRAPS="$FIXTURES/traps"
EXP="$TRAPS/expected"

# want_rows SLUG...: the rows of expected/ls.tsv for these slugs, in order.
want_rows() {
	for s in "$@"; do
		grep "^$s	" "$EXP/ls.tsv" || return 1
	done
}

test_expect 'set up the trap repository' '
	kith init repo &&
	cp -R "$TRAPS/people" "$TRAPS/journal" repo/ &&
	git -C repo add -A &&
	git -C repo commit -q -m fixture
'

test_expect 'ls --format tsv' '
	(cd repo && kith ls --format tsv) >ls.out &&
	check_same "$EXP/ls.tsv" ls.out
'

test_expect 'ls --json' '
	(cd repo && kith ls --json) >ls.json &&
	check_same "$EXP/ls.json" ls.json
'

for want in "$EXP"/show/*.json; do
	slug=$(basename "$want" .json)
	test_expect "show --json $slug" "
		(cd repo && kith show --json $slug) >show-$slug.out &&
		check_same '$want' show-$slug.out
	"
done

# ls --tag TAG... must list exactly the rows of SLUG... (given after --).
for spec in \
	'work/acme -- bob-smith' \
	'WORK/ACME -- bob-smith' \
	'Mentor -- jane-doe' \
	'bogusdate -- jane-doe' \
	'2026plans -- zoe' \
	'café -- jose-nunez' \
	'ÑANDÚ -- jose-nunez' \
	'outdoors -- alex-kim' \
	'nohead -- kim-nohead' \
	'writer -- emile-roux' \
	'python writer -- ben-okafor emile-roux' \
	'intro madrid spanish -- carol-diaz' \
	'nested/deep/path -- dana-decoy' \
	'work/acme/ends -- dana-decoy' \
	'heading-tag -- dana-decoy' \
	'linktag -- dana-decoy' \
	'emtag -- dana-decoy' \
	'日本 -- dana-decoy' \
	'paren quest bang -- dana-decoy' \
	'food -- zoe' \
	'gift -- zoe'
do
	tags=${spec%% -- *}
	slugs=${spec#* -- }
	args=
	for t in $tags; do args="$args --tag $t"; done
	test_expect "ls$args" "
		want_rows $slugs >tag.want &&
		(cd repo && kith ls$args --format tsv) >tag.out &&
		check_same tag.want tag.out
	"
done

# Not tags at all (exit 1: nobody matches).
for t in work acme nested deep 42 2 code y beta a setup contact \
	codetag desttag autotag bareurltag attrtag fencetag indenttag \
	htmlblocktag projects
do
	test_expect_code 1 "ls --tag $t finds nobody" \
		"cd repo && kith ls --tag $t --format tsv"
done

test_expect 'the work tree is still clean' 'check_clean repo'

test_done
