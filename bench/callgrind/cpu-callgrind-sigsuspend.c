/* valgrind 3.19 writes into the mask passed to rt_sigsuspend; libdispatch's dispatch_main passes a const
   (read-only) one, so valgrind crashes. This preload hands the kernel a writable copy instead. */
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}

/* valgrind 3.19 has no epoll_pwait2 (syscall 441: ENOSYS, and the transport loop would spin): served here by
   epoll_pwait with the timeout rounded up to whole milliseconds (the client's timing under valgrind is slow anyway). */
#include <sys/epoll.h>
#include <time.h>
int epoll_pwait2(int epfd, struct epoll_event *evs, int max, const struct timespec *t, const sigset_t *sigmask) {
    int ms = -1;
    if (t) ms = (int)(t->tv_sec * 1000 + (t->tv_nsec + 999999) / 1000000);
    return epoll_pwait(epfd, evs, max, ms, sigmask);
}
