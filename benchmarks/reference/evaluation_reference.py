# The reference implementations that issue 4's speed targets are measured against, timed on the same kind of data as
# benchmarks/ScoreML.Benchmarks (10,000 + 10,000 synthetic 2048-wide features shaped like Inception pool3: ReLU of a shared
# rank-128 projection plus noise, the generated set shifted a little). Not part of the project, which needs no Python:
# run it by hand to compare on a machine, e.g. with Debian's python3-numpy, python3-scipy and python3-sklearn and
# OpenBLAS installed (apt-get install libopenblas0-pthread: numpy on Debian otherwise links the slow reference BLAS).
#
#   python3 evaluation_reference.py fid    # np.cov + scipy.linalg.sqrtm, as pytorch-fid's calculate_frechet_distance
#   python3 evaluation_reference.py prdc   # full sklearn distance matrices, as the clovaai generative-evaluation-prdc code
#   python3 evaluation_reference.py fid 3  # three runs in one process: the median, as ScoreML.Benchmarks --repeats 3
#
# Prints one JSON line: the seconds from features in memory to the result (median, and every run), the result, and the
# peak resident memory.
import json
import resource
import sys
import time

import numpy as np
import scipy.linalg
from sklearn.metrics import pairwise_distances


def features(rng, projection, n, shift):
    x = rng.standard_normal((n, projection.shape[0])).astype(np.float32) @ projection
    x += 0.3 * rng.standard_normal((n, projection.shape[1])).astype(np.float32) + shift
    return np.maximum(x, 0).astype(np.float32)


def fid(real, generated):
    mu1, mu2 = real.mean(0), generated.mean(0)
    s1, s2 = np.cov(real, rowvar=False), np.cov(generated, rowvar=False)
    root, _ = scipy.linalg.sqrtm(s1.dot(s2), disp=False)
    root = root.real if np.iscomplexobj(root) else root
    diff = mu1 - mu2
    return float(diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))


def radii(x, k):
    distances = pairwise_distances(x, x, metric="euclidean", n_jobs=8)
    return np.partition(distances, k, axis=-1)[:, k]   # the point itself is at index 0


def prdc(real, generated, k):
    real_radii, generated_radii = radii(real, k), radii(generated, k)
    distances = pairwise_distances(real, generated, metric="euclidean", n_jobs=8)
    in_real = distances < real_radii[:, None]
    return dict(
        precision=float(in_real.any(0).mean()),
        recall=float((distances < generated_radii[None, :]).any(1).mean()),
        density=float(in_real.sum(0).mean() / k),
        coverage=float((distances.min(1) < real_radii).mean()),
    )


which = sys.argv[1]
rng = np.random.default_rng(7)
projection = rng.standard_normal((128, 2048)).astype(np.float32) / np.sqrt(128)
real, generated = features(rng, projection, 10000, 0.2), features(rng, projection, 10000, 0.25)
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 1   # as ScoreML.Benchmarks --repeats: the median, and every run
runs = []
for _ in range(repeats):
    start = time.time()
    value = fid(real, generated) if which == "fid" else prdc(real, generated, 3)
    runs.append(round(time.time() - start, 3))
print(json.dumps({which + "_s": sorted(runs)[len(runs) // 2], which + "_runs_s": runs, "value": value,
                  "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
