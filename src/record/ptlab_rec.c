/*
 * ptlab's recorder library, loaded into the recorded program with LD_PRELOAD
 * (`ptlab record` compiles it on demand: cc -O2 -shared -fPIC).
 *
 * It measures; it changes nothing the program does. It appends to the file
 * named by PTLAB_REC_OUT (every process that loads it: an exec'd program or
 * a forked child writes its own lines, tagged with its pid):
 *  - at start (constructor, after ld.so loaded every library): the address
 *    space as /proc/self/maps prints it, then which pages are present
 *    (/proc/self/pagemap: present bit 63, file-or-shared bit 61) as runs
 *    "p START PAGES a|f", then VmPTE and RssAnon. The replay starts from
 *    this state.
 *  - at exit (destructor) and at ptlab_checkpoint(k): VmPTE and RssAnon.
 *
 * Each measurement is bracketed by two marker syscalls that perf
 * records in the same stream as the faults: madvise(MARK + n pages, 0,
 * MADV_NORMAL), which the kernel accepts and ignores (length 0). The
 * converter replays up to the first marker. Every buffer is touched before
 * the first marker and every system call is made directly, so measuring
 * faults in no page of its own after the marker.
 *
 * Markers: n = 0/1 start, 2/3 exit, 2k+16/2k+17 checkpoint k.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MARK 0x70746c610000UL
#define BUF (256 << 10)
#define CHUNK 8192

static char maps[BUF];
static uint64_t pm[CHUNK];
static char line[4096];
static char status[8192];
static int out = -1;

static long sys3(long n, long a, long b, long c) {
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}
static long sys4(long n, long a, long b, long c, long d) {
  long r;
  register long r10 __asm__("r10") = d;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
  return r;
}
static void mark(unsigned n) { sys3(SYS_madvise, (long)(MARK + (unsigned long)n * 4096), 0, MADV_NORMAL); }
static void put(const char *s, long n) {
  while (n > 0) {
    long w = sys3(SYS_write, out, (long)s, n);
    if (w <= 0) return;
    s += w;
    n -= w;
  }
}
static long fmt_u(char *p, unsigned long v, int base) {
  char t[24];
  int n = 0;
  do {
    t[n++] = "0123456789abcdef"[v % base];
    v /= base;
  } while (v);
  for (int i = 0; i < n; i++) p[i] = t[n - 1 - i];
  return n;
}
static long slurp(const char *path, char *buf, long cap) {
  long fd = sys4(SYS_openat, AT_FDCWD, (long)path, O_RDONLY, 0);
  if (fd < 0) return 0;
  long n = 0, r;
  while (n < cap - 1 && (r = sys3(SYS_read, fd, (long)(buf + n), cap - 1 - n)) > 0) n += r;
  sys3(SYS_close, fd, 0, 0);
  buf[n] = 0;
  return n;
}
static unsigned long field(const char *s, const char *key) {
  const char *p = strstr(s, key);
  if (!p) return ~0UL;
  p += strlen(key);
  while (*p == ' ' || *p == '\t') p++;
  unsigned long v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (unsigned long)(*p++ - '0');
  return v;
}
static long pid;
/* "fig TAG PID VmPTE RssAnon\n" */
static void figures(const char *tag) {
  slurp("/proc/self/status", status, sizeof status);
  long n = 0;
  memcpy(line, "fig ", 4);
  n = 4;
  long tl = (long)strlen(tag);
  memcpy(line + n, tag, (size_t)tl);
  n += tl;
  line[n++] = ' ';
  n += fmt_u(line + n, (unsigned long)pid, 10);
  line[n++] = ' ';
  n += fmt_u(line + n, field(status, "VmPTE:"), 10);
  line[n++] = ' ';
  n += fmt_u(line + n, field(status, "RssAnon:"), 10);
  line[n++] = '\n';
  put(line, n);
}
static unsigned long hexval(const char **pp) {
  unsigned long v = 0;
  const char *p = *pp;
  for (;; p++) {
    if (*p >= '0' && *p <= '9') v = v * 16 + (unsigned long)(*p - '0');
    else if (*p >= 'a' && *p <= 'f') v = v * 16 + (unsigned long)(*p - 'a' + 10);
    else break;
  }
  *pp = p;
  return v;
}
/* Runs of present pages in [start, end): "p START PAGES a|f". */
static void pages(long pmfd, unsigned long start, unsigned long end) {
  unsigned long run = 0, runLen = 0;
  char runKind = 0;
  for (unsigned long a = start; a < end;) {
    unsigned long n = (end - a) / 4096;
    if (n > CHUNK) n = CHUNK;
    long got = sys4(SYS_pread64, pmfd, (long)pm, (long)(n * 8), (long)(a / 4096 * 8));
    if (got <= 0) break;
    n = (unsigned long)got / 8;
    for (unsigned long i = 0; i < n; i++, a += 4096) {
      uint64_t e = pm[i];
      char k = (e >> 63) & 1 ? (((e >> 61) & 1) ? 'f' : 'a') : ((e >> 62) & 1) ? 's' : 0;
      if (k == runKind && k && a == run + runLen * 4096) {
        runLen++;
        continue;
      }
      if (runKind) {
        long m = 0;
        line[m++] = 'p';
        line[m++] = ' ';
        m += fmt_u(line + m, run, 16);
        line[m++] = ' ';
        m += fmt_u(line + m, runLen, 10);
        line[m++] = ' ';
        line[m++] = runKind;
        line[m++] = '\n';
        put(line, m);
      }
      runKind = k;
      run = a;
      runLen = 1;
    }
  }
  if (runKind) {
    long m = 0;
    line[m++] = 'p';
    line[m++] = ' ';
    m += fmt_u(line + m, run, 16);
    line[m++] = ' ';
    m += fmt_u(line + m, runLen, 10);
    line[m++] = ' ';
    line[m++] = runKind;
    line[m++] = '\n';
    put(line, m);
  }
}

static void touch_buffers(void) {
  for (size_t i = 0; i < sizeof maps; i += 4096) ((volatile char *)maps)[i] = 0;
  for (size_t i = 0; i < CHUNK; i += 512) ((volatile uint64_t *)pm)[i] = 0;
  memset(line, 0, sizeof line);
  memset(status, 0, sizeof status);
}

__attribute__((constructor)) static void ptlab_rec_start(void) {
  char path[4096];
  const char *env = getenv("PTLAB_REC_OUT");
  if (!env || strlen(env) >= sizeof path) return;
  strcpy(path, env);
  out = (int)sys4(SYS_openat, AT_FDCWD, (long)path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (out < 0) return;
  pid = sys3(SYS_getpid, 0, 0, 0);
  touch_buffers();
  figures("warm"); /* runs every path once, so the measurements below fault nothing new */
  mark(0);
  long n = slurp("/proc/self/maps", maps, sizeof maps);
  long m = 0;
  memcpy(line, "maps ", 5);
  m = 5 + fmt_u(line + 5, (unsigned long)pid, 10);
  line[m++] = '\n';
  put(line, m);
  put(maps, n);
  put("endmaps\n", 8);
  long pmfd = sys4(SYS_openat, AT_FDCWD, (long)"/proc/self/pagemap", O_RDONLY, 0);
  if (pmfd >= 0) {
    for (const char *p = maps; *p;) {
      unsigned long s = hexval(&p);
      p++;
      unsigned long e = hexval(&p);
      /* [vsyscall] lies above the user address space; pagemap has nothing there. */
      if (e <= 0x800000000000UL) pages(pmfd, s, e);
      while (*p && *p != '\n') p++;
      if (*p) p++;
    }
    sys3(SYS_close, pmfd, 0, 0);
  }
  figures("start");
  mark(1);
}

/* A checkpoint the recorded program may call (declare it weak to stay runnable without ptlab):
 *   extern void ptlab_checkpoint(int) __attribute__((weak));
 *   if (ptlab_checkpoint) ptlab_checkpoint(1);  */
void ptlab_checkpoint(int k) {
  if (out < 0 || k < 0 || k > 1000000 || sys3(SYS_getpid, 0, 0, 0) != pid) return;
  char tag[24] = "cp";
  tag[2 + fmt_u(tag + 2, (unsigned long)k, 10)] = 0;
  mark(16 + 2 * (unsigned)k);
  figures(tag);
  mark(17 + 2 * (unsigned)k);
}

__attribute__((destructor)) static void ptlab_rec_exit(void) {
  if (out < 0 || sys3(SYS_getpid, 0, 0, 0) != pid) return; /* a forked child: not the recorded process */
  mark(2);
  figures("exit");
  /* The present pages at exit too ("exitpages PID" ... "endexitpages"): what a replay can be compared with page by page. */
  long pmfd = sys4(SYS_openat, AT_FDCWD, (long)"/proc/self/pagemap", O_RDONLY, 0);
  long n = slurp("/proc/self/maps", maps, sizeof maps);
  if (pmfd >= 0 && n > 0) {
    long m = 10;
    memcpy(line, "exitpages ", 10);
    m += fmt_u(line + 10, (unsigned long)pid, 10);
    line[m++] = '\n';
    put(line, m);
    for (const char *p = maps; *p;) {
      unsigned long s = hexval(&p);
      p++;
      unsigned long e = hexval(&p);
      if (e <= 0x800000000000UL) pages(pmfd, s, e);
      while (*p && *p != '\n') p++;
      if (*p) p++;
    }
    put("endexitpages\n", 13);
  }
  if (pmfd >= 0) sys3(SYS_close, pmfd, 0, 0);
  mark(3);
  sys3(SYS_close, out, 0, 0);
  out = -1;
}
