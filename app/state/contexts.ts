/** The app-wide contexts the shell provides; any step consumes what it needs. */
import { createContext } from '@lit/context';
import type { BackendState, Dataset, EpochsState, ModelSettings, PreprocessSettings, SplitState } from './types.ts';

export const backendContext = createContext<BackendState>(Symbol('hypnograd-backend'));
export const datasetContext = createContext<Dataset | null>(Symbol('hypnograd-dataset'));
export const preprocessContext = createContext<PreprocessSettings>(Symbol('hypnograd-preprocess'));
export const epochsContext = createContext<EpochsState>(Symbol('hypnograd-epochs'));
export const splitContext = createContext<SplitState>(Symbol('hypnograd-split'));
export const modelContext = createContext<ModelSettings>(Symbol('hypnograd-model'));
