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
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int
kith_followup_id(char *out, const struct kith_followup *f)
{
	size_t np = strlen(f->path), nt = strlen(f->text);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;
	char *data;
	int rc;

	out[0] = '\0';
	if (!(data = malloc(np + 1 + nt)))
		return kith_error_set(KITH_ERROR, "out of memory");
	memcpy(data, f->path, np + 1);
	memcpy(data + np + 1, f->text, nt);
	kith_git_init();
	rc = git_odb_hash(&oid, data, np + 1 + nt, GIT_OBJECT_BLOB);
	free(data);
	if (rc < 0)
		return kith_error_git(KITH_ERROR, "cannot hash a follow-up");
	git_oid_tostr(hex, sizeof hex, &oid);
	memcpy(out, hex, KITH_FOLLOWUP_ID_LEN);
	out[KITH_FOLLOWUP_ID_LEN] = '\0';
	return 0;
}
