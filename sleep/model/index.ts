/** The Chambon et al. (2018) sleep stager, its summary, and its weights in safetensors and JSON. */
export { SleepStagerChambon2018, chambonConfig, BRAINDECODE_KEY_ALIASES } from './chambon.ts';
export type { ChambonOptions, ChambonConfig, ChambonRounding } from './chambon.ts';
export { summary } from './summary.ts';
export type { ModelSummary, SummaryRow } from './summary.ts';
export { encodeSafetensors, decodeSafetensors, saveSafetensors, loadSafetensors, SafetensorsError } from './safetensors.ts';
export type { SafetensorsDtype, SafetensorsEntry, SafetensorsFile, NamedArray, EncodeOptions, SaveOptions } from './safetensors.ts';
export { weightsToJson, parseWeightsJson, loadWeightsJson } from './weightsJson.ts';
export type { WeightsJson, TensorJsonEntry } from './weightsJson.ts';
export { readStateDict, importStateDict, isIntegerKey } from './stateDictIo.ts';
export type { HostTensor, ImportedTensor, ImportOptions } from './stateDictIo.ts';
