// What the extractors return: one flat record per source file, the placeholders of NFO/DIZ
// templates and the input of the naming step. Every field is optional except the file facts.

export type SourceFormat =
  | 'EPUB' | 'PDF' | 'MOBI' | 'AZW3' | 'CBZ'
  | 'DOCX' | 'ODT' | 'RTF' | 'TXT'
  | 'MKV' | 'MP4';

export interface AudioTrackInfo {
  codec: string;
  language?: string;
  channels?: number;
  bitrate?: number;
  title?: string;
}

export interface SubtitleTrackInfo {
  format: string;
  language?: string;
  title?: string;
  forced?: boolean;
}

export interface VideoInfo {
  container: string;
  durationSec: number;
  width: number;
  height: number;
  /** "2160p", "1080p", "720p", "576p", "480p" */
  resolution: string;
  videoCodec: string;
  /** x264/x265 when the encoder library says so */
  encoder?: string;
  frameRate?: number;
  videoBitrate?: number;
  overallBitrate?: number;
  /** MediaInfo found the file shorter than its headers say (cut short): durationSec is the declared one */
  truncated?: true;
  audio: AudioTrackInfo[];
  subtitles: SubtitleTrackInfo[];
}

export interface ReleaseMetadata {
  format: SourceFormat;
  fileName: string;
  size: number;
  title?: string;
  authors?: string[];
  /** first author, convenience for templates */
  author?: string;
  publisher?: string;
  year?: number;
  /** ISO date (YYYY or YYYY-MM-DD) as found */
  date?: string;
  /** ISO 639-1 code, lower case ("en", "fr") */
  language?: string;
  isbn?: string;
  pages?: number;
  description?: string;
  subjects?: string[];
  /** TXT: detected encoding (utf-8, utf-16le, windows-1252, iso-8859-1, ascii) */
  encoding?: string;
  words?: number;
  application?: string;
  /** CBZ (ComicInfo.xml) */
  series?: string;
  number?: string;
  /** TV */
  show?: string;
  season?: number;
  episode?: number;
  episodeTitle?: string;
  airDate?: string;
  network?: string;
  video?: VideoInfo;
  /** anything worth keeping that has no field of its own */
  extra?: Record<string, string>;
}

export type MetadataErrorCode = 'corrupt' | 'unsupported' | 'unreadable';

/** A source that cannot be read: the message names the file and what is wrong with it. */
export class MetadataError extends Error {
  /** the file will not read better on a retry */
  readonly permanent = true;
  readonly code: MetadataErrorCode;
  readonly file: string;
  constructor(code: MetadataErrorCode, file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'MetadataError';
    this.code = code;
    this.file = file;
  }
}
