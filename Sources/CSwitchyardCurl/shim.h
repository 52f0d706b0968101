// libcurl for Swift: the headers plus typed wrappers for curl's variadic setopt/getinfo calls,
// which Swift cannot call directly.
#ifndef CSWITCHYARD_CURL_SHIM_H
#define CSWITCHYARD_CURL_SHIM_H

#include <curl/curl.h>

/// The signature of CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*sy_curl_data_callback)(char *data, size_t size, size_t count, void *context);

/// The signature of CURLOPT_XFERINFOFUNCTION.
typedef int (*sy_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                         curl_off_t ultotal, curl_off_t ulnow);

/// The signature of CURLOPT_PREREQFUNCTION.
typedef int (*sy_curl_prereq_callback)(void *context, char *primary_ip, char *local_ip, int primary_port,
                                       int local_port);

static inline CURLcode sy_curl_global_init(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

static inline CURLcode sy_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode sy_curl_setopt_data_callback(CURL *handle, CURLoption option,
                                                    sy_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

static inline CURLcode sy_curl_setopt_xferinfo_callback(CURL *handle,
                                                        sy_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

static inline CURLcode sy_curl_setopt_prereq_callback(CURL *handle, sy_curl_prereq_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, callback);
}

static inline CURLcode sy_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode sy_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}

#endif
