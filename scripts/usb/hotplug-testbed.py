#!/usr/bin/python3
"""Plugs emulated USB devices in and out while `kassa devices --watch` runs.

Run under umockdev-wrapper (it preloads umockdev into the children):

    umockdev-wrapper /usr/bin/python3 scripts/usb/hotplug-testbed.py KASSA DEVICE-FILE [kassa options]

Makes an empty umockdev testbed, starts `KASSA devices --json --watch 60 [options]`, waits until it
says it is watching, then adds the first device of DEVICE-FILE with an "add" uevent, waits until
kassa reports it arrived, removes it with a "remove" uevent, waits until kassa reports it left,
and prints kassa's output lines. Exits 1 if kassa did not report both within a minute: generous,
since a busy machine may be slow to start kassa, and polling compares device lists only once a
second; a run that works ends as soon as the device has left.
Needs Debian's python3-gi and gir1.2-umockdev-1.0.
"""
import queue
import subprocess
import sys
import threading
import time

import gi

gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev  # noqa: E402


WATCH_SECONDS = 60


def lines_of(stream, into):
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def wait_for(lines, seen, word, deadline):
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if word in line:
            return True
    return False


def main():
    kassa, device_file = sys.argv[1], sys.argv[2]
    testbed = UMockdev.Testbed.new()
    record = open(device_file).read().split("\n\n")[0]
    path = "/sys" + record.splitlines()[0][len("P: "):]
    child = subprocess.Popen([kassa, "devices", "--json", "--watch", str(WATCH_SECONDS)] + sys.argv[3:],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = queue.Queue(), queue.Queue()
    threading.Thread(target=lines_of, args=(child.stdout, out), daemon=True).start()
    threading.Thread(target=lines_of, args=(child.stderr, err), daemon=True).start()
    deadline = time.monotonic() + WATCH_SECONDS
    seen, notes = [], []
    # kassa says it is watching once hot-plug is registered, or once polling has listed the
    # devices already present, so the device added next is always new to it.
    ok = wait_for(err, notes, "watching", deadline)
    testbed.add_from_string(record)
    testbed.uevent(path, "add")
    ok = ok and wait_for(out, seen, '"arrived"', deadline)
    testbed.uevent(path, "remove")
    testbed.remove_device(path)
    ok = ok and wait_for(out, seen, '"left"', deadline)
    child.kill()
    child.wait()
    for line in seen:
        print(line)
    for line in notes:
        print(line, file=sys.stderr)
    sys.exit(0 if ok else 1)


main()
