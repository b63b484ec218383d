/*
 * kith-init.c - create a kith repository: kith.conf (from its template),
 * .gitattributes and .gitignore, people/ and journal/, in one first commit
 * "init: kith repository". The directory is made a git repository on
 * branch main unless it already is one; what else is in it is left alone.
 * Without a directory argument it uses $KITH_DIR (which `kith -C DIR`
 * sets), else the current directory. --demo also writes a made-up network
 * dated around today.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static void
usage(FILE *f, int code)
{
	fputs("usage: kith init [--demo] [dir]\n", f);
	exit(code);
}

static void
die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("kith-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* Report a lib/ failure and exit with its status. */
static void
fail(int rc)
{
	die(kith_exit_code(rc), "%s", kith_error());
}

static void
options(int argc, char **argv, struct kith_init_options *opts)
{
	static const struct option longopts[] = {
		{ "demo", no_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'D':
			opts->demo = true;
			break;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (argc - optind > 1)
		usage(stderr, 2);
}

int
main(int argc, char **argv)
{
	struct kith_init_options opts = { .demo = false };
	const char *dir, *env = getenv("KITH_DIR");
	int rc;

	options(argc, argv, &opts);
	if (optind < argc)
		dir = argv[optind];
	else
		dir = env && *env ? env : ".";
	if (!*dir)
		die(2, "empty directory name: name the directory to create");
	if (opts.demo && (rc = kith_date_today(&opts.today)) < 0)
		fail(rc);
	if ((rc = kith_repo_init(dir, &opts)) < 0)
		fail(rc);
	printf("initialised kith repository in %s\n", dir);
	if (fflush(stdout) != 0 || ferror(stdout))
		die(3, "cannot write to standard output: %s", strerror(errno));
	return 0;
}
