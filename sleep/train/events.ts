/**
 * Progress events of a training run: plain objects (structured-cloneable), so a Web Worker can
 * post them to the page unchanged.
 */
import type { EpochRecord } from './history.ts';

export type StopStatus = 'completed' | 'early-stopped' | 'stopped' | 'diverged';

export type TrainEvent =
  | { type: 'start'; startEpoch: number; epochs: number; stepsPerEpoch: number; trainWindows: number; validWindows: number; testWindows: number; resumed: boolean }
  | {
      type: 'step';
      epoch: number;
      /** 1-based within the epoch. */
      step: number;
      stepsPerEpoch: number;
      /** The latest loss read back (null until the first readback of the epoch). */
      loss: number | null;
      /** Mean training loss of the epoch so far, over what has been read back. */
      meanLoss: number | null;
      samplesPerSecond: number;
      /** Seconds left for the whole run (training and validation passes), estimated from this run's pace. */
      etaSeconds: number;
    }
  | { type: 'validating'; epoch: number }
  | { type: 'epoch'; record: EpochRecord; etaSeconds: number; earlyStoppingMisses: number }
  | { type: 'checkpoint'; epoch: number; where: string }
  | { type: 'paused'; epoch: number; step: number }
  | { type: 'resumed'; epoch: number; step: number }
  | { type: 'testing'; model: 'best' | 'last' }
  | { type: 'end'; status: StopStatus; message: string };

export type TrainEventListener = (event: TrainEvent) => void;
