/// <reference lib="webworker" />
/**
 * The pipeline worker: EDF parsing, synthesis, filtering, epoching and spectra run here so a
 * 48-MB night never freezes the page. It answers one job and is then terminated by the client.
 */
import { synthesizeRecording } from '../../sleep/synthetic/index.ts';
import { DEFAULT_EEG_CHANNELS } from '../../sleep/edf/index.ts';
import type { LoadedRecording } from '../state/types.ts';
import { epochRecordings } from './epochJob.ts';
import { stagePsd } from './psdJob.ts';
import type { JobMap, JobProgress, JobRequest, WorkerMessage } from './protocol.ts';
import { readFiles, toLoaded } from './readFiles.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

function post(message: WorkerMessage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function progress(p: JobProgress): void {
  post({ type: 'progress', progress: p });
}

function buffersOf(recordings: readonly { channels: Float32Array[] }[]): Transferable[] {
  return recordings.flatMap((r) => r.channels.map((c) => c.buffer as ArrayBuffer));
}

async function run(request: JobRequest): Promise<void> {
  switch (request.job) {
    case 'synthesize': {
      const { subjects, hours, seed } = request.args as JobMap['synthesize']['args'];
      const out: LoadedRecording[] = [];
      subjects.forEach((subject, i) => {
        progress({ done: i, total: subjects.length, what: `SYNTHETIC subject ${subject}` });
        const s = synthesizeRecording({ subject, night: 1, hours, seed, channels: DEFAULT_EEG_CHANNELS });
        const loaded = toLoaded({ ...s.recording, annotations: s.hypnogram }, s.hypnogramFile, subject, 1, true);
        out.push(loaded);
      });
      progress({ done: subjects.length, total: subjects.length, what: 'done' });
      post({ type: 'result', value: out }, buffersOf(out));
      return;
    }
    case 'readFiles': {
      const { files } = request.args as JobMap['readFiles']['args'];
      const result = await readFiles(
        files.map((f) => ({ name: f.name, load: () => f.arrayBuffer() })),
        (done, total, what) => progress({ done, total, what }),
      );
      post({ type: 'result', value: result }, buffersOf(result.recordings));
      return;
    }
    case 'epochs': {
      const { recordings, settings } = request.args as JobMap['epochs']['args'];
      const result = epochRecordings(recordings, settings, (done, total) => progress({ done, total, what: 'epoching' }));
      post({ type: 'result', value: result }, result.recordings.flatMap((r) => [r.data.buffer as ArrayBuffer, r.starts.buffer as ArrayBuffer]));
      return;
    }
    case 'psd': {
      const { channel, sfreq, annotations, settings } = request.args as JobMap['psd']['args'];
      post({ type: 'result', value: stagePsd(channel, sfreq, annotations, settings) });
      return;
    }
  }
}

scope.onmessage = (event: MessageEvent<JobRequest>) => {
  run(event.data).catch((error: unknown) => post({ type: 'error', message: error instanceof Error ? error.message : String(error) }));
};
