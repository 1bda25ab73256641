"""A long-running program for `optdemo profile --pid`: it says "ready" once
its loop is about to start, then, until --seconds have passed, calls
hot_loop, which does 20 times the work of cold_loop, so a sampler must put
most samples in hot_loop whatever the machine's speed.  --thread starts a
second thread spinning in thread_loop meanwhile."""

import argparse
import sys
import threading
import time


def hot_loop():
    total = 0
    for i in range(20 * 20_000):
        total += i % 7
    return total


def cold_loop():
    total = 0
    for i in range(20_000):
        total += i % 7
    return total


def thread_loop(deadline):
    total = 0
    while time.monotonic() < deadline:
        for i in range(10_000):
            total += i % 5
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--thread", action="store_true")
    args = parser.parse_args()
    deadline = time.monotonic() + args.seconds
    worker = None
    if args.thread:
        worker = threading.Thread(target=thread_loop, args=(deadline,))
        worker.start()
    print("ready", flush=True)
    while time.monotonic() < deadline:
        hot_loop()
        cold_loop()
    if worker is not None:
        worker.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
