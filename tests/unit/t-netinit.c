/*
 * t-netinit.c - unit tests for lib/netinit.c: kith_git_init() leaves the
 * system CA bundle unparsed and libssh2 uninitialised, the first TLS
 * handshake loads the bundle into the chain libgit2 configured, libssh2
 * still makes sessions, and every other use of mbedTLS's certificate
 * loading goes straight through.
 *
 * The handshakes here are on an empty mbedtls_ssl_context, which the real
 * mbedtls_ssl_handshake() refuses at once (MBEDTLS_ERR_SSL_BAD_INPUT_DATA)
 * after the deferred load has run: enough to see the load without a
 * server. Skipped where libgit2 is not built on mbedTLS.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "tap.h"

#ifdef HAVE_LIBSSH2_H
#include <libssh2.h>
#endif

/* libssh2 left to initialise itself; call after kith_git_init(). */
static void
test_ssh(void)
{
#ifdef HAVE_LIBSSH2_H
	void *(*session_init)(void *, void *, void *, void *) =
		(void *(*)(void *, void *, void *, void *))
		dlsym(RTLD_DEFAULT, "libssh2_session_init_ex");
	int (*session_free)(void *) = (int (*)(void *))
		dlsym(RTLD_DEFAULT, "libssh2_session_free");
	void *session;

	if (!(git_libgit2_features() & GIT_FEATURE_SSH) || !session_init ||
	    !session_free) {
		ok(1, "# SKIP libgit2 without libssh2");
		return;
	}
	ok(kith_netinit_ssh_deferred(), "init skips libssh2_init()");
	ok((session = session_init(NULL, NULL, NULL, NULL)) != NULL,
		"libssh2 still makes a session");
	if (session)
		session_free(session);
	is_int(libssh2_init(0), 0, "libssh2_init() outside init goes through");
#else
	ok(!kith_netinit_ssh_deferred(), "no libssh2 header: nothing skipped");
#endif
}

#if defined(HAVE_MBEDTLS_SSL_H) && defined(HAVE_MBEDTLS_X509_CRT_H)
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static char base[64] = "/tmp/t-netinit.XXXXXX";

/* How many certificates a chain holds (an initialised, empty one: 0). */
static int
count(const mbedtls_x509_crt *c)
{
	int n = 0;

	for (; c && c->raw.len; c = c->next)
		n++;
	return n;
}

/* mbedtls_x509_crt_init(), which is a memset (kith links no mbedTLS). */
static void
crt_init(mbedtls_x509_crt *c)
{
	memset(c, 0, sizeof *c);
}

static int
handshake(void)
{
	mbedtls_ssl_context ssl;

	memset(&ssl, 0, sizeof ssl);
	return mbedtls_ssl_handshake(&ssl);
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[65536];
	size_t n;

	if (!in || !out) {
		printf("Bail out! cannot copy '%s': %s\n", from, strerror(errno));
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	if (ferror(in) || fclose(out) != 0) {
		printf("Bail out! cannot copy '%s'\n", from);
		exit(1);
	}
	fclose(in);
}

static void
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) == EOF) {
		printf("Bail out! cannot write '%s': %s\n", path, strerror(errno));
		exit(1);
	}
}

/*
 * In a child, whose libgit2 is fresh: libgit2 told other CA locations
 * before any handshake. libgit2 1.5.1 puts a location that loads in place
 * of the pending bundle (freeing its chain: the load is forgotten) and
 * keeps the pending one when the new location fails. 0 when all is so.
 */
static int
replaced_child(bool good)
{
	const void *chain = NULL;
	const char *path;
	char file[128] = "/nonexistent/ca.crt";
	int rc;

	kith_git_init();
	if (!(path = kith_netinit_ca_pending(&chain)))
		return 3;
	if (good) {
		snprintf(file, sizeof file, "%s/other.pem", base);
		copy_file(path, file);
	}
	rc = git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, NULL);
	if (good && (rc < 0 || kith_netinit_ca_pending(NULL)))
		return 1;
	if (!good && (rc == 0 || kith_netinit_ca_pending(NULL) != path))
		return 1;
	handshake();
	if (kith_netinit_ca_pending(NULL))
		return 2;
	if (!good && count(chain) == 0)
		return 2;
	if (good)
		unlink(file);
	return 0;
}

static void
test_replaced(void)
{
	static const char *const what[2][2] = {
		{ "a location that fails keeps the pending bundle",
		  "which a handshake loads" },
		{ "a location that loads drops the pending bundle",
		  "and a handshake loads nothing more" },
	};
	int status;
	pid_t pid;

	if (!mkdtemp(base)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	for (int good = 0; good < 2; good++) {
		fflush(stdout);
		if ((pid = fork()) < 0) {
			printf("Bail out! fork: %s\n", strerror(errno));
			exit(1);
		}
		if (pid == 0)
			_exit(replaced_child(good));
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
			printf("Bail out! the child died\n");
			exit(1);
		}
		if (WEXITSTATUS(status) == 3) {
			ok(1, "# SKIP nothing pending after init (see below)");
			continue;
		}
		ok(WEXITSTATUS(status) != 1, what[good][0]);
		ok(WEXITSTATUS(status) != 2, what[good][1]);
	}
	rmdir(base);
	strcpy(base, "/tmp/t-netinit.XXXXXX");
}

/* What kith_git_init() leaves behind, and the first handshake. */
static void
test_init(char *bundle, size_t size)
{
	const void *chain = NULL;
	const char *path;
	struct stat st;
	int n;

	is_str(kith_netinit_ca_pending(NULL), NULL, "nothing pending before init");
	kith_git_init();
	path = kith_netinit_ca_pending(&chain);
	if (!path && stat("/etc/ssl/certs", &st) < 0) {
		ok(1, "# SKIP no CA certificates on this system");
		return;
	}
	ok(path && chain, "init leaves the CA bundle pending");
	if (!path) {
		printf("#   libgit2 did not load its CA bundle through mbedTLS's "
			"dynamic symbols\n");
		return;
	}
	ok(stat(path, &st) == 0, "the pending bundle exists");
	snprintf(bundle, size, "%s", S_ISREG(st.st_mode) ? path : "");
	is_int(count(chain), 0, "its chain is still empty");

	is_int(handshake(), MBEDTLS_ERR_SSL_BAD_INPUT_DATA,
		"the real handshake runs after the load");
	is_str(kith_netinit_ca_pending(NULL), NULL, "nothing pending after it");
	n = count(chain);
	ok(n > 0, "the chain libgit2 configured now holds the certificates");
	printf("#   %d certificates from '%s'\n", n, bundle);
	handshake();
	is_int(count(chain), n, "a second handshake loads nothing more");
}

/* Outside kith_git_init() mbedTLS is itself. */
static void
test_through(const char *bundle)
{
	mbedtls_x509_crt c;

	crt_init(&c);
	ok(mbedtls_x509_crt_parse_file(&c, "/nonexistent/ca.crt") < 0,
		"a missing file fails at once");
	is_str(kith_netinit_ca_pending(NULL), NULL, "and is not put off");
	if (*bundle) {
		ok(mbedtls_x509_crt_parse_file(&c, bundle) >= 0 && count(&c) > 0,
			"a bundle is parsed at once");
	}
	mbedtls_x509_crt_free(&c);
	is_int(count(&c), 0, "free empties the chain");
}

/* Put off a load into c while deferring, as libgit2's init does. */
static int
defer_into(mbedtls_x509_crt *c, const char *path, bool dir)
{
	int rc;

	crt_init(c);
	kith_netinit_defer(true);
	rc = dir ? mbedtls_x509_crt_parse_path(c, path) :
		mbedtls_x509_crt_parse_file(c, path);
	kith_netinit_defer(false);
	return rc;
}

static void
test_deferred(const char *bundle)
{
	mbedtls_x509_crt c;
	const void *chain = NULL;
	char file[128];

	is_int(defer_into(&c, "/nonexistent/ca.crt", false), 0,
		"while deferring, a load succeeds at once");
	is_str(kith_netinit_ca_pending(&chain), "/nonexistent/ca.crt",
		"and is pending");
	ok(chain == &c, "into the chain it was given");
	handshake();
	is_str(kith_netinit_ca_pending(NULL), NULL, "the handshake tried it");
	is_int(count(&c), 0, "a bundle that fails leaves the chain empty");
	mbedtls_x509_crt_free(&c);

	if (!mkdtemp(base)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(file, sizeof file, "%s/bad.pem", base);
	put_file(file, "-----BEGIN CERTIFICATE-----\nMIIBbad/notDER==\n"
		"-----END CERTIFICATE-----\n");
	defer_into(&c, file, false);
	handshake();
	is_int(count(&c), 0, "so does a bundle of broken certificates");
	mbedtls_x509_crt_free(&c);
	unlink(file);

	defer_into(&c, bundle, false);
	mbedtls_x509_crt_free(&c);
	is_str(kith_netinit_ca_pending(NULL), NULL, "freeing the chain forgets it");
	handshake();
	is_int(count(&c), 0, "and the handshake loads nothing into it");

	if (!*bundle) {
		rmdir(base);
		return;
	}
	snprintf(file, sizeof file, "%s/bundle.pem", base);
	copy_file(bundle, file);
	is_int(defer_into(&c, base, true), 0, "a directory is put off too");
	is_str(kith_netinit_ca_pending(NULL), base, "pending");
	is_int(count(&c), 0, "nothing parsed yet");
	handshake();
	ok(count(&c) > 0, "the handshake parses the directory");
	mbedtls_x509_crt_free(&c);
	unlink(file);
	rmdir(base);
}

/* libgit2 told where the certificates are, after init: parsed at once. */
static void
test_locations(const char *bundle)
{
	const git_error *e;

	ok(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS,
		"/nonexistent/ca.crt", NULL) < 0, "a bad location fails");
	e = git_error_last();
	ok(e && e->message && strstr(e->message, "failed to load CA certificates"),
		"with mbedTLS's complaint");
	if (*bundle)
		is_int(git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, bundle,
			NULL), 0, "a good one loads");
	is_str(kith_netinit_ca_pending(NULL), NULL, "nothing pending");
}

int
main(void)
{
	char bundle[4096] = "";

	test_replaced();
	test_init(bundle, sizeof bundle);
	test_ssh();
	test_through(bundle);
	test_deferred(bundle);
	test_locations(bundle);
	return done_testing();
}

#else

int
main(void)
{
	kith_git_init();
	is_str(kith_netinit_ca_pending(NULL), NULL, "no mbedTLS: nothing put off");
	test_ssh();
	return done_testing();
}

#endif
