"""Reference timings for issue 7: the same DSM and DLSM + CE training steps in PyTorch on the same machine.

Configuration as benchmarks/ScoreML.Benchmarks/TrainingBenchmarks.cs: 10,000 two-moons points (scale 20), a noise-
conditional MLP on [x, log sigma] with hidden widths 128-64-32 and SiLU, the score network's output divided by sigma, VE SDE
with sigma 0.001..10, batch 4000 drawn from a per-epoch permutation, Adam (lr 1e-3). DSM loss: mean of |std * s + z|^2 / 2.
DLSM + CE: the classifier on noisy x, cross-entropy plus DLSM's |(grad_x log p(y|x) + s_prior) std + z|^2 / 2 with the prior
score under no_grad and the likelihood score taken with create_graph.

    /usr/bin/python3 benchmarks/reference/training_reference.py [--threads 2] [--steps 300]
prints one JSON line. Needs Debian's python3-torch (1.13); ScoreML itself does not need Python.
"""
import argparse, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--steps", type=int, default=300)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

rows, batch, warmup = 10_000, 4000, 20
t = np.random.default_rng(1).uniform(0, math.pi, rows)
upper = np.arange(rows) % 2 == 0
points = np.where(upper[:, None], np.stack([np.cos(t), np.sin(t)], 1), np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)) * 20
data = torch.tensor(points - points.mean(0), dtype=torch.float32)
labels = torch.tensor((~upper).astype(np.int64))
sigma_min, sigma_max = 1e-3, 10.0


class Mlp(nn.Module):
    def __init__(self, outputs, scale_by_sigma):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(3, 128), nn.SiLU(), nn.Linear(128, 64), nn.SiLU(), nn.Linear(64, 32), nn.SiLU(), nn.Linear(32, outputs))
        self.scale_by_sigma = scale_by_sigma

    def forward(self, x, sigma):
        out = self.body(torch.cat([x, sigma.log().unsqueeze(1)], 1))
        return out / sigma.unsqueeze(1) if self.scale_by_sigma else out


def batches():
    while True:
        order = torch.randperm(rows)
        for start in range(0, rows, batch):
            yield order[start:start + batch]


def noisy_batch(order):
    """The next batch's indices and its perturbed points, noise levels and noise."""
    index = next(order)
    x0 = data[index]
    u = torch.rand(x0.shape[0]) * (1 - 1e-5) + 1e-5
    std = sigma_min * (sigma_max / sigma_min) ** u
    z = torch.randn_like(x0)
    return index, x0 + std.unsqueeze(1) * z, std, z


def median_ms(step):
    times = []
    for i in range(warmup + args.steps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times[warmup:]))


score = Mlp(2, True)
score_opt = torch.optim.Adam(score.parameters(), 1e-3)
score_batches = batches()


def dsm_step():
    _, x, std, z = noisy_batch(score_batches)
    loss = ((score(x, std) * std.unsqueeze(1) + z) ** 2).sum(1).mul(0.5).mean()
    score_opt.zero_grad()
    loss.backward()
    score_opt.step()
    loss.item()


classifier = Mlp(2, False)
classifier_opt = torch.optim.Adam(classifier.parameters(), 1e-3)
classifier_batches = batches()


def dlsm_step():
    index, x, std, z = noisy_batch(classifier_batches)
    y = labels[index]
    x = x.detach().requires_grad_(True)
    logits = classifier(x, std)
    ce = F.cross_entropy(logits, y)
    with torch.no_grad():
        prior = score(x, std)
    selected = F.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).sum()
    likelihood = torch.autograd.grad(selected, x, create_graph=True)[0]
    dlsm = (((likelihood + prior) * std.unsqueeze(1) + z) ** 2).sum(1).mul(0.5).mean()
    total = dlsm + ce
    classifier_opt.zero_grad()
    total.backward()
    classifier_opt.step()
    total.item()


result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "steps": args.steps,
          "dsm_ms_per_step": round(median_ms(dsm_step), 2), "dlsm_ms_per_step": round(median_ms(dlsm_step), 2)}
print(json.dumps(result))
