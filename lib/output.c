/*
 * output.c - what every command's output shares: colour or not, TSV cells,
 * JSON of a person, and the final check that stdout took every byte.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kith.h"

bool
kith_color(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		return false;
	return isatty(fileno(f));
}

void
kith_tsv_cell_n(FILE *f, const char *s, size_t n)
{
	/* in runs: a text cell may be thousands of bytes, putc each is slow */
	while (n) {
		size_t k = strcspn(s, "\t\n\r");
		if (k >= n) {
			fwrite(s, 1, n, f);
			return;
		}
		fwrite(s, 1, k, f);
		putc(' ', f);
		s += k + 1;
		n -= k + 1;
	}
}

void
kith_tsv_cell(FILE *f, const char *s)
{
	if (s)
		kith_tsv_cell_n(f, s, strlen(s));
}

void
kith_tsv_list(FILE *f, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', f);
		kith_tsv_cell(f, v[i]);
	}
}

void
kith_put_where(FILE *f, const char *path, int line, const char *on,
	const char *off)
{
	char n[24];

	fputs("  ", f);
	fputs(on, f);
	fputs(path, f);
	putc(':', f);
	fputs(kith_int_format(n, line), f);
	fputs(off, f);
	putc('\n', f);
}

static json_t *
date_or_null(kith_date d)
{
	char buf[16];

	return d == KITH_NODATE ? json_null() : json_string(kith_date_format(buf, d));
}

json_t *
kith_json_person(const struct kith_person *p)
{
	json_t *o = json_object(), *tags = json_array(), *fields = json_object();

	if (!o || !tags || !fields) {
		json_decref(o);
		json_decref(tags);
		json_decref(fields);
		return NULL;
	}
	for (size_t i = 0; i < p->ntags; i++)
		json_array_append_new(tags, json_string(p->tags[i]));
	for (size_t i = 0; i < p->nfields; i++) {
		json_t *v = json_object_get(fields, p->fields[i].key);
		if (!v) {
			v = json_array();
			json_object_set_new(fields, p->fields[i].key, v);
		}
		json_array_append_new(v, json_string(p->fields[i].value));
	}
	json_object_set_new(o, "slug", json_string(p->slug));
	json_object_set_new(o, "name", json_string(p->name));
	json_object_set_new(o, "path", json_string(p->path));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "last", date_or_null(p->last));
	json_object_set_new(o, "interactions", json_integer((json_int_t)p->count));
	json_object_set_new(o, "every", p->every ? json_string(p->every) : json_null());
	json_object_set_new(o, "fields", fields);
	return o;
}

#define FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

int
kith_json_print(FILE *f, json_t *value)
{
	if (json_dumpf(value, f, FLAGS) < 0)
		return kith_error_set(KITH_ERROR, "cannot write JSON");
	putc('\n', f);
	return 0;
}

int
kith_json_print_array(FILE *f, json_t *array)
{
	size_t i;
	json_t *v;

	if (!json_array_size(array)) {
		fputs("[]\n", f);
		return 0;
	}
	fputs("[\n", f);
	json_array_foreach(array, i, v) {
		if (json_dumpf(v, f, FLAGS) < 0)
			return kith_error_set(KITH_ERROR, "cannot write JSON");
		fputs(i + 1 < json_array_size(array) ? ",\n" : "\n", f);
	}
	fputs("]\n", f);
	return 0;
}

void
kith_json_str(FILE *f, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	bool valid;
	size_t i = 0, run = 0;

	if (!s) {
		fputs("null", f);
		return;
	}
	valid = kith_utf8_valid(s, n);
	putc('"', f);
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t k = 1;
		if (c >= 0x20 && c != '"' && c != '\\' &&
		    (c < 0x80 || valid || (k = kith_utf8_seq(s + i, n - i)))) {
			i += k;
			continue;
		}
		fwrite(s + run, 1, i - run, f);
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20) {
				fputs("\\u00", f);
				putc(hex[c >> 4], f);
				putc(hex[c & 15], f);
			} else {
				fputs("\xEF\xBF\xBD", f); /* U+FFFD */
			}
		}
		run = ++i;
	}
	fwrite(s + run, 1, i - run, f);
	putc('"', f);
}

static void
json_field(FILE *f, const char *key, const char *s)
{
	fputs(key, f);
	kith_json_str(f, s, s ? strlen(s) : 0);
}

void
kith_json_followup_open(FILE *f, const struct kith_followup *fu)
{
	char buf[24];

	json_field(f, "{\"text\":", fu->text);
	fputs(fu->done ? ",\"done\":true" : ",\"done\":false", f);
	json_field(f, ",\"due\":", fu->due == KITH_NODATE ? NULL :
		kith_date_format(buf, fu->due));
	fputs(",\"people\":[", f);
	for (size_t j = 0; j < fu->npeople; j++)
		json_field(f, j ? "," : "", fu->people[j]->slug);
	json_field(f, "],\"path\":", fu->path);
	fputs(",\"line\":", f);
	fputs(kith_int_format(buf, fu->line), f);
}

void
kith_model_warn(FILE *f, const char *prog, const struct kith_model *m,
	const char *suffix)
{
	for (size_t i = 0; i < m->nwarnings; i++)
		fprintf(f, "%s: warning: %s%s%s\n", prog, m->warnings[i],
			suffix ? ": " : "", suffix ? suffix : "");
}

int
kith_stdout_close(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return kith_error_errno(KITH_ERROR, "cannot write to standard output");
	return 0;
}
