#define _GNU_SOURCE
#include "LBEpoll.h"
#include <curl/curl.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <time.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <string.h>
#include <unistd.h>

int lb_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int lb_epoll_watch(int epfd, int fd, int what, int known) {
    struct epoll_event ev = {0};
    ev.events = (what == CURL_POLL_IN || what == CURL_POLL_INOUT ? EPOLLIN : 0)
              | (what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? EPOLLOUT : 0);
    ev.data.fd = fd;
    int first = known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(epfd, first, fd, &ev) == 0) return 0;
    // The guess was wrong (a descriptor number curl reused, or one the kernel dropped when it was closed).
    if (errno != (known ? ENOENT : EEXIST)) return -1;
    return epoll_ctl(epfd, known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, fd, &ev);
}

void lb_epoll_forget(int epfd, int fd) {
    struct epoll_event ev = {0};
    (void)epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev);
}

static int lb_epoll_masks(struct epoll_event *evs, int n, int *fds, int *masks);

int lb_epoll_ready(int epfd, int *fds, int *masks, int max, int timeoutMs) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    int n = epoll_wait(epfd, evs, max, timeoutMs);
    if (n < 0) return errno == EINTR ? 0 : -1;
    return lb_epoll_masks(evs, n, fds, masks);
}

int lb_epoll_ready_us(int epfd, int *fds, int *masks, int max, long long timeoutMicros) {
    struct epoll_event evs[256];
    if (max > 256) max = 256;
    struct timespec ts = { timeoutMicros / 1000000, (timeoutMicros % 1000000) * 1000 };
    int n = epoll_pwait2(epfd, evs, max, timeoutMicros < 0 ? NULL : &ts, NULL);
    if (n < 0) return errno == EINTR ? 0 : -1;
    return lb_epoll_masks(evs, n, fds, masks);
}

int lb_eventfd_watched(int epfd) {
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0) return -1;
    struct epoll_event ev = {0};
    ev.events = EPOLLIN;
    ev.data.fd = efd;
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, efd, &ev) != 0) { close(efd); return -1; }
    return efd;
}

void lb_eventfd_signal(int efd) {
    uint64_t one = 1;
    (void)!write(efd, &one, sizeof one);
}

void lb_eventfd_drain(int efd) {
    uint64_t v;
    (void)!read(efd, &v, sizeof v);
}

static int lb_epoll_masks(struct epoll_event *evs, int n, int *fds, int *masks) {
    for (int i = 0; i < n; i++) {
        unsigned e = evs[i].events;
        int m = 0;
        if (e & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) m |= CURL_CSELECT_IN;
        if (e & EPOLLOUT) m |= CURL_CSELECT_OUT;
        if (e & EPOLLERR) m |= CURL_CSELECT_ERR;
        fds[i] = evs[i].data.fd;
        masks[i] = m;
    }
    return n;
}

int lb_gettid(void) { return (int)gettid(); }

void lb_set_thread_name(const char *name) {
    char cut[16];
    strncpy(cut, name, sizeof cut - 1);
    cut[sizeof cut - 1] = 0;
    (void)pthread_setname_np(pthread_self(), cut);
}

int lb_take_process_nice(void) {
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, (id_t)getpid());
    if (nice == -1 && errno != 0) return -1;
    return setpriority(PRIO_PROCESS, (id_t)gettid(), nice);
}

int lb_set_realtime(int priority) {
    struct sched_param p = { .sched_priority = priority };
    return pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
}
