/**
 * Sample-level synthesis of one night: a 1/f background, noise-driven resonators for the alpha,
 * theta and delta rhythms, and transient events (spindles, K-complexes, vertex and sawtooth waves,
 * blinks, saccades, slow eye movements, movement artefacts) added on top. Stage parameters change
 * every 0.1 s and cross-fade around each epoch boundary at a random offset and width, so stage
 * transitions blur as in real recordings. Only 32-bit generator draws and typed arrays in the hot
 * loop: a full night (2650 epochs) takes about a second.
 */
import type { Generator } from '../../engine/index.ts';
import { EEG_RATE, RECORD_SECONDS } from './layout.ts';
import type { EpochParams, SubjectTraits } from './params.ts';

export interface NightSignals {
  fpz: Float32Array;
  pz: Float32Array;
  eog: Float32Array;
  resp: Float32Array;
  emg: Float32Array;
  temp: Float32Array;
  marker: Float32Array;
}

const BLOCK = 10; // samples per parameter update (0.1 s)
const EPOCH_SAMPLES = RECORD_SECONDS * EEG_RATE;
const BLOCKS_PER_EPOCH = EPOCH_SAMPLES / BLOCK;
const UNIFORM_TO_UNIT = Math.sqrt(3) / 32768; // a 16-bit uniform draw scaled to unit variance

/** Gain that gives a resonator y = a1 y1 - a2 y2 + g x unit output variance for unit white x. */
function resonator(freq: number, bandwidth: number): { a1: number; a2: number; g: number } {
  const r = 1 - (Math.PI * bandwidth) / EEG_RATE;
  const w = (2 * Math.PI * freq) / EEG_RATE;
  const a1 = 2 * r * Math.cos(w);
  const a2 = r * r;
  const variance = (1 + a2) / ((1 - a2) * ((1 + a2) * (1 + a2) - a1 * a1));
  return { a1, a2, g: 1 / Math.sqrt(variance) };
}

// Paul Kellet's economy pink-noise filter: three one-pole sections, 1/f from ~0.04 Hz to Nyquist.
const PINK_POLES = [0.99765, 0.963, 0.57];
const PINK_GAINS = [0.099046, 0.2965164, 1.0526913];
const PINK_DIRECT = 0.1848;
const PINK_NORM = (() => {
  let v = PINK_DIRECT * PINK_DIRECT;
  for (let i = 0; i < 3; i++) {
    v += 2 * PINK_DIRECT * PINK_GAINS[i];
    for (let j = 0; j < 3; j++) v += (PINK_GAINS[i] * PINK_GAINS[j]) / (1 - PINK_POLES[i] * PINK_POLES[j]);
  }
  return 1 / Math.sqrt(v);
})();

function poisson(gen: Generator, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = gen.random(); p > limit; p *= gen.random()) k++;
  return k;
}

/** Per-block parameter track with cross-fades at epoch boundaries. */
function track(params: EpochParams[], key: keyof EpochParams, fades: Float64Array): Float32Array {
  const n = params.length;
  const out = new Float32Array(n * BLOCKS_PER_EPOCH);
  for (let e = 0; e < n; e++) out.fill(params[e][key], e * BLOCKS_PER_EPOCH, (e + 1) * BLOCKS_PER_EPOCH);
  for (let e = 1; e < n; e++) {
    const a = params[e - 1][key];
    const b = params[e][key];
    const start = fades[2 * e];
    const width = fades[2 * e + 1];
    for (let k = Math.max(0, Math.floor(start)); k < start + width && k < out.length; k++) {
      out[k] = a + ((b - a) * (k - start)) / width;
    }
  }
  return out;
}

export function synthesizeSignals(stages: string, params: EpochParams[], traits: SubjectTraits, gen: Generator): NightSignals {
  const epochs = stages.length;
  const n = epochs * EPOCH_SAMPLES;
  const fpz = new Float32Array(n);
  const pz = new Float32Array(n);
  const eog = new Float32Array(n);
  const ampF = traits.amplitudeFpz;
  const ampP = 0.5 * traits.amplitudePz;

  // Boundary cross-fades: centred within +-6 s of the boundary, 2-16 s wide, inside both epochs.
  const fades = new Float64Array(2 * epochs);
  for (let e = 1; e < epochs; e++) {
    const width = gen.uniform(20, 160);
    fades[2 * e] = e * BLOCKS_PER_EPOCH + gen.uniform(-60, 60) - width / 2;
    fades[2 * e + 1] = width;
  }

  renderEvents(params, traits, gen, fpz, pz, eog, ampF, ampP);

  const background = track(params, 'background', fades);
  const alpha = track(params, 'alpha', fades);
  const theta = track(params, 'theta', fades);
  const delta = track(params, 'delta', fades);
  const muscle = track(params, 'muscle', fades);

  const al = resonator(traits.alphaFrequency, 1.5);
  const th = resonator(traits.thetaFrequency, 2.5);
  const de = resonator(traits.deltaFrequency, 1.2);
  const { a1: alA1, a2: alA2, g: alG } = al;
  const { a1: thA1, a2: thA2, g: thG } = th;
  const { a1: deA1, a2: deA2, g: deG } = de;
  let a1 = 0, a2 = 0, t1 = 0, t2 = 0, d1 = 0, d2 = 0; // resonator states
  let f0 = 0, f1 = 0, f2 = 0, p0 = 0, p1 = 0, p2 = 0; // pink filter states
  let mPrev = 0;
  const [q0, q1, q2] = PINK_POLES;
  const [c0, c1, c2] = PINK_GAINS;
  for (let b = 0, i = 0; b < background.length; b++) {
    const bg = background[b] * PINK_NORM;
    const alp = alpha[b];
    const the = theta[b];
    const del = delta[b];
    const mus = muscle[b];
    for (let end = i + BLOCK; i < end; i++) {
      const r1 = gen.nextUint32();
      const r2 = gen.nextUint32();
      const r3 = gen.nextUint32();
      const r4 = gen.nextUint32();
      const wf = ((r1 & 0xffff) - 32767.5) * UNIFORM_TO_UNIT;
      const wp = ((r1 >>> 16) - 32767.5) * UNIFORM_TO_UNIT;
      const common = ((r4 >>> 16) - 32767.5) * UNIFORM_TO_UNIT;
      const xf = 0.8 * wf + 0.6 * common;
      const xp = 0.8 * wp + 0.6 * common;
      f0 = q0 * f0 + c0 * xf;
      f1 = q1 * f1 + c1 * xf;
      f2 = q2 * f2 + c2 * xf;
      p0 = q0 * p0 + c0 * xp;
      p1 = q1 * p1 + c1 * xp;
      p2 = q2 * p2 + c2 * xp;
      const pinkF = f0 + f1 + f2 + PINK_DIRECT * xf;
      const pinkP = p0 + p1 + p2 + PINK_DIRECT * xp;
      const ya = alA1 * a1 - alA2 * a2 + alG * ((r2 & 0xffff) - 32767.5) * UNIFORM_TO_UNIT;
      a2 = a1;
      a1 = ya;
      const yt = thA1 * t1 - thA2 * t2 + thG * ((r2 >>> 16) - 32767.5) * UNIFORM_TO_UNIT;
      t2 = t1;
      t1 = yt;
      const yd = deA1 * d1 - deA2 * d2 + deG * ((r3 & 0xffff) - 32767.5) * UNIFORM_TO_UNIT;
      d2 = d1;
      d1 = yd;
      // Differenced white noise: muscle activity lives above 20 Hz.
      const m = ((r3 >>> 16) - 32767.5) * UNIFORM_TO_UNIT;
      const emgNoise = (m - mPrev) * 0.7071;
      mPrev = m;
      const vf = fpz[i] + ampF * (bg * pinkF + 0.35 * alp * ya + the * yt + del * yd + mus * emgNoise);
      fpz[i] = vf;
      pz[i] += ampP * (bg * pinkP + 1.6 * alp * ya + 0.7 * the * yt + 0.5 * del * yd + 0.5 * mus * emgNoise);
      eog[i] += 0.25 * vf + 6 * ((r4 & 0xffff) - 32767.5) * UNIFORM_TO_UNIT;
    }
  }
  highPass(fpz, 0.3);
  highPass(pz, 0.3);
  highPass(eog, 0.3);

  return { fpz, pz, eog, ...slowChannels(stages, params, traits, gen) };
}

/** One-pole DC blocker, as the recorder's 0.5 Hz high-pass (gentler, to keep slow waves). */
function highPass(x: Float32Array, cutoff: number): void {
  const r = 1 - (2 * Math.PI * cutoff) / EEG_RATE;
  let prevIn = 0;
  let prevOut = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    prevOut = v - prevIn + r * prevOut;
    prevIn = v;
    x[i] = prevOut;
  }
}

function renderEvents(
  params: EpochParams[],
  traits: SubjectTraits,
  gen: Generator,
  fpz: Float32Array,
  pz: Float32Array,
  eog: Float32Array,
  ampF: number,
  ampP: number,
): void {
  const n = fpz.length;
  const rate = EEG_RATE;
  const place = (e: number, margin: number) => Math.floor((e * RECORD_SECONDS + gen.uniform(0, RECORD_SECONDS - margin)) * rate);

  const spindle = (t0: number, amp: number) => {
    const len = Math.floor(gen.uniform(0.5, 2) * rate);
    const f = traits.spindleFrequency + gen.uniform(-0.8, 0.8);
    const phase = gen.uniform(0, 2 * Math.PI);
    for (let k = 0; k < len && t0 + k < n; k++) {
      const env = Math.sin((Math.PI * k) / len);
      const v = amp * env * env * Math.sin((2 * Math.PI * f * k) / rate + phase);
      fpz[t0 + k] += ampF * v;
      pz[t0 + k] += ampP * 0.9 * v;
    }
  };

  for (let e = 0; e < params.length; e++) {
    const p = params[e];
    for (let c = poisson(gen, p.spindleRate * RECORD_SECONDS); c > 0; c--) spindle(place(e, 2), gen.uniform(12, 30));
    for (let c = poisson(gen, p.kComplexRate * RECORD_SECONDS); c > 0; c--) {
      // Sharp negative wave then a slower positive one, >= 0.5 s, maximal frontally.
      const t0 = place(e, 3);
      const amp = gen.uniform(50, 120);
      for (let k = 0; k < rate * 1.2 && t0 + k < n; k++) {
        const t = k / rate;
        const v = -amp * Math.exp(-(((t - 0.25) / 0.08) ** 2)) + 0.6 * amp * Math.exp(-(((t - 0.65) / 0.18) ** 2));
        fpz[t0 + k] += ampF * v;
        pz[t0 + k] += ampP * 0.4 * v;
      }
      if (gen.random() < 0.3) spindle(t0 + Math.floor(0.9 * rate), gen.uniform(12, 25));
    }
    for (let c = poisson(gen, p.vertexRate * RECORD_SECONDS); c > 0; c--) {
      const t0 = place(e, 1);
      const amp = gen.uniform(30, 80);
      for (let k = 0; k < rate * 0.4 && t0 + k < n; k++) {
        const v = amp * Math.exp(-(((k / rate - 0.15) / 0.05) ** 2));
        fpz[t0 + k] += ampF * v;
        pz[t0 + k] -= ampP * 0.2 * v;
      }
    }
    for (let c = poisson(gen, p.sawtoothRate * RECORD_SECONDS); c > 0; c--) {
      // Trains of 2-5 Hz triangular waves with a slow rise and a fast fall.
      const t0 = place(e, 4);
      const len = Math.floor(gen.uniform(1, 3.5) * rate);
      const f = gen.uniform(2, 5);
      const amp = gen.uniform(15, 35);
      for (let k = 0; k < len && t0 + k < n; k++) {
        const frac = ((f * k) / rate) % 1;
        const saw = frac < 0.75 ? frac / 0.75 : (1 - frac) / 0.25;
        const v = amp * Math.sin((Math.PI * k) / len) * (2 * saw - 1);
        fpz[t0 + k] += ampF * v;
        pz[t0 + k] += ampP * 0.8 * v;
      }
    }
    for (let c = poisson(gen, p.blinkRate * RECORD_SECONDS); c > 0; c--) {
      const t0 = place(e, 1);
      const amp = gen.uniform(60, 180);
      const len = Math.floor(gen.uniform(0.25, 0.45) * rate);
      for (let k = 0; k < len && t0 + k < n; k++) {
        const s = Math.sin((Math.PI * k) / len);
        fpz[t0 + k] += amp * s * s;
        eog[t0 + k] += 0.15 * amp * s * s;
      }
    }
    for (let c = poisson(gen, p.saccadeRate * RECORD_SECONDS); c > 0; c--) {
      // Rapid eye movements come in short bursts of alternating steps on the horizontal EOG.
      let t0 = place(e, 5);
      const moves = 1 + gen.randint(p.saccadeRate > 0.15 ? 5 : 2);
      let sign = gen.random() < 0.5 ? -1 : 1;
      for (let s = 0; s < moves; s++) {
        const amp = sign * gen.uniform(40, 220);
        const hold = Math.floor(gen.uniform(0.2, 1.2) * rate);
        for (let k = 0; k < hold + 6 && t0 + k < n; k++) {
          const v = amp * (k < 6 ? k / 6 : k >= hold ? (hold + 6 - k) / 6 : 1);
          eog[t0 + k] += v;
          fpz[t0 + k] += 0.08 * v;
        }
        t0 += hold + 6;
        sign = -sign;
      }
    }
    for (let c = poisson(gen, p.slowEyeRate * RECORD_SECONDS); c > 0; c--) {
      const t0 = place(e, 6);
      const len = Math.floor(gen.uniform(2, 6) * rate);
      const f = gen.uniform(0.2, 0.5);
      const amp = gen.uniform(40, 140);
      for (let k = 0; k < len && t0 + k < n; k++) {
        const v = amp * Math.sin((Math.PI * k) / len) * Math.sin((2 * Math.PI * f * k) / rate);
        eog[t0 + k] += v;
        fpz[t0 + k] += 0.05 * v;
      }
    }
    for (let c = poisson(gen, p.movementRate * RECORD_SECONDS); c > 0; c--) {
      const t0 = place(e, 2);
      const len = Math.floor(gen.uniform(1, 8) * rate);
      const amp = gen.uniform(20, 80);
      let walk = 0;
      for (let k = 0; k < len && t0 + k < n; k++) {
        walk = 0.97 * walk + gen.normal();
        const v = amp * (0.25 * walk + 0.5 * gen.normal());
        fpz[t0 + k] += v;
        pz[t0 + k] += 0.6 * v;
        eog[t0 + k] += 1.5 * v;
      }
    }
  }
}

/** The 1 Hz channels: breathing, chin EMG envelope, rectal temperature, event marker. */
function slowChannels(stages: string, params: EpochParams[], traits: SubjectTraits, gen: Generator) {
  const n = stages.length * RECORD_SECONDS;
  const resp = new Float32Array(n);
  const emg = new Float32Array(n);
  const temp = new Float32Array(n);
  const marker = new Float32Array(n);
  let phase = gen.uniform(0, 2 * Math.PI);
  let t = traits.temperature;
  for (let e = 0; e < stages.length; e++) {
    const asleep = stages[e] !== 'W' && stages[e] !== '?';
    const depth = asleep ? 0.7 : 1;
    for (let s = 0; s < RECORD_SECONDS; s++) {
      const i = e * RECORD_SECONDS + s;
      phase += 2 * Math.PI * traits.breathingRate * (1 + 0.08 * gen.normal());
      resp[i] = 700 * depth * Math.sin(phase) + 250 + 60 * gen.normal();
      emg[i] = params[e].emg + 0.15 * gen.normal();
      t += ((asleep ? traits.temperature - 0.6 : traits.temperature) - t) / 3600 + 0.003 * gen.normal();
      temp[i] = t;
      marker[i] = 900 + 15 * gen.normal();
    }
  }
  return { resp, emg, temp, marker };
}
