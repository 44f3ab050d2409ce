// FoundationNetworking (swift-corelibs-foundation) registers a DispatchSource for each
// direction libcurl asks for, and removes them only when libcurl removes the socket. A new
// connection is watched for write readiness while it connects; when libcurl then asks for read
// readiness only, the write source stays, and an idle socket is always writable: the source
// fires in a loop and a thread spins until the answer comes (2.3 CPU-seconds for a 3 s answer).
//
// This file sits between FoundationNetworking and libcurl: it defines curl_multi_setopt, which
// the dynamic linker (or the static link with --static-swift-stdlib) binds FoundationNetworking's
// calls to, passes every option on to libcurl's own function, and wraps the socket callback in
// curl_socket_watch_forward. Remove it once FoundationNetworking drops watches itself.
#if defined(__linux__)

#define _GNU_SOURCE
#include "CurlSocketWatch.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdatomic.h>

// libcurl's ABI values (curl/multi.h), spelled here so that building needs no curl headers.
enum { curlPollNone = 0, curlPollIn = 1, curlPollOut = 2, curlPollRemove = 4 };
enum { curlOptionObjectPoint = 10000, curlOptionOffT = 30000, curlMultiSocketFunction = 20001 };
enum { curlMultiInternalError = 4 };

typedef int (*multi_setopt_function)(void *multi, int option, ...);

/// What libcurl last asked for on each socket, by descriptor; descriptors past the end pass through.
#define watchedSocketCount 65536
static _Atomic unsigned char watchedDirections[watchedSocketCount];

/// FoundationNetworking's socket callback: one C function for all its sessions.
static _Atomic(curl_socket_watch_callback) foundationCallback;

int curl_socket_watch_forward(
    curl_socket_watch_callback callback, void *easy, int socket, int what, void *userp, void *socketp) {
    // CURL_POLL_NONE changes nothing FoundationNetworking watches, so it changes nothing recorded here.
    if (socket < 0 || socket >= watchedSocketCount || what == curlPollNone) {
        return callback(easy, socket, what, userp, socketp);
    }
    unsigned char wanted = (what == curlPollRemove) ? 0 : (unsigned char)(what & (curlPollIn | curlPollOut));
    unsigned char before = atomic_exchange(&watchedDirections[socket], wanted);
    if (wanted == 0 || (before & ~wanted) == 0) return callback(easy, socket, what, userp, socketp);
    int removed = callback(easy, socket, curlPollRemove, userp, socketp);
    if (removed != 0) return removed;
    return callback(easy, socket, what, userp, 0);
}

static int forwardToFoundation(void *easy, int socket, int what, void *userp, void *socketp) {
    return curl_socket_watch_forward(atomic_load(&foundationCallback), easy, socket, what, userp, socketp);
}

int curl_multi_setopt(void *multi, int option, ...) {
    static _Atomic(multi_setopt_function) libcurlSetopt;
    multi_setopt_function next = atomic_load(&libcurlSetopt);
    if (next == 0) {
        next = (multi_setopt_function)dlsym(RTLD_NEXT, "curl_multi_setopt");
        if (next == 0) return curlMultiInternalError;
        atomic_store(&libcurlSetopt, next);
    }
    va_list arguments;
    va_start(arguments, option);
    int result;
    if (option >= curlOptionOffT) {
        long long value = va_arg(arguments, long long);
        result = next(multi, option, value);
    } else if (option >= curlOptionObjectPoint) {
        void *value = va_arg(arguments, void *);
        if (option == curlMultiSocketFunction && value != 0) {
            curl_socket_watch_callback expected = 0;
            curl_socket_watch_callback given = (curl_socket_watch_callback)value;
            if (atomic_compare_exchange_strong(&foundationCallback, &expected, given) || expected == given) {
                value = (void *)forwardToFoundation;
            }
        }
        result = next(multi, option, value);
    } else {
        long value = va_arg(arguments, long);
        result = next(multi, option, value);
    }
    va_end(arguments);
    return result;
}

#endif
