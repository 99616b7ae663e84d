/** `--backend webgpu`: the training job in headless Chromium. */
import type { CliPlan } from './train.ts';

export async function runInBrowser(plan: CliPlan, write: (s: string) => void): Promise<number> {
  void plan;
  write('train: --backend webgpu is not yet available from the command line; use --backend cpu\n');
  return 2;
}
