/**
 * The braindecode SleepStagerChambon2018 layer stack built from hypnograd's nn modules, with the
 * same submodule names and registration order as tests/fixtures/scripts/torch_chambon.py, so
 * its state dict loads PyTorch's directly. (The product model lives in sleep/; this one exists
 * to check the engine against the fixtures.)
 */
import { nn, type Tensor } from '../../engine/index.ts';

export interface ChambonLikeConfig {
  nChannels: number;
  sfreq: number;
  inputSizeS: number;
  nConvChs?: number;
  nClasses?: number;
  dropout?: number;
}

export class ChambonLike extends nn.Module {
  readonly nChannels: number;
  readonly spatialConv: nn.Conv2d;
  readonly featureExtractor: nn.Sequential;
  readonly fc: nn.Sequential;

  constructor(c: ChambonLikeConfig) {
    super();
    const timeConv = Math.trunc(0.5 * c.sfreq);
    const pool = Math.trunc(0.125 * c.sfreq);
    const pad = Math.trunc(0.25 * c.sfreq);
    const chs = c.nConvChs ?? 8;
    this.nChannels = c.nChannels;
    this.spatialConv = this.registerModule('spatial_conv', new nn.Conv2d(1, c.nChannels, [c.nChannels, 1]));
    this.featureExtractor = this.registerModule(
      'feature_extractor',
      new nn.Sequential(
        new nn.Conv2d(1, chs, [1, timeConv], { padding: [0, pad] }),
        new nn.Identity(),
        new nn.ReLU(),
        new nn.MaxPool2d([1, pool]),
        new nn.Conv2d(chs, chs, [1, timeConv], { padding: [0, pad] }),
        new nn.Identity(),
        new nn.ReLU(),
        new nn.MaxPool2d([1, pool]),
      ),
    );
    // The flattened feature length, as PyTorch's model finds it: by running the extractor once.
    const lenAfter = (len: number) => Math.floor((len + 2 * pad - timeConv + 1) / pool);
    const lenLast = chs * c.nChannels * lenAfter(lenAfter(Math.trunc(c.inputSizeS * c.sfreq)));
    this.fc = this.registerModule('fc', new nn.Sequential(new nn.Dropout(c.dropout ?? 0.25), new nn.Linear(lenLast, c.nClasses ?? 5)));
  }

  override forward(x: Tensor): Tensor {
    let h = x.ndim === 3 ? x.unsqueeze(1) : x;
    if (this.nChannels > 1) h = this.spatialConv.forward(h).transpose(1, 2);
    return this.fc.forward(this.featureExtractor.forward(h).flatten(1));
  }
}
