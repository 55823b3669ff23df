// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include "live/session.h"
#include "record/trace.h"
#include "reduce/reducer.h"
#include "render/events.h"

void ft_session_record(struct ft_session *s, const void *rec, size_t len)
{
	s->records++;
	if (ft_reducer_feed(s->reducer, rec, len) == -ENOMEM)
		s->reducer_drops++;
	if (s->printer)
		ft_event_print(s->printer, rec, len);
	if (s->writer && !s->write_err) {
		int err = ft_trace_write(s->writer, rec, len);

		if (err)
			s->write_err = err;
	}
}
