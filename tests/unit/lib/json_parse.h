/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * A strict JSON parser for the report tests: enough to walk fluxtrace's
 * JSON, failing the test (criterion asserts) on anything malformed.
 */
#ifndef FLUXTRACE_TEST_JSON_PARSE_H
#define FLUXTRACE_TEST_JSON_PARSE_H

#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jv {
	enum jtype t;
	double num;
	char *str;
	size_t n;
	char **keys;
	struct jv **items;
};

/* The whole document must be one value followed by one newline. */
struct jv *jparse_line(const char *s);
/* Object member (must exist), array element (must exist), string, number. */
const struct jv *jget(const struct jv *o, const char *key);
const struct jv *jat(const struct jv *a, size_t i);
const char *jstr(const struct jv *v);
double jnum(const struct jv *v);
void jfree(struct jv *v);

#endif /* FLUXTRACE_TEST_JSON_PARSE_H */
