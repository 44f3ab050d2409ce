#ifndef CURL_SOCKET_WATCH_H
#define CURL_SOCKET_WATCH_H

/// libcurl's socket callback (CURLMOPT_SOCKETFUNCTION), with libcurl's types spelled as plain C.
typedef int (*curl_socket_watch_callback)(void *easy, int socket, int what, void *userp, void *socketp);

/// Tells `callback` (FoundationNetworking's) that libcurl now wants `what` on `socket`. When libcurl
/// stops wanting a direction it wanted before (write readiness after a connect, say), the
/// callback is first told to remove the socket and then to watch `what` afresh, with no
/// `socketp`: FoundationNetworking only ever adds a watch, and a write watch left on an
/// always-writable socket fires without end, a busy thread for as long as the answer takes.
int curl_socket_watch_forward(
    curl_socket_watch_callback callback, void *easy, int socket, int what, void *userp, void *socketp);

#endif
