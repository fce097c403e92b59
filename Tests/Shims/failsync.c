/* An LD_PRELOAD shim for the journal's fault tests: fdatasync succeeds for the first
 * KASSA_FAIL_FDATASYNC_AFTER calls, then fails with EIO, as a dying disk would. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <stdatomic.h>

static atomic_long calls;

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
    const char *after = getenv("KASSA_FAIL_FDATASYNC_AFTER");
    long n = atomic_fetch_add(&calls, 1);
    if (after && n >= atol(after)) {
        errno = EIO;
        return -1;
    }
    return real(fd);
}
