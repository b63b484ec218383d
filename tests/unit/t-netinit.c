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
#ifdef KITH_LINK_STATIC /* linked in: libssh2's own */
	LIBSSH2_SESSION *(*session_init)(LIBSSH2_ALLOC_FUNC((*)),
		LIBSSH2_FREE_FUNC((*)), LIBSSH2_REALLOC_FUNC((*)), void *) =
		libssh2_session_init_ex;
	int (*session_free)(LIBSSH2_SESSION *) = libssh2_session_free;
	LIBSSH2_SESSION *session;
#else /* only libgit2 links libssh2 */
	void *(*session_init)(void *, void *, void *, void *) =
		(void *(*)(void *, void *, void *, void *))
		dlsym(RTLD_DEFAULT, "libssh2_session_init_ex");
	int (*session_free)(void *) = (int (*)(void *))
		dlsym(RTLD_DEFAULT, "libssh2_session_free");
	void *session;
#endif

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

#ifdef KITH_LINK_STATIC
#include "gss.h"

/* Whether this process has a shared library named so mapped. */
static bool
mapped(const char *name)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[4096];
	bool found = false;

	if (!f) {
		printf("Bail out! /proc/self/maps: %s\n", strerror(errno));
		exit(1);
	}
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, name) != NULL;
	fclose(f);
	return found;
}

/* In a child: the stand-ins with a library that cannot serve. */
static int
gss_missing_child(const char *soname)
{
	OM_uint32 minor = 7;
	gss_OID_set mechs = NULL;
	gss_buffer_desc msg = { 0, NULL };
	OM_uint32 context = 0;

	kith_netinit_gss_library(soname);
	if (gss_indicate_mechs(&minor, &mechs) != KITH_GSS_S_UNAVAILABLE ||
	    minor != 0 || mechs)
		return 1;
	if (gss_display_status(&minor, KITH_GSS_S_UNAVAILABLE, 1, NULL,
	    &context, &msg) != KITH_GSS_S_UNAVAILABLE || msg.value)
		return 2;
	if (gss_release_buffer(&minor, &msg) != KITH_GSS_S_UNAVAILABLE)
		return 2;
	return kith_netinit_gss_loaded() ? 3 : 0;
}

static void
test_gss_missing(void)
{
	static const char *const sonames[] = {
		"libkith-no-such-gssapi.so.9", "libc.so.6",
	};
	static const char *const what[] = {
		"no GSSAPI library: every call is GSS_S_UNAVAILABLE",
		"a library without gss_* functions: the same",
	};
	int status;
	pid_t pid;

	for (int i = 0; i < 2; i++) {
		fflush(stdout);
		if ((pid = fork()) < 0) {
			printf("Bail out! fork: %s\n", strerror(errno));
			exit(1);
		}
		if (pid == 0)
			_exit(gss_missing_child(sonames[i]));
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
			printf("Bail out! the child died\n");
			exit(1);
		}
		is_int(WEXITSTATUS(status), 0, what[i]);
	}
}

/* Whether set holds the OID of len bytes at oid. */
static bool
has_mech(gss_OID_set set, const char *oid, size_t len)
{
	for (size_t i = 0; set && i < set->count; i++)
		if (set->elements[i].length == len &&
		    memcmp(set->elements[i].elements, oid, len) == 0)
			return true;
	return false;
}

/* libgit2's Negotiate calls reach libgssapi_krb5, loaded on the first. */
static void
test_gss(void)
{
	static const char krb5[] = "\x2a\x86\x48\x86\xf7\x12\x01\x02\x02";
	gss_OID_desc krb5_oid = { 9, (void *)krb5 };
	OM_uint32 major, minor, context = 0, flags = 0;
	gss_OID_set mechs = NULL;
	gss_buffer_desc name = { 14, (void *)"HTTP@localhost" };
	gss_buffer_desc out = { 0, NULL }, msg = { 0, NULL };
	gss_name_t server = NULL;
	gss_ctx_id_t ctx = NULL;

	test_gss_missing();
	ok(!kith_netinit_gss_loaded() && !mapped("libgssapi_krb5"),
		"libgit2's init loads no GSSAPI library");
	major = gss_indicate_mechs(&minor, &mechs);
	if (major == KITH_GSS_S_UNAVAILABLE &&
	    !dlopen("libgssapi_krb5.so.2", RTLD_LAZY)) {
		ok(1, "# SKIP libgssapi_krb5.so.2 is not installed");
		return;
	}
	is_int(major, 0, "the first call loads it and goes through");
	ok(kith_netinit_gss_loaded() && mapped("libgssapi_krb5"), "now it is loaded");
	ok(has_mech(mechs, krb5, 9), "it knows Kerberos");
	is_int(gss_release_oid_set(&minor, &mechs), 0, "the set is released");
	ok(mechs == NULL, "and emptied");

	is_int(gss_import_name(&minor, &name, GSS_C_NT_HOSTBASED_SERVICE,
		&server), 0, "our GSS_C_NT_HOSTBASED_SERVICE names a server");
	/* no credentials: the library says so, with a message */
	setenv("KRB5CCNAME", "FILE:/nonexistent/krb5cc", 1);
	setenv("KRB5_CONFIG", "/dev/null", 1);
	major = gss_init_sec_context(&minor, NULL, &ctx, server, &krb5_oid,
		0, 0, NULL, NULL, NULL, &out, &flags, NULL);
	ok(KITH_GSS_ERROR(major), "without a ticket no context is made");
	is_int(gss_display_status(&flags, minor, 2, &krb5_oid, &context, &msg),
		0, "the library explains why");
	ok(msg.length > 0 && msg.value, "in words");
	printf("#   %.*s\n", (int)msg.length, (char *)msg.value);
	is_int(gss_release_buffer(&flags, &msg), 0, "which are released");
	gss_release_buffer(&flags, &out);
	if (ctx)
		gss_delete_sec_context(&flags, &ctx, NULL);
	is_int(gss_release_name(&minor, &server), 0, "the name is released");
	unsetenv("KRB5CCNAME");
	unsetenv("KRB5_CONFIG");
}
#else
static void
test_gss(void)
{
	ok(1, "# SKIP shared libgit2 calls libgssapi_krb5 itself");
}
#endif

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
	test_gss();
	return done_testing();
}

#else

int
main(void)
{
	kith_git_init();
	is_str(kith_netinit_ca_pending(NULL), NULL, "no mbedTLS: nothing put off");
	test_ssh();
	test_gss();
	return done_testing();
}

#endif
