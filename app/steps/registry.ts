/**
 * The pipeline's steps in order. The shell renders the navigation from this list and shows the
 * current step's element; training and evaluation slot in by adding entries (with their module
 * imported for its custom element).
 */
import type { TemplateResult } from 'lit';
import { html } from 'lit';

export interface StepDefinition {
  /** URL hash id (#/data). */
  id: string;
  title: string;
  /** One line shown under the title in the navigation. */
  summary: string;
  render: () => TemplateResult;
}

export const STEPS: StepDefinition[] = [
  { id: 'data', title: '1. Data', summary: 'load recordings', render: () => html`<hg-data-step></hg-data-step>` },
  { id: 'raw', title: '2. Raw signals', summary: 'look at the night', render: () => html`<hg-raw-step></hg-raw-step>` },
  { id: 'preprocess', title: '3. Preprocessing', summary: 'filter and crop', render: () => html`<hg-preprocess-step></hg-preprocess-step>` },
  { id: 'epochs', title: '4. Epochs', summary: '30-s windows', render: () => html`<hg-epochs-step></hg-epochs-step>` },
  { id: 'split', title: '5. Split', summary: 'subjects and weights', render: () => html`<hg-split-step></hg-split-step>` },
  { id: 'model', title: '6. Model', summary: 'the ConvNet', render: () => html`<hg-model-step></hg-model-step>` },
  { id: 'train', title: '7. Training', summary: 'learn, watch the curves', render: () => html`<hg-training-step></hg-training-step>` },
  { id: 'evaluate', title: '8. Evaluation', summary: 'test subjects, hypnogram', render: () => html`<hg-evaluation-step></hg-evaluation-step>` },
];

export function registerStep(step: StepDefinition, after?: string): void {
  const at = after ? STEPS.findIndex((s) => s.id === after) + 1 : STEPS.length;
  STEPS.splice(at > 0 ? at : STEPS.length, 0, step);
}

export function stepFromHash(hash: string): StepDefinition {
  const id = hash.replace(/^#\/?/, '');
  return STEPS.find((s) => s.id === id) ?? STEPS[0];
}
