/**
 * Early stopping on the validation loss, as skorch's EarlyStopping (monitor='valid_loss',
 * lower is better, threshold_mode='rel'): a loss counts as an improvement when it is below
 * best * (1 - threshold); after `patience` epochs in a row without one, training stops.
 * Separately, `isBest` marks a new strict minimum (skorch's valid_loss_best), which is when
 * the trainer copies the weights it keeps as the best model.
 */
export interface EarlyStoppingState {
  patience: number;
  threshold: number;
  /** Lowest validation loss seen (strict minimum), and the 1-based epoch it came from. */
  best: number;
  bestEpoch: number;
  /** The reference the threshold applies to (the loss of the last improvement). */
  reference: number;
  misses: number;
  stopped: boolean;
  stoppedEpoch: number | null;
}

export interface EarlyStoppingDecision {
  isBest: boolean;
  improved: boolean;
  stop: boolean;
}

export class EarlyStopping {
  private s: EarlyStoppingState;

  /** patience 0 never stops. */
  constructor(patience: number, threshold = 1e-4) {
    if (!Number.isInteger(patience) || patience < 0) throw new Error(`EarlyStopping: patience must be an integer >= 0, got ${patience}`);
    if (!(threshold >= 0)) throw new Error(`EarlyStopping: threshold must be >= 0, got ${threshold}`);
    this.s = { patience, threshold, best: Infinity, bestEpoch: 0, reference: Infinity, misses: 0, stopped: false, stoppedEpoch: null };
  }

  /** Records epoch `epoch`'s (1-based) validation loss. */
  step(validLoss: number, epoch: number): EarlyStoppingDecision {
    if (this.s.stopped) throw new Error(`EarlyStopping: already stopped after epoch ${this.s.stoppedEpoch}`);
    const isBest = validLoss < this.s.best;
    if (isBest) {
      this.s.best = validLoss;
      this.s.bestEpoch = epoch;
    }
    const improved = validLoss < this.s.reference * (1 - this.s.threshold);
    if (improved) {
      this.s.reference = validLoss;
      this.s.misses = 0;
    } else this.s.misses++;
    const stop = this.s.patience > 0 && this.s.misses >= this.s.patience;
    if (stop) {
      this.s.stopped = true;
      this.s.stoppedEpoch = epoch;
    }
    return { isBest, improved, stop };
  }

  get best(): number {
    return this.s.best;
  }
  get bestEpoch(): number {
    return this.s.bestEpoch;
  }
  get stopped(): boolean {
    return this.s.stopped;
  }

  getState(): EarlyStoppingState {
    return { ...this.s };
  }

  setState(state: EarlyStoppingState): void {
    this.s = { ...state };
  }
}

/** JSON has no Infinity: a state as it travels in a checkpoint (best and reference null when infinite). */
export function earlyStoppingStateToJson(s: EarlyStoppingState): Omit<EarlyStoppingState, 'best' | 'reference'> & { best: number | null; reference: number | null } {
  return { ...s, best: Number.isFinite(s.best) ? s.best : null, reference: Number.isFinite(s.reference) ? s.reference : null };
}

export function earlyStoppingStateFromJson(j: ReturnType<typeof earlyStoppingStateToJson>): EarlyStoppingState {
  return { ...j, best: j.best ?? Infinity, reference: j.reference ?? Infinity };
}
