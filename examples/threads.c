/*
 * Four threads allocating and freeing at once, for `ptlab record`: each
 * keeps 64 blocks of 64 B to 200 KB alive, replacing one per round. With
 * glibc every thread gets an arena of its own (a 64 MiB MAP_NORESERVE heap
 * that grows with mprotect and shrinks with MADV_DONTNEED), so the designs
 * part ways: pt-reclaim frees the tables of whole-slot shrinks, pte-ref
 * also those of partial ones.
 *
 *   cc -O2 -pthread -o threads examples/threads.c && ptlab record -- ./threads
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void *work(void *arg) {
  long id = (long)arg;
  void *keep[64] = {0};
  for (int i = 0; i < 3000; i++) {
    size_t sz = 64 + (size_t)((i * 7919 + id * 104729) % 200000);
    char *p = malloc(sz);
    if (!p) abort();
    memset(p, 1, sz);
    free(keep[i % 64]);
    keep[i % 64] = p;
  }
  for (int k = 0; k < 64; k++) free(keep[k]);
  return NULL;
}

int main(void) {
  pthread_t t[4];
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  return 0;
}
