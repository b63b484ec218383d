#!/bin/sh
# kith history keeps the paths each commit changed in .kith/history.cache:
# the answers are the same with it, without it, with it damaged or
# unwritable, and after commits made behind kith's back.
. "$(dirname "$0")/lib.sh"

CACHE=.kith/history.cache
MAGIC='kith history cache 1'

# gcommit MESSAGE: commit every change with the git program (set-up).
gcommit() {
	git add -A && git commit -q -m "$1"
}

# answers FILE: every form of jane's history (and a journal day's), with a
# fresh cache when FILE is want; the cache as it is otherwise.
answers() {
	{
		kith history jane &&
		kith history -p jane &&
		kith history --json jane &&
		kith history --field phone jane &&
		kith history 2026-11-25
	} >"$1"
}

# size: the size of the cache in bytes.
size() {
	wc -c <$CACHE
}

# flip OFFSET: turn every bit of the cache's byte at OFFSET, so that the
# byte changes whatever it was (a fixed byte may be there already: the
# records hold commit ids, which differ from run to run).
flip() {
	b=$(od -An -tu1 -j "$1" -N1 $CACHE | tr -d " ") &&
	printf "\\$(printf %o $((255 - b)))" |
		dd of=$CACHE bs=1 seek="$1" conv=notrunc 2>/dev/null
}

# forge ID: append a record that says commit ID (full hex) changed nothing.
forge() {
	perl -e '
		use integer;
		my $r = pack("H40", $ARGV[0]) . pack("V", 0);
		my $h = 0xcbf29ce484222325;
		for my $c (unpack("C*", $r)) {
			$h = ($h ^ $c) * 0x100000001b3;
		}
		print $r, pack("q<", $h);
	' "$1" >>"$CACHE"
}

new_repo repo
cd repo || exit 3
printf '%s\n' out err want got before fresh >>.git/info/exclude

test_expect 'set up: add, log, hand edits, a rename by git, a merge' '
	kith add -f "phone=+49 111" Jane Doe >/dev/null &&
	kith add Bob Roe >/dev/null &&
	kith log "coffee with @jane-doe" >/dev/null &&
	sed -i "s/+49 111/+49 222/" people/jane-doe.md &&
	gcommit "edit: new phone" &&
	git mv people/jane-doe.md people/jane-smith.md &&
	sed -i "s/^# Jane Doe/# Jane Smith/" people/jane-smith.md &&
	gcommit "mv: jane-doe -> jane-smith (1 file)" &&
	git checkout -q -b side &&
	echo "- city: Rome" >>people/bob-roe.md &&
	gcommit "edit: bob on a side branch" &&
	git checkout -q main &&
	sed -i "s/+49 222/+49 333/" people/jane-smith.md &&
	gcommit "edit: phone again" &&
	git merge -q --no-edit side &&
	rm -f $CACHE
'

test_expect 'the first run writes the cache; the work tree stays clean' '
	kith history jane >out &&
	test -s $CACHE &&
	head -n 1 $CACHE | grep -qx "$MAGIC" &&
	check_clean
'

test_expect 'the commits are those of git log --follow' '
	kith history --json jane >got &&
	sed -n "s/.*\"commit\":\"\([0-9a-f]*\)\".*/\1/p" got >out &&
	git log --follow --format=%H -- people/jane-smith.md >want &&
	check_same want out &&
	test "$(wc -l <out)" -eq 4
'

test_expect 'a second run reads the cache: same answers, file unchanged' '
	rm -f $CACHE && answers want &&
	cp $CACHE before &&
	answers out &&
	check_same want out &&
	cmp before $CACHE &&
	size >fresh
'

test_expect 'the cache is read: a record saying a commit changed nothing hides it' '
	forge "$(git rev-parse HEAD~1)" &&
	kith history jane >out &&
	! grep -q "edit: phone again" out &&
	grep -q "mv: jane-doe" out
'

test_expect 'cache deleted: built again, same answers' '
	rm -f $CACHE &&
	answers out &&
	check_same want out &&
	cmp before $CACHE
'

test_expect 'a damaged record: dropped with what follows, built again' '
	flip $(($(size) / 2)) &&
	! cmp -s before $CACHE &&
	answers out &&
	check_same want out &&
	test "$(size)" -eq "$(cat fresh)" &&
	cp $CACHE before &&
	answers out &&
	cmp before $CACHE
'

test_expect 'a torn last record: cut off, built again' '
	truncate -s $(($(size) - 3)) $CACHE &&
	answers out &&
	check_same want out &&
	test "$(size)" -eq "$(cat fresh)"
'

test_expect 'a wrong header: the file starts again' '
	printf "not a cache at all\n" >$CACHE &&
	answers out &&
	check_same want out &&
	head -n 1 $CACHE | grep -qx "$MAGIC" &&
	test "$(size)" -eq "$(cat fresh)"
'

test_expect 'an empty file: the file starts again' '
	: >$CACHE &&
	answers out &&
	check_same want out &&
	test "$(size)" -eq "$(cat fresh)"
'

test_expect 'a commit made by git behind kith'\''s back is listed' '
	sed -i "s/+49 333/+49 444/" people/jane-smith.md &&
	gcommit "edit: by hand" &&
	kith history jane >out &&
	head -n 1 out | grep -q "  edit: by hand  $(git rev-parse --short HEAD)$" &&
	test "$(wc -l <out)" -eq 5 &&
	test "$(size)" -gt "$(cat fresh)"
'

test_expect 'a rename after the cache was made is followed' '
	git mv people/jane-smith.md people/jane-roe.md &&
	sed -i "s/^# Jane Smith/# Jane Roe/" people/jane-roe.md &&
	gcommit "mv: jane-smith -> jane-roe (1 file)" &&
	kith history jane >out &&
	head -n 1 out | grep -q "  people/jane-smith.md -> people/jane-roe.md$" &&
	kith history --json jane >got &&
	sed -n "s/.*\"commit\":\"\([0-9a-f]*\)\".*/\1/p" got >out &&
	git log --follow --format=%H -- people/jane-roe.md >want &&
	check_same want out &&
	test "$(wc -l <out)" -eq 6
'

test_expect 'so is a rename by kith mv' '
	kith mv jane jane-poe >/dev/null &&
	kith history --json jane-poe >got &&
	sed -n "s/.*\"commit\":\"\([0-9a-f]*\)\".*/\1/p" got >out &&
	git log --follow --format=%H -- people/jane-poe.md >want &&
	check_same want out &&
	test "$(wc -l <out)" -eq 7
'

test_expect 'a file that becomes a directory, and back' '
	echo one >notes &&
	gcommit "notes as a file" &&
	rm notes && mkdir notes && echo two >notes/a.md &&
	gcommit "notes as a directory" &&
	rm -r notes && echo three >notes &&
	gcommit "notes as a file again" &&
	for run in 1 2; do
		kith history --json notes/a.md >got &&
		sed -n "s/.*\"commit\":\"\([0-9a-f]*\)\".*/\1/p" got >out &&
		git rev-parse HEAD HEAD~1 >want &&
		check_same want out &&
		kith history --json notes >got &&
		sed -n "s/.*\"commit\":\"\([0-9a-f]*\)\".*/\1/p" got >out &&
		git rev-parse HEAD HEAD~1 HEAD~2 >want &&
		check_same want out || return 1
	done &&
	git rm -q -r notes && git commit -q -m "no notes"
'

test_expect 'a cache that cannot be opened: the same answers, no error' '
	rm -f $CACHE && answers want &&
	rm -f $CACHE && mkdir $CACHE &&
	answers out 2>err &&
	check_same want out &&
	test ! -s err &&
	test -d $CACHE &&
	rmdir $CACHE &&
	check_clean
'

test_done
