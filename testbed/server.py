#!/usr/bin/env python3
"""Start the local AWS test bed: moto server on 127.0.0.1 with SigV4 verification on.

When it is ready it prints one JSON line to stdout and flushes:
  {"endpoint": "http://127.0.0.1:PORT", "access_key_id": ..., "secret_access_key": ...,
   "region": "us-east-1", "account": "123456789012", "role_arn": ..., "user_arn": ..., "pid": ...}
Logs go to stderr. It stops on SIGTERM/SIGINT, and with --exit-on-stdin-eof when its stdin
closes (so a parent test process that dies takes it along).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    parser.add_argument("--pidfile", help="write the process id here; removed on exit")
    parser.add_argument("--exit-on-stdin-eof", action="store_true",
                        help="stop when stdin reaches end of file")
    parser.add_argument("--deny", action="append", default=[],
                        help="IAM action to deny the test user (repeatable)")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args()

    logging.basicConfig(stream=sys.stderr, level=logging.INFO if args.verbose else logging.WARNING)
    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from waitress.server import create_server

    from localaws import patches
    from localaws.app import TestbedApp

    patches.apply_all()
    testbed = TestbedApp(DomainDispatcherApplication(create_backend_app))
    # waitress keeps connections alive (HTTP/1.1), as AWS does; werkzeug's server closes each one.
    server = create_server(testbed, host="127.0.0.1", port=args.port, threads=16, ident="testbed")
    endpoint = f"http://127.0.0.1:{server.effective_port}"
    testbed.endpoint = endpoint
    identity = testbed.reset(args.deny)

    stop = threading.Event()

    def shutdown(*_: object) -> None:
        if not stop.is_set():
            stop.set()
            threading.Thread(target=server.close, daemon=True).start()

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    if args.exit_on_stdin_eof:
        def watch_stdin() -> None:
            while sys.stdin.buffer.read(4096):
                pass
            shutdown()
        threading.Thread(target=watch_stdin, daemon=True).start()

    if args.pidfile:
        with open(args.pidfile, "w") as handle:
            handle.write(f"{os.getpid()}\n")
    try:
        ready = {"endpoint": endpoint, **identity.as_json(), "pid": os.getpid()}
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
        server.run()
    finally:
        server.close()
        if args.pidfile and os.path.exists(args.pidfile):
            os.remove(args.pidfile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
