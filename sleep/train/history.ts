/** What the trainer records per epoch (skorch's history columns, plus throughput). */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean of the batch losses weighted by batch size (skorch's train_loss). */
  trainLoss: number;
  /** From the predictions of the training pass itself (dropout active, weights moving). */
  trainBalancedAccuracy: number;
  trainKappa: number;
  validLoss: number;
  validBalancedAccuracy: number;
  validKappa: number;
  validAccuracy: number;
  /** A new lowest validation loss: the weights of this epoch became the kept best model. */
  validLossBest: boolean;
  learningRate: number;
  /** Wall time of the whole epoch (training pass + validation), seconds. */
  seconds: number;
  trainSeconds: number;
  /** Training windows per second of the training pass. */
  samplesPerSecond: number;
}

/** The fields that depend on the machine, not on the computation (left out when comparing runs). */
export const TIMING_FIELDS = ['seconds', 'trainSeconds', 'samplesPerSecond'] as const;

export function withoutTimings(history: readonly EpochRecord[]): Omit<EpochRecord, (typeof TIMING_FIELDS)[number]>[] {
  return history.map((r) => {
    const { seconds: _s, trainSeconds: _t, samplesPerSecond: _p, ...rest } = r;
    return rest;
  });
}
