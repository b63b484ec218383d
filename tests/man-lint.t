# man-lint.t - lint every man page and check that each command has one.
#
# TAP, run by `make check` with KITH_SRC_DIR (the source top directory)
# and GROFF (the path of groff, empty when configure found none). Each
# page must format without a word from `groff -ww` and from
# `mandoc -Tlint -Wwarning` (mandoc's STYLE class, below WARNING, is not
# asked for). man/kith-NAME.1 and cmd/kith-NAME.c must come in pairs.
# When the programs are built (KITH_BUILD_DIR), each SYNOPSIS must equal
# what the program prints for --help, as STYLE.md asks.

: "${KITH_SRC_DIR:?run through make check}"
# Unset (run by hand): look groff up; set but empty: configure found none.
# MANDOC likewise (set it empty to try the test without mandoc).
GROFF=${GROFF-$(command -v groff)}
MANDOC=${MANDOC-$(command -v mandoc)}
man=$KITH_SRC_DIR/man
bs=$(printf '\b')
n=0
failed=0

report() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - $2"
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# quiet NAME CMD...: CMD must print nothing on stdout or stderr.
quiet() {
	name=$1
	shift
	out=$("$@" 2>&1)
	[ -z "$out" ]
	report $? "$name"
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/#   /'
}

# synopsis PAGE: the SYNOPSIS lines of PAGE as mandoc renders them.
synopsis() {
	"$MANDOC" -Tascii -O width=300 "$1" | sed "s/.$bs//g" |
		sed -n '/^SYNOPSIS$/,/^[A-Z]/p' | sed '1d;$d' | normalise
}

# normalise: trim each line, drop "usage:", squeeze blanks, drop empty lines.
normalise() {
	sed 's/^[[:space:]]*//; s/^usage:[[:space:]]*//; s/[[:space:]]*$//' |
		tr -s ' \t' '  ' | grep -v '^$'
}

# usage_of PROGRAM: the usage lines PROGRAM prints for --help.
usage_of() {
	"$1" --help 2>&1 </dev/null | normalise | grep -E '^kith( |$)'
}

npages=0
for page in "$man"/*.[1-9]; do
	[ -f "$page" ] || continue
	npages=$((npages + 1))
	rel=man/${page##*/}
	if [ -n "$GROFF" ]; then
		quiet "$rel: groff -ww is silent" \
			"$GROFF" -mandoc -ww -z -t "$page"
	else
		skip "no groff ($rel)"
	fi
	if [ -n "$MANDOC" ]; then
		quiet "$rel: mandoc -Tlint -Wwarning is silent" \
			"$MANDOC" -Tlint -Wwarning "$page"
	else
		skip "no mandoc ($rel)"
	fi
done
[ "$npages" -gt 0 ]
report $? "man/ holds man pages"

for page in "$man"/kith-*.1; do
	[ -e "$page" ] || continue
	name=${page##*/}
	name=${name%.1}
	[ -f "$KITH_SRC_DIR/cmd/$name.c" ]
	report $? "man/$name.1 documents cmd/$name.c"
done
for src in "$KITH_SRC_DIR"/cmd/kith-*.c; do
	[ -e "$src" ] || continue
	name=${src##*/}
	name=${name%.c}
	[ -f "$man/$name.1" ]
	report $? "cmd/$name.c has man/$name.1"
done

for page in "$man"/kith.1 "$man"/kith-*.1; do
	[ -e "$page" ] || continue
	name=${page##*/}
	name=${name%.1}
	prog=${KITH_BUILD_DIR:+$KITH_BUILD_DIR/$name}
	if [ -z "$MANDOC" ] || [ -z "$prog" ] || [ ! -x "$prog" ]; then
		skip "no mandoc or no built $name"
		continue
	fi
	want=$(synopsis "$page")
	got=$(usage_of "$prog")
	[ "$want" = "$got" ]
	report $? "man/$name.1 SYNOPSIS is $name --help"
	[ "$want" = "$got" ] || printf 'want:\n%s\ngot:\n%s\n' "$want" "$got" |
		sed 's/^/#   /'
done

echo "1..$n"
[ "$failed" -eq 0 ]
