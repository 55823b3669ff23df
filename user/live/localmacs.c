// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "common/log.h"
#include "live/ifwatch.h"
#include "live/localmacs.h"

struct ft_link_mac {
	int ifindex;
	__u8 mac[6];
	bool seen;		/* in the dump being applied */
};

struct ft_localmacs {
	int map_fd;
	struct ft_link_mac *v;
	size_t n, cap;
	bool warned;		/* the kernel's set was full once */
};

struct ft_localmacs *ft_localmacs_new(int map_fd)
{
	struct ft_localmacs *lm = calloc(1, sizeof(*lm));

	if (lm)
		lm->map_fd = map_fd;
	return lm;
}

void ft_localmacs_free(struct ft_localmacs *lm)
{
	if (!lm)
		return;
	free(lm->v);
	free(lm);
}

static __u64 key_of(const __u8 mac[6])
{
	__u64 key = 0;

	memcpy(&key, mac, 6);
	return key;
}

static bool has_mac(const __u8 mac[6])
{
	static const __u8 zero[6];

	return memcmp(mac, zero, 6) != 0;
}

/* Does a link other than skip have mac? */
static bool mac_held(const struct ft_localmacs *lm, const __u8 mac[6], size_t skip)
{
	for (size_t i = 0; i < lm->n; i++)
		if (i != skip && !memcmp(lm->v[i].mac, mac, 6))
			return true;
	return false;
}

#define MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define MAC_ARGS(m) (m)[0], (m)[1], (m)[2], (m)[3], (m)[4], (m)[5]

static void drop_entry(struct ft_localmacs *lm, size_t i)
{
	__u64 key = key_of(lm->v[i].mac);

	if (!mac_held(lm, lm->v[i].mac, i)) {
		bpf_map_delete_elem(lm->map_fd, &key);
		pr_debug("local MAC " MAC_FMT " removed (ifindex %d)\n", MAC_ARGS(lm->v[i].mac),
			 lm->v[i].ifindex);
	}
	lm->v[i] = lm->v[--lm->n];
}

static void add_key(struct ft_localmacs *lm, const __u8 mac[6], int ifindex)
{
	__u64 key = key_of(mac);
	__u8 one = 1;

	if (!bpf_map_update_elem(lm->map_fd, &key, &one, BPF_ANY)) {
		pr_debug("local MAC " MAC_FMT " added (ifindex %d)\n", MAC_ARGS(mac), ifindex);
		return;
	}
	if (lm->warned)
		return;
	lm->warned = true;
	pr_warn("cannot add a MAC of this host to the kernel's set (%s): frames for it are "
		"skipped as other_host\n", strerror(errno));
}

static struct ft_link_mac *set_one(struct ft_localmacs *lm, int ifindex, const __u8 mac[6],
				   bool removed)
{
	size_t i;

	for (i = 0; i < lm->n && lm->v[i].ifindex != ifindex; i++)
		;
	if (i < lm->n && !removed && has_mac(mac) && !memcmp(lm->v[i].mac, mac, 6))
		return &lm->v[i];
	if (i < lm->n)
		drop_entry(lm, i);
	if (removed || !has_mac(mac))
		return NULL;
	if (lm->n == lm->cap) {
		size_t cap = lm->cap ? 2 * lm->cap : 32;
		struct ft_link_mac *v = realloc(lm->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		lm->v = v;
		lm->cap = cap;
	}
	lm->v[lm->n] = (struct ft_link_mac){ .ifindex = ifindex };
	memcpy(lm->v[lm->n].mac, mac, 6);
	add_key(lm, mac, ifindex);
	return &lm->v[lm->n++];
}

void ft_localmacs_set(struct ft_localmacs *lm, int ifindex, const __u8 mac[6], bool removed)
{
	set_one(lm, ifindex, mac, removed);
}

static void on_dumped(void *ctx, const struct ft_link_change *c)
{
	struct ft_link_mac *e = set_one(ctx, c->ifindex, c->mac, c->removed);

	if (e)
		e->seen = true;
}

int ft_localmacs_sync(struct ft_localmacs *lm)
{
	int err;

	for (size_t i = 0; i < lm->n; i++)
		lm->v[i].seen = false;
	err = ft_ifwatch_dump(on_dumped, lm);
	if (err)
		return err;
	/* Links gone while notifications were lost. */
	for (size_t i = lm->n; i-- > 0;)
		if (!lm->v[i].seen)
			drop_entry(lm, i);
	return 0;
}

size_t ft_localmacs_count(const struct ft_localmacs *lm)
{
	size_t n = 0;

	for (size_t i = 0; i < lm->n; i++) {
		size_t j = 0;

		while (j < i && memcmp(lm->v[j].mac, lm->v[i].mac, 6))
			j++;
		n += j == i;	/* the first link with this MAC */
	}
	return n;
}
