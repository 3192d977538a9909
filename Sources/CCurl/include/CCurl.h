// Typed, prefixed, logic-free wrappers over libcurl's variadic functions.
// Swift cannot call C variadics, so each argument kind gets its own entry point.
#ifndef LB_CCURL_H
#define LB_CCURL_H

#include <curl/curl.h>
#include "LBEpoll.h"

typedef size_t (*lb_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
typedef int (*lb_curl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);
typedef int (*lb_curl_closesocket_callback)(void *clientp, curl_socket_t item);
typedef int (*lb_curl_prereq_callback)(void *clientp, char *conn_primary_ip, char *conn_local_ip,
                                       int conn_primary_port, int conn_local_port);

CURLcode lb_curl_global_init_all(void);

CURLcode lb_curl_easy_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode lb_curl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
CURLcode lb_curl_easy_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode lb_curl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode lb_curl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode lb_curl_easy_setopt_data_function(CURL *handle, CURLoption option, lb_curl_data_callback value);
CURLcode lb_curl_easy_setopt_closesocket_function(CURL *handle, lb_curl_closesocket_callback value);
CURLcode lb_curl_easy_setopt_prereq_function(CURL *handle, lb_curl_prereq_callback value);

CURLcode lb_curl_easy_getinfo_long(CURL *handle, CURLINFO info, long *value);
CURLcode lb_curl_easy_getinfo_pointer(CURL *handle, CURLINFO info, void **value);

CURLMcode lb_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
CURLMcode lb_curl_multi_setopt_pointer(CURLM *multi, CURLMoption option, void *value);
CURLMcode lb_curl_multi_setopt_socket_function(CURLM *multi, curl_socket_callback value);
CURLMcode lb_curl_multi_setopt_timer_function(CURLM *multi, curl_multi_timer_callback value);

/// CURL_SOCKET_TIMEOUT as a value Swift can see (the macro is an alias Swift does not import).
curl_socket_t lb_curl_socket_timeout(void);

#endif
