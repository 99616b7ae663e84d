/**
 * The same network in TensorFlow.js (NHWC): braindecode's SleepStagerChambon2018 as the tutorial
 * builds it, layer for layer and shape for shape, 5,227 parameters.
 *
 *   input [N, 2, 3000, 1]           (PyTorch [N, 1, 2, 3000])
 *   conv2d 1->2, kernel (2, 1)      -> [N, 1, 3000, 2]   spatial_conv
 *   permute channels <-> height     -> [N, 2, 3000, 1]   PyTorch's transpose(1, 2)
 *   zero-pad time by 25 each side, conv2d 1->8 (1, 50) 'valid' -> [N, 2, 3001, 8]
 *     (PyTorch's padding (0, 25) with an even kernel gives 3001; TF.js has no explicit padding)
 *   relu, maxPool (1, 12)           -> [N, 2, 250, 8]
 *   zero-pad 25, conv2d 8->8 (1, 50) -> [N, 2, 251, 8], relu, maxPool (1, 12) -> [N, 2, 20, 8]
 *   flatten 320, dropout 0.25, dense 320->5
 *
 * The flatten order differs from PyTorch's (C, H, W) but the layer and its cost are the same.
 */
import type * as tfCore from '@tensorflow/tfjs-core';
import type * as tfLayers from '@tensorflow/tfjs-layers';

export const TFJS_INPUT_SHAPE = [2, 3000, 1] as const;

export function buildTfjsChambon(tfl: typeof tfLayers): tfLayers.Sequential {
  const pad = 25;
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [...TFJS_INPUT_SHAPE], filters: 2, kernelSize: [2, 1], padding: 'valid', name: 'spatial_conv' }),
      tfl.layers.permute({ dims: [3, 2, 1], name: 'transpose' }),
      tfl.layers.zeroPadding2d({ padding: [[0, 0], [pad, pad]] }),
      tfl.layers.conv2d({ filters: 8, kernelSize: [1, 50], padding: 'valid', activation: 'relu', name: 'conv_1' }),
      tfl.layers.maxPooling2d({ poolSize: [1, 12], strides: [1, 12], padding: 'valid' }),
      tfl.layers.zeroPadding2d({ padding: [[0, 0], [pad, pad]] }),
      tfl.layers.conv2d({ filters: 8, kernelSize: [1, 50], padding: 'valid', activation: 'relu', name: 'conv_2' }),
      tfl.layers.maxPooling2d({ poolSize: [1, 12], strides: [1, 12], padding: 'valid' }),
      tfl.layers.flatten(),
      tfl.layers.dropout({ rate: 0.25 }),
      tfl.layers.dense({ units: 5, name: 'fc' }),
    ],
  });
  return model;
}

/** PyTorch's cross_entropy(weight=w, reduction='mean'): sum_i w[y_i] * nll_i / sum_i w[y_i]. */
export function weightedCrossEntropy(tf: typeof tfCore, logits: tfCore.Tensor2D, labels: tfCore.Tensor1D, classWeights: tfCore.Tensor1D): tfCore.Scalar {
  const logp = tf.logSoftmax(logits);
  const onehot = tf.oneHot(labels, logits.shape[1]);
  const nll = tf.neg(tf.sum(tf.mul(onehot, logp), 1));
  const w = tf.gather(classWeights, labels);
  return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tfCore.Scalar;
}
