// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <stdlib.h>
#include <string.h>
#include "model/hosts.h"

void ft_correlation_free(struct ft_correlation *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}
