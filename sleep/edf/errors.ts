/**
 * The one error type of the EDF reader. Every refusal names the file and the header field (or
 * data part) that is wrong, so a batch of 30 nights can say exactly which file to fix.
 */
export class EdfError extends Error {
  override readonly name = 'EdfError';
  /** The file the error is about, as the caller named it. */
  readonly file: string;
  /** The header field or data part at fault, e.g. `numRecords`, `signals[2].digitalMin`. */
  readonly field: string;
  /** The reason alone, without file and field. */
  readonly reason: string;

  constructor(file: string, field: string, reason: string) {
    super(`${file}: ${field}: ${reason}`);
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}
