#!/usr/bin/env python3
"""How long fdatasync takes on a disk, the way the journal writes.

Writes 16 KiB batches one after another into a 64 MiB file and times the fdatasync after each,
for files made three ways:

  preallocated  posix_fallocate, as a segment is made when no spare is ready
  zeroed        64 MiB of written zeros, as the spare next segment is made
  appended      an empty file that grows with each write

Usage: scripts/fsync-latency.py [DIRECTORY] [--syncs N]
DIRECTORY defaults to the current one; use the disk the data directory is on.
"""
import argparse
import os
import time

SEGMENT = 64 << 20
BATCH = 16 << 10


def measure(directory: str, mode: str, syncs: int) -> list[float]:
    path = os.path.join(directory, f"fsync-latency-{os.getpid()}.tmp")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        if mode == "preallocated":
            os.posix_fallocate(fd, 0, SEGMENT)
        elif mode == "zeroed":
            zeros = bytes(1 << 20)
            for offset in range(0, SEGMENT, len(zeros)):
                os.pwrite(fd, zeros, offset)
        os.fsync(fd)
        batch = os.urandom(BATCH)
        took = []
        for index in range(min(syncs, (SEGMENT - 4096) // BATCH)):
            os.pwrite(fd, batch, 4096 + index * BATCH)
            start = time.perf_counter()
            os.fdatasync(fd)
            took.append((time.perf_counter() - start) * 1e6)
        return sorted(took)
    finally:
        os.close(fd)
        os.unlink(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", default=".")
    parser.add_argument("--syncs", type=int, default=2000, help="syncs per kind of file (at most 4,095)")
    args = parser.parse_args()
    if args.syncs < 1:
        parser.error("--syncs must be at least 1")
    # Alternating the kinds twice spreads the disk's moods over all of them.
    results: dict[str, list[float]] = {}
    for _ in range(2):
        for mode in ("preallocated", "zeroed", "appended"):
            results.setdefault(mode, []).extend(measure(args.directory, mode, args.syncs // 2 or 1))
    for mode, took in results.items():
        took.sort()
        def at(share: float) -> float:
            return took[min(len(took) - 1, int(len(took) * share))]
        print(f"{mode:13s} fdatasync after a 16 KiB write: p50 {at(0.5):6.0f} µs  p90 {at(0.9):6.0f} µs  p99 {at(0.99):6.0f} µs  ({len(took)} syncs)")


if __name__ == "__main__":
    main()
