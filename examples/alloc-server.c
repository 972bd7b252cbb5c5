/*
 * A long-running server's day, in miniature, for `ptlab record`: requests
 * allocate buffers of mixed sizes (mostly small, some up to 1 MiB), write
 * them, and free most of them when the request ends; a cache keeps some
 * alive for a while; at noon a peak holds many large buffers at once.
 * Runs through whatever malloc the process has: glibc's,
 * or jemalloc / tcmalloc when preloaded:
 *
 *   cc -O2 -o alloc-server examples/alloc-server.c
 *   ptlab record -- ./alloc-server 2000 64     (requests, peak MiB)
 *   MALLOC_CONF=dirty_decay_ms:0,muzzy_decay_ms:0 \
 *     ptlab record --preload libjemalloc.so.2 -- ./alloc-server 2000
 *   ptlab record --preload libtcmalloc_minimal.so.4 -- ./alloc-server 2000
 *
 * Deterministic (a fixed xorshift seed): the same requests every run.
 * Checkpoints: if ptlab's recorder is loaded, ptlab_checkpoint(k) measures
 * VmPTE and RssAnon after each quarter of the day.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void ptlab_checkpoint(int) __attribute__((weak));

static uint64_t seed = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
  seed ^= seed << 13;
  seed ^= seed >> 7;
  seed ^= seed << 17;
  return seed;
}

static size_t size_of_request(void) {
  uint64_t r = rnd() % 1000;
  if (r < 800) return 16 + rnd() % 2048;          /* small objects */
  if (r < 980) return 4096 + rnd() % (60 << 10);  /* buffers */
  return (128 << 10) + rnd() % (896 << 10);       /* large: up to 1 MiB */
}

#define CACHE 512

/* The peak hour: `mib` MiB of large buffers at once, all freed when it passes. */
static void peak(int mib) {
  static void *big[4096];
  size_t total = 0;
  int n = 0;
  while (total < (size_t)mib << 20 && n < 4096) {
    size_t sz = (256 << 10) + rnd() % (768 << 10);
    char *p = malloc(sz);
    if (!p) break;
    memset(p, 1, sz);
    big[n++] = p;
    total += sz;
  }
  while (n > 0) free(big[--n]);
}

int main(int argc, char **argv) {
  int requests = argc > 1 ? atoi(argv[1]) : 2000;
  int peak_mib = argc > 2 ? atoi(argv[2]) : 64;
  static void *cache[CACHE];
  static void *live[64];
  for (int q = 0; q < requests; q++) {
    int n = 1 + (int)(rnd() % 64);
    for (int i = 0; i < n; i++) {
      size_t sz = size_of_request();
      char *p = malloc(sz);
      if (!p) return 1;
      memset(p, (int)i, sz); /* every page of it is written */
      live[i] = p;
    }
    for (int i = 0; i < n; i++) {
      if (rnd() % 16 == 0) { /* keep it in the cache, evicting an old entry */
        int slot = (int)(rnd() % CACHE);
        free(cache[slot]);
        cache[slot] = live[i];
      } else {
        free(live[i]);
      }
    }
    if (q == requests / 2) peak(peak_mib);
    if (ptlab_checkpoint && requests >= 4 && (q + 1) % (requests / 4) == 0 && q + 1 < requests) ptlab_checkpoint((q + 1) / (requests / 4));
  }
  for (int i = 0; i < CACHE; i += 2) { /* the evening: half of the cache goes */
    free(cache[i]);
    cache[i] = NULL;
  }
  printf("served %d requests\n", requests);
  return 0;
}
