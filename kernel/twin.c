/*
 * ptlab kernel twin: replays a flat stream of absolute memory operations on
 * the running kernel and prints VmPTE, RssAnon and VmSize (kB, read from
 * /proc/self/status) before the first operation and after every operation.
 *
 * Output, one line each:
 *   base VMPTE RSSANON VMSIZE
 *   step N VMPTE RSSANON VMSIZE         N counts operations from 1
 *   err N ENAME what                    a system call failed; the run stops
 *   segv N ADDR                         an access faulted; the run stops
 *   unsupported N what                  cannot be reproduced here; the run stops
 * A figure missing from /proc/self/status prints as -1.
 *
 * Input (twin mode): one operation per line, numbers decimal or 0x hex,
 * `#` starts a comment:
 *   mmap ADDR LEN r|rw|none 0|1     MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED_NOREPLACE;
 *                                   1 also applies MADV_HUGEPAGE; retried with
 *                                   MAP_NORESERVE if the commit check says ENOMEM
 *   touch ADDR LEN                  write one byte in every 4 KiB page
 *   read ADDR LEN                   read one byte of every 4 KiB page
 *   madvise ADDR LEN dontneed|free|hugepage|nohugepage|collapse|pageout
 *   munmap ADDR LEN
 *   mprotect ADDR LEN r|rw|none
 *   mremap ADDR LEN TO              MREMAP_MAYMOVE|MREMAP_FIXED, same length
 *   thp never|madvise|always        never: PR_SET_THP_DISABLE; the others only
 *                                   if they are the system's mode
 *   fork NAME                       fork(): the child NAME waits on a pipe for
 *                                   its operations (MAX_PROCS - 1 children)
 *   exit NAME                       the child _exits; waitpid reaps it
 *   in NAME OPERATION               the child NAME runs the operation
 *   swap on|off                     the scenario's assumption about swap; it
 *                                   must be the machine's (/proc/swaps lists a
 *                                   device or not), and MADV_PAGEOUT is replayed
 *                                   only where it is (default: off)
 *   khugepaged                      unsupported: one khugepaged scan cannot be
 *                                   run on demand (it runs on its own timer,
 *                                   with system-wide settings)
 *   mincore ADDR LEN                mincore(2) over the range (a read-only walk)
 *   pagemap ADDR LEN                read /proc/self/pagemap's entries for the range
 *   nop
 * With children, every step also prints one line per live child:
 *   proc N NAME VMPTE RSSANON VMSIZE    the child's own /proc/self/status
 * and before the first operation the figures of a child forked then and
 * exited at once (what a fork copies of the twin itself: subtract it):
 *   cbase VMPTE RSSANON VMSIZE
 * A child reports a failed call or a fault to the first process, which
 * prints it as its own (err/segv with the step number) and ends the run.
 * read from the file argv[1], or from standard input when it is `-`.
 *
 * Compiled with PTLAB_BAKED defined, the operations come from a table
 * compiled into the program instead (see emitC in twin.ts).
 *
 * The program must not change its own page tables while it measures: after
 * setup it uses no malloc and no stdio, only system calls on static buffers
 * that setup has already written, and every library function it calls later
 * is called once during setup (so lazy symbol binding is done before the
 * first reading).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MADV_FREE
#define MADV_FREE 8
#endif
#ifndef MADV_HUGEPAGE
#define MADV_HUGEPAGE 14
#endif
#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef PR_SET_THP_DISABLE
#define PR_SET_THP_DISABLE 41
#endif
#ifndef PR_GET_THP_DISABLE
#define PR_GET_THP_DISABLE 42
#endif
#ifndef MADV_DONTFORK
#define MADV_DONTFORK 10
#endif
#ifndef MADV_DOFORK
#define MADV_DOFORK 11
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_KEEPONFORK
#define MADV_KEEPONFORK 19
#endif
#ifndef PR_SET_PDEATHSIG
#define PR_SET_PDEATHSIG 1
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE 1
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif

#define PAGE 4096UL

enum { OP_NOP, OP_MMAP, OP_TOUCH, OP_READ, OP_MADVISE, OP_MUNMAP, OP_MPROTECT, OP_MREMAP, OP_THP, OP_FORK, OP_EXIT, OP_SWAP, OP_KHUGEPAGED, OP_MINCORE, OP_PAGEMAP };
enum { THP_NEVER, THP_MADVISE, THP_ALWAYS };

/* arg: PROT_* for mmap and mprotect, MADV_* for madvise, THP_* for thp,
 * the child's process number for fork and exit. proc: who runs it (0: the first process). */
struct op {
  int kind;
  int arg;
  int huge;
  int proc;
  unsigned long addr, len, to;
};

#ifdef PTLAB_BAKED
/* @@PTLAB_BAKED_OPS@@ */
static const struct op *ops = baked_ops;
static long nops = PTLAB_BAKED_COUNT;
#else
#define MAX_OPS (1L << 20)
static struct op op_table[MAX_OPS];
static const struct op *ops = op_table;
static long nops;
#endif

static const char *const thp_names[] = { "never", "madvise", "always" };

/* ---- processes: 0 is the first; children are forked on `fork` (and one at setup, to calibrate) ---- */
#define MAX_PROCS 8
#define CALIB_PROC (MAX_PROCS - 1)
static char proc_names[MAX_PROCS][32] = { "parent" };
static int nprocs = 1;                   /* names given so far (parsing) */
static pid_t proc_pid[MAX_PROCS];        /* 0: not running */
static int cmd_pipe[MAX_PROCS][2];       /* first process -> child */
static int rep_pipe[MAX_PROCS][2];       /* child -> first process */
static int self_proc;                    /* which process this is */
enum { CMD_RUN, CMD_MEASURE, CMD_EXIT };
struct cmd {
  int kind;
  long step;
};
enum { REP_OK, REP_ERRNO, REP_SEGV };
struct reply {
  int status;
  int err;
  unsigned long addr;
  long vmpte, rssanon, vmsize;
};
static struct cmd cmd_buf;
static struct reply rep_buf;
static int sys_thp = -1; /* the system's THP mode, -1 if unknown */
static int sys_swap;      /* /proc/swaps lists a device */
static int want_swap;     /* the scenario's `swap` setting (off until `swap on`) */

static char status_buf[16384];
static char out_buf[512];
static int out_len;
static char alt_stack[65536];
static sigjmp_buf fault_jmp;
static volatile unsigned long fault_addr;
static volatile unsigned char sink;
static volatile long cur_step; /* survives siglongjmp */

/* ---- output without stdio ---- */

static void out_flush(void) {
  int off = 0;
  while (off < out_len) {
    ssize_t w = write(1, out_buf + off, (size_t)(out_len - off));
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      _exit(3);
    }
    off += (int)w;
  }
  out_len = 0;
}

static void out_str(const char *s) {
  while (*s) {
    if (out_len == (int)sizeof out_buf) out_flush();
    out_buf[out_len++] = *s++;
  }
}

static void out_num(long v) {
  char tmp[24];
  int n = 0;
  unsigned long u = v < 0 ? (unsigned long)(-v) : (unsigned long)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) tmp[n++] = '-';
  while (n) {
    char c[2] = { tmp[--n], 0 };
    out_str(c);
  }
}

static void out_hex(unsigned long u) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = "0123456789abcdef"[u & 15];
    u >>= 4;
  } while (u);
  out_str("0x");
  while (n) {
    char c[2] = { tmp[--n], 0 };
    out_str(c);
  }
}

static void err_str(const char *s) {
  ssize_t r = write(2, s, strlen(s));
  (void)r;
}

/* ---- /proc/self/status ---- */

struct figures {
  long vmpte, rssanon, vmsize;
};

static long field(const char *buf, long n, const char *name) {
  long k = (long)strlen(name);
  for (long i = 0; i + k < n; i++) {
    if ((i == 0 || buf[i - 1] == '\n') && memcmp(buf + i, name, (size_t)k) == 0) {
      long j = i + k, v = 0;
      while (j < n && (buf[j] == ' ' || buf[j] == '\t')) j++;
      if (j >= n || buf[j] < '0' || buf[j] > '9') return -1;
      while (j < n && buf[j] >= '0' && buf[j] <= '9') v = v * 10 + (buf[j++] - '0');
      return v;
    }
  }
  return -1;
}

static void measure(struct figures *f) {
  long n = 0;
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd >= 0) {
    for (;;) {
      ssize_t r = read(fd, status_buf + n, sizeof status_buf - 1 - (size_t)n);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;
      n += r;
      if (n >= (long)sizeof status_buf - 1) break;
    }
    close(fd);
  }
  f->vmpte = field(status_buf, n, "VmPTE:");
  f->rssanon = field(status_buf, n, "RssAnon:");
  f->vmsize = field(status_buf, n, "VmSize:");
}

static void out_figures(const struct figures *f) {
  out_str(" ");
  out_num(f->vmpte);
  out_str(" ");
  out_num(f->rssanon);
  out_str(" ");
  out_num(f->vmsize);
  out_str("\n");
  out_flush();
}

/* ---- reports that end the run ---- */

static const char *errno_name(int e) {
  switch (e) {
  case EPERM: return "EPERM";
  case ENOENT: return "ENOENT";
  case EINTR: return "EINTR";
  case EIO: return "EIO";
  case EBADF: return "EBADF";
  case EAGAIN: return "EAGAIN";
  case ENOMEM: return "ENOMEM";
  case EACCES: return "EACCES";
  case EFAULT: return "EFAULT";
  case EBUSY: return "EBUSY";
  case EEXIST: return "EEXIST";
  case ENODEV: return "ENODEV";
  case EINVAL: return "EINVAL";
  case ENOSPC: return "ENOSPC";
  case ENOSYS: return "ENOSYS";
  case EOVERFLOW: return "EOVERFLOW";
  case EOPNOTSUPP: return "EOPNOTSUPP";
  default: return "E?";
  }
}

static const char *const op_names[] = { "nop", "mmap", "touch", "read", "madvise",
                                        "munmap", "mprotect", "mremap", "thp", "fork", "exit", "swap", "khugepaged", "mincore", "pagemap" };

/* The first process ends the run: its children go first. */
static void finish(int code) {
  if (self_proc == 0)
    for (int k = 1; k < MAX_PROCS; k++)
      if (proc_pid[k] > 0) {
        kill(proc_pid[k], SIGKILL);
        waitpid(proc_pid[k], 0, 0);
        proc_pid[k] = 0;
      }
  _exit(code);
}

static void full_write(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) finish(3);
    p += w;
    n -= (size_t)w;
  }
}

static int full_read(int fd, void *buf, size_t n) {
  char *p = buf;
  while (n) {
    ssize_t r = read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return 0;
    p += r;
    n -= (size_t)r;
  }
  return 1;
}

/* A child's report of a failure: sent to the first process, which prints it. */
static void child_fail(int status, int e, unsigned long addr) {
  rep_buf.status = status;
  rep_buf.err = e;
  rep_buf.addr = addr;
  full_write(rep_pipe[self_proc][1], &rep_buf, sizeof rep_buf);
  _exit(0);
}

/* The read-only walkers' buffers (static: no allocation after setup) and /proc/self/pagemap. */
static unsigned char mincore_vec[4096];
static unsigned long long pagemap_buf[4096];
static int pagemap_fd = -1;

static void out_op(const struct op *o) {
  out_str(op_names[o->kind]);
  if (o->kind == OP_THP) {
    out_str(" ");
    out_str(thp_names[o->arg]);
    return;
  }
  if (o->kind == OP_NOP || o->kind == OP_KHUGEPAGED) return;
  if (o->kind == OP_SWAP) {
    out_str(o->arg ? " on" : " off");
    return;
  }
  out_str(" ");
  out_hex(o->addr);
  out_str(" ");
  out_hex(o->len);
  if (o->kind == OP_MREMAP) {
    out_str(" ");
    out_hex(o->to);
  }
}

static void fail_errno(long step, int e, const struct op *o) {
  if (self_proc != 0) child_fail(REP_ERRNO, e, 0);
  out_str("err ");
  out_num(step);
  out_str(" ");
  out_str(errno_name(e));
  if (errno_name(e)[1] == '?') {
    out_str("(");
    out_num(e);
    out_str(")");
  }
  out_str(" ");
  out_op(o);
  out_str("\n");
  out_flush();
  finish(0);
}

static void unsupported(long step, const char *what) {
  out_str("unsupported ");
  out_num(step);
  out_str(" ");
  out_str(what);
  out_str("\n");
  out_flush();
  _exit(0);
}

static const char *swap_mismatch(int want) {
  return want ? "this machine has no swap (/proc/swaps lists no device), so MADV_PAGEOUT cannot move pages out as the scenario assumes"
              : "this machine has swap on (/proc/swaps lists a device), so MADV_PAGEOUT would move pages out; the scenario assumes none (`swap on` to say otherwise)";
}

static void fault_handler(int sig, siginfo_t *si, void *uc) {
  (void)sig;
  (void)uc;
  fault_addr = (unsigned long)si->si_addr;
  siglongjmp(fault_jmp, 1);
}

/* ---- the operations ---- */

static void run_op(long step, const struct op *o);
static void measure(struct figures *f);

/* A child: run what the first process sends, report, until told to exit. */
static void __attribute__((noreturn)) worker(int k) {
  struct figures f;
  self_proc = k;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  for (;;) {
    if (!full_read(cmd_pipe[k][0], &cmd_buf, sizeof cmd_buf)) _exit(0);
    if (cmd_buf.kind == CMD_EXIT) _exit(0);
    if (cmd_buf.kind == CMD_RUN) {
      cur_step = cmd_buf.step;
      if (sigsetjmp(fault_jmp, 1)) child_fail(REP_SEGV, 0, fault_addr);
      run_op(cur_step, &ops[cur_step - 1]);
    }
    measure(&f);
    rep_buf.status = REP_OK;
    rep_buf.vmpte = f.vmpte;
    rep_buf.rssanon = f.rssanon;
    rep_buf.vmsize = f.vmsize;
    full_write(rep_pipe[k][1], &rep_buf, sizeof rep_buf);
  }
}

/* fork(): the child k becomes a worker. Returns in the first process only. */
static int __attribute__((noinline)) fork_proc(int k) {
  pid_t pid = fork();
  if (pid == 0) worker(k);
  if (pid < 0) return errno;
  proc_pid[k] = pid;
  return 0;
}

/* Send child k a command and read its reply; a failure it reports ends the run here. */
static void ask(int k, int kind, long step, const struct op *o) {
  cmd_buf.kind = kind;
  cmd_buf.step = step;
  full_write(cmd_pipe[k][1], &cmd_buf, sizeof cmd_buf);
  if (!full_read(rep_pipe[k][0], &rep_buf, sizeof rep_buf)) {
    out_str("err ");
    out_num(step);
    out_str(" ECHILD child ");
    out_str(proc_names[k]);
    out_str(" died\n");
    out_flush();
    finish(0);
  }
  if (rep_buf.status == REP_ERRNO) fail_errno(step, rep_buf.err, o);
  if (rep_buf.status == REP_SEGV) {
    out_str("segv ");
    out_num(step);
    out_str(" ");
    out_hex(rep_buf.addr);
    out_str("\n");
    out_flush();
    finish(0);
  }
}

static void exit_proc(int k) {
  cmd_buf.kind = CMD_EXIT;
  full_write(cmd_pipe[k][1], &cmd_buf, sizeof cmd_buf);
  waitpid(proc_pid[k], 0, 0);
  proc_pid[k] = 0;
}

static void run_op(long step, const struct op *o) {
  unsigned long a, end = o->addr + o->len;
  void *p;
  switch (o->kind) {
  case OP_NOP:
    break;
  case OP_FORK: {
    int e = fork_proc(o->arg);
    if (e) fail_errno(step, e, o);
    break;
  }
  case OP_EXIT:
    exit_proc(o->arg);
    break;
  case OP_MMAP:
    p = mmap((void *)o->addr, o->len, o->arg, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED && errno == ENOMEM && (o->arg & PROT_WRITE))
      /* The commit check refused it (heuristic overcommit refuses one
       * writable private mapping larger than RAM plus swap). MAP_NORESERVE
       * skips that check and changes nothing about page tables. */
      p = mmap((void *)o->addr, o->len, o->arg, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) fail_errno(step, errno, o);
    if ((unsigned long)p != o->addr) {
      /* a kernel older than 4.17 treats MAP_FIXED_NOREPLACE as a hint */
      munmap(p, o->len);
      fail_errno(step, EEXIST, o);
    }
    if (o->huge && madvise(p, o->len, MADV_HUGEPAGE) != 0) fail_errno(step, errno, o);
    break;
  case OP_TOUCH:
    for (a = o->addr; a < end; a += PAGE) *(volatile unsigned char *)a = 1;
    break;
  case OP_READ:
    for (a = o->addr; a < end; a += PAGE) sink = *(volatile unsigned char *)a;
    break;
  case OP_MADVISE:
    if (o->arg == MADV_PAGEOUT && want_swap != sys_swap) unsupported(step, swap_mismatch(want_swap));
    if (madvise((void *)o->addr, o->len, o->arg) != 0) fail_errno(step, errno, o);
    break;
  case OP_SWAP:
    want_swap = o->arg;
    if (want_swap != sys_swap) unsupported(step, swap_mismatch(want_swap));
    break;
  case OP_KHUGEPAGED:
    unsupported(step, "khugepaged: one scan cannot be run on demand (khugepaged runs on its own timer with system-wide settings)");
    break;
  case OP_MUNMAP:
    if (munmap((void *)o->addr, o->len) != 0) fail_errno(step, errno, o);
    break;
  case OP_MPROTECT:
    if (mprotect((void *)o->addr, o->len, o->arg) != 0) fail_errno(step, errno, o);
    break;
  case OP_MREMAP:
    p = mremap((void *)o->addr, o->len, o->len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)o->to);
    if (p == MAP_FAILED) fail_errno(step, errno, o);
    break;
  case OP_MINCORE:
    for (a = o->addr; a < end; a += sizeof mincore_vec * PAGE) {
      unsigned long n = end - a < sizeof mincore_vec * PAGE ? end - a : sizeof mincore_vec * PAGE;
      if (mincore((void *)a, n, mincore_vec) != 0) fail_errno(step, errno, o);
    }
    break;
  case OP_PAGEMAP:
    if (pagemap_fd < 0) fail_errno(step, EACCES, o);
    for (a = o->addr; a < end; a += (sizeof pagemap_buf / 8) * PAGE) {
      unsigned long n = end - a < (sizeof pagemap_buf / 8) * PAGE ? end - a : (sizeof pagemap_buf / 8) * PAGE;
      if (pread(pagemap_fd, pagemap_buf, n / PAGE * 8, (off_t)(a / PAGE * 8)) < 0) fail_errno(step, errno, o);
    }
    break;
  case OP_THP:
    if (o->arg == THP_NEVER) {
      if (prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) != 0) fail_errno(step, errno, o);
    } else if (o->arg == sys_thp) {
      if (prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) != 0) fail_errno(step, errno, o);
    } else {
      out_str("unsupported ");
      out_num(step);
      out_str(" thp ");
      out_str(thp_names[o->arg]);
      out_str(": the system's mode is ");
      out_str(sys_thp < 0 ? "unknown" : thp_names[sys_thp]);
      out_str("\n");
      out_flush();
      finish(0);
    }
    break;
  }
}

/* ---- setup (everything here may allocate; it all happens before `base`) ---- */

/* Does /proc/swaps list a device (any line after the header)? */
static void read_sys_swap(void) {
  static char buf[4096];
  int fd = open("/proc/swaps", O_RDONLY);
  if (fd < 0) return;
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r <= 0) return;
  buf[r] = 0;
  char *nl = strchr(buf, '\n');
  sys_swap = nl && nl[1] != 0;
}

static void read_sys_thp(void) {
  static char buf[256];
  long n = 0;
  int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
  if (fd < 0) {
    sys_thp = THP_NEVER; /* no THP in this kernel */
    return;
  }
  ssize_t r = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (r > 0) n = r;
  buf[n] = 0;
  for (int m = 0; m < 3; m++) {
    char want[16] = "[";
    strcat(want, thp_names[m]);
    strcat(want, "]");
    if (strstr(buf, want)) sys_thp = m;
  }
}

#ifndef PTLAB_BAKED
static long in_line;

static void parse_fail(const char *msg) {
  char num[24];
  int n = 0;
  long v = in_line;
  char rev[24];
  int k = 0;
  do {
    rev[k++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (k) num[n++] = rev[--k];
  num[n] = 0;
  err_str("twin: input line ");
  err_str(num);
  err_str(": ");
  err_str(msg);
  err_str("\n");
  _exit(2);
}

static int parse_num(const char *t, unsigned long *out) {
  unsigned long v = 0;
  if (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    t += 2;
    if (!*t) return 0;
    for (; *t; t++) {
      int d;
      if (*t >= '0' && *t <= '9') d = *t - '0';
      else if (*t >= 'a' && *t <= 'f') d = *t - 'a' + 10;
      else if (*t >= 'A' && *t <= 'F') d = *t - 'A' + 10;
      else return 0;
      v = v * 16 + (unsigned long)d;
    }
  } else {
    if (!*t) return 0;
    for (; *t; t++) {
      if (*t < '0' || *t > '9') return 0;
      v = v * 10 + (unsigned long)(*t - '0');
    }
  }
  *out = v;
  return 1;
}

static unsigned long num_tok(char **tok, int i) {
  unsigned long v;
  if (!parse_num(tok[i], &v)) parse_fail("expected a number (decimal or 0x hex)");
  return v;
}

static int prot_tok(const char *t) {
  if (!strcmp(t, "r")) return PROT_READ;
  if (!strcmp(t, "rw")) return PROT_READ | PROT_WRITE;
  if (!strcmp(t, "none")) return PROT_NONE;
  parse_fail("expected r, rw or none");
  return 0;
}

static int proc_tok(const char *t, int fresh) {
  if (strlen(t) >= sizeof proc_names[0]) parse_fail("process name too long");
  for (int k = 0; k < nprocs; k++)
    if (!strcmp(proc_names[k], t)) {
      if (fresh) parse_fail("a process of that name was forked before");
      return k;
    }
  if (!fresh) parse_fail("no process of that name");
  if (nprocs == CALIB_PROC) parse_fail("too many processes");
  strcpy(proc_names[nprocs], t);
  return nprocs++;
}

static void parse_line(char *s) {
  char *tok[8];
  int nt = 0;
  for (char *c = s; *c; c++)
    if (*c == '#') {
      *c = 0;
      break;
    }
  for (char *c = s; *c;) {
    while (*c == ' ' || *c == '\t' || *c == '\r') *c++ = 0;
    if (!*c) break;
    if (nt == 8) parse_fail("too many words");
    tok[nt++] = c;
    while (*c && *c != ' ' && *c != '\t' && *c != '\r') c++;
  }
  if (nt == 0) return;
  if (nops == MAX_OPS) parse_fail("too many operations");
  struct op *o = &op_table[nops];
  memset(o, 0, sizeof *o);
  if (!strcmp(tok[0], "in")) {
    if (nt < 3) parse_fail("expected `in NAME OPERATION`");
    o->proc = proc_tok(tok[1], 0);
    for (int i = 2; i < nt; i++) tok[i - 2] = tok[i];
    nt -= 2;
    if (!strcmp(tok[0], "fork") || !strcmp(tok[0], "exit") || !strcmp(tok[0], "thp")) parse_fail("only the first process forks, exits children and sets thp");
  }
  const char *w = tok[0];
  int want;
  if (!strcmp(w, "fork") || !strcmp(w, "exit")) {
    if (nt != 2) parse_fail("expected `fork NAME` or `exit NAME`");
    o->kind = !strcmp(w, "fork") ? OP_FORK : OP_EXIT;
    o->arg = proc_tok(tok[1], o->kind == OP_FORK);
    if (o->arg == 0) parse_fail("the first process does not exit");
    nops++;
    return;
  }
  if (!strcmp(w, "nop")) {
    o->kind = OP_NOP;
    want = 1;
  } else if (!strcmp(w, "mmap")) {
    o->kind = OP_MMAP;
    want = 5;
  } else if (!strcmp(w, "touch")) {
    o->kind = OP_TOUCH;
    want = 3;
  } else if (!strcmp(w, "read")) {
    o->kind = OP_READ;
    want = 3;
  } else if (!strcmp(w, "madvise")) {
    o->kind = OP_MADVISE;
    want = 4;
  } else if (!strcmp(w, "munmap")) {
    o->kind = OP_MUNMAP;
    want = 3;
  } else if (!strcmp(w, "mprotect")) {
    o->kind = OP_MPROTECT;
    want = 4;
  } else if (!strcmp(w, "mremap")) {
    o->kind = OP_MREMAP;
    want = 4;
  } else if (!strcmp(w, "thp")) {
    o->kind = OP_THP;
    want = 2;
  } else if (!strcmp(w, "swap")) {
    o->kind = OP_SWAP;
    want = 2;
  } else if (!strcmp(w, "khugepaged")) {
    o->kind = OP_KHUGEPAGED;
    want = 1;
  } else if (!strcmp(w, "mincore") || !strcmp(w, "pagemap")) {
    o->kind = w[0] == 'm' ? OP_MINCORE : OP_PAGEMAP;
    want = 3;
  } else {
    parse_fail("unknown operation");
    return;
  }
  if (nt != want) parse_fail("wrong number of words for this operation");
  if (o->kind == OP_THP) {
    o->arg = -1;
    for (int m = 0; m < 3; m++)
      if (!strcmp(tok[1], thp_names[m])) o->arg = m;
    if (o->arg < 0) parse_fail("expected never, madvise or always");
  } else if (o->kind == OP_SWAP) {
    if (strcmp(tok[1], "on") && strcmp(tok[1], "off")) parse_fail("expected on or off");
    o->arg = !strcmp(tok[1], "on");
  } else if (o->kind != OP_NOP && o->kind != OP_KHUGEPAGED) {
    o->addr = num_tok(tok, 1);
    o->len = num_tok(tok, 2);
  }
  switch (o->kind) {
  case OP_MMAP:
    o->arg = prot_tok(tok[3]);
    if (strcmp(tok[4], "0") && strcmp(tok[4], "1")) parse_fail("expected 0 or 1 (MADV_HUGEPAGE)");
    o->huge = tok[4][0] == '1';
    break;
  case OP_MPROTECT:
    o->arg = prot_tok(tok[3]);
    break;
  case OP_MREMAP:
    o->to = num_tok(tok, 3);
    break;
  case OP_MADVISE:
    if (!strcmp(tok[3], "dontneed")) o->arg = MADV_DONTNEED;
    else if (!strcmp(tok[3], "free")) o->arg = MADV_FREE;
    else if (!strcmp(tok[3], "hugepage")) o->arg = MADV_HUGEPAGE;
    else if (!strcmp(tok[3], "nohugepage")) o->arg = MADV_NOHUGEPAGE;
    else if (!strcmp(tok[3], "collapse")) o->arg = MADV_COLLAPSE;
    else if (!strcmp(tok[3], "pageout")) o->arg = MADV_PAGEOUT;
    else if (!strcmp(tok[3], "dontfork")) o->arg = MADV_DONTFORK;
    else if (!strcmp(tok[3], "dofork")) o->arg = MADV_DOFORK;
    else if (!strcmp(tok[3], "wipeonfork")) o->arg = MADV_WIPEONFORK;
    else if (!strcmp(tok[3], "keeponfork")) o->arg = MADV_KEEPONFORK;
    else parse_fail("expected dontneed, free, hugepage, nohugepage, collapse, pageout, dontfork, dofork, wipeonfork or keeponfork");
    break;
  default:
    break;
  }
  nops++;
}

/* Reads the whole input in chunks, one line at a time, into op_table. */
static void __attribute__((noinline)) parse_input(const char *path) {
  static char chunk[65536];
  static char line[4096];
  int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;
  long ll = 0;
  if (fd < 0) {
    err_str("twin: cannot open the input file\n");
    _exit(2);
  }
  for (;;) {
    ssize_t r = read(fd, chunk, sizeof chunk);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      err_str("twin: cannot read the input\n");
      _exit(2);
    }
    for (ssize_t i = 0; i < r; i++) {
      if (chunk[i] == '\n') {
        line[ll] = 0;
        in_line++;
        parse_line(line);
        ll = 0;
      } else {
        if (ll == (long)sizeof line - 1) {
          in_line++;
          parse_fail("line too long");
        }
        line[ll++] = chunk[i];
      }
    }
    if (r == 0) break;
  }
  if (ll) {
    line[ll] = 0;
    in_line++;
    parse_line(line);
  }
  if (fd) close(fd);
}
#endif

/* Touches a good stretch of stack, so deeper calls later find it mapped. */
static void __attribute__((noinline)) warm_stack(void) {
  volatile char pad[65536];
  for (unsigned long i = 0; i < sizeof pad; i += 256) pad[i] = 0;
}

/* Calls every library function used after setup once, harmlessly. */
static void warm_up(void) {
  struct figures f;
  memset(status_buf, 0, sizeof status_buf);
  memset(out_buf, 0, sizeof out_buf);
  memset(alt_stack, 0, sizeof alt_stack);
  memset(&cmd_buf, 0, sizeof cmd_buf);
  memset(&rep_buf, 0, sizeof rep_buf);
  sink = 0;
  fault_addr = 0;
  warm_stack();
  void *p = mmap(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) {
    if (madvise(p, PAGE, MADV_DONTNEED)) err_str("twin: warm-up madvise failed\n");
    if (mprotect(p, PAGE, PROT_NONE)) err_str("twin: warm-up mprotect failed\n");
    void *q = mremap(p, PAGE, PAGE, 0);
    if (q != MAP_FAILED) p = q;
    munmap(p, PAGE);
  }
  if (prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) < 0) {
    /* an old kernel; `thp never` will report the error */
  }
  pagemap_fd = open("/proc/self/pagemap", O_RDONLY);
  memset(mincore_vec, 0, sizeof mincore_vec);
  memset(pagemap_buf, 0, sizeof pagemap_buf);
  if (mincore(status_buf, PAGE, mincore_vec)) {
    /* status_buf may not be page aligned: EINVAL is fine, the symbol is bound */
  }
  if (pagemap_fd >= 0 && pread(pagemap_fd, pagemap_buf, 8, 0) < 0) {
    /* nothing to do: the call bound the symbol */
  }
  out_flush();
  measure(&f);
  measure(&f);
  if (sigsetjmp(fault_jmp, 1)) _exit(4);
}

int main(int argc, char **argv) {
  struct figures f;
  stack_t ss;
  struct sigaction sa;
#ifndef PTLAB_BAKED
  if (argc != 2) {
    err_str("usage: twin FILE   (or - for standard input)\n");
    return 2;
  }
  parse_input(argv[1]);
#else
  (void)argc;
  (void)argv;
#endif
  read_sys_thp();
  read_sys_swap();
  memset(&ss, 0, sizeof ss);
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, 0);
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = fault_handler;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, 0);
  sigaction(SIGBUS, &sa, 0);
  warm_up();
  for (int k = 1; k < MAX_PROCS; k++)
    if (pipe(cmd_pipe[k]) || pipe(rep_pipe[k])) {
      err_str("twin: pipe failed\n");
      return 2;
    }
#ifndef PTLAB_BAKED
  if (nprocs > 1) {
    /* What a fork copies of the twin itself, from the same call depth as a `fork` operation. */
    static struct op calib;
    calib.kind = OP_FORK;
    calib.arg = CALIB_PROC;
    run_op(0, &calib);
    ask(CALIB_PROC, CMD_MEASURE, 0, &calib);
    exit_proc(CALIB_PROC);
    out_str("cbase ");
    out_num(rep_buf.vmpte);
    out_str(" ");
    out_num(rep_buf.rssanon);
    out_str(" ");
    out_num(rep_buf.vmsize);
    out_str("\n");
  }
#endif

  measure(&f);
  out_str("base");
  out_figures(&f);
  for (cur_step = 1; cur_step <= nops; cur_step++) {
    if (sigsetjmp(fault_jmp, 1)) {
      out_str("segv ");
      out_num(cur_step);
      out_str(" ");
      out_hex(fault_addr);
      out_str("\n");
      out_flush();
      finish(0);
    }
    const struct op *o = &ops[cur_step - 1];
    if (o->proc != 0) ask(o->proc, CMD_RUN, cur_step, o);
    else run_op(cur_step, o);
    measure(&f);
    out_str("step ");
    out_num(cur_step);
    out_figures(&f);
    for (int k = 1; k < CALIB_PROC; k++) {
      if (proc_pid[k] <= 0) continue;
      ask(k, CMD_MEASURE, cur_step, o);
      out_str("proc ");
      out_num(cur_step);
      out_str(" ");
      out_str(proc_names[k]);
      out_str(" ");
      out_num(rep_buf.vmpte);
      out_str(" ");
      out_num(rep_buf.rssanon);
      out_str(" ");
      out_num(rep_buf.vmsize);
      out_str("\n");
      out_flush();
    }
  }
  finish(0);
}
