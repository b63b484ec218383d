/*
 * kith.c - the dispatcher: `kith NAME args` runs kith-NAME, as git does.
 *
 * Every command of this release is linked in (cmd/builtins.h) and runs
 * in-process, argv[0] "kith-NAME", with no second exec; so does kith
 * under the name kith-NAME, the hard links beside it. Any other kith-NAME
 * is taken from the directory of the running kith binary, else from
 * $PATH, so any kith-foo on $PATH is an extension. -C dir switches to a
 * repository first; `kith help` lists every command it can find.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kith.h"
#include "builtins.h"

#ifndef KITH_VERSION
#define KITH_VERSION "unknown"
#endif

/* The commands of this release: run in-process, and for `kith help`. */
static const struct builtin {
	const char *name;
	const char *what;
	int (*main)(int, char **);
} builtins[] = {
	{ "init", "create a repository", kith_cmd_init },
	{ "add", "add a person", kith_cmd_add },
	{ "log", "append an entry to the day's journal", kith_cmd_log },
	{ "show", "a person's card, timeline and open follow-ups", kith_cmd_show },
	{ "ls", "list people", kith_cmd_ls },
	{ "due", "what falls due: reconnects, birthdays, follow-ups", kith_cmd_due },
	{ "journal", "read the journal, filtered", kith_cmd_journal },
	{ "tags", "tags with counts", kith_cmd_tags },
	{ "todo", "open follow-ups", kith_cmd_todo },
	{ "done", "tick a follow-up", kith_cmd_done },
	{ "grep", "search people and journal", kith_cmd_grep },
	{ "edit", "edit a person or a journal day", kith_cmd_edit },
	{ "history", "the git history of a person or file", kith_cmd_history },
	{ "undo", "revert the last kith commit", kith_cmd_undo },
	{ "check", "find the mistakes in the files", kith_cmd_check },
	{ "mv", "rename a person, rewriting mentions", kith_cmd_mv },
	{ "merge", "fold a duplicate person into another", kith_cmd_merge },
	{ "sync", "commit, fetch, merge and push", kith_cmd_sync },
	{ "gc", "pack the git repository", kith_cmd_gc },
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

/* Names (without "kith-") of the commands found on disk. */
struct names {
	char **v;
	size_t n, cap;
};

static void __attribute__((noreturn))
usage(FILE *f, int code)
{
	fputs("usage: kith [-C dir] command [argument ...]\n"
		"       kith --version | --help | help [command]\n", f);
	if (f == stdout) {
		size_t i;

		fputs("\ncommon commands:\n", f);
		for (i = 0; i < NBUILTINS; i++)
			fprintf(f, "   %-6s %s\n", builtins[i].name,
				builtins[i].what);
		fputs("\n'kith help' lists every command, extensions included;"
			" 'kith help COMMAND' shows its manual\n", f);
	}
	exit(code);
}

static void
check_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kith: cannot write to standard output: %s\n",
			strerror(errno));
		exit(3);
	}
}

static void __attribute__((noreturn))
oom(void)
{
	fputs("kith: out of memory\n", stderr);
	exit(3);
}

/* The directory holding the running binary, or NULL (malloc'd). */
static char *
self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	if (!(slash = strrchr(buf, '/')))
		return NULL;
	*slash = '\0';
	return kith_strndup(buf, strlen(buf));
}

static void
names_add(struct names *ns, const char *name)
{
	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 32;
		char **v = realloc(ns->v, cap * sizeof *v);

		if (!v)
			oom();
		ns->v = v;
		ns->cap = cap;
	}
	if (!(ns->v[ns->n++] = strdup(name)))
		oom();
}

static bool
is_executable(const char *dir, const char *file)
{
	char path[PATH_MAX];
	struct stat st;
	int n = snprintf(path, sizeof path, "%s/%s", dir, file);

	if (n < 0 || (size_t)n >= sizeof path)
		return false;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		access(path, X_OK) == 0;
}

/* Add every executable kith-* in dir to ns. */
static void
scan_dir(struct names *ns, const char *dir)
{
	DIR *d = opendir(*dir ? dir : ".");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "kith-", 5) != 0 || !e->d_name[5])
			continue;
		if (is_executable(*dir ? dir : ".", e->d_name))
			names_add(ns, e->d_name + 5);
	}
	closedir(d);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every command found beside kith and on $PATH, sorted and unique. */
static void
find_commands(struct names *ns)
{
	char *self = self_dir(), *path, *p, *colon;
	const char *env = getenv("PATH");
	size_t i, j;

	if (self)
		scan_dir(ns, self);
	free(self);
	if (!(path = strdup(env ? env : "")))
		oom();
	for (p = path; p; p = colon ? colon + 1 : NULL) {
		if ((colon = strchr(p, ':')))
			*colon = '\0';
		scan_dir(ns, p);
	}
	free(path);
	if (ns->n == 0)
		return;
	kith_sort(ns->v, ns->n, sizeof *ns->v, cmp_names);
	for (i = 1, j = 1; i < ns->n; i++) {
		if (strcmp(ns->v[i], ns->v[j - 1]) == 0)
			free(ns->v[i]);
		else
			ns->v[j++] = ns->v[i];
	}
	ns->n = j;
}

static void
names_free(struct names *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
}

/* The command of this release called name, or NULL. */
static const struct builtin *
builtin(const char *name)
{
	size_t i;

	for (i = 0; i < NBUILTINS; i++)
		if (strcmp(builtins[i].name, name) == 0)
			return &builtins[i];
	return NULL;
}

static const char *
describe(const char *name)
{
	const struct builtin *b = builtin(name);

	return b ? b->what : "(extension)";
}

#define STDOUT_BUF (64 * 1024)

/* Run the command b in-process, argv[0] "kith-NAME"; never returns. */
static void __attribute__((noreturn))
run_builtin(const struct builtin *b, int argc, char **argv)
{
	static char prog[32];

	snprintf(prog, sizeof prog, "kith-%s", b->name);
	argv[0] = prog;
	/*
	 * One thread writes stdout at a time (kith grep's printers take
	 * turns under a mutex): stdio need not lock it for every putchar
	 * of a 20 MB journal.
	 */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	/*
	 * Not to a terminal: one write(2) per 64 KB, not per 4 KB (what
	 * glibc takes from st_blksize): `journal --tag` prints 20 MB of the
	 * bench's journal in 4,900 writes otherwise, 5 ms of the 30.
	 */
	static char outbuf[STDOUT_BUF]; /* glibc takes no size without one */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	exit(b->main(argc, argv));
}

static int
list_commands(void)
{
	struct names ns = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < NBUILTINS; i++)
		names_add(&ns, builtins[i].name);
	find_commands(&ns);
	for (i = 0; i < ns.n; i++)
		printf("%-10s %s\n", ns.v[i], describe(ns.v[i]));
	names_free(&ns);
	check_stdout();
	return 0;
}

static void
check_name(const char *name)
{
	if (!*name || strchr(name, '/')) {
		fprintf(stderr, "kith: invalid command name '%s': "
			"see 'kith help'\n", name);
		exit(2);
	}
}

static int
help(int argc, char **argv)
{
	char *page;

	if (argc < 2)
		return list_commands();
	check_name(argv[1]);
	if (asprintf(&page, "kith-%s", argv[1]) < 0)
		oom();
	execvp("man", (char *[]){ "man", page, NULL });
	fprintf(stderr, "kith: cannot run 'man': %s\n", strerror(errno));
	exit(3);
}

/* Damerau-Levenshtein distance (optimal string alignment). */
static size_t
distance(const char *a, const char *b)
{
	static size_t d[64][64];
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la >= 64 || lb >= 64)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/*
 * Keep in ns only the names close to typo: the one it is a unique prefix
 * of, else those at the least distance, if that is at most 2 and less
 * than the typo's length (so "zz" suggests nothing). A name equal to the
 * typo is no suggestion: it is the command that could not be found.
 */
static void
closest(struct names *ns, const char *typo)
{
	size_t i, j, best = SIZE_MAX, nprefix = 0, len = strlen(typo);
	char *prefix = NULL;

	for (i = 0; i < ns->n; i++) {
		if (strcmp(ns->v[i], typo) == 0)
			continue;
		if (strncmp(ns->v[i], typo, len) == 0) {
			nprefix++;
			prefix = ns->v[i];
		}
		size_t dist = distance(typo, ns->v[i]);
		if (dist < best)
			best = dist;
	}
	for (i = 0, j = 0; i < ns->n; i++) {
		bool keep = nprefix == 1 ? ns->v[i] == prefix :
			best <= 2 && best < len && strcmp(ns->v[i], typo) != 0 &&
			distance(typo, ns->v[i]) == best;
		if (keep)
			ns->v[j++] = ns->v[i];
		else
			free(ns->v[i]);
	}
	ns->n = j;
}

static void __attribute__((noreturn))
not_found(const char *name)
{
	struct names ns = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < NBUILTINS; i++)
		names_add(&ns, builtins[i].name);
	find_commands(&ns);
	closest(&ns, name);
	fprintf(stderr, "kith: '%s' is not a kith command: see 'kith help'\n",
		name);
	for (i = 0; i < ns.n; i++)
		fprintf(stderr, "%s'kith %s'%s", i == 0 ? "did you mean " :
			i + 1 == ns.n ? " or " : ", ", ns.v[i],
			i + 1 == ns.n ? "?\n" : "");
	names_free(&ns);
	exit(2);
}

/*
 * Run NAME with the remaining arguments: a command of this release
 * in-process, anything else by exec of kith-NAME. Never returns.
 */
static void __attribute__((noreturn))
run(int argc, char **argv)
{
	char *prog, *self, *path = NULL;
	bool beside;
	const struct builtin *b;
	int err;

	check_name(argv[0]);
	if ((b = builtin(argv[0])))
		run_builtin(b, argc, argv);
	self = self_dir();
	if (asprintf(&prog, "kith-%s", argv[0]) < 0)
		oom();
	argv[0] = prog;
	if (self && asprintf(&path, "%s/%s", self, prog) < 0)
		oom();
	free(self);
	beside = path && access(path, F_OK) == 0;
	if (beside)
		execv(path, argv);
	else
		execvp(prog, argv);
	err = errno;
	if (err == ENOENT && !beside)
		not_found(prog + 5);
	fprintf(stderr, "kith: cannot run '%s': %s\n", beside ? path : prog,
		strerror(err));
	exit(3);
}

static void
change_dir(const char *dir)
{
	char *abs = realpath(dir, NULL);

	if (!abs || chdir(abs) != 0) {
		fprintf(stderr, "kith: cannot use '%s' as the repository: %s\n",
			dir, strerror(errno));
		exit(2);
	}
	if (setenv("KITH_DIR", abs, 1) != 0)
		oom();
	free(abs);
}

/* Handle the options before the command; returns how many were used. */
static int
options(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0)
			return i + 1;
		if (strcmp(a, "--version") == 0) {
			printf("kith %s\n", KITH_VERSION);
			check_stdout();
			exit(0);
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout, 0);
		} else if (strcmp(a, "-C") == 0) {
			if (++i == argc) {
				fputs("kith: option '-C' needs a directory\n",
					stderr);
				usage(stderr, 2);
			}
			change_dir(argv[i]);
		} else if (strncmp(a, "-C", 2) == 0) {
			change_dir(a + 2);
		} else {
			fprintf(stderr, "kith: unknown option '%s'\n", a);
			usage(stderr, 2);
		}
	}
	return i;
}

int
main(int argc, char **argv)
{
	const struct builtin *b;
	const char *base;
	int i;

	/* Called kith-NAME (a link to kith): the command NAME itself. */
	if (argc > 0) {
		base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (strncmp(base, "kith-", 5) == 0 && (b = builtin(base + 5)))
			run_builtin(b, argc, argv);
	}
	i = options(argc, argv);
	argc -= i;
	argv += i;
	if (argc == 0)
		usage(stderr, 2);
	if (strcmp(argv[0], "help") == 0)
		return help(argc, argv);
	run(argc, argv);
}
