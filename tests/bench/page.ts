/**
 * The bench page (tests/bench/index.html): installs the WebGPU instrumentation before any library
 * touches the GPU, then exposes `window.hypnogradBench`; the CLI opens one fresh page per peer.
 */
import { installGpuInstrument } from './gpuInstrument.ts';
import type { AdapterInfo, BenchPageApi, KernelEfficiency, KernelEfficiencyConfig, PeerConfig, PeerResult } from './types.ts';
import { splitPeer } from './types.ts';
import { measure, type BenchSubject } from './measure.ts';

installGpuInstrument();

async function adapterInfo(): Promise<AdapterInfo> {
  const base = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
  };
  const empty = { vendor: '', architecture: '', device: '', description: '', timestampQuery: false };
  if (!navigator.gpu) return { available: false, ...empty, ...base, error: 'navigator.gpu is undefined' };
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) return { available: false, ...empty, ...base, error: 'requestAdapter returned null' };
  const i = adapter.info;
  return {
    available: true,
    vendor: i.vendor,
    architecture: i.architecture,
    device: i.device,
    description: i.description,
    timestampQuery: adapter.features.has('timestamp-query'),
    ...base,
    error: null,
  };
}

async function run(cfg: PeerConfig): Promise<PeerResult> {
  const [library, backend] = splitPeer(cfg.peer);
  let subject: BenchSubject;
  if (library === 'hypnograd') {
    if (backend === 'wasm') throw new Error('hypnograd has no wasm backend');
    const { createHypnogradSubject } = await import('./hypnogradSubject.ts');
    subject = await createHypnogradSubject(backend);
  } else if (library === 'tfjs') {
    const { createTfjsSubject } = await import('./tfjsSubject.ts');
    subject = await createTfjsSubject(backend);
  } else {
    throw new Error(`peer ${cfg.peer} does not run in the browser`);
  }
  try {
    return await measure(subject, cfg);
  } finally {
    subject.dispose();
  }
}

async function tfjsParameterCount(): Promise<number> {
  const m = await import('./tfjsSubject.ts');
  return m.tfjsParameterCount();
}

async function wasmShimCheck(strideW: number, pad: 'same' | 'valid'): Promise<{ maxAbsDiff: number; maxAbs: number }> {
  const m = await import('./tfjsSubject.ts');
  return m.checkWasmConv2dFilterGrad(strideW, pad);
}

async function kernelEfficiency(cfg: KernelEfficiencyConfig): Promise<KernelEfficiency> {
  const m = await import('./kernelEfficiency.ts');
  return m.runKernelEfficiency(cfg);
}

const api: BenchPageApi = { adapterInfo, run, kernelEfficiency, tfjsParameterCount, wasmShimCheck };
const w = globalThis as unknown as { hypnogradBench: BenchPageApi; hypnogradBenchReady: boolean };
w.hypnogradBench = api;
w.hypnogradBenchReady = true;
document.getElementById('log')!.textContent = 'ready';
