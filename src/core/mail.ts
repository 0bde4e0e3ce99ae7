// The platform's mailer: ATELIER_SMTP_URL (smtp://user:pass@host:587, smtps://… for implicit TLS) and
// ATELIER_MAIL_FROM. The URL's password is registered as a secret, so a connection error that quotes
// the URL is scrubbed from logs and API answers. Modules call `mailerOf(config)`; nothing is sent when
// no SMTP URL is set (`configured` is false).
import nodemailer from 'nodemailer';
import type { Config } from './config.ts';
import { registerSecret, scrub } from './log.ts';

export interface MailMessage { to: string; subject: string; text: string }

export interface Mailer {
  configured: boolean;
  from: string;
  /** sends one message; throws an Error whose text carries no password */
  send(m: MailMessage): Promise<{ messageId: string }>;
}

const cache = new Map<string, Mailer>();

export function mailerOf(config: Pick<Config, 'env'>): Mailer {
  const url = config.env.ATELIER_SMTP_URL?.trim() ?? '';
  const from = config.env.ATELIER_MAIL_FROM?.trim() || 'atelier <atelier@localhost>';
  const k = `${url}\n${from}`;
  const hit = cache.get(k);
  if (hit) return hit;
  let mailer: Mailer;
  if (!url) {
    mailer = { configured: false, from, send: async () => { throw new Error('no SMTP server configured (ATELIER_SMTP_URL)'); } };
  } else {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new Error('ATELIER_SMTP_URL is not a URL (smtp://user:password@host:port)');
    }
    if (!['smtp:', 'smtps:'].includes(parsed.protocol)) throw new Error('ATELIER_SMTP_URL must start with smtp:// or smtps://');
    registerSecret(decodeURIComponent(parsed.password));
    registerSecret(parsed.password);
    registerSecret(url);
    const transport = nodemailer.createTransport(url);
    mailer = {
      configured: true,
      from,
      async send(m) {
        try {
          const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text });
          return { messageId: String(info.messageId ?? '') };
        } catch (e) {
          throw new Error(scrub(`SMTP: ${(e as Error).message}`));
        }
      },
    };
  }
  cache.set(k, mailer);
  return mailer;
}
