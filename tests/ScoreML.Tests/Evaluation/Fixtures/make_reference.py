#!/usr/bin/python3
"""Reference fixtures for the ScoreML.Evaluation metric tests (FID, PRDC, Inception Score, ONNX feature extractor).

What it does
------------
1. With fixed numpy seeds, creates small float32 feature sets and writes them as CSV (no header, one sample per row,
   comma separated, every value a float32 printed with '%.9g', which round-trips exactly to float32):
     fid_real.csv       400 x 24   correlated Gaussian  A1 @ z + mu1
     fid_generated.csv  400 x 24   correlated Gaussian  A2 @ z + mu2 (different covariance, slightly different mean)
     prdc_real.csv      300 x 16   mixture of 4 Gaussian clusters
     prdc_generated.csv 250 x 16   3 of those clusters, centres shifted, spread scaled (so P, R, D, C are all in (0, 1))
     is_logits.csv      1000 x 10  random normal * 3 plus a per-class bias
2. RE-READS those CSV files (so the reference sees exactly the float32 values the C# tests parse), casts them to float64,
   and writes expected.json:
     fid              pytorch-fid formula: mu = row mean, sigma = np.cov(rowvar=False) (N - 1),
                      covmean = scipy.linalg.sqrtm(sigma1 @ sigma2) (with the 1e-6 * I offset retry if not finite,
                      real part taken if the diagonal's imaginary part is <= 1e-3),
                      fid = |mu1 - mu2|^2 + tr(sigma1) + tr(sigma2) - 2 tr(covmean).
                      "eigh_value" is the same quantity computed independently: tr sqrt(sqrt(S1) S2 sqrt(S1)) from
                      scipy.linalg.eigh eigenvalues; "self" is FID(fid_real, fid_real).
     prdc             Naeem et al. 2020 (precision / recall / density / coverage) for k = 3 and k = 5 with
                      sklearn.metrics.pairwise_distances (euclidean, float64). Radius r_k(x) = (k+1)-th smallest entry of
                      the self-distance row (self included), i.e. distance to the k-th nearest OTHER point. Strict '<'.
                      "min_relative_margin" = min over every comparison d < r made by any of the four metrics of
                      |d - r| / r (guards against near-ties); "margins" gives it per metric. The seed is advanced until
                      that margin is >= 1e-6 and all four metrics lie strictly in (0, 1).
     inception_score  improved-gan / torch-fidelity: p = softmax(logits) in float64, 10 contiguous splits
                      rows [i*N//10, (i+1)*N//10), per split exp(mean_rows sum_c p (log p - log p_y)),
                      mean and population std (ddof = 0). "confident_one_hot" = IS of 1000 one-hot predictions, class
                      i % 10 for row i (0 * log 0 taken as 0) -> exactly 10, std 0.
3. Exports tiny_extractor.onnx with torch.onnx.export from a fixed-seed network:
     input  "images"   [N, 3, 8, 8] float32 (dynamic N)
     output "features" [N, 16] = mean over H, W of ReLU(Conv2d(3 -> 16, 3x3, padding 1))
     output "logits"   [N, 5]  = Linear(16 -> 5)(features)
   plus tiny_extractor_input.csv (4 rows x 192, image flattened in C, H, W order, values in [0, 1]) and
   tiny_extractor_expected.csv (4 rows: 16 features then 5 logits, '%.9g'), computed by the torch model in float32 on the
   re-read CSV input.

Rerun (from this folder, with Debian's python, packages python3-numpy python3-scipy python3-sklearn python3-torch):
    /usr/bin/python3 make_reference.py
Versions used to produce the committed files are recorded in expected.json under "versions"
(python 3.11.2, numpy 1.24.2, scipy 1.10.1, scikit-learn 1.2.1, torch 1.13.0a0 (Debian's 1.13 build), ONNX opset 13,
Debian 12 at the time of writing). Optional: with python3-onnx installed (1.12.0 was used) the script also validates the
.onnx file and recomputes its graph in numpy from the stored weights; the export itself does not need it.
BLAS and torch are forced single-threaded so reruns are bit-identical.
"""

import json
import os
import platform
import sys

# Single-threaded BLAS / torch: keeps the last bits of every float64 result reproducible run to run (and the CPU load low).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np
import scipy
import scipy.linalg
import scipy.special
import sklearn
import sklearn.metrics

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------------------------------------------- io
def write_csv(name, array):
    array = np.asarray(array, dtype=np.float32)
    assert array.ndim == 2
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        for row in array:
            f.write(",".join("%.9g" % float(v) for v in row))
            f.write("\n")
    back = read_csv(name)
    # The printed values must round-trip bit-exactly to the float32 we generated.
    assert back.shape == array.shape and np.array_equal(back.view(np.uint32), array.view(np.uint32)), name
    return back


def read_csv(name):
    rows = []
    with open(os.path.join(HERE, name)) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append([np.float32(v) for v in line.split(",")])
    return np.array(rows, dtype=np.float32)


# ---------------------------------------------------------------------------------------------------------------- FID
def gaussian_stats(x):
    x = np.asarray(x, dtype=np.float64)
    return x.mean(axis=0), np.cov(x, rowvar=False)


def fid_sqrtm(mu1, sigma1, mu2, sigma2):
    """pytorch-fid's Frechet distance formula, written out."""
    diff = mu1 - mu2
    covmean, _ = scipy.linalg.sqrtm(sigma1.dot(sigma2), disp=False)
    offset_used = False
    if not np.isfinite(covmean).all():
        offset_used = True
        offset = np.eye(sigma1.shape[0]) * 1e-6
        covmean = scipy.linalg.sqrtm((sigma1 + offset).dot(sigma2 + offset))
    max_imag = 0.0
    if np.iscomplexobj(covmean):
        max_imag = float(np.max(np.abs(covmean.imag)))
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError("Imaginary component %g" % np.max(np.abs(covmean.imag)))
        covmean = covmean.real
    value = diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)
    return float(value), offset_used, max_imag


def sym_sqrt(s):
    w, v = scipy.linalg.eigh(s)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def fid_eigh(mu1, sigma1, mu2, sigma2):
    """Independent route: tr sqrt(S1 S2) = sum of sqrt of eigenvalues of the symmetric PSD matrix sqrt(S1) S2 sqrt(S1)."""
    diff = mu1 - mu2
    r = sym_sqrt(sigma1)
    m = r @ sigma2 @ r
    m = 0.5 * (m + m.T)
    ev = scipy.linalg.eigh(m, eigvals_only=True)
    tr_covmean = np.sum(np.sqrt(np.clip(ev, 0, None)))
    return float(diff.dot(diff) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean)


def make_fid_features():
    rng = np.random.RandomState(20240601)
    n, d = 400, 24
    a1 = rng.normal(size=(d, d)) * 0.5
    a2 = a1 + rng.normal(size=(d, d)) * 0.3
    mu1 = rng.normal(size=d)
    mu2 = mu1 + rng.normal(size=d) * 0.2
    real = rng.normal(size=(n, d)) @ a1.T + mu1
    generated = rng.normal(size=(n, d)) @ a2.T + mu2
    return real.astype(np.float32), generated.astype(np.float32)


# --------------------------------------------------------------------------------------------------------------- PRDC
def prdc(real, fake, k):
    real = np.asarray(real, dtype=np.float64)
    fake = np.asarray(fake, dtype=np.float64)
    d_rr = sklearn.metrics.pairwise_distances(real, real, metric="euclidean")
    d_ff = sklearn.metrics.pairwise_distances(fake, fake, metric="euclidean")
    d_rf = sklearn.metrics.pairwise_distances(real, fake, metric="euclidean")  # [real, fake]
    r_real = np.partition(d_rr, k, axis=1)[:, k]  # (k+1)-th smallest, self (0) included
    r_fake = np.partition(d_ff, k, axis=1)[:, k]

    inside_real = d_rf < r_real[:, None]  # fake j inside the ball of real i
    inside_fake = d_rf < r_fake[None, :]  # real i inside the ball of fake j
    nearest_fake = d_rf.min(axis=1)
    metrics = {
        "precision": float(inside_real.any(axis=0).mean()),
        "recall": float(inside_fake.any(axis=1).mean()),
        "density": float((1.0 / k) * inside_real.sum(axis=0).mean()),
        "coverage": float((nearest_fake < r_real).mean()),
    }
    m_real = float(np.min(np.abs(d_rf - r_real[:, None]) / r_real[:, None]))
    m_fake = float(np.min(np.abs(d_rf - r_fake[None, :]) / r_fake[None, :]))
    m_cov = float(np.min(np.abs(nearest_fake - r_real) / r_real))
    margins = {"precision": m_real, "recall": m_fake, "density": m_real, "coverage": m_cov}
    return metrics, margins


def prdc_direct(real, fake, k):
    """Cross-check with distances computed directly as sqrt(sum (x - y)^2) (no sklearn dot-product trick)."""
    real = np.asarray(real, dtype=np.float64)
    fake = np.asarray(fake, dtype=np.float64)

    def dist(a, b):
        return np.sqrt(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))

    r_real = np.sort(dist(real, real), axis=1)[:, k]
    r_fake = np.sort(dist(fake, fake), axis=1)[:, k]
    d = dist(real, fake)
    return {
        "precision": float((d < r_real[:, None]).any(axis=0).mean()),
        "recall": float((d < r_fake[None, :]).any(axis=1).mean()),
        "density": float((1.0 / k) * (d < r_real[:, None]).sum(axis=0).mean()),
        "coverage": float((d.min(axis=1) < r_real).mean()),
    }


def make_prdc_features(seed):
    rng = np.random.RandomState(seed)
    d, clusters = 16, 4
    centres = rng.normal(size=(clusters, d)) * 2.0
    real_labels = rng.randint(0, clusters, size=300)
    real = centres[real_labels] + rng.normal(size=(300, d))
    # Generated: only clusters 0..2 (cluster 3 is missed -> recall, coverage < 1), centres shifted a bit and spread scaled
    # up (some points fall outside the real manifold -> precision, density < 1).
    shift = rng.normal(size=(clusters, d)) * 0.25
    fake_labels = rng.randint(0, clusters - 1, size=250)
    fake = centres[fake_labels] + shift[fake_labels] + 1.15 * rng.normal(size=(250, d))
    return real.astype(np.float32), fake.astype(np.float32)


# ---------------------------------------------------------------------------------------------------- Inception Score
def softmax64(logits):
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def inception_score(p, splits=10):
    p = np.asarray(p, dtype=np.float64)
    n = p.shape[0]
    scores = []
    for i in range(splits):
        part = p[i * n // splits:(i + 1) * n // splits]
        py = part.mean(axis=0, keepdims=True)
        # 0 * log 0 := 0 (only matters for exact one-hot input; softmax of finite logits is never 0 here).
        kl = scipy.special.xlogy(part, part) - scipy.special.xlogy(part, py)
        scores.append(np.exp(kl.sum(axis=1).mean()))
    scores = np.array(scores)
    return float(scores.mean()), float(scores.std()), [float(s) for s in scores]


def make_is_logits():
    rng = np.random.RandomState(777)
    bias = np.linspace(-1.0, 1.0, 10)
    return (rng.normal(size=(1000, 10)) * 3.0 + bias).astype(np.float32)


# --------------------------------------------------------------------------------------------------------------- ONNX
def make_onnx(versions):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(1294)  # chosen so that no ReLU channel is dead on the 4 test images (every feature > 0.006)

    class TinyExtractor(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 16, kernel_size=3, padding=1)
            self.head = torch.nn.Linear(16, 5)

        def forward(self, images):
            features = torch.relu(self.conv(images)).mean(dim=(2, 3))
            return features, self.head(features)

    model = TinyExtractor().eval()

    rng = np.random.RandomState(4321)
    images = rng.uniform(0.0, 1.0, size=(4, 3 * 8 * 8)).astype(np.float32)
    images = write_csv("tiny_extractor_input.csv", images)  # re-read values
    x = torch.from_numpy(images.reshape(4, 3, 8, 8).copy())
    with torch.no_grad():
        features, logits = model(x)
        path = os.path.join(HERE, "tiny_extractor.onnx")
        torch.onnx.export(
            model, (x,), path,
            input_names=["images"], output_names=["features", "logits"],
            dynamic_axes={"images": {0: "N"}, "features": {0: "N"}, "logits": {0: "N"}},
            opset_version=13, do_constant_folding=True)
    expected = torch.cat([features, logits], dim=1).numpy().astype(np.float32)
    write_csv("tiny_extractor_expected.csv", expected)
    assert (expected[:, :16] > 0).all()
    versions["onnx_opset"] = 13
    info = {"features_shape": list(features.shape), "logits_shape": list(logits.shape)}
    info.update(check_onnx(path, images, expected))
    return info


def check_onnx(path, images, expected):
    """Optional (needs the python `onnx` package, Debian python3-onnx; export itself does not): validates the file and
    recomputes the graph in plain numpy float64 from the initializers stored in the .onnx file."""
    try:
        import onnx
        import onnx.numpy_helper
    except ImportError:
        print("python onnx package not installed: skipping the independent check of tiny_extractor.onnx", file=sys.stderr)
        return {}
    model = onnx.load(path)
    onnx.checker.check_model(model)

    def shape(value_info):
        return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]

    io = {"inputs": {v.name: shape(v) for v in model.graph.input},
          "outputs": {v.name: shape(v) for v in model.graph.output}}
    assert io == {"inputs": {"images": ["N", 3, 8, 8]},
                  "outputs": {"features": ["N", 16], "logits": ["N", 5]}}, io
    w = {t.name: onnx.numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    x = np.pad(images.reshape(-1, 3, 8, 8).astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    conv = np.zeros((x.shape[0], 16, 8, 8))
    for dy in range(3):
        for dx in range(3):
            conv += np.einsum("nchw,oc->nohw", x[:, :, dy:dy + 8, dx:dx + 8], w["conv.weight"][:, :, dy, dx])
    conv += w["conv.bias"][None, :, None, None]
    features = np.maximum(conv, 0).mean(axis=(2, 3))
    logits = features @ w["head.weight"].T + w["head.bias"]
    numpy_out = np.concatenate([features, logits], axis=1)
    max_abs = float(np.max(np.abs(numpy_out - expected.astype(np.float64))))
    assert max_abs < 1e-5, max_abs
    return {"io": io, "numpy_recompute_max_abs_difference": max_abs, "onnx_package": onnx.__version__}


# --------------------------------------------------------------------------------------------------------------- main
def main():
    import torch

    versions = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
        "torch": torch.__version__,
    }

    # FID
    real, generated = make_fid_features()
    write_csv("fid_real.csv", real)
    write_csv("fid_generated.csv", generated)
    real = read_csv("fid_real.csv").astype(np.float64)
    generated = read_csv("fid_generated.csv").astype(np.float64)
    mu1, s1 = gaussian_stats(real)
    mu2, s2 = gaussian_stats(generated)
    fid_value, offset_used, max_imag = fid_sqrtm(mu1, s1, mu2, s2)
    fid_e = fid_eigh(mu1, s1, mu2, s2)
    fid_self, self_offset_used, self_max_imag = fid_sqrtm(mu1, s1, mu1, s1)
    fid = {
        "value": fid_value,
        "eigh_value": fid_e,
        "relative_difference": abs(fid_value - fid_e) / abs(fid_e),
        "self": fid_self,
        "self_eigh": fid_eigh(mu1, s1, mu1, s1),
        "sqrtm_offset_used": offset_used or self_offset_used,
        "sqrtm_max_abs_imag": max_imag,
        "self_sqrtm_max_abs_imag": self_max_imag,
    }

    # PRDC: advance the seed until the fixture has no near-ties and all metrics are strictly inside (0, 1).
    seed = 1000
    while True:
        pr, pf = make_prdc_features(seed)
        write_csv("prdc_real.csv", pr)
        write_csv("prdc_generated.csv", pf)
        pr = read_csv("prdc_real.csv").astype(np.float64)
        pf = read_csv("prdc_generated.csv").astype(np.float64)
        result = {"seed": seed}
        ok = True
        for k in (3, 5):
            metrics, margins = prdc(pr, pf, k)
            assert metrics == prdc_direct(pr, pf, k), (k, metrics)
            entry = dict(metrics)
            entry["min_relative_margin"] = min(margins.values())
            entry["margins"] = margins
            result["k%d" % k] = entry
            ok &= all(0.0 < metrics[m] < 1.0 for m in ("precision", "recall", "density", "coverage"))
            ok &= entry["min_relative_margin"] >= 1e-6
        if ok:
            break
        print("prdc seed %d rejected: %r" % (seed, result), file=sys.stderr)
        seed += 1

    # Inception Score
    write_csv("is_logits.csv", make_is_logits())
    logits = read_csv("is_logits.csv")
    is_mean, is_std, is_scores = inception_score(softmax64(logits))
    one_hot = np.eye(10)[np.arange(1000) % 10]
    c_mean, c_std, _ = inception_score(one_hot)
    inception = {"mean": is_mean, "std": is_std, "splits": 10, "split_scores": is_scores,
                 "confident_one_hot": {"mean": c_mean, "std": c_std}}

    onnx_info = make_onnx(versions)

    out = {"versions": versions, "fid": fid, "prdc": result, "inception_score": inception, "onnx": onnx_info}
    with open(os.path.join(HERE, "expected.json"), "w", newline="\n") as f:
        json.dump(out, f, indent=2)  # json writes floats with repr: shortest string that round-trips to the float64
        f.write("\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
