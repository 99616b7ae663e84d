/**
 * What every layer of the Chambon model outputs for a chosen window: a manual forward through
 * the model's parts in order (spatial convolution, its transpose, each child of
 * feature_extractor, flatten, each child of fc), in eval mode and without recording a graph, so
 * the values before and after each ReLU and each pooling sit side by side. The last entries
 * are the logits and the softmax probabilities; the logits equal model.forward's.
 */
import { noGrad, tensor, tidy, type Tensor } from '../../engine/index.ts';
import type { SleepStagerChambon2018 } from '../model/chambon.ts';

export interface LayerActivation {
  /** State-dict style path ('feature_extractor.2'), or 'input', 'spatial_conv.transpose', 'flatten', 'softmax'. */
  name: string;
  /** The module's class ('Conv2d', 'ReLU', 'MaxPool2d', ...) or the operation's name. */
  kind: string;
  shape: number[];
  values: Float64Array;
}

/** A window as [C, T] values (row-major), or a tensor [C, T], [N, C, T] or [N, 1, C, T]. */
export type WindowInput = Tensor | { values: ArrayLike<number>; nChannels: number; nSamples: number };

export async function layerActivations(model: SleepStagerChambon2018, window: WindowInput): Promise<LayerActivation[]> {
  const c = model.config;
  const wasTraining = model.training;
  model.eval();
  let outputs: { name: string; kind: string; t: Tensor }[];
  try {
    outputs = noGrad(() =>
      tidy(() => {
        const device = model.parameters()[0]?.device;
        let x: Tensor;
        if ('values' in window) {
          if (window.nChannels !== c.nChannels) throw new Error(`layerActivations: the window has ${window.nChannels} channels, the model ${c.nChannels}`);
          if (window.values.length !== window.nChannels * window.nSamples) throw new Error(`layerActivations: ${window.values.length} values do not fill ${window.nChannels} x ${window.nSamples}`);
          x = tensor(Float64Array.from(window.values), [1, window.nChannels, window.nSamples], { device });
        } else {
          x = window.ndim === 2 ? window.unsqueeze(0) : window;
        }
        const out: { name: string; kind: string; t: Tensor }[] = [];
        const image = x.ndim === 3 ? x.unsqueeze(1) : x;
        out.push({ name: 'input', kind: 'input', t: image });
        let h = image;
        if (model.spatialConv) {
          h = model.spatialConv.forward(image);
          out.push({ name: 'spatial_conv', kind: 'Conv2d', t: h });
          h = h.transpose(1, 2);
          out.push({ name: 'spatial_conv.transpose', kind: 'transpose', t: h });
        } else {
          h = model.spatial(image);
        }
        model.featureExtractor.namedChildren().forEach(([k, m]) => {
          h = m.forward(h);
          out.push({ name: `feature_extractor.${k}`, kind: m.constructor.name, t: h });
        });
        h = h.flatten(1);
        out.push({ name: 'flatten', kind: 'flatten', t: h });
        model.fc.namedChildren().forEach(([k, m]) => {
          h = m.forward(h);
          out.push({ name: `fc.${k}`, kind: m.constructor.name, t: h });
        });
        out.push({ name: 'softmax', kind: 'softmax', t: h.softmax(1) });
        return out;
      }),
    );
  } finally {
    model.train(wasTraining);
  }
  try {
    const values = await Promise.all(outputs.map((o) => o.t.data()));
    return outputs.map((o, i) => ({ name: o.name, kind: o.kind, shape: [...o.t.shape], values: values[i] }));
  } finally {
    // Identity layers and the eval-mode Dropout hand back their input: dispose each tensor once.
    for (const t of new Set(outputs.map((o) => o.t))) if (window !== t) t.dispose();
  }
}
