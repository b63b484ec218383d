/*
 * gss.h - the part of GSSAPI (RFC 2744's C bindings, as MIT krb5's
 * <gssapi/gssapi.h> has them) that libgit2 calls for HTTP Negotiate auth.
 *
 * Only for commands linked against the static archives (KITH_LINK_STATIC):
 * there lib/netinit.c defines these functions itself and loads
 * libgssapi_krb5 the first time one is called, so that a command that
 * never meets a Negotiate challenge never loads the Kerberos libraries.
 * Declared here, not taken from <gssapi/gssapi.h>, so that building needs
 * no libkrb5-dev; the layout is fixed by the RFC and the library's ABI.
 */
#ifndef KITH_GSS_H
#define KITH_GSS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;

typedef struct gss_OID_desc_struct {
	OM_uint32 length;
	void *elements;
} gss_OID_desc, *gss_OID;

typedef struct gss_OID_set_desc_struct {
	size_t count;
	gss_OID elements;
} gss_OID_set_desc, *gss_OID_set;

typedef struct gss_buffer_desc_struct {
	size_t length;
	void *value;
} gss_buffer_desc, *gss_buffer_t;

typedef struct gss_name_struct *gss_name_t;
typedef struct gss_cred_id_struct *gss_cred_id_t;
typedef struct gss_ctx_id_struct *gss_ctx_id_t;
typedef struct gss_channel_bindings_struct *gss_channel_bindings_t;

#define KITH_GSS_S_UNAVAILABLE (16u << 16) /* GSS_S_UNAVAILABLE */
#define KITH_GSS_ERROR(x) ((x) & 0xffff0000u) /* GSS_ERROR() */

extern gss_OID GSS_C_NT_HOSTBASED_SERVICE;

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechs);
OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set);
OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t name,
	gss_OID type, gss_name_t *out);
OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name);
OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t cred,
	gss_ctx_id_t *context, gss_name_t target, gss_OID mech,
	OM_uint32 req_flags, OM_uint32 time_req,
	gss_channel_bindings_t bindings, gss_buffer_t input,
	gss_OID *actual_mech, gss_buffer_t output, OM_uint32 *ret_flags,
	OM_uint32 *time_rec);
OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context,
	gss_buffer_t output);
OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status,
	int status_type, gss_OID mech, OM_uint32 *message_context,
	gss_buffer_t out);
OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer);

/*
 * For tests: the library the first call loads (default
 * "libgssapi_krb5.so.2"; only before that call); whether it is loaded.
 */
void kith_netinit_gss_library(const char *soname);
bool kith_netinit_gss_loaded(void);

#endif
