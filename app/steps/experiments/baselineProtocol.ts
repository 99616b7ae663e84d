/** Messages to and from the baseline worker. */
import type { EpochSet } from '../../../sleep/epochs/epochs.ts';
import type { RunDataSelection, RunEpoch, RunRecord } from '../../../sleep/runs/record.ts';

export interface BaselineRequest {
  splits: { train: EpochSet[]; valid: EpochSet[]; test: EpochSet[] };
  data: RunDataSelection;
  name: string;
  channelNames?: string[];
  classWeight: 'balanced' | 'none';
}

export type BaselineReply = { type: 'progress'; row: RunEpoch } | { type: 'done'; record: RunRecord } | { type: 'error'; message: string };
