/* The libcurl floor: the same libcurl multi interface lorabench uses (curl_multi_socket_action on one epoll
 * descriptor, level-triggered, one timer), HTTP/1.1 keep-alive, a write callback that only counts bytes. */
#include "common.h"
#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

static int epfd;
/* curl's timer as an absolute deadline (seconds, CLOCK_MONOTONIC); negative when none is set. */
static double deadline = -1;
static long long bytes, requests, reads;
static char url[512], body[512];
static struct curl_slist *headers;
static CURLM *multi;
static int stopping;

static size_t on_write(char *p, size_t s, size_t n, void *u) { (void)p; (void)u; bytes += s * n; reads++; return s * n; }

static int on_socket(CURL *e, curl_socket_t fd, int what, void *u, void *sp) {
    (void)e; (void)u; (void)sp;
    struct epoll_event ev = {0};
    ev.data.fd = fd;
    if (what == CURL_POLL_REMOVE) { epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &ev); return 0; }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev) != 0) epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int on_timer(CURLM *m, long ms, void *u) { (void)m; (void)u; deadline = ms < 0 ? -1 : bench_now() + ms / 1000.0; return 0; }

static void start(CURL *e) {
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
    curl_multi_add_handle(multi, e);
}

int main(int argc, char **argv) {
    struct bench_args a = bench_parse(argc, argv);
    snprintf(url, sizeof url, "http://%s:%d/generate_stream", a.host, a.port);
    bench_body(body, sizeof body, a.tokens, 0);
    curl_global_init(CURL_GLOBAL_ALL);
    headers = curl_slist_append(NULL, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: text/event-stream");
    headers = curl_slist_append(headers, "Expect:");
    epfd = epoll_create1(EPOLL_CLOEXEC);
    multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, (long)a.streams + 8);
    for (int i = 0; i < a.streams; i++) start(curl_easy_init());
    double t0 = bench_now(), end = t0 + a.seconds;
    int running = 1;
    struct epoll_event evs[256];
    while (running > 0 || !stopping) {
        double now = bench_now();
        int wait_ms = deadline < 0 ? 100 : (deadline <= now ? 0 : (int)((deadline - now) * 1000) + 1);
        int n = epoll_wait(epfd, evs, 256, wait_ms);
        for (int i = 0; i < n; i++) {
            int m = (evs[i].events & (EPOLLIN | EPOLLHUP) ? CURL_CSELECT_IN : 0) | (evs[i].events & EPOLLOUT ? CURL_CSELECT_OUT : 0)
                  | (evs[i].events & EPOLLERR ? CURL_CSELECT_ERR : 0);
            curl_multi_socket_action(multi, evs[i].data.fd, m, &running);
        }
        if (deadline >= 0 && bench_now() >= deadline) {
            deadline = -1;
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        if (!stopping && bench_now() >= end) stopping = 1;
        CURLMsg *msg; int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL *e = msg->easy_handle;
            if (msg->data.result == CURLE_OK) requests++;
            curl_multi_remove_handle(multi, e);
            if (stopping) { curl_easy_cleanup(e); continue; }
            start(e);
            running++;
        }
        if (stopping && running == 0) break;
    }
    bench_report("curl-multi", requests, bytes, reads, bench_now() - t0);
    return 0;
}
