/* Shared by the two reference clients: argument parsing, the request bytes and the end-of-run report.
 * Both run a closed loop: `streams` connections, each sending the next request as soon as the last one ended,
 * for `seconds`, then print one JSON line (requests, bytes, reads, CPU seconds, peak RSS). They count only;
 * they decode nothing, which is the floor lorabench is compared against. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

struct bench_args { const char *host; int port; int streams; double seconds; int tokens; };

static struct bench_args bench_parse(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s HOST:PORT STREAMS SECONDS MAX_NEW_TOKENS\n", argv[0]);
        exit(2);
    }
    struct bench_args a;
    static char host[256];
    const char *colon = strrchr(argv[1], ':');
    if (!colon || colon - argv[1] >= (long)sizeof host) { fprintf(stderr, "bad HOST:PORT %s\n", argv[1]); exit(2); }
    memcpy(host, argv[1], colon - argv[1]); host[colon - argv[1]] = 0;
    a.host = host; a.port = atoi(colon + 1);
    a.streams = atoi(argv[2]); a.seconds = atof(argv[3]); a.tokens = atoi(argv[4]);
    if (a.port <= 0 || a.streams <= 0 || a.seconds <= 0 || a.tokens <= 0) { fprintf(stderr, "bad arguments\n"); exit(2); }
    return a;
}

/* The request body lorabench's bench scenarios send (native stream, one adapter, a short prompt). */
static int bench_body(char *buf, size_t cap, int tokens, int i) {
    return snprintf(buf, cap,
        "{\"inputs\":\"the quick brown fox jumps over the lazy dog again and again\","
        "\"parameters\":{\"adapter_id\":\"bench/adapter-%d\",\"max_new_tokens\":%d,\"details\":true}}", i % 25, tokens);
}

static double bench_now(void) {
    struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void bench_report(const char *client, long long requests, long long bytes, long long reads, double wall) {
    struct rusage u; getrusage(RUSAGE_SELF, &u);
    double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
    printf("{\"client\":\"%s\",\"requests\":%lld,\"bytes\":%lld,\"reads\":%lld,\"wall_s\":%.3f,\"cpu_s\":%.3f,\"max_rss_kib\":%ld}\n",
           client, requests, bytes, reads, wall, cpu, u.ru_maxrss);
}
#endif
