// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

enum ft_log_level ft_log_level = FT_LOG_INFO;

void ft_log(enum ft_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (level > ft_log_level)
		return;
	fputs("fluxtrace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

int ft_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (ft_log_level < FT_LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, args);
}
