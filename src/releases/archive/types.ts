// Public types of the releases archive writers (RAR4 volumes, ZIP volumes, SFV).
// The pack pipeline (src/releases/pack/) calls these; keep them stable.

export interface ArchiveSource {
  /** absolute path of the file on disk */
  path: string;
  /** name stored in the archive (ASCII, no directory part for RAR) */
  name: string;
}

export interface ProgressOptions {
  /** aborts the write; partial volumes are removed */
  signal?: AbortSignal;
  /** called with the cumulative number of source bytes consumed so far */
  onProgress?: (bytes: number) => void;
}

export interface RarVolumesOptions extends ProgressOptions {
  /** exact size in bytes of every volume except the last */
  volumeSize: number;
  /** modification time stored in the file header (default: the source's mtime) */
  mtime?: Date;
  /**
   * path of the real `rar` binary; when set (default: env RAR_BINARY) it writes the volumes
   * (`rar a -ma4 -m0 -vn -v<size>b -ep1`) instead of our writer. Empty string forces our writer.
   */
  rarBinary?: string;
}

export interface RarVolumesResult {
  /** volume paths in order: .rar, .r00, .r01 … */
  volumes: string[];
  /** total bytes written to all volumes */
  bytes: number;
  /** CRC32 of each whole volume file (same order as volumes) — lets writeSfv skip re-reading */
  volumeCrcs: number[];
  /** CRC32 of each source file's contents */
  fileCrcs: number[];
}

export interface ZipExtra {
  /** name inside each zip, e.g. "FILE_ID.DIZ" or "grp-ttl.nfo" */
  name: string;
  data: Buffer | string;
}

export interface ZipVolumesOptions extends ProgressOptions {
  /** maximum size in bytes of each zip volume */
  volumeSize: number;
  /** added to every zip (NFO + FILE_ID.DIZ); a string containing "[xx/NN]"-style placeholders "{vol}"/"{count}" is rendered per volume, see zip.ts */
  extras: ZipExtra[];
}

export interface ZipVolumesResult {
  volumes: string[];
  bytes: number;
  /** "direct": the files are stored whole, spread over the zips; "rar": a file larger than a volume forced RAR4 store parts inside the zips (0-day convention) */
  mode: 'direct' | 'rar';
}

export interface SfvEntry {
  name: string;
  /** CRC32 as an unsigned integer */
  crc: number;
}
