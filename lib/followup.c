/*
 * followup.c - the short id of a follow-up, shared by kith todo (which
 * prints it) and kith done (which takes it).
 *
 * The id is the first 7 hex digits of the git blob id of the follow-up's
 * path, a NUL byte and its text (due: removed): what
 * `printf '%s\0%s' PATH TEXT | git hash-object --stdin` prints. It does
 * not depend on the line, so it stays the same when lines are added above
 * the follow-up, when its due date changes and when it is ticked.
 */
#include <string.h>

/*
 * OpenSSL's SHA1_Init and friends, deprecated in OpenSSL 3 for EVP: an
 * EVP digest first fetches its provider, which costs more than the few
 * thousand hashes kith todo makes. libgit2's git_odb_hash is SHA-1 with
 * collision detection, ~8x slower: 18M of kith todo's 86M instructions
 * on a big repository. The id is git's either way.
 */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "internal.h"

int
kith_followup_id(char *out, const struct kith_followup *f)
{
	static const char hex[] = "0123456789abcdef";
	size_t np = strlen(f->path), nt = strlen(f->text);
	unsigned char md[SHA_DIGEST_LENGTH];
	char head[40], n[24];
	SHA_CTX c;

	/* a git blob's id: SHA-1 of "blob LENGTH\0" and the bytes */
	size_t nh = (size_t)(stpcpy(stpcpy(head, "blob "),
		kith_int_format(n, (long long)(np + 1 + nt))) - head) + 1;
	if (!SHA1_Init(&c) || !SHA1_Update(&c, head, nh) ||
	    !SHA1_Update(&c, f->path, np + 1) || !SHA1_Update(&c, f->text, nt) ||
	    !SHA1_Final(md, &c)) {
		out[0] = '\0';
		return kith_error_set(KITH_ERROR, "cannot hash a follow-up");
	}
	for (size_t i = 0; i < KITH_FOLLOWUP_ID_LEN; i++)
		out[i] = hex[md[i / 2] >> (i % 2 ? 0 : 4) & 0xf];
	out[KITH_FOLLOWUP_ID_LEN] = '\0';
	return 0;
}
