// Optional browser engine for sources whose pages need JavaScript (fetch.engine "browser"):
// Debian's chromium driven by playwright-core (never a downloaded browser). One browser per run,
// one context per site (serial use, like the HTTP path), honest User-Agent, no stealth.
// playwright-core is imported when a browser is first launched: loading it costs ~0.5 s at every CLI start
import type { Browser, BrowserContext } from 'playwright-core';

export interface RenderResult { status: number | null; html: string }

export class BrowserEngine {
  private browser: Browser | null = null;
  private contexts = new Map<string, BrowserContext>();
  private executablePath: string;
  private userAgent: string;
  private proxy: string | undefined;

  constructor(opts: { executablePath: string; userAgent: string; proxy?: string }) {
    this.executablePath = opts.executablePath;
    this.userAgent = opts.userAgent;
    this.proxy = opts.proxy;
  }

  private async launch(): Promise<Browser> {
    this.browser ??= await (await import('playwright-core')).chromium.launch({
      executablePath: this.executablePath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      proxy: this.proxy ? { server: this.proxy } : undefined,
    });
    return this.browser;
  }

  async render(url: string, o: { timeoutMs: number; waitForMs: number; referer?: string; signal?: AbortSignal }): Promise<RenderResult> {
    const origin = new URL(url).origin;
    let ctx = this.contexts.get(origin);
    if (!ctx) {
      const b = await this.launch();
      ctx = await b.newContext({ userAgent: this.userAgent, locale: 'fr-FR', javaScriptEnabled: true });
      this.contexts.set(origin, ctx);
    }
    const page = await ctx.newPage();
    const onAbort = () => { page.close().catch(() => {}); };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await page.goto(url, { timeout: o.timeoutMs, waitUntil: 'load', referer: o.referer });
      if (o.waitForMs > 0) await page.waitForTimeout(o.waitForMs);
      return { status: res?.status() ?? null, html: await page.content() };
    } finally {
      o.signal?.removeEventListener('abort', onAbort);
      await page.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    for (const c of this.contexts.values()) await c.close().catch(() => {});
    this.contexts.clear();
    await this.browser?.close().catch(() => {});
    this.browser = null;
  }
}
