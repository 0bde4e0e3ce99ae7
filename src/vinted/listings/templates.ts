// Title/description templates: a small logic-less language evaluated by our own code, so that a
// template can only format the listing's plain values (strings, numbers) and never reach a
// JavaScript object (Nunjucks, used before, is not a sandbox: `~` concatenation built names that
// climbed to Function). There are no loops and no property access: rendering is linear in the size
// of the template, and its output is capped.
//
//   {Catégorie}                     a variable (names ignore case and accents: {categorie} is the same)
//   {Marque|majuscules}             filters: majuscules/upper, minuscules/lower, capitalize/majuscule,
//   {Titre|tronquer:40}             tronquer/truncate:N, défaut/default:"texte"
//   {#Ville} depuis {Ville}{/Ville} a section: kept only when the variable is not empty
//   {^Marque}sans marque{/Marque}   an inverted section: kept only when the variable is empty
//
// Templates saved before (Nunjucks) keep working when they use only `{{ X }}`, `{{ X | filter }}` and
// `{% if X %}…{% endif %}` / `{% if not X %}`: they are read as the forms above.
import { fold } from './text.ts';

export class TemplateError extends Error {}

export const TEMPLATE_MAX_LENGTH = 5000;
export const OUTPUT_MAX_LENGTH = 10_000;
const MAX_DEPTH = 8;

/** The variables a listing template may use: French names first, English aliases accepted. */
export const TEMPLATE_VARIABLES = {
  'Catégorie': ['category'],
  Couleur: ['color', 'colour'],
  Couleurs: ['colors', 'colours'],
  'État': ['condition'],
  Taille: ['size'],
  Marque: ['brand'],
  Ville: ['city'],
  Prix: ['price'],
  Hashtags: [],
} as const satisfies Record<string, readonly string[]>;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export type TemplateValues = Partial<Record<TemplateVariable, string | number | null | undefined>>;

const key = (name: string) => fold(name).replace(/ /g, '');
const CANONICAL = new Map<string, TemplateVariable>();
for (const [name, aliases] of Object.entries(TEMPLATE_VARIABLES) as [TemplateVariable, readonly string[]][]) {
  for (const n of [name, ...aliases]) CANONICAL.set(key(n), name);
}

type Filter = { name: string; arg?: string | number };
// Maps, not object literals: a lookup by a user-written name must never find `constructor`
const FILTERS = new Map<string, (v: string, arg?: string | number) => string>(Object.entries({
  majuscules: (v: string) => v.toLocaleUpperCase('fr'),
  minuscules: (v: string) => v.toLocaleLowerCase('fr'),
  majuscule: (v: string) => (v ? v.charAt(0).toLocaleUpperCase('fr') + v.slice(1) : v),
  tronquer: (v: string, n?: string | number) => {
    const max = Math.max(0, Math.min(1000, Number(n) || 0));
    const chars = [...v];
    return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…` : v;
  },
  'défaut': (v: string, d?: string | number) => (v.trim() ? v : String(d ?? '')),
} satisfies Record<string, (v: string, arg?: string | number) => string>));
const FILTER_ALIASES = new Map<string, string>([
  ['upper', 'majuscules'], ['lower', 'minuscules'], ['capitalize', 'majuscule'], ['truncate', 'tronquer'], ['default', 'défaut'], ['defaut', 'défaut'],
]);
const filterName = (n: string): string | null => {
  const k = n.toLowerCase();
  if (FILTERS.has(k)) return k;
  return FILTER_ALIASES.get(fold(k)) ?? (FILTERS.has(fold(k)) ? fold(k) : null);
};

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: TemplateVariable; filters: Filter[] }
  | { kind: 'section'; name: TemplateVariable; inverted: boolean; body: Node[] };

const NAME = String.raw`[\p{L}_][\p{L}\p{N}_]*`;
const ARG = String.raw`(?:-?\d+(?:\.\d+)?|"[^"{}]*"|'[^'{}]*')`;
const EXPR = String.raw`${NAME}(?:\s*\|\s*${NAME}(?:\s*[:(]\s*${ARG}\s*\)?)?)*`;
// a tag: `{% … %}` (legacy), `{{ … }}` (legacy), or `{…}`
const TAG = new RegExp(String.raw`\{%\s*([^%{}]*?)\s*%\}|\{\{\s*([^{}]*?)\s*\}\}|\{([#^/]?)\s*([^{}]*?)\s*\}`, 'gu');
const EXPR_RE = new RegExp(String.raw`^${EXPR}$`, 'u');

function variable(name: string): TemplateVariable {
  const v = CANONICAL.get(key(name));
  if (!v) {
    const known = Object.keys(TEMPLATE_VARIABLES).map((n) => `{${n}}`).join(', ');
    throw new TemplateError(`variable inconnue {${name}} : variables possibles ${known}`);
  }
  return v;
}

function expression(src: string): { name: TemplateVariable; filters: Filter[] } {
  if (!EXPR_RE.test(src)) throw new TemplateError(`expression invalide {${src}} : écrivez {Variable} ou {Variable|filtre}`);
  const [head, ...rest] = src.split('|').map((s) => s.trim());
  const filters = rest.map((f): Filter => {
    const m = new RegExp(String.raw`^(${NAME})(?:\s*[:(]\s*(${ARG})\s*\)?)?$`, 'u').exec(f)!;
    const name = filterName(m[1]);
    if (!name) throw new TemplateError(`filtre inconnu « ${m[1]} » : filtres possibles ${[...FILTERS.keys()].join(', ')}`);
    const raw = m[2];
    const arg = raw === undefined ? undefined : /^["']/.test(raw) ? raw.slice(1, -1) : Number(raw);
    return { name, arg };
  });
  return { name: variable(head), filters };
}

/** Parses a template; throws TemplateError with a French message naming the problem. */
export function parseTemplate(template: string): Node[] {
  if (typeof template !== 'string') throw new TemplateError('le modèle doit être un texte');
  if (template.length > TEMPLATE_MAX_LENGTH) throw new TemplateError(`modèle trop long (${template.length} caractères, ${TEMPLATE_MAX_LENGTH} au plus)`);
  const root: Node[] = [];
  const stack: { name: TemplateVariable; nodes: Node[]; legacy: boolean }[] = [];
  let cur = root;
  let last = 0;
  const text = (t: string) => {
    if (!t) return;
    if (/[{}]/.test(t)) throw new TemplateError(`accolade seule dans « ${t.trim().slice(0, 30)} » : une accolade ouvre une variable, comme {Marque}`);
    cur.push({ kind: 'text', text: t });
  };
  const open = (name: TemplateVariable, inverted: boolean, legacy: boolean) => {
    if (stack.length >= MAX_DEPTH) throw new TemplateError(`trop de sections imbriquées (${MAX_DEPTH} au plus)`);
    const node: Node = { kind: 'section', name, inverted, body: [] };
    cur.push(node);
    stack.push({ name, nodes: cur, legacy });
    cur = node.body;
  };
  const close = (name: TemplateVariable | null, legacy: boolean) => {
    const top = stack.pop();
    if (!top) throw new TemplateError(legacy ? '{% endif %} sans {% if %}' : `{/${name}} ferme une section qui n'est pas ouverte`);
    if (!legacy && top.name !== name) throw new TemplateError(`{/${name}} ferme la section {#${top.name}}`);
    cur = top.nodes;
  };
  for (const m of template.matchAll(TAG)) {
    text(template.slice(last, m.index));
    last = m.index + m[0].length;
    const [, stmt, legacyExpr, sigil, expr] = m;
    if (stmt !== undefined) {
      const ifm = /^if\s+(not\s+)?(\S+)$/u.exec(stmt);
      if (ifm) open(variable(ifm[2]), !!ifm[1], true);
      else if (stmt === 'endif') close(null, true);
      else throw new TemplateError(`balise {% ${stmt} %} non prise en charge : utilisez {#Variable}…{/Variable}`);
    } else if (legacyExpr !== undefined) {
      cur.push({ kind: 'var', ...expression(legacyExpr) });
    } else if (sigil === '#' || sigil === '^') {
      open(variable(expr), sigil === '^', false);
    } else if (sigil === '/') {
      close(variable(expr), false);
    } else {
      cur.push({ kind: 'var', ...expression(expr) });
    }
  }
  text(template.slice(last));
  if (stack.length) {
    const top = stack[stack.length - 1];
    throw new TemplateError(top.legacy ? '{% if %} sans {% endif %}' : `section {#${top.name}} jamais fermée : ajoutez {/${top.name}}`);
  }
  return root;
}

/** Throws TemplateError when the template does not parse or names an unknown variable or filter. */
export function checkTemplate(template: string): void {
  parseTemplate(template);
}

function valueOf(values: TemplateValues, name: TemplateVariable): string {
  // own properties only: the values come from our code, never a prototype lookup
  const v = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return typeof v === 'string' ? v : '';
}

function evaluate(nodes: Node[], values: TemplateValues, out: string[], size: { n: number }): void {
  for (const node of nodes) {
    if (node.kind === 'section') {
      const present = valueOf(values, node.name).trim() !== '';
      if (present !== node.inverted) evaluate(node.body, values, out, size);
      continue;
    }
    let s = node.kind === 'text' ? node.text : valueOf(values, node.name);
    if (node.kind === 'var') for (const f of node.filters) s = FILTERS.get(f.name)!(s, f.arg);
    size.n += s.length;
    if (size.n > OUTPUT_MAX_LENGTH) throw new TemplateError(`texte produit trop long (plus de ${OUTPUT_MAX_LENGTH} caractères)`);
    out.push(s);
  }
}

/** Renders then tidies what empty variables leave behind (double spaces, "()", a dangling "–"). */
export function renderTemplate(template: string, values: TemplateValues): string {
  const out: string[] = [];
  evaluate(parseTemplate(template), values, out, { n: 0 });
  return out.join('')
    .split('\n')
    .map((line) => line
      .replace(/\(\s*\)/g, '')
      .replace(/[ \t]+/g, ' ')
      .replace(/\s+([.,)])/g, '$1')
      .replace(/\(\s+/g, '(')
      .replace(/\s*[–-]\s*Taille\s*$/i, '')
      .replace(/\s*[–-]\s*$/, '')
      .replace(/^\s*[.,]\s*/, '')
      .replace(/\.\s*\./g, '.')
      .trim())
    .join('\n')
    .trim();
}
