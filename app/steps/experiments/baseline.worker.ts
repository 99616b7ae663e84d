/// <reference lib="webworker" />
/**
 * The band-power baseline off the main thread: features of every window, the scaler, and the
 * logistic regression trained with hypnograd (CPU backend), returned as a run record.
 */
import { runBandPowerBaseline } from '../../../sleep/baseline/run.ts';
import type { BaselineRequest, BaselineReply } from './baselineProtocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<BaselineRequest>) => {
  const { splits, data, name, channelNames, classWeight } = event.data;
  try {
    const result = runBandPowerBaseline(splits, data, {
      name,
      features: { log: true, channelNames },
      classWeight,
      onEpoch: (row) => scope.postMessage({ type: 'progress', row } satisfies BaselineReply),
    });
    scope.postMessage({ type: 'done', record: result.record } satisfies BaselineReply);
  } catch (error) {
    scope.postMessage({ type: 'error', message: (error as Error).message } satisfies BaselineReply);
  }
};
