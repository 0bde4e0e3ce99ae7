// The releases archive layer: RAR4 store volumes, independent ZIP volumes, SFV, CRC helpers.
export { writeRarVolumes, rarVolumeName, rarVolumeCount, planRarVolumes, minRarVolumeSize } from './rar4.ts';
export { readRarVolume } from './rar4-read.ts';
export type { RarVolumeInfo, RarFileBlock } from './rar4-read.ts';
export { writeZipVolumes, planZipVolumes, zipVolumeNames, renderDiskCount } from './zip.ts';
export { writeSfv, verifySfv, parseSfv } from './sfv.ts';
export type { SfvVerifyEntry, SfvWriteOptions } from './sfv.ts';
export { crc32File, crc32Combine, crcHex } from './crc.ts';
export type * from './types.ts';
