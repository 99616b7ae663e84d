/// <reference lib="webworker" />
/**
 * The training worker: holds the GPU device (navigator.gpu exists in dedicated workers), trains
 * the Chambon model with the shared trainer, writes a checkpoint to IndexedDB after every epoch,
 * then predicts every test window and posts the results. The page only draws.
 */
import { manualSeed, noGrad, tensor, tidy, type DeviceName } from '../../engine/index.ts';
import { SleepStagerChambon2018 } from '../../sleep/model/chambon.ts';
import { saveSafetensors } from '../../sleep/model/safetensors.ts';
import type { EpochSet } from '../../sleep/epochs/epochs.ts';
import { TrainControl } from '../../sleep/train/control.ts';
import { makeLoss } from '../../sleep/train/losses.ts';
import { classificationReport } from '../../sleep/train/metrics.ts';
import { Trainer } from '../../sleep/train/trainer.ts';
import { CHECKPOINT_NAME, IdbCheckpointStore } from './idbStore.ts';
import type { ControlMessage, EvaluationResult, RecordingPredictions, TrainRequest, WorkerRecording, WorkerReply } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const control = new TrainControl();
let liveBytes: () => number | null = () => null;

function post(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function startDevice(wanted: TrainRequest['device']): Promise<DeviceName> {
  if (wanted === 'webgpu') {
    try {
      const { initWebGPU, webgpuStats } = await import('../../engine/backends/webgpu/index.ts');
      const info = await initWebGPU({ setDefault: true });
      liveBytes = () => webgpuStats().liveBytes;
      const name = [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'unnamed adapter';
      post({ type: 'device', device: 'webgpu', note: `Training on WebGPU in a worker (${name}).` });
      return 'webgpu';
    } catch (error) {
      post({ type: 'device', device: 'cpu', note: `WebGPU could not start in the training worker (${(error as Error).message}); training on the CPU backend instead, which is much slower.` });
      return 'cpu';
    }
  }
  post({ type: 'device', device: 'cpu', note: 'Training on the CPU backend (float64, in a worker): correct but much slower than WebGPU.' });
  return 'cpu';
}

/** Softmax probabilities and predictions for every window of each recording, in order. */
async function predict(model: SleepStagerChambon2018, recordings: readonly WorkerRecording[], device: DeviceName, batchSize: number): Promise<RecordingPredictions[]> {
  const out: RecordingPredictions[] = [];
  model.eval();
  for (const r of recordings) {
    const size = r.nChannels * r.nSamples;
    const probabilities = new Float32Array(r.nEpochs * 5);
    const yPred = new Int32Array(r.nEpochs);
    for (let at = 0; at < r.nEpochs; at += batchSize) {
      const n = Math.min(batchSize, r.nEpochs - at);
      const x = r.data.subarray(at * size, (at + n) * size);
      const probs = noGrad(() => tidy(() => model.forward(tensor(x, [n, r.nChannels, r.nSamples], { device })).softmax(1)));
      try {
        const p = await probs.data();
        for (let i = 0; i < n; i++) {
          let best = 0;
          for (let k = 0; k < 5; k++) {
            probabilities[(at + i) * 5 + k] = p[i * 5 + k];
            if (p[i * 5 + k] > p[i * 5 + best]) best = k;
          }
          yPred[at + i] = best;
        }
      } finally {
        probs.dispose();
      }
    }
    const onsets = Float64Array.from(r.starts, (s) => s / r.sfreq);
    out.push({ id: r.id, file: r.file, subject: r.subject, night: r.night, onsets, yTrue: r.labels.slice(), yPred, probabilities });
  }
  return out;
}

async function run(req: TrainRequest): Promise<void> {
  const device = await startDevice(req.device);
  // A recording is an EpochSet with its identity attached; the trainer reads only the set.
  const pick = (idx: number[]): EpochSet[] => idx.map((i) => req.recordings[i]);
  const first = req.recordings[0];
  manualSeed(req.config.seed);
  const model = new SleepStagerChambon2018({ ...req.model, nChannels: first.nChannels, sfreq: first.sfreq, inputSizeS: first.nSamples / first.sfreq, nClasses: 5, device });
  const weights = req.config.loss.classWeights === 'balanced' ? (req.classWeights ? Float64Array.from(req.classWeights) : null) : null;
  const store = new IdbCheckpointStore();
  const trainer = new Trainer({
    model,
    data: { train: pick(req.split.train), valid: pick(req.split.valid), test: pick(req.split.test) },
    config: req.config,
    device,
    store,
    checkpointName: CHECKPOINT_NAME,
    control,
    lossFn: makeLoss(req.config.loss, weights),
    onEvent: (event) => post({ type: 'event', event, liveBytes: liveBytes() }),
  });
  if (req.resume) {
    if (await trainer.resumeFromStore()) post({ type: 'log', line: `resumed from the checkpoint of epoch ${trainer.getHistory().length} (${store.describe(CHECKPOINT_NAME)})` });
    else post({ type: 'log', line: 'no checkpoint was found; starting a new run' });
  }
  const result = await trainer.run();
  const test = result.test;
  const headline = test ? (test.evaluated === 'best' ? test.best : test.last) : null;
  if (!test || !headline) {
    post({ type: 'done', result: null, status: result.status, message: result.message, history: result.history });
    return;
  }
  // The trainer leaves the evaluated (best) weights in the model: predict with those.
  const recordings = await predict(model, req.split.test.map((i) => req.recordings[i]), device, req.config.evalBatchSize);
  const yTrue = recordings.flatMap((r) => Array.from(r.yTrue));
  const yPred = recordings.flatMap((r) => Array.from(r.yPred));
  const report = classificationReport(yTrue, yPred, 5);
  const mismatches = yPred.filter((p, i) => p !== headline.yPred[i]).length;
  if (mismatches) post({ type: 'log', line: `note: ${mismatches} of ${yPred.length} test predictions differ between the trainer's pass and the prediction pass (float rounding at a tie)` });
  const safetensors = await saveSafetensors(model, {
    metadata: { model: 'SleepStagerChambon2018', weights: test.evaluated === 'best' ? `best (epoch ${test.epoch})` : 'last', synthetic: String(req.synthetic) },
  });
  const evaluation: EvaluationResult = {
    synthetic: req.synthetic,
    status: result.status,
    message: result.message,
    evaluated: test.evaluated,
    epoch: test.epoch,
    report,
    loss: headline.loss,
    lastReport: test.evaluated === 'best' && test.last ? test.last.report : null,
    recordings,
    weights: safetensors,
    history: result.history,
    device: device === 'webgpu' ? 'webgpu' : 'cpu',
    parameters: model.numParameters(),
  };
  const transfer = [safetensors.buffer as ArrayBuffer, ...recordings.flatMap((r) => [r.onsets.buffer, r.yTrue.buffer, r.yPred.buffer, r.probabilities.buffer] as ArrayBuffer[])];
  post({ type: 'done', result: evaluation, status: result.status, message: result.message, history: result.history }, transfer);
}

scope.onmessage = (event: MessageEvent<TrainRequest | ControlMessage>) => {
  const m = event.data;
  if (m.type === 'pause') control.pause();
  else if (m.type === 'resume') control.resume();
  else if (m.type === 'stop') control.stop('stopped by you');
  else if (m.type === 'start') run(m).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
