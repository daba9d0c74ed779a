#!/usr/bin/python3
"""KID reference values for KernelInceptionDistanceTests, computed with numpy from the committed FID fixtures.

Reads fid_real.csv and fid_generated.csv (400 x 24 float32, made by make_reference.py), casts them to float64 and writes
kid_expected.json:
  full        the unbiased MMD^2 with the cubic polynomial kernel k(x, y) = (x.y / d + 1)^3 over all 400 rows of each
              set, written as clean-fid's kernel_distance loop body writes it:
              (sum(Kxx) - tr(Kxx) + sum(Kyy) - tr(Kyy)) / (m (m - 1)) - 2 sum(Kxy) / m^2
              (with m = every row, every subset clean-fid or torch-fidelity draws holds the same rows, so KID is this value
              and its standard deviation 0);
  first_half  the same for rows 0..199 of each set;
  self        the same between the first and the second 200 rows of fid_real.csv (one distribution: near 0, either sign).

Rerun from this folder with Debian's python (package python3-numpy):  /usr/bin/python3 make_kid_reference.py
"""

import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def read_csv(name):
    return np.loadtxt(os.path.join(HERE, name), delimiter=",", dtype=np.float32).astype(np.float64)


def kid(x, y):
    m, d = x.shape
    a = (x @ x.T / d + 1) ** 3 + (y @ y.T / d + 1) ** 3
    b = (x @ y.T / d + 1) ** 3
    return float((a.sum() - np.diag(a).sum()) / (m * (m - 1)) - b.sum() * 2 / (m * m))


real = read_csv("fid_real.csv")
generated = read_csv("fid_generated.csv")
result = {
    "full": kid(generated, real),
    "first_half": kid(generated[:200], real[:200]),
    "self": kid(real[:200], real[200:]),
    "versions": {"numpy": np.__version__},
}
with open(os.path.join(HERE, "kid_expected.json"), "w", newline="\n") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(result)
