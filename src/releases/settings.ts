// The releases module's own settings (read from config.env). This table is the single source for
// the settings table in docs/releases.md.
import path from 'node:path';

export interface ReleasesSetting { env: string; default: string; meaning: string }

export const settings = [
  { env: 'RELEASES_INBOX', default: '<data>/releases/inbox', meaning: 'comma-separated server-side folders a pack job may read sources from (`source.path` of POST /api/releases/jobs); anything else is refused (symlinks are resolved)' },
  { env: 'RELEASES_ZIP_VOLUME_MB', default: '5', meaning: 'EBOOK/DOCS ZIP volume size in MB (1 MB = 1 000 000 bytes); the rule set must allow it (5, 10, 50, 100, 150, 200, 250)' },
  { env: 'RELEASES_RAR_VOLUME_MB', default: '50', meaning: 'TV (720p and up) RAR volume size in MB; a multiple of 50' },
  { env: 'RELEASES_RAR_VOLUME_MB_SD', default: '15', meaning: 'TV SD (480p/576p) RAR volume size in MB: 15 or 20' },
  { env: 'RELEASES_NFO_ENCODING', default: 'cp437', meaning: 'NFO/DIZ encoding: `cp437` (box drawing kept) or `ascii` (box drawing mapped to + - | #)' },
  { env: 'RELEASES_TV_SOURCE', default: 'WEB', meaning: 'default TV source tag in names (WEB, HDTV, BluRay, WEBRip …)' },
  { env: 'RELEASES_RETENTION_DAYS', default: '7', meaning: 'release files of older packs (blob store) and older uploads are deleted after this many days; the records and validation reports stay' },
  { env: 'RELEASES_CLEANUP_CRON', default: '40 3 * * *', meaning: 'when the retention cleanup runs (cron, UTC)' },
  { env: 'FFMPEG_BINARY', default: 'ffmpeg', meaning: 'ffmpeg used to cut the TV Sample/ (`--sample`, `"sample": true`); only needed for samples' },
  { env: 'RAR_BINARY', default: '(unset)', meaning: 'path of the real (non-free) `rar` binary; when set, TV volumes are written by it instead of the built-in RAR4 store writer' },
  { env: 'RELEASES_MAX_UPLOAD_MB', default: '2048', meaning: 'largest source file accepted by POST /api/releases/uploads (413 above)' },
] as const satisfies readonly ReleasesSetting[];

export interface ReleasesSettings {
  inbox: string[];
  zipVolumeBytes: number;
  rarVolumeBytes: number;
  rarVolumeBytesSd: number;
  nfoEncoding: 'cp437' | 'ascii';
  tvSource: string;
  retentionDays: number;
  cleanupCron: string;
  maxUploadBytes: number;
}

const MB = 1_000_000;

function num(env: Record<string, string | undefined>, name: string, d: number): number {
  const v = env[name];
  if (v === undefined || v === '') return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
}

export function readSettings(env: Record<string, string | undefined>, dataDir: string): ReleasesSettings {
  const enc = (env.RELEASES_NFO_ENCODING || 'cp437').toLowerCase();
  if (enc !== 'cp437' && enc !== 'ascii') throw new Error(`RELEASES_NFO_ENCODING must be cp437 or ascii, got "${enc}"`);
  return {
    inbox: (env.RELEASES_INBOX || path.join(dataDir, 'releases', 'inbox')).split(',').map((s) => path.resolve(s.trim())).filter(Boolean),
    zipVolumeBytes: num(env, 'RELEASES_ZIP_VOLUME_MB', 5) * MB,
    rarVolumeBytes: num(env, 'RELEASES_RAR_VOLUME_MB', 50) * MB,
    rarVolumeBytesSd: num(env, 'RELEASES_RAR_VOLUME_MB_SD', 15) * MB,
    nfoEncoding: enc,
    tvSource: env.RELEASES_TV_SOURCE || 'WEB',
    retentionDays: num(env, 'RELEASES_RETENTION_DAYS', 7),
    cleanupCron: env.RELEASES_CLEANUP_CRON || '40 3 * * *',
    maxUploadBytes: num(env, 'RELEASES_MAX_UPLOAD_MB', 2048) * MB,
  };
}
