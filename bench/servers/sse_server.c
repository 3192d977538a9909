/* A purpose-built LoRAX-style streaming server for the by-hand benchmarks (bench/burst-accuracy.sh,
 * bench/shards.sh), where `lorabench sim` would be late by itself on a 2-core VM.
 *
 * It speaks just enough of LoRAX's native protocol for lorabench's `lorax` dialect: POST /generate_stream
 * (HTTP/1.1 keep-alive, Content-Length bodies, `max_new_tokens` found by a plain scan of the body) answered
 * 200 text/event-stream, chunked; GET /health -> 200; GET /metrics -> `lorax_sim_tokens_written_total`
 * (the counter bench/measure.py reads). Every STEP ms, one pass writes ONE token event to EVERY stream in
 * flight, as a batching server's step does, and stamps each write with CLOCK_MONOTONIC (the clock lorabench
 * uses), so the request log says exactly when each stream's first and last token left. One thread, one epoll
 * descriptor, no dependencies; binds 127.0.0.1 only; connections, request sizes, token counts, pending output
 * and the log are all bounded.
 *
 *   sse_server --port P [--step-ms 20] [--log FILE] [--max-conns 12000]
 * At SIGTERM/SIGINT it writes FILE (JSON lines: id, read_us, first_us, last_us, tokens) and a summary line to
 * stderr (requests, tokens, steps, late steps, longest pass and p50/p99 of passes, tokens deferred because a reader left 64 KiB
 * unread), then exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum {
    IN_CAP = 65536,        /* request head + body, at most */
    OUT_CAP = 65536,       /* bytes a slow reader may leave unwritten; past that its tokens wait */
    ID_CAP = 128,          /* x-request-id kept, at most (longer ones are cut) */
    MAX_TOKENS = 100000,   /* max_new_tokens accepted, at most */
    LOG_CAP = 4000000,     /* request records kept, at most (more are counted, not kept) */
    PASS_CAP = 1000000,    /* pass durations kept for the summary's percentiles, at most */
};

/* One request's times, for the log. */
typedef struct {
    char id[ID_CAP];
    uint64_t read_us, first_us, last_us;
    uint32_t tokens;
} Record;

/* One client connection: its input, its pending output, and the stream in flight on it (if any). */
typedef struct Conn {
    int fd;
    char *in; size_t in_len;
    char *out; size_t out_len, out_off;
    int streaming;          /* a /generate_stream response is open */
    int active_ix;          /* index in the active array while streaming */
    uint32_t sent, total;   /* tokens written, tokens asked for */
    uint32_t prompt_words;
    int64_t rec;            /* index in the log, or -1 */
    int first_pending;      /* the first token is in `out`, not yet fully written */
    int last_pending;
    int close_after;        /* close once the output is written */
} Conn;

static int ep;
static Conn **active; static int n_active;
static Record *records; static size_t n_records, dropped_records;
static uint64_t tokens_written, requests_done, steps, late_steps, longest_pass_us, deferred;
static int n_conns, max_conns = 12000;
static uint32_t pass_us[PASS_CAP]; static size_t n_passes;  /* passes that wrote something */

static uint64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static void die(const char *what) { perror(what); exit(1); }

static void close_conn(Conn *c) {
    if (c->streaming) {
        Conn *last = active[--n_active];
        active[c->active_ix] = last;
        last->active_ix = c->active_ix;
    }
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->in); free(c->out); free(c);
    n_conns--;
}

/* Appends to the pending output; 0 when it would pass OUT_CAP (the reader is too slow: drop it). */
static int out_append(Conn *c, const char *p, size_t n) {
    if (c->out_off > 0 && c->out_off == c->out_len) c->out_off = c->out_len = 0;
    if (c->out_len + n > OUT_CAP) {
        if (c->out_off == 0) return 0;
        memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
        c->out_len -= c->out_off; c->out_off = 0;
        if (c->out_len + n > OUT_CAP) return 0;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 1;
}

/* Writes what is pending; stamps the first/last token when their bytes are all out. -1: connection gone. */
static int flush(Conn *c) {
    while (c->out_off < c->out_len) {
        ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = c };
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                return 0;
            }
            return -1;
        }
        c->out_off += (size_t)w;
    }
    uint64_t t = now_us();
    if (c->rec >= 0) {
        if (c->first_pending) records[c->rec].first_us = t;
        if (c->last_pending) records[c->rec].last_us = t;
    }
    c->first_pending = c->last_pending = 0;
    c->out_off = c->out_len = 0;
    return c->close_after == 1 ? -1 : 1;  /* 2: close once the stream in flight has ended */
}

static void respond_plain(Conn *c, const char *status, const char *body) {
    char buf[512];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                     status, strlen(body), body);
    if (!out_append(c, buf, (size_t)n)) c->close_after = 1;
}

/* Case-insensitive: does the header line at p (length n) have this name? Then *value is its trimmed value. */
static int header_is(const char *p, size_t n, const char *name, const char **value, size_t *vlen) {
    size_t k = strlen(name);
    if (n <= k || p[k] != ':' || strncasecmp(p, name, k) != 0) return 0;
    const char *v = p + k + 1, *e = p + n;
    while (v < e && (*v == ' ' || *v == '\t')) v++;
    while (e > v && (e[-1] == ' ' || e[-1] == '\t')) e--;
    *value = v; *vlen = (size_t)(e - v);
    return 1;
}

/* The value of "max_new_tokens" in a JSON body by a plain scan; -1 when absent or not a positive integer. */
static long scan_max_new_tokens(const char *b, size_t n) {
    static const char key[] = "\"max_new_tokens\"";
    const char *p = memmem(b, n, key, sizeof key - 1), *e = b + n;
    if (!p) return -1;
    p += sizeof key - 1;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    if (p >= e || *p != ':') return -1;
    p++;
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) p++;
    long v = 0; int digits = 0;
    while (p < e && *p >= '0' && *p <= '9' && digits < 9) { v = v * 10 + (*p - '0'); p++; digits++; }
    if (digits == 0 || v <= 0 || (p < e && *p >= '0' && *p <= '9')) return -1;
    return v;
}

/* Words in the JSON string "inputs" (escapes skipped): the prompt_tokens the final event reports. */
static uint32_t count_input_words(const char *b, size_t n) {
    static const char key[] = "\"inputs\"";
    const char *p = memmem(b, n, key, sizeof key - 1), *e = b + n;
    if (!p) return 0;
    p += sizeof key - 1;
    while (p < e && *p != '"') { if (*p != ' ' && *p != ':' && *p != '\t' && *p != '\r' && *p != '\n') return 0; p++; }
    uint32_t w = 0; int in = 0;
    for (p++; p < e && *p != '"'; p++) {
        if (*p == '\\') { p++; if (!in) w++; in = 1; continue; }
        int sp = *p == ' ' || *p == '\t' || *p == '\n';
        if (!sp && !in) w++;
        in = !sp;
    }
    return w;
}

/* Starts a stream: headers now, tokens at the coming steps. */
static void start_stream(Conn *c, const char *id, size_t idlen, long max_new, uint32_t prompt_words, uint64_t t_read) {
    char head[512];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                     "Transfer-Encoding: chunked\r\nx-request-id: %.*s\r\n\r\n", (int)idlen, id);
    if (!out_append(c, head, (size_t)n)) { c->close_after = 1; return; }
    c->streaming = 1; c->sent = 0; c->total = (uint32_t)max_new; c->prompt_words = prompt_words;
    c->active_ix = n_active; active[n_active++] = c;
    c->rec = -1;
    if (n_records < LOG_CAP) {
        Record *r = &records[n_records];
        c->rec = (int64_t)n_records++;
        memcpy(r->id, id, idlen); r->id[idlen] = 0;
        r->read_us = t_read; r->first_us = r->last_us = 0; r->tokens = 0;
    } else dropped_records++;
}

/* Serves every complete request in the input (one at a time: a stream in flight holds the rest back). */
static void serve_input(Conn *c) {
    while (!c->streaming && !c->close_after) {
        char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!end) {
            if (c->in_len >= IN_CAP) { respond_plain(c, "431 Request Header Fields Too Large", "request head too large\n"); c->close_after = 1; }
            return;
        }
        size_t head_len = (size_t)(end - c->in) + 4;
        char *line_end = memmem(c->in, head_len, "\r\n", 2);
        const char *sp1 = memchr(c->in, ' ', (size_t)(line_end - c->in));
        const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
        if (!sp2) { respond_plain(c, "400 Bad Request", "bad request line\n"); c->close_after = 1; return; }
        size_t mlen = (size_t)(sp1 - c->in), plen = (size_t)(sp2 - sp1 - 1);
        const char *path = sp1 + 1;
        long clen = 0; int conn_close = 0;
        char id[ID_CAP]; size_t idlen = 0;
        for (char *p = line_end + 2; p < end;) {
            char *le = memmem(p, (size_t)(end + 2 - p), "\r\n", 2);
            const char *v; size_t vl;
            if (header_is(p, (size_t)(le - p), "content-length", &v, &vl)) {
                clen = 0;
                if (vl == 0 || vl > 9) clen = -1;
                for (size_t i = 0; i < vl && clen >= 0; i++) clen = (v[i] >= '0' && v[i] <= '9') ? clen * 10 + (v[i] - '0') : -1;
            } else if (header_is(p, (size_t)(le - p), "x-request-id", &v, &vl)) {
                idlen = 0;
                for (size_t i = 0; i < vl && idlen < ID_CAP - 1; i++)  /* kept printable and JSON-safe */
                    id[idlen++] = (v[i] > 0x20 && v[i] < 0x7f && v[i] != '"' && v[i] != '\\') ? v[i] : '_';
            } else if (header_is(p, (size_t)(le - p), "connection", &v, &vl)) {
                conn_close = vl == 5 && strncasecmp(v, "close", 5) == 0;
            } else if (header_is(p, (size_t)(le - p), "transfer-encoding", &v, &vl)) {
                respond_plain(c, "501 Not Implemented", "chunked request bodies are not supported\n"); c->close_after = 1; return;
            }
            p = le + 2;
        }
        if (clen < 0) { respond_plain(c, "400 Bad Request", "bad content-length\n"); c->close_after = 1; return; }
        if (head_len + (size_t)clen > IN_CAP) { respond_plain(c, "413 Payload Too Large", "request too large\n"); c->close_after = 1; return; }
        if (c->in_len < head_len + (size_t)clen) return;  /* the body is still coming */
        uint64_t t_read = now_us();
        const char *body = c->in + head_len;
        if (conn_close) c->close_after = 1;
        if (mlen == 4 && memcmp(c->in, "POST", 4) == 0 && plen == 16 && memcmp(path, "/generate_stream", 16) == 0) {
            long max_new = scan_max_new_tokens(body, (size_t)clen);
            if (max_new < 1 || max_new > MAX_TOKENS) {
                respond_plain(c, "422 Unprocessable Entity", "parameters.max_new_tokens: a positive integer up to 100000 is required\n");
            } else {
                if (idlen == 0) { idlen = (size_t)snprintf(id, sizeof id, "sse-%llu", (unsigned long long)(requests_done + n_active)); }
                c->close_after = 0;  /* the stream ends the response; a `close` is honoured after it */
                start_stream(c, id, idlen, max_new, count_input_words(body, (size_t)clen), t_read);
                if (conn_close) c->close_after = 2;
            }
        } else if (mlen == 3 && memcmp(c->in, "GET", 3) == 0 && plen == 7 && memcmp(path, "/health", 7) == 0) {
            if (!out_append(c, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38)) c->close_after = 1;
        } else if (mlen == 3 && memcmp(c->in, "GET", 3) == 0 && plen == 8 && memcmp(path, "/metrics", 8) == 0) {
            char b[160];
            int bl = snprintf(b, sizeof b, "lorax_sim_tokens_written_total %llu\nlorax_request_success %llu\n",
                              (unsigned long long)tokens_written, (unsigned long long)requests_done);
            char h[512];
            int hl = snprintf(h, sizeof h, "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: %d\r\n\r\n%s", bl, b);
            if (!out_append(c, h, (size_t)hl)) c->close_after = 1;
        } else {
            respond_plain(c, "404 Not Found", "only POST /generate_stream, GET /health and GET /metrics\n");
        }
        size_t used = head_len + (size_t)clen;
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
}

static void on_readable(Conn *c) {
    for (;;) {
        if (c->in_len >= IN_CAP) {
            if (c->streaming) { close_conn(c); return; }  /* 64 KiB sent ahead of a stream in flight: not a client of ours */
            break;
        }
        ssize_t r = read(c->fd, c->in + c->in_len, IN_CAP - c->in_len);
        if (r > 0) { c->in_len += (size_t)r; continue; }
        if (r == 0) { close_conn(c); return; }
        if (errno == EINTR) continue;
        if (errno == EAGAIN) break;
        close_conn(c); return;
    }
    serve_input(c);
    if (flush(c) < 0) close_conn(c);
}

/* One token event (and, after the last one, LoRAX's final event fields and the terminating chunk). */
static int append_token(Conn *c) {
    char ev[640], chunk[700];
    uint32_t i = c->sent;
    int last = i + 1 == c->total;
    int n;
    if (!last)
        n = snprintf(ev, sizeof ev, "data: {\"token\":{\"id\":%u,\"text\":\" tok%u\",\"logprob\":-0.25,\"special\":false,"
                     "\"skipped\":false},\"generated_text\":null,\"details\":null}\n\n", 1000 + i % 30000, i);
    else
        n = snprintf(ev, sizeof ev, "data: {\"token\":{\"id\":%u,\"text\":\" tok%u\",\"logprob\":-0.25,\"special\":false,"
                     "\"skipped\":false},\"generated_text\":\" tok0 ... tok%u\",\"details\":{\"finish_reason\":\"length\","
                     "\"prompt_tokens\":%u,\"generated_tokens\":%u,\"seed\":null}}\n\n",
                     1000 + i % 30000, i, i, c->prompt_words, c->total);
    int m = snprintf(chunk, sizeof chunk, "%x\r\n%.*s\r\n%s", n, n, ev, last ? "0\r\n\r\n" : "");
    if (!out_append(c, chunk, (size_t)m)) return 0;
    if (i == 0) c->first_pending = 1;
    c->sent++;
    tokens_written++;
    if (c->rec >= 0) records[c->rec].tokens = c->sent;
    if (last) {
        c->last_pending = 1;
        c->streaming = 0;
        Conn *tail = active[--n_active];
        active[c->active_ix] = tail;
        tail->active_ix = c->active_ix;
        requests_done++;
        if (c->close_after == 2) c->close_after = 1;
    }
    return 1;
}

/* The batching server's step: one token to every stream in flight, in one pass. */
static void step(void) {
    uint64_t t0 = now_us(), before = tokens_written;
    int ix = 0;
    while (ix < n_active) {
        Conn *c = active[ix];
        if (!append_token(c)) { deferred++; ix++; continue; }  /* 64 KiB unread already: this token waits a step */
        int done = !c->streaming;                           /* it left the active array (its slot was refilled) */
        int f = flush(c);
        if (f < 0) { close_conn(c); continue; }
        if (done) {
            serve_input(c);                                 /* a request already waiting on this connection */
            if (flush(c) < 0) close_conn(c);
            continue;                                       /* slot ix now holds another stream */
        }
        ix++;
    }
    uint64_t d = now_us() - t0;
    if (d > longest_pass_us) longest_pass_us = d;
    if (tokens_written > before && n_passes < PASS_CAP) pass_us[n_passes++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
    steps++;
}

static int by_value(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* p50 and p99 of the passes' durations (µs), 0 when there were none. */
static void pass_percentiles(uint32_t *p50, uint32_t *p99) {
    *p50 = *p99 = 0;
    if (n_passes == 0) return;
    qsort(pass_us, n_passes, sizeof *pass_us, by_value);
    *p50 = pass_us[(n_passes - 1) / 2];
    *p99 = pass_us[(n_passes - 1) * 99 / 100];
}

static void write_log(const char *path) {
    if (!path) return;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f) { perror(tmp); return; }
    for (size_t i = 0; i < n_records; i++) {
        Record *r = &records[i];
        fprintf(f, "{\"id\":\"%s\",\"read_us\":%llu,\"first_us\":%llu,\"last_us\":%llu,\"tokens\":%u}\n", r->id,
                (unsigned long long)r->read_us, (unsigned long long)r->first_us, (unsigned long long)r->last_us, r->tokens);
    }
    if (fclose(f) != 0 || rename(tmp, path) != 0) perror(path);
}

static void usage(void) {
    fprintf(stderr, "usage: sse_server --port P [--step-ms MS (0.05..10000, default 20)] [--log FILE] [--max-conns N (1..100000)]\n");
    exit(2);
}

int main(int argc, char **argv) {
    long port = -1; double step_ms = 20; const char *log_path = NULL;
    for (int i = 1; i < argc; i++) {
        char *e = NULL;
        if (i + 1 >= argc) usage();
        if (!strcmp(argv[i], "--port")) { port = strtol(argv[++i], &e, 10); if (*e || port < 1 || port > 65535) usage(); }
        else if (!strcmp(argv[i], "--step-ms")) { step_ms = strtod(argv[++i], &e); if (*e || !(step_ms >= 0.05 && step_ms <= 10000)) usage(); }
        else if (!strcmp(argv[i], "--log")) log_path = argv[++i];
        else if (!strcmp(argv[i], "--max-conns")) { long v = strtol(argv[++i], &e, 10); if (*e || v < 1 || v > 100000) usage(); max_conns = (int)v; }
        else usage();
    }
    if (port < 0) usage();

    struct rlimit rl;  /* room for max_conns sockets */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max_conns + 64) {
        rl.rlim_cur = rl.rlim_max < (rlim_t)max_conns + 64 ? rl.rlim_max : (rlim_t)max_conns + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    active = calloc((size_t)max_conns, sizeof *active);
    records = malloc((size_t)LOG_CAP * sizeof *records);
    if (!active || !records) die("malloc");

    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (ls < 0) die("socket");
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0) die("bind 127.0.0.1");
    if (listen(ls, 4096) < 0) die("listen");

    sigset_t ss;
    sigemptyset(&ss); sigaddset(&ss, SIGTERM); sigaddset(&ss, SIGINT);
    sigprocmask(SIG_BLOCK, &ss, NULL);
    signal(SIGPIPE, SIG_IGN);
    int sfd = signalfd(-1, &ss, SFD_NONBLOCK);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    if (sfd < 0 || tfd < 0) die("signalfd/timerfd");
    long step_ns = (long)(step_ms * 1e6);
    struct itimerspec its = { .it_interval = { step_ns / 1000000000L, step_ns % 1000000000L },
                              .it_value = { step_ns / 1000000000L, step_ns % 1000000000L } };
    if (timerfd_settime(tfd, 0, &its, NULL) < 0) die("timerfd_settime");

    if ((ep = epoll_create1(0)) < 0) die("epoll_create1");
    static int tag_listen, tag_timer, tag_signal;  /* distinct addresses tell them from connections */
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &tag_listen };
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    ev.data.ptr = &tag_timer; epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    ev.data.ptr = &tag_signal; epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
    fprintf(stderr, "sse_server: 127.0.0.1:%ld, a token to every stream every %g ms\n", port, step_ms);

    struct epoll_event evs[256];
    for (;;) {
        int n = epoll_wait(ep, evs, 256, -1);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        int do_step = 0;
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &tag_signal) {
                write_log(log_path);
                uint32_t p50, p99;
                pass_percentiles(&p50, &p99);
                fprintf(stderr, "sse_server: requests %llu, tokens %llu, steps %llu, late steps %llu, longest pass %llu us (p50 %u, p99 %u), "
                        "tokens deferred %llu, log records %zu (not kept: %zu)\n", (unsigned long long)requests_done, (unsigned long long)tokens_written,
                        (unsigned long long)steps, (unsigned long long)late_steps, (unsigned long long)longest_pass_us, p50, p99,
                        (unsigned long long)deferred, n_records, dropped_records);
                return 0;
            } else if (p == &tag_timer) {
                uint64_t exp = 0;
                if (read(tfd, &exp, sizeof exp) == sizeof exp && exp > 1) late_steps += exp - 1;  /* ticks a pass missed */
                do_step = 1;
            } else if (p == &tag_listen) {
                for (;;) {
                    int fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (fd < 0) break;
                    if (n_conns >= max_conns) { close(fd); continue; }
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    Conn *c = calloc(1, sizeof *c);
                    if (c) { c->in = malloc(IN_CAP); c->out = malloc(OUT_CAP); }
                    if (!c || !c->in || !c->out) { if (c) { free(c->in); free(c->out); free(c); } close(fd); continue; }
                    c->fd = fd; c->rec = -1;
                    struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev) < 0) { free(c->in); free(c->out); free(c); close(fd); continue; }
                    n_conns++;
                }
            } else {
                Conn *c = p;
                uint32_t e = evs[i].events;
                if (e & EPOLLOUT) {
                    int f = flush(c);
                    if (f < 0) { close_conn(c); continue; }
                    if (f > 0) {
                        struct epoll_event cev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
                        epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &cev);
                    }
                }
                if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) on_readable(c);
            }
        }
        if (do_step) step();
    }
}
