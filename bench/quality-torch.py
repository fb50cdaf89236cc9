# Reference BYOL in PyTorch on the view pairs exported by bench/quality-export.ts (same data, same
# augmentations, same small CNN with group norm). Trains twice: projector/predictor with LayerNorm
# (as the tfjs model has) and with BatchNorm (as in Grill et al. 2020), and prints leave-one-out kNN
# accuracy (k=5, cosine) of the encoder output, next to raw pixels and the untrained encoder.
#   /usr/bin/python3 bench/quality-torch.py OUT_DIR
import copy, json, sys, time
import numpy as np, torch, torch.nn as nn, torch.nn.functional as F

d = sys.argv[1]
meta = json.load(open(f'{d}/meta.json'))
N, S, B = meta['n'], meta['size'], meta['batch']
torch.set_num_threads(2); torch.manual_seed(0)
x = np.fromfile(f'{d}/images.f32', dtype=np.float32).reshape(N, S, S, 1).transpose(0, 3, 1, 2).copy()
y = np.array(open(f'{d}/labels.txt').read().split('\n'))
views = np.fromfile(f'{d}/views.f32', dtype=np.float32).reshape(-1, 2, B, S, S, 1).transpose(0, 1, 2, 5, 3, 4)

def knn(f):
    f = F.normalize(torch.tensor(f), dim=1); s = f @ f.T; s.fill_diagonal_(-9)
    idx = s.topk(5, dim=1).indices.numpy(); ok = 0
    for i in range(N):
        labs, c = np.unique(y[idx[i]], return_counts=True); ok += labs[c.argmax()] == y[i]
    return ok / N

def encoder():
    layers, c = [], 1
    for i, w in enumerate([16, 32, 64]):
        layers += [nn.Conv2d(c, w, 3, stride=1 if i == 0 else 2, padding=1), nn.GroupNorm(min(8, w // 4), w), nn.ReLU()]; c = w
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten())

def head(norm):
    return nn.Sequential(nn.Linear(64, 256), nn.BatchNorm1d(256) if norm == 'batch' else nn.LayerNorm(256), nn.ReLU(), nn.Linear(256, 64))

def train(norm, lr=1e-3, tau=0.99):
    enc, proj, pred = encoder(), head(norm), head(norm)
    online = nn.Sequential(enc, proj); target = copy.deepcopy(online)
    for p in target.parameters(): p.requires_grad = False
    opt = torch.optim.AdamW(list(online.parameters()) + list(pred.parameters()), lr=lr, weight_decay=1e-4)
    loss = lambda p, z: (2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1)).mean()
    losses = []
    for k in range(views.shape[0]):
        a, b = torch.tensor(views[k, 0]), torch.tensor(views[k, 1])
        with torch.no_grad(): ta, tb = target(a), target(b)
        l = loss(pred(online(a)), tb) + loss(pred(online(b)), ta)
        opt.zero_grad(); l.backward(); opt.step(); losses.append(l.item())
        with torch.no_grad():
            for pt, po in zip(target.parameters(), online.parameters()): pt.mul_(tau).add_(po, alpha=1 - tau)
    with torch.no_grad(): f = enc(torch.tensor(x)).numpy()
    return knn(f), losses

print(f'raw pixels: kNN accuracy {knn(x.reshape(N, -1)):.3f}')
with torch.no_grad(): print(f'untrained encoder: kNN accuracy {knn(encoder()(torch.tensor(x)).numpy()):.3f}')
for norm in ['layer', 'batch']:
    t = time.time(); acc, losses = train(norm)
    print(f'BYOL, {norm} norm in projector/predictor: kNN accuracy {acc:.3f}; loss first {losses[0]:.3f}, '
          f'middle {losses[len(losses) // 2]:.3f}, last {losses[-1]:.3f} ({time.time() - t:.0f} s, {views.shape[0]} steps)')
