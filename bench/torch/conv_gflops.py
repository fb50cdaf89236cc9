"""The layers of bench/conv-gflops.ts in PyTorch (CPU, one thread by default): forward, input
gradient and weight gradient per layer, ms and GFLOP/s (2 * MACs), batch 64, NCHW as PyTorch runs.

usage: /usr/bin/python3 bench/torch/conv_gflops.py [--threads 1] [--reps 3]
"""
import argparse
import time

import torch

# name, h, ci, co, k, s, count: as LAYERS in bench/conv-gflops.ts
LAYERS = {
    'small-cnn': [
        ('block0 3x3 1->32', 64, 1, 32, 3, 1, 1),
        ('block1 3x3/2 32->64', 64, 32, 64, 3, 2, 1),
        ('block2 3x3/2 64->128', 32, 64, 128, 3, 2, 1),
    ],
    'resnet18': [
        ('stem 7x7/2 1->64', 64, 1, 64, 7, 2, 1),
        ('stage1 3x3 64->64', 16, 64, 64, 3, 1, 4),
        ('stage2 3x3/2 64->128', 16, 64, 128, 3, 2, 1),
        ('stage2 3x3 128->128', 8, 128, 128, 3, 1, 3),
        ('stage2 1x1/2 64->128', 16, 64, 128, 1, 2, 1),
        ('stage3 3x3/2 128->256', 8, 128, 256, 3, 2, 1),
        ('stage3 3x3 256->256', 4, 256, 256, 3, 1, 3),
        ('stage3 1x1/2 128->256', 8, 128, 256, 1, 2, 1),
        ('stage4 3x3/2 256->512', 4, 256, 512, 3, 2, 1),
        ('stage4 3x3 512->512', 2, 512, 512, 3, 1, 3),
        ('stage4 1x1/2 256->512', 4, 256, 512, 1, 2, 1),
    ],
}


def best(f, reps):
    f()
    t = float('inf')
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        t = min(t, time.perf_counter() - t0)
    return t * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--reps', type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    n = 64
    print(f'conv layers at batch {n}, pytorch {torch.__version__} cpu {a.threads} thread(s); ms and GFLOP/s (2*MACs)')
    print(f"{'layer':24} {'x':>3} {'MFLOP':>7} | {'forward':>15} | {'bp-input':>15} | {'bp-filter':>15}")
    tot = [0.0, 0.0, 0.0, 0.0]
    for layers in LAYERS.values():
        for name, h, ci, co, k, s, count in layers:
            x = torch.randn(n, ci, h, h)
            w = torch.randn(co, ci, k, k)
            y = torch.nn.functional.conv2d(x, w, stride=s, padding=k // 2)
            dy = torch.randn_like(y)
            oh = y.shape[2]
            flop = 2 * n * oh * oh * k * k * ci * co
            with torch.no_grad():
                fwd = best(lambda: torch.nn.functional.conv2d(x, w, stride=s, padding=k // 2), a.reps)
                args = (dy, x, w, None, [s, s], [k // 2, k // 2], [1, 1], False, [0, 0], 1)
                bi = best(lambda: torch.ops.aten.convolution_backward(*args, [True, False, False]), a.reps)
                bf = best(lambda: torch.ops.aten.convolution_backward(*args, [False, True, False]), a.reps)
            cell = lambda ms: f'{ms:6.1f} {flop / ms / 1e6:6.2f} GF'
            print(f'{name:24} {count:>3} {flop / 1e6:7.0f} | {cell(fwd)} | {cell(bi)} | {cell(bf)}')
            for i, v in enumerate((fwd, bi, bf)):
                tot[i] += v * count
            tot[3] += flop * count
    cell = lambda ms: f'{ms:6.0f} {tot[3] / ms / 1e6:6.2f} GF'
    print(f"{'total (x count)':24} {'':>3} {tot[3] / 1e6:7.0f} | {cell(tot[0])} | {cell(tot[1])} | {cell(tot[2])}")


if __name__ == '__main__':
    main()
