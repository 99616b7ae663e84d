/** The evaluation's files, made in the page (Blob + object URL): nothing goes to a server. */
import { STAGE_NAMES } from '../../state/stages.ts';
import type { EvaluationResult } from '../../training/protocol.ts';

/** recording, window index, onset s, true, predicted, one probability per stage. */
export function predictionsCsv(result: EvaluationResult): string {
  const lines = [['recording', 'window', 'onset_s', 'true', 'predicted', ...STAGE_NAMES.map((s) => `p_${s}`)].join(',')];
  for (const r of result.recordings) {
    const file = /[",\n]/.test(r.file) ? `"${r.file.replace(/"/g, '""')}"` : r.file;
    for (let i = 0; i < r.yTrue.length; i++) {
      const p = Array.from(r.probabilities.subarray(i * 5, i * 5 + 5), (v) => v.toFixed(6));
      lines.push([file, i, r.onsets[i], STAGE_NAMES[r.yTrue[i]], STAGE_NAMES[r.yPred[i]], ...p].join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface DownloadLinks {
  csv: string;
  weights: string;
  revoke(): void;
}

export function makeDownloadLinks(result: EvaluationResult): DownloadLinks {
  const csv = URL.createObjectURL(new Blob([predictionsCsv(result)], { type: 'text/csv' }));
  const weights = URL.createObjectURL(new Blob([result.weights as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  return {
    csv,
    weights,
    revoke: () => {
      URL.revokeObjectURL(csv);
      URL.revokeObjectURL(weights);
    },
  };
}
