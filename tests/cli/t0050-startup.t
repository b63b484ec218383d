#!/bin/sh
# t0050-startup.t - commands that never talk to a remote leave the system's
# CA certificates unread (lib/netinit.c), and still work; under strace.
. "$(dirname "$0")/lib.sh"

# traced CMD...: run CMD under strace into $TRASH/trace (LeakSanitizer
# cannot run under ptrace: off for it; every other test checks leaks).
traced() {
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=open,openat -o "$TRASH/trace" "$@"
}

# untouched CODE CMD...: CMD exits CODE and opens no certificate file.
untouched() {
	want=$1
	shift
	rc=0
	traced "$@" >/dev/null || rc=$?
	[ "$rc" -eq "$want" ] || { echo "exit $rc, want $want"; return 1; }
	! grep -E '/etc/ssl|ca-certificates|\.crt"|\.pem"' "$TRASH/trace"
}

if ! strace -qq -o /dev/null true 2>/dev/null; then
	echo "ok 1 # SKIP strace is not installed (or not allowed here)"
	echo "1..1"
	exit 0
fi

fixture_repo promises repo
cd repo || exit 3

test_expect 'the tracing sees a certificate file opened' '
	! untouched 0 cat /etc/ssl/certs/ca-certificates.crt ||
	! test -f /etc/ssl/certs/ca-certificates.crt
'

for cmd in 'ls' 'show bo-chen' 'due' 'journal' 'tags' 'todo' 'grep lease'; do
	test_expect "kith $cmd reads no CA certificates" "untouched 0 kith $cmd"
done
test_expect 'kith check (which finds problems) reads none either' '
	untouched 1 kith check
'

# Linked against the static archives (configure --enable-static-commands),
# a command maps libc and libm and nothing else: not libgit2, not the
# Kerberos libraries (lib/netinit.c loads those for HTTP Negotiate only).
if ldd "$KITH_BUILD_DIR/kith-ls" 2>/dev/null | grep -q 'libgit2\.so'; then
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP the commands are linked against shared libraries"
else
	test_expect 'kith ls opens no shared library but libc and libm' '
		untouched 0 kith ls &&
		grep -E "/libc\.so\.6\"" "$TRASH/trace" &&
		! grep -E "\.so[.\"]" "$TRASH/trace" |
			grep -v -E "/(libc|libm)\.so\.6\"|/etc/ld\.so\.cache\""
	'
fi

# kith runs its own commands in-process: one exec, kith's, and no other.
test_expect 'kith ls runs in kith itself, with no second exec' '
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		strace -f -qq -e trace=execve -o "$TRASH/trace" kith ls >/dev/null &&
	test "$(grep -c "execve(" "$TRASH/trace")" = 1 &&
	grep -F "/kith\", [\"kith\", \"ls\"]" "$TRASH/trace"
'

test_expect 'kith todo still prints follow-up ids' '
	kith todo >../out &&
	grep -E "^[0-9a-f]{7} " ../out
'

test_expect 'kith log commits without reading them' '
	untouched 0 kith log "called @bo-chen about the lease" &&
	git log -1 --format=%s >../out &&
	grep -q "bo-chen" ../out
'

# A TLS server with a self-signed certificate for localhost, if openssl
# can start one: kith sync must load the CA bundle for the handshake and
# reject the server as libgit2 does.
tls_pid=
start_tls() {
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 2 \
		-keyout "$TRASH/key.pem" -out "$TRASH/cert.pem" >/dev/null 2>&1 ||
		return 1
	for port in $((20000 + $$ % 20000)) $((21000 + $$ % 19000)) 45678; do
		openssl s_server -quiet -accept "127.0.0.1:$port" \
			-cert "$TRASH/cert.pem" -key "$TRASH/key.pem" -www \
			</dev/null >/dev/null 2>&1 &
		tls_pid=$!
		i=0
		while [ $i -lt 50 ] && kill -0 "$tls_pid" 2>/dev/null; do
			if openssl s_client -connect "127.0.0.1:$port" </dev/null \
			    >/dev/null 2>&1; then
				tls_port=$port
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		kill "$tls_pid" 2>/dev/null
		wait "$tls_pid" 2>/dev/null
		tls_pid=
	done
	return 1
}
trap '[ -z "$tls_pid" ] || kill "$tls_pid" 2>/dev/null; rm -rf "$TRASH"' EXIT

if command -v openssl >/dev/null && start_tls; then
	test_expect 'kith sync over https loads the CA bundle for the handshake' '
		rc=0 &&
		traced kith sync "https://localhost:$tls_port/x.git" 2>../err ||
			rc=$? &&
		[ "$rc" -eq 3 ] &&
		grep -q "ca-certificates\|/etc/ssl/certs" "$TRASH/trace" &&
		grep -F "the SSL certificate is invalid: 0x08 - The certificate is not correctly signed by the trusted CA" ../err
	'
	kill "$tls_pid" 2>/dev/null
	wait "$tls_pid" 2>/dev/null
	tls_pid=
else
	t_n=$((t_n + 1))
	echo "ok $t_n # SKIP no openssl TLS server here"
fi

test_expect 'the work tree is clean' 'check_clean'

test_done
