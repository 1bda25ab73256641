"""A program with a planted hot function, for `optdemo profile SCRIPT.py`:
slow_part runs the same loop body as fast_part 50 times as often, so a
sampler must put many more samples in slow_part, whatever the machine's
speed.  Arguments: N (fast_part's iterations) and an exit code."""

import sys


def slow_part(n):
    total = 0
    for i in range(50 * n):
        total += i % 7
    return total


def fast_part(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print("argv", sys.argv[1:], "name", __name__)
    print("sum", slow_part(n) + fast_part(n))
    return int(sys.argv[2]) if len(sys.argv) > 2 else 0


if __name__ == "__main__":
    sys.exit(main())
