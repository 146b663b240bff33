/*
 * The sandboxing steps of rsd-exec-helper (systemd.exec(5), "SANDBOXING" and "CAPABILITIES"): network and
 * mount namespaces, the capability bounding and ambient sets. Each function returns 0, or -1 with errno set;
 * the caller reports the step and exits with systemd's code for it.
 */
#ifndef RSD_EXEC_HELPER_SANDBOX_H
#define RSD_EXEC_HELPER_SANDBOX_H

#include <stdint.h>

enum sandbox_mount_kind {
    MOUNT_READ_ONLY,    /* the subtree at path becomes read-only */
    MOUNT_READ_WRITE,   /* the subtree at path keeps the host's flags, even below a read-only parent */
    MOUNT_INACCESSIBLE, /* an empty, mode 000, read-only node of the same type covers path */
    MOUNT_TMPFS,        /* an empty read-only tmpfs (mode 0755) covers path */
    MOUNT_BIND,         /* source is bind-mounted on path (the mount point is created if missing) */
};

struct sandbox_mount {
    enum sandbox_mount_kind kind;
    const char *path;
    const char *source; /* MOUNT_BIND only */
    int ignore_missing; /* a missing path is skipped instead of failing */
    /* Filled in by sandbox_mounts(). */
    int fd;
    int skip;
    int node; /* index into the inaccessible node table */
};

/* unshare(CLONE_NEWNET) and bring the loopback device up. */
int sandbox_private_network(void);

/*
 * The same, shared by every process of a unit, as systemd shares it: `storage` and `storage + 1` are the two
 * ends of a datagram socket pair the manager keeps per unit, holding the namespace's fd. The first process
 * creates the namespace and stores it; later ones join it. Both fds are closed before returning.
 */
int sandbox_shared_network(int storage);

/*
 * unshare(CLONE_NEWNS), make every mount a slave of the host's (host mounts still appear, ours never leak),
 * then apply `m` in order: the caller sorts it by path, parents first, with duplicates and no-ops removed.
 * On failure *failed_path names the path involved.
 */
int sandbox_mounts(struct sandbox_mount *m, int n, const char **failed_path);

/* Drops every capability not in `keep` from the bounding set (PR_CAPBSET_DROP). */
int sandbox_drop_bounding_set(uint64_t keep);

/*
 * Ambient capabilities. Before a change of user: adds `set` to the inheritable set and raises it as ambient.
 * After a change to a non-root user (done with PR_SET_KEEPCAPS, so the permitted set survived): raises
 * `set` again, since setresuid() cleared the ambient set.
 */
int sandbox_ambient_before_user(uint64_t set);
int sandbox_ambient_after_user(uint64_t set);

#endif
