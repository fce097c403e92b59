#!/usr/bin/env python3
"""The `lifetimes` (0.11.3) reference for Kassa's lifetime-value models.

Usage: lifetimes_reference.py TRANSACTIONS.csv AS_OF_DATE OUT.json

TRANSACTIONS.csv has the header `customer,at,total` (at = YYYY-MM-DD, total in minor units).
The summary, the BG/NBD fit and the Gamma-Gamma fit are lifetimes' own, with penalizer 0 and
daily periods, so that Kassa's end-to-end test can compare its numbers with these.
Run scripts/analytics/setup-lifetimes.sh first.
"""
import json
import sys
import warnings


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: lifetimes_reference.py TRANSACTIONS.csv AS_OF_DATE OUT.json")
    source, as_of, out_path = sys.argv[1:]
    try:
        import pandas as pd
        from lifetimes import BetaGeoFitter, GammaGammaFitter
        from lifetimes.utils import summary_data_from_transaction_data
    except ImportError as error:
        sys.exit(f"{error}; run scripts/analytics/setup-lifetimes.sh first")
    warnings.simplefilter("ignore")

    # Card numbers keep their leading zeros only as text.
    df = pd.read_csv(source, dtype={"customer": str, "at": str, "total": "int64"})
    missing = {"customer", "at", "total"} - set(df.columns)
    if missing:
        sys.exit(f"{source}: header lacks {', '.join(sorted(missing))}; it needs customer,at,total")
    df = df[df["customer"].notna() & (df["customer"] != "")]
    if df.empty:
        sys.exit(f"{source}: no row has a customer")

    summary = summary_data_from_transaction_data(
        df, "customer", "at", monetary_value_col="total", observation_period_end=as_of, freq="D"
    )
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    expected = bgf.conditional_expected_number_of_purchases_up_to_time(
        90, summary["frequency"], summary["recency"], summary["T"]
    )
    repeat = summary[summary["frequency"] > 0]
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeat["frequency"], repeat["monetary_value"])

    customers = {
        str(card): {
            "frequency": float(row["frequency"]),
            "recency": float(row["recency"]),
            "T": float(row["T"]),
            "monetary": float(row["monetary_value"]),
            "expected_purchases_90d": float(expected[card]),
        }
        for card, row in summary.iterrows()
    }
    result = {
        "customers": customers,
        "bgnbd": {name: float(bgf.params_[name]) for name in ("r", "alpha", "a", "b")},
        "gamma_gamma": {name: float(ggf.params_[name]) for name in ("p", "q", "v")},
    }
    with open(out_path, "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
