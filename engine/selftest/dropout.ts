/**
 * Dropout masks on WebGPU: bit-for-bit the CPU's (same counter hash, same uint32 threshold),
 * the same for the same seed, and keeping a fraction 1 - p of a large tensor (within 1%).
 */
import { getBackend } from '../backend.ts';
import { Generator } from '../random.ts';
import { tensor } from '../tensor.ts';
import { dropout } from '../ops/dropout.ts';
import { compareArrays, guarded, type Check } from './check.ts';

export async function dropoutSuite(): Promise<Check[]> {
  return guarded('dropout', async () => {
    const gpu = getBackend('webgpu');
    const cpu = getBackend('cpu');
    const checks: Check[] = [];
    const length = 1 << 20;
    for (const [p, seed] of [
      [0.3, 12345],
      [0.5, 0xdeadbeef],
      [0.9, 7],
    ] as const) {
      const s = gpu.dropoutMask(length, p, seed);
      const m = await gpu.read(s);
      gpu.release(s);
      const c = cpu.readSync!(cpu.dropoutMask(length, p, seed));
      let differ = 0;
      let kept = 0;
      for (let i = 0; i < length; i++) {
        if ((m[i] !== 0) !== (c[i] !== 0)) differ++;
        if (m[i] !== 0) kept++;
      }
      checks.push({ name: `dropout p=${p}: same kept elements as the CPU`, ok: differ === 0, detail: `${differ} of ${length} differ` });
      checks.push(compareArrays(`dropout p=${p}: scale 1/(1-p)`, m, c, 1e-7, 0));
      const rate = kept / length;
      checks.push({ name: `dropout p=${p}: keep rate`, ok: Math.abs(rate - (1 - p)) <= 0.01 * (1 - p), detail: `kept ${rate.toFixed(5)}, expected ${1 - p} (within 1%)` });
    }
    // Through the op: the same generator state gives the same mask; the next draw another one.
    const x = tensor(new Float64Array(4096).fill(1), [64, 64], { device: 'webgpu' });
    const g1 = new Generator(5);
    const g2 = new Generator(5);
    const a = dropout(x, 0.4, true, { generator: g1 });
    const b = dropout(x, 0.4, true, { generator: g2 });
    const c = dropout(x, 0.4, true, { generator: g1 });
    const [av, bv, cv] = await Promise.all([a.data(), b.data(), c.data()]);
    checks.push(compareArrays('F.dropout: same seed, same mask', av, bv, 0, 0));
    checks.push({ name: 'F.dropout: the next seed draws a new mask', ok: av.some((v, i) => v !== cv[i]), detail: 'masks of two successive draws differ' });
    for (const t of [x, a, b, c]) t.dispose();
    return checks;
  });
}
