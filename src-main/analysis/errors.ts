// One error type for bad analysis input: it names the function and the problem, so a caller (CLI,
// API) can show it as it is. Cancellation is not an error of this kind: it is the signal's reason.

export type AnalysisErrorCode = 'bad-shape' | 'bad-value' | 'bad-parameter' | 'worker-failed';

export class AnalysisError extends Error {
  override readonly name = 'AnalysisError';
  readonly code: AnalysisErrorCode;
  /** The function that refused its input, e.g. 'tsne' or 'SimilarityIndex.query'. */
  readonly where: string;
  readonly problem: string;

  constructor(code: AnalysisErrorCode, where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.code = code;
    this.where = where;
    this.problem = problem;
  }
}
