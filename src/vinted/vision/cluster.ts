// Grouping photos into articles.
//
// 1. Visual clustering: agglomerative, average linkage on cosine distance, merging while the
//    average distance between two groups is ≤ eps and the merged group has ≤ maxSize photos.
// 2. Is the capture order informative? If the visual groups are mostly runs of consecutive photos
//    (far more than a shuffled order would give), the photos were shot garment by garment: then the
//    grouping is redone as a segmentation of the capture sequence (dynamic programming over runs of
//    1..maxSize photos), which keeps close-ups and odd angles with their neighbours and splits two
//    similar garments shot one after the other. Large EXIF time gaps push toward a cut.
//    Otherwise the order-free grouping runs on locally scaled distances, with a size-aware
//    threshold and, when the classifier's probabilities are given, a class veto between groups.
// 3. Small groups (< minSamples) join their nearest group when it is close enough (1.5 × eps).
// Each group gets a confidence score (mean silhouette mapped to 0–1) and the MST edges that join it.

export interface ClusterParams {
  eps: number;
  minSamples: number;
  maxSize: number;
}

export interface ClusterInput extends ClusterParams {
  n: number;
  /** symmetric n×n distance matrix, row-major */
  dist: Float32Array;
  /** photo indices in capture order */
  order: number[];
  /** capture time in ms per photo index (null when unknown) */
  times: (number | null)[];
  /** the garment classifier's class probabilities per photo (null: no vote), for the class veto */
  classProbs?: (Float32Array | null)[];
}

export interface Group {
  members: number[];               // photo indices, capture order
  score: number;
  joins: { a: number; b: number; distance: number }[];
}

export interface ClusterOutput {
  mode: 'sequence' | 'visual';
  contiguity: number;
  groups: Group[];
}

/** Per-segment bias of the sequence segmentation (in distance units): > 0 favours fewer, longer runs. */
export const SEGMENT_BIAS = 0.0;
/**
 * In sequence mode only neighbours compete, so the threshold can be looser: eps × this factor
 * (tuned on the benchmark shoots: close-ups and odd angles stay with their garment).
 */
export const SEQUENCE_EPS_FACTOR = 1.75;

/**
 * Order-free grouping (shuffled names): two groups merge while their average distance (locally
 * scaled, see localScale) is ≤ eps × VISUAL_EPS_FACTOR × (1 + SMALL_GROUP_BONUS / m), m = the
 * smaller group's size. A lone photo (a close-up, an odd angle) joins at 1.08 × eps, two groups of
 * four or more merge only under 0.945 × eps: a small group's average distance rests on few pairs
 * and is the noisier one, while two established groups that are only fairly close are usually two
 * similar garments. Chosen on the mean and worst ARI over six generated shoots
 * (bench/vinted/grouping-eval.ts); a plateau: 0.15–0.3 / 0.84–0.9 eps score within 0.01.
 */
export const VISUAL_EPS_FACTOR = 0.9;
export const SMALL_GROUP_BONUS = 0.2;
/**
 * Class veto (order-free mode, when class probabilities are given): groups of ≥ 3 photos whose
 * classes agree with a chance under 0.1 stay apart. Chosen on the shoots from clothing-train
 * (bench/vinted/grouping-eval.md): minimum size 3, 0.05–0.3 all score within 0.004; size 1–2 lose.
 */
export const CLASS_VETO = { minSize: 3, minSame: 0.1 };

/**
 * Class veto for the order-free grouping: two groups of at least `minSize` photos whose combined
 * class probabilities (normalised geometric mean of their photos', the way an article's category is
 * combined) give a chance under `minSame` that they show the same class never merge. One photo's
 * class is not trusted (close-ups and odd angles are often misread: 0.75 top-1 per generated shot),
 * a few photos' together are.
 */
export interface ClassVeto { probs: Float32Array[]; minSize: number; minSame: number }
/**
 * Average-linkage agglomerative clustering: repeatedly merges the two groups with the smallest
 * average distance (relative to their threshold), while it is ≤ eps × (1 + smallBonus / smaller
 * size) and the merged group has ≤ maxSize photos.
 */
export function agglomerative(n: number, dist: Float32Array, eps: number, maxSize: number, smallBonus = 0, classes?: ClassVeto): number[][] {
  const D = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) D[i] = dist[i]!;
  const size = new Int32Array(n).fill(1);
  const active = new Uint8Array(n).fill(1);
  const members: number[][] = Array.from({ length: n }, (_, i) => [i]);
  // per group: the sum of its photos' log class probabilities
  const K = classes?.probs[0]?.length ?? 0;
  const logp = new Float64Array(n * K);
  for (let i = 0; i < n && classes; i++) for (let c = 0; c < K; c++) logp[i * K + c] = Math.log(Math.max(classes.probs[i]![c]!, 1e-6));
  const q = (i: number): Float64Array => {
    const out = new Float64Array(K);
    let m = -Infinity, t = 0;
    for (let c = 0; c < K; c++) m = Math.max(m, logp[i * K + c]! / size[i]!);
    for (let c = 0; c < K; c++) { out[c] = Math.exp(logp[i * K + c]! / size[i]! - m); t += out[c]!; }
    for (let c = 0; c < K; c++) out[c]! /= t;
    return out;
  };
  // chance that two groups show the same class: Σ_c q_i(c)·q_j(c)
  const sameClass = (i: number, j: number): number => { const a = q(i), b = q(j); let s = 0; for (let c = 0; c < K; c++) s += a[c]! * b[c]!; return s; };
  // merge key of two groups: their average distance over their threshold factor (∞ past the size cap)
  const key = (i: number, j: number): number => {
    const si = size[i]!, sj = size[j]!;
    if (si + sj > maxSize) return Infinity;
    if (classes && si >= classes.minSize && sj >= classes.minSize && sameClass(i, j) < classes.minSame) return Infinity;
    return smallBonus ? D[i * n + j]! / (1 + smallBonus / Math.min(si, sj)) : D[i * n + j]!;
  };
  // each group's nearest partner, cached: a merge only rescans the rows it can have changed, so
  // the whole clustering costs about n² instead of n³ (500 photos: ~10× faster), same merges
  const nn = new Int32Array(n).fill(-1);
  const nk = new Float64Array(n).fill(Infinity);
  const scan = (i: number): void => {
    let b = Infinity, bj = -1;
    for (let j = 0; j < n; j++) {
      if (j === i || !active[j]) continue;
      const v = key(i, j);
      if (v < b) { b = v; bj = j; }
    }
    nn[i] = bj; nk[i] = b;
  };
  for (let i = 0; i < n; i++) scan(i);
  for (;;) {
    let bi = -1, best = Infinity;
    for (let i = 0; i < n; i++) if (active[i] && nk[i]! < best) { best = nk[i]!; bi = i; }
    if (bi < 0 || best > eps) break;
    let bj = nn[bi]!;
    if (bj < bi) [bi, bj] = [bj, bi]; // the lower index survives, as in a plain scan
    // Lance–Williams update for average linkage
    const si = size[bi]!, sj = size[bj]!;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === bi || k === bj) continue;
      const v = (si * D[bi * n + k]! + sj * D[bj * n + k]!) / (si + sj);
      D[bi * n + k] = v; D[k * n + bi] = v;
    }
    size[bi] = si + sj;
    for (let c = 0; c < K; c++) logp[bi * K + c]! += logp[bj * K + c]!;
    members[bi] = members[bi]!.concat(members[bj]!);
    active[bj] = 0;
    scan(bi);
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === bi) continue;
      if (nn[k] === bi || nn[k] === bj) { scan(k); continue; }
      const v = key(k, bi);
      if (v < nk[k]!) { nk[k] = v; nn[k] = bi; }
    }
  }
  return members.filter((_, i) => active[i]);
}

/** Share of within-group links that are consecutive in capture order (1 = every group is a run). */
export function contiguity(groups: number[][], order: number[]): { value: number; random: number } {
  const n = order.length;
  const gid = new Int32Array(n);
  groups.forEach((g, k) => g.forEach((i) => (gid[i] = k)));
  let adj = 0;
  for (let p = 1; p < n; p++) if (gid[order[p]!] === gid[order[p - 1]!]) adj++;
  let links = 0, expected = 0;
  for (const g of groups) { links += g.length - 1; expected += (g.length * (g.length - 1)) / Math.max(1, n); }
  return { value: links ? adj / links : 0, random: links ? expected / links : 0 };
}

function segmentSequence(inp: ClusterInput): number[][] {
  const { n, dist, order, maxSize, times } = inp;
  const eps = inp.eps * SEQUENCE_EPS_FACTOR;
  // big time gaps between consecutive shots (≥ 4× the median gap and ≥ 45 s) count against a run spanning them
  const gaps: number[] = [];
  for (let p = 1; p < n; p++) {
    const a = times[order[p - 1]!], b = times[order[p]!];
    gaps.push(a != null && b != null ? Math.abs(b - a) : NaN);
  }
  const known = gaps.filter((g) => !Number.isNaN(g)).sort((x, y) => x - y);
  const med = known.length ? known[Math.floor(known.length / 2)]! : NaN;
  const bigGap = gaps.map((g) => !Number.isNaN(g) && !Number.isNaN(med) && g >= Math.max(4 * med, 45_000));
  const best = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1);
  best[0] = 0;
  for (let e = 1; e <= n; e++) {
    // grow the run backwards from e-1, accumulating pair costs (d - eps)
    let cost = 0;
    let gapsInside = 0;
    for (let len = 1; len <= Math.min(maxSize, e); len++) {
      const s = e - len;
      const newcomer = order[s]!;
      for (let q = s + 1; q < e; q++) cost += dist[newcomer * n + order[q]!]! - eps;
      if (len > 1 && bigGap[s]) gapsInside++;
      // pair costs are normalised by run size so long runs are not favoured just for having more pairs
      const v = best[s]! + (len > 1 ? (2 * cost) / len : 0) + SEGMENT_BIAS + gapsInside * eps;
      if (v < best[e]!) { best[e] = v; from[e] = s; }
    }
  }
  const runs: number[][] = [];
  for (let e = n; e > 0; e = from[e]!) runs.push(order.slice(from[e]!, e));
  return runs.reverse();
}

function meanDist(dist: Float32Array, n: number, i: number, g: number[]): number {
  let s = 0, c = 0;
  for (const j of g) if (j !== i) { s += dist[i * n + j]!; c++; }
  return c ? s / c : NaN;
}

function attachSmall(groups: number[][], inp: ClusterInput): number[][] {
  if (inp.minSamples <= 1) return groups;
  const gs = groups.map((g) => g.slice());
  for (let k = 0; k < gs.length; k++) {
    const g = gs[k]!;
    if (!g.length || g.length >= inp.minSamples) continue;
    let best = Infinity, bk = -1;
    for (let o = 0; o < gs.length; o++) {
      if (o === k || !gs[o]!.length || gs[o]!.length + g.length > inp.maxSize) continue;
      let s = 0;
      for (const i of g) s += meanDist(inp.dist, inp.n, i, gs[o]!);
      if (s / g.length < best) { best = s / g.length; bk = o; }
    }
    if (bk >= 0 && best <= 1.5 * inp.eps) { gs[bk]!.push(...g); gs[k] = []; }
  }
  return gs.filter((g) => g.length);
}

function mst(members: number[], dist: Float32Array, n: number): Group['joins'] {
  if (members.length < 2) return [];
  const inTree = [members[0]!];
  const rest = new Set(members.slice(1));
  const joins: Group['joins'] = [];
  while (rest.size) {
    let best = Infinity, a = -1, b = -1;
    for (const i of inTree) for (const j of rest) {
      const d = dist[i * n + j]!;
      if (d < best) { best = d; a = i; b = j; }
    }
    joins.push({ a, b, distance: Math.round(best * 1e4) / 1e4 });
    inTree.push(b); rest.delete(b);
  }
  return joins;
}

/** Neighbour ranks (1 = nearest) whose mean distance is a photo's local scale: about one article out (cap 8). */
export const LOCAL_SCALE_RANKS: [number, number] = [3, 8];

/**
 * Local scaling of the distances ("self-tuning", Zelnik-Manor & Perona 2004):
 * d'(i,j) = d(i,j) · median(s) / √(s_i·s_j), with s_i the mean distance from photo i to its
 * LOCAL_SCALE_RANKS nearest photos. A garment whose shots vary a lot (close-ups, zoomed-out shots)
 * sits in a sparse region: its distances shrink; garments of a crowded class (five grey T-shirts)
 * sit in a dense region: theirs grow. One global eps then fits both, in the original units (the
 * median photo is unchanged). Needs enough photos for "nearby" to mean something: below
 * 2 × maxSize the distances are returned as they are.
 */
export function localScale(n: number, dist: Float32Array, maxSize: number, ranks = LOCAL_SCALE_RANKS): Float32Array {
  if (n < 2 * Math.max(maxSize, ranks[1])) return dist;
  const s = new Float64Array(n);
  const row = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) row[k++] = dist[i * n + j]!;
    row.sort();
    let t = 0;
    for (let r = ranks[0]; r <= ranks[1]; r++) t += row[r - 1]!;
    s[i] = t / (ranks[1] - ranks[0] + 1);
  }
  const med = Float64Array.from(s).sort()[n >> 1]!;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const v = dist[i * n + j]! * (med / (Math.sqrt(s[i]! * s[j]!) || 1));
    out[i * n + j] = v; out[j * n + i] = v;
  }
  return out;
}

/** Class probabilities with the missing ones made uniform (a photo the classifier did not see has no say). */
function classVotes(probs: (Float32Array | null)[]): Float32Array[] {
  const K = probs.find((p) => p)?.length ?? 1;
  return probs.map((p) => p ?? new Float32Array(K).fill(1 / K));
}

export function clusterPhotos(inp: ClusterInput): ClusterOutput {
  const { n, dist, order, eps } = inp;
  if (n === 0) return { mode: 'visual', contiguity: 0, groups: [] };
  // the order test looks at plain visual groups; order-free grouping, when it stands, uses locally scaled distances
  const visual = agglomerative(n, dist, eps, inp.maxSize);
  const c = contiguity(visual, order);
  const sequential = n >= 3 && c.value >= 0.6 && c.value >= c.random + 0.3;
  const veto = inp.classProbs ? { probs: classVotes(inp.classProbs), ...CLASS_VETO } : undefined;
  let groups = sequential ? segmentSequence(inp) : agglomerative(n, localScale(n, dist, inp.maxSize), eps * VISUAL_EPS_FACTOR, inp.maxSize, SMALL_GROUP_BONUS, veto);
  groups = attachSmall(groups, inp);
  const rank = new Int32Array(n);
  order.forEach((i, p) => (rank[i] = p));
  groups = groups.map((g) => g.slice().sort((a, b) => rank[a]! - rank[b]!)).sort((a, b) => rank[a[0]!]! - rank[b[0]!]!);
  const out: Group[] = groups.map((g, k) => {
    // silhouette per photo: a = mean distance inside its group (eps for a lone photo), b = nearest other group
    let sum = 0;
    for (const i of g) {
      const a = g.length > 1 ? meanDist(dist, n, i, g) : eps;
      let b = Infinity;
      groups.forEach((o, ok) => { if (ok !== k) b = Math.min(b, meanDist(dist, n, i, o)); });
      if (!Number.isFinite(b)) b = 2 * eps;
      const s = (b - a) / Math.max(a, b, 1e-9);
      sum += 0.5 + 0.5 * s;
    }
    return { members: g, score: Math.round((sum / g.length) * 100) / 100, joins: mst(g, dist, n) };
  });
  return { mode: sequential ? 'sequence' : 'visual', contiguity: Math.round(c.value * 100) / 100, groups: out };
}
