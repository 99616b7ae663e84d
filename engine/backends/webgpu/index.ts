/**
 * Entry point of the WebGPU backend: `await initWebGPU()` requests an adapter and a device,
 * registers the 'webgpu' backend, and from then on `device: 'webgpu'` works everywhere.
 *
 * This module imports nothing GPU-specific at load time (the kernels and their WGSL come in
 * by dynamic import), so the engine stays importable from Node command-line tools.
 */
import { registerBackend, setDefaultDevice, type Backend } from '../../backend.ts';
import type { KernelProfile, WebGpuContext, WebGpuStats } from './context.ts';

export type { KernelProfile, KernelTime, TimedDispatch, WebGpuStats } from './context.ts';

export interface InitWebGPUOptions {
  powerPreference?: GPUPowerPreference;
  /** Make 'webgpu' the default device for new tensors. */
  setDefault?: boolean;
  /** Submit the command encoder after this many recorded dispatches even without a sync point. */
  autoFlushDispatches?: number;
  /** Replace an existing device (otherwise a second call returns the first one). */
  force?: boolean;
}

export interface WebGpuInfo {
  vendor: string;
  architecture: string;
  description: string;
  timestampQuery: boolean;
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxStorageBuffersPerShaderStage: number;
    maxComputeWorkgroupsPerDimension: number;
  };
}

let context: WebGpuContext | null = null;
let info: WebGpuInfo | null = null;

const HOW_TO_LAUNCH =
  'Use a recent Chrome or Edge (113+) on a secure origin (https:// or http://localhost / 127.0.0.1). ' +
  'For headless or automated Chromium, launch with --enable-unsafe-webgpu --headless=new ' +
  '(Linux without a GPU falls back to SwiftShader; also try --enable-features=Vulkan and --use-angle=swiftshader). ' +
  'In Chrome, check chrome://gpu for "WebGPU: Hardware accelerated" and enable chrome://flags/#enable-unsafe-webgpu if needed.';

/** Limits the engine asks for: the adapter's maximum of each, since big tensors need big bindings. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupStorageSize',
] as const;

export async function initWebGPU(opts: InitWebGPUOptions = {}): Promise<WebGpuInfo> {
  if (context && !context.isLost && !opts.force) {
    if (opts.setDefault) setDefaultDevice('webgpu');
    return info!;
  }
  const gpu = typeof navigator !== 'undefined' ? navigator.gpu : undefined;
  if (!gpu) {
    const insecure = typeof isSecureContext !== 'undefined' && !isSecureContext;
    throw new Error(
      `WebGPU is not available: navigator.gpu is undefined${insecure ? ' because this page is not a secure context' : typeof navigator === 'undefined' ? ' (this is not a browser)' : ''}. ${HOW_TO_LAUNCH}`,
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference });
  if (!adapter) throw new Error(`WebGPU is present but no GPU adapter was granted (requestAdapter returned null; the GPU may be blocklisted or disabled). ${HOW_TO_LAUNCH}`);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  // Timestamps for kernel profiling; subgroups for kernels that share loads across lanes.
  const requiredFeatures = (['timestamp-query', 'subgroups'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch (err) {
    throw new Error(`the WebGPU adapter refused a device (${(err as Error).message}). ${HOW_TO_LAUNCH}`);
  }
  const [{ WebGpuContext }, { createWebGpuBackend }] = await Promise.all([import('./context.ts'), import('./backend.ts')]);
  const previous = context;
  context = new WebGpuContext(device, { autoFlushDispatches: opts.autoFlushDispatches });
  previous?.destroy();
  const backend: Backend = createWebGpuBackend(context);
  registerBackend(backend);
  if (opts.setDefault) setDefaultDevice('webgpu');
  info = {
    vendor: adapter.info.vendor,
    architecture: adapter.info.architecture,
    description: adapter.info.description,
    timestampQuery: device.features.has('timestamp-query'),
    limits: {
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    },
  };
  return info;
}

function requireContext(): WebGpuContext {
  if (!context) throw new Error('the webgpu backend is not initialised: call `await initWebGPU()` first');
  return context;
}

/** Memory and command counters (dispatches, submits, readbacks since the last markWebGpuStats()). */
export function webgpuStats(): WebGpuStats {
  return requireContext().stats();
}

/** Starts a new counting window for dispatches, submits, mapAsyncs, uploads. */
export function markWebGpuStats(): void {
  requireContext().markStats();
}

/**
 * Starts timing every kernel dispatch on the GPU (needs the adapter's 'timestamp-query'
 * feature; `webgpuInfo().timestampQuery` says). Adds no submit and no readback until
 * `stopWebGpuProfile()`.
 */
export function startWebGpuProfile(): void {
  requireContext().startProfile();
}

/** Ends the profiling window: GPU milliseconds per kernel (pipeline key), slowest first. */
export function stopWebGpuProfile(): Promise<KernelProfile> {
  return requireContext().stopProfile();
}

/** Frees pooled GPU buffers that are not in use. */
export function trimWebGpuPool(): void {
  requireContext().trim();
}

/** Waits for the GPU to finish submitted work and throws any error it reported. */
export async function syncWebGPU(): Promise<void> {
  const ctx = requireContext();
  ctx.flush();
  await ctx.device.queue.onSubmittedWorkDone();
  await ctx.settle();
}

/** The context, for kernel tests and tools that need the device itself. */
export function webgpuContext(): WebGpuContext {
  return requireContext();
}

export function webgpuInfo(): WebGpuInfo | null {
  return info;
}
