// Why a file was refused, as a message code with values, so the UI words it in the user's language
// (issue 10 item 7). The ingest steps write one English sentence per refused file (kept for the CLI,
// the API's `reason` and the stored catalog); this table reads the code back from those sentences,
// which this module alone writes (detect.ts, decode.ts, heic.ts, zip.ts, routes.ts, ingest-job.ts).
// A sentence no rule matches gets the code 'other' and is shown as written.
export type RefusalParams = Record<string, string | number>;
export interface Refusal { code: string; params: RefusalParams }

const RULES: Array<[RegExp, string, (m: RegExpMatchArray) => RefusalParams]> = [
  [/^empty file \(0 bytes\)$/, 'empty', () => ({})],
  [/^file too large: at most (\d+) MB per photo/, 'too_big', (m) => ({ mb: Number(m[1]) })],
  [/^unsupported format: (.+?)(?: \(named \.(\w+)\))?; accepted: (.+)$/, 'unsupported', (m) => ({ format: m[1]!, accepted: m[3]! })],
  [/^unsupported format: ISO media brand "(.*)"/, 'unsupported', (m) => ({ format: m[1]!, accepted: 'JPEG, PNG, WebP, HEIC' })],
  [/^not an image: video file/, 'video', () => ({})],
  [/^not an image: PDF document/, 'pdf', () => ({})],
  [/^not an image: ZIP archive/, 'zip_inside', () => ({})],
  [/^not a photo \(skipped by name/, 'hidden_file', () => ({})],
  [/^over the limit of (\d+) photos per ingest/, 'over_limit', (m) => ({ max: Number(m[1]) })],
  [/^image too large: (\d+)×(\d+) px, limit (\d+) megapixels$/, 'too_many_pixels', (m) => ({ width: Number(m[1]), height: Number(m[2]), limit: Number(m[3]) })],
  [/^image too large \(pixel limit exceeded\)$/, 'too_many_pixels_unknown', () => ({})],
  [/^(?:truncated or corrupt|corrupt) HEIC(?::\s*(.*))?/, 'heic_corrupt', (m) => ({ detail: m[1] ?? '' })],
  [/^HEIC contains no image$/, 'heic_corrupt', () => ({ detail: '' })],
  [/^(?:truncated or corrupt|corrupt) (\w+)(?::\s*(.*)| \(.*\))?$/, 'corrupt', (m) => ({ format: m[1]!, detail: m[2] ?? '' })],
  [/^cannot read file: (.*)$/, 'unreadable', (m) => ({ detail: m[1]! })],
  [/^unsafe path: (?:NUL byte|absolute path|path traversal|empty entry name|resolves outside)/, 'zip_unsafe_path', () => ({})],
  [/^symbolic link entries/, 'zip_symlink', () => ({})],
  [/^encrypted entry/, 'zip_encrypted', () => ({})],
  [/^entry too large: (.+), limit (.+)$/, 'zip_entry_too_large', (m) => ({ size: m[1]!, limit: m[2]! })],
  [/^suspicious compression ratio (\S+):1 \(zip bomb\?\), limit (\d+):1$/, 'zip_bomb', (m) => ({ ratio: m[1]!, limit: Number(m[2]) })],
  [/^duplicate entry name in ZIP$/, 'zip_duplicate', () => ({})],
  [/^could not extract: (.*)$/, 'zip_extract', (m) => ({ detail: m[1]! })],
  [/^(?:not a valid|corrupt) ZIP archive/, 'zip_invalid', () => ({})],
  [/^ZIP has (\d+) entries, limit (\d+)$/, 'zip_too_many_entries', (m) => ({ count: Number(m[1]), max: Number(m[2]) })],
  [/^ZIP would expand to (.+), limit (.+)$/, 'zip_too_large', (m) => ({ size: m[1]!, limit: m[2]! })],
];

export function refusalOf(reason: string): Refusal {
  for (const [re, code, params] of RULES) {
    const m = reason.match(re);
    if (m) return { code, params: params(m) };
  }
  return { code: 'other', params: { detail: reason } };
}
