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
 * So this file stands in for the few library functions libgit2 calls for
 * them, and each passes on to the real one except while kith_git_init()
 * runs git_libgit2_init() (kith_netinit_defer(true)). How libgit2's calls
 * reach these depends on how the program is linked, chosen at build time:
 *
 * - Against shared libraries (configure --disable-static-commands, where
 *   the static archives do not link, and every sanitizer build) this file
 *   defines the functions under their own names. The dynamic linker binds
 *   libgit2's calls to these rather than to the libraries' own (a
 *   program's own symbols come first), and the real ones are found with
 *   dlsym(RTLD_NEXT).
 * - Against the static archives (configure --enable-static-commands, the
 *   default where they link: KITH_LINK_STATIC) a second definition would
 *   clash with the archive's, so every program is linked with
 *   -Wl,--wrap=NAME for each (NETINIT_WRAP in configure.ac): the linker
 *   sends every call to NAME made from another object file to
 *   __wrap_NAME, defined here, and __real_NAME is the library's own. No
 *   dlsym. Here this file also stands in for the GSSAPI functions libgit2
 *   calls for HTTP Negotiate, loading libgssapi_krb5 on the first call
 *   (below): linked so, no program needs the Kerberos libraries at start.
 *
 * Either way:
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

/* The name this file defines in place of the library function f. */
#ifdef KITH_LINK_STATIC
#define STAND_IN(f) __wrap_##f
#else
#define STAND_IN(f) f
#endif

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

#ifdef KITH_LINK_STATIC
int __real_libssh2_init(int flags);
int __wrap_libssh2_init(int flags);
#endif

int
STAND_IN(libssh2_init)(int flags)
{
	if (deferring) {
		ssh_deferred = true;
		return 0;
	}
#ifdef KITH_LINK_STATIC
	return __real_libssh2_init(flags);
#else
	static int (*real)(int);

	if (!real && !(real = (int (*)(int))dlsym(RTLD_NEXT, "libssh2_init")))
		return -1;
	return real(flags);
#endif
}
#endif

/* ---- mbedTLS's CA chain ---- */

#if defined(HAVE_MBEDTLS_SSL_H) && defined(HAVE_MBEDTLS_X509_CRT_H)
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

static mbedtls_x509_crt *pending; /* the chain libgit2 asked to fill */
static char *pending_path;
static bool pending_dir;          /* pending_path is a directory */

typedef int load_fn(mbedtls_x509_crt *, const char *);
typedef void crt_fn(mbedtls_x509_crt *);
typedef int handshake_fn(mbedtls_ssl_context *);

static load_fn *real_parse_file, *real_parse_path;
static crt_fn *real_crt_init, *real_crt_free;
static handshake_fn *real_handshake;

#ifdef KITH_LINK_STATIC
load_fn __real_mbedtls_x509_crt_parse_file, __wrap_mbedtls_x509_crt_parse_file;
load_fn __real_mbedtls_x509_crt_parse_path, __wrap_mbedtls_x509_crt_parse_path;
crt_fn __real_mbedtls_x509_crt_free, __wrap_mbedtls_x509_crt_free;
handshake_fn __real_mbedtls_ssl_handshake, __wrap_mbedtls_ssl_handshake;

/* The real mbedTLS functions: the linker's (init is not wrapped). */
static bool
find_real(void)
{
	real_parse_file = __real_mbedtls_x509_crt_parse_file;
	real_parse_path = __real_mbedtls_x509_crt_parse_path;
	real_crt_init = mbedtls_x509_crt_init;
	real_crt_free = __real_mbedtls_x509_crt_free;
	real_handshake = __real_mbedtls_ssl_handshake;
	return true;
}
#else
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
#endif

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
STAND_IN(mbedtls_x509_crt_parse_file)(mbedtls_x509_crt *chain, const char *path)
{
	if (defer(chain, path, false))
		return 0;
	if (!find_real())
		return MBEDTLS_ERR_X509_FILE_IO_ERROR;
	return real_parse_file(chain, path);
}

int
STAND_IN(mbedtls_x509_crt_parse_path)(mbedtls_x509_crt *chain, const char *path)
{
	if (defer(chain, path, true))
		return 0;
	if (!find_real())
		return MBEDTLS_ERR_X509_FILE_IO_ERROR;
	return real_parse_path(chain, path);
}

void
STAND_IN(mbedtls_x509_crt_free)(mbedtls_x509_crt *crt)
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
STAND_IN(mbedtls_ssl_handshake)(mbedtls_ssl_context *ssl)
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

/* ---- GSSAPI, for HTTP Negotiate ---- */

#ifdef KITH_LINK_STATIC
#include "gss.h"

/*
 * Linked against the static archives, libgit2's calls to gss_* come here
 * (no program links the shared libgssapi_krb5 and the six libraries it
 * needs, ~1 ms of every start). The first call loads the library and
 * each passes on to its function; where it cannot be loaded every call
 * fails with GSS_S_UNAVAILABLE, which libgit2 reports as a Negotiate
 * error. GSS_C_NT_HOSTBASED_SERVICE, which libgit2 reads as data, is the
 * RFC's OID itself: the library compares name types by value.
 */
static gss_OID_desc hostbased = {
	10, "\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04" /* 1.2.840.113554.1.2.1.4 */
};
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased;

static const char *gss_soname = "libgssapi_krb5.so.2";
static void *gss_lib;
static bool gss_tried;

static struct {
	OM_uint32 (*indicate_mechs)(OM_uint32 *, gss_OID_set *);
	OM_uint32 (*release_oid_set)(OM_uint32 *, gss_OID_set *);
	OM_uint32 (*import_name)(OM_uint32 *, gss_buffer_t, gss_OID,
		gss_name_t *);
	OM_uint32 (*release_name)(OM_uint32 *, gss_name_t *);
	OM_uint32 (*init_sec_context)(OM_uint32 *, gss_cred_id_t,
		gss_ctx_id_t *, gss_name_t, gss_OID, OM_uint32, OM_uint32,
		gss_channel_bindings_t, gss_buffer_t, gss_OID *, gss_buffer_t,
		OM_uint32 *, OM_uint32 *);
	OM_uint32 (*delete_sec_context)(OM_uint32 *, gss_ctx_id_t *,
		gss_buffer_t);
	OM_uint32 (*display_status)(OM_uint32 *, OM_uint32, int, gss_OID,
		OM_uint32 *, gss_buffer_t);
	OM_uint32 (*release_buffer)(OM_uint32 *, gss_buffer_t);
} gss;

void
kith_netinit_gss_library(const char *soname)
{
	gss_soname = soname;
}

bool
kith_netinit_gss_loaded(void)
{
	return gss_lib != NULL;
}

/* Load the library once; false (minor set to 0) if it cannot be. */
static bool
gss_load(OM_uint32 *minor)
{
	void *lib;

	if (minor)
		*minor = 0;
	if (gss_tried)
		return gss_lib != NULL;
	gss_tried = true;
	if (!(lib = dlopen(gss_soname, RTLD_NOW | RTLD_LOCAL)))
		return false;
#define FIND(f) (gss.f = (__typeof__(gss.f))dlsym(lib, "gss_" #f))
	if (!FIND(indicate_mechs) || !FIND(release_oid_set) ||
	    !FIND(import_name) || !FIND(release_name) ||
	    !FIND(init_sec_context) || !FIND(delete_sec_context) ||
	    !FIND(display_status) || !FIND(release_buffer)) {
		dlclose(lib);
		return false;
	}
#undef FIND
	gss_lib = lib;
	return true;
}

OM_uint32
gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.indicate_mechs(minor, mechs);
}

OM_uint32
gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.release_oid_set(minor, set);
}

OM_uint32
gss_import_name(OM_uint32 *minor, gss_buffer_t name, gss_OID type,
	gss_name_t *out)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.import_name(minor, name, type, out);
}

OM_uint32
gss_release_name(OM_uint32 *minor, gss_name_t *name)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.release_name(minor, name);
}

OM_uint32
gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred,
	gss_ctx_id_t *context, gss_name_t target, gss_OID mech,
	OM_uint32 req_flags, OM_uint32 time_req,
	gss_channel_bindings_t bindings, gss_buffer_t input,
	gss_OID *actual_mech, gss_buffer_t output, OM_uint32 *ret_flags,
	OM_uint32 *time_rec)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.init_sec_context(minor, cred, context, target, mech,
		req_flags, time_req, bindings, input, actual_mech, output,
		ret_flags, time_rec);
}

OM_uint32
gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context,
	gss_buffer_t output)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.delete_sec_context(minor, context, output);
}

OM_uint32
gss_display_status(OM_uint32 *minor, OM_uint32 status, int status_type,
	gss_OID mech, OM_uint32 *message_context, gss_buffer_t out)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.display_status(minor, status, status_type, mech,
		message_context, out);
}

OM_uint32
gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer)
{
	if (!gss_load(minor))
		return KITH_GSS_S_UNAVAILABLE;
	return gss.release_buffer(minor, buffer);
}
#endif
