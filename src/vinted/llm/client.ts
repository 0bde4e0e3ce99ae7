// Optional vision LLM: any OpenAI-compatible chat-completions endpoint that accepts images (OpenAI,
// Mistral, Ollama, LM Studio, vLLM). Per article: 1–3 photos (the label close-up first) as data
// URLs, one question, a JSON answer checked with zod. Requests go through core's HTTP client (SSRF
// guard, retries on 429/5xx with Retry-After); the API key is read from the vault by the caller and
// never logged or returned.
import { z } from 'zod';
import type { HttpClient } from '../../core/http.ts';

export interface LlmConfig {
  baseUrl: string;
  model: string;
  /** € per million prompt / completion tokens (0 for a local model) */
  priceInput: number;
  priceOutput: number;
  timeoutMs?: number;
}

/** What the model must answer (also sent as the JSON schema of response_format). */
export const LlmAnswer = z.object({
  category: z.string().max(80).nullable(),
  brand: z.string().max(80).nullable(),
  size: z.string().max(40).nullable(),
  material: z.string().max(120).nullable(),
  colors: z.array(z.string().max(40)).max(3),
  defects: z.array(z.string().max(160)).max(5),
  description: z.string().max(1500).nullable(),
  confidence: z.number().min(0).max(1).optional(),
});
export type LlmAnswer = z.infer<typeof LlmAnswer>;

const ANSWER_SCHEMA = {
  type: 'object', additionalProperties: false,
  required: ['category', 'brand', 'size', 'material', 'colors', 'defects', 'description', 'confidence'],
  properties: {
    category: { type: ['string', 'null'] }, brand: { type: ['string', 'null'] }, size: { type: ['string', 'null'] },
    material: { type: ['string', 'null'] }, colors: { type: 'array', items: { type: 'string' } },
    defects: { type: 'array', items: { type: 'string' } }, description: { type: ['string', 'null'] },
    confidence: { type: 'number' },
  },
};

/** The chat-completions response fields we read (OpenAI "chat completion object"; Ollama/vLLM/Mistral send the same). */
const ChatCompletion = z.object({
  choices: z.array(z.object({
    message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
    finish_reason: z.string().nullable().optional(),
  })).min(1),
  usage: z.object({ prompt_tokens: z.number().int().nonnegative(), completion_tokens: z.number().int().nonnegative() }).partial().optional(),
});

export class LlmError extends Error {
  readonly code: 'http' | 'malformed' | 'refused';
  readonly status: number | null;
  constructor(code: LlmError['code'], message: string, status: number | null = null) {
    super(message);
    this.name = 'LlmError';
    this.code = code;
    this.status = status;
  }
}

export interface LlmResult { answer: LlmAnswer; promptTokens: number; completionTokens: number }

export function prompt(categories: string[], hints: { category?: string | null; brand?: string | null; size?: string | null }): string {
  return [
    'Tu aides un vendeur de vêtements d’occasion sur Vinted. Les photos montrent UN seul article (la première peut être son étiquette).',
    'Réponds uniquement par un objet JSON avec les clés : category, brand, size, material, colors, defects, description, confidence.',
    `category : une de ${categories.map((c) => `"${c}"`).join(', ')}, ou null.`,
    'brand et size : lus sur l’étiquette quand elle est visible, sinon null (n’invente rien).',
    'material : la composition lue sur l’étiquette, ou null. colors : 1 à 3 couleurs en français. defects : défauts visibles (taches, trous, boulochage), liste vide sinon.',
    'description : 2 à 4 phrases factuelles en français pour l’annonce, sans superlatifs ni formules commerciales, sans hashtag.',
    'confidence : entre 0 et 1, ta confiance dans la catégorie.',
    hints.category || hints.brand || hints.size ? `Indices déjà connus (à vérifier) : ${JSON.stringify(hints)}.` : '',
  ].filter(Boolean).join('\n');
}

/** Pulls the JSON object out of a message (some local models wrap it in ```json fences or add a sentence). */
export function parseAnswer(content: string): LlmAnswer {
  const start = content.indexOf('{'), end = content.lastIndexOf('}');
  if (start < 0 || end <= start) throw new LlmError('malformed', 'the answer holds no JSON object');
  let raw: unknown;
  try {
    raw = JSON.parse(content.slice(start, end + 1));
  } catch (e) {
    throw new LlmError('malformed', `the answer is not valid JSON: ${(e as Error).message}`);
  }
  const r = LlmAnswer.safeParse(raw);
  if (!r.success) throw new LlmError('malformed', `the answer does not match the schema: ${r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  return r.data;
}

export async function describeArticle(http: HttpClient, cfg: LlmConfig, apiKey: string | null, images: Buffer[], text: string, signal?: AbortSignal): Promise<LlmResult> {
  const url = `${cfg.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const body = {
    model: cfg.model,
    temperature: 0.2,
    messages: [{
      role: 'user',
      content: [
        { type: 'text', text },
        ...images.map((jpeg) => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` } })),
      ],
    }],
    response_format: { type: 'json_schema', json_schema: { name: 'article', strict: true, schema: ANSWER_SCHEMA } },
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  let res;
  try {
    res = await http.request(url, { method: 'POST', headers, body: JSON.stringify(body), timeoutMs: cfg.timeoutMs ?? 120_000, retries: 3, backoffMs: 2000, signal });
  } catch (e) {
    const status = (e as { status?: number | null }).status ?? null;
    throw new LlmError('http', `the vision model did not answer: ${(e as Error).message}`, status);
  }
  if (res.status >= 400) {
    // OpenAI-style error bodies: {"error":{"message":…}}; never echo headers (they hold the key)
    let detail = '';
    try { detail = String((res.json() as { error?: { message?: string } }).error?.message ?? '').slice(0, 200); } catch { /* not JSON */ }
    throw new LlmError('http', `the vision model answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`, res.status);
  }
  let parsed;
  try {
    parsed = ChatCompletion.parse(res.json());
  } catch {
    throw new LlmError('malformed', 'the endpoint did not answer with a chat completion');
  }
  const choice = parsed.choices[0]!;
  if (choice.message.refusal) throw new LlmError('refused', `the model refused: ${choice.message.refusal.slice(0, 200)}`);
  const answer = parseAnswer(choice.message.content ?? '');
  return { answer, promptTokens: parsed.usage?.prompt_tokens ?? 0, completionTokens: parsed.usage?.completion_tokens ?? 0 };
}

export function costOf(cfg: LlmConfig, promptTokens: number, completionTokens: number): number {
  return (promptTokens * cfg.priceInput + completionTokens * cfg.priceOutput) / 1e6;
}
