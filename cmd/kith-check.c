/*
 * kith-check - lint the repository: unknown and ambiguous mentions,
 * probable duplicates, impossible dates, bad cadences and due: dates,
 * misnamed journal days, files outside the layout, unreadable files and
 * leftover conflict markers, one per line as "path:line: problem".
 *
 * Prints nothing and exits 0 when all is well, so that it can run as a
 * git pre-commit hook; --install-hook writes that hook.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kith.h"

static const char *argv0 = "kith-check";

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith check [--json]\n"
		"       kith check --install-hook\n", f);
	exit(code);
}

static void
print_human(const struct kith_problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		printf("%s:%d: %s\n", ps->v[i].path, ps->v[i].line, ps->v[i].message);
}

static int
print_json(const struct kith_problems *ps)
{
	json_t *a = json_array();
	int rc;

	for (size_t i = 0; a && i < ps->n; i++) {
		const struct kith_problem *p = &ps->v[i];
		json_t *o = json_object();
		if (!o || json_array_append_new(a, o) < 0) {
			json_decref(a);
			return kith_error_set(KITH_ERROR, "out of memory");
		}
		json_object_set_new(o, "path", json_string(p->path));
		json_object_set_new(o, "line", json_integer(p->line));
		json_object_set_new(o, "kind", json_string(kith_problem_kind_name(p->kind)));
		json_object_set_new(o, "message", json_string(p->message));
	}
	rc = a ? kith_json_print_array(stdout, a) :
		kith_error_set(KITH_ERROR, "out of memory");
	json_decref(a);
	return rc;
}

static int
install_hook(struct kith_repo *repo)
{
	char *path = NULL;
	int rc = kith_check_install_hook(&path, repo);

	if (rc == 0)
		printf("%s\n", path);
	free(path);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "install-hook", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct kith_repo *repo = NULL;
	struct kith_problems *ps = NULL;
	bool json = false, hook = false;
	int c, rc;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'i':
			hook = true;
			break;
		case 'h':
			usage(stdout, 0);
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc || (json && hook))
		usage(stderr, 2);
	if ((rc = kith_repo_open(&repo, NULL)) < 0)
		goto out;
	if (hook) {
		rc = install_hook(repo);
	} else if ((rc = kith_check(&ps, repo, NULL, 0)) == 0) {
		if (json)
			rc = print_json(ps);
		else
			print_human(ps);
	}
	if (rc == 0)
		rc = kith_stdout_close();
out:
	if (rc < 0)
		fprintf(stderr, "%s: %s\n", argv0, kith_error());
	c = rc < 0 ? kith_exit_code(rc) : ps && ps->n ? 1 : 0;
	kith_problems_free(ps);
	kith_repo_free(repo);
	return c;
}
