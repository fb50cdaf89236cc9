// HDUs that are not images: tables (and random groups and unknown extensions), and HDUs whose header is unusable.

import type { FitsError } from './errors.ts';
import type { Header } from './header.ts';

export class TableHdu {
  readonly kind = 'table' as const;
  readonly index: number;
  readonly header: Header;
  readonly name: string;
  /** 'BINTABLE', 'TABLE', 'RANDOM GROUPS' or whatever other XTENSION the file declares. */
  readonly extension: string;

  constructor(index: number, header: Header, extension: string) {
    this.index = index;
    this.header = header;
    this.extension = extension;
    this.name = header.extname();
  }
}

export class CorruptHdu {
  readonly kind = 'corrupt' as const;
  readonly index: number;
  readonly header: Header;
  readonly name: string;
  /** What is wrong; thrown by anything that needs this HDU's data. */
  readonly error: FitsError;

  constructor(index: number, header: Header, error: FitsError) {
    this.index = index;
    this.header = header;
    this.error = error;
    this.name = header.extname();
  }
}
