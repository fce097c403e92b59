#!/usr/bin/env bash
# Installs emupos 0.4.0 (PyPI), the POS device simulator behind the lane's end-to-end tests, for
# the system's python3 (3.11 on Debian 12), and rewrites it to run there. Idempotent: when the
# same emupos, patch and dependency pins are installed for the same Python, it only checks that
# emupos still imports and exits.
#
# Where: a directory of its own, $KASSA_EMUPOS_HOME, by default
# ${XDG_CACHE_HOME:-$HOME/.cache}/kassa/emupos-0.4.0 (the Swift harness in
# Tests/KassaTillTests/Support/ looks in the same place):
#   site/        the packages (pip --target), emupos rewritten for Python 3.11
#   bin/emupos   runs `emupos` with that directory on PYTHONPATH
#   python       the interpreter's absolute path, for the harness
#   installed    what was installed, compared on the next run
# Not the system's site-packages, as scripts/analytics/setup-lifetimes.sh does for lifetimes,
# because (1) this script edits emupos's installed sources, which must not leak into, or be
# overwritten by, anything else using python3, (2) emupos needs recent fastapi, pydantic and
# pillow, and upgrading those system-wide breaks other tools' pins (on this machine
# aws-sam-translator pins pydantic~=2.13.3), and (3) pip --target needs neither a virtual
# environment (python3-venv on Debian) nor --break-system-packages (PEP 668).
set -euo pipefail

EMUPOS_VERSION=0.4.0
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python3}
HOME_DIR=${KASSA_EMUPOS_HOME:-${XDG_CACHE_HOME:-${HOME:?HOME is not set; set KASSA_EMUPOS_HOME}/.cache}/kassa/emupos-$EMUPOS_VERSION}

say() { echo "emupos-install: $*"; }
fail() { echo "emupos-install: $*" >&2; exit 1; }

if ! command -v "$PYTHON" >/dev/null; then
    fail "$PYTHON not found; install Python 3 (Debian: apt-get install python3 python3-pip)"
fi
PYTHON_PATH=$("$PYTHON" -c 'import sys; print(sys.executable)')
PYTHON_VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case "$PYTHON_VERSION" in
    3.11 | 3.12 | 3.13 | 3.14) ;;
    *) fail "$PYTHON is Python $PYTHON_VERSION; emupos $EMUPOS_VERSION needs 3.11 or newer (with this script's rewrite)" ;;
esac

# Everything that decides what ends up installed. A change to any of it reinstalls.
STAMP="emupos $EMUPOS_VERSION for $PYTHON_PATH (Python $PYTHON_VERSION)
patch $(sha256sum "$HERE/patch_py311.py" | cut -c1-16)
requirements $(sha256sum "$HERE/requirements.txt" | cut -c1-16)"

# Imports every module of emupos, as `emupos run` and the control API would, and checks the
# version the package metadata reports. Compiling alone would not catch an alias that refers to
# a name defined further down, which the rewrite makes an error on Python 3.11.
import_check() {
    PYTHONPATH="$1/site" "$PYTHON" - "$EMUPOS_VERSION" <<'PY'
import importlib, pkgutil, sys
from importlib.metadata import version
import emupos
assert version("emupos") == sys.argv[1], version("emupos")
for module in pkgutil.walk_packages(emupos.__path__, "emupos."):
    importlib.import_module(module.name)
PY
}

# The stamp is written only after a full check passed, so a cheap import is enough here.
installed_and_working() {
    [ -f "$HOME_DIR/installed" ] && [ "$(cat "$HOME_DIR/installed")" = "$STAMP" ] \
        && [ -x "$HOME_DIR/bin/emupos" ] \
        && PYTHONPATH="$HOME_DIR/site" "$PYTHON" -c "import emupos" 2>/dev/null
}

if installed_and_working; then
    say "emupos $EMUPOS_VERSION already installed in $HOME_DIR"
    exit 0
fi

if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    fail "$PYTHON has no pip; install it (Debian: apt-get install python3-pip)"
fi

# Two installs at once (two engineers, or make -j) would fight over the directory: one at a time.
mkdir -p "$(dirname "$HOME_DIR")"
exec 9>"$HOME_DIR.lock"
flock 9
if installed_and_working; then
    say "emupos $EMUPOS_VERSION installed by another run meanwhile, in $HOME_DIR"
    exit 0
fi

# Build in a fresh directory and move it into place at the end, so a failed or interrupted
# install never leaves a half-patched emupos where the tests look for it.
BUILD="$HOME_DIR.partial"
rm -rf "$BUILD"
mkdir -p "$BUILD/site" "$BUILD/bin"
say "installing emupos $EMUPOS_VERSION and its dependencies into $HOME_DIR"
# The dependencies are resolved for this Python (no --ignore-requires-python), so pip never picks
# a version that needs a newer one. --no-warn-conflicts: pip would otherwise compare the pins with
# the system's site-packages, which this directory does not touch; CI runs as root, on purpose.
PIP=("$PYTHON" -m pip install -q --no-warn-conflicts --root-user-action=ignore)
if ! "${PIP[@]}" --target "$BUILD/site" -r "$HERE/requirements.txt"; then
    fail "pip could not install $HERE/requirements.txt; see pip's message above (no network to PyPI?)"
fi
# emupos alone, past its Requires-Python (>= 3.13): patch_py311.py makes it run on 3.11. Not
# byte-compiled by pip, which would try its 3.12 syntax; compileall runs after the rewrite.
# --upgrade lets pip add its script to the bin/ that the dependencies' scripts already made.
if ! "${PIP[@]}" --no-deps --no-compile --ignore-requires-python --upgrade \
    --target "$BUILD/site" "emupos==$EMUPOS_VERSION"; then
    fail "pip could not install emupos==$EMUPOS_VERSION; see pip's message above"
fi
"$PYTHON" "$HERE/patch_py311.py" "$BUILD/site" || fail "emupos $EMUPOS_VERSION could not be rewritten for Python $PYTHON_VERSION (see above)"
"$PYTHON" -m compileall -q "$BUILD/site/emupos" >/dev/null || fail "emupos does not compile on Python $PYTHON_VERSION after the rewrite"
import_check "$BUILD" || fail "emupos does not import on Python $PYTHON_VERSION after the rewrite (see the traceback above)"

cat >"$BUILD/bin/emupos" <<EOF
#!/bin/sh
# emupos $EMUPOS_VERSION, installed and rewritten for Python $PYTHON_VERSION by Kassa's scripts/emupos/install.sh.
PYTHONPATH="$HOME_DIR/site\${PYTHONPATH:+:\$PYTHONPATH}" exec "$PYTHON_PATH" -m emupos.cli.app "\$@"
EOF
chmod +x "$BUILD/bin/emupos"
echo "$PYTHON_PATH" >"$BUILD/python"
echo "$STAMP" >"$BUILD/installed"

rm -rf "$HOME_DIR"
mv "$BUILD" "$HOME_DIR"
version=$("$HOME_DIR/bin/emupos" --version) || fail "$HOME_DIR/bin/emupos --version failed"
[ "$version" = "emupos $EMUPOS_VERSION" ] || fail "$HOME_DIR/bin/emupos reports '$version', not emupos $EMUPOS_VERSION"
say "emupos $EMUPOS_VERSION ready: $HOME_DIR/bin/emupos"
