// Non-fatal problems, as data (astropy verify.py's _ErrList): the caller decides to ignore, show or fix them.

export interface FitsIssue {
  code: string;
  hdu: number;
  keyword?: string;
  fixable: boolean;
  message: string;
}
