"""Reference values of the clustering agreement metrics SeLa logs (Sources/Objectives/Metrics+Clustering.swift).

Run: python3 Tests/Fixtures/make_clustering_fixtures.py   (needs numpy; writes Tests/Fixtures/objectives/clustering.json)

The functions below are written after scikit-learn's sklearn/metrics/cluster/_supervised.py
(`normalized_mutual_info_score` with the default average_method="arithmetic", `adjusted_rand_score`
through `pair_confusion_matrix`), in numpy float64; scikit-learn itself is not needed. Two cases
are the examples of scikit-learn's documentation, whose values are known.
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "objectives", "clustering.json")


def contingency(u, v):
    classes, ui = np.unique(u, return_inverse=True)
    clusters, vi = np.unique(v, return_inverse=True)
    c = np.zeros((len(classes), len(clusters)), dtype=np.int64)
    np.add.at(c, (ui, vi), 1)
    return c


def entropy(labels):
    _, counts = np.unique(labels, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log(p)).sum())


def nmi(u, v):
    """normalized_mutual_info_score: 1.0 when both labellings have one cluster (or none), 0.0 when
    the mutual information is 0, else MI / mean(H(u), H(v))."""
    if len(np.unique(u)) == len(np.unique(v)) <= 1:
        return 1.0
    c = contingency(u, v).astype(np.float64)
    n = c.sum()
    a = c.sum(axis=1, keepdims=True)
    b = c.sum(axis=0, keepdims=True)
    nz = c > 0
    mi = float((c[nz] / n * (np.log(c[nz]) + np.log(n) - np.log((a @ np.ones_like(b))[nz]) - np.log((np.ones_like(a) @ b)[nz]))).sum())
    mi = max(mi, 0.0)
    if mi == 0:
        return 0.0
    return mi / ((entropy(u) + entropy(v)) / 2)


def ari(u, v):
    """adjusted_rand_score from pair_confusion_matrix: 1.0 when fn == fp == 0."""
    c = contingency(u, v).astype(np.float64)
    n = c.sum()
    squares = (c ** 2).sum()
    tp = squares - n
    fp = (c.sum(axis=0) ** 2).sum() - squares
    fn = (c.sum(axis=1) ** 2).sum() - squares
    tn = n * n - fp - fn - squares
    if fn == 0 and fp == 0:
        return 1.0
    return float(2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn)))


def main():
    rng = np.random.default_rng(20261204)
    cases = [
        ("docs_partial", [0, 0, 1, 1], [0, 0, 1, 2]),   # sklearn docs: ARI 0.5714..., NMI 0.8
        ("docs_split", [0, 0, 0, 0], [0, 1, 2, 3]),     # sklearn docs: ARI 0.0, NMI 0.0
        ("identical_renamed", [0, 0, 1, 1, 2], [5, 5, 3, 3, 9]),
        ("single_clusters", [1, 1, 1], [4, 4, 4]),
    ]
    truth = rng.integers(0, 10, size=500)
    noisy = np.where(rng.random(500) < 0.6, truth * 3 + rng.integers(0, 3, size=500), rng.integers(0, 30, size=500))
    cases.append(("classes10_clusters30", truth.tolist(), noisy.tolist()))
    cases.append(("random", rng.integers(0, 7, size=300).tolist(), rng.integers(0, 4, size=300).tolist()))
    out = [{"case": name, "u": list(map(int, u)), "v": list(map(int, v)), "nmi": nmi(np.array(u), np.array(v)),
            "ari": ari(np.array(u), np.array(v))} for name, u, v in cases]
    for c in out:
        print(f"{c['case']}: nmi {c['nmi']:.6f} ari {c['ari']:.6f}")
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
