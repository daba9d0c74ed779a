"""The PyTorch peer for issue 22: ScoreML's default image networks, rebuilt layer for layer, timed on the same steps.

The networks follow src/ScoreML.Core/Networks: NoiseConditionalUNet with UNetOptions' defaults (32 base channels,
multipliers 1-2-2, one residual block per level, self-attention in the middle, GroupNorm with min(32, C/4) groups, Fourier
features of log sigma into a 4 * 32 wide embedding, output divided by sigma) and NoiseConditionalResNet with
ResNetOptions' defaults (32 base channels, blocks 2-2-2-2, GroupNorm, the noise embedding projected and added after each
stage, mean pooling, a linear head), both on 1 x 28 x 28 images. Both sides print their parameter counts; the benchmark
suite refuses to compare when they differ.

The steps, as ScoreML takes them with its defaults (VE SDE sigma 0.01..50, Adam lr 1e-3, gradient norm clipped at 1):
  score       a DSM training step of the U-Net at batch 64 (draw the batch, t, z; forward; backward; clip; Adam)
  dlsm        a DLSM + CE training step of the ResNet at batch 64 against the frozen U-Net (the prior's forward under
              no_grad, the classifier's input gradient with create_graph, backward into the weights only)
  sampler     a DDIM (eta 1) step at batch 250: the U-Net's forward under inference_mode, the update and fresh noise
  guided      the same step with DLSM guidance: the U-Net's forward, then the classifier's forward and input gradient
  features    ResNet-18 features (512, the global pool) of 10,000 1 x 28 x 28 images as ScoreML's evaluator takes them
              (x 255, grey repeated to RGB, bilinear to 224 x 224, then ML.NET's preprocessing and ResNet18.onnx, run by
              onnx_graph.py from --onnx with python3-onnx), in batches of --feature-batch; without --onnx, torchvision's
              resnet18 at random (the time does not depend on the weights)
What a PyTorch performance engineer would write: inference_mode where no gradient is needed, backward(inputs=...) where
only the weights' gradients are, one process, torch's own threads set to --threads.

    /usr/bin/python3 benchmarks/reference/image_reference.py [--threads 2] [--only score,dlsm,sampler,guided,features]
        [--repeats 5] [--images 10000] [--feature-batch 100] [--onnx PATH]
prints one JSON line. Needs Debian's python3-torch (and python3-onnx for features); ScoreML itself does not need Python.
"""
import argparse, json, math, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("--only", default="score,dlsm,sampler,guided")
parser.add_argument("--repeats", type=int, default=5, help="timed steps after the warm-up, per step kind")
parser.add_argument("--warmup", type=int, default=2)
parser.add_argument("--images", type=int, default=10_000)
parser.add_argument("--feature-batch", type=int, default=100)
parser.add_argument("--onnx", default=None, help="the DnnImageModels folder of ML.NET's ResNet-18 package (ResNet18Onnx/, ResNetPrepOnnx/)")
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)

CHANNELS, SIZE, CLASSES = 1, 28, 10
SIGMA_MIN, SIGMA_MAX, EPS = 0.01, 50.0, 1e-5
TRAIN_BATCH, SAMPLE_BATCH = 64, 250


def groups(channels):
    g = min(32, max(1, channels // 4))
    while channels % g:
        g -= 1
    return g


def group_norm(channels):
    return nn.GroupNorm(groups(channels), channels)


class NoiseEmbedding(nn.Module):
    def __init__(self, width, features=32, scale=16.0):
        super().__init__()
        self.frequencies = nn.Parameter(torch.randn(features // 2) * scale, requires_grad=False)
        self.first, self.second = nn.Linear(features, width), nn.Linear(width, width)

    def forward(self, sigma):
        angles = 2 * math.pi * sigma.log().unsqueeze(1) * self.frequencies
        return self.second(F.silu(self.first(torch.cat([angles.sin(), angles.cos()], 1))))


class ResidualBlock(nn.Module):
    def __init__(self, inputs, outputs, embedding):
        super().__init__()
        self.norm1, self.conv1 = group_norm(inputs), nn.Conv2d(inputs, outputs, 3, padding=1)
        self.noise = nn.Linear(embedding, outputs)
        self.norm2, self.conv2 = group_norm(outputs), nn.Conv2d(outputs, outputs, 3, padding=1)
        nn.init.zeros_(self.conv2.weight), nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(inputs, outputs, 1) if inputs != outputs else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.noise(F.silu(temb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return ((x if self.skip is None else self.skip(x)) + h) / math.sqrt(2)


class Attention(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.norm = group_norm(channels)
        self.q, self.k, self.v, self.o = (nn.Conv2d(channels, channels, 1) for _ in range(4))
        nn.init.zeros_(self.o.weight), nn.init.zeros_(self.o.bias)

    def forward(self, x):
        b, c, h, w = x.shape
        n = self.norm(x)
        q = self.q(n).view(b, c, h * w).transpose(1, 2)
        k = self.k(n).view(b, c, h * w)
        v = self.v(n).view(b, c, h * w).transpose(1, 2)
        attended = (q.bmm(k) / math.sqrt(c)).softmax(2).bmm(v).transpose(1, 2).reshape(b, c, h, w)
        return (x + self.o(attended)) / math.sqrt(2)


class UNet(nn.Module):
    """NoiseConditionalUNet with UNetOptions' defaults (no attention resolutions, middle attention, no dropout)."""

    def __init__(self, width=32, multipliers=(1, 2, 2)):
        super().__init__()
        emb = 4 * width
        self.embedding = NoiseEmbedding(emb)
        self.input = nn.Conv2d(CHANNELS, width, 3, padding=1)
        self.down, skips, channels = nn.ModuleList(), [width], width
        for level, m in enumerate(multipliers):
            self.down.append(ResidualBlock(channels, width * m, emb))
            channels = width * m
            skips.append(channels)
            if level < len(multipliers) - 1:
                self.down.append(nn.Conv2d(channels, channels, 3, stride=2, padding=1))
                skips.append(channels)
        self.middle1, self.attention, self.middle2 = ResidualBlock(channels, channels, emb), Attention(channels), ResidualBlock(channels, channels, emb)
        self.up = nn.ModuleList()
        for level in reversed(range(len(multipliers))):
            for _ in range(2):
                self.up.append(ResidualBlock(channels + skips.pop(), width * multipliers[level], emb))
                channels = width * multipliers[level]
            if level > 0:
                self.up.append(nn.Conv2d(channels, channels, 3, padding=1))
        self.out_norm, self.output = group_norm(channels), nn.Conv2d(channels, CHANNELS, 3, padding=1)

    def forward(self, x, sigma):
        temb = self.embedding(sigma)
        h = self.input(x.view(-1, CHANNELS, SIZE, SIZE))
        skips = [h]
        for module in self.down:
            h = module(h, temb) if isinstance(module, ResidualBlock) else module(h)
            skips.append(h)
        h = self.middle2(self.attention(self.middle1(h, temb)), temb)
        for module in self.up:
            if isinstance(module, ResidualBlock):
                h = module(torch.cat([h, skips.pop()], 1), temb)
            else:
                h = module(F.interpolate(h, size=skips[-1].shape[2:], mode="nearest"))
        out = self.output(F.silu(self.out_norm(h))).reshape(x.shape[0], -1)
        return out / sigma.unsqueeze(1)


class BasicBlock(nn.Module):
    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1, self.norm1 = nn.Conv2d(inputs, outputs, 3, stride, 1), group_norm(outputs)
        self.conv2, self.norm2 = nn.Conv2d(outputs, outputs, 3, 1, 1), group_norm(outputs)
        self.projection = nn.Sequential(nn.Conv2d(inputs, outputs, 1, stride), group_norm(outputs)) if stride != 1 or inputs != outputs else None

    def forward(self, x):
        h = self.norm2(self.conv2(F.relu(self.norm1(self.conv1(x)))))
        return F.relu(h + (x if self.projection is None else self.projection(x)))


class ResNet(nn.Module):
    """NoiseConditionalResNet with ResNetOptions' defaults."""

    def __init__(self, width=32, blocks=(2, 2, 2, 2), embedding=128):
        super().__init__()
        self.embedding = NoiseEmbedding(embedding)
        self.stem, self.stem_norm = nn.Conv2d(CHANNELS, width, 3, padding=1), group_norm(width)
        self.stages, self.projections, channels = nn.ModuleList(), nn.ModuleList(), width
        for stage, count in enumerate(blocks):
            outputs = width << stage
            layers = []
            for block in range(count):
                layers.append(BasicBlock(channels, outputs, 2 if block == 0 and stage > 0 else 1))
                channels = outputs
            self.stages.append(nn.Sequential(*layers))
            self.projections.append(nn.Linear(embedding, outputs))
        self.head = nn.Linear(channels, CLASSES)

    def forward(self, x, sigma):
        temb = F.silu(self.embedding(sigma))
        h = F.relu(self.stem_norm(self.stem(x.view(-1, CHANNELS, SIZE, SIZE))))
        for stage, projection in zip(self.stages, self.projections):
            h = stage(h) + projection(temb)[:, :, None, None]
        return self.head(h.mean((2, 3)))


def parameters(module):
    return sum(p.numel() for p in module.parameters())


def timed(step, repeats=None):
    """Median and spread (ms) of the step after the warm-up steps."""
    times = []
    for i in range(args.warmup + (repeats or args.repeats)):
        start = time.perf_counter()
        step()
        if i >= args.warmup:
            times.append((time.perf_counter() - start) * 1000)
    return {"median": round(float(np.median(times)), 2), "min": round(min(times), 2), "max": round(max(times), 2), "runs": [round(t, 2) for t in times]}


rows = 1024
data = torch.rand(rows, CHANNELS * SIZE * SIZE)
labels = torch.randint(0, CLASSES, (rows,))
unet, resnet = UNet(), ResNet()
result = {"torch": torch.__version__, "threads": torch.get_num_threads(),
          "unet_parameters": parameters(unet), "resnet_parameters": parameters(resnet)}
only = args.only.split(",")


def noisy_batch(size):
    index = torch.randint(0, rows, (size,))
    x0 = data[index]
    t = torch.rand(size) * (1 - EPS) + EPS
    std = SIGMA_MIN * (SIGMA_MAX / SIGMA_MIN) ** t
    z = torch.randn_like(x0)
    return index, x0 + std.unsqueeze(1) * z, std, z


def optimiser_step(module, optimiser):
    torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
    optimiser.step()


if "score" in only:
    unet_opt = torch.optim.Adam(unet.parameters(), 1e-3)

    def score_step():
        _, x, std, z = noisy_batch(TRAIN_BATCH)
        loss = ((unet(x, std) * std.unsqueeze(1) + z) ** 2).sum(1).mul(0.5).mean()
        unet_opt.zero_grad(set_to_none=True)
        loss.backward()
        optimiser_step(unet, unet_opt)
        loss.item()

    result["score_ms_per_step"] = timed(score_step)

if "dlsm" in only:
    for p in unet.parameters():
        p.requires_grad_(False)
    resnet_opt = torch.optim.Adam(resnet.parameters(), 1e-3)
    weights = [p for p in resnet.parameters() if p.requires_grad]

    def dlsm_step():
        index, noisy, std, z = noisy_batch(TRAIN_BATCH)
        y = labels[index]
        x = noisy.detach().requires_grad_(True)
        logits = resnet(x, std)
        ce = F.cross_entropy(logits, y)
        with torch.no_grad():
            prior = unet(noisy, std)
        selected = F.log_softmax(logits, 1).gather(1, y.unsqueeze(1)).sum()
        likelihood = torch.autograd.grad(selected, x, create_graph=True)[0]
        s = std.unsqueeze(1)
        dlsm = (0.5 * std ** 2 * ((likelihood + prior + z / s) ** 2).mean(1)).mean()
        total = dlsm + ce
        resnet_opt.zero_grad(set_to_none=True)
        total.backward(inputs=weights)
        optimiser_step(resnet, resnet_opt)
        total.item()

    result["dlsm_ms_per_step"] = timed(dlsm_step)
    for p in unet.parameters():
        p.requires_grad_(True)


def ddim_update(x, denoised, sigma, next_sigma):
    up = min(next_sigma, math.sqrt(next_sigma ** 2 * (sigma ** 2 - next_sigma ** 2) / sigma ** 2))
    down = math.sqrt(next_sigma ** 2 - up ** 2)
    return denoised + (down / sigma) * (x - denoised) + up * torch.randn_like(x)


# A sampler step in the middle of a 20-step VE schedule (sigma = 2.0 to 1.6): the work is the same at any level.
SIGMA, NEXT = 2.0, 1.6
sample_x = torch.randn(SAMPLE_BATCH, CHANNELS * SIZE * SIZE) * SIGMA
sample_classes = torch.arange(SAMPLE_BATCH) % CLASSES
levels = torch.full((SAMPLE_BATCH,), SIGMA)

if "sampler" in only:
    def sampler_step():
        with torch.inference_mode():
            denoised = sample_x + SIGMA ** 2 * unet(sample_x, levels)
            ddim_update(sample_x, denoised, SIGMA, NEXT)

    result["sampler_ms_per_step"] = timed(sampler_step)

if "guided" in only:
    def guided_step():
        with torch.no_grad():
            score = unet(sample_x, levels)
        with torch.enable_grad():
            x = sample_x.detach().requires_grad_(True)
            selected = F.log_softmax(resnet(x, levels), 1).gather(1, sample_classes.unsqueeze(1)).sum()
            likelihood = torch.autograd.grad(selected, x)[0]
        with torch.no_grad():
            denoised = sample_x + SIGMA ** 2 * (score + likelihood)
            ddim_update(sample_x, denoised, SIGMA, NEXT)

    result["guided_ms_per_step"] = timed(guided_step)

if "features" in only:
    images = torch.rand(args.images, CHANNELS, SIZE, SIZE)
    if args.onnx:
        # The same two ONNX graphs ScoreML runs (onnx_graph.py): BGR order less the mean image, then the network.
        from onnx_graph import OnnxGraph
        preprocess = OnnxGraph(f"{args.onnx}/ResNetPrepOnnx/ResNetPreprocess.onnx")
        network = torch.nn.Sequential(preprocess, OnnxGraph(f"{args.onnx}/ResNet18Onnx/ResNet18.onnx"))
        result["features_network"] = "ML.NET's ResNet18.onnx and ResNetPreprocess.onnx, run by onnx_graph.py"
    else:
        import torchvision
        network = torchvision.models.resnet18()
        network.fc = nn.Identity()   # the 512 features of the global pool
        result["features_network"] = "torchvision resnet18, random weights"
    network.eval()

    def features(x):
        """As ScoreML prepares them: 0..1 to 0..255, grey repeated to RGB, bilinear to 224 x 224."""
        x = F.interpolate((x * 255).expand(-1, 3, SIZE, SIZE), size=(224, 224), mode="bilinear", align_corners=False)
        return network(x).reshape(x.shape[0], -1)

    def extract():
        with torch.inference_mode():
            for start in range(0, args.images, args.feature_batch):
                features(images[start:start + args.feature_batch])

    with torch.inference_mode():
        result["features_probe"] = [round(v, 4) for v in features(torch.full((1, CHANNELS, SIZE, SIZE), 0.5))[0, :4].tolist()]
        features(images[:args.feature_batch])   # warm-up
    start = time.perf_counter()
    extract()
    result["features_images"] = args.images
    result["features_batch"] = args.feature_batch
    result["features_s"] = round(time.perf_counter() - start, 2)

print(json.dumps(result))
