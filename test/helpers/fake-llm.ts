// A fake OpenAI-compatible chat-completions endpoint (the only LLM fake of the project), serving the
// response shapes the real APIs document:
//  - success: the "chat completion object" of the OpenAI API reference
//    (platform.openai.com/docs/api-reference/chat/object: id, object "chat.completion", created,
//    model, choices[{index, message{role, content, refusal}, logprobs, finish_reason}], usage{prompt_tokens,
//    completion_tokens, total_tokens, prompt_tokens_details, completion_tokens_details}, system_fingerprint);
//    Ollama's OpenAI compatibility (github.com/ollama/ollama docs/openai.md) sends the same fields less the details;
//  - errors: OpenAI's error object {"error":{"message","type","param","code"}} (platform.openai.com/docs/guides/error-codes)
//    with 401 invalid_api_key, 429 rate_limit_exceeded + Retry-After, 500 server_error;
//  - a malformed answer (a message whose content is not the JSON asked for), and a body that is not JSON at all.
// It records every request (to check what was sent) and only listens on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeLlmMode = 'ok' | 'ok-fenced' | '429-once' | '429' | '500' | '401' | 'malformed' | 'not-json' | 'schema';

export interface FakeLlm {
  url: string;
  requests: { path: string; headers: http.IncomingHttpHeaders; body: any }[];
  /** the modes of the next requests, in order (the last one repeats); counting restarts here */
  script(modes: FakeLlmMode[]): void;
  answer: Record<string, unknown>;
  close(): Promise<void>;
}

export const DEFAULT_ANSWER = {
  category: 'jupe', brand: "Levi's", size: 'M', material: '100 % coton', colors: ['bleu'],
  defects: [], description: 'Jupe en jean bleu, taille M. Coupe droite, longueur genou.', confidence: 0.86,
};

function completion(model: string, content: string) {
  return {
    id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', object: 'chat.completion', created: 1741569952, model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 1117, completion_tokens: 46, total_tokens: 1163,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    service_tier: 'default', system_fingerprint: 'fp_fc9f1d7035',
  };
}

const error = (status: number, type: string, code: string, message: string) => ({ status, body: { error: { message, type, param: null, code } } });

export async function startFakeLlm(modes: FakeLlmMode[] = ['ok']): Promise<FakeLlm> {
  let calls = 0;
  let script = modes;
  const fake: FakeLlm = { url: '', requests: [], script: (m) => { script = m; calls = 0; }, answer: { ...DEFAULT_ANSWER }, close: async () => {} };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body: any = null;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* recorded as null */ }
      fake.requests.push({ path: req.url ?? '', headers: req.headers, body });
      const mode = script[Math.min(calls++, script.length - 1)]!;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) return send(404, error(404, 'invalid_request_error', 'unknown_url', `Unknown request URL: ${req.method} ${req.url}`).body);
      const model = String(body?.model ?? 'unknown');
      switch (mode) {
        case '401': { const e = error(401, 'invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.'); return send(e.status, e.body); }
        case '429': case '429-once': {
          if (mode === '429-once' && calls > 1) break;
          const e = error(429, 'requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again in 1s.');
          return send(e.status, e.body, { 'retry-after': '1' });
        }
        case '500': { const e = error(500, 'server_error', 'server_error', 'The server had an error while processing your request.'); return send(e.status, e.body); }
        case 'not-json': return send(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' });
        case 'malformed': return send(200, completion(model, 'Voici la description : une jupe bleue en bon état.'));
        case 'schema': return send(200, completion(model, JSON.stringify({ category: 12, colors: 'bleu' })));
        case 'ok-fenced': return send(200, completion(model, '```json\n' + JSON.stringify(fake.answer) + '\n```'));
        default: break;
      }
      send(200, completion(model, JSON.stringify(fake.answer)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}
