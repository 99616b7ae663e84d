/** One training step's computational graph, traced: forward, extractGraph, backward with timings. */
import { extractGraph, tensor, tidy, traceBackward, type BackwardTraceEntry, type DeviceName, type StepGraph } from '../../../engine/index.ts';
import type { SleepStagerChambon2018 } from '../../../sleep/model/chambon.ts';
import { makeLoss } from '../../../sleep/train/losses.ts';
import type { LossConfig } from '../../../sleep/train/config.ts';
import type { Batch } from './data.ts';

export interface TracedStep {
  graph: StepGraph;
  /** In the order backward ran. */
  trace: BackwardTraceEntry[];
  /** Backward host time per op index. */
  msByOp: Map<number, number>;
  loss: number;
  batch: number;
  device: DeviceName;
}

export async function traceTrainingStep(model: SleepStagerChambon2018, batch: Batch, loss: LossConfig, classWeights: Float64Array | null, device: DeviceName): Promise<TracedStep> {
  const lossFn = makeLoss(loss.classWeights === 'balanced' && !classWeights ? { ...loss, classWeights: 'none' } : loss, classWeights);
  model.train();
  let graph: StepGraph | null = null;
  let trace: BackwardTraceEntry[] = [];
  const value = tidy(() => {
    const x = tensor(batch.x, [batch.n, batch.nChannels, batch.nSamples], { device });
    const out = lossFn(model.forward(x), batch.y);
    graph = extractGraph(out, { model, names: { input: x } });
    trace = traceBackward(out, graph);
    return out;
  });
  const lossValue = (await value.data())[0];
  value.dispose();
  const msByOp = new Map(trace.map((e) => [e.op, e.ms]));
  return { graph: graph!, trace, msByOp, loss: lossValue, batch: batch.n, device };
}
