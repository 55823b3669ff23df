// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* A strict JSON parser, enough to walk a report (json_parse.h). */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "lib/json_parse.h"

static struct jv *jparse_value(const char **p, int depth);

static void jskip(const char **p)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
}

static char *jparse_string(const char **p)
{
	size_t cap = strlen(*p) + 1, n = 0;
	char *s = malloc(cap);

	if (**p != '"')
		goto bad;
	for ((*p)++; **p != '"'; (*p)++) {
		unsigned char c = **p;

		if (!c || c < 0x20)
			goto bad;
		if (c == '\\') {
			(*p)++;
			switch (**p) {
			case '"':
			case '\\':
			case '/':
				s[n++] = **p;
				break;
			case 'n':
				s[n++] = '\n';
				break;
			case 't':
				s[n++] = '\t';
				break;
			case 'r':
			case 'b':
			case 'f':
				s[n++] = ' ';
				break;
			case 'u':
				for (int i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)(*p)[i]))
						goto bad;
				s[n++] = (char)strtol((char[]){ (*p)[3], (*p)[4], 0 }, NULL, 16);
				*p += 4;
				break;
			default:
				goto bad;
			}
		} else {
			s[n++] = c;
		}
	}
	(*p)++;
	s[n] = 0;
	return s;
bad:
	free(s);
	return NULL;
}

static struct jv *jnew(enum jtype t)
{
	struct jv *v = calloc(1, sizeof(*v));

	v->t = t;
	return v;
}

static void jpush(struct jv *v, char *key, struct jv *item)
{
	v->items = realloc(v->items, (v->n + 1) * sizeof(*v->items));
	v->keys = realloc(v->keys, (v->n + 1) * sizeof(*v->keys));
	v->items[v->n] = item;
	v->keys[v->n++] = key;
}

static struct jv *jparse_value(const char **p, int depth)
{
	struct jv *v;

	if (depth > 32)
		return NULL;
	jskip(p);
	if (**p == '{' || **p == '[') {
		bool obj = **p == '{';
		char close = obj ? '}' : ']';

		v = jnew(obj ? J_OBJ : J_ARR);
		(*p)++;
		jskip(p);
		if (**p == close) {
			(*p)++;
			return v;
		}
		for (;;) {
			char *key = NULL;
			struct jv *item;

			jskip(p);
			if (obj) {
				key = jparse_string(p);
				jskip(p);
				if (!key || **p != ':')
					return NULL;
				(*p)++;
			}
			item = jparse_value(p, depth + 1);
			if (!item)
				return NULL;
			jpush(v, key, item);
			jskip(p);
			if (**p == ',') {
				(*p)++;
				continue;
			}
			if (**p != close)
				return NULL;
			(*p)++;
			return v;
		}
	}
	if (**p == '"') {
		v = jnew(J_STR);
		v->str = jparse_string(p);
		return v->str ? v : NULL;
	}
	if (!strncmp(*p, "true", 4) || !strncmp(*p, "null", 4)) {
		v = jnew(**p == 't' ? J_BOOL : J_NULL);
		*p += 4;
		return v;
	}
	if (!strncmp(*p, "false", 5)) {
		*p += 5;
		return jnew(J_BOOL);
	}
	if (**p == '-' || isdigit((unsigned char)**p)) {
		char *end;

		v = jnew(J_NUM);
		v->num = strtod(*p, &end);
		*p = end;
		return v;
	}
	return NULL;
}

/* The whole document must be one value followed by one newline. */
struct jv *jparse_line(const char *s)
{
	const char *p = s;
	struct jv *v = jparse_value(&p, 0);

	cr_assert_not_null(v, "JSON does not parse near offset %zu: %.60s", (size_t)(p - s), p);
	cr_assert_str_eq(p, "\n", "one object on one line, then a newline");
	return v;
}

const struct jv *jget(const struct jv *o, const char *key)
{
	cr_assert_not_null(o);
	cr_assert_eq(o->t, J_OBJ, "looking up \"%s\" in a non-object", key);
	for (size_t i = 0; i < o->n; i++)
		if (!strcmp(o->keys[i], key))
			return o->items[i];
	cr_assert_fail("missing key \"%s\"", key);
	return NULL;
}

const struct jv *jat(const struct jv *a, size_t i)
{
	cr_assert_not_null(a);
	cr_assert_eq(a->t, J_ARR);
	cr_assert_lt(i, a->n);
	return a->items[i];
}

const char *jstr(const struct jv *v)
{
	cr_assert_eq(v->t, J_STR);
	return v->str;
}

double jnum(const struct jv *v)
{
	cr_assert_eq(v->t, J_NUM);
	return v->num;
}

void jfree(struct jv *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++) {
		jfree(v->items[i]);
		free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	free(v);
}
