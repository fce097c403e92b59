#!/usr/bin/env bash
# Makes the `lifetimes` package (PyPI 0.11.3) importable by `python3`, the reference that Kassa's
# lifetime-value models are checked against. Idempotent: does nothing when a smoke test passes.
#
# lifetimes 0.11.3 (2020) pins nothing but lower bounds. Checked here with numpy 2.4, scipy 1.17,
# pandas 3.1 and autograd 1.9: the summary and both fits still work and reproduce lifetimes'
# documented CDNOW parameters. autograd needs >= 1.7 under numpy 2, so that is the one lower
# bound raised; the upper bounds keep the next major versions out until someone checks them.
set -euo pipefail

PYTHON=${PYTHON:-python3}
REQUIREMENTS=(
    'lifetimes==0.11.3'
    'numpy>=1.26,<3'
    'scipy>=1.11,<2'
    'pandas>=2.1,<4'
    'autograd>=1.7,<2'
)

# Fits the CDNOW summary that ships with lifetimes and checks r and a against the values in
# lifetimes' documentation (r 0.2426, a 0.7929), so a broken combination of versions is caught
# here rather than as a puzzling mismatch in Kassa's tests.
smoke_test() {
    "$PYTHON" - <<'PY' 2>/dev/null
import warnings
warnings.simplefilter("ignore")
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter, __version__
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value
from lifetimes.utils import summary_data_from_transaction_data
assert __version__ == "0.11.3", __version__
data = load_cdnow_summary_data_with_monetary_value()
bgf = BetaGeoFitter(penalizer_coef=0.0).fit(data["frequency"], data["recency"], data["T"])
assert abs(bgf.params_["r"] - 0.2426) < 1e-3 and abs(bgf.params_["a"] - 0.7929) < 1e-3, bgf.params_
repeat = data[data["frequency"] > 0]
GammaGammaFitter(penalizer_coef=0.0).fit(repeat["frequency"], repeat["monetary_value"])
tx = pd.DataFrame({"c": ["1", "1", "2"], "at": ["2020-01-01", "2020-01-05", "2020-01-02"], "v": [1, 2, 3]})
s = summary_data_from_transaction_data(tx, "c", "at", monetary_value_col="v", observation_period_end="2020-01-10", freq="D")
assert list(s["frequency"]) == [1.0, 0.0] and list(s["T"]) == [9.0, 8.0], s
PY
}

if ! command -v "$PYTHON" >/dev/null; then
    echo "setup-lifetimes: $PYTHON not found; install Python 3 (Debian: apt-get install python3 python3-pip)" >&2
    exit 1
fi
if smoke_test; then
    echo "setup-lifetimes: lifetimes 0.11.3 already works"
    exit 0
fi
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
    echo "setup-lifetimes: $PYTHON has no pip; install it (Debian: apt-get install python3-pip)" >&2
    exit 1
fi
echo "setup-lifetimes: installing ${REQUIREMENTS[*]}"
# Debian's own python3 refuses system-wide installs (PEP 668) unless told; the Makefile's pydeps
# installs as root the same way, so this does too.
if ! "$PYTHON" -m pip install -q "${REQUIREMENTS[@]}" && ! PIP_BREAK_SYSTEM_PACKAGES=1 "$PYTHON" -m pip install -q "${REQUIREMENTS[@]}"; then
    echo "setup-lifetimes: pip could not install ${REQUIREMENTS[*]}; see pip's message above (no network to PyPI? a conflicting pin?)" >&2
    exit 1
fi
if ! smoke_test; then
    echo "setup-lifetimes: lifetimes installed but its smoke test fails; run the check in $0 by hand to see why" >&2
    exit 1
fi
echo "setup-lifetimes: lifetimes 0.11.3 ready"
