// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The reducer's bounded hash table with LRU order (table.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "reduce/table.h"

#define FT_CHUNK 1024
#define FT_EVICT_SCAN 64 /* LRU entries looked at for one eviction */

static struct ft_slot *slot_at(const struct ft_table *t, __u32 idx)
{
	return (struct ft_slot *)(t->chunks[idx / FT_CHUNK] + (size_t)(idx % FT_CHUNK) * t->esize);
}

static __u32 hash_key(const struct ft_table *t, const void *key)
{
	const __u8 *p = key;
	__u32 h = 2166136261u;

	for (__u32 i = 0; i < t->ksize; i++)
		h = (h ^ p[i]) * 16777619u;
	return (h ^ (h >> 15)) & (t->nbuckets - 1);
}

int ft_table_init(struct ft_table *t, __u32 esize, __u32 ksize, __u32 cap, ft_evictable_fn fn,
		  void *ctx)
{
	memset(t, 0, sizeof(*t));
	t->esize = esize;
	t->ksize = ksize;
	t->cap = cap ? cap : 1;
	t->nbuckets = 64;
	while (t->nbuckets < t->cap && t->nbuckets < (1u << 30))
		t->nbuckets <<= 1;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->n_chunks = (t->cap + FT_CHUNK - 1) / FT_CHUNK;
	t->chunks = calloc(t->n_chunks, sizeof(*t->chunks));
	t->evictable = fn;
	t->ctx = ctx;
	if (!t->buckets || !t->chunks) {
		ft_table_free(t);
		return -ENOMEM;
	}
	return 0;
}

void ft_table_free(struct ft_table *t)
{
	for (__u32 i = 0; t->chunks && i < t->n_chunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->buckets);
	t->chunks = NULL;
	t->buckets = NULL;
}

void *ft_table_at(const struct ft_table *t, __u32 i)
{
	struct ft_slot *s;

	if (i >= t->n_alloc)
		return NULL;
	s = slot_at(t, i);
	return s->used ? s : NULL;
}

static void lru_unlink(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);

	if (s->prev)
		slot_at(t, s->prev - 1)->next = s->next;
	else
		t->lru_head = s->next;
	if (s->next)
		slot_at(t, s->next - 1)->prev = s->prev;
	else
		t->lru_tail = s->prev;
	s->prev = s->next = 0;
}

static void lru_push(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);

	s->prev = 0;
	s->next = t->lru_head;
	if (t->lru_head)
		slot_at(t, t->lru_head - 1)->prev = idx + 1;
	t->lru_head = idx + 1;
	if (!t->lru_tail)
		t->lru_tail = idx + 1;
}

static struct ft_slot *find_idx(struct ft_table *t, const void *key, __u32 *idx)
{
	for (__u32 i = t->buckets[hash_key(t, key)]; i; i = slot_at(t, i - 1)->hnext) {
		struct ft_slot *s = slot_at(t, i - 1);

		if (!memcmp(s + 1, key, t->ksize)) {
			*idx = i - 1;
			return s;
		}
	}
	return NULL;
}

void *ft_table_find(struct ft_table *t, const void *key)
{
	__u32 idx;

	return find_idx(t, key, &idx);
}

static void bucket_unlink(struct ft_table *t, __u32 idx)
{
	struct ft_slot *s = slot_at(t, idx);
	__u32 *link = &t->buckets[hash_key(t, s + 1)];

	while (*link && *link != idx + 1)
		link = &slot_at(t, *link - 1)->hnext;
	if (*link)
		*link = s->hnext;
}

/* Forget the least recently active entry the owner can spare. An entry
 * it cannot spare is judged once until it changes (pinned) and moved to
 * the head, so the next scans look at others. */
static bool evict_one(struct ft_table *t, __u32 *idx)
{
	__u32 i = t->lru_tail;

	if (t->n_pinned >= t->n_used)	/* nothing to spare: no scan */
		return false;
	for (int n = 0; i && n < FT_EVICT_SCAN; n++) {
		struct ft_slot *s = slot_at(t, i - 1);
		__u32 prev = s->prev;

		if (!s->pinned && (!t->evictable || t->evictable(t->ctx, s))) {
			*idx = i - 1;
			bucket_unlink(t, *idx);
			lru_unlink(t, *idx);
			t->evicted++;
			return true;
		}
		if (!s->pinned) {
			s->pinned = 1;
			t->n_pinned++;
		}
		if (t->lru_head != i) {
			lru_unlink(t, i - 1);
			lru_push(t, i - 1);
		}
		i = prev;
	}
	return false;
}

void *ft_table_get(struct ft_table *t, const void *key, bool *fresh)
{
	struct ft_slot *s;
	__u32 idx, b;

	*fresh = false;
	s = find_idx(t, key, &idx);
	if (s) {
		if (s->pinned) {	/* the caller changes it: judge it again */
			s->pinned = 0;
			t->n_pinned--;
		}
		if (t->lru_head != idx + 1) {
			lru_unlink(t, idx);
			lru_push(t, idx);
		}
		return s;
	}
	if (t->n_alloc < t->cap) {
		idx = t->n_alloc;
		if (!t->chunks[idx / FT_CHUNK]) {
			t->chunks[idx / FT_CHUNK] = calloc(FT_CHUNK, t->esize);
			if (!t->chunks[idx / FT_CHUNK]) {
				t->dropped++;
				return NULL;
			}
		}
		t->n_alloc++;
		t->n_used++;
	} else if (!evict_one(t, &idx)) {
		t->dropped++;
		return NULL;
	}
	s = slot_at(t, idx);
	memset(s, 0, t->esize);
	s->used = 1;
	memcpy(s + 1, key, t->ksize);
	b = hash_key(t, key);
	s->hnext = t->buckets[b];
	t->buckets[b] = idx + 1;
	lru_push(t, idx);
	*fresh = true;
	return s;
}
