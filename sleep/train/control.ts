/**
 * Stop, pause and resume for a running trainer, checked between optimizer steps. Works the same
 * in a Web Worker (the app posts messages that call these) and in Node (Ctrl-C in the CLI).
 */
export interface AbortSignalLike {
  readonly aborted: boolean;
}

export class TrainControl {
  private stopReason: string | null = null;
  private pausedFlag = false;
  private waiters: (() => void)[] = [];

  /** An AbortSignal (or anything with `aborted`) that also stops the run. */
  constructor(private readonly signal?: AbortSignalLike) {}

  /** Asks the run to stop after the current step; the last epoch's checkpoint stays the one to resume. */
  stop(reason = 'stopped on request'): void {
    this.stopReason ??= reason;
    this.release();
  }

  get stopRequested(): boolean {
    return this.stopReason !== null || this.signal?.aborted === true;
  }

  get reason(): string {
    return this.stopReason ?? (this.signal?.aborted ? 'aborted' : '');
  }

  pause(): void {
    this.pausedFlag = true;
  }

  resume(): void {
    this.pausedFlag = false;
    this.release();
  }

  get paused(): boolean {
    return this.pausedFlag;
  }

  /** Resolves at once unless paused; then when resumed or stopped. */
  gate(): Promise<void> {
    if (!this.pausedFlag || this.stopRequested) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const r of w) r();
  }
}
