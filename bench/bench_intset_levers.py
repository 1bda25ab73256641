"""What each lever in native/intset.c buys: runs the bench_intset_<config>
binaries (intset.c rebuilt with one more lever on each time) interleaved,
and prints median build/lookup times and the ratios to plain uthash.

    /usr/bin/python3.11 bench/bench_intset_levers.py build/bench/bench_intset_plain ...
"""
import argparse
import os
import statistics
import subprocess


def run_once(binary):
    out = subprocess.run([binary, "1"], capture_output=True, text=True, check=True).stdout
    fields = out.split()
    return {fields[i]: float(fields[i + 1]) for i in range(0, len(fields), 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    samples = {binary: [] for binary in args.binaries}
    for _ in range(args.rounds):
        for binary in args.binaries:
            samples[binary].append(run_once(binary))

    print(f"IntSet levers: 200k keys, 1M needles (~5% present), median of {args.rounds} "
          "interleaved runs")
    print(f"  {'configuration':16s} {'build ms':>9s} {'lookup ms':>10s} {'vs plain':>9s} "
          f"{'vs previous':>12s} {'bytes/key':>10s}")
    plain = previous = None
    for binary in args.binaries:
        lookup = statistics.median(s["lookup_ms"] for s in samples[binary])
        build = statistics.median(s["build_ms"] for s in samples[binary])
        plain = plain or lookup
        name = os.path.basename(binary).removeprefix("bench_intset_")
        print(f"  {name:16s} {build:9.2f} {lookup:10.2f} {plain / lookup:8.2f}x "
              f"{(previous or lookup) / lookup:11.2f}x {samples[binary][0]['bytes_per_key']:10.1f}")
        previous = lookup
    print("  (bytes/key: entries (80-byte glibc chunks when malloc'd one by one, 64 from the slab\n"
          "   pool), buckets and the 512 KiB bloom filter)")


if __name__ == "__main__":
    main()
