// The file as a list of HDUs (astropy hdu/hdulist.py). Opening reads only headers; each HDU object is built on demand.

import { FitsError } from './errors.ts';
import { FitsFile } from './fits-file.ts';
import type { FitsFileOptions } from './fits-file.ts';
import { Header } from './header.ts';
import { compressedProblem, hduKind } from './hdu-kind.ts';
import { ImageHdu } from './image-hdu.ts';
import type { FitsIssue } from './issues.ts';
import { CorruptHdu, TableHdu } from './other-hdus.ts';
import { readStructure } from './structure.ts';
import type { HduLayout } from './structure.ts';
import { verifyHeader } from './verify.ts';

export type Hdu = ImageHdu | TableHdu | CorruptHdu;

export class HduList {
  readonly path: string;
  readonly length: number;
  #file: FitsFile;
  #layouts: HduLayout[];
  #hdus: Array<Hdu | undefined>;
  #structureIssues: FitsIssue[];
  #issues: FitsIssue[] | undefined;

  private constructor(file: FitsFile, layouts: HduLayout[], issues: FitsIssue[]) {
    this.path = file.path;
    this.#file = file;
    this.#layouts = layouts;
    this.length = layouts.length;
    this.#hdus = new Array(layouts.length);
    this.#structureIssues = issues;
  }

  /**
   * Reads the headers only; a .gz file (detected by its magic bytes) is inflated in memory as far as its HDUs
   * declare (plus a header block), never to the end of a stream that goes on past them; size-capped.
   */
  static open(path: string, opts: FitsFileOptions = {}): HduList {
    const file = FitsFile.open(path, opts);
    try {
      const issues: FitsIssue[] = [];
      const layouts = readStructure(file, issues);
      return new HduList(file, layouts, issues);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Bytes read from the file (or the inflated copy) since open, headers included. */
  get bytesRead(): number {
    return this.#file.bytesRead;
  }

  get gzipped(): boolean {
    return this.#file.gzipped;
  }

  /** For a .gz: how many inflated bytes are held (reading inflates only as far as it reads); 0 otherwise. */
  get inflatedBytes(): number {
    return this.#file.inflatedBytes;
  }

  hdu(index: number): Hdu {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`${this.path}: no HDU ${index} (the file has ${this.length})`);
    }
    const cached = this.#hdus[index];
    if (cached) return cached;
    const hdu = this.#build(this.#layouts[index]);
    this.#hdus[index] = hdu;
    return hdu;
  }

  /** Image HDUs that hold pixels, tile-compressed ones included, in HDU order. */
  imageHdus(): ImageHdu[] {
    const out: ImageHdu[] = [];
    for (let i = 0; i < this.length; i++) {
      const hdu = this.hdu(i);
      if (hdu.kind === 'image' && hdu.hasData) out.push(hdu);
    }
    return out;
  }

  /** The first image HDU with pixels. Throws 'no-image', or the error of a damaged HDU that may have been the image. */
  primaryImage(): ImageHdu {
    const images = this.imageHdus();
    if (images.length > 0) return images[0];
    for (let i = 0; i < this.length; i++) {
      const hdu = this.hdu(i);
      if (hdu.kind === 'corrupt') throw hdu.error;
    }
    throw new FitsError('no-image', this.path, `no image HDU (${this.length} HDU${this.length === 1 ? '' : 's'}, none with image data)`);
  }

  /** Non-fatal problems in the structure and in every header (computed on first access). */
  get issues(): FitsIssue[] {
    if (!this.#issues) {
      const issues = [...this.#structureIssues];
      for (let i = 0; i < this.length; i++) {
        const hdu = this.hdu(i);
        if (hdu.kind === 'corrupt' && !this.#layouts[i].error) {
          issues.push({ code: hdu.error.code, hdu: i, fixable: false, message: hdu.error.message });
        }
        issues.push(...verifyHeader(hdu.header, i));
      }
      this.#issues = issues;
    }
    return this.#issues;
  }

  close(): void {
    this.#file.close();
  }

  #build(layout: HduLayout): Hdu {
    const header = Header.fromRecords(layout.headerText);
    if (layout.error) return new CorruptHdu(layout.index, header, layout.error);
    const kind = hduKind(header);
    switch (kind) {
      case 'image':
        return new ImageHdu(this.#file, layout, header, false);
      case 'tile-compressed':
        return new ImageHdu(this.#file, layout, header, true);
      case 'random-groups':
        return new TableHdu(layout.index, header, 'RANDOM GROUPS');
      case 'table':
        return new TableHdu(layout.index, header, layout.xtension ?? '');
      case 'corrupt': {
        const why = header.get('ZIMAGE') === true ? compressedProblem(header) : undefined;
        const error = new FitsError('bad-header', this.path, why ?? 'header does not describe a usable HDU', layout.index);
        return new CorruptHdu(layout.index, header, error);
      }
    }
  }
}
