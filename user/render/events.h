/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* --events: one line per event, the debugging view. */
#ifndef FLUXTRACE_RENDER_EVENTS_H
#define FLUXTRACE_RENDER_EVENTS_H

#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct ft_event_printer;

struct ft_event_printer *ft_event_printer_new(FILE *out, __s64 mono_to_wall_ns);
void ft_event_printer_free(struct ft_event_printer *p);
/* Interface records update the name table; counter snapshots print nothing. */
void ft_event_print(struct ft_event_printer *p, const void *rec, size_t len);

#endif /* FLUXTRACE_RENDER_EVENTS_H */
