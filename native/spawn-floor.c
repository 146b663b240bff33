/*
 * spawn-floor N COMMAND [ARGS...]: the C-speed floor for boot benchmarks.
 *
 * posix_spawn()s N copies of COMMAND (PATH is not searched) and prints, on stdout, the milliseconds from
 * the first spawn until all N have been started ("started" = posix_spawn returned, which with glibc means
 * the child has already called execve). Then it SIGKILLs and reaps all of them, so nothing is left.
 * Exit status 0, or 1 with a message on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: spawn-floor N COMMAND [ARGS...]\n");
        return 1;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end != '\0' || n < 1 || n > 1000000) {
        fprintf(stderr, "spawn-floor: bad count '%s'\n", argv[1]);
        return 1;
    }
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    if (!pids) {
        perror("spawn-floor");
        return 1;
    }
    long started = 0;
    int err = 0;
    double t0 = now_ms();
    for (; started < n; started++) {
        err = posix_spawn(&pids[started], argv[2], NULL, NULL, &argv[2], environ);
        if (err != 0) break;
    }
    double elapsed = now_ms() - t0;
    for (long i = 0; i < started; i++) kill(pids[i], SIGKILL);
    for (long i = 0; i < started; i++)
        while (waitpid(pids[i], NULL, 0) < 0 && errno == EINTR) {
        }
    free(pids);
    if (err != 0) {
        fprintf(stderr, "spawn-floor: posix_spawn %s: %s (after %ld)\n", argv[2], strerror(err), started);
        return 1;
    }
    printf("%.3f\n", elapsed);
    return 0;
}
