/*
 * buf.c - growable buffers, pointer vectors, the arena, whole-file reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

int
kith_buf_grow(struct kith_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	char *p;

	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	if (!(p = realloc(b->ptr, cap)))
		return kith_error_set(KITH_ERROR, "out of memory");
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int
kith_buf_put(struct kith_buf *b, const void *data, size_t len)
{
	if (b->len + len + 1 > b->cap && kith_buf_grow(b, len) < 0)
		return KITH_ERROR;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int
kith_buf_puts(struct kith_buf *b, const char *s)
{
	return kith_buf_put(b, s, strlen(s));
}

int
kith_buf_printf(struct kith_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return kith_error_set(KITH_ERROR, "cannot format text");
	if (kith_buf_grow(b, (size_t)n) < 0)
		return KITH_ERROR;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

const char *
kith_buf_cstr(struct kith_buf *b)
{
	return b->ptr ? b->ptr : "";
}

void
kith_buf_clear(struct kith_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

void
kith_buf_free(struct kith_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void
kith_sort(void *base, size_t n, size_t size,
	int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

char *
kith_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int
kith_ptrvec_push(struct kith_ptrvec *pv, void *p)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? pv->cap * 2 : 16;
		void **v = realloc(pv->v, cap * sizeof *v);
		if (!v)
			return kith_error_set(KITH_ERROR, "out of memory");
		pv->v = v;
		pv->cap = cap;
	}
	pv->v[pv->n++] = p;
	return 0;
}

void
kith_ptrvec_free(struct kith_ptrvec *pv)
{
	free(pv->v);
	pv->v = NULL;
	pv->n = pv->cap = 0;
}

/*
 * ---- arena ----
 *
 * Objects that live as long as their model, bumped out of chunks. Small
 * arenas take 64 KB chunks from malloc. Past 1 MB, a chunk is 2 MB (or
 * more) of its own mapping, aligned so that the kernel can back it with
 * one huge page: a big model (the index loads 10 MB and more) then costs
 * a few page faults rather than thousands, and since fresh mappings are
 * zero, nothing there needs clearing.
 */

#define SMALL_CHUNK ((size_t)64 << 10)
#define HUGE_CHUNK ((size_t)2 << 20)

struct chunk {
	struct chunk *next;
	size_t used, size;
	size_t mapped; /* bytes mapped for it (0: malloc'd, not cleared) */
	bool reused;   /* used before kith_arena_clear: not cleared */
	max_align_t data[];
};

struct kith_arena {
	struct chunk *head;
	struct chunk *spare; /* emptied by kith_arena_clear */
	size_t total;
};

int
kith_arena_new(struct kith_arena **out)
{
	if (!(*out = calloc(1, sizeof **out)))
		return kith_error_set(KITH_ERROR, "out of memory");
	return 0;
}

/* A chunk of at least size bytes of data, mapped on a huge page boundary. */
static struct chunk *
map_chunk(size_t size)
{
	size_t want = (sizeof(struct chunk) + size + HUGE_CHUNK - 1) / HUGE_CHUNK * HUGE_CHUNK;
	char *p = mmap(NULL, want + HUGE_CHUNK, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct chunk *c;

	if (p == MAP_FAILED)
		return NULL;
	/* trim to an aligned stretch of want bytes */
	size_t head = (HUGE_CHUNK - (uintptr_t)p % HUGE_CHUNK) % HUGE_CHUNK;
	if (head)
		munmap(p, head);
	if (HUGE_CHUNK - head)
		munmap(p + head + want, HUGE_CHUNK - head);
	p += head;
#ifdef MADV_HUGEPAGE
	madvise(p, want, MADV_HUGEPAGE); /* a hint: nothing changes when it fails */
#endif
	c = (struct chunk *)(void *)p;
	c->size = want - sizeof *c;
	c->mapped = want;
	c->reused = false;
	return c;
}

void *
kith_arena_alloc(struct kith_arena *a, size_t size)
{
	struct chunk *c = a->head;
	const size_t align = sizeof(max_align_t);

	size = (size + align - 1) / align * align;
	if (!size)
		size = align;
	if (!c || c->size - c->used < size) {
		if (a->spare && a->spare->size >= size) {
			c = a->spare;
			a->spare = c->next;
		} else if (a->total + size >= HUGE_CHUNK / 2) {
			c = map_chunk(size);
		} else {
			size_t csize = size > SMALL_CHUNK ? size : SMALL_CHUNK;
			if ((c = malloc(sizeof *c + csize))) {
				c->size = csize;
				c->mapped = 0;
				c->reused = false;
			}
		}
		if (!c) {
			kith_error_set(KITH_ERROR, "out of memory");
			return NULL;
		}
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += c->size;
	}
	void *p = (char *)c->data + c->used;
	c->used += size;
	if (!c->mapped || c->reused)
		memset(p, 0, size);
	return p;
}

void
kith_arena_clear(struct kith_arena *a)
{
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		c->used = 0;
		c->reused = true;
		c->next = a->spare;
		a->spare = c;
	}
	a->head = NULL;
	a->total = 0;
}

char *
kith_arena_strndup(struct kith_arena *a, const char *s, size_t n)
{
	char *p = kith_arena_alloc(a, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *
kith_arena_strdup(struct kith_arena *a, const char *s)
{
	return kith_arena_strndup(a, s, strlen(s));
}

void
kith_arena_free(struct kith_arena *a)
{
	if (!a)
		return;
	kith_arena_clear(a);
	for (struct chunk *c = a->spare, *next; c; c = next) {
		next = c->next;
		if (c->mapped)
			munmap(c, c->mapped);
		else
			free(c);
	}
	free(a);
}

/* ---- files ---- */

int
kith_file_read(char **out, size_t *len, const char *path)
{
	return kith_file_read_st(out, len, path, NULL);
}

/* Read fd (open, named path in messages) whole, and close it. */
int
kith_fd_read(char **out, size_t *len, int fd, const char *path, struct stat *stp)
{
	struct stat st;
	char *p = NULL;
	size_t cap, n = 0;

	*out = NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return kith_error_errno(KITH_ERROR, "cannot stat '%s'", path);
	}
	if (stp)
		*stp = st;
	/* room for the NUL and a byte more, so that the read finding the
	 * end needs no bigger buffer (and no copy) */
	cap = st.st_size > 0 ? (size_t)st.st_size + 2 : 4096;
	for (;;) {
		if (!p || n + 1 >= cap) {
			char *q;
			if (p)
				cap *= 2;
			if (!(q = realloc(p, cap))) {
				free(p);
				close(fd);
				return kith_error_set(KITH_ERROR, "out of memory");
			}
			p = q;
		}
		ssize_t r = read(fd, p + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			free(p);
			close(fd);
			return kith_error_errno(KITH_ERROR, "cannot read '%s'", path);
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	p[n] = '\0';
	*out = p;
	if (len)
		*len = n;
	return 0;
}

int
kith_file_read_st(char **out, size_t *len, const char *path, struct stat *stp)
{
	int fd;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return kith_error_errno(errno == ENOENT ? KITH_ENOTFOUND : KITH_ERROR,
			"cannot open '%s'", path);
	return kith_fd_read(out, len, fd, path, stp);
}
