/*
 * t-buf.c - buffers, the arena, sorting, whole-file reads, errors, and
 * the output helpers (TSV cells, JSON arrays).
 */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith.h"
#include "tap.h"

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* What f wrote, as a malloc'd string; f is closed. */
static char *
contents(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	rewind(f);
	s = calloc(1, (size_t)n + 1);
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n)
		s[0] = '\0';
	fclose(f);
	return s;
}

static void
test_buf(void)
{
	struct kith_buf b = KITH_BUF_INIT;

	is_str(kith_buf_cstr(&b), "", "an empty buffer reads as \"\"");
	ok(kith_buf_puts(&b, "ab") == 0 && kith_buf_put(&b, "cdef", 2) == 0,
		"puts and put");
	is_str(kith_buf_cstr(&b), "abcd", "bytes appended in order");
	ok(kith_buf_printf(&b, "-%d-%s", 42, "x") == 0, "printf");
	is_str(b.ptr, "abcd-42-x", "printf appends");
	is_int(b.len, 9, "length counts the bytes");
	for (int i = 0; i < 1000; i++)
		kith_buf_put(&b, "0123456789", 10);
	is_int(b.len, 10009, "grows past many doublings");
	is_int(b.ptr[b.len], '\0', "always NUL-terminated");
	kith_buf_clear(&b);
	is_str(kith_buf_cstr(&b), "", "clear empties it");
	kith_buf_free(&b);
	ok(b.ptr == NULL && b.len == 0, "free resets it");
}

/*
 * 60,000 allocations of 40-184 bytes from a, each written with byte once
 * looked at: how many were zeroed, aligned, and apart from the one before.
 */
static void
fill(struct kith_arena *a, int byte, size_t *nz, size_t *aligned, size_t *apart)
{
	unsigned char *prev = NULL;

	*nz = *aligned = *apart = 0;
	for (int i = 0; i < 60000; i++) {
		size_t n = 40 + (size_t)(i % 7) * 24;
		unsigned char *p = kith_arena_alloc(a, n);
		if (!p)
			break;
		size_t zeroed = 0;
		for (size_t j = 0; j < n; j++)
			zeroed += p[j] == 0;
		*nz += zeroed == n;
		*aligned += (uintptr_t)p % _Alignof(max_align_t) == 0;
		*apart += !prev || p >= prev + 40 || p + n <= prev;
		memset(p, byte, n);
		prev = p;
	}
}

static void
test_arena(void)
{
	struct kith_arena *a = NULL;
	char *big;

	ok(kith_arena_new(&a) == 0 && a, "arena");
	char *s = kith_arena_strndup(a, "hello world", 5);
	is_str(s, "hello", "strndup copies n bytes");
	is_str(kith_arena_strdup(a, "x"), "x", "strdup");
	int *z = kith_arena_alloc(a, 64 * sizeof *z);
	int zeros = 0;
	for (int i = 0; i < 64; i++)
		zeros += z[i] == 0;
	is_int(zeros, 64, "allocations are zeroed");
	big = kith_arena_alloc(a, 1 << 20);
	ok(big != NULL, "an allocation larger than a chunk");
	ok(((uintptr_t)kith_arena_alloc(a, 3) % _Alignof(max_align_t)) == 0,
		"allocations are aligned");
	is_str(s, "hello", "earlier strings survive later chunks");
	kith_arena_free(a);
	kith_arena_free(NULL);
	ok(1, "freeing NULL is fine");

	/* Past 1 MB the chunks are mappings of their own: still zeroed,
	 * aligned, apart, and writable to their last byte. */
	ok(kith_arena_new(&a) == 0, "a big arena");
	size_t nz, aligned, apart;
	fill(a, 0xa5, &nz, &aligned, &apart);
	is_int((long)nz, 60000, "every allocation of 60,000 (6 MB) is zeroed");
	is_int((long)aligned, 60000, "and aligned");
	is_int((long)apart, 60000, "and apart from the one before");
	unsigned char *huge = kith_arena_alloc(a, (size_t)5 << 20);
	ok(huge && huge[0] == 0 && huge[((size_t)5 << 20) - 1] == 0,
		"a 5 MB allocation among them is zeroed");
	if (huge)
		memset(huge, 1, (size_t)5 << 20);
	is_str(kith_arena_strdup(a, "after"), "after", "and the arena goes on after it");

	/* Cleared, its chunks (malloc'd and mapped alike, all written) serve
	 * again: what comes next is zeroed all the same, and apart. */
	for (int round = 0; round < 3; round++) {
		kith_arena_clear(a);
		fill(a, 0x5a, &nz, &aligned, &apart);
		is_int((long)nz, 60000, "after kith_arena_clear: every allocation zeroed");
		is_int((long)apart, 60000, "and apart from the one before");
	}
	kith_arena_clear(a);
	kith_arena_clear(a);
	s = kith_arena_strdup(a, "twice");
	is_str(s, "twice", "cleared twice, the arena still serves");
	kith_arena_free(a);
}

static void
test_sort_and_files(void)
{
	int v[] = { 3, 1, 2 };
	char path[] = "/tmp/kith-t-buf.XXXXXX", *text = NULL;
	size_t len = 0;
	int fd;

	kith_sort(NULL, 0, sizeof(int), cmp_int);
	ok(1, "sorting an empty NULL array is fine");
	kith_sort(v, 3, sizeof *v, cmp_int);
	ok(v[0] == 1 && v[1] == 2 && v[2] == 3, "sorts");

	fd = mkstemp(path);
	ok(fd >= 0 && write(fd, "a\0b\n", 4) == 4, "a file with a NUL byte");
	close(fd);
	ok(kith_file_read(&text, &len, path) == 0, "file_read");
	ok(len == 4 && !memcmp(text, "a\0b\n", 4) && text[4] == '\0',
		"reads every byte, NUL-terminated");
	free(text);
	unlink(path);
	is_int(kith_file_read(&text, &len, path), KITH_ENOTFOUND,
		"a missing file is KITH_ENOTFOUND");
	ok(strstr(kith_error(), path) && strstr(kith_error(), strerror(ENOENT)),
		"the message names the file and the reason");
	is_int(kith_file_read(&text, &len, "/"), KITH_ERROR,
		"a directory is an I/O error");
}

static void
test_errors(void)
{
	is_int(kith_error_set(KITH_EINVALID, "bad '%s'", "x"), KITH_EINVALID,
		"error_set returns its code");
	is_str(kith_error(), "bad 'x'", "and keeps the message");
	errno = ENOENT;
	kith_error_errno(KITH_ERROR, "cannot open '%s'", "f");
	is_str(kith_error(), "cannot open 'f': No such file or directory",
		"error_errno appends strerror");
	is_int(kith_exit_code(KITH_OK), 0, "exit 0 on success");
	is_int(kith_exit_code(KITH_ENOTFOUND), 1, "exit 1: found nothing");
	is_int(kith_exit_code(KITH_EINVALID), 2, "exit 2: bad input");
	is_int(kith_exit_code(KITH_EAMBIGUOUS), 2, "exit 2: ambiguous");
	is_int(kith_exit_code(KITH_EEXISTS), 2, "exit 2: exists");
	is_int(kith_exit_code(KITH_ERROR), 3, "exit 3: I/O or git");
	is_int(kith_exit_code(KITH_ELOCKED), 3, "exit 3: locked");
	is_int(kith_exit_code(KITH_ENOREPO), 3, "exit 3: no repository");
}

static void
test_output(void)
{
	FILE *f = tmpfile();
	const char *list[] = { "a", "b\tc" };
	char *s;

	kith_tsv_cell(f, "x\ty\nz\r");
	fputc('|', f);
	kith_tsv_list(f, list, 2);
	s = contents(f);
	is_str(s, "x y z |a,b c", "TSV cells flatten tabs and line ends");
	free(s);

	json_t *a = json_array();
	f = tmpfile();
	kith_json_print_array(f, a);
	s = contents(f);
	is_str(s, "[]\n", "an empty array");
	free(s);
	json_array_append_new(a, json_pack("{s:s,s:i}", "k", "Zoë/ü", "n", 1));
	json_array_append_new(a, json_pack("{s:n}", "k"));
	f = tmpfile();
	kith_json_print_array(f, a);
	s = contents(f);
	is_str(s, "[\n{\"k\":\"Zoë/ü\",\"n\":1},\n{\"k\":null}\n]\n",
		"one compact object a line, keys in order, UTF-8 and / as written");
	free(s);
	json_decref(a);

	f = tmpfile();
	kith_tsv_cell_n(f, "a\tb\nc\r\n", 6);
	fputc('|', f);
	kith_tsv_cell_n(f, "plain", 3);
	s = contents(f);
	is_str(s, "a b c |pla", "a TSV cell of n bytes: runs and the separators between");
	free(s);

	/* kith_json_str writes what jansson's compact dump would */
	char all[128];
	for (int c = 1; c < 128; c++)
		all[c - 1] = (char)c;
	all[127] = '\0';
	const char *cases[] = { "", "plain", all, "Zoë \"quoted\" back\\slash/",
		"line\nbreak\ttab\r\b\f\x01\x1f\x7f", "日本語 and 😀" };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *js = json_string(cases[i]);
		char *want = json_dumps(js, JSON_COMPACT | JSON_ENCODE_ANY);
		f = tmpfile();
		kith_json_str(f, cases[i], strlen(cases[i]));
		s = contents(f);
		is_str(s, want, "a JSON string as jansson writes it");
		free(s);
		free(want);
		json_decref(js);
	}
	f = tmpfile();
	kith_json_str(f, "a\xff\xc3(b\xc3\xa9", 7);
	fputc('|', f);
	kith_json_str(f, NULL, 0);
	fputc('|', f);
	kith_json_str(f, "x\"y", 1);
	s = contents(f);
	is_str(s, "\"a\xef\xbf\xbd\xef\xbf\xbd(b\xc3\xa9\"|null|\"x\"",
		"bytes not UTF-8 as U+FFFD; NULL as null; n bytes only");
	free(s);

	setenv("NO_COLOR", "1", 1);
	ok(!kith_color(stdout), "NO_COLOR turns colour off");
	setenv("NO_COLOR", "", 1);
	f = tmpfile();
	ok(!kith_color(f), "no colour when not a terminal");
	fclose(f);
}

int
main(void)
{
	test_buf();
	test_arena();
	test_sort_and_files();
	test_errors();
	test_output();
	return done_testing();
}
