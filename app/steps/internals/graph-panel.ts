/**
 * The computational graph of one training step: every op with its shapes in forward order and
 * the order backward runs them; a chosen op's forward and backward code, and the kernels it
 * dispatched on this device with their WGSL (on the CPU backend, which runs no kernels, the
 * kernels WebGPU may run for it, from the engine's table).
 */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shaderHeader, OP_KERNELS, type GraphOp } from '../../../engine/index.ts';
import { theme } from '../../ui/theme.ts';
import { functionRanges } from './codeRanges.ts';
import { opSource, shaderSource } from './sources.ts';
import type { OpKernel, TracedStep } from './stepTrace.ts';

/** A kernel as the detail shows it: dispatched (name, file, calls, GPU time), or listed by file. */
interface ShownKernel {
  name: string;
  file: string;
  header: string;
  code: string;
  role: string;
  calls: number;
  gpuMs: number | null;
}

interface OpCode {
  op: GraphOp;
  source: string;
  ranges: [number, number][];
  /** True: what ran on this device; false: the table's list (CPU backend). */
  dispatched: boolean;
  kernels: ShownKernel[];
}

const ms = (v: number | null | undefined, digits = 2) => (v === null || v === undefined ? '–' : v.toFixed(digits));

const shape = (s: readonly number[]) => `[${s.join(',')}]`;

@customElement('hg-graph-panel')
export class GraphPanel extends LitElement {
  static override styles = [
    theme,
    css`
      .ops { max-height: 75vh; overflow: auto; }
      #op-table td { white-space: nowrap; font-variant-numeric: tabular-nums; }
      table { width: 100%; font-size: 0.85rem; }
      tr.selected td { background: #e6eef9; }
      td button { padding: 0.05rem 0.4rem; font-family: ui-monospace, monospace; }
      .code { font: 12px/1.4 ui-monospace, 'SFMono-Regular', Menlo, monospace; background: #f6f7f9; border-radius: 6px; padding: 0.5rem; max-height: 24rem; overflow: auto; white-space: pre; margin: 0.3rem 0; }
      .code .hl { background: #fff3c4; display: block; }
      .header { white-space: pre-wrap; background: #eef5ee; }
      .kernel { border-left: 3px solid #1f4e8c; padding-left: 0.6rem; margin: 0.6rem 0; }
      .split { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 1rem; }
      @media (max-width: 1100px) { .split { grid-template-columns: 1fr; } }
    `,
  ];

  @property({ attribute: false }) step: TracedStep | null = null;
  @state() private order: 'forward' | 'backward' = 'forward';
  @state() private selected: OpCode | null = null;
  @state() private loadError = '';

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('step') && this.selected && this.step) {
      const op = this.step.graph.ops[this.selected.op.index];
      if (!op || op.name !== this.selected.op.name) this.selected = null;
    }
  }

  /** The table's kernels for an op (what WebGPU may run), shown on the CPU backend. */
  private async listedKernels(op: GraphOp): Promise<ShownKernel[]> {
    const roles = new Map<string, string[]>();
    for (const k of op.forwardKernels) roles.set(k, [...(roles.get(k) ?? []), 'forward']);
    for (const k of op.backwardKernels) roles.set(k, [...(roles.get(k) ?? []), 'backward']);
    return Promise.all([...roles].map(async ([file, r]) => {
      const code = await shaderSource(file);
      return { name: file, file, header: shaderHeader(code), code, role: r.join(' and '), calls: 0, gpuMs: null };
    }));
  }

  private async select(op: GraphOp): Promise<void> {
    this.loadError = '';
    try {
      const source = op.source ? await opSource(op.source) : '';
      const dispatched = this.step?.device === 'webgpu';
      const kernels = dispatched
        ? (this.step?.kernelsByOp.get(op.index) ?? []).map((k: OpKernel) => ({ ...k, header: shaderHeader(k.code) }))
        : await this.listedKernels(op);
      this.selected = { op, source, ranges: source ? functionRanges(source, op.name) : [], dispatched, kernels };
      await this.updateComplete;
      this.renderRoot.querySelector('.code .hl')?.scrollIntoView({ block: 'nearest' });
    } catch (error) {
      this.loadError = (error as Error).message;
    }
  }

  private renderSource(c: OpCode) {
    const lines = c.source.split('\n');
    const parts: unknown[] = [];
    let at = 0;
    for (const [a, b] of c.ranges) {
      if (a > at) parts.push(`${lines.slice(at, a).join('\n')}\n`);
      parts.push(html`<span class="hl">${lines.slice(a, b + 1).join('\n')}</span>`);
      at = b + 1;
    }
    if (at < lines.length) parts.push(lines.slice(at).join('\n'));
    return html`<div class="code" id="op-source" aria-label="Source of ${c.op.source}">${parts}</div>`;
  }

  private renderTiming(c: OpCode) {
    const step = this.step!;
    const host = step.msByOp.get(c.op.index);
    if (step.device === 'cpu') {
      return html`<p id="op-timing" data-kind="cpu">Backward: ${host !== undefined ? html`<strong>${ms(host, 3)} ms</strong> on the CPU backend (float64 loops: the work itself)` : 'not timed'}.</p>`;
    }
    const fwd = c.kernels.filter((k) => k.role === 'forward').reduce((a, k) => a + (k.gpuMs ?? 0), 0);
    const bwd = c.kernels.filter((k) => k.role === 'backward').reduce((a, k) => a + (k.gpuMs ?? 0), 0);
    return html`<p id="op-timing" data-kind="webgpu" data-gpu=${step.gpuTiming}>
      Host time: ${host !== undefined ? html`<strong>${ms(host, 3)} ms</strong>` : 'not timed'} to encode the backward's kernels (JavaScript on this page; the GPU runs them later).
      GPU time: ${step.gpuTiming === 'timestamps'
        ? html`<strong>${ms(fwd, 3)} ms</strong> forward, <strong>${ms(bwd, 3)} ms</strong> backward (timestamp queries around each kernel).`
        : 'not measured: this adapter has no timestamp queries.'}</p>`;
  }

  private renderKernels(c: OpCode, note: string | undefined) {
    const intro = c.dispatched
      ? html`<h3>Kernels dispatched for this op on WebGPU (this device)</h3>
          <p class="muted">Recorded as they ran in this step, forward then backward: each kernel's name says its role and variant; its WGSL is built from the file under shaders/ (the shared pieces and repeated statements filled in).</p>`
      : html`<h3>WGSL kernels WebGPU may run for it</h3>
          <p class="muted">The CPU backend runs float64 loops (engine/backends/cpu/), no kernels; on WebGPU this op runs some of these, depending on shapes (the table in engine/introspect/kernels.ts).</p>`;
    return html`${intro}
      ${c.kernels.length === 0 ? html`<p class="muted" id="no-kernels">None: ${note ?? 'this op launches no kernel'}.</p>` : nothing}
      ${c.kernels.map((k) => html`<div class="kernel" data-kernel=${k.name} data-file=${k.file} data-role=${k.role}>
        <p>${c.dispatched ? html`<code>${k.name}</code> from <code>shaders/${k.file}</code>` : html`<code>shaders/${k.file}</code>`} <span class="muted">(${k.role}${k.calls > 1 ? `, ${k.calls} dispatches` : ''}${k.gpuMs !== null ? `, GPU ${ms(k.gpuMs, 3)} ms` : ''})</span></p>
        <div class="code header">${k.header}</div>
        <details><summary>whole kernel</summary><div class="code wgsl">${k.code}</div></details>
      </div>`)}`;
  }

  private renderDetail() {
    const c = this.selected;
    if (this.loadError) return html`<p class="error" role="alert">${this.loadError}</p>`;
    if (!c || !this.step) return html`<p class="muted">Click an op to see its forward and backward code and its kernels.</p>`;
    const note = OP_KERNELS[c.op.name]?.note;
    return html`<div id="op-detail" data-op=${c.op.name} data-index=${c.op.index}>
      <h3><code>${c.op.name}</code> (op ${c.op.index + 1} forward, ${c.op.backwardStep + 1} in backward)</h3>
      <p>${c.op.inputShapes.map(shape).join(' · ')} → ${shape(c.op.outputShape)}</p>
      ${this.renderTiming(c)}
      ${note ? html`<p class="muted">${note}</p>` : nothing}
      <h3>Forward and backward: <code>${c.op.source}</code></h3>
      <p class="muted">The forward computes the output and records an autograd node whose closure is the backward; highlighted: the functions that do it for this op.</p>
      ${c.source ? this.renderSource(c) : html`<p class="muted">No source file for this op.</p>`}
      ${this.renderKernels(c, note)}
    </div>`;
  }

  override render() {
    const s = this.step;
    if (!s) return html`<p class="muted">Tracing…</p>`;
    const ops = this.order === 'forward' ? s.graph.ops : s.graph.backwardOrder.map((i) => s.graph.ops[i]);
    const gpu = s.device === 'webgpu';
    const timed = s.gpuTiming === 'timestamps';
    const tensors = new Map(s.graph.tensors.map((t) => [t.id, t]));
    const label = (id: number, sh: number[]) => {
      const t = tensors.get(id);
      return t?.kind === 'parameter' ? html`<span title=${t.name}>${t.name.split('.').slice(-1)[0]} ${shape(sh)}</span>` : shape(sh);
    };
    return html`<p id="graph-summary">${s.graph.ops.length} ops for a batch of ${s.batch} training windows; loss ${s.loss.toFixed(4)}; on ${gpu ? 'WebGPU' : 'the CPU'}.
        Autograd runs the backward in the reverse of a topological order, from the loss back to the weights.
        ${gpu ? html`Times: <em>host ms</em> is JavaScript encoding the backward's kernels; ${timed ? html`<em>GPU ms</em> is the op's kernels running on the GPU, forward and backward (timestamp queries).` : 'GPU time is not measured (no timestamp queries on this adapter).'}` : 'Times are the backward on the CPU backend.'}</p>
      <div class="row" role="radiogroup" aria-label="Order">
        <label><input type="radio" name="order" .checked=${this.order === 'forward'} @change=${() => (this.order = 'forward')} /> forward order</label>
        <label><input type="radio" name="order" id="order-backward" .checked=${this.order === 'backward'} @change=${() => (this.order = 'backward')} /> backward order</label>
      </div>
      <div class="split">
        <div class="ops"><table id="op-table">
          <thead><tr><th>${this.order === 'forward' ? 'fwd' : 'bwd'}</th><th>op</th><th>inputs</th><th>output</th><th>${this.order === 'forward' ? 'bwd' : 'fwd'}</th>
            <th title=${gpu ? 'host time to encode the backward\'s kernels (the GPU runs them later)' : 'backward time on the CPU backend'}>${gpu ? 'host ms' : 'CPU ms'}</th>
            ${timed ? html`<th title="GPU time of the op's kernels, forward and backward (timestamp queries)">GPU ms</th>` : nothing}</tr></thead>
          <tbody>${ops.map((op, row) => html`<tr class=${this.selected?.op.index === op.index ? 'selected' : ''} data-op=${op.name}>
            <td>${row + 1}</td>
            <td><button id="op-${op.index}" @click=${() => void this.select(op)}>${op.name}</button></td>
            <td>${op.inputs.map((id, i) => html`${i ? html`<br />` : nothing}${label(id, op.inputShapes[i])}`)}</td>
            <td>${shape(op.outputShape)}</td>
            <td>${this.order === 'forward' ? op.backwardStep + 1 : op.index + 1}</td>
            <td>${ms(s.msByOp.get(op.index))}</td>
            ${timed ? html`<td>${ms(s.gpuMsByOp.get(op.index))}</td>` : nothing}
          </tr>`)}</tbody>
        </table></div>
        <div>${this.renderDetail()}</div>
      </div>`;
  }
}
