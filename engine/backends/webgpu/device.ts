/**
 * The device/queue core of the WebGPU backend: the GPUDevice, the one command encoder every
 * dispatch, clear and copy is recorded into, its submit, the counters, and the device's errors.
 * The buffer pool, the uniform arena and the profiler (bufferPool.ts, uniformArena.ts,
 * profiler.ts) hang their per-submit work on `flush()` through the hooks below; context.ts
 * composes them.
 *
 * Batching: work is never submitted per op. `flush()` submits the encoder at reads, at the end of
 * optimizer.step(), after `autoFlushDispatches` dispatches, or when asked. `epoch` counts the
 * submits: it is the id of the encoder now recording, which the buffer pool's reuse rule needs.
 */

/** Counted since the context was made; `WebGpuContext.stats()` reports them since a mark. */
export interface Counters {
  dispatches: number;
  submits: number;
  mapAsyncs: number;
  uploads: number;
  buffersCreated: number;
  pipelinesCreated: number;
}

/** Work a part of the context does around each submit (in registration order). */
export interface SubmitHooks {
  /** Called with the encoder about to be finished: last commands go in here. */
  beforeSubmit?(encoder: GPUCommandEncoder): void;
  /** Called once the command buffer is queued. */
  afterSubmit?(): void;
}

/** Dawn reports every later use of an invalid object too; those add noise, not news. */
const CONSEQUENTIAL = /invalid due to a previous error/;

export class DeviceCore {
  readonly limits: GPUSupportedLimits;
  readonly hasTimestamps: boolean;
  readonly hasSubgroupsFeature: boolean;
  readonly counters: Counters = { dispatches: 0, submits: 0, mapAsyncs: 0, uploads: 0, buffersCreated: 0, pipelinesCreated: 0 };
  /** Submits so far: the id of the encoder now recording. */
  epoch = 0;
  private encoder: GPUCommandEncoder | null = null;
  private encoderCommands = 0;
  private readonly hooks: SubmitHooks[] = [];
  private lostMessage: string | null = null;
  private errorMessages: string[] = [];
  private errorsReported = 0;
  private readonly pendingScopes = new Set<Promise<void>>();
  private destroyed = false;

  constructor(
    readonly device: GPUDevice,
    /** Commands after which the encoder is submitted even without a sync point (bounds memory). */
    private readonly autoFlushCommands = 4096,
  ) {
    this.limits = device.limits;
    this.hasTimestamps = device.features.has('timestamp-query');
    this.hasSubgroupsFeature = device.features.has('subgroups');
    device.lost.then((info) => {
      if (this.destroyed && info.reason === 'destroyed') return;
      this.lostMessage = `the WebGPU device was lost (${info.reason}): ${info.message || 'no message'}. Call initWebGPU() again to get a new device; tensors on the old one are gone.`;
    });
    device.addEventListener('uncapturederror', (e) => {
      const message = (e as GPUUncapturedErrorEvent).error.message;
      if (this.errorsReported > 0 && CONSEQUENTIAL.test(message)) return;
      this.errorMessages.push(message);
    });
  }

  onSubmit(hooks: SubmitHooks): void {
    this.hooks.push(hooks);
  }

  get isLost(): boolean {
    return this.lostMessage !== null;
  }

  /** Throws the first GPU error seen since the last call (device loss stays sticky). */
  check(): void {
    if (this.lostMessage) throw new Error(this.lostMessage);
    if (this.errorMessages.length) {
      const msgs = this.errorMessages;
      this.errorMessages = [];
      this.errorsReported++;
      // The root cause first: Dawn also reports every later use of an invalid object.
      const first = msgs.find((m) => !CONSEQUENTIAL.test(m)) ?? msgs[0];
      throw new Error(`WebGPU error: ${first}${msgs.length > 1 ? ` (and ${msgs.length - 1} follow-on error${msgs.length > 2 ? 's' : ''})` : ''}`);
    }
  }

  /** Records an error found asynchronously (a pipeline that failed to compile); check() throws it. */
  reportError(message: string): void {
    this.errorMessages.push(message);
  }

  /** Keeps an error scope's promise until it settles, so settle() can wait for it. */
  track(scope: Promise<void>): void {
    const tracked = scope.finally(() => this.pendingScopes.delete(tracked));
    this.pendingScopes.add(tracked);
  }

  /** Waits for pending error scopes, then throws what they found. */
  async settle(): Promise<void> {
    while (this.pendingScopes.size) await Promise.all([...this.pendingScopes]);
    this.check();
  }

  /** The encoder now recording (made on first use after a submit); counts one command. */
  commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.encoderCommands = 0;
    }
    this.encoderCommands++;
    return this.encoder;
  }

  /** Submits when the encoder holds `autoFlushCommands` commands (after a dispatch). */
  maybeFlush(): void {
    if (this.encoderCommands >= this.autoFlushCommands) this.flush();
  }

  /** Submits everything recorded so far. A no-op when nothing is recorded. */
  flush(): void {
    this.check();
    if (!this.encoder) return;
    const encoder = this.encoder;
    for (const h of this.hooks) h.beforeSubmit?.(encoder);
    this.device.queue.submit([encoder.finish()]);
    this.encoder = null;
    this.encoderCommands = 0;
    this.counters.submits++;
    this.epoch++;
    for (const h of this.hooks) h.afterSubmit?.();
  }

  /** Submits pending work and destroys the device. */
  destroy(): void {
    if (this.destroyed) return;
    try {
      if (!this.lostMessage) this.flush();
    } finally {
      this.destroyed = true;
      this.device.destroy();
    }
  }
}
