/**
 * A small network shaped like Chambon et al. (2018), the sleep stager the app trains: spatial
 * conv over the EEG channels, then twice (temporal conv -> ReLU -> max-pool), dropout, linear,
 * class-weighted cross-entropy. Small enough for a software GPU; every kernel of a real
 * training step runs.
 */
import type { DeviceName } from '../backend.ts';
import { Generator } from '../random.ts';
import { Tensor, tensor, tidy } from '../tensor.ts';
import { Module } from '../nn/module.ts';
import { Sequential } from '../nn/sequential.ts';
import { Conv2d } from '../nn/conv.ts';
import { Linear } from '../nn/linear.ts';
import { MaxPool2d } from '../nn/pool.ts';
import { Dropout, Flatten, ReLU } from '../nn/activation.ts';
import { crossEntropy } from '../ops/loss.ts';

class SwapChannelsAndSpace extends Module {
  override forward(x: Tensor): Tensor {
    return x.transpose(1, 2);
  }
}

export const CHAMBON_INPUT = { channels: 2, samples: 300, classes: 5, batch: 4 };
export const CHAMBON_CLASS_WEIGHTS = [1.0, 2.5, 0.6, 1.4, 1.1];

/** Same seed, same initial weights and dropout masks, on either device. */
export function chambonLikeNet(seed: number, device: DeviceName): Sequential {
  const g = new Generator(seed);
  const { channels, classes } = CHAMBON_INPUT;
  const net = new Sequential(
    new Conv2d(1, channels, [channels, 1], { generator: g }),
    new SwapChannelsAndSpace(),
    new Conv2d(1, 8, [1, 50], { padding: [0, 25], generator: g }),
    new ReLU(),
    new MaxPool2d([1, 12]),
    new Conv2d(8, 8, [1, 50], { padding: [0, 25], generator: g }),
    new ReLU(),
    new MaxPool2d([1, 12]),
    new Flatten(),
    new Dropout(0.25, { generator: new Generator(seed + 1) }),
    // 300 samples -> conv 301 -> pool 25 -> conv 26 -> pool 2; 8 maps x 2 channels x 2.
    new Linear(8 * channels * 2, classes, { generator: g }),
  );
  return device === 'cpu' ? net : net.to(device);
}

/**
 * A much smaller network with the same kinds of layers (conv, ReLU, max-pool, dropout, linear,
 * weighted cross-entropy), for tests that need hundreds of steps on a software GPU.
 */
export function tinyConvNet(seed: number, device: DeviceName): Sequential {
  const g = new Generator(seed);
  const { channels, classes } = CHAMBON_INPUT;
  const net = new Sequential(
    new Conv2d(1, 2, [channels, 5], { generator: g }),
    new ReLU(),
    new MaxPool2d([1, 37]),
    new Flatten(),
    new Dropout(0.25, { generator: new Generator(seed + 1) }),
    // 300 samples -> conv 296 -> pool 8; 2 maps.
    new Linear(2 * 8, classes, { generator: g }),
  );
  return device === 'cpu' ? net : net.to(device);
}

export interface Batch {
  x: Float64Array;
  y: number[];
}

export function chambonBatches(count: number, seed: number): Batch[] {
  const g = new Generator(seed);
  const { channels, samples, classes, batch } = CHAMBON_INPUT;
  return Array.from({ length: count }, () => ({
    x: Float64Array.from({ length: batch * channels * samples }, () => g.normal()),
    y: Array.from({ length: batch }, () => g.randint(classes)),
  }));
}

/** One optimisation step; returns the loss tensor (not read: reading is the caller's choice). */
export function trainStep(net: Module, opt: { step(): void; zeroGrad(): void }, x: Tensor, y: number[], weight: Tensor): Tensor {
  opt.zeroGrad();
  const loss = tidy(() => {
    const l = crossEntropy(net.forward(x), y, { weight });
    l.backward();
    return l;
  });
  opt.step();
  return loss;
}

export function batchTensor(b: Batch, device: DeviceName): Tensor {
  const { channels, samples, batch } = CHAMBON_INPUT;
  return tensor(b.x, [batch, 1, channels, samples], { device });
}
