/**
 * TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel, so a conv2d cannot be trained on
 * it. This registers one that runs the wasm backend's own Conv3DBackpropFilterV2 on a depth-1
 * view of the same memory (NHWC [N, H, W, C] is NDHWC [N, 1, H, W, C]; the [1, FH, FW, Cin, Cout]
 * result is the [FH, FW, Cin, Cout] filter gradient), so nothing is copied and the work stays in
 * wasm. Stride 1 only (all the model needs; checked against the cpu backend by bench.test.ts).
 * The bench says so in the wasm peer's notes.
 */
import type * as tfCore from '@tensorflow/tfjs-core';

export const WASM_SHIM_NOTE =
  "TF.js 4.22's wasm backend has no Conv2DBackpropFilter kernel; the bench registers one that runs the wasm backend's Conv3DBackpropFilterV2 on a depth-1 view (tests/bench/tfjsWasmShim.ts)";

type Pad = 'valid' | 'same' | number;

export function registerWasmConv2dBackpropFilter(tf: typeof tfCore): boolean {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return false;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) throw new Error("the TF.js wasm backend has neither Conv2DBackpropFilter nor Conv3DBackpropFilterV2");
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tfCore.TensorInfo; dy: tfCore.TensorInfo };
      const a = attrs as unknown as { strides: number | [number, number]; pad: Pad; dataFormat: string; dimRoundingMode?: string; filterShape: [number, number, number, number] };
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error(`wasm Conv2DBackpropFilter shim: only NHWC, got ${a.dataFormat}`);
      if (a.dimRoundingMode) throw new Error('wasm Conv2DBackpropFilter shim: dimRoundingMode is not supported');
      const [sh, sw] = typeof a.strides === 'number' ? [a.strides, a.strides] : a.strides;
      // Checked against the cpu backend at stride 1 only (strided cases disagree; the model needs none).
      if (sh !== 1 || sw !== 1) throw new Error(`wasm Conv2DBackpropFilter shim: stride 1 only, got [${sh}, ${sw}]`);
      const x5: tfCore.TensorInfo = { dataId: x.dataId, dtype: x.dtype, shape: [x.shape[0], 1, ...x.shape.slice(1)] };
      const dy5: tfCore.TensorInfo = { dataId: dy.dataId, dtype: dy.dtype, shape: [dy.shape[0], 1, ...dy.shape.slice(1)] };
      const dw5 = conv3d.kernelFunc({
        inputs: { x: x5, dy: dy5 },
        backend,
        attrs: { strides: [1, sh, sw], pad: a.pad, filterShape: [1, ...a.filterShape] } as unknown as tfCore.NamedAttrMap,
      }) as tfCore.TensorInfo;
      return { dataId: dw5.dataId, dtype: dw5.dtype, shape: [...a.filterShape] };
    },
  });
  return true;
}
