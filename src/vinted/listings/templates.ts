// Title/description templates: Nunjucks, plus the spec's `{Var}` shorthand ("{Category} {Couleur}")
// which is rewritten to `{{ Var }}` when a template has no Nunjucks tags of its own.
import nunjucks from 'nunjucks';

// Nunjucks is not a security sandbox: an expression can climb to Function through `constructor`.
// Templates are edited by operators, still refuse those names so a template can only format text.
const FORBIDDEN = /\b(constructor|__proto__|prototype|process|require|global(This)?|Function|eval|import)\b/;

const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false, trimBlocks: false });

export function toNunjucks(template: string): string {
  if (/\{\{|\{%/.test(template)) return template;
  return template.replace(/\{\s*([\p{L}_][\p{L}\p{N}_]*)\s*\}/gu, '{{ $1 }}');
}

export class TemplateError extends Error {}

export function checkTemplate(template: string): void {
  const t = toNunjucks(template);
  const code = (t.match(/\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g) ?? []).join(' ');
  if (FORBIDDEN.test(code)) throw new TemplateError('template uses a forbidden name (constructor, process, …)');
  try {
    nunjucks.compile(t, env);
    env.renderString(t, {});
  } catch (e) {
    throw new TemplateError(`template does not compile: ${(e as Error).message.split('\n').slice(-1)[0].trim()}`);
  }
}

/** Renders then tidies what empty variables leave behind (double spaces, "()", a dangling "–"). */
export function renderTemplate(template: string, vars: Record<string, unknown>): string {
  checkTemplate(template);
  const out = env.renderString(toNunjucks(template), vars);
  return out
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
