/** Finding out whether this browser can run the WebGPU backend, and starting it. */
import type { BackendState } from '../state/types.ts';

export async function detectBackend(): Promise<BackendState> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator) || !navigator.gpu) {
    return {
      device: 'cpu',
      webgpuAvailable: false,
      busy: false,
      detail: `This browser has no WebGPU${isSecureContext ? '' : ' (the page is not a secure context)'}. The CPU backend works everywhere, only slower; for WebGPU use a recent Chrome or Edge.`,
    };
  }
  try {
    // Loaded on demand: the kernels are only fetched (from this origin) when WebGPU exists.
    const { initWebGPU } = await import('../../engine/backends/webgpu/index.ts');
    const info = await initWebGPU();
    const name = [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'unnamed adapter';
    return { device: 'webgpu', webgpuAvailable: true, busy: false, detail: `WebGPU ready: ${name}` };
  } catch (error) {
    return { device: 'cpu', webgpuAvailable: false, busy: false, detail: `WebGPU could not start: ${(error as Error).message} Using the CPU backend.` };
  }
}
