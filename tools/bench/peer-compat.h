/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Included (clang -include) when `make bench` builds the peer's
 * bpf/flows.c from PEER_SRC. clang < 18 leaves a __builtin_memcmp() of
 * the peer's network-events probe as a call to memcmp(), an extern libbpf
 * cannot resolve; this gives it one. That probe is not loaded by the
 * bench (the agent's default leaves network events off), so nothing
 * measured runs this code.
 */
static __attribute__((noinline, used)) int memcmp(const void *a, const void *b,
						  unsigned long n)
{
	const unsigned char *x = a, *y = b;

	for (unsigned long i = 0; i < n && i < 64; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
