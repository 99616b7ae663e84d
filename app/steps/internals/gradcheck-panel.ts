/** Runs the engine's gradient checks on this browser's GPU, op by op, and shows every comparison. */
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { DeviceName } from '../../../engine/index.ts';
import { theme } from '../../ui/theme.ts';
import { GRADCHECK_OPS, runOpGradcheck, tolerances, type OpGradcheck } from './gradcheckRunner.ts';

const fmt = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toPrecision(5) : v.toExponential(2));

@customElement('hg-gradcheck-panel')
export class GradcheckPanel extends LitElement {
  static override styles = [
    theme,
    css`
      .pass { color: #1b7a3a; font-weight: 600; }
      .fail { color: #a4161a; font-weight: 600; }
      table { font-size: 0.85rem; }
      details table { margin: 0.3rem 0 0.6rem 1rem; }
    `,
  ];

  @property() device: DeviceName = 'cpu';
  @state() private results: OpGradcheck[] = [];
  @state() private running = false;

  private async run(): Promise<void> {
    this.running = true;
    this.results = [];
    try {
      for (let i = 0; i < GRADCHECK_OPS.length; i++) {
        this.results = [...this.results, await runOpGradcheck(i, this.device)];
      }
    } finally {
      this.running = false;
    }
  }

  private entries(r: OpGradcheck) {
    const worst = [...r.entries].sort((a, b) => b.absError - a.absError).slice(0, 12);
    return html`<details><summary>analytic vs numeric (the ${worst.length} largest differences of ${r.entries.length})</summary>
      <table aria-label="Jacobian entries of ${r.name}">
        <thead><tr><th>d out[o] / d input[i]</th><th>analytic</th><th>numeric</th><th>abs error</th><th>rel error</th><th></th></tr></thead>
        <tbody>${worst.map((e) => html`<tr><td>d out[${e.output}] / d x${e.input}[${e.index}]</td><td>${fmt(e.analytic)}</td><td>${fmt(e.numeric)}</td><td>${fmt(e.absError)}</td><td>${fmt(e.relError)}</td><td class=${e.ok ? 'pass' : 'fail'}>${e.ok ? '✓' : '✗'}</td></tr>`)}</tbody>
      </table></details>`;
  }

  override render() {
    const tol = tolerances(this.device);
    const done = this.results.length;
    const passed = this.results.filter((r) => r.ok).length;
    return html`<p>For each op, autograd's gradient (analytic: one backward per output) is compared with central finite differences
        (numeric: (f(x+ε) − f(x−ε)) / 2ε for every input element), on ${this.device === 'webgpu' ? 'this browser’s GPU (WebGPU, float32)' : 'the CPU backend (float64; WebGPU is not available here)'}.
        An entry passes when |analytic − numeric| ≤ atol + rtol·|numeric| (ε = ${tol.eps}, atol = ${tol.atol}, rtol = ${tol.rtol}${this.device === 'webgpu' ? ': float32 needs a large ε and loose tolerances' : ''}).</p>
      <div class="row">
        <button class="primary" id="run-gradcheck" ?disabled=${this.running} @click=${() => void this.run()}>${this.running ? 'Checking…' : done ? 'Run again' : 'Run the gradient checks'}</button>
        ${done ? html`<span id="gradcheck-summary" role="status" data-passed=${passed} data-total=${GRADCHECK_OPS.length} data-done=${String(!this.running && done === GRADCHECK_OPS.length)}>
          ${passed} of ${done} checked ops pass${this.running ? ` (${done} of ${GRADCHECK_OPS.length} done)` : ''}.</span>` : nothing}
      </div>
      ${done ? html`<table id="gradcheck-table" aria-label="Gradient checks">
        <thead><tr><th>op</th><th>entries</th><th>max abs error</th><th>max rel error</th><th>ms</th><th>result</th></tr></thead>
        <tbody>${this.results.map((r) => html`<tr data-op=${r.name} data-ok=${String(r.ok)}>
          <td>${r.name}${r.error ? html`<br /><span class="error">${r.error}</span>` : nothing}${r.entries.length ? this.entries(r) : nothing}</td>
          <td>${r.checked}</td><td>${fmt(r.maxAbsError)}</td><td>${fmt(r.maxRelError)}</td><td>${r.ms.toFixed(0)}</td>
          <td class=${r.ok ? 'pass' : 'fail'}>${r.ok ? 'pass' : 'FAIL'}</td></tr>`)}</tbody>
      </table>` : nothing}`;
  }
}
