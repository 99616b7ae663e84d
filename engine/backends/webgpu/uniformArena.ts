/**
 * The uniform arena: every dispatch's uniform block is placed in a host-side copy of one 64 KiB
 * uniform buffer at an offset the device's alignment allows, and the copy is written to the GPU
 * once, just before the submit that reads it (one writeBuffer per arena per submit, not one per
 * dispatch). A full arena is written out early and the next one continues.
 *
 * Why write before the submit and never after: queue.writeBuffer runs at call time on the
 * queue timeline, so writing at submit time orders it after every earlier submit (which no
 * longer reads the arena) and before this one (which does).
 *
 * Placement depends only on the order of the blocks within a submit: the same sequence of
 * dispatches gets the same buffers and offsets every step, which is what lets bind groups be
 * reused across steps.
 */
import type { DeviceCore } from './device.ts';
import { writeUniforms, type UniformLayout, type UniformValues } from './wgslLayout.ts';

export const UNIFORM_ARENA_BYTES = 64 * 1024;

/** Where a placed block lives, as a bind group entry wants it. */
export interface UniformBinding {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

export class UniformArena {
  private readonly buffers: GPUBuffer[] = [];
  private readonly data = new Uint8Array(UNIFORM_ARENA_BYTES);
  private readonly view = new DataView(this.data.buffer);
  private offset = 0;
  private index = 0;
  private readonly align: number;

  constructor(private readonly core: DeviceCore) {
    this.align = core.limits.minUniformBufferOffsetAlignment;
    core.onSubmit({ beforeSubmit: () => this.writeOut(true) });
  }

  /** Writes the current arena to its GPU buffer; at a submit, starts over at the first one. */
  private writeOut(atSubmit: boolean): void {
    if (this.offset > 0) this.core.device.queue.writeBuffer(this.buffers[this.index], 0, this.data.buffer, 0, this.offset);
    this.offset = 0;
    this.index = atSubmit ? 0 : this.index + 1;
  }

  /** Places a block laid out as `layout` says; returns where it is bound from. */
  place(layout: UniformLayout, values: UniformValues, kernel: string): UniformBinding {
    const size = layout.size;
    if (size > UNIFORM_ARENA_BYTES) throw new Error(`kernel '${kernel}': a uniform block of ${size} bytes is too large`);
    // A full arena is only read by this encoder's later submit, and nothing submitted reads it.
    if (this.offset + size > UNIFORM_ARENA_BYTES) this.writeOut(false);
    while (this.buffers.length <= this.index) {
      this.buffers.push(this.core.device.createBuffer({ size: UNIFORM_ARENA_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }));
    }
    const offset = this.offset;
    this.data.fill(0, offset, offset + size);
    writeUniforms(this.view, offset, layout, values, kernel);
    this.offset = Math.ceil((offset + size) / this.align) * this.align;
    return { buffer: this.buffers[this.index], offset, size };
  }
}
