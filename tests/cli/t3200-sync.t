#!/bin/sh
# t3200-sync.t - kith sync: commit hand edits, fetch, merge, push.
#
# A bare remote and clones of it by plain path (git clone, set-up only),
# each with its own identity; then only kith commands do the work, and
# git log, cat and grep check what they did. After every scenario, every
# line either side wrote must be in both clones.
. "$(dirname "$0")/lib.sh"

# libgit2 1.5.1 leaks a pcre2 match block on every regexp that does not
# match (fixed upstream by libgit2 pull request 6382), in each remote
# call: git_remote_lookup, git_remote_fetch... Under LeakSanitizer, let
# what pcre2 allocates pass (its frames have no symbols to be narrower).
printf '%s\n' 'leak:libpcre2-8.so' >"$TRASH/lsan.supp"
LSAN_OPTIONS="suppressions=$TRASH/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS

R="$TRASH/remote.git"
day=journal/2026/2026-11-25.md

# clone DIR NAME: a clone of the remote, committing as NAME.
clone() {
	git clone -q "$R" "$1" 2>/dev/null &&
	git -C "$1" config user.name "$2" &&
	git -C "$1" config user.email "$2@example.com"
}

# has DIR LINE...: each LINE is a whole line of some file in DIR's
# people/ and journal/ trees.
has() {
	d=$1
	shift
	for l in "$@"; do
		grep -rqxF -- "$l" "$d/people" "$d/journal" 2>/dev/null ||
			{ echo "'$l' missing in $d"; return 1; }
	done
}

# parents DIR: how many parents DIR's HEAD has.
parents() {
	git -C "$1" rev-list --parents -n 1 HEAD | awk '{ print NF - 1 }'
}

# at_remote DIR: DIR's branch is where the remote's is.
at_remote() {
	test "$(git -C "$1" rev-parse HEAD)" = "$(git -C "$R" rev-parse main)"
}

subject() {
	git -C "$1" log -1 --format=%s
}

test_expect 'setup: a bare remote, a repository pushed to it, two clones' '
	git init -q --bare "$R" &&
	clone a ann &&
	kith init a >/dev/null &&
	kith -C a sync >out 2>err &&
	grep -x "origin/main has no such branch yet" out &&
	grep -x "pushed 1 commit to origin/main" out &&
	at_remote a &&
	clone b bob &&
	clone c cyd &&
	test -f b/kith.conf && test -f c/.gitattributes
'

test_expect 'up to date: nothing to do' '
	kith -C b sync >out 2>err &&
	echo "up to date with origin/main" >want &&
	check_same want out &&
	test ! -s err
'

# ---- fast-forward ----

test_expect 'fast-forward: one side logs and pushes, the other fast-forwards' '
	kith -C a log "Coffee with Ana" >/dev/null &&
	kith -C a sync >out &&
	grep -x "pushed 1 commit to origin/main" out &&
	kith -C b sync >out &&
	grep -x "fast-forwarded to origin/main: 1 commit" out &&
	at_remote b &&
	test "$(parents b)" = 1 &&
	has b "## Coffee with Ana" &&
	check_same a/$day b/$day &&
	check_clean b
'

# ---- journal: both sides log to the same day ----

test_expect 'both log to the same day: both entries, in both clones' '
	kith -C a log >/dev/null <<-\EOF &&
	Lunch with Ben
	He is leaving Acme in March.
	EOF
	kith -C b log >/dev/null <<-\EOF &&
	Call with Cleo
	She wants an intro to Dana.
	- [ ] introduce Cleo to Dana
	EOF
	kith -C a sync >/dev/null &&
	kith -C b sync >out &&
	grep "^merged origin/main: 1 local, 1 remote commit" out &&
	test "$(parents b)" = 2 &&
	test "$(subject b)" = "sync: merge origin/main" &&
	kith -C a sync >/dev/null &&
	at_remote a && at_remote b &&
	for d in a b; do
		has $d "## Coffee with Ana" "## Lunch with Ben" \
			"He is leaving Acme in March." "## Call with Cleo" \
			"She wants an intro to Dana." "- [ ] introduce Cleo to Dana" ||
			exit 1
	done &&
	cat >want <<-\EOF &&
	# 2026-11-25

	## Coffee with Ana

	## Call with Cleo
	She wants an intro to Dana.
	- [ ] introduce Cleo to Dana

	## Lunch with Ben
	He is leaving Acme in March.
	EOF
	check_same want b/$day &&
	check_same a/$day b/$day
'

test_expect 'both log to a new day: the day file made on both sides merges' '
	kith -C a log -d 2026-11-26 "Breakfast with Eve" >/dev/null &&
	kith -C b log -d 2026-11-26 "Dinner with Finn" >/dev/null &&
	kith -C b sync >/dev/null &&
	kith -C a sync >/dev/null &&
	kith -C b sync >/dev/null &&
	for d in a b; do
		has $d "# 2026-11-26" "## Breakfast with Eve" "## Dinner with Finn" ||
			exit 1
	done &&
	printf "%s\n" "# 2026-11-26" "" "## Breakfast with Eve" "" \
		"## Dinner with Finn" >want &&
	check_same want a/journal/2026/2026-11-26.md &&
	check_same a/journal/2026/2026-11-26.md b/journal/2026/2026-11-26.md &&
	check_clean a && check_clean b
'

# ---- person files, field by field ----

test_expect 'setup: a person on both sides' '
	kith -C a add -f email=ana@example.com -f phone=+49-1 -f city=Rome \
		Ana Lima >/dev/null &&
	printf "\nMet at PyCon.\n" >>a/people/ana-lima.md &&
	kith -C a sync >out &&
	grep -x "committed 1 file" out &&
	test "$(git -C a log -1 --format=%s HEAD~0)" = "edit: 1 file" &&
	kith -C b sync >/dev/null &&
	check_same a/people/ana-lima.md b/people/ana-lima.md
'

test_expect 'different fields on adjacent lines changed on each side: both' '
	sed -i "s/^- phone: .*/- phone: +49-2/" a/people/ana-lima.md &&
	sed -i "s/^- city: .*/- city: Paris/" b/people/ana-lima.md &&
	kith -C a sync >/dev/null &&
	kith -C b sync >out &&
	grep "^merged origin/main" out &&
	kith -C a sync >/dev/null &&
	cat >want <<-\EOF &&
	# Ana Lima

	- email: ana@example.com
	- phone: +49-2
	- city: Paris

	Met at PyCon.
	EOF
	check_same want a/people/ana-lima.md &&
	check_same want b/people/ana-lima.md
'

test_expect 'both add an e-mail: both kept' '
	sed -i "/^- email: ana@example.com/a - email: ana@acme.example" \
		a/people/ana-lima.md &&
	sed -i "/^- email: ana@example.com/a - email: ana@home.example" \
		b/people/ana-lima.md &&
	kith -C a sync >/dev/null &&
	kith -C b sync >/dev/null &&
	kith -C a sync >/dev/null &&
	for d in a b; do
		has $d "- email: ana@example.com" "- email: ana@acme.example" \
			"- email: ana@home.example" "- phone: +49-2" "- city: Paris" ||
			exit 1
	done &&
	test "$(grep -c "^- email:" a/people/ana-lima.md)" = 3 &&
	check_same a/people/ana-lima.md b/people/ana-lima.md
'

test_expect 'both append notes: both kept, the local side first' '
	printf -- "- 2026-11-20: called about the offer #career\n" \
		>>a/people/ana-lima.md &&
	printf -- "- 2026-11-21: lunch, she climbs #climbing\n" \
		>>b/people/ana-lima.md &&
	kith -C a sync >/dev/null &&
	kith -C b sync >/dev/null &&
	kith -C a sync >/dev/null &&
	tail -n 2 b/people/ana-lima.md >got &&
	cat >want <<-\EOF &&
	- 2026-11-21: lunch, she climbs #climbing
	- 2026-11-20: called about the offer #career
	EOF
	check_same want got &&
	check_same a/people/ana-lima.md b/people/ana-lima.md &&
	has a "Met at PyCon." &&
	check_clean a && check_clean b
'

# ---- a conflict, resolved by hand ----

test_expect_code 3 'both change the phone: conflict, exit 3' '
	sed -i "s/^- phone: .*/- phone: +49-3/" a/people/ana-lima.md &&
	sed -i "s/^- phone: .*/- phone: +49-4/" b/people/ana-lima.md &&
	kith -C a log "Tea with Gus" >/dev/null &&
	kith -C a sync >/dev/null &&
	kith -C b sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'the conflict is marked on just that line, the merge left open' '
	cat >want <<-\EOF &&
	# Ana Lima

	- email: ana@example.com
	- email: ana@home.example
	- email: ana@acme.example
	<<<<<<< ours
	- phone: +49-4
	=======
	- phone: +49-3
	>>>>>>> theirs
	- city: Paris

	Met at PyCon.
	- 2026-11-21: lunch, she climbs #climbing
	- 2026-11-20: called about the offer #career
	EOF
	check_same want b/people/ana-lima.md &&
	grep -x "kith-sync: conflict in '\''people/ana-lima.md'\''" err &&
	grep "kith check" err &&
	test -f b/.git/MERGE_HEAD &&
	git -C b status --porcelain >got &&
	printf "%s\n" "M  $day" "UU people/ana-lima.md" >want &&
	check_same want got &&
	has b "## Tea with Gus" &&
	at_remote a
'

test_expect_code 3 'a sync while the markers remain refuses to commit' '
	kith -C b sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it says why, and leaves the merge as it was' '
	grep "conflict markers in '\''people/ana-lima.md'\''" err &&
	grep "kith check" err &&
	test -f b/.git/MERGE_HEAD &&
	grep -qx "<<<<<<< ours" b/people/ana-lima.md
'

test_expect 'resolved by hand, the next sync commits the merge and pushes' '
	sed -i "/^<<<<<<< ours$/d; /^=======$/d; /^>>>>>>> theirs$/d; /+49-3/d" \
		b/people/ana-lima.md &&
	kith -C b sync >out 2>err &&
	grep -x "finished the merge of origin/main" out &&
	grep "^pushed 2 commits to origin/main" out &&
	test ! -f b/.git/MERGE_HEAD &&
	test "$(parents b)" = 2 &&
	test "$(subject b)" = "sync: merge origin/main" &&
	at_remote b &&
	kith -C a sync >out &&
	grep "^fast-forwarded" out &&
	check_same a/people/ana-lima.md b/people/ana-lima.md &&
	has a "- phone: +49-4" "## Tea with Gus" "- city: Paris" &&
	! grep -q "^<<<<<<<\|^>>>>>>>" a/people/ana-lima.md &&
	check_clean a && check_clean b
'

# ---- hand edits ----

test_expect 'hand edits are committed as "edit: N files" and pushed' '
	printf "%s\n" "# Hal Ito" "" "- email: hal@example.com" >b/people/hal-ito.md &&
	printf "\nQuiet but sharp.\n" >>b/people/ana-lima.md &&
	echo scratch >b/people/notes.txt &&
	kith -C b sync >out &&
	grep -x "committed 2 files" out &&
	test "$(git -C b log -1 --format=%s origin/main)" = "edit: 2 files" &&
	git -C b show --name-only --format= origin/main >got &&
	printf "%s\n" people/ana-lima.md people/hal-ito.md >want &&
	check_same want got &&
	at_remote b &&
	git -C b status --porcelain >got &&
	echo "?? people/notes.txt" >want &&
	check_same want got &&
	rm b/people/notes.txt &&
	kith -C a sync >/dev/null &&
	has a "# Hal Ito" "Quiet but sharp."
'

test_expect 'one hand edit: "edit: 1 file"; a deleted file is committed too' '
	rm a/people/hal-ito.md &&
	kith -C a sync >out &&
	grep -x "committed 1 file" out &&
	test "$(git -C a log -1 --format=%s HEAD)" = "edit: 1 file" &&
	! git -C a cat-file -e origin/main:people/hal-ito.md 2>/dev/null &&
	kith -C b sync >/dev/null &&
	test ! -e b/people/hal-ito.md
'

test_expect_code 3 'a hand edit with conflict markers is not committed' '
	printf "<<<<<<< pasted\n" >>a/people/ana-lima.md &&
	kith -C a sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it names the file; removing the marker lets the sync go on' '
	grep "conflict markers in '\''people/ana-lima.md'\''" err &&
	test -n "$(git -C a status --porcelain)" &&
	sed -i "/^<<<<<<< pasted$/d" a/people/ana-lima.md &&
	kith -C a sync >out &&
	check_clean a
'

# ---- the push is refused when the remote moves between fetch and push ----

# The remote moves while a waits for its lock after fetching: a holder of
# a's lock waits for a's fetch (a's origin/main moves), pushes c's commit,
# then lets go. a's first push is then refused and retried.
test_expect 'push refused because the remote moved: fetch, merge, retry' '
	kith -C c sync >/dev/null &&
	kith -C b log "Walk with Ivy" >/dev/null &&
	kith -C b sync >/dev/null &&
	kith -C c sync >/dev/null &&
	kith -C c log "Call with Jo" >/dev/null &&
	kith -C a log "Drinks with Kai" >/dev/null &&
	moved=$(git -C "$R" rev-parse main) &&
	rm -f locked &&
	flock a/.kith/lock sh -c "
		touch locked
		i=0
		while [ \"\$(git -C a rev-parse refs/remotes/origin/main)\" != $moved ]; do
			i=\$((i + 1)); [ \$i -lt 600 ] || exit 1; sleep 0.05
		done
		git -C c push -q origin main
	" &
	holder=$! &&
	i=0 &&
	while [ ! -f locked ] && [ $i -lt 400 ]; do
		i=$((i + 1)); sleep 0.05
	done &&
	KITH_LOCK_TIMEOUT=60 kith -C a sync >out 2>err &&
	wait $holder &&
	grep "refused the push" err &&
	test "$(grep -c "^merged origin/main" out)" = 2 &&
	grep "^pushed" out &&
	at_remote a &&
	for d in a b c; do
		kith -C $d sync >/dev/null &&
		has $d "## Walk with Ivy" "## Call with Jo" "## Drinks with Kai" \
			"## Coffee with Ana" "## Tea with Gus" || exit 1
	done &&
	check_same a/$day c/$day &&
	check_clean a && check_clean b && check_clean c
'

test_expect_code 3 'a remote that keeps refusing: three retries, then exit 3' '
	kith -C a log "Brunch with Lea" >/dev/null &&
	before=$(git -C a rev-parse HEAD) &&
	echo "$before" >"$TRASH/before" &&
	touch "$R/refs/heads/main.lock" &&
	kith -C a sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'nothing is lost; once the remote takes it, the next sync pushes' '
	test "$(grep -c "refused the push (" err)" = 3 &&
	grep "refused the push 4 times" err &&
	test "$(git -C a rev-parse HEAD)" = "$(cat before)" &&
	has a "## Brunch with Lea" &&
	rm "$R/refs/heads/main.lock" &&
	kith -C a sync >out &&
	grep -x "pushed 1 commit to origin/main" out &&
	at_remote a &&
	check_clean a
'

# ---- interrupted, or a write that fails: nothing changes ----

# hold_lock DIR: hold DIR's lock in the background until ./release exists.
hold_lock() {
	rm -f locked release
	flock "$1/.kith/lock" sh -c "
		touch locked
		i=0
		while [ ! -f release ] && [ \$i -lt 600 ]; do
			i=\$((i + 1)); sleep 0.05
		done
	" &
	holder=$!
	i=0
	while [ ! -f locked ]; do
		i=$((i + 1)) && [ $i -lt 400 ] && sleep 0.05 || return 1
	done
}

test_expect 'interrupted while it waits to merge: nothing changes' '
	kith -C b log "Swim with Quinn" >/dev/null &&
	kith -C b sync >/dev/null &&
	moved=$(git -C "$R" rev-parse main) &&
	kith -C a log "Run with Rae" >/dev/null &&
	git -C a rev-parse HEAD >before &&
	cp a/$day day-before &&
	hold_lock a &&
	{ KITH_LOCK_TIMEOUT=60 kith -C a sync >out 2>err & } &&
	syncer=$! &&
	i=0 &&
	while [ "$(git -C a rev-parse refs/remotes/origin/main)" != $moved ] && [ $i -lt 400 ]; do
		i=$((i + 1)); sleep 0.05
	done &&
	kill -TERM $syncer &&
	{ wait $syncer && st=0 || st=$?; } &&
	touch release && wait $holder &&
	test $st -gt 128 &&
	test "$(git -C a rev-parse HEAD)" = "$(cat before)" &&
	test ! -f a/.git/MERGE_HEAD &&
	check_same day-before a/$day &&
	check_clean a &&
	kith -C a sync >out &&
	grep "^merged origin/main" out &&
	has a "## Swim with Quinn" "## Run with Rae" &&
	at_remote a
'

test_expect 'setup: a long entry on the remote' '
	yes "All work and no play makes Jack a dull boy." | head -n 2000 >long &&
	{ echo "Retreat with Sam"; cat long; } | kith -C b log >/dev/null &&
	kith -C b sync >/dev/null &&
	kith -C a log "Chess with Tom" >/dev/null &&
	kith -C a sync --dry-run >/dev/null &&
	git -C a rev-parse HEAD >before &&
	cp a/$day day-before
'

# A file size limit makes writing the merged day fail as a full disk
# would (the objects fetched by the dry run and made by the merge are
# small).
test_expect_code 3 'a write that fails while merging: exit 3' '
	(trap "" XFSZ; ulimit -f 16; kith -C a sync >"$TRASH/out" 2>"$TRASH/err")
'

test_expect 'it says what failed; the branch and every file are as they were' '
	grep "cannot write '\''$day'\''" err &&
	test "$(git -C a rev-parse HEAD)" = "$(cat before)" &&
	test ! -f a/.git/MERGE_HEAD &&
	check_same day-before a/$day &&
	check_clean a &&
	test -z "$(find a/journal -name ".*")" &&
	kith -C a sync >out &&
	grep "^merged origin/main" out &&
	has a "## Retreat with Sam" "## Chess with Tom" &&
	test "$(grep -c "^All work and no play" a/$day)" = 2000 &&
	at_remote a &&
	kith -C b sync >/dev/null
'

# ---- a merge that cannot be written changes nothing ----

test_expect 'setup: a remote change to kith.conf, a hidden file and a new day' '
	printf "[kith]\n\tdueDays = 10\n" >>b/kith.conf &&
	mkdir b/.obsidian && echo "{}" >b/.obsidian/app.json &&
	git -C b add kith.conf .obsidian/app.json &&
	git -C b commit -q -m "kith.conf: look ten days ahead" &&
	kith -C b log -d 2026-11-27 "Hike with Max" >/dev/null &&
	kith -C b sync >/dev/null
'

test_expect_code 3 'a local uncommitted change to a file the merge changes' '
	kith -C a log "Note to self" >/dev/null &&
	echo "# mine" >>a/kith.conf &&
	git -C a rev-parse HEAD >"$TRASH/before" &&
	kith -C a sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it is refused with what to do; nothing changed' '
	grep "'\''kith.conf'\'' has changes that are not committed" err &&
	test "$(git -C a rev-parse HEAD)" = "$(cat before)" &&
	test ! -f a/.git/MERGE_HEAD &&
	test ! -e a/journal/2026/2026-11-27.md &&
	tail -n 1 a/kith.conf | grep -x "# mine" &&
	git -C a checkout -q kith.conf
'

test_expect_code 3 'a directory where the merge writes a file: exit 3' '
	mkdir -p a/journal/2026/2026-11-27.md/x &&
	kith -C a sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'the branch, the index and the work tree are as they were' '
	grep "2026-11-27.md" err &&
	test "$(git -C a rev-parse HEAD)" = "$(cat before)" &&
	test ! -f a/.git/MERGE_HEAD &&
	! grep -q "dueDays = 10" a/kith.conf &&
	rm -r a/journal/2026/2026-11-27.md &&
	test -z "$(git -C a status --porcelain)" &&
	kith -C a sync >out &&
	grep "^merged origin/main" out &&
	has a "## Hike with Max" "## Note to self" &&
	grep -q "dueDays = 10" a/kith.conf &&
	test "$(cat a/.obsidian/app.json)" = "{}" &&
	at_remote a &&
	check_clean a
'

# ---- --dry-run ----

# state DIR: everything a sync could change in DIR.
state() {
	(cd "$1" && git rev-parse HEAD && git for-each-ref &&
		cat .git/config && git status --porcelain &&
		git ls-files -s && ls .git && find people journal -type f |
		sort | xargs cat) 2>&1
}

test_expect '--dry-run says what would happen and changes nothing' '
	kith -C b sync >/dev/null &&
	kith -C a log "Pizza with Ned" >/dev/null &&
	kith -C a sync >/dev/null &&
	kith -C b log "Sushi with Oli" >/dev/null &&
	printf -- "- 2026-11-22: coffee\n" >>b/people/ana-lima.md &&
	state b >before &&
	kith -C b sync --dry-run >out 2>err &&
	state b >after &&
	check_same before after &&
	cat >want <<-\EOF &&
	would commit '\''people/ana-lima.md'\''
	would merge origin/main: 1 local, 1 remote commit
	would push 3 commits to origin/main
	EOF
	check_same want out &&
	test ! -s err
'

test_expect '--dry-run foresees a conflict' '
	sed -i "s/^- city: .*/- city: Lyon/" a/people/ana-lima.md &&
	kith -C a sync >/dev/null &&
	sed -i "s/^- city: .*/- city: Nice/" b/people/ana-lima.md &&
	git -C b commit -q -am "city" &&
	state b >before &&
	kith -C b sync -n >out &&
	state b >after &&
	check_same before after &&
	grep -x "would conflict in '\''people/ana-lima.md'\''" out &&
	grep -x "would stop at the conflicts" out &&
	! grep "would push" out &&
	git -C b reset -q --hard HEAD~1 &&
	printf -- "- 2026-11-22: coffee\n" >>b/people/ana-lima.md
'

test_expect 'the real sync does what the dry run said' '
	kith -C b sync >out &&
	grep -x "committed 1 file" out &&
	grep "^merged origin/main" out &&
	grep -x "pushed 3 commits to origin/main" out &&
	kith -C a sync >/dev/null &&
	for d in a b; do
		has $d "## Pizza with Ned" "## Sushi with Oli" "- city: Lyon" \
			"- 2026-11-22: coffee" || exit 1
	done
'

# ---- which remote ----

test_expect_code 2 'no remote at all: exit 2' '
	kith init solo >/dev/null &&
	kith -C solo sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it says how to add one' '
	grep "no remote to sync with" err &&
	grep "git remote add origin" err &&
	test ! -s out
'

test_expect_code 2 'a name that is neither a remote nor a URL: exit 2' '
	kith -C solo sync nosuchremote 2>"$TRASH/err"
'

test_expect 'a path given once becomes origin, and the branch its upstream' '
	grep "no remote '\''nosuchremote'\''" err &&
	git init -q --bare solo.git &&
	kith -C solo sync "$TRASH/solo.git" >out &&
	grep -x "pushed 1 commit to origin/main" out &&
	test "$(git -C solo remote get-url origin)" = "$TRASH/solo.git" &&
	test "$(git -C solo rev-parse --abbrev-ref "@{upstream}")" = origin/main &&
	kith -C solo sync >out &&
	echo "up to date with origin/main" >want &&
	check_same want out
'

test_expect_code 2 'a URL while origin points elsewhere: exit 2' '
	kith -C solo sync "$R" 2>"$TRASH/err"
'

test_expect 'a remote by name' '
	grep "origin.* already points to" err &&
	git -C solo remote add other "$R" &&
	kith -C solo sync --dry-run other >out &&
	grep "other/main" out
'

test_expect_code 3 'a remote with a work tree cannot take a push: exit 3' '
	git clone -q "$TRASH/solo.git" peer &&
	git -C solo remote add peer "$TRASH/peer" &&
	kith -C solo log "Only here" >/dev/null &&
	kith -C solo sync peer >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it says to sync through a bare repository' '
	grep "only a bare repository takes a push" err &&
	has solo "## Only here" &&
	kith -C solo sync >out &&
	grep -x "pushed 1 commit to origin/main" out
'

test_expect_code 3 'an unreachable remote: exit 3' '
	kith init lone >/dev/null &&
	kith -C lone log "Alone with Pat" >/dev/null &&
	git -C lone remote add origin "$TRASH/nowhere.git" &&
	echo "- 2026-11-23: note" >>lone/journal/2026/2026-11-25.md &&
	kith -C lone sync >"$TRASH/out" 2>"$TRASH/err"
'

test_expect 'it says what failed; the edit is committed, nothing lost' '
	grep "cannot fetch from '\''origin'\''" err &&
	grep "git remote -v" err &&
	test "$(subject lone)" = "edit: 1 file" &&
	has lone "## Alone with Pat" "- 2026-11-23: note" &&
	check_clean lone
'

test_expect_code 3 'an unreachable path given once: exit 3' '
	kith init lone2 >/dev/null &&
	kith -C lone2 sync "$TRASH/nowhere.git" 2>"$TRASH/err"
'

test_expect 'and it is not kept as origin' '
	grep "cannot fetch" err &&
	test -z "$(git -C lone2 remote)"
'

test_expect 'usage: -h prints it, a second argument is bad usage' '
	kith sync -h >out &&
	grep -x "usage: kith sync \[--dry-run\] \[remote | url\]" out &&
	{ kith -C a sync one two 2>err; test $? = 2; } &&
	grep "^usage:" err
'

test_expect 'every clone is clean' '
	for d in a b c solo lone lone2; do check_clean $d || exit 1; done
'

test_done
