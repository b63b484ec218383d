/*
 * measure - time one command, or the file-system floor, for bench/run.
 *
 * usage: bench/measure [-o file] [-e file] -- command [argument ...]
 *        bench/measure --walk | --read dir ...
 *
 * The first form runs the command with standard output to file (default
 * /dev/null) and standard error to the -e file (default: inherited),
 * waits for it with wait4(2) and prints one line:
 *
 *	status wall_us cpu_us maxrss_kb
 *
 * status is the exit status (128 + N when killed by signal N); wall_us
 * the elapsed time (CLOCK_MONOTONIC); cpu_us user + system time; maxrss_kb
 * the child's peak resident set size. No /usr/bin/time needed.
 *
 * --walk lstat(2)s every entry under the dirs without following symbolic
 * links (the least any loader that checks for changes must do); --read
 * also reads every regular file whole (the least a loader that parses
 * everything must do). Both print:
 *
 *	files bytes wall_us
 *
 * Exit 0 when the measurement was taken (whatever the command's status),
 * 2 on bad usage, 3 when the command cannot be started or a dir walked.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *argv0 = "measure";

static long long files, bytes;
static int read_too;
static char chunk[1 << 16];

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: measure [-o file] [-e file] -- command [argument ...]\n"
		"       measure --walk | --read dir ...\n", stderr);
	exit(2);
}

static long long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
read_whole(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		;
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type != FTW_F)
		return 0;
	files++;
	bytes += st->st_size;
	if (read_too && read_whole(path) < 0) {
		fprintf(stderr, "%s: cannot read '%s': %s\n", argv0, path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int
floor_mode(char **dirs)
{
	long long t0 = now_us();

	for (; *dirs; dirs++)
		if (nftw(*dirs, visit, 32, FTW_PHYS) != 0) {
			fprintf(stderr, "%s: cannot walk '%s': %s\n", argv0, *dirs,
				strerror(errno));
			return 3;
		}
	printf("%lld %lld %lld\n", files, bytes, now_us() - t0);
	return 0;
}

/* Point fd at path (opened for writing), in the child. */
static void
redirect(int fd, const char *path)
{
	int f = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (f < 0 || dup2(f, fd) < 0) {
		fprintf(stderr, "%s: cannot open '%s': %s\n", argv0, path,
			strerror(errno));
		_exit(127);
	}
	close(f);
}

static int
run_mode(char **cmd, const char *out, const char *err)
{
	struct rusage ru;
	long long t0, wall;
	pid_t pid;
	int st, status;

	fflush(stdout);
	t0 = now_us();
	if ((pid = fork()) < 0) {
		fprintf(stderr, "%s: cannot fork: %s\n", argv0, strerror(errno));
		return 3;
	}
	if (pid == 0) {
		redirect(1, out);
		if (err)
			redirect(2, err);
		execvp(cmd[0], cmd);
		fprintf(stderr, "%s: cannot run '%s': %s\n", argv0, cmd[0],
			strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: wait4: %s\n", argv0, strerror(errno));
			return 3;
		}
	wall = now_us() - t0;
	status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	printf("%d %lld %lld %ld\n", status, wall,
		(long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
		(long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec,
		ru.ru_maxrss);
	return status == 127 ? 3 : 0;
}

int
main(int argc, char **argv)
{
	const char *out = "/dev/null", *err = NULL;
	int c;

	if (argc > 1 && (!strcmp(argv[1], "--walk") || !strcmp(argv[1], "--read"))) {
		if (argc < 3)
			usage();
		read_too = !strcmp(argv[1], "--read");
		return floor_mode(argv + 2);
	}
	while ((c = getopt(argc, argv, "o:e:")) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'e')
			err = optarg;
		else
			usage();
	}
	if (optind >= argc)
		usage();
	return run_mode(argv + optind, out, err);
}
