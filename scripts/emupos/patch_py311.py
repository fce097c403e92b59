"""Rewrites an installed emupos 0.4.0 so that it runs on Python 3.11.

emupos declares Python >= 3.13. What it uses that Python 3.11 lacks: PEP 695 syntax (`type X = ...`
aliases and `def f[T](...)` generics, 3.12), one PEP 701 f-string that reuses its own quotes (3.12,
in the Windows print-queue setup) and `asyncio.Server.close_clients()` (3.13). This script rewrites
exactly the lines listed below and fails loudly when any of them is missing, when PEP 695 syntax is
left anywhere else, or when any file of the package still does not compile on this Python, so that
a new emupos version stops the install instead of failing later inside a test.

Usage: python3 patch_py311.py SITE_DIR   (the directory that `pip install --target` filled)
"""

import re
import sys
from pathlib import Path

EMUPOS_VERSION = "0.4.0"

# `type NAME = VALUE` at the start of a line becomes `NAME = VALUE`. Every alias in emupos 0.4.0
# is defined after the names it refers to, so evaluating it eagerly, as 3.11 does, is safe; the
# import check in install.sh proves it.
TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "emupos/config.py": ("Profile", "Device"),
    "emupos/daemon/runtime.py": ("Device", "DeviceConfig"),
    "emupos/printer/escpos/tokenizer.py": ("DataLength", "Token"),
    "emupos/printer/escpos/render.py": ("Justification", "Boundary"),
    "emupos/printer/escpos/glyphs.py": ("FontName",),
    "emupos/transports/tcp.py": ("ConnectionHandler",),
    "emupos/transports/udp.py": ("Answer",),
    "emupos/api/schemas.py": ("KeyOut",),
    "emupos/windows_queue/snmp.py": ("Oid", "VarBind", "Status"),
    "emupos/cli/client.py": ("Json", "ReceiveEvent"),
    "emupos/scanner/scanner.py": ("Mode", "TypedBy", "ScanOutcome"),
    "emupos/scanner/keys.py": ("Suffix", "Key"),
    "emupos/events.py": ("EventData", "ConnectionId", "Subscriber"),
}

# `def NAME[T](` becomes `def NAME(`, with a module-level `T = TypeVar("T")` just above it.
GENERIC_FUNCTIONS: dict[str, tuple[str, ...]] = {
    "emupos/config.py": ("_duplicate_issues",),
    "emupos/api/dependencies.py": ("_device_of_type",),
}

# Whole lines replaced as they are. asyncio.Server.close_clients() is new in Python 3.13; on 3.11
# the clients' handlers are cancelled when `emupos run` leaves its event loop, and each handler
# closes its connection in a `finally`, so the connections still close on shutdown.
LINE_REPLACEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "emupos/transports/tcp.py": (
        (
            "        self.server.close_clients()\n",
            "        if hasattr(self.server, 'close_clients'):  # Python 3.13+; patched by Kassa\n"
            "            self.server.close_clients()\n",
        ),
    ),
    # Windows only, but it must compile: `emupos` imports the module for `emupos setup`.
    "emupos/windows_queue/setup.py": (
        (
            r'''        else f"${name} = '{value.replace("'", "''")}'\n"''' + "\n",
            r'''        else "$" + name + " = '" + value.replace("'", "''") + "'\n"''' + "\n",
        ),
    ),
}

MARKER = "# Kassa: rewritten for Python 3.11 by scripts/emupos/patch_py311.py\n"
LEFTOVER_SYNTAX = re.compile(r"^\s*type\s+\w+\s*(\[[^\]]*\])?\s*=|^\s*(async\s+)?def\s+\w+\s*\[|^\s*class\s+\w+\s*\[")


def main(site: Path) -> int:
    problems: list[str] = []
    package = site / "emupos"
    if not package.is_dir():
        print(f"patch_py311: no emupos package in {site}", file=sys.stderr)
        return 1
    files = set(TYPE_ALIASES) | set(GENERIC_FUNCTIONS) | set(LINE_REPLACEMENTS)
    for relative in sorted(files):
        problems += patch_file(site / relative, relative)
    problems += leftovers(package)
    if problems:
        print(
            f"patch_py311: emupos in {site} does not look like the emupos {EMUPOS_VERSION} this "
            "script knows; nothing was guessed. Update scripts/emupos/patch_py311.py for it:",
            file=sys.stderr,
        )
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"patch_py311: rewrote {len(files)} files of emupos for Python 3.11")
    return 0


def patch_file(path: Path, relative: str) -> list[str]:
    if not path.is_file():
        return [f"{relative}: file not found"]
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    if MARKER in lines:
        return [f"{relative}: already rewritten; install.sh patches a fresh install only"]
    problems: list[str] = []
    for name in TYPE_ALIASES.get(relative, ()):
        problems += rewrite_one(lines, relative, f"type {name} = ", f"{name} = ")
    for name in GENERIC_FUNCTIONS.get(relative, ()):
        before = len(problems)
        problems += rewrite_one(lines, relative, f"def {name}[T](", f"def {name}(")
        if len(problems) == before:
            index = next(i for i, line in enumerate(lines) if line.startswith(f"def {name}("))
            lines[index:index] = ["from typing import TypeVar\n", 'T = TypeVar("T")\n', "\n\n"]
    for old, new in LINE_REPLACEMENTS.get(relative, ()):
        matches = [i for i, line in enumerate(lines) if line == old]
        if len(matches) != 1:
            problems.append(f"{relative}: expected the line {old.strip()!r} once, found it {len(matches)} times")
        else:
            lines[matches[0]] = new
    if not problems:
        path.write_text(MARKER + "".join(lines), encoding="utf-8")
    return problems


def rewrite_one(lines: list[str], relative: str, old_prefix: str, new_prefix: str) -> list[str]:
    """Replace `old_prefix` at the start of exactly one line, or report why not."""
    matches = [i for i, line in enumerate(lines) if line.startswith(old_prefix)]
    if len(matches) != 1:
        return [f"{relative}: expected one line starting {old_prefix!r}, found {len(matches)}"]
    index = matches[0]
    lines[index] = new_prefix + lines[index][len(old_prefix) :]
    return []


def leftovers(package: Path) -> list[str]:
    """Syntax this Python cannot compile that the tables above do not know about."""
    found: list[str] = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package.parent)
        source = path.read_text(encoding="utf-8")
        for number, line in enumerate(source.splitlines(), 1):
            if LEFTOVER_SYNTAX.match(line):
                found.append(f"{relative}:{number}: PEP 695 syntax not in the tables: {line.strip()}")
        try:
            compile(source, str(path), "exec", dont_inherit=True)
        except SyntaxError as error:
            found.append(f"{relative}:{error.lineno}: does not compile on Python {sys.version.split()[0]}: {error.msg}")
    return found


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(Path(sys.argv[1])))
