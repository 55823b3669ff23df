/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* One-line messages on stderr, prefixed "fluxtrace: ". libbpf's own output
 * goes through ft_libbpf_print and shows only with -v. */
#ifndef FLUXTRACE_LOG_H
#define FLUXTRACE_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <bpf/libbpf.h>

enum ft_log_level { FT_LOG_WARN, FT_LOG_INFO, FT_LOG_DEBUG };

extern enum ft_log_level ft_log_level;

void ft_log(enum ft_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ft_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args);

#define pr_warn(...) ft_log(FT_LOG_WARN, __VA_ARGS__)
#define pr_info(...) ft_log(FT_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) ft_log(FT_LOG_DEBUG, __VA_ARGS__)

#endif /* FLUXTRACE_LOG_H */
