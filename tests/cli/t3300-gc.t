#!/bin/sh
# kith gc: loose objects into one pack, the loose files removed, nothing
# lost (every object, reachable or not, still there; git fsck clean;
# histories the same); packs merged past 16; the automatic gc after a
# commit, kith.gcAuto, and a failing automatic gc that fails no commit.
. "$(dirname "$0")/lib.sh"

DAY=journal/2026/2026-11-25.md

# loose: how many loose objects there are; loose_list: their files.
loose_list() {
	find .git/objects -type f -path '.git/objects/[0-9a-f][0-9a-f]/*' | sort
}
loose() {
	loose_list | wc -l | tr -d ' '
}
# npacks: how many packs there are.
npacks() {
	find .git/objects/pack -name '*.pack' | wc -l | tr -d ' '
}
# objects: every object, loose or packed, with its type and size.
objects() {
	git cat-file --batch-all-objects --batch-check
}
# plant N...: loose blobs "kith gc test N", whose ids start with 17 (the
# directory the automatic gc counts) for these N.
plant() {
	for n in "$@"; do
		printf 'kith gc test %d\n' "$n" | git hash-object -w --stdin >/dev/null
	done
}
# set_auto VALUE: kith.gcAuto in kith.conf, committed with git.
set_auto() {
	git config -f kith.conf kith.gcAuto "$1" &&
	git commit -q -m "gc.auto $1" kith.conf
}

cat >note.sh <<'SH'
#!/bin/sh
printf '\n- 2026-11-25: called again\n' >>"$1"
SH
chmod +x note.sh

new_repo repo
cd repo || exit 3
printf '%s\n' out err want got before after hist log packs.before >>.git/info/exclude
git config gc.auto 0 # the git program packs nothing by itself here

test_expect 'set up: 40 kith commits, no automatic gc, leave loose objects' '
	set_auto 0 &&
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		kith add "Person $i" >/dev/null &&
		kith log "coffee with @person-$i #t$i" >/dev/null || exit 1
	done &&
	for i in 1 2 3; do EDITOR=../note.sh kith edit person-1 >/dev/null || exit 1; done &&
	test "$(git rev-list --count HEAD)" -ge 44 &&
	test "$(loose)" -gt 150 &&
	test "$(npacks)" = 0
'

test_expect 'kith gc packs every loose object and removes the files' '
	printf "unreachable\n" | git hash-object -w --stdin >../unreachable &&
	n=$(loose) &&
	objects >../objects.before &&
	git log -p >../log.before &&
	kith history people/person-1.md >../hist.before &&
	kith history -p $DAY >../jhist.before &&
	first=$(loose_list | head -n 1) && cp -p "$first" ../dup && echo "$first" >../dup.path &&
	kith gc >out 2>err &&
	test ! -s err &&
	grep -E "^packed $n objects, removed $n loose objects, packs: 0 -> 1; \.git: [0-9.]+ KB -> [0-9.]+ KB\$" out &&
	test "$(loose)" = 0 &&
	test "$(npacks)" = 1
'

test_expect 'every object is still there, the unreachable one too' '
	objects >after &&
	check_same ../objects.before after &&
	git cat-file -e "$(cat ../unreachable)"
'

test_expect 'git fsck --full is clean and git verify-pack checks the pack' '
	git fsck --full --no-dangling >out 2>&1 &&
	test ! -s out &&
	git verify-pack .git/objects/pack/*.idx
'

test_expect 'the history reads the same: git log -p, kith history' '
	git log -p >log &&
	check_same ../log.before log &&
	kith history people/person-1.md >hist &&
	check_same ../hist.before hist &&
	test "$(wc -l <hist)" -ge 4 &&
	kith history -p $DAY >hist &&
	check_same ../jhist.before hist
'

test_expect 'a second gc with nothing loose changes nothing' '
	ls .git/objects/pack >before &&
	kith gc >out 2>err &&
	test ! -s err &&
	grep -E "^nothing to pack: 0 loose objects, 1 pack; \.git: [0-9.]+ KB\$" out &&
	ls .git/objects/pack >after &&
	check_same before after
'

test_expect 'a loose copy of a packed object is removed, no pack written' '
	p=$(cat ../dup.path) && mkdir -p "${p%/*}" && cp -p ../dup "$p" &&
	test "$(loose)" = 1 &&
	ls .git/objects/pack >before &&
	kith gc >out &&
	grep -E "^packed 0 objects, removed 1 loose objects, packs: 1 -> 1; " out &&
	test "$(loose)" = 0 &&
	ls .git/objects/pack >after &&
	check_same before after &&
	objects >after &&
	check_same ../objects.before after
'

test_expect '-q prints nothing' '
	kith log "quiet one" >/dev/null &&
	test "$(loose)" -gt 0 &&
	kith gc -q >out 2>err &&
	test ! -s out && test ! -s err &&
	test "$(loose)" = 0 && test "$(npacks)" = 2
'

test_expect 'up to 16 packs are kept as they are' '
	for i in 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		kith log "entry $i" >/dev/null && kith gc -q || exit 1
	done &&
	test "$(npacks)" = 16
'

test_expect 'past 16 packs, all but the largest are merged into the new one' '
	kith log "entry 17" >/dev/null &&
	objects >before &&
	kith gc >out &&
	grep -E "^packed [0-9]+ objects, removed [0-9]+ loose objects, packs: 16 -> 2; " out &&
	test "$(npacks)" = 2 &&
	test "$(loose)" = 0 &&
	objects >after &&
	check_same before after &&
	git fsck --full --no-dangling >out 2>&1 && test ! -s out
'

test_expect '--full: every object in one pack' '
	kith log "one more" >/dev/null &&
	objects >before &&
	kith gc --full >out &&
	grep -E "^packed [0-9]+ objects, removed [0-9]+ loose objects, packs: 2 -> 1; " out &&
	test "$(npacks)" = 1 && test "$(loose)" = 0 &&
	objects >after &&
	check_same before after &&
	git cat-file -e "$(cat ../unreachable)" &&
	git fsck --full --no-dangling >out 2>&1 && test ! -s out &&
	kith history people/person-1.md >hist &&
	check_same ../hist.before hist
'

test_expect 'a commit past kith.gcAuto runs the gc itself' '
	set_auto 256 &&
	plant 535 570 &&
	test "$(ls .git/objects/17 | wc -l)" -ge 2 &&
	packs=$(npacks) &&
	objects >before &&
	kith log "this commit packs" >out 2>err &&
	test ! -s err &&
	test "$(git log -1 --format=%s)" = "log: this commit packs" &&
	test "$(loose)" = 0 &&
	test "$(npacks)" = $((packs + 1)) &&
	objects >after &&
	test "$(comm -23 before after | wc -l)" = 0 &&
	test ! -e .kith/gc.log &&
	check_clean
'

test_expect 'kith.gcAuto = 0: no automatic gc' '
	set_auto 0 &&
	plant 578 690 873 &&
	kith log "no gc here" >out 2>err &&
	test ! -s err &&
	test "$(ls .git/objects/17 | wc -l)" -ge 3 &&
	test "$(loose)" -ge 9
'

test_expect 'below kith.gcAuto: no automatic gc' '
	kith gc -q &&
	set_auto 1000 &&
	plant 1145 1638 &&
	kith log "still no gc" >out 2>err &&
	test ! -s err &&
	test "$(ls .git/objects/17 | wc -l)" -ge 2 &&
	test "$(loose)" -ge 8
'

test_expect 'kith.gcAuto not a number: the commit is made, with a warning' '
	git config -f kith.conf kith.gcAuto lots && git commit -q -m lots kith.conf &&
	plant 1671 2000 &&
	n=$(loose) &&
	kith log "bad setting" >out 2>err &&
	echo "kith-log: warning: automatic gc skipped: bad value '\''lots'\'' for '\''kith.gcAuto'\'' in '\''$(pwd -P)/kith.conf'\'': use a whole number" >want &&
	check_same want err &&
	test "$(git log -1 --format=%s)" = "log: bad setting" &&
	test "$(loose)" -gt "$n"
'

BAD=.git/objects/17/00000000000000000000000000000000000000

test_expect 'a failing automatic gc fails no commit: a warning, .kith/gc.log' '
	kith gc -q &&
	set_auto 256 &&
	plant 2094 &&
	printf "not an object" >$BAD &&
	loose_list >before &&
	npacks >packs.before &&
	kith log "corrupt next door" >out 2>err &&
	test "$(git log -1 --format=%s)" = "log: corrupt next door" &&
	grep "^kith-log: warning: automatic gc failed: cannot pack object 1700000000000000000000000000000000000000: .*: check the repository with '\''git fsck'\'': run '\''kith gc'\''\$" err &&
	test "$(wc -l <err)" = 1 &&
	grep "^cannot pack object 1700000000000000000000000000000000000000: " .kith/gc.log &&
	loose_list >after &&
	test "$(comm -23 before after | wc -l)" = 0 &&
	npacks >after &&
	check_same packs.before after &&
	check_clean
'

test_expect 'while .kith/gc.log is fresh, commits only warn' '
	cp .kith/gc.log log &&
	kith log "again" >out 2>err &&
	echo "kith-log: warning: the last automatic gc failed (see '\''.kith/gc.log'\''): run '\''kith gc'\''" >want &&
	check_same want err &&
	check_same log .kith/gc.log &&
	test "$(git log -1 --format=%s)" = "log: again"
'

test_expect 'kith gc says why the last one failed, fails the same, removes nothing' '
	loose_list >before &&
	code=0; kith gc >out 2>err || code=$? &&
	test $code = 3 &&
	test ! -s out &&
	sed -n 1p err | grep "^kith-gc: note: the last automatic gc failed: cannot pack object 17000" &&
	sed -n 2p err | grep "^kith-gc: cannot pack object 1700000000000000000000000000000000000000: .*: check the repository with '\''git fsck'\''\$" &&
	loose_list >after &&
	check_same before after &&
	npacks >after &&
	check_same packs.before after &&
	test -e .kith/gc.log
'

test_expect 'once the object is gone, kith gc succeeds and clears .kith/gc.log' '
	rm -f $BAD packs.before &&
	kith gc >out 2>err &&
	sed -n 1p err | grep "^kith-gc: note: the last automatic gc failed: " &&
	test "$(wc -l <err)" = 1 &&
	test ! -e .kith/gc.log &&
	test "$(loose)" = 0 &&
	git fsck --full --no-dangling >out 2>&1 && test ! -s out &&
	kith log "clean again" >out 2>err && test ! -s err
'

test_expect 'a held lock makes gc exit 3 and change nothing' '
	kith log "to pack" >/dev/null &&
	loose_list >before &&
	ls .git/objects/pack >packs.before &&
	lock_hold . &&
	rc=0 &&
	{ KITH_LOCK_TIMEOUT=1 kith gc >out 2>err || rc=$?; } &&
	lock_release &&
	test "$rc" = 3 &&
	echo "kith-gc: repository is locked by another kith process ('\''.kith/lock'\''): try again in a moment" >want &&
	check_same want err &&
	test ! -s out &&
	loose_list >after &&
	check_same before after &&
	ls .git/objects/pack >after &&
	check_same packs.before after &&
	rm -f packs.before
'

test_expect 'kith -C DIR gc, through the dispatcher' '
	cd .. &&
	kith -C repo gc >out &&
	grep -E "^packed [0-9]+ objects, removed [0-9]+ loose objects, packs: [0-9]+ -> [0-9]+; " out &&
	rm -f out
'

test_expect_code 2 'a bad option: usage, exit 2' '
	kith gc --bogus 2>err; rc=$?
	grep -qx "usage: kith gc \[-q\] \[--full\]" err && exit $rc
'

test_expect_code 2 'an operand: usage, exit 2' '
	kith gc now 2>err; rc=$?
	grep -qx "usage: kith gc \[-q\] \[--full\]" err && exit $rc
'

test_expect '--help: the usage on stdout, exit 0' '
	kith gc --help >out 2>err &&
	echo "usage: kith gc [-q] [--full]" >want &&
	check_same want out &&
	test ! -s err
'

test_expect 'kith help lists gc' '
	kith help >out &&
	grep -q "^ *gc  *pack the git repository\$" out
'

test_expect 'no repository: exit 3' '
	mkdir -p ../elsewhere && cd ../elsewhere &&
	code=0; kith gc >out 2>err || code=$? &&
	test $code = 3 &&
	grep -q "^kith-gc: " err &&
	test ! -s out
'

test_expect 'the work tree is clean' '
	check_clean
'

test_done
