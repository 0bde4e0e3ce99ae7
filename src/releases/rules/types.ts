// A rule set is data (src/releases/rules/<type>-<year>.yaml); this is its shape after loading.
export type ReleaseType = 'EBOOK' | 'DOCS' | 'TV';
/** the forbidden name patterns the validator has words for (naming.punct.<code> in validate/messages.ts) */
export type ForbiddenCode = 'repeated' | 'edge';

export interface VolumeSizeRule {
  /** allowed volume sizes in bytes; `when` selects the list from the release name (e.g. SD vs HD) */
  sizes: number[];
  /** any positive multiple of this many bytes is also allowed */
  multipleOf?: number;
  /** regex tested against the release name; the first matching entry applies; absent = default */
  when?: string;
  label: string;
  /** the label in French, for the UI (the English one is used otherwise) */
  label_fr?: string;
}

export interface RuleSet {
  id: string; // e.g. "tv-2024"
  type: ReleaseType;
  year: number;
  title: string;
  naming: {
    /** full-name grammar (JavaScript regex source, anchored, named groups; whitespace ignored, {LANGUAGES} expanded) */
    grammar: string;
    /** human form, e.g. Author.Title.Year[.LANGUAGE].RETAiL|SCAN|HYBRiD[.FORMAT].eBOOK-GROUP */
    pattern: string;
    allowedChars: string; // regex character class source, e.g. "A-Za-z0-9._-"
    /** language tags ({LANGUAGES} in the grammar) */
    languages: string[];
    maxLength: number;
    /** regex that must NOT match (repeated punctuation) */
    forbidden: { regex: string; detail: string; code?: ForbiddenCode }[];
  };
  archive: {
    format: 'zip' | 'rar4';
    /** regex every volume file name must match (case-sensitive) */
    volumeName: string;
    /** how the volume name is derived, for docs and writers */
    volumeNaming: string;
    volumeNaming_fr?: string;
    maxVolumes: number;
    volumeSizes: VolumeSizeRule[];
    /** byte values one "MB" of volumeSizes may stand for; the first is what writers use */
    units: number[];
    /** for zip: files every volume must contain ("*.nfo" glob allowed) */
    insideEachVolume?: string[];
    /** for zip: files that must not be inside a volume */
    forbiddenInside?: string[];
    /** for rar4: store only, no recovery record, no encryption, old-style names */
    store?: boolean;
  };
  files: {
    /** mandatory entries in the release directory (glob-ish: "*.nfo", "*.sfv") */
    mandatory: string[];
    /** allowed entries in the release directory besides volumes (globs / dir names) */
    allowed: string[];
    /** directories allowed (Sample/, Proof/) */
    optionalDirs?: string[];
  };
  nfo: { maxColumns: number; encodings: string[]; maxCount: number };
  /** TV: how long the video in Sample/ may last, in seconds, bounds included (read with MediaInfo) */
  sample?: { minSeconds: number; maxSeconds: number };
  diz?: { maxColumns: number; maxLines: number; diskCount: string };
  sfv?: { required: boolean; coverAllVolumes: boolean };
}
