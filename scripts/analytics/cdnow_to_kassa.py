#!/usr/bin/env python3
"""Writes the CDNOW sample that ships inside the `lifetimes` package as a Kassa sales import CSV.

Usage: cdnow_to_kassa.py OUT.csv

Prints the as-of date to use with it: 1997-09-30, the end of the 39-week calibration period of
Fader and Hardie's CDNOW studies, which is the summary that lifetimes' own CDNOW examples fit
(its bundled cdnow_customers_summary.csv gives T = 38.86 weeks, 272 days, to the customers first
buying on 1997-01-01; with this date summary_data_from_transaction_data reproduces that file in
days, and the fit its documented r 0.243, alpha 4.41 weeks, a 0.793, b 2.43). 1997-06-30 would
give another, shorter summary that no lifetimes example uses. The sample's transactions run to
1998-06-30; those after the as-of date are still written, and both lifetimes and Kassa leave them
out of the summary.

The package's loader (`lifetimes.datasets.load_transaction_data`-style helpers) is broken on
current pandas, so the file is read directly: whitespace-separated columns customer id, customer
index, date YYYYMMDD, quantity, dollars.
"""
import os
import sys

AS_OF = "1997-09-30"
# "77" and the id zero-padded to 8 digits: 10 digits, inside the 6–19 that CardNumber accepts.
CARD_PREFIX = "77"
CARD_ID_DIGITS = 8


def sample_path():
    try:
        import lifetimes
    except ImportError:
        sys.exit("lifetimes is not importable; run scripts/analytics/setup-lifetimes.sh first")
    path = os.path.join(os.path.dirname(lifetimes.__file__), "datasets", "CDNOW_sample.txt")
    if not os.path.exists(path):
        sys.exit(f"{path} is missing from the installed lifetimes package")
    return path


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: cdnow_to_kassa.py OUT.csv")
    rows = 0
    with open(sample_path()) as source, open(sys.argv[1], "w") as out:
        out.write("customer,at,total\n")
        for number, line in enumerate(source, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 5:
                sys.exit(f"CDNOW_sample.txt line {number}: expected 5 columns, got {len(fields)}")
            customer_id, _index, date, _quantity, dollars = fields
            card = CARD_PREFIX + customer_id.zfill(CARD_ID_DIGITS)
            at = f"{date[0:4]}-{date[4:6]}-{date[6:8]}"
            # Every amount in the sample is positive, so no row is dropped; a zero or negative
            # one would be written as it is and the importer would judge it.
            total = round(float(dollars) * 100)
            out.write(f"{card},{at},{total}\n")
            rows += 1
    if rows == 0:
        sys.exit("CDNOW_sample.txt has no rows")
    print(AS_OF)


if __name__ == "__main__":
    main()
