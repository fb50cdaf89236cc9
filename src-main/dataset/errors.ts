// A folder given to a scan that cannot be scanned at all (files that cannot be read are not errors:
// they are recorded on their items and the scan goes on).

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.file = file;
  }
}
