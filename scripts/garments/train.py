"""Garment classifier training (dev tool; run through `npm run train:garments`, see scripts/garments/train.ts).

Backbone: MobileNetV2 as shipped in nsfwjs (Keras topology + weights prepared by prepare.ts), rebuilt
in PyTorch and kept frozen. Head: a linear softmax on the global-average-pooled features of a few
layers, trained on augmented views of ../shared/data/clothing-train. Model selection (which layers,
weight decay) on a stratified 15 % of the training photos held out; the chosen head is then refit on
all training photos. clothing-validation is never read here.

Needs Debian's python3-torch and python3-numpy (no PyPI). Deterministic: fixed seeds, one thread order.
"""
import json, math, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

SEED = 13
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(int(os.environ.get('TRAIN_THREADS', '2')))
work, out_path = sys.argv[1], sys.argv[2]
t0 = time.time()
def log(m): print(f'[{time.time() - t0:6.0f}s] {m}', flush=True)

spec = json.load(open(os.path.join(work, 'backbone.json')))
blob = np.fromfile(os.path.join(work, 'backbone.bin'), dtype=np.float32)
W = {w['name']: torch.from_numpy(blob[w['offset']:w['offset'] + int(np.prod(w['shape']))].reshape(w['shape']).copy()) for w in spec['weights']}
layers = spec['topology']['model_config']['config']['layers']

# Which pooled layers feed the head (chosen on the held-out split). The nsfwjs model froze blocks
# 0–10 (ImageNet) and fine-tuned 11–16 for its own task: its last layers (out_relu) are too
# specialised (held-out top-1 0.65 alone), the wide expansion layers of blocks 10–16 carry the most
# general features. Ridge probe on plain views, same held-out split: out_relu 0.65, one expansion
# layer 0.72–0.81 (mean-pooled; max-pooled is worse), blocks 12+14+16 0.84, blocks 10–16 0.85.
EXPAND = [f'block_{b}_expand_relu' for b in range(10, 17)]
TAP_SETS = {'expand 10-16': EXPAND}
ALL_TAPS = sorted({t for ts in TAP_SETS.values() for t in ts})

class Backbone(torch.nn.Module):
    """The Keras graph up to its last tapped layer, NHWC 0–255 input (nsfwjs divides by 255), mean-pooled taps out."""
    def __init__(self, taps):
        super().__init__()
        self.taps = taps
        self.order = []
        left = set(taps)
        for L in layers:
            if not left:
                break
            self.order.append(L)
            left.discard(L['name'])
        self.p = torch.nn.ParameterDict()
        for L in self.order:
            n, c = L['name'], L['class_name']
            if c in ('Conv2D',):
                self.p[n + '__w'] = torch.nn.Parameter(W[n + '/kernel'].permute(3, 2, 0, 1).contiguous(), requires_grad=False)
                if L['config']['use_bias']:
                    self.p[n + '__b'] = torch.nn.Parameter(W[n + '/bias'], requires_grad=False)
            elif c == 'DepthwiseConv2D':
                k = W[n + '/depthwise_kernel']  # kh, kw, in, mult
                self.p[n + '__w'] = torch.nn.Parameter(k.permute(2, 3, 0, 1).reshape(-1, 1, k.shape[0], k.shape[1]).contiguous(), requires_grad=False)
            elif c == 'BatchNormalization':
                for s in ('gamma', 'beta', 'moving_mean', 'moving_variance'):
                    self.p[n + '__' + s] = torch.nn.Parameter(W[n + '/' + s], requires_grad=False)

    def forward(self, x):
        v = {}
        for L in self.order:
            n, c, cfg = L['name'], L['class_name'], L['config']
            ins = [v[i[0]] for i in L['inbound_nodes'][0]] if L['inbound_nodes'] else []
            if c == 'InputLayer':
                y = x.permute(0, 3, 1, 2) / 255.0
            elif c == 'ZeroPadding2D':
                (t, b), (l, r) = cfg['padding']
                y = F.pad(ins[0], (l, r, t, b))
            elif c in ('Conv2D', 'DepthwiseConv2D'):
                s = cfg['strides'][0]
                pad = 'same' if cfg['padding'] == 'same' else 0
                if pad == 'same' and s != 1:
                    raise ValueError(f'{n}: same padding with stride {s}')
                groups = ins[0].shape[1] if c == 'DepthwiseConv2D' else 1
                y = F.conv2d(ins[0], self.p[n + '__w'], self.p[n + '__b'] if (n + '__b') in self.p else None, stride=s, padding=(cfg['kernel_size'][0] // 2 if pad == 'same' else 0), groups=groups)
            elif c == 'BatchNormalization':
                y = F.batch_norm(ins[0], self.p[n + '__moving_mean'], self.p[n + '__moving_variance'], self.p[n + '__gamma'], self.p[n + '__beta'], False, 0.0, cfg['epsilon'])
            elif c == 'ReLU':
                y = torch.clamp(ins[0], 0, cfg.get('max_value') or float('inf'))
            elif c == 'Add':
                y = ins[0] + ins[1]
            else:
                raise ValueError(f'unsupported layer {c}')
            v[n] = y
        return torch.cat([v[t].mean(dim=(2, 3)) for t in self.taps], dim=1)

meta = json.load(open(os.path.join(work, 'train.json')))
S = meta['size']
X = np.fromfile(os.path.join(work, 'train.u8'), dtype=np.uint8).reshape(-1, S, S, 3)
y = np.array(meta['labels'])
classes = meta['classes']
K = len(classes)
log(f'{len(X)} photos, {K} classes: {classes}')

# held-out selection split, stratified
rng = np.random.RandomState(SEED)
hold = np.zeros(len(y), bool)
for k in range(K):
    idx = np.where(y == k)[0]
    rng.shuffle(idx)
    hold[idx[:max(1, int(round(0.15 * len(idx))))]] = True

def view(img, r):
    """One augmented view (HWC float 0–255): random resized crop, flip, exposure and white-balance shift."""
    t = torch.from_numpy(img).float().permute(2, 0, 1)[None]
    if r is not None:
        sc = r.uniform(0.65, 1.0)
        ar = math.exp(r.uniform(math.log(0.8), math.log(1.25)))
        h = min(S, int(round(S * math.sqrt(sc / ar)))); w = min(S, int(round(S * math.sqrt(sc * ar))))
        y0 = r.randint(0, S - h + 1); x0 = r.randint(0, S - w + 1)
        t = F.interpolate(t[:, :, y0:y0 + h, x0:x0 + w], size=(S, S), mode='bilinear', align_corners=False, antialias=True)
        if r.rand() < 0.5:
            t = t.flip(3)
        gain = r.uniform(0.8, 1.2) * torch.tensor([r.uniform(0.9, 1.1), 1.0, r.uniform(0.9, 1.1)]).view(1, 3, 1, 1)
        t = (t * gain).clamp(0, 255)
    return t[0].permute(1, 2, 0)

net = Backbone(ALL_TAPS).eval()
VIEWS = int(os.environ.get('TRAIN_VIEWS', '4'))
@torch.no_grad()
def features(arr, views):
    """pooled taps of `views` views of every image: view 0 plain, the others augmented (N, V, D)"""
    r = np.random.RandomState(SEED + 1)
    feats = []
    B = 32
    for vi in range(views):
        f = []
        for s in range(0, len(arr), B):
            batch = torch.stack([view(img, None if vi == 0 else r) for img in arr[s:s + B]])
            f.append(net(batch).numpy())
        feats.append(np.concatenate(f))
        log(f'features: view {vi + 1}/{views}')
    return np.stack(feats, 1)  # N, V, D

# tap offsets in the concatenated feature vector
sizes = {'block_10_expand_relu': 384, **{f'block_{b}_expand_relu': 576 for b in (11, 12, 13)}, **{f'block_{b}_expand_relu': 960 for b in (14, 15, 16)}}
offs, o = {}, 0
for t in ALL_TAPS:
    offs[t] = (o, o + sizes[t]); o += sizes[t]

cache = os.path.join(work, f'features-expand-v{VIEWS}.npy')
if os.path.exists(cache):
    Fa = np.load(cache)
    log(f'features from {cache}')
else:
    Fa = features(X, VIEWS)
    np.save(cache, Fa)
assert Fa.shape[2] == o, (Fa.shape, o)

def cols(taps):
    return np.concatenate([np.arange(*offs[t]) for t in taps])

def fit(Ftr, ytr, wd, iters=100):
    """Multinomial logistic regression on standardised features (L-BFGS, full batch); class weights ∝ n^-0.5."""
    mu, sd = Ftr.mean(0), Ftr.std(0) + 1e-3
    Xt = torch.from_numpy((Ftr - mu) / sd)
    yt = torch.from_numpy(ytr).long()
    cnt = np.bincount(ytr, minlength=K).astype(np.float32)
    cw = torch.from_numpy((cnt.sum() / K / cnt) ** 0.5)
    lin = torch.nn.Linear(Xt.shape[1], K)
    with torch.no_grad():
        lin.weight.zero_(); lin.bias.zero_()
    opt = torch.optim.LBFGS(lin.parameters(), lr=1, max_iter=iters, history_size=20, line_search_fn='strong_wolfe')
    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(lin(Xt), yt, weight=cw) + wd * (lin.weight ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return mu, sd, lin

def accuracy(model, Fv, yv):
    mu, sd, lin = model
    with torch.no_grad():
        p = torch.softmax(lin(torch.from_numpy((Fv - mu) / sd)), 1).numpy()
    top1 = (p.argmax(1) == yv).mean()
    top3 = np.mean([yv[i] in np.argsort(-p[i])[:3] for i in range(len(yv))])
    return top1, top3

tr, ho = np.where(~hold)[0], np.where(hold)[0]
results = []
for name, taps in TAP_SETS.items():
    c = cols(taps)
    Ftr = Fa[tr][:, :, c].reshape(-1, len(c)); ytr = np.repeat(y[tr], VIEWS)
    Fho = Fa[ho][:, 0, c]  # held-out photos: the plain view, as at run time
    for wd in (1e-3, 1e-2):
        m = fit(Ftr, ytr, wd)
        a1, a3 = accuracy(m, Fho, y[ho])
        results.append((a1, a3, name, wd))
        log(f'held-out {name:16s} wd={wd:g}: top-1 {a1:.3f} top-3 {a3:.3f}')
best = max(results, key=lambda r: (r[0], r[1]))
log(f'chosen: {best[2]} wd={best[3]:g} (held-out top-1 {best[0]:.3f}, top-3 {best[1]:.3f})')

# refit on every training photo with the chosen settings
taps = TAP_SETS[best[2]]
c = cols(taps)
mu, sd, lin = fit(Fa[:, :, c].reshape(-1, len(c)), np.repeat(y, VIEWS), best[3])

# label / tag close-up detector: a binary logistic head on the same standardised features, generated
# label close-ups (prepare.ts, seeds apart from the bench's; plain and augmented) against the plain
# view of every training photo
label_file = os.path.join(work, 'labels.u8')
XL = np.fromfile(label_file, dtype=np.uint8).reshape(-1, S, S, 3)
lcache = os.path.join(work, f'features-labels-{len(XL)}.npy')
if os.path.exists(lcache):
    FL = np.load(lcache)
else:
    FL = features(XL, 2)
    np.save(lcache, FL)
lhold = np.arange(len(XL)) % 7 == 0
def fit_label(Fg, Fl, wd=1e-2, iters=100):
    Z = torch.from_numpy((np.concatenate([Fg, Fl]) - mu) / sd)
    t = torch.from_numpy(np.concatenate([np.zeros(len(Fg)), np.ones(len(Fl))]).astype(np.float32))
    pw = torch.tensor(len(Fg) / max(1, len(Fl)))
    lab = torch.nn.Linear(Z.shape[1], 1)
    with torch.no_grad():
        lab.weight.zero_(); lab.bias.zero_()
    opt = torch.optim.LBFGS(lab.parameters(), lr=1, max_iter=iters, history_size=20, line_search_fn='strong_wolfe')
    def closure():
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(lab(Z)[:, 0], t, pos_weight=pw) + wd * (lab.weight ** 2).sum()
        loss.backward()
        return loss
    opt.step(closure)
    return lab
lab = fit_label(Fa[tr][:, 0, c], FL[~lhold][:, :, c].reshape(-1, len(c)))
with torch.no_grad():
    pg = torch.sigmoid(lab(torch.from_numpy((Fa[ho][:, 0, c] - mu) / sd)))[:, 0].numpy()
    pl = torch.sigmoid(lab(torch.from_numpy((FL[lhold][:, 0, c] - mu) / sd)))[:, 0].numpy()
label_holdout = {'garment_photos': int(len(pg)), 'false_labels': int((pg >= 0.5).sum()), 'labels': int(len(pl)), 'found': int((pl >= 0.5).sum())}
log(f'label detector, held out: {label_holdout}')
lab = fit_label(Fa[:, 0, c], FL[:, :, c].reshape(-1, len(c)))

class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = Backbone(taps)
        self.mu = torch.nn.Parameter(torch.from_numpy(mu), requires_grad=False)
        self.sd = torch.nn.Parameter(torch.from_numpy(sd), requires_grad=False)
        self.lin = lin
        self.lab = lab
    def forward(self, x):
        f = self.backbone(x)
        z = (f - self.mu) / self.sd
        # embedding for grouping: the standardised head input, unit length
        emb = z / z.norm(dim=1, keepdim=True).clamp_min(1e-6)
        return torch.softmax(self.lin(z), 1), emb, torch.sigmoid(self.lab(z))[:, 0]

model = Classifier().eval()
dummy = torch.from_numpy(X[:2].astype(np.float32))
torch.onnx.export(model, dummy, out_path, input_names=['image'], output_names=['probs', 'embedding', 'label'],
                  dynamic_axes={'image': {0: 'n'}, 'probs': {0: 'n'}, 'embedding': {0: 'n'}, 'label': {0: 'n'}}, opset_version=13)
with torch.no_grad():
    p, e, _ = model(dummy)
np.save(os.path.join(work, 'check-probs.npy'), p.numpy())
json.dump({'classes': classes, 'input': S, 'taps': taps, 'weight_decay': best[3], 'views': VIEWS, 'seed': SEED,
           'embedding_dim': int(e.shape[1]), 'held_out': {'photos': int(hold.sum()), 'top1': round(float(best[0]), 4), 'top3': round(float(best[1]), 4)},
           'label_detector_held_out': label_holdout,
           'selection': [{'taps': r[2], 'weight_decay': r[3], 'top1': round(float(r[0]), 4), 'top3': round(float(r[1]), 4)} for r in results],
           'seconds': round(time.time() - t0)}, open(os.path.join(work, 'train-result.json'), 'w'), indent=2)
log(f'wrote {out_path}')
