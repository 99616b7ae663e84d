/**
 * Browser-safe self-tests of the WebGPU backend against the float64 CPU backend: op parity,
 * gradchecks on WebGPU, optimizers, a small training run, dropout masks, and the
 * infrastructure's promises (no leaks, batched submits, no hidden readbacks, clear errors).
 * Each suite resolves to a list of checks; nothing throws past a suite. The test harness
 * (tests/browser) asserts on them; the app's gradient-check panel can show them.
 */
import type { Check } from './check.ts';
import { opParitySuite } from './parity.ts';
import { gradcheckSuite } from './gradchecks.ts';
import { optimizerSuite } from './optimizers.ts';
import { trainingSuite } from './training.ts';
import { dropoutSuite } from './dropout.ts';
import { deviceLossSuite, infraSuite } from './infra.ts';
import { convReluPoolSuite } from './convReluPool.ts';

export type { Check } from './check.ts';
export { compareArrays } from './check.ts';
export { MAX_SUBMITS_PER_STEP } from './infra.ts';
export { PARITY_CASES, runParityCase, type ParityCase, type Tolerance } from './parity.ts';

export const SELFTEST_SUITES: Record<string, () => Promise<Check[]>> = {
  parity: () => opParitySuite(),
  gradcheck: () => gradcheckSuite(),
  optimizers: () => optimizerSuite(),
  training: () => trainingSuite(),
  dropout: () => dropoutSuite(),
  infra: () => infraSuite(),
  convReluPool: () => convReluPoolSuite(),
  /** Destroys the device and makes a new one: run it last. */
  deviceLoss: () => deviceLossSuite(),
};

export async function runSelftest(name: string): Promise<Check[]> {
  const suite = SELFTEST_SUITES[name];
  if (!suite) throw new Error(`unknown self-test suite '${name}' (known: ${Object.keys(SELFTEST_SUITES).join(', ')})`);
  return suite();
}
