#!/bin/sh
# t0000-dispatch.t - kith runs its commands and kith-NAME extensions,
# lists commands, handles -C.
. "$(dirname "$0")/lib.sh"

mkdir bin
cat >bin/kith-hello <<'EOF'
#!/bin/sh
echo "hello $#"
printf '[%s]\n' "$@"
EOF
cat >bin/kith-where <<'EOF'
#!/bin/sh
echo "KITH_DIR=$KITH_DIR"
echo "PWD=$(pwd -P)"
EOF
printf '#!/bin/sh\nexit 7\n' >bin/kith-seven
printf '#!/bin/sh\necho "man $*"\n' >bin/man
printf '#!/bin/sh\necho never\n' >bin/kith-noexec
chmod +x bin/kith-hello bin/kith-where bin/kith-seven bin/man
PATH="$TRASH/bin:$PATH"

test_expect '--version prints the version' '
	kith --version >out &&
	grep -E "^kith [0-9]+\.[0-9]+" out
'

test_expect '--help prints the usage on stdout' '
	kith --help >out 2>err &&
	grep -Fx "usage: kith [-C dir] command [argument ...]" out &&
	grep -Fx "       kith --version | --help | help [command]" out &&
	grep -E "^ +log " out &&
	test ! -s err
'

test_expect '-h is --help' '
	kith -h >out &&
	grep -F "usage: kith" out
'

test_expect_code 2 'no command is bad usage' 'kith'

test_expect 'no command prints the usage on stderr only' '
	! kith >out 2>err &&
	test ! -s out &&
	grep -Fx "usage: kith [-C dir] command [argument ...]" err
'

test_expect_code 2 'an unknown option is bad usage' 'kith --bogus'

test_expect_code 2 'a mistyped command exits 2' 'kith shwo'

test_expect 'a mistyped command gets a suggestion' '
	! kith shwo 2>err &&
	grep -Fx "kith: '\''shwo'\'' is not a kith command: see '\''kith help'\''" err &&
	grep -F "did you mean '\''kith show'\''?" err
'

test_expect 'a unique prefix gets a suggestion' '
	! kith ini 2>err &&
	grep -F "did you mean '\''kith init'\''?" err
'

test_expect 'an extension is suggested too' '
	! kith helo 2>err &&
	grep -F "did you mean '\''kith hello'\''?" err
'

test_expect 'nothing close gets no suggestion' '
	! kith xyzzy 2>err &&
	grep -F "'\''xyzzy'\'' is not a kith command" err &&
	! grep -F "did you mean" err
'

test_expect 'an extension on PATH runs with its arguments' '
	kith hello a "b c" >out &&
	printf "hello 2\n[a]\n[b c]\n" >want &&
	check_same want out
'

test_expect 'options after the command are the command'\''s' '
	kith hello --version -C x >out &&
	printf "hello 3\n[--version]\n[-C]\n[x]\n" >want &&
	check_same want out
'

test_expect_code 7 'the command'\''s exit status is kith'\''s' 'kith seven'

test_expect_code 3 'a command that cannot run exits 3' 'kith noexec'

test_expect 'kith help lists built-in commands and extensions once each' '
	PATH="$KITH_BUILD_DIR:$TRASH/bin:$PATH" kith help >out &&
	grep -E "^hello +\(extension\)$" out &&
	grep -E "^log +append an entry" out &&
	! grep -E "^log .*extension" out &&
	test "$(grep -c "^log " out)" = 1 &&
	! grep -E "^noexec" out &&
	sort -c out
'

test_expect 'a command beside the kith binary runs without PATH' '
	mkdir -p solo &&
	cp "$KITH_BUILD_DIR/kith" bin/kith-hello solo/ &&
	PATH=/usr/bin:/bin solo/kith hello x >out &&
	printf "hello 1\n[x]\n" >want &&
	check_same want out
'

test_expect 'a command of this release runs with nothing beside kith' '
	PATH=/usr/bin:/bin solo/kith tags --help >out 2>err &&
	grep -Fx "usage: kith tags [-H] [--people | --entries] [--json | --format tsv]" out &&
	test ! -s err
'

test_expect 'kith help lists the commands of this release with nothing beside' '
	PATH=/usr/bin:/bin solo/kith help >out &&
	grep -E "^log +append an entry" out &&
	grep -E "^hello +\(extension\)$" out &&
	test "$(grep -c "^gc " out)" = 1 &&
	sort -c out
'

test_expect 'it runs as kith-NAME: its errors and exit status are its own' '
	rc=0 &&
	PATH=/usr/bin:/bin solo/kith tags --bogus 2>err || rc=$? &&
	[ "$rc" -eq 2 ] &&
	grep -F "kith-tags: unrecognized option '\''--bogus'\''" err &&
	grep -F "usage: kith tags" err
'

test_expect 'every kith-NAME of this release is kith itself' '
	for c in init add log show ls due journal tags todo done grep edit \
	    history undo check mv merge sync gc; do
		test "$KITH_BUILD_DIR/kith-$c" -ef "$KITH_BUILD_DIR/kith" ||
			{ echo "kith-$c is not kith"; exit 1; }
	done
'

test_expect 'kith named kith-NAME runs NAME, by its own name' '
	cp "$KITH_BUILD_DIR/kith" solo/kith-due &&
	PATH=/usr/bin:/bin solo/kith-due --help >out &&
	grep -F "usage: kith due" out &&
	ln -s kith solo/kith-ls &&
	PATH=/usr/bin:/bin solo/kith-ls --help >out &&
	grep -F "usage: kith ls" out
'

test_expect 'kith named kith-NAME for no command of this release is kith' '
	cp "$KITH_BUILD_DIR/kith" solo/kith-nothing &&
	PATH=/usr/bin:/bin solo/kith-nothing --version >out &&
	grep -E "^kith [0-9]+\.[0-9]+" out
'

mkdir broken
printf '#!/nowhere/sh\necho never\n' >broken/kith-broken
chmod +x broken/kith-broken

test_expect 'an extension that cannot start is not suggested as itself' '
	rc=0 &&
	PATH="$TRASH/broken:$PATH" kith broken 2>err || rc=$? &&
	[ "$rc" -eq 2 ] &&
	grep -F "'\''broken'\'' is not a kith command" err &&
	! grep -F "did you mean" err
'

test_expect 'kith help NAME opens the manual page' '
	kith help log >out &&
	echo "man kith-log" >want &&
	check_same want out
'

test_expect_code 2 'kith help with a / in the name exits 2' 'kith help ../x'

test_expect_code 2 'a command name with / exits 2' 'kith ../bin/kith-hello'

test_expect_code 2 'a command name with / inside exits 2' 'kith a/b'

test_expect 'setup: a repository' 'new_repo repo'

test_expect '-C sets KITH_DIR to the absolute directory and enters it' '
	mkdir -p sub &&
	(cd sub && kith -C ../repo where) >out &&
	printf "KITH_DIR=%s\nPWD=%s\n" "$(cd repo && pwd -P)" \
		"$(cd repo && pwd -P)" >want &&
	check_same want out
'

test_expect '-Cdir works as -C dir' '
	kith -Crepo where >out &&
	grep -Fx "PWD=$(cd repo && pwd -P)" out
'

test_expect '-C runs a command in that repository' '
	kith -C repo add Jane Doe >out &&
	grep -Fx "people/jane-doe.md" out &&
	kith -C repo ls >out &&
	grep "^jane-doe" out
'

test_expect_code 2 '-C a directory that does not exist exits 2' \
	'kith -C nowhere ls'

test_expect_code 2 '-C without a directory exits 2' 'kith -C'

test_expect_code 2 '-C a file exits 2' 'kith -C bin/man ls'

test_expect 'the repository is clean' 'check_clean repo'

test_done
