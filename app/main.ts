/**
 * Entry of the web app. Until the pipeline steps land (the web-app issue), the page shows what
 * the engine can do here: which backends this browser offers.
 */
import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';

@customElement('hypnograd-app')
export class HypnogradApp extends LitElement {
  static override styles = css`
    :host { display: block; font: 16px/1.5 system-ui, sans-serif; max-width: 56rem; margin: 2rem auto; padding: 0 1rem; }
  `;

  @state() private webgpu = 'checking…';

  override async firstUpdated(): Promise<void> {
    if (!('gpu' in navigator) || !navigator.gpu) {
      this.webgpu = 'not available in this browser (the CPU backend still works)';
      return;
    }
    const adapter = await navigator.gpu.requestAdapter();
    this.webgpu = adapter ? `available (${adapter.info.vendor || 'unknown vendor'} ${adapter.info.architecture || ''})` : 'no adapter offered';
  }

  override render() {
    return html`
      <h1>hypnograd</h1>
      <p>A deep-learning engine written from scratch for WebGPU, training a sleep-staging network on EEG, entirely in your browser. Nothing you load leaves this machine.</p>
      <p>WebGPU: <strong>${this.webgpu}</strong></p>
    `;
  }
}
