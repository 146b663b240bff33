/*
 * Sandboxing for rsd-exec-helper: see exec-helper-sandbox.h. Written against the raw system calls (no
 * libcap, no new-mount-API wrappers) so the same file builds with glibc and musl.
 */
#define _GNU_SOURCE
#include "exec-helper-sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The new mount API (Linux 5.2; mount_setattr 5.12): the numbers are the same on every architecture. */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif

struct rsd_mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};

static int open_tree_clone(const char *path, int recursive) {
    return (int)syscall(SYS_open_tree, AT_FDCWD, path,
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
}

static int attach(int fd, const char *path) {
    return (int)syscall(SYS_move_mount, fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH);
}

/* Sets `attrs` on the mount at `path` (and every mount below it when `recursive`), keeping its other flags. */
static int set_mount_attrs(const char *path, uint64_t attrs, int recursive) {
    struct rsd_mount_attr a = {.attr_set = attrs};
    if (syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &a, sizeof a) == 0) return 0;
    if (errno != ENOSYS) return -1;
    /* Before Linux 5.12: a bind remount of the top mount only, repeating the flags it already has. */
    struct statvfs sv;
    if (statvfs(path, &sv) < 0) return -1;
    unsigned long flags = MS_REMOUNT | MS_BIND;
    if ((attrs & MOUNT_ATTR_RDONLY) || (sv.f_flag & ST_RDONLY)) flags |= MS_RDONLY;
    if ((attrs & MOUNT_ATTR_NOSUID) || (sv.f_flag & ST_NOSUID)) flags |= MS_NOSUID;
    if ((attrs & MOUNT_ATTR_NODEV) || (sv.f_flag & ST_NODEV)) flags |= MS_NODEV;
    if ((attrs & MOUNT_ATTR_NOEXEC) || (sv.f_flag & ST_NOEXEC)) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return mount(NULL, path, NULL, flags, NULL);
}

int sandbox_private_network(void) {
    if (unshare(CLONE_NEWNET) < 0) return -1;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    int r = ioctl(s, SIOCGIFFLAGS, &ifr);
    if (r == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        r = ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    int saved = errno;
    close(s);
    errno = saved;
    return r;
}

static int receive_fd(int sock) {
    char cbuf[CMSG_SPACE(sizeof(int))];
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) < 0) return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
        errno = EBADMSG;
        return -1;
    }
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

static int send_fd(int sock, int fd) {
    char cbuf[CMSG_SPACE(sizeof(int))];
    memset(cbuf, 0, sizeof cbuf);
    char byte = 'x';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    return sendmsg(sock, &msg, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -1 : 0;
}

int sandbox_shared_network(int storage) {
    int r = -1, ns = -1;
    /* A lock on the pair: two processes of the unit starting at once must not make two namespaces. */
    struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    if (fcntl(storage, F_SETLKW, &lock) < 0) goto out;
    ns = receive_fd(storage);
    if (ns >= 0) {
        if (setns(ns, CLONE_NEWNET) < 0) goto out;
    } else {
        if (errno != EAGAIN && errno != EWOULDBLOCK) goto out;
        if (sandbox_private_network() < 0) goto out;
        ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ns < 0) goto out;
    }
    /* Put it back (or store it the first time) for the unit's next process. */
    if (send_fd(storage + 1, ns) < 0) goto out;
    r = 0;
out:;
    int saved = errno;
    if (ns >= 0) close(ns);
    close(storage); /* also releases the lock */
    close(storage + 1);
    errno = saved;
    return r;
}

/* systemd's /run/systemd/inaccessible/: one empty, mode 000 node per file type. */
static const struct {
    const char *name;
    mode_t type;
} nodes[] = {
    {"dir", S_IFDIR}, {"reg", S_IFREG}, {"fifo", S_IFIFO}, {"sock", S_IFSOCK}, {"chr", S_IFCHR}, {"blk", S_IFBLK},
};
#define N_NODES (sizeof nodes / sizeof nodes[0])

static int node_of(mode_t mode) {
    for (size_t i = 0; i < N_NODES; i++)
        if ((mode & S_IFMT) == nodes[i].type) return (int)i;
    return 1;
}

static int make_node(const char *dir, int i) {
    char path[64];
    snprintf(path, sizeof path, "%s/%s", dir, nodes[i].name);
    if (nodes[i].type == S_IFDIR) return mkdir(path, 0);
    return mknod(path, nodes[i].type, makedev(0, 0));
}

/*
 * The inaccessible nodes live on a tmpfs mounted for a moment over a directory of the new namespace, and each
 * inaccessible path gets its own clone of one node; the tmpfs is detached again before any other path of the
 * plan is looked at, so it can sit over a directory the plan names.
 */
static int clone_inaccessible_nodes(struct sandbox_mount *m, int n, const char **failed_path) {
    static const char *const stages[] = {"/run", "/tmp", "/mnt", "/dev", "/var"};
    const char *stage = NULL;
    for (size_t i = 0; i < sizeof stages / sizeof stages[0] && !stage; i++)
        if (mount("tmpfs", stages[i], "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755") == 0)
            stage = stages[i];
    if (!stage) {
        *failed_path = "tmpfs";
        return -1;
    }
    int made[N_NODES] = {0};
    int r = 0;
    for (int i = 0; i < n && r == 0; i++) {
        if (m[i].kind != MOUNT_INACCESSIBLE || m[i].skip) continue;
        char path[64];
        if (!made[m[i].node]) {
            if (make_node(stage, m[i].node) < 0) {
                *failed_path = m[i].path;
                r = -1;
                break;
            }
            made[m[i].node] = 1;
        }
        snprintf(path, sizeof path, "%s/%s", stage, nodes[m[i].node].name);
        m[i].fd = open_tree_clone(path, 0);
        if (m[i].fd < 0) {
            *failed_path = m[i].path;
            r = -1;
        }
    }
    int saved = errno;
    umount2(stage, MNT_DETACH);
    errno = saved;
    return r;
}

static int missing(const struct sandbox_mount *e) {
    return errno == ENOENT && e->ignore_missing;
}

static int apply(struct sandbox_mount *e) {
    switch (e->kind) {
    case MOUNT_READ_ONLY:
        /* A bind of the path onto itself makes it a mount of its own, so only this subtree turns read-only. */
        if (strcmp(e->path, "/") != 0 && mount(e->path, e->path, NULL, MS_BIND | MS_REC, NULL) < 0)
            return missing(e) ? 0 : -1;
        return set_mount_attrs(e->path, MOUNT_ATTR_RDONLY, 1);
    case MOUNT_TMPFS:
        if (mount("tmpfs", e->path, "tmpfs", MS_NODEV | MS_STRICTATIME, "mode=0755") < 0)
            return missing(e) ? 0 : -1;
        return set_mount_attrs(e->path, MOUNT_ATTR_RDONLY, 0);
    case MOUNT_BIND:
        if (attach(e->fd, e->path) < 0) {
            if (errno != ENOENT) return -1;
            if (mkdir(e->path, 0755) < 0 && errno != EEXIST) return -1;
            if (attach(e->fd, e->path) < 0) return -1;
        }
        return 0;
    case MOUNT_READ_WRITE:
        return attach(e->fd, e->path);
    case MOUNT_INACCESSIBLE:
        if (attach(e->fd, e->path) < 0) return -1;
        return set_mount_attrs(e->path, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                               0);
    }
    errno = EINVAL;
    return -1;
}

int sandbox_mounts(struct sandbox_mount *m, int n, const char **failed_path) {
    *failed_path = "/";
    if (unshare(CLONE_NEWNS) < 0) return -1;
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) return -1;

    /* What each inaccessible path is decides the node that covers it. */
    int any_inaccessible = 0;
    for (int i = 0; i < n; i++) {
        m[i].fd = -1;
        m[i].skip = 0;
        if (m[i].kind != MOUNT_INACCESSIBLE) continue;
        struct stat st;
        if (stat(m[i].path, &st) < 0) {
            if (!missing(&m[i])) {
                *failed_path = m[i].path;
                return -1;
            }
            m[i].skip = 1;
            continue;
        }
        m[i].node = node_of(st.st_mode);
        any_inaccessible = 1;
    }
    if (any_inaccessible && clone_inaccessible_nodes(m, n, failed_path) < 0) return -1;

    /*
     * Writable paths and bind sources are cloned before anything turns read-only, so each keeps the host's
     * flags when it is put back over a read-only parent.
     */
    for (int i = 0; i < n; i++) {
        if (m[i].kind != MOUNT_READ_WRITE && m[i].kind != MOUNT_BIND) continue;
        const char *from = m[i].kind == MOUNT_BIND ? m[i].source : m[i].path;
        m[i].fd = open_tree_clone(from, 1);
        if (m[i].fd >= 0) continue;
        if (!missing(&m[i])) {
            *failed_path = from;
            return -1;
        }
        m[i].skip = 1;
    }

    for (int i = 0; i < n; i++) {
        if (m[i].skip) continue;
        if (apply(&m[i]) < 0) {
            *failed_path = m[i].path;
            return -1;
        }
        if (m[i].fd >= 0) close(m[i].fd);
        m[i].fd = -1;
    }
    return 0;
}

int sandbox_drop_bounding_set(uint64_t keep) {
    for (int cap = 0; cap < 64; cap++) {
        int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (in < 0) {
            if (errno == EINVAL) return 0; /* past the kernel's last capability */
            return -1;
        }
        if (in && !(keep & ((uint64_t)1 << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) return -1;
    }
    return 0;
}

/* The capabilities this kernel knows: "~" in AmbientCapabilities= means all of them, not all 64 bits. */
static uint64_t known_capabilities(void) {
    uint64_t known = 0;
    for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) known |= (uint64_t)1 << cap;
    return known;
}

static int raise_ambient(uint64_t set) {
    set &= known_capabilities();
    for (int cap = 0; cap < 64; cap++) {
        if (!(set & ((uint64_t)1 << cap))) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0) return -1;
    }
    return 0;
}

int sandbox_ambient_before_user(uint64_t set) {
    struct __user_cap_header_struct header = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    set &= known_capabilities();
    if (syscall(SYS_capget, &header, data) < 0) return -1;
    data[0].inheritable |= (uint32_t)set;
    data[1].inheritable |= (uint32_t)(set >> 32);
    if (syscall(SYS_capset, &header, data) < 0) return -1;
    return raise_ambient(set);
}

int sandbox_ambient_after_user(uint64_t set) {
    return raise_ambient(set);
}
