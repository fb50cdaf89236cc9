"""One BYOL training step in PyTorch (CPU, or CUDA with --device cuda), the same architecture and step as src-main/model:
group-normalised small CNN or ResNet-18-like encoder, projector/predictor MLPs with layer norm,
symmetric 2 - 2cos loss, AdamW (no decay on biases/norms), EMA target. Prints images/s as JSON.

usage: /usr/bin/python3 bench/torch/byol_step.py --encoder resnet18 --width 64 --depth 4 \
         --size 64 --batch 32 --channels 1 --threads 2 --steps 3 [--device cuda] [--infer-batch 64]
On CUDA every step ends with loss.item() (a device sync), as the tfjs step reads its loss back;
the inference batches are synchronised before the clock stops.
"""
import argparse
import copy
import json
import math
import resource
import time

import torch
from torch import nn
import torch.nn.functional as F


def groups_for(c):
    g = min(32, max(1, c // 4))
    while c % g:
        g -= 1
    return g


class ConvBlock(nn.Sequential):
    def __init__(self, cin, cout, k, stride=1, relu=True):
        layers = [nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.GroupNorm(groups_for(cout), cout)]
        if relu:
            layers.append(nn.ReLU(inplace=True))
        super().__init__(*layers)


class ResidualBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = ConvBlock(cin, cout, 3, stride)
        self.conv2 = ConvBlock(cout, cout, 3, 1, relu=False)
        self.shortcut = ConvBlock(cin, cout, 1, stride, relu=False) if stride != 1 or cin != cout else None

    def forward(self, x):
        y = self.conv2(self.conv1(x))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


def encoder(kind, width, depth, channels):
    layers = []
    if kind == 'small-cnn':
        cin = channels
        for i in range(depth):
            layers.append(ConvBlock(cin, width * 2 ** i, 3, 1 if i == 0 else 2))
            cin = width * 2 ** i
    else:
        layers += [ConvBlock(channels, width, 7, 2), nn.MaxPool2d(3, 2, 1)]
        cin = width
        for s in range(depth):
            f = width * 2 ** s
            layers += [ResidualBlock(cin, f, 1 if s == 0 else 2), ResidualBlock(f, f, 1)]
            cin = f
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
    return nn.Sequential(*layers), width * 2 ** (depth - 1)


def head(cin, hidden, out):
    return nn.Sequential(nn.Linear(cin, hidden), nn.LayerNorm(hidden), nn.ReLU(inplace=True), nn.Linear(hidden, out))


def loss_fn(p, z):
    return (2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1)).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--encoder', default='resnet18')
    ap.add_argument('--width', type=int, default=64)
    ap.add_argument('--depth', type=int, default=4)
    ap.add_argument('--size', type=int, default=64)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--channels', type=int, default=1)
    ap.add_argument('--hidden', type=int, default=1024)
    ap.add_argument('--proj', type=int, default=256)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=3)
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--infer-batch', type=int, default=64)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    sync = (lambda: torch.cuda.synchronize()) if dev.type == 'cuda' else (lambda: None)
    torch.manual_seed(0)
    enc, rep = encoder(a.encoder, a.width, a.depth, a.channels)
    online = nn.Sequential(enc, head(rep, a.hidden, a.proj))
    predictor = head(a.proj, a.hidden, a.proj)
    online.to(dev)
    predictor.to(dev)
    target = copy.deepcopy(online)
    for p in target.parameters():
        p.requires_grad_(False)
    params = list(online.named_parameters()) + list(predictor.named_parameters())
    decay = [p for n, p in params if p.ndim > 1]
    no_decay = [p for n, p in params if p.ndim <= 1]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': 1e-4}, {'params': no_decay, 'weight_decay': 0}], lr=3e-4)
    v1 = torch.randn(a.batch, a.channels, a.size, a.size, device=dev)
    v2 = torch.randn(a.batch, a.channels, a.size, a.size, device=dev)

    def step(k, total):
        both = torch.cat([v1, v2])
        with torch.no_grad():
            t = target(both)
            t = torch.cat([t[a.batch:], t[:a.batch]])
        p = predictor(online(both))
        loss = 2 * loss_fn(p, t)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        tau = 1 - (1 - 0.99) * (math.cos(math.pi * k / total) + 1) / 2
        with torch.no_grad():
            for pt, po in zip(target.parameters(), online.parameters()):
                pt.mul_(tau).add_(po, alpha=1 - tau)
        return loss.item()

    t0 = time.perf_counter()
    step(0, 100)  # warm-up
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for k in range(a.steps):
        step(k + 1, 100)
    dt = (time.perf_counter() - t0) / a.steps
    online.eval()
    with torch.no_grad():
        x = torch.randn(a.infer_batch, a.channels, a.size, a.size, device=dev)
        enc(x)
        sync()
        t0 = time.perf_counter()
        for _ in range(3):
            enc(x)
        sync()
        inf = 3 * a.infer_batch / (time.perf_counter() - t0)
    print(json.dumps({
        'framework': f'pytorch {torch.__version__}', 'device': str(dev) if dev.type != 'cuda' else torch.cuda.get_device_name(dev),
        'threads': a.threads, 'encoder': a.encoder, 'batch': a.batch, 'size': a.size,
        'first_step_ms': first * 1000, 'ms_per_step': dt * 1000, 'train_images_per_s': a.batch / dt, 'infer_images_per_s': inf,
        'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'peak_gpu_mb': torch.cuda.max_memory_allocated(dev) / 2**20 if dev.type == 'cuda' else 0,
    }))


if __name__ == '__main__':
    main()
