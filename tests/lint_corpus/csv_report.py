"""Sales report: totals per region and the best-selling products, from a CSV
file with the columns region, product, quantity, unit_price."""

import argparse
import collections
import csv
import sys


def read_sales(path):
    """The rows of the CSV file, with quantity and price as numbers."""
    sales = []
    with open(path, newline="", encoding="utf-8") as stream:
        for row in csv.DictReader(stream):
            sales.append({
                "region": row["region"].strip(),
                "product": row["product"].strip(),
                "quantity": int(row["quantity"]),
                "unit_price": float(row["unit_price"]),
            })
    return sales


def totals_by_region(sales):
    totals = collections.defaultdict(float)
    for sale in sales:
        totals[sale["region"]] += sale["quantity"] * sale["unit_price"]
    return dict(totals)


def best_sellers(sales, how_many=5):
    units = collections.Counter()
    for sale in sales:
        units[sale["product"]] += sale["quantity"]
    return units.most_common(how_many)


def format_report(totals, sellers):
    lines = ["Revenue by region", "-----------------"]
    width = max((len(region) for region in totals), default=0)
    for region in sorted(totals):
        lines.append(f"{region:<{width}}  {totals[region]:>12,.2f}")
    grand_total = sum(totals.values())
    lines.append(f"{'total':<{width}}  {grand_total:>12,.2f}")
    lines.append("")
    lines.append("Best sellers")
    for rank, (product, quantity) in enumerate(sellers, start=1):
        lines.append(f"{rank}. {product} ({quantity} units)")
    return "\n".join(lines)


def write_totals(path, totals):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["region", "revenue"])
        for region, revenue in sorted(totals.items()):
            writer.writerow([region, f"{revenue:.2f}"])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sales_csv")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--totals-csv")
    options = parser.parse_args(argv)
    sales = read_sales(options.sales_csv)
    totals = totals_by_region(sales)
    print(format_report(totals, best_sellers(sales, options.top)))
    if options.totals_csv:
        write_totals(options.totals_csv, totals)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
