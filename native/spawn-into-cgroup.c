/*
 * librsd-spawn.so: posix_spawn's job, but the child is created inside a cgroup (clone3 with
 * CLONE_INTO_CGROUP). Moving a running process into a cgroup (a write to cgroup.procs) waits for an RCU
 * grace period in the kernel, 8-11 ms on an idle machine here: that wait was most of the time between a
 * connection to a cold socket and its service running. A child born in its cgroup never migrates.
 *
 * Like glibc's posix_spawn: CLONE_VM | CLONE_VFORK on a separate stack, so the parent sleeps until the child
 * has exec'd (or failed), every signal blocked around the clone, and in the child only raw system calls:
 * dispositions back to SIG_DFL (SIGPIPE to SIG_IGN with RSD_SPAWN_IGNORE_SIGPIPE: IgnoreSIGPIPE=, systemd's
 * default), an empty mask, the fd actions, setsid, execve. `flags`: RSD_SPAWN_SETSID | RSD_SPAWN_IGNORE_SIGPIPE.
 *
 * pid_env >= 0 names the envp entry the child turns into LISTEN_PID=<its pid> (socket activation without
 * the exec helper). cgroup_dir (NULL: none) is the cgroup v2 directory the child is born in; it is opened here,
 * on the calling (worker) thread, rather than by the manager's thread around each call.
 * rsd_spawn() returns the pid; -1 when the child failed before or at execve (errno in *err; the child is
 * reaped here); -2 when clone3 itself failed (errno in *err: ENOSYS, EINVAL, EOPNOTSUPP on kernels or
 * cgroups that cannot do it), so the caller can fall back to posix_spawn; -3 when cgroup_dir could not be
 * opened (errno in *err), for this spawn only.
 *
 * rsd calls it on worker threads, several at once (the clone and the exec's first half then run beside the
 * manager's event loop instead of blocking it): everything a call uses lives in its own frame. A failed
 * child may already have been reaped by the manager's waitpid(-1) on its own thread; that is harmless here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

enum { OP_DUP2 = 0, OP_OPEN = 1, OP_CLOSEFROM = 2, OP_CLOSE = 3 };
enum { RSD_SPAWN_SETSID = 1, RSD_SPAWN_IGNORE_SIGPIPE = 2 };
enum { OP_INTS = 5 };

struct child_ctx {
  const char *path;
  char *const *argv;
  char *const *envp;
  const int *ops; /* OP_INTS ints per action: op, a, b, flags, mode */
  int nops;
  const char *const *paths; /* OP_OPEN: paths[b] opened as fd a with flags */
  int flags;
  int pid_env; /* index in envp of the entry to make "LISTEN_PID=<own pid>", or -1 */
  volatile int err;
  /* The child's LISTEN_PID= entry: only the child writes it, and the parent sleeps until the exec copied it. */
  char pid_env_buf[32];
};

struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  unsigned long mask;
};

static long raw_sigmask(int how, const unsigned long *set, unsigned long *old) {
  return syscall(SYS_rt_sigprocmask, how, set, old, sizeof(unsigned long));
}

static int child_main(void *p) {
  struct child_ctx *c = p;
  struct kernel_sigaction dfl = {0};
  for (int s = 1; s <= 64; s++) {
    if (s == SIGKILL || s == SIGSTOP) continue;
    syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(unsigned long));
  }
  if (c->flags & RSD_SPAWN_IGNORE_SIGPIPE) {
    struct kernel_sigaction ign = {.handler = SIG_IGN};
    syscall(SYS_rt_sigaction, SIGPIPE, &ign, NULL, sizeof(unsigned long));
  }
  if ((c->flags & RSD_SPAWN_SETSID) && setsid() < 0) goto fail;
  for (int i = 0; i < c->nops; i++) {
    const int *op = c->ops + OP_INTS * i;
    if (op[0] == OP_DUP2) {
      if (dup2(op[1], op[2]) < 0) goto fail;
    } else if (op[0] == OP_OPEN) {
      int fd = open(c->paths[op[2]], op[3], (mode_t)op[4]);
      if (fd < 0) goto fail;
      if (fd != op[1]) {
        if (dup2(fd, op[1]) < 0) goto fail;
        close(fd);
      }
    } else if (op[0] == OP_CLOSE) {
      close(op[1]);
    } else if (op[0] == OP_CLOSEFROM) {
      if (syscall(SYS_close_range, (unsigned)op[1], ~0U, 0) < 0)
        for (int fd = op[1]; fd < 65536; fd++) close(fd);
    }
  }
  if (c->pid_env >= 0) {
    /* sd_listen_fds(3) checks LISTEN_PID against getpid(): only the child knows that number. */
    char digits[16];
    int n = 0;
    for (long pid = syscall(SYS_getpid); pid > 0 && n < 15; pid /= 10) digits[n++] = (char)('0' + pid % 10);
    memcpy(c->pid_env_buf, "LISTEN_PID=", 11);
    for (int i = 0; i < n; i++) c->pid_env_buf[11 + i] = digits[n - 1 - i];
    c->pid_env_buf[11 + n] = '\0';
    ((char **)c->envp)[c->pid_env] = c->pid_env_buf;
  }
  unsigned long none = 0;
  raw_sigmask(SIG_SETMASK, &none, NULL);
  execve(c->path, c->argv, c->envp);
fail:
  c->err = errno;
  _exit(127);
}

#if defined(__x86_64__)
/*
 * clone3 with a new stack: the child returns from the system call on that stack, so it must not return
 * into C; it calls fn(arg) and exits. r8/r9 survive the syscall instruction in both processes.
 */
long rsd_clone3_call(struct clone_args *args, size_t size, int (*fn)(void *), void *arg);
__asm__(".text\n"
        ".globl rsd_clone3_call\n"
        ".type rsd_clone3_call,@function\n"
        "rsd_clone3_call:\n"
        "  mov %rdx, %r9\n"
        "  mov %rcx, %r8\n"
        "  mov $435, %eax\n"
        "  syscall\n"
        "  test %rax, %rax\n"
        "  jnz 1f\n"
        "  xor %ebp, %ebp\n"
        "  mov %r8, %rdi\n"
        "  call *%r9\n"
        "  mov %eax, %edi\n"
        "  mov $60, %eax\n"
        "  syscall\n"
        "  hlt\n"
        "1:\n"
        "  ret\n");
#define HAVE_CLONE3_CALL 1
#endif

/* The child's stack lives in the caller's frame: CLONE_VFORK keeps the caller asleep while the child uses it. */
enum { CHILD_STACK_SIZE = 64 * 1024 };

int rsd_spawn(const char *path, char *const *argv, char *const *envp, const int *ops, int nops,
              const char *const *paths, int flags, const char *cgroup_dir, int pid_env, int *err) {
#ifndef HAVE_CLONE3_CALL
  (void)path, (void)argv, (void)envp, (void)ops, (void)nops, (void)paths, (void)flags, (void)cgroup_dir;
  (void)pid_env;
  *err = ENOSYS;
  return -2;
#else
  int cgroup_fd = -1;
  if (cgroup_dir != NULL) {
    cgroup_fd = open(cgroup_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (cgroup_fd < 0) {
      *err = errno;
      return -3;
    }
  }
  struct child_ctx c = {path, argv, envp, ops, nops, paths, flags, pid_env, 0, {0}};
  char child_stack[CHILD_STACK_SIZE] __attribute__((aligned(16)));
  struct clone_args args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_VM | CLONE_VFORK | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0);
  args.exit_signal = SIGCHLD;
  args.stack = (uint64_t)(uintptr_t)child_stack;
  args.stack_size = sizeof child_stack;
  args.cgroup = cgroup_fd >= 0 ? (uint64_t)cgroup_fd : 0;
  unsigned long all = ~0UL, old = 0;
  raw_sigmask(SIG_SETMASK, &all, &old);
  long pid = rsd_clone3_call(&args, sizeof args, child_main, &c);
  raw_sigmask(SIG_SETMASK, &old, NULL);
  if (cgroup_fd >= 0) close(cgroup_fd);
  if (pid < 0) {
    *err = (int)-pid;
    return -2;
  }
  if (c.err != 0) {
    int status;
    while (waitpid((pid_t)pid, &status, __WALL) < 0 && errno == EINTR) {
    }
    *err = c.err;
    return -1;
  }
  *err = 0;
  return (int)pid;
#endif
}
