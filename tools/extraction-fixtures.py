#!/usr/bin/env python3
"""Writes Tests/SteeringTests/Fixtures/extraction-numpy.json: synthetic activations with a planted direction and
what NumPy computes from them, independently of Veer, for the extraction tests (ExtractionMathTests).

- pairs: 12 positive and 12 negative rows of width 16 (float32). Each pair shares a random base b_j; the positive
  row is b_j + (1.5 + noise) * planted + small noise, the negative b_j - ... (the planted direction is a fixed unit
  vector). Values are rounded to float32 before anything is computed from them.
- mean_diff: mean(positive) - mean(negative) (float64 arithmetic on the float32 rows).
- pca_diff / pca_center: repeng's read_representations (vgel/repeng, repeng/extract.py) with scikit-learn's
  PCA(n_components=1) written out in NumPy: centre the rows on their column means, take the first right singular
  vector; then repeng's sign rule (flip when more pairs project the positive row lower than the negative one).
- symmetric: a 7x7 symmetric matrix and numpy.linalg.eigh's eigenvalues (descending) and eigenvectors.

Usage: pip install numpy && python3 tools/extraction-fixtures.py
"""
import json
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "SteeringTests", "Fixtures", "extraction-numpy.json")
WIDTH, PAIRS = 16, 12


def first_component(rows):
    centred = rows - rows.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[0]


def orient(direction, positive, negative):
    difference = (positive - negative) @ direction
    if np.mean(difference < 0) > np.mean(difference > 0):
        direction = -direction
    return direction


def main():
    rng = np.random.default_rng(20261205)
    planted = rng.normal(size=WIDTH)
    planted /= np.linalg.norm(planted)
    base = rng.normal(size=(PAIRS, WIDTH))
    amplitude = 1.5 + 0.3 * rng.normal(size=(PAIRS, 1))
    positive = (base + amplitude * planted + 0.05 * rng.normal(size=(PAIRS, WIDTH))).astype(np.float32)
    negative = (base - amplitude * planted + 0.05 * rng.normal(size=(PAIRS, WIDTH))).astype(np.float32)
    p, n = positive.astype(np.float64), negative.astype(np.float64)

    mean_diff = p.mean(axis=0) - n.mean(axis=0)
    pca_diff = orient(first_component(p - n), p, n)
    centre = (p + n) / 2
    interleaved = np.empty((2 * PAIRS, WIDTH))
    interleaved[0::2] = p - centre
    interleaved[1::2] = n - centre
    pca_center = orient(first_component(interleaved), p, n)

    matrix = rng.normal(size=(7, 7))
    matrix = (matrix + matrix.T) / 2
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1]

    fixture = {
        "width": WIDTH,
        "planted": planted.tolist(),
        "positive": positive.astype(np.float64).ravel().tolist(),
        "negative": negative.astype(np.float64).ravel().tolist(),
        "mean_diff": mean_diff.tolist(),
        "pca_diff": pca_diff.tolist(),
        "pca_center": pca_center.tolist(),
        "symmetric": {"n": 7, "matrix": matrix.ravel().tolist(), "values": values[order].tolist(),
                      "vectors": vectors[:, order].T.tolist()},
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print("wrote", OUT, "cos(pca_diff, planted) =", float(pca_diff @ planted))


if __name__ == "__main__":
    main()
