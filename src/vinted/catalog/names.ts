// File names the Studio never treats as photos (macOS resource forks, Finder/Explorer metadata).
export function isImageCandidate(name: string): boolean {
  const base = name.split('/').pop() ?? name;
  if (name.split('/').some((seg) => seg === '__MACOSX')) return false;
  if (base.startsWith('._') || base === '.DS_Store' || base === 'Thumbs.db' || base === 'desktop.ini') return false;
  return true;
}

/** A safe display name for an uploaded file: no leading slashes, no "..", forward slashes only. */
export function cleanUploadName(name: string | undefined, fallback: string): string {
  const parts = (name ?? '').replace(/\\/g, '/').split('/').filter((s) => s && s !== '.' && s !== '..');
  return parts.length ? parts.join('/').slice(0, 500) : fallback;
}
