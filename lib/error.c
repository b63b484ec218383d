/*
 * error.c - the message kept by the last failing call, and exit codes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kith.h"

/* per thread: the index parses on two */
static _Thread_local char message[1024];

const char *
kith_error(void)
{
	return message;
}

static int
vset(int code, const char *fmt, va_list ap, int err)
{
	int n = vsnprintf(message, sizeof message, fmt, ap);

	if (err && n >= 0 && (size_t)n < sizeof message)
		snprintf(message + n, sizeof message - n, ": %s", strerror(err));
	return code;
}

int
kith_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(code, fmt, ap, 0);
	va_end(ap);
	return code;
}

int
kith_error_errno(int code, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vset(code, fmt, ap, err);
	va_end(ap);
	return code;
}

int
kith_exit_code(int code)
{
	switch (code) {
	case KITH_OK:
		return 0;
	case KITH_ENOTFOUND:
		return 1;
	case KITH_EINVALID:
	case KITH_EAMBIGUOUS:
	case KITH_EEXISTS:
		return 2;
	default:
		return 3;
	}
}
