/**
 * Requests from the steps to the shell, which owns the state. All bubble and cross shadow roots.
 */
import type { Dataset, DeviceChoice, ModelSettings, PreprocessSettings, SplitSettings } from './types.ts';

export interface AppEventMap {
  'hg-dataset': Dataset;
  'hg-preprocess': PreprocessSettings;
  'hg-split': SplitSettings;
  'hg-model': ModelSettings;
  'hg-device': DeviceChoice;
  /** Go to a step by id. */
  'hg-navigate': string;
}

export function emit<K extends keyof AppEventMap>(from: EventTarget, type: K, detail: AppEventMap[K]): void {
  from.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
}

declare global {
  interface HTMLElementEventMap {
    'hg-dataset': CustomEvent<Dataset>;
    'hg-preprocess': CustomEvent<PreprocessSettings>;
    'hg-split': CustomEvent<SplitSettings>;
    'hg-model': CustomEvent<ModelSettings>;
    'hg-device': CustomEvent<DeviceChoice>;
    'hg-navigate': CustomEvent<string>;
  }
}
