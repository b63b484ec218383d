/*
 * netinit.c - the network half of libgit2's start-up, put off until the
 * network is used.
 *
 * git_libgit2_init() in Debian's libgit2 1.5.1 sets up https and ssh
 * whether or not a remote is ever contacted: it parses the whole system
 * CA bundle into mbedTLS (/etc/ssl/certs/ca-certificates.crt, ~150
 * certificates: 5-9 ms, more than half of what an ordinary kith command
 * costs) and runs libssh2_init(), which sets up OpenSSL (~0.4 ms). Only
 * kith sync ever talks to a remote. libgit2 1.5.1 has no option or
 * environment variable to skip either: the CA path is compiled in
 * (GIT_DEFAULT_CERT_LOCATION, src/libgit2/streams/mbedtls.c), and both
 * happen inside the init call, before any option can be set.
 *
 * So this file defines the few library functions libgit2 calls for them.
 * The dynamic linker binds libgit2's calls to these rather than to the
 * libraries' own (a program's own symbols come first), and each passes on
 * to the real one, found with dlsym(RTLD_NEXT), except while
 * kith_git_init() runs git_libgit2_init() (kith_netinit_defer(true)):
 *
 * - mbedtls_x509_crt_parse_file() (or _parse_path(), where the compiled-in
 *   location is a directory) only notes the chain and the path and
 *   succeeds; libgit2 then gives that still empty chain to its TLS
 *   configuration. The first mbedtls_ssl_handshake() parses the noted
 *   bundle into that same chain before the real handshake verifies the
 *   server with it. mbedtls_x509_crt_free() of the chain (libgit2 putting
 *   other CA locations that loaded in its place, or shutting down) forgets
 *   the pending load. A bundle that fails to parse leaves the chain empty
 *   where libgit2 would have had none: every server is untrusted either
 *   way.
 * - libssh2_init() succeeds without doing anything: libssh2 initialises
 *   itself when libgit2 makes its first session (libssh2_session_init_ex
 *   calls _libssh2_init_if_needed), and libssh2_exit() of an uninitialised
 *   libssh2 does nothing.
 *
 * Each part is built only where its library's header is; with a libgit2
 * built on OpenSSL nothing calls the mbedTLS ones. Only one thread of kith
 * ever uses libgit2 (the index parses on two, without it).
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool deferring;
static bool ssh_deferred;

void
kith_netinit_defer(bool on)
{
	deferring = on;
}

bool
kith_netinit_ssh_deferred(void)
{
	return ssh_deferred;
}

/* ---- libssh2 ---- */

#ifdef HAVE_LIBSSH2_H
#include <libssh2.h>

int
libssh2_init(int flags)
{
	static int (*real)(int);

	if (deferring) {
		ssh_deferred = true;
		return 0;
	}
	if (!real && !(real = (int (*)(int))dlsym(RTLD_NEXT, "libssh2_init")))
		return -1;
	return real(flags);
}
#endif

/* ---- mbedTLS's CA chain ---- */

#if defined(HAVE_MBEDTLS_SSL_H) && defined(HAVE_MBEDTLS_X509_CRT_H)
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static mbedtls_x509_crt *pending; /* the chain libgit2 asked to fill */
static char *pending_path;
static bool pending_dir;          /* pending_path is a directory */

static int (*real_parse_file)(mbedtls_x509_crt *, const char *);
static int (*real_parse_path)(mbedtls_x509_crt *, const char *);
static void (*real_crt_init)(mbedtls_x509_crt *);
static void (*real_crt_free)(mbedtls_x509_crt *);
static int (*real_handshake)(mbedtls_ssl_context *);

/* The real mbedTLS functions; false if one cannot be found. */
static bool
find_real(void)
{
	if (!real_parse_file) {
		real_parse_file = (int (*)(mbedtls_x509_crt *, const char *))
			dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
		real_parse_path = (int (*)(mbedtls_x509_crt *, const char *))
			dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_path");
		real_crt_init = (void (*)(mbedtls_x509_crt *))
			dlsym(RTLD_NEXT, "mbedtls_x509_crt_init");
		real_crt_free = (void (*)(mbedtls_x509_crt *))
			dlsym(RTLD_NEXT, "mbedtls_x509_crt_free");
		real_handshake = (int (*)(mbedtls_ssl_context *))
			dlsym(RTLD_NEXT, "mbedtls_ssl_handshake");
	}
	return real_parse_file && real_parse_path && real_crt_init &&
		real_crt_free && real_handshake;
}

static void
forget(void)
{
	pending = NULL;
	free(pending_path);
	pending_path = NULL;
}

/* Whether to put this load off (then noted). */
static bool
defer(mbedtls_x509_crt *chain, const char *path, bool dir)
{
	if (!deferring || pending || !chain || !path ||
	    !(pending_path = strdup(path)))
		return false;
	pending = chain;
	pending_dir = dir;
	return true;
}

int
mbedtls_x509_crt_parse_file(mbedtls_x509_crt *chain, const char *path)
{
	if (defer(chain, path, false))
		return 0;
	if (!find_real())
		return MBEDTLS_ERR_X509_FILE_IO_ERROR;
	return real_parse_file(chain, path);
}

int
mbedtls_x509_crt_parse_path(mbedtls_x509_crt *chain, const char *path)
{
	if (defer(chain, path, true))
		return 0;
	if (!find_real())
		return MBEDTLS_ERR_X509_FILE_IO_ERROR;
	return real_parse_path(chain, path);
}

void
mbedtls_x509_crt_free(mbedtls_x509_crt *crt)
{
	if (crt && crt == pending)
		forget();
	if (find_real())
		real_crt_free(crt);
}

/* Fill the chain libgit2 configured with the certificates it asked for. */
static void
load_pending(void)
{
	mbedtls_x509_crt *chain = pending;
	char *path = pending_path;

	if (!chain)
		return;
	pending = NULL;
	pending_path = NULL;
	if ((pending_dir ? real_parse_path : real_parse_file)(chain, path) < 0) {
		real_crt_free(chain);
		real_crt_init(chain);
	}
	free(path);
}

int
mbedtls_ssl_handshake(mbedtls_ssl_context *ssl)
{
	if (!find_real())
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	load_pending();
	return real_handshake(ssl);
}

const char *
kith_netinit_ca_pending(const void **chain)
{
	if (chain)
		*chain = pending;
	return pending_path;
}

#else /* no mbedTLS headers: libgit2 loads its CA bundle itself */

const char *
kith_netinit_ca_pending(const void **chain)
{
	if (chain)
		*chain = NULL;
	return NULL;
}

#endif
