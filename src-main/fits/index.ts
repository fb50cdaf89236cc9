// Public surface of the FITS layer. Synchronous, positional reads; data is read only when asked for.

export { FitsError } from './errors.ts';
export type { FitsErrorCode } from './errors.ts';
export type { FitsIssue } from './issues.ts';
export { Card } from './card.ts';
export type { CardValue } from './card.ts';
export { Header } from './header.ts';
export { HduList } from './hdu-list.ts';
export type { Hdu } from './hdu-list.ts';
export { ImageHdu } from './image-hdu.ts';
export { TableHdu, CorruptHdu } from './other-hdus.ts';
export { hduKind } from './hdu-kind.ts';
export { MAX_NAXIS } from './structure.ts';
export type { HduKind } from './hdu-kind.ts';
export { applyScaling } from './scaling.ts';
export type { Scaling } from './scaling.ts';
export type { RawArray } from './endian.ts';
export { verifyHeader as verify } from './verify.ts';
export { linearWcs, axisKinds, axisKind, LinearWcs, convertSpectral, spectralTypeOf } from './wcs.ts';
export type { AxisKind, WcsAxis, SpectralType, HeaderLike } from './wcs.ts';
export { writeImageFits, encodeImageFits } from './writer.ts';
export type { WriteImageOptions, WritableArray } from './writer.ts';
export { encodeBinaryTable, tableRows } from './table-writer.ts';
export type { TableColumn, BinaryTableOptions } from './table-writer.ts';
export { celestialWcs, CelestialWcs, CelestialWcsError, frameConversion } from './celestial.ts';
export type { CelestialFields, CelestialFrame, Point, Projection } from './celestial.ts';
export { reproject, sameFrame } from './reproject.ts';
export type { ReprojectMethod, Reprojection, SkyGrid, SkyImage } from './reproject.ts';
