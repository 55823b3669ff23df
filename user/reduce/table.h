/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The reducer's one container: a bounded hash table with LRU order. When
 * full, the least recently active entry the owner can spare (evictable)
 * makes room; entries it cannot spare are pinned until touched again.
 */
#ifndef FLUXTRACE_TABLE_H
#define FLUXTRACE_TABLE_H

#include <stdbool.h>
#include <linux/types.h>

/* A bounded hash table with LRU order; entries start with ft_slot, then
 * the key. Entries live in fixed chunks, so pointers stay valid. */
struct ft_slot {
	__u32 hnext;		/* index + 1 of the next entry in the bucket */
	__u32 prev, next;	/* LRU, index + 1; head = most recent */
	__u16 used;
	__u16 pinned;		/* judged not evictable; cleared when touched */
};

typedef bool (*ft_evictable_fn)(void *ctx, const void *entry);

struct ft_table {
	unsigned char **chunks;
	__u32 n_chunks;
	__u32 esize, ksize;	/* key at offset sizeof(struct ft_slot) */
	__u32 cap, n_alloc, n_used;
	__u32 *buckets;
	__u32 nbuckets;
	__u32 lru_head, lru_tail;
	__u32 n_pinned;		/* entries judged not evictable */
	__u64 evicted, dropped;
	ft_evictable_fn evictable;
	void *ctx;
};

int ft_table_init(struct ft_table *t, __u32 esize, __u32 ksize, __u32 cap, ft_evictable_fn fn,
		  void *ctx);
void ft_table_free(struct ft_table *t);
void *ft_table_find(struct ft_table *t, const void *key);
/* Finds or inserts (zeroed, key copied); NULL when full and nothing can
 * be evicted (counted in t->dropped). *fresh says which. */
void *ft_table_get(struct ft_table *t, const void *key, bool *fresh);
/* The i-th slot (i < t->n_alloc), NULL if unused. */
void *ft_table_at(const struct ft_table *t, __u32 i);

#endif /* FLUXTRACE_TABLE_H */
