/**
 * Compiled pipelines, one per kernel (its name is the key), and the bind group layouts they
 * share. Making a pipeline is where a kernel is held to its WGSL: the dispatch's inputs, outputs
 * and uniform names must be what the code declares (wgslLayout.ts), or this throws, naming the
 * kernel. Compile errors arrive asynchronously through an error scope and surface at the next
 * check() with the compiler's messages.
 */
import type { DeviceCore } from './device.ts';
import type { KernelDispatch } from './kernel.ts';
import type { Kernel } from './shaders.ts';
import { checkUniformNames, kernelInterface, type KernelInterface } from './wgslLayout.ts';

export interface CachedPipeline {
  kernel: Kernel;
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
  bindings: KernelInterface;
}

export class PipelineCache {
  private readonly pipelines = new Map<string, CachedPipeline>();
  private readonly layouts = new Map<string, GPUBindGroupLayout>();

  constructor(private readonly core: DeviceCore) {}

  get size(): number {
    return this.pipelines.size;
  }

  /** The pipeline for the dispatch's kernel, made (and checked against its WGSL) on first use. */
  get(d: KernelDispatch): CachedPipeline {
    const k = d.kernel;
    const cached = this.pipelines.get(k.name);
    if (cached) {
      if (cached.kernel !== k && (cached.kernel.code !== k.code || cached.kernel.entryPoint !== k.entryPoint)) {
        throw new Error(`two different kernels are named '${k.name}' (from shaders/${cached.kernel.file} and shaders/${k.file}); every variant needs its own name`);
      }
      return cached;
    }
    const bindings = kernelInterface(k.code, k.name);
    if (bindings.inputs !== d.inputs.length || bindings.outputs !== d.outputs.length) {
      throw new Error(`kernel '${k.name}' (shaders/${k.file}) declares ${bindings.inputs} input and ${bindings.outputs} output bindings; the dispatch passed ${d.inputs.length} and ${d.outputs.length}`);
    }
    checkUniformNames(bindings.uniforms, d.uniforms, k.name);
    const layout = this.bindGroupLayout(bindings);
    const device = this.core.device;
    device.pushErrorScope('validation');
    const module = device.createShaderModule({ code: k.code, label: k.name });
    const pipeline = device.createComputePipeline({
      label: k.name,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: k.entryPoint, constants: k.constants },
    });
    const scope = device
      .popErrorScope()
      .then(async (err) => {
        if (!err) return;
        let detail = '';
        try {
          const info = await module.getCompilationInfo();
          detail = info.messages.map((m) => `\n  line ${m.lineNum}:${m.linePos} ${m.type}: ${m.message}`).join('');
        } catch {
          // compilation info is a diagnostic extra only
        }
        this.pipelines.delete(k.name);
        this.core.reportError(`kernel '${k.name}' (shaders/${k.file}) failed to compile: ${err.message}${detail}`);
      })
      .catch(() => {
        // popErrorScope rejects only when the device is lost, which check() reports.
      });
    this.core.track(scope);
    const made = { kernel: k, pipeline, layout, bindings };
    this.pipelines.set(k.name, made);
    this.core.counters.pipelinesCreated++;
    return made;
  }

  private bindGroupLayout(b: KernelInterface): GPUBindGroupLayout {
    const key = `${b.inputs}/${b.outputs}/${b.uniforms !== null}`;
    let layout = this.layouts.get(key);
    if (!layout) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let i = 0; i < b.inputs; i++) entries.push({ binding: i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } });
      for (let i = 0; i < b.outputs; i++) entries.push({ binding: b.inputs + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } });
      if (b.uniforms) entries.push({ binding: b.inputs + b.outputs, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } });
      layout = this.core.device.createBindGroupLayout({ entries });
      this.layouts.set(key, layout);
    }
    return layout;
  }
}
