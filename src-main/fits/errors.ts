// One error type for every unreadable input: it always names the file (and the HDU when known),
// so a scan can record it against the item and go on.

export type FitsErrorCode =
  | 'not-fits'
  | 'truncated'
  | 'bad-header'
  | 'bad-bitpix'
  | 'bad-naxis'
  | 'too-large'
  | 'no-image'
  | 'unsupported'
  | 'corrupt-gzip'
  | 'corrupt-data'
  | 'io';

export class FitsError extends Error {
  override readonly name = 'FitsError';
  readonly file: string;
  readonly hdu: number | undefined;
  readonly code: FitsErrorCode;

  constructor(code: FitsErrorCode, file: string, problem: string, hdu?: number) {
    super(`${file}${hdu === undefined ? '' : ` [HDU ${hdu}]`}: ${problem}`);
    this.code = code;
    this.file = file;
    this.hdu = hdu;
  }
}
