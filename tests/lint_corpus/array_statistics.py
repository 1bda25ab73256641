"""Summary statistics of measurement columns with NumPy array expressions."""

import numpy as np


def describe(values):
    values = np.asarray(values, dtype=np.float64)
    low, median, high = np.percentile(values, [25, 50, 75])
    return {
        "count": int(values.size),
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)) if values.size > 1 else 0.0,
        "min": float(values.min()),
        "q1": float(low),
        "median": float(median),
        "q3": float(high),
        "max": float(values.max()),
    }


def z_scores(values):
    values = np.asarray(values, dtype=np.float64)
    spread = values.std()
    if spread == 0:
        return np.zeros_like(values)
    return (values - values.mean()) / spread


def moving_average(values, window):
    kernel = np.ones(window) / window
    return np.convolve(values, kernel, mode="valid")


def weighted_mean(values, weights):
    values = np.asarray(values, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    return float(np.dot(values, weights) / weights.sum())


def outliers(values, threshold=3.0):
    scores = z_scores(values)
    return np.flatnonzero(np.abs(scores) > threshold)


def describe_table(table, names):
    """{column name: its summary}, for the columns of a 2-D array."""
    summary = {}
    for name, column in zip(names, table.T):
        summary[name] = describe(column)
    return summary


def histogram_rows(values, bins=10):
    counts, edges = np.histogram(values, bins=bins)
    rows = []
    for count, low, high in zip(counts, edges[:-1], edges[1:]):
        rows.append(f"[{low:8.2f}, {high:8.2f})  {'#' * int(count)}")
    return rows


def correlations(table):
    return np.corrcoef(table, rowvar=False)


if __name__ == "__main__":
    rng = np.random.default_rng(7)
    data = rng.normal(10.0, 2.0, size=(500, 3))
    print(describe_table(data, ["width", "height", "depth"]))
    print(moving_average(data[:, 0], 5)[:3], outliers(data[:, 1]))
    print("\n".join(histogram_rows(data[:, 2], bins=5)))
