/**
 * What each sleep stage looks like, as numbers the synthesizer uses: amplitudes of the rhythms
 * (uV RMS on Fpz-Cz) and rates of the transient events (per second), after the AASM scoring
 * manual: W posterior alpha, eye blinks and saccades, muscle; N1 theta, vertex waves, slow eye
 * movements, fading alpha; N2 spindles and K-complexes; N3 (stages 3 and 4) high-amplitude delta;
 * REM low-amplitude mixed frequency, sawtooth waves, rapid eye movements and chin atonia.
 * Every epoch draws its own values around its stage's, and N1 is drawn between drowsy wake and
 * light N2, so stages overlap as they do in real recordings.
 */
import type { Generator } from '../../engine/index.ts';

export interface EpochParams {
  background: number;
  alpha: number;
  theta: number;
  delta: number;
  muscle: number;
  spindleRate: number;
  kComplexRate: number;
  vertexRate: number;
  sawtoothRate: number;
  saccadeRate: number;
  blinkRate: number;
  slowEyeRate: number;
  movementRate: number;
  /** Chin EMG envelope (uV). */
  emg: number;
}

type Profile = EpochParams;

const W: Profile = { background: 9, alpha: 8, theta: 2.5, delta: 3, muscle: 4, spindleRate: 0, kComplexRate: 0, vertexRate: 0, sawtoothRate: 0, saccadeRate: 0.2, blinkRate: 0.2, slowEyeRate: 0, movementRate: 0.01, emg: 3.4 };
const DROWSY: Profile = { ...W, alpha: 3, theta: 4, muscle: 1.5, saccadeRate: 0.03, blinkRate: 0.05, slowEyeRate: 0.06, emg: 2.8 };
const N1: Profile = { background: 9, alpha: 2, theta: 6, delta: 6, muscle: 1, spindleRate: 0.01, kComplexRate: 0.01, vertexRate: 0.08, sawtoothRate: 0.01, saccadeRate: 0.01, blinkRate: 0.01, slowEyeRate: 0.08, movementRate: 0.003, emg: 2.5 };
const N2: Profile = { background: 10, alpha: 1.2, theta: 6, delta: 11, muscle: 0.6, spindleRate: 0.12, kComplexRate: 0.05, vertexRate: 0.02, sawtoothRate: 0, saccadeRate: 0, blinkRate: 0, slowEyeRate: 0.01, movementRate: 0.002, emg: 2.2 };
const N3: Profile = { background: 11, alpha: 1, theta: 6, delta: 28, muscle: 0.5, spindleRate: 0.05, kComplexRate: 0.03, vertexRate: 0, sawtoothRate: 0, saccadeRate: 0, blinkRate: 0, slowEyeRate: 0, movementRate: 0.001, emg: 2.1 };
const N4: Profile = { ...N3, delta: 40, spindleRate: 0.02, kComplexRate: 0.01 };
const REM: Profile = { background: 8, alpha: 2.5, theta: 6, delta: 5, muscle: 0.4, spindleRate: 0.004, kComplexRate: 0.003, vertexRate: 0.01, sawtoothRate: 0.06, saccadeRate: 0.3, blinkRate: 0, slowEyeRate: 0.01, movementRate: 0.002, emg: 1.5 };
const MOVEMENT: Profile = { ...W, alpha: 3, muscle: 10, movementRate: 0.15, emg: 4.2 };

function lerp(a: Profile, b: Profile, t: number): Profile {
  const out = { ...a };
  for (const k of Object.keys(a) as (keyof Profile)[]) out[k] = a[k] + (b[k] - a[k]) * t;
  return out;
}

/** Traits that make one sleeper's EEG differ from another's. */
export interface SubjectTraits {
  amplitudeFpz: number;
  amplitudePz: number;
  alphaFrequency: number;
  alphaStrength: number;
  thetaFrequency: number;
  deltaFrequency: number;
  spindleFrequency: number;
  deltaStrength: number;
  breathingRate: number;
  temperature: number;
}

export function drawTraits(gen: Generator): SubjectTraits {
  const logNormal = (sd: number) => Math.exp(sd * gen.normal());
  return {
    amplitudeFpz: logNormal(0.2),
    amplitudePz: logNormal(0.25),
    alphaFrequency: gen.uniform(8.5, 11.5),
    alphaStrength: logNormal(0.35),
    thetaFrequency: gen.uniform(4.5, 7),
    deltaFrequency: gen.uniform(0.6, 1.4),
    spindleFrequency: gen.uniform(12, 14.5),
    deltaStrength: logNormal(0.2),
    breathingRate: gen.uniform(0.2, 0.3),
    temperature: gen.uniform(36.8, 37.5),
  };
}

/**
 * One EpochParams per 30-s epoch. `stages` is the scoring string (W 1 2 3 4 R ?); '?' before the
 * first or after the last sleep epoch is lights-on wake, elsewhere movement.
 */
export function drawEpochParams(stages: string, traits: SubjectTraits, gen: Generator): EpochParams[] {
  const isSleep = (c: string) => c !== 'W' && c !== '?';
  let first = stages.length;
  let last = -1;
  for (let i = 0; i < stages.length; i++) {
    if (isSleep(stages[i])) {
      first = Math.min(first, i);
      last = i;
    }
  }
  // Distance (epochs) to the nearest sleep epoch, for drowsiness in wake.
  const near = new Int32Array(stages.length).fill(1 << 30);
  for (let i = 0, d = 1 << 30; i < stages.length; i++) near[i] = d = isSleep(stages[i]) ? 0 : d + 1;
  for (let i = stages.length - 1, d = 1 << 30; i >= 0; i--) near[i] = Math.min(near[i], (d = isSleep(stages[i]) ? 0 : d + 1));

  const out: EpochParams[] = [];
  for (let i = 0; i < stages.length; i++) {
    const c = stages[i];
    let p: Profile;
    switch (c) {
      case '1':
        p = lerp(DROWSY, N2, gen.uniform(0.15, 0.75));
        p = lerp(p, N1, 0.5);
        break;
      case '2':
        p = lerp(N2, N1, 0.3 * gen.random());
        break;
      case '3':
        p = lerp(N3, N2, 0.35 * gen.random());
        break;
      case '4':
        p = N4;
        break;
      case 'R':
        p = lerp(REM, N1, 0.3 * gen.random());
        break;
      case '?':
        p = i > first && i < last ? MOVEMENT : W;
        break;
      default:
        // Wake close to sleep is often drowsy: alpha fades, eyes roll.
        p = near[i] <= 6 && gen.random() < 0.6 ? lerp(W, DROWSY, gen.random()) : W;
    }
    const amp = () => Math.exp(0.3 * gen.normal());
    const rate = () => Math.exp(0.4 * gen.normal());
    out.push({
      background: p.background * amp(),
      alpha: p.alpha * amp() * traits.alphaStrength,
      theta: p.theta * amp(),
      delta: p.delta * amp() * traits.deltaStrength,
      muscle: p.muscle * amp(),
      spindleRate: p.spindleRate * rate(),
      kComplexRate: p.kComplexRate * rate(),
      vertexRate: p.vertexRate * rate(),
      sawtoothRate: p.sawtoothRate * rate(),
      saccadeRate: p.saccadeRate * rate(),
      blinkRate: p.blinkRate * rate(),
      slowEyeRate: p.slowEyeRate * rate(),
      movementRate: p.movementRate * rate(),
      emg: p.emg * (0.9 + 0.2 * gen.random()),
    });
  }
  return out;
}
