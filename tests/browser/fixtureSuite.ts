/**
 * Every PyTorch fixture case (tests/fixtures/torch/*.json with a `cases` list) run on WebGPU and
 * compared with PyTorch's float64 values at float32 tolerance: this makes "every shape of the
 * foundation suites" literal. Browser-side; the fixtures come in through Vite's import.meta.glob.
 */
import { tensor } from '../../engine/index.ts';
import { compareArrays, type Check } from '../../engine/selftest/check.ts';
import { OP_RUNNERS } from '../helpers/opRunners.ts';
import { runTorchCase, type TorchCase, type TorchFixture } from '../helpers/torchCases.ts';

const fixtures = import.meta.glob<TorchFixture>('../fixtures/torch/*.json', { eager: true, import: 'default' });

/** float32 tolerances per op family (PyTorch's values are float64). */
function tolerance(op: string): { rtol: number; atol: number } {
  if (/conv|matmul|linear|sum|mean|Loss|crossEntropy|Pool|softmax|Softmax/.test(op)) return { rtol: 1e-4, atol: 2e-5 };
  if (/exp|log|sqrt|pow|elu|reciprocal|div/.test(op)) return { rtol: 2e-5, atol: 1e-6 };
  return { rtol: 2e-6, atol: 1e-7 };
}

export function fixtureCases(): { file: string; c: TorchCase }[] {
  const out: { file: string; c: TorchCase }[] = [];
  for (const [file, fx] of Object.entries(fixtures)) {
    if (!Array.isArray(fx.cases)) continue;
    for (const c of fx.cases) out.push({ file: file.replace(/^.*\//, ''), c });
  }
  return out;
}

export async function runFixtureSuite(): Promise<Check[]> {
  const checks: Check[] = [];
  const cases = fixtureCases();
  checks.push({ name: 'fixture cases found', ok: cases.length > 0, detail: `${cases.length} cases` });
  for (const { file, c } of cases) {
    const name = `${file} ${c.name}`;
    const run = OP_RUNNERS[c.op];
    if (!run) {
      checks.push({ name, ok: false, detail: `no runner for op '${c.op}' in tests/helpers/opRunners.ts` });
      continue;
    }
    try {
      // Class targets stay host data (as the app has them): a GPU tensor cannot be validated
      // against ignoreIndex without a readback.
      const target = c.inputs.target;
      const hostTarget = target ? tensor(target.data, target.shape, { device: 'cpu' }) : null;
      const r = await runTorchCase(c, hostTarget ? (inputs, args) => run({ ...inputs, target: hostTarget }, args) : run, 'webgpu');
      hostTarget?.dispose();
      const { rtol, atol } = tolerance(c.op);
      const shapeOk = r.outputShape.length === c.output.shape.length && r.outputShape.every((d, i) => d === c.output.shape[i]);
      checks.push({ name: `${name}: shape`, ok: shapeOk, detail: `[${r.outputShape}] vs [${c.output.shape}]` });
      checks.push(compareArrays(`${name}: output`, r.output, c.output.data, rtol, atol));
      for (const [k, g] of Object.entries(c.grads)) checks.push(compareArrays(`${name}: grad ${k}`, r.grads[k], g.data, rtol, atol));
    } catch (err) {
      checks.push({ name, ok: false, detail: `threw: ${(err as Error).message}` });
    }
  }
  return checks;
}
