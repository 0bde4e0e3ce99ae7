"""Garment classifier training (dev tool; run through `npm run train:garments`, see scripts/garments/train.ts).

Backbone: MobileNetV2 as shipped in nsfwjs (Keras topology + weights prepared by prepare.ts), rebuilt
in PyTorch and kept frozen. Head: a linear softmax on the global-average-pooled features of a few
layers, trained on each photo of ../shared/data/clothing-train as decoded and as phone-like shots of it
(prepare.ts: close-ups). Settings (views, weight decay) chosen on a stratified 15 % of the training
photos held out; the chosen head is then refit on all training photos. clothing-validation is never
read here.

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
ALL_TAPS = EXPAND

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

net = Backbone(ALL_TAPS).eval()

@torch.no_grad()
def features(arr):
    """pooled taps of every image (N, D)"""
    f = []
    B = 32
    for s in range(0, len(arr), B):
        f.append(net(torch.from_numpy(arr[s:s + B].astype(np.float32))).numpy())
    return np.concatenate(f)

# tap offsets in the concatenated feature vector
sizes = {'block_10_expand_relu': 384, **{f'block_{b}_expand_relu': 576 for b in (11, 12, 13)}, **{f'block_{b}_expand_relu': 960 for b in (14, 15, 16)}}
offs, o = {}, 0
for t in ALL_TAPS:
    offs[t] = (o, o + sizes[t]); o += sizes[t]

def cached_features(name, u8_file):
    """features of the rasters in `u8_file`, cached as features-<name>.npy (a rerun skips the backbone pass)"""
    cache = os.path.join(work, f'features-{name}.npy')
    if os.path.exists(cache):
        log(f'features of {name} from {cache}')
        return np.load(cache)
    t = time.time()
    f = features(np.fromfile(u8_file, dtype=np.uint8).reshape(-1, S, S, 3))
    np.save(cache, f)
    log(f'features of {name}: {time.time() - t:.0f} s')
    return f

# views of every training photo: 0 is the photo as decoded (plain), then the phone-like shots made by
# prepare.ts (shots-<v>-<kind>.u8: tilted crops, close-ups, zoomed-out frames)
shot_files = sorted((f for f in os.listdir(work) if f.startswith('shots-') and f.endswith('.u8')), key=lambda f: int(f.split('-')[1]))
view_names = ['plain'] + [f[:-3] for f in shot_files]
Fa = np.stack([cached_features('plain', os.path.join(work, 'train.u8'))] +
              [cached_features(f[:-3], os.path.join(work, f)) for f in shot_files], 1)  # N, V, D
VIEWS = Fa.shape[1]
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

def predict(model, Fv):
    mu, sd, lin = model
    with torch.no_grad():
        return torch.softmax(lin(torch.from_numpy((Fv - mu) / sd)), 1).numpy()

def topk(p, yv):
    r = np.argsort(-p, 1)
    return float((r[:, 0] == yv).mean()), float((r[:, :3] == yv[:, None]).any(1).mean())

def geo_mean(p):
    """an article's scores from its photos (N, V, K) → (N, K): the normalised geometric mean, as combineProbs does at run time"""
    l = np.log(np.maximum(p, 1e-6)).mean(1)
    e = np.exp(l - l.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)

def held_out_scores(model, Fho, yho):
    """held-out photos: each view alone (top-1 per view kind), the plain view (per photo, as before), and the
    photo's views combined (a held-out garment shot like a shoot's: one source photo, several shots)"""
    P = predict(model, Fho.reshape(-1, Fho.shape[2])).reshape(Fho.shape[0], Fho.shape[1], K)
    views = topk(P.reshape(-1, K), np.repeat(yho, Fho.shape[1]))
    return {'views_top1': round(views[0], 4), 'views_top3': round(views[1], 4),
            'plain_top1': round(topk(P[:, 0], yho)[0], 4), 'plain_top3': round(topk(P[:, 0], yho)[1], 4),
            'garment_top1': round(topk(geo_mean(P), yho)[0], 4), 'garment_top3': round(topk(geo_mean(P), yho)[1], 4),
            'per_view_top1': {view_names[v]: round(topk(P[:, v], yho)[0], 4) for v in range(Fho.shape[1])}}

# Settings chosen on the held-out 15 % of clothing-train, scored on every view of the held-out photos
# (plain and shots alike: run time sees both); the plain-only head is the old recipe's stand-in.
tr, ho = np.where(~hold)[0], np.where(hold)[0]
taps = EXPAND
c = cols(taps)
CANDIDATES = [('plain', [0], 1e-2)] + [('plain+shots', list(range(VIEWS)), wd) for wd in (1e-2, 1e-1)]
results = []
for name, vs, wd in CANDIDATES:
    m = fit(Fa[tr][:, vs][:, :, c].reshape(-1, len(c)), np.repeat(y[tr], len(vs)), wd)
    sc = held_out_scores(m, Fa[ho][:, :, c], y[ho])
    results.append({'views': name, 'weight_decay': wd, **sc})
    log(f'held-out {name:12s} wd={wd:g}: {sc}')
best = max(results, key=lambda r: (r['views_top1'], r['garment_top1']))
log(f'chosen: {best}')

# refit on every training photo with the chosen settings
vs = next(c_[1] for c_ in CANDIDATES if c_[0] == best['views'])
mu, sd, lin = fit(Fa[:, vs][:, :, c].reshape(-1, len(c)), np.repeat(y, len(vs)), best['weight_decay'])

# label / tag close-up detector: a binary logistic head on the same standardised features, generated
# label close-ups (prepare.ts, seeds apart from the bench's) against every view of the training photos
# (their close-ups included: a close-up of a garment must not be read as a label)
FL = cached_features('labels', os.path.join(work, 'labels.u8'))
lhold = np.arange(len(FL)) % 7 == 0
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
lab = fit_label(Fa[tr][:, :, c].reshape(-1, len(c)), FL[~lhold][:, c])
with torch.no_grad():
    pg = torch.sigmoid(lab(torch.from_numpy((Fa[ho][:, :, c].reshape(-1, len(c)) - mu) / sd)))[:, 0].numpy()
    pl = torch.sigmoid(lab(torch.from_numpy((FL[lhold][:, c] - mu) / sd)))[:, 0].numpy()
label_holdout = {'garment_views': int(len(pg)), 'false_labels': int((pg >= 0.5).sum()), 'labels': int(len(pl)), 'found': int((pl >= 0.5).sum())}
log(f'label detector, held out: {label_holdout}')
lab = fit_label(Fa[:, :, c].reshape(-1, len(c)), FL[:, c])

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
json.dump({'classes': classes, 'input': S, 'taps': taps, 'views': [view_names[v] for v in vs],
           'weight_decay': best['weight_decay'], 'seed': SEED, 'embedding_dim': int(e.shape[1]),
           'held_out': {'photos': int(hold.sum()), **{k: v for k, v in best.items() if k not in ('views', 'weight_decay')}},
           'label_detector_held_out': label_holdout, 'selection': results,
           'seconds': round(time.time() - t0)}, open(os.path.join(work, 'train-result.json'), 'w'), indent=2)
log(f'wrote {out_path}')
