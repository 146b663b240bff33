/**
 * libuv's thread pool runs both rsd's file system calls and the spawns of a burst (two at a time, see
 * src/native/spawn-into-cgroup.ts). Its default four threads would leave two for the file system while a
 * boot spawns, and a unit's next step (its cgroup's mkdir, its files) would queue behind the spawns. libuv
 * reads the size when the pool first starts, so this module is imported before anything else.
 */
process.env.UV_THREADPOOL_SIZE ??= '6';
