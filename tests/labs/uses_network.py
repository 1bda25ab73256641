"""Hostile solution for the print_queue lab: opens network sockets.

Attempts: socket.socket().bind() on 127.0.0.1 (any port) and listen(), then
socket.create_connection() to that port: a solution that can do this could
also reach the host's services or the outside world.
Expected verdict: error: blocked (the sandbox refuses sockets: socket() or
bind() fails with PermissionError, or 127.0.0.1 does not exist in the
worker's network namespace). It connects to its own listener, never to
anything else, so it is harmless either way; if every step succeeds, the
function answers correctly: the check would read "pass", which a test sees
as the sandbox failing.
Guarded: unless OPTDEMO_HOSTILE_TESTS=1, print_order raises RuntimeError at
once and opens nothing.
"""

import collections
import os

LAB = "print_queue"
EXPECTED = "error: blocked"


def require_armed():
    if os.environ.get("OPTDEMO_HOSTILE_TESTS") != "1":
        raise RuntimeError("hostile test disarmed: set OPTDEMO_HOSTILE_TESTS=1 to run it")


def open_a_connection():
    import socket               # here, not at the top: importing the file does nothing
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        connection = socket.create_connection(("127.0.0.1", port), timeout=5)
        connection.close()
    finally:
        listener.close()


def print_order(jobs, pages_per_turn):
    require_armed()
    open_a_connection()
    queue = collections.deque((name, pages) for name, pages in jobs)
    finished = []
    while queue:
        name, pages = queue.popleft()
        if pages > pages_per_turn:
            queue.append((name, pages - pages_per_turn))
        else:
            finished.append(name)
    return finished
