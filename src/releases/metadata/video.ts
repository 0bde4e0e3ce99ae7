// Video (MKV/MP4): MediaInfoLib compiled to WASM (mediainfo.js), fed by chunked reads so the file
// is never loaded whole. Show/season/episode come from the file name (enrichment fills the rest).
import fs from 'node:fs/promises';
import path from 'node:path';
import mediaInfoFactory from 'mediainfo.js';
import type { ReleaseMetadata, VideoInfo } from './types.ts';
import { MetadataError } from './types.ts';
import { normalizeLanguage } from './language.ts';

export function resolutionOf(width: number, height: number): string {
  if (width >= 3200 || height >= 1800) return '2160p';
  if (width >= 1800 || height >= 1000) return '1080p';
  if (width >= 1200 || height >= 700) return '720p';
  if (height > 480) return '576p';
  return '480p';
}

const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) && n > 0 ? n : undefined;
};

const TAG_WORDS = /^(2160p|1080p|720p|576p|480p|web(-?dl|rip)?|hdtv|bluray|bdrip|x26[45]|h\.?26[45]|hevc|avc|proper|repack|internal|multi|french|vostfr|subfrench)$/i;

/** "Show.Name.2019.S01E02.Episode.Title.720p…" / "Show Name - 1x02 - Title" → show, year, season, episode, title */
export function parseEpisodeName(fileName: string): Pick<ReleaseMetadata, 'show' | 'season' | 'episode' | 'episodeTitle' | 'year'> {
  const base = path.basename(fileName).replace(/\.[^.]+$/, '');
  const m = /^(.*?)[. _-]+(?:\(?((?:19|20)\d\d)\)?[. _-]+)?(?:S(\d{1,2})[. _-]?E(\d{1,3})|(\d{1,2})x(\d{2,3}))(?:E\d{1,3})?(.*)$/i.exec(base);
  if (!m) return {};
  const words = m[7].split(/[. _]+/).map((w) => w.replace(/^-+|-+$/g, '')).filter(Boolean);
  const title: string[] = [];
  for (const w of words) { if (TAG_WORDS.test(w)) break; title.push(w); }
  return {
    show: m[1].replace(/[._]+/g, ' ').trim() || undefined,
    year: m[2] ? Number(m[2]) : undefined,
    season: Number(m[3] ?? m[5]),
    episode: Number(m[4] ?? m[6]),
    episodeTitle: title.length ? title.join(' ') : undefined,
  };
}

export async function extractVideo(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const fh = await fs.open(file);
  const mi = await mediaInfoFactory({ format: 'object', full: false });
  let result;
  try {
    const { size } = await fh.stat();
    result = await mi.analyzeData(size, async (chunk, offset) => {
      const b = Buffer.alloc(Math.min(chunk, Math.max(0, size - offset)));
      const { bytesRead } = await fh.read(b, 0, b.length, offset);
      return b.subarray(0, bytesRead);
    });
  } catch (e) {
    throw new MetadataError('corrupt', label, `MediaInfo could not read the file: ${(e as Error).message}`);
  } finally {
    mi.close();
    await fh.close();
  }
  const tracks: any[] = result?.media?.track ?? [];
  const general = tracks.find((t) => t['@type'] === 'General') ?? {};
  const video = tracks.find((t) => t['@type'] === 'Video');
  if (!video) throw new MetadataError('corrupt', label, `no video track found (container: ${general.Format ?? 'unknown'}): not a video, or a damaged/truncated one`);
  const width = num(video.Width) ?? 0;
  const height = num(video.Height) ?? 0;
  const lib = String(video.Encoded_Library_Name ?? video.Encoded_Library ?? '');
  const info: VideoInfo = {
    container: String(general.Format ?? 'unknown'),
    durationSec: num(general.Duration) ?? num(video.Duration) ?? 0,
    width,
    height,
    resolution: resolutionOf(width, height),
    videoCodec: String(video.Format ?? 'unknown'),
    encoder: /x26[45]/i.test(lib) ? lib.match(/x26[45]/i)![0].toLowerCase() : undefined,
    frameRate: num(video.FrameRate),
    videoBitrate: num(video.BitRate) ?? num(video.BitRate_Nominal),
    overallBitrate: num(general.OverallBitRate),
    ...(general.extra?.IsTruncated === 'Yes' ? { truncated: true as const } : {}),
    audio: tracks.filter((t) => t['@type'] === 'Audio').map((t) => ({
      codec: String(t.Format ?? 'unknown'),
      language: normalizeLanguage(t.Language),
      channels: num(t.Channels),
      bitrate: num(t.BitRate),
      title: t.Title ? String(t.Title) : undefined,
    })),
    subtitles: tracks.filter((t) => t['@type'] === 'Text').map((t) => ({
      format: String(t.Format ?? t.CodecID ?? 'unknown'),
      language: normalizeLanguage(t.Language),
      title: t.Title ? String(t.Title) : undefined,
      forced: t.Forced === 'Yes',
    })),
  };
  const ep = parseEpisodeName(label);
  const mainAudioLang = info.audio.find((a) => a.language)?.language;
  return {
    ...ep,
    title: general.Title ? String(general.Title) : undefined,
    language: mainAudioLang,
    date: general.Recorded_Date ? String(general.Recorded_Date) : undefined,
    video: info,
  };
}
