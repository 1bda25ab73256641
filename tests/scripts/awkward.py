"""Frames a sampler must walk without crashing: deep recursion (past the
sampler's 256 frames), generators, coroutines under asyncio, a second
thread running Python while the sampled one waits in join(), exceptions
raised and caught, a lambda and a class body.  Prints a checksum."""

import asyncio
import sys
import threading


def recurse(depth):
    if depth == 0:
        return sum(i * i for i in range(20_000))
    return recurse(depth - 1) + 1


def numbers(n):
    for i in range(n):
        try:
            if i % 3 == 0:
                raise ValueError(i)
        except ValueError:
            pass
        yield i


async def child(n):
    await asyncio.sleep(0)
    return sum(numbers(n))


async def parent():
    results = await asyncio.gather(*(child(20_000) for _ in range(20)))
    return sum(results)


def busy_thread(out):
    out.append(sum(map(lambda x: x % 7, range(2_000_000))))


class Built:
    table = [i * 2 for i in range(100_000)]


def main():
    total = 0
    for _ in range(20):
        total += recurse(400)
    total += asyncio.run(parent())
    out = []
    worker = threading.Thread(target=busy_thread, args=(out,))
    worker.start()
    worker.join()
    total += out[0] + len(Built.table)
    print("checksum", total)


if __name__ == "__main__":
    sys.setrecursionlimit(5000)
    main()
