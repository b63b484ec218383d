# lib.sh - shared setup for kith's command tests (TAP, after git's t/).
#
# Each script: `. "$(dirname "$0")/lib.sh"`, then
#	test_expect 'name' 'commands'      commands must exit 0
#	test_expect_code N 'name' 'cmd'    cmd must exit N
#	test_done                           ends, checks git status is clean
# Each script runs in its own trash directory with HOME inside it, fixed
# TZ, LANG, identity and KITH_TODAY. kith's programs are on PATH.

set -u
: "${KITH_BUILD_DIR:?run through make check}"
: "${KITH_SRC_DIR:?run through make check}"

T_NAME=$(basename "$0" .t)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/kith-$T_NAME.XXXXXX") || exit 3
trap 'rm -rf "$TRASH"' EXIT
FIXTURES="$KITH_SRC_DIR/tests/fixtures"

export HOME="$TRASH/home"
export XDG_CONFIG_HOME="$HOME/.config"
export TZ=UTC LANG=C.UTF-8 LC_ALL=C.UTF-8
export KITH_TODAY=2026-11-25
export KITH_LOCK_TIMEOUT=2
export GIT_CONFIG_NOSYSTEM=1
export PATH="$KITH_BUILD_DIR:$PATH"
unset KITH_DIR VISUAL EDITOR PAGER NO_COLOR GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
mkdir -p "$HOME"
cat >"$HOME/.gitconfig" <<'CONF'
[user]
	name = Test User
	email = test@example.com
[init]
	defaultBranch = main
CONF
cd "$TRASH" || exit 3

t_n=0
t_failed=0

t_report() {
	t_n=$((t_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $t_n - $2"
	else
		t_failed=$((t_failed + 1))
		echo "not ok $t_n - $2"
		sed 's/^/#   /' "$TRASH/.out" 2>/dev/null
	fi
}

# test_expect NAME SCRIPT: SCRIPT (run in a subshell with set -e) exits 0.
test_expect() {
	(set -e; eval "$2") >"$TRASH/.out" 2>&1
	t_report $? "$1"
}

# test_expect_code CODE NAME COMMAND: COMMAND exits with CODE.
test_expect_code() {
	(eval "$3") >"$TRASH/.out" 2>&1
	rc=$?
	if [ "$rc" -ne "$1" ]; then
		echo "exit $rc, want $1" >>"$TRASH/.out"
		t_report 1 "$2"
	else
		t_report 0 "$2"
	fi
}

# check_same WANT GOT: files are equal (diff shown on failure).
check_same() {
	diff -u "$1" "$2"
}

# check_clean [DIR]: the git work tree has no changes.
check_clean() {
	s=$(git -C "${1:-.}" status --porcelain) || return 1
	[ -z "$s" ] || { echo "not clean:"; echo "$s"; return 1; }
}

# lock_hold DIR: hold DIR's .kith/lock from a background process until
# lock_release; returns once the lock is held (fails after 20 seconds).
# The holder lets go by itself after 60 seconds, should a test not get to
# lock_release. No sleeping through a fixed time: on a slow machine the
# holder may start late, and the command under test may start late.
lock_hold() {
	mkdir -p "$1/.kith" &&
	rm -f "$TRASH/.lock-held" "$TRASH/.lock-release" &&
	{ flock "$1/.kith/lock" sh -c '
		: >"$1/.lock-held"
		i=0
		while [ ! -e "$1/.lock-release" ] && [ $i -lt 1200 ]; do
			i=$((i + 1)); sleep 0.05
		done' sh "$TRASH" & } &&
	lock_pid=$! &&
	lock_i=0 &&
	while [ ! -e "$TRASH/.lock-held" ]; do
		lock_i=$((lock_i + 1)) && [ $lock_i -lt 400 ] && sleep 0.05 ||
			{ echo "lock_hold: the lock was not taken"; return 1; }
	done
}

# lock_release: let go of the lock lock_hold took, once the holder is gone.
lock_release() {
	: >"$TRASH/.lock-release" && wait "$lock_pid"
}

# drop_object DIR ID: object ID gone from the repository at DIR, loose or
# packed: the automatic gc after a commit packs every loose object once
# .git/objects/17 holds three, which depends on the commit ids. So every
# pack is unpacked into loose objects first.
drop_object() {
	for p in "$1"/.git/objects/pack/*.pack; do
		[ -e "$p" ] || continue
		mv "$p" "$TRASH/.unpack" && rm -f "${p%.pack}.idx" "${p%.pack}.rev" &&
		git -C "$1" unpack-objects -q <"$TRASH/.unpack" &&
		rm "$TRASH/.unpack" || return 1
	done
	rm "$1/.git/objects/$(echo "$2" | cut -c1-2)/$(echo "$2" | cut -c3-)" &&
	! git -C "$1" cat-file -e "$2" 2>/dev/null
}

# new_repo DIR: a fresh kith repository at DIR.
new_repo() {
	kith init "$1" >/dev/null
}

# fixture_repo NAME DIR: a kith repository at DIR holding the files of
# tests/fixtures/NAME, committed (with the git program: set-up only).
# The scratch files tests write there (out, err, want, got) are excluded.
fixture_repo() {
	kith init "$2" >/dev/null &&
	cp -R "$FIXTURES/$1/." "$2/" &&
	printf '%s\n' out err want got groups >>"$2/.git/info/exclude" &&
	git -C "$2" add -A &&
	git -C "$2" commit -q -m "fixture $1"
}

test_done() {
	echo "1..$t_n"
	[ "$t_failed" -eq 0 ]
}
