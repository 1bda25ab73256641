"""An asyncio program with one busy task and one idle one, for the task
stacks (tests/test_task_stacks.py).  worker() awaits crunch(), which does
real CPU work between `await asyncio.sleep(0)` calls (~10 ms each, longer
than the GIL's 5 ms switch interval: see task_watch.py), so the sampler finds
crunch running under worker under the task for worker; waiter() waits on an
Event the whole time, so a task watcher finds it suspended at that await.
About half a second of work; prints a checksum."""

import asyncio
import sys


def square_sum(n):
    return sum(i * i for i in range(n))


async def crunch(rounds, n):
    total = 0
    for _ in range(rounds):
        total += square_sum(n)
        await asyncio.sleep(0)
    return total


async def worker(rounds, n):
    return await crunch(rounds, n)


async def waiter(done):
    await done.wait()
    return 0


async def main(rounds, n):
    done = asyncio.Event()
    waiting = asyncio.create_task(waiter(done))
    busy = asyncio.create_task(worker(rounds, n))
    total = await busy
    done.set()
    return total + await waiting


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    print("checksum", asyncio.run(main(rounds, 400_000)))
