export { writeRarVolumes, rarVolumeName } from './rar4.ts';
export { writeZipVolumes } from './zip.ts';
export { writeSfv, verifySfv, parseSfv } from './sfv.ts';
export { crc32File, crc32Combine } from './crc.ts';
export type * from './types.ts';
