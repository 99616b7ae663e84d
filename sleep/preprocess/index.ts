export { createFilter, firwinLowpass, roundHalfEven, type FilterKind, type FilterOptions, type FirFilter, type FirWindow } from './design.ts';
export { applyZeroPhaseFir, filterChannelsInPlace, filterSignal, type ApplyOptions } from './filter.ts';
export { frequencyResponse, type FrequencyResponse } from './response.ts';
export { welch, type Psd, type WelchOptions } from './welch.ts';
