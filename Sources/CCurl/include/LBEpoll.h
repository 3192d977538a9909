// epoll for the transport's event loop, flattened to plain arrays: `struct epoll_event` is packed on x86-64,
// which Swift does not import faithfully, and the mapping to curl's masks belongs next to the C call.
#ifndef LB_EPOLL_H
#define LB_EPOLL_H

/// A level-triggered, close-on-exec epoll descriptor, or -1 (errno set).
int lb_epoll_create(void);

/// Watches `fd` for curl's `what` (CURL_POLL_IN / OUT / INOUT): adds it, or changes it when `known` (already
/// watched); a wrong guess is corrected with the other operation. Returns 0, or -1 (errno set).
int lb_epoll_watch(int epfd, int fd, int what, int known);

/// Stops watching `fd`; a descriptor that is not watched (or already closed) is not an error.
void lb_epoll_forget(int epfd, int fd);

/// One epoll_wait: up to `max` ready descriptors into `fds`, with curl's CURL_CSELECT_* mask for each in `masks`.
/// Returns the count (0 on timeout or EINTR), or -1 (errno set).
int lb_epoll_ready(int epfd, int *fds, int *masks, int max, int timeoutMs);

/// The same with a timeout in microseconds (epoll_pwait2); negative waits until something is ready.
int lb_epoll_ready_us(int epfd, int *fds, int *masks, int max, long long timeoutMicros);

/// A non-blocking, close-on-exec eventfd watched for reading in `epfd` (the loop's wake-up), or -1.
int lb_eventfd_watched(int epfd);

/// Makes `efd` readable (wakes the loop).
void lb_eventfd_signal(int efd);

/// Reads `efd` back to zero.
void lb_eventfd_drain(int efd);

/// The calling thread's kernel id (names its /proc/self/task/TID files).
int lb_gettid(void);

/// Gives the calling thread the process's nice value (the main thread's): threads started from libdispatch's
/// workers inherit theirs instead, so `nice -n -10 lorabench` would not reach them. Returns 0 or -1 (errno set).
int lb_take_process_nice(void);

/// Puts the calling thread under SCHED_FIFO at `priority` (1-99). Returns 0, or the error number (EPERM without
/// root or CAP_SYS_NICE).
int lb_set_realtime(int priority);

/// Names the calling thread for the kernel (ps -L, top -H, perf); longer names are cut to 15 bytes.
void lb_set_thread_name(const char *name);

#endif
