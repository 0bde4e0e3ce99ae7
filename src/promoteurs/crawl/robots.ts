// robots.txt per origin (robots-parser), fetched once per run through the same polite fetch path.
// RFC 9309: 4xx → no restriction; 5xx / unreachable → assume everything is disallowed.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
// robots-parser is CommonJS with `export =` typings
const robotsParser = require('robots-parser') as (url: string, body: string) => {
  isAllowed(url: string, ua?: string): boolean | undefined;
  getCrawlDelay(ua?: string): number | undefined;
  getSitemaps(): string[];
};

export interface RobotsRules {
  allowed(url: string): boolean;
  crawlDelaySec: number | undefined;
  note: string;
  /** Sitemap: lines of robots.txt */
  sitemaps: string[];
}

export function parseRobots(origin: string, status: number | null, body: string, userAgent: string): RobotsRules {
  const robotsUrl = `${origin}/robots.txt`;
  if (status === null || status >= 500) {
    return { allowed: () => false, crawlDelaySec: undefined, note: `robots.txt unreachable (${status ?? 'network error'}): site treated as disallowed`, sitemaps: [] };
  }
  if (status >= 400) return { allowed: () => true, crawlDelaySec: undefined, note: `robots.txt ${status}: no restriction`, sitemaps: [] };
  const r = robotsParser(robotsUrl, body);
  // robots-parser matches the product token: "atelier/0.1 (+url)" → "atelier"
  const token = userAgent.split(/[/\s]/)[0] || userAgent;
  return {
    allowed: (url) => r.isAllowed(url, token) !== false,
    crawlDelaySec: r.getCrawlDelay(token),
    note: 'robots.txt obeyed',
    sitemaps: r.getSitemaps(),
  };
}
