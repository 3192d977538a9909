/* The kernel floor: raw sockets and one level-triggered epoll descriptor, the request written by hand, each
 * response's end found by its chunked terminator, the next request sent on the same connection. It counts reads. */
#include "common.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct conn { int fd; char tail[8]; int tailn; int sending; };

static char request[1024];
static int request_len;

static void send_request(struct conn *c) {
    /* Small enough for one write on a fresh socket buffer. */
    if (write(c->fd, request, request_len) != request_len) { perror("write"); exit(1); }
    c->tailn = 0;
}

int main(int argc, char **argv) {
    struct bench_args a = bench_parse(argc, argv);
    char body[512];
    int blen = bench_body(body, sizeof body, a.tokens, 0);
    request_len = snprintf(request, sizeof request,
        "POST /generate_stream HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
        "Content-Length: %d\r\n\r\n%s", a.host, a.port, blen, body);
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    struct conn *conns = calloc(a.streams, sizeof *conns);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET; sa.sin_port = htons(a.port);
    inet_pton(AF_INET, a.host, &sa.sin_addr);
    for (int i = 0; i < a.streams; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) { perror("connect"); return 1; }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(fd, F_SETFL, O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
        send_request(&conns[i]);
    }
    long long bytes = 0, reads = 0, requests = 0;
    int open = a.streams, stopping = 0;
    double t0 = bench_now(), end = t0 + a.seconds;
    static char buf[65536];
    struct epoll_event evs[256];
    static const char fin[] = "\r\n0\r\n\r\n";
    while (open > 0) {
        int n = epoll_wait(epfd, evs, 256, 100);
        if (!stopping && bench_now() >= end) stopping = 1;
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, buf, sizeof buf);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) { close(c->fd); open--; continue; }
            bytes += r; reads++;
            /* The last 7 bytes seen, across reads, to spot the chunked body's end. */
            if (r >= 7) { memcpy(c->tail, buf + r - 7, 7); c->tailn = 7; }
            else {
                int keep = c->tailn + r > 7 ? 7 - (int)r : c->tailn;
                memmove(c->tail, c->tail + c->tailn - keep, keep);
                memcpy(c->tail + keep, buf, r); c->tailn = keep + (int)r;
            }
            if (c->tailn == 7 && memcmp(c->tail, fin, 7) == 0) {
                requests++;
                if (stopping) { close(c->fd); open--; } else send_request(c);
            }
        }
    }
    bench_report("raw-epoll", requests, bytes, reads, bench_now() - t0);
    return 0;
}
