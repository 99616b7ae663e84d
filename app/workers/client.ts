/**
 * Runs a pipeline job in a fresh module worker. Aborting terminates the worker, so a stale job
 * (the user changed the filter again) stops using CPU at once.
 */
import type { JobMap, JobName, JobProgress, JobRequest, WorkerMessage } from './protocol.ts';

export interface JobOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** Buffers to move (not copy) into the worker. */
  transfer?: Transferable[];
}

export function runJob<K extends JobName>(job: K, args: JobMap[K]['args'], options: JobOptions = {}): Promise<JobMap[K]['result']> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(options.signal.reason ?? new DOMException('aborted', 'AbortError'));
      return;
    }
    const worker = new Worker(new URL('./pipeline.worker.ts', import.meta.url), { type: 'module', name: `hypnograd-${job}` });
    const finish = () => {
      worker.terminate();
      options.signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = () => {
      finish();
      reject(options.signal?.reason ?? new DOMException('aborted', 'AbortError'));
    };
    options.signal?.addEventListener('abort', onAbort);
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const m = event.data;
      if (m.type === 'progress') options.onProgress?.(m.progress);
      else if (m.type === 'result') {
        finish();
        resolve(m.value as JobMap[K]['result']);
      } else {
        finish();
        reject(new Error(m.message));
      }
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(`the ${job} worker failed: ${event.message || 'could not start (see the console)'}`));
    };
    const request: JobRequest<K> = { job, args };
    worker.postMessage(request, options.transfer ?? []);
  });
}
