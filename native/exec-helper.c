/*
 * rsd-exec-helper: runs in the service's process between posix_spawn() and the service's execve(), and
 * does what posix_spawn() cannot: credentials, limits, cgroup, working directory, LISTEN_PID.
 *
 * Usage (every option at most once except --rlimit; numbers are decimal, --umask is octal):
 *
 *   rsd-exec-helper [--status-fd N] [--setsid] [--ignore-sigpipe] [--cgroup DIR] [--oom-score-adjust N] [--nice N]
 *                   [--rlimit NAME=SOFT:HARD]... [--umask OOO] [--chroot DIR]
 *                   [--uid N] [--gid N] [--groups G1,G2,...] [--chdir DIR] [--chdir-optional]
 *                   [--listen-fds N] [--listen-fdnames A:B:...] [--watchdog-pid]
 *                   [--private-network] [--private-network-storage N] [--mount-read-only P] [--mount-read-write P]
 *                   [--mount-inaccessible P] [--mount-tmpfs P] [--mount-bind SOURCE P]...
 *                   [--capability-bounding-set HEX] [--ambient-capabilities HEX] [--no-new-privileges]
 *                   -- EXECUTABLE ARGV0 [ARGS...]
 *
 *   NAME is one of CPU FSIZE DATA STACK CORE RSS NOFILE AS NPROC MEMLOCK LOCKS SIGPENDING MSGQUEUE NICE
 *   RTPRIO RTTIME; SOFT and HARD are numbers or "infinity"; "NAME=V" means SOFT=HARD=V.
 *   --groups "" means no supplementary groups. When --uid or --gid is given, the supplementary groups are
 *   set to exactly --groups (empty if absent), so a service never keeps the manager's groups.
 *   --chdir-optional ignores a --chdir directory that does not exist (WorkingDirectory=-DIR).
 *   The environment is the helper's own (posix_spawn's envp) plus LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES,
 *   and WATCHDOG_PID (the process's own pid) with --watchdog-pid.
 *   --private-network-storage N: fds N and N+1 are a unit's socket pair holding its network namespace
 *   (made by the first process that gets it, joined by the others); the helper closes both.
 *   --mount-* options may repeat; any of them gives the process its own mount namespace, where they apply
 *   in the order given (the caller sorts them, parents first: see src/exec/sandbox-mounts.ts). A path
 *   written "-/x" is skipped when missing. HEX is a capability mask (bit N = capability N): the bounding
 *   set keeps exactly those, the ambient set gets exactly those.
 *
 * The steps run in the order below (systemd's order: privileged steps before dropping privileges, chdir
 * after, so the directory is checked with the service's credentials).
 *
 * Status protocol on --status-fd (the write end of a pipe; the helper marks it close-on-exec):
 *   "EXEC\n"                           written right before execve(); EOF after it means execve succeeded.
 *   "FAIL <step> <errno> <exit>\n"     a step failed; the helper then exits with <exit>.
 *   nothing before EOF                 the helper died before reaching execve (e.g. killed).
 * Steps and exit codes (systemd.exec(5), "PROCESS EXIT CODES"): args 255, signals 207, setsid 220,
 * cgroup 219, oom-score-adjust 206, nice 201, rlimit 205, network 225, namespace 226, chroot 210,
 * capabilities 218, group 216, user 217, chdir 200, no-new-privileges 227, environment 204, exec 203.
 * The sandboxing steps also say what failed on stderr, as systemd logs it from the child.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "exec-helper-sandbox.h"

extern char **environ;

enum {
    EXIT_CHDIR = 200,
    EXIT_NICE = 201,
    EXIT_EXEC = 203,
    EXIT_MEMORY = 204,
    EXIT_LIMITS = 205,
    EXIT_OOM_ADJUST = 206,
    EXIT_SIGNAL_MASK = 207,
    EXIT_CHROOT = 210,
    EXIT_GROUP = 216,
    EXIT_USER = 217,
    EXIT_CAPABILITIES = 218,
    EXIT_CGROUP = 219,
    EXIT_SETSID = 220,
    EXIT_NETWORK = 225,
    EXIT_NAMESPACE = 226,
    EXIT_NO_NEW_PRIVILEGES = 227,
    EXIT_EXCEPTION = 255,
};

#define MAX_GROUPS 256

struct rlimit_request {
    int resource;
    struct rlimit value;
};

struct plan {
    int status_fd;
    int setsid;
    const char *cgroup;
    int has_oom;
    long oom;
    int has_nice;
    long nice;
    struct rlimit_request rlimits[RLIM_NLIMITS];
    int n_rlimits;
    int has_umask;
    mode_t umask;
    const char *chroot;
    int has_uid;
    uid_t uid;
    int has_gid;
    gid_t gid;
    int has_groups;
    gid_t groups[MAX_GROUPS];
    int n_groups;
    const char *chdir;
    int chdir_optional;
    int has_listen;
    long listen_fds;
    const char *listen_fdnames;
    int watchdog_pid;
    int private_network;
    int network_storage; /* -1: none */
    struct sandbox_mount *mounts; /* room for argc entries */
    int n_mounts;
    int has_bounding;
    uint64_t bounding;
    uint64_t ambient;
    int no_new_privs;
    int ignore_sigpipe;
    char **command; /* EXECUTABLE ARGV0 ARGS... NULL */
};

static int status_fd = -1;

static void write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        buf += n;
        len -= (size_t)n;
    }
}

/* One short record per write: a pipe write below PIPE_BUF is atomic, so the parent never sees half. */
static void report(const char *record) {
    if (status_fd >= 0) write_all(status_fd, record, strlen(record));
}

static _Noreturn void fail(const char *step, int err, int exit_code) {
    char record[128];
    snprintf(record, sizeof record, "FAIL %s %d %d\n", step, err, exit_code);
    report(record);
    _exit(exit_code);
}

/* A line on stderr (the service's, so it reaches the unit's log) naming what a sandboxing step could not do. */
static void say(const char *what, const char *path) {
    char line[PATH_MAX + 256];
    int saved = errno;
    if (path)
        snprintf(line, sizeof line, "%s: %s: %s\n", what, path, strerror(saved));
    else
        snprintf(line, sizeof line, "%s: %s\n", what, strerror(saved));
    write_all(2, line, strlen(line));
    errno = saved;
}

static int parse_long(const char *s, int base, long min, long max, long *out) {
    char *end;
    if (*s == '\0') return -1;
    errno = 0;
    long v = strtol(s, &end, base);
    if (errno != 0 || *end != '\0' || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int parse_rlim(const char *s, size_t len, rlim_t *out) {
    char buf[32];
    char *end;
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (strcmp(buf, "infinity") == 0) {
        *out = RLIM_INFINITY;
        return 0;
    }
    if (buf[0] < '0' || buf[0] > '9') return -1;
    errno = 0;
    unsigned long long v = strtoull(buf, &end, 10);
    if (errno != 0 || *end != '\0' || v >= (unsigned long long)RLIM_INFINITY) return -1;
    *out = (rlim_t)v;
    return 0;
}

static const struct {
    const char *name;
    int resource;
} rlimit_names[] = {
    {"CPU", RLIMIT_CPU},         {"FSIZE", RLIMIT_FSIZE},   {"DATA", RLIMIT_DATA},
    {"STACK", RLIMIT_STACK},     {"CORE", RLIMIT_CORE},     {"RSS", RLIMIT_RSS},
    {"NOFILE", RLIMIT_NOFILE},   {"AS", RLIMIT_AS},         {"NPROC", RLIMIT_NPROC},
    {"MEMLOCK", RLIMIT_MEMLOCK}, {"LOCKS", RLIMIT_LOCKS},   {"SIGPENDING", RLIMIT_SIGPENDING},
    {"MSGQUEUE", RLIMIT_MSGQUEUE}, {"NICE", RLIMIT_NICE}, {"RTPRIO", RLIMIT_RTPRIO},
    {"RTTIME", RLIMIT_RTTIME},
};

static int parse_rlimit(const char *s, struct rlimit_request *out) {
    const char *eq = strchr(s, '=');
    if (!eq) return -1;
    size_t name_len = (size_t)(eq - s);
    int found = 0;
    for (size_t i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++) {
        if (strlen(rlimit_names[i].name) == name_len && strncmp(rlimit_names[i].name, s, name_len) == 0) {
            out->resource = rlimit_names[i].resource;
            found = 1;
            break;
        }
    }
    if (!found) return -1;
    const char *value = eq + 1;
    const char *colon = strchr(value, ':');
    if (!colon) {
        if (parse_rlim(value, strlen(value), &out->value.rlim_cur) < 0) return -1;
        out->value.rlim_max = out->value.rlim_cur;
        return 0;
    }
    if (parse_rlim(value, (size_t)(colon - value), &out->value.rlim_cur) < 0) return -1;
    if (parse_rlim(colon + 1, strlen(colon + 1), &out->value.rlim_max) < 0) return -1;
    return 0;
}

static int parse_groups(const char *s, struct plan *p) {
    p->has_groups = 1;
    p->n_groups = 0;
    if (*s == '\0') return 0;
    char *copy = strdup(s);
    if (!copy) return -1;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long v;
        if (p->n_groups >= MAX_GROUPS || parse_long(tok, 10, 0, (long)UINT_MAX - 1, &v) < 0) {
            free(copy);
            return -1;
        }
        p->groups[p->n_groups++] = (gid_t)v;
    }
    free(copy);
    return 0;
}

/* "-/path" is a path to skip when missing; every path is absolute. */
static int parse_mount_path(const char *s, struct sandbox_mount *m) {
    m->ignore_missing = s[0] == '-';
    m->path = m->ignore_missing ? s + 1 : s;
    return m->path[0] == '/' ? 0 : -1;
}

static int parse_mask(const char *s, uint64_t *out) {
    char *end;
    if (*s == '\0') return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 16);
    if (errno != 0 || *end != '\0') return -1;
    *out = (uint64_t)v;
    return 0;
}

/* Returns 0, or -1 on a malformed command line (reported as step "args"). */
static int parse_args(int argc, char **argv, struct plan *p) {
    long v;
    int i = 1;
    for (; i < argc; i++) {
        const char *opt = argv[i];
        if (strcmp(opt, "--") == 0) break;
        if (strcmp(opt, "--setsid") == 0) {
            p->setsid = 1;
            continue;
        }
        if (strcmp(opt, "--chdir-optional") == 0) {
            p->chdir_optional = 1;
            continue;
        }
        if (strcmp(opt, "--watchdog-pid") == 0) {
            p->watchdog_pid = 1;
            continue;
        }
        if (strcmp(opt, "--private-network") == 0) {
            p->private_network = 1;
            continue;
        }
        if (strcmp(opt, "--no-new-privileges") == 0) {
            p->no_new_privs = 1;
            continue;
        }
        if (strcmp(opt, "--ignore-sigpipe") == 0) {
            p->ignore_sigpipe = 1;
            continue;
        }
        if (i + 1 >= argc) return -1;
        if (strcmp(opt, "--mount-bind") == 0) {
            if (i + 2 >= argc) return -1;
            struct sandbox_mount *m = &p->mounts[p->n_mounts++];
            m->kind = MOUNT_BIND;
            m->source = argv[++i];
            if (parse_mount_path(argv[++i], m) < 0) return -1;
            continue;
        }
        const char *val = argv[++i];
        if (strcmp(opt, "--status-fd") == 0) {
            if (parse_long(val, 10, 0, INT_MAX, &v) < 0) return -1;
            p->status_fd = (int)v;
            status_fd = (int)v;
        } else if (strcmp(opt, "--cgroup") == 0) {
            p->cgroup = val;
        } else if (strcmp(opt, "--oom-score-adjust") == 0) {
            if (parse_long(val, 10, -1000, 1000, &p->oom) < 0) return -1;
            p->has_oom = 1;
        } else if (strcmp(opt, "--nice") == 0) {
            if (parse_long(val, 10, -20, 19, &p->nice) < 0) return -1;
            p->has_nice = 1;
        } else if (strcmp(opt, "--rlimit") == 0) {
            if (p->n_rlimits >= RLIM_NLIMITS || parse_rlimit(val, &p->rlimits[p->n_rlimits]) < 0) return -1;
            p->n_rlimits++;
        } else if (strcmp(opt, "--umask") == 0) {
            if (parse_long(val, 8, 0, 0777, &v) < 0) return -1;
            p->umask = (mode_t)v;
            p->has_umask = 1;
        } else if (strcmp(opt, "--chroot") == 0) {
            p->chroot = val;
        } else if (strcmp(opt, "--uid") == 0) {
            if (parse_long(val, 10, 0, (long)UINT_MAX - 1, &v) < 0) return -1;
            p->uid = (uid_t)v;
            p->has_uid = 1;
        } else if (strcmp(opt, "--gid") == 0) {
            if (parse_long(val, 10, 0, (long)UINT_MAX - 1, &v) < 0) return -1;
            p->gid = (gid_t)v;
            p->has_gid = 1;
        } else if (strcmp(opt, "--groups") == 0) {
            if (parse_groups(val, p) < 0) return -1;
        } else if (strcmp(opt, "--chdir") == 0) {
            p->chdir = val;
        } else if (strcmp(opt, "--listen-fds") == 0) {
            if (parse_long(val, 10, 0, INT_MAX - 3, &p->listen_fds) < 0) return -1;
            p->has_listen = 1;
        } else if (strcmp(opt, "--listen-fdnames") == 0) {
            p->listen_fdnames = val;
        } else if (strncmp(opt, "--mount-", 8) == 0) {
            struct sandbox_mount *m = &p->mounts[p->n_mounts];
            if (strcmp(opt, "--mount-read-only") == 0) m->kind = MOUNT_READ_ONLY;
            else if (strcmp(opt, "--mount-read-write") == 0) m->kind = MOUNT_READ_WRITE;
            else if (strcmp(opt, "--mount-inaccessible") == 0) m->kind = MOUNT_INACCESSIBLE;
            else if (strcmp(opt, "--mount-tmpfs") == 0) m->kind = MOUNT_TMPFS;
            else return -1;
            if (parse_mount_path(val, m) < 0) return -1;
            p->n_mounts++;
        } else if (strcmp(opt, "--private-network-storage") == 0) {
            if (parse_long(val, 10, 0, INT_MAX - 1, &v) < 0) return -1;
            p->network_storage = (int)v;
        } else if (strcmp(opt, "--capability-bounding-set") == 0) {
            if (parse_mask(val, &p->bounding) < 0) return -1;
            p->has_bounding = 1;
        } else if (strcmp(opt, "--ambient-capabilities") == 0) {
            if (parse_mask(val, &p->ambient) < 0) return -1;
        } else {
            return -1;
        }
    }
    /* After "--": at least EXECUTABLE and ARGV0. */
    if (i >= argc || argc - (i + 1) < 2) return -1;
    p->command = &argv[i + 1];
    return 0;
}

/* The kernel's struct sigaction, for the signals glibc's sigaction() refuses to touch. */
struct kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long mask;
};

/*
 * posix_spawn already reset these for the helper; doing it again keeps the helper correct on its own.
 * glibc reserves signals 32 and 33 (SIGCANCEL, SIGSETXID): its sigaction() fails with EINVAL for them, and
 * its posix_spawn leaves them ignored unless asked explicitly, so they are reset with the raw syscall.
 */
static void reset_signals(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (sigaction(sig, &sa, NULL) == 0 || errno != EINVAL) continue;
        struct kernel_sigaction ksa = {.handler = SIG_DFL};
        (void)syscall(SYS_rt_sigaction, sig, &ksa, NULL, sizeof ksa.mask);
    }
    sigset_t empty;
    sigemptyset(&empty);
    if (sigprocmask(SIG_SETMASK, &empty, NULL) < 0) fail("signals", errno, EXIT_SIGNAL_MASK);
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (n < 0) {
        errno = saved;
        return -1;
    }
    if ((size_t)n != len) {
        errno = EIO;
        return -1;
    }
    return 0;
}

/*
 * systemd's setrlimit_closest(): without CAP_SYS_RESOURCE (a container, say) a hard limit cannot be raised,
 * so the limit gets as close as the current hard limit allows instead of failing the service.
 */
static int setrlimit_closest(int resource, const struct rlimit *want) {
    if (setrlimit(resource, want) == 0) return 0;
    if (errno != EPERM) return -1;
    struct rlimit have;
    if (getrlimit(resource, &have) < 0) return -1;
    if (have.rlim_max == RLIM_INFINITY) {
        errno = EPERM;
        return -1;
    }
    struct rlimit fixed = {
        .rlim_cur = want->rlim_cur < have.rlim_max ? want->rlim_cur : have.rlim_max,
        .rlim_max = want->rlim_max < have.rlim_max ? want->rlim_max : have.rlim_max,
    };
    if (fixed.rlim_cur == have.rlim_cur && fixed.rlim_max == have.rlim_max) return 0;
    return setrlimit(resource, &fixed);
}

static void join_cgroup(const char *dir) {
    char path[PATH_MAX];
    char pid[32];
    if ((size_t)snprintf(path, sizeof path, "%s/cgroup.procs", dir) >= sizeof path)
        fail("cgroup", ENAMETOOLONG, EXIT_CGROUP);
    snprintf(pid, sizeof pid, "%d\n", (int)getpid());
    if (write_file(path, pid) < 0) fail("cgroup", errno, EXIT_CGROUP);
}

static void set_listen_env(const struct plan *p) {
    char buf[32];
    snprintf(buf, sizeof buf, "%d", (int)getpid());
    if (setenv("LISTEN_PID", buf, 1) < 0) fail("environment", errno, EXIT_MEMORY);
    snprintf(buf, sizeof buf, "%ld", p->listen_fds);
    if (setenv("LISTEN_FDS", buf, 1) < 0) fail("environment", errno, EXIT_MEMORY);
    if (p->listen_fdnames) {
        if (setenv("LISTEN_FDNAMES", p->listen_fdnames, 1) < 0) fail("environment", errno, EXIT_MEMORY);
    } else {
        unsetenv("LISTEN_FDNAMES");
    }
}

int main(int argc, char **argv) {
    static struct plan p; /* static: zero-initialised and off the (small) stack */
    p.status_fd = -1;
    p.network_storage = -1;
    p.mounts = calloc((size_t)argc, sizeof *p.mounts);
    if (!p.mounts) fail("args", errno, EXIT_EXCEPTION);
    if (parse_args(argc, argv, &p) < 0) fail("args", EINVAL, EXIT_EXCEPTION);

    /* The status fd arrives without close-on-exec (dup2 cleared it); the service must not inherit it. */
    if (status_fd >= 0 && fcntl(status_fd, F_SETFD, FD_CLOEXEC) < 0) {
        status_fd = -1;
        fail("args", errno, EXIT_EXCEPTION);
    }

    reset_signals();
    /* IgnoreSIGPIPE= (systemd's default): an ignored signal stays ignored across execve. */
    if (p.ignore_sigpipe && signal(SIGPIPE, SIG_IGN) == SIG_ERR) fail("signals", errno, EXIT_SIGNAL_MASK);

    /* posix_spawn's POSIX_SPAWN_SETSID may already have made us a session leader. */
    if (p.setsid && getsid(0) != getpid() && setsid() < 0) fail("setsid", errno, EXIT_SETSID);

    if (p.cgroup) join_cgroup(p.cgroup);

    if (p.has_oom) {
        char buf[32];
        snprintf(buf, sizeof buf, "%ld\n", p.oom);
        if (write_file("/proc/self/oom_score_adj", buf) < 0) fail("oom-score-adjust", errno, EXIT_OOM_ADJUST);
    }

    if (p.has_nice && setpriority(PRIO_PROCESS, 0, (int)p.nice) < 0) fail("nice", errno, EXIT_NICE);

    /* Before dropping privileges: raising a hard limit needs CAP_SYS_RESOURCE. */
    for (int i = 0; i < p.n_rlimits; i++)
        if (setrlimit_closest(p.rlimits[i].resource, &p.rlimits[i].value) < 0) fail("rlimit", errno, EXIT_LIMITS);

    if (p.has_umask) umask(p.umask);

    if (p.network_storage >= 0) {
        if (sandbox_shared_network(p.network_storage) < 0) {
            say("Failed to set up network namespacing", NULL);
            fail("network", errno, EXIT_NETWORK);
        }
    } else if (p.private_network && sandbox_private_network() < 0) {
        say("Failed to set up network namespacing", NULL);
        fail("network", errno, EXIT_NETWORK);
    }

    if (p.n_mounts > 0) {
        const char *where = NULL;
        if (sandbox_mounts(p.mounts, p.n_mounts, &where) < 0) {
            say("Failed to set up mount namespacing", where);
            fail("namespace", errno, EXIT_NAMESPACE);
        }
    }

    if (p.chroot) {
        if (chroot(p.chroot) < 0) fail("chroot", errno, EXIT_CHROOT);
        /* Without this the process could still walk out of the new root through its old cwd. */
        if (!p.chdir && chdir("/") < 0) fail("chroot", errno, EXIT_CHROOT);
    }

    /*
     * systemd's order: ambient capabilities (which need them in the inheritable set), the bounding set (which
     * needs CAP_SETPCAP, so before the user change), then keep-caps so a non-root user keeps the permitted
     * set through setresuid(), which clears the ambient set: it is raised again after.
     */
    int to_non_root = p.has_uid && p.uid != 0;
    if (p.ambient && sandbox_ambient_before_user(p.ambient) < 0) {
        say("Failed to apply ambient capabilities (before UID change)", NULL);
        fail("capabilities", errno, EXIT_CAPABILITIES);
    }
    if (p.has_bounding && sandbox_drop_bounding_set(p.bounding) < 0) {
        say("Failed to drop capabilities", NULL);
        fail("capabilities", errno, EXIT_CAPABILITIES);
    }
    if (p.ambient && to_non_root && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) fail("user", errno, EXIT_USER);

    /* Groups first, then gid, then uid: after setuid() the process may no longer change its groups. */
    if (p.has_uid || p.has_gid || p.has_groups) {
        if (setgroups((size_t)p.n_groups, p.n_groups ? p.groups : NULL) < 0) fail("group", errno, EXIT_GROUP);
    }
    if (p.has_gid && setresgid(p.gid, p.gid, p.gid) < 0) fail("group", errno, EXIT_GROUP);
    if (p.has_uid && setresuid(p.uid, p.uid, p.uid) < 0) fail("user", errno, EXIT_USER);
    if (p.ambient && to_non_root && sandbox_ambient_after_user(p.ambient) < 0) {
        say("Failed to apply ambient capabilities (after UID change)", NULL);
        fail("capabilities", errno, EXIT_CAPABILITIES);
    }

    if (p.chdir && chdir(p.chdir) < 0) {
        if (!(p.chdir_optional && errno == ENOENT)) fail("chdir", errno, EXIT_CHDIR);
        if (p.chroot && chdir("/") < 0) fail("chroot", errno, EXIT_CHROOT);
    }

    if (p.no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) fail("no-new-privileges", errno, EXIT_NO_NEW_PRIVILEGES);

    if (p.has_listen) set_listen_env(&p);
    if (p.watchdog_pid) {
        char buf[32];
        snprintf(buf, sizeof buf, "%d", (int)getpid());
        if (setenv("WATCHDOG_PID", buf, 1) < 0) fail("environment", errno, EXIT_MEMORY);
    }

    report("EXEC\n");
    execve(p.command[0], &p.command[1], environ);
    fail("exec", errno, EXIT_EXEC);
}
