/**
 * A layer-by-layer summary of a SleepStagerChambon2018 (like torchinfo): each step's state-dict
 * name, layer type, output shape and own parameter count. Shapes come from running a zero window
 * through the layers in eval mode, so they are what the model really produces.
 */
import { noGrad, tidy, zeros, type nn, type Tensor } from '../../engine/index.ts';
import type { SleepStagerChambon2018 } from './chambon.ts';

export interface SummaryRow {
  /** State-dict prefix ('feature_extractor.0'), or the operation for steps that are not modules. */
  name: string;
  type: string;
  /** Output shape, batch first. */
  outputShape: number[];
  params: number;
}

export interface ModelSummary {
  rows: SummaryRow[];
  totalParams: number;
  trainableParams: number;
  /** The input shape traced, batch first. */
  inputShape: number[];
  /** A printable table, the batch written as N. */
  text: string;
}

function ownParams(m: nn.Module): number {
  return m.parameters().reduce((n, p) => n + p.size, 0);
}

function showShape(shape: readonly number[]): string {
  return `[N, ${shape.slice(1).join(', ')}]`;
}

/** Traces a batch of `batch` windows (default 1) on the model's device; the model's mode is restored. */
export function summary(model: SleepStagerChambon2018, batch = 1): ModelSummary {
  const c = model.config;
  const device = model.parameters()[0]?.device;
  const wasTraining = model.training;
  const rows: SummaryRow[] = [];
  const inputShape = [batch, c.nChannels, c.inputSize];
  model.eval();
  try {
    noGrad(() =>
      tidy(() => {
        const step = (name: string, m: nn.Module | null, type: string, run: (x: Tensor) => Tensor, x: Tensor): Tensor => {
          const y = run(x);
          rows.push({ name, type, outputShape: [...y.shape], params: m ? ownParams(m) : 0 });
          return y;
        };
        let x = zeros(inputShape, { device }).unsqueeze(1);
        rows.push({ name: 'input.unsqueeze(1)', type: 'reshape', outputShape: [...x.shape], params: 0 });
        if (model.spatialConv) {
          const conv = model.spatialConv;
          x = step('spatial_conv', conv, 'Conv2d', (v) => conv.forward(v), x);
          x = step('transpose(1, 2)', null, 'transpose', (v) => v.transpose(1, 2), x);
        }
        for (const [i, layer] of model.featureExtractor.namedChildren()) {
          x = step(`feature_extractor.${i}`, layer, layer.constructor.name, (v) => layer.forward(v), x);
        }
        x = step('flatten(1)', null, 'flatten', (v) => v.flatten(1), x);
        for (const [i, layer] of model.fc.namedChildren()) {
          x = step(`fc.${i}`, layer, layer.constructor.name, (v) => layer.forward(v), x);
        }
      }),
    );
  } finally {
    model.train(wasTraining);
  }
  const totalParams = model.numParameters();
  const trainableParams = model.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0);
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 5);
  const typeWidth = Math.max(...rows.map((r) => r.type.length), 4);
  const shapeWidth = Math.max(...rows.map((r) => showShape(r.outputShape).length), 12);
  const line = (a: string, b: string, s: string, p: string) => `${a.padEnd(nameWidth)}  ${b.padEnd(typeWidth)}  ${s.padEnd(shapeWidth)}  ${p.padStart(8)}`;
  const text = [
    line('Layer', 'Type', 'Output shape', 'Params'),
    ...rows.map((r) => line(r.name, r.type, showShape(r.outputShape), r.params.toLocaleString('en-US'))),
    `Total parameters: ${totalParams.toLocaleString('en-US')} (trainable ${trainableParams.toLocaleString('en-US')})`,
  ].join('\n');
  return { rows, totalParams, trainableParams, inputShape, text };
}
