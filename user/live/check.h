/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What this kernel and these privileges allow, checked before attaching. */
#ifndef FLUXTRACE_CHECK_H
#define FLUXTRACE_CHECK_H

#include <stdbool.h>

/* Privileges, BTF and the minimum kernel features; prints one line and
 * returns -1 when tracing cannot work. */
int ft_preflight(void);
/* Does the kernel take multi-buffer XDP programs (BPF_F_XDP_HAS_FRAGS, 5.18)? */
/* --check: a report of every feature and interface; 0 when tracing works. */
int ft_check(void);

#endif /* FLUXTRACE_CHECK_H */
