/**
 * Which source file and which WGSL kernels stand behind each autograd op name (the `name` that
 * `record()` gives a GradNode). One table, so the app's graph view, the docs and the tests read
 * the same thing. Kernel names are file names under shaders/.
 *
 * `backward` lists the kernels the op's own backward function launches, including the ones it
 * reaches through other ops (e.g. `mul`'s backward multiplies, and sums over broadcast
 * dimensions). Accumulating gradients of a tensor used twice adds them (binary.wgsl); that is
 * autograd's, not the op's, and is not listed.
 */

export interface OpKernels {
  /** The file that defines the op, forward beside backward, relative to the repository root. */
  source: string;
  forward: readonly string[];
  backward: readonly string[];
  /** When a kernel runs only in some cases, or the op is a view. */
  note?: string;
  /** Kernels the WebGPU backend runs instead of the general ones for some shapes (its fast paths). */
  fastPath?: readonly string[];
}

const elementwise = 'engine/ops/elementwise.ts';
const unary = 'engine/ops/unary.ts';
const BROADCAST_NOTE = 'sum.wgsl runs in the backward only for an input that was broadcast';

export const OP_KERNELS: Readonly<Record<string, OpKernels>> = {
  add: { source: elementwise, forward: ['binary.wgsl'], backward: ['sum.wgsl'], note: BROADCAST_NOTE },
  sub: { source: elementwise, forward: ['binary.wgsl'], backward: ['unary.wgsl', 'sum.wgsl'], note: BROADCAST_NOTE },
  mul: { source: elementwise, forward: ['binary.wgsl'], backward: ['binary.wgsl', 'sum.wgsl'], note: BROADCAST_NOTE },
  div: { source: elementwise, forward: ['binary.wgsl'], backward: ['binary.wgsl', 'unary.wgsl', 'sum.wgsl'], note: BROADCAST_NOTE },
  neg: { source: elementwise, forward: ['unary.wgsl'], backward: ['unary.wgsl'] },
  exp: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl'] },
  log: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl'] },
  sqrt: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl'] },
  square: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl'] },
  abs: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl'] },
  pow: { source: unary, forward: ['unary.wgsl'], backward: ['unary.wgsl', 'binary.wgsl'] },
  reciprocal: { source: unary, forward: ['unary.wgsl'], backward: ['binary.wgsl', 'unary.wgsl'] },
  relu: { source: 'engine/ops/activation.ts', forward: ['unary.wgsl'], backward: ['unary_backward.wgsl'], fastPath: ['relu_backward_vec4.wgsl'], note: 'tensors whose length is a multiple of 4 take the vec4 backward' },
  elu: { source: 'engine/ops/activation.ts', forward: ['unary.wgsl'], backward: ['unary_backward.wgsl'] },
  softplus: { source: 'engine/ops/activation.ts', forward: ['unary.wgsl'], backward: ['unary_backward.wgsl'] },
  sum: { source: 'engine/ops/reduce.ts', forward: ['sum.wgsl'], backward: ['binary.wgsl'], note: 'the backward broadcasts the gradient back (expand is zeros + g)' },
  reshape: { source: 'engine/ops/view.ts', forward: [], backward: [], note: 'a view: shares storage, launches nothing' },
  clone: { source: 'engine/ops/view.ts', forward: [], backward: [], note: 'a buffer copy (copyBufferToBuffer on WebGPU): no kernel; the gradient passes through unchanged' },
  permute: { source: 'engine/ops/view.ts', forward: ['permute.wgsl'], backward: ['permute.wgsl'] },
  matmul: { source: 'engine/ops/linear.ts', forward: ['matmul_blocked.wgsl'], backward: ['matmul_blocked.wgsl', 'sum.wgsl'], fastPath: ['matmul_small.wgsl'], note: 'sum.wgsl only for a broadcast batch; outputs of at most 256 elements take matmul_small.wgsl' },
  linear: { source: 'engine/ops/linear.ts', forward: ['matmul_blocked.wgsl', 'binary.wgsl'], backward: ['matmul_blocked.wgsl', 'sum.wgsl'], fastPath: ['matmul_small.wgsl'], note: 'binary.wgsl adds the bias; sum.wgsl is its gradient; outputs of at most 256 elements take matmul_small.wgsl' },
  logSoftmax: { source: 'engine/ops/softmax.ts', forward: ['log_softmax.wgsl'], backward: ['log_softmax_backward.wgsl'] },
  softmax: { source: 'engine/ops/softmax.ts', forward: ['log_softmax.wgsl', 'unary.wgsl'], backward: ['binary.wgsl', 'sum.wgsl'] },
  pickClass: { source: 'engine/ops/loss.ts', forward: ['gather_class.wgsl'], backward: ['scatter_class.wgsl'], note: "nll_loss's class pick; per-class weights are looked up with index_select.wgsl outside the graph" },
  dropout: { source: 'engine/ops/dropout.ts', forward: ['dropout_mask.wgsl', 'binary.wgsl'], backward: ['binary.wgsl'] },
  conv1d: { source: 'engine/ops/conv.ts', forward: ['conv2d_forward.wgsl'], backward: ['conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'], fastPath: ['conv_rows_forward.wgsl', 'conv_rows_backward_weight.wgsl', 'sum_leading.wgsl'], note: 'a conv2d over a height-1 image; sum.wgsl is the bias gradient; stride-1 convolutions along rows take the conv_rows kernels (forward and input gradient in one, weight and bias gradients in one)' },
  conv2d: { source: 'engine/ops/conv.ts', forward: ['conv2d_forward.wgsl'], backward: ['conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'], fastPath: ['conv_rows_forward.wgsl', 'conv_rows_backward_weight.wgsl', 'sum_leading.wgsl'], note: 'sum.wgsl is the bias gradient; stride-1 convolutions along rows (kernel height 1 or the whole height) take the conv_rows kernels (forward and input gradient in one, weight and bias gradients in one)' },
  conv1dRelu: { source: 'engine/ops/conv.ts', forward: ['conv2d_forward.wgsl', 'unary.wgsl'], backward: ['unary_backward.wgsl', 'conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'], fastPath: ['conv_rows_forward.wgsl', 'conv_rows_backward_weight.wgsl', 'sum_leading.wgsl', 'relu_backward_vec4.wgsl'], note: 'conv1d with activation relu; stride-1 convolutions along rows apply the ReLU inside conv_rows_forward.wgsl (no unary.wgsl); the backward masks the gradient by out > 0 (unary_backward.wgsl, or relu_backward_vec4.wgsl for lengths divisible by 4), then runs the conv1d backward' },
  conv2dRelu: { source: 'engine/ops/conv.ts', forward: ['conv2d_forward.wgsl', 'unary.wgsl'], backward: ['unary_backward.wgsl', 'conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'], fastPath: ['conv_rows_forward.wgsl', 'conv_rows_backward_weight.wgsl', 'sum_leading.wgsl', 'relu_backward_vec4.wgsl'], note: 'conv2d with activation relu; stride-1 convolutions along rows apply the ReLU inside conv_rows_forward.wgsl (no unary.wgsl); the backward masks the gradient by out > 0 (unary_backward.wgsl, or relu_backward_vec4.wgsl for lengths divisible by 4), then runs the conv2d backward' },
  conv2dReluMaxPool2d: { source: 'engine/ops/convPool.ts', forward: ['conv2d_forward.wgsl', 'unary.wgsl', 'maxpool2d_forward.wgsl'], backward: ['unary_backward.wgsl', 'maxpool2d_backward.wgsl', 'conv2d_backward_input.wgsl', 'conv2d_backward_weight.wgsl', 'sum.wgsl'], fastPath: ['conv_rows_forward.wgsl', 'maxpool2d_backward_scatter.wgsl', 'conv_rows_maxpool_backward_weight_shared.wgsl', 'conv_rows_maxpool_backward_weight.wgsl', 'sum_leading.wgsl'], note: 'max_pool2d(relu(conv2d)) as one op; row convolutions pooled along the row in non-overlapping windows run fused: conv_rows_forward.wgsl writes only each window\'s max and winner, the weight and bias gradients visit one winner per window (conv_rows_maxpool_backward_weight_shared.wgsl, one load of each input for all output channels; conv_rows_maxpool_backward_weight.wgsl without subgroups), and the input gradient scatters the winners\' gradients (maxpool2d_backward_scatter.wgsl, skipping windows the ReLU stops) into the dense row-convolution gradient (conv_rows_forward.wgsl); other shapes run conv2d + relu + max_pool2d\'s kernels in turn' },
  maxPool1d: { source: 'engine/ops/pool.ts', forward: ['maxpool2d_forward.wgsl'], backward: ['maxpool2d_backward.wgsl'], fastPath: ['maxpool2d_backward_scatter.wgsl'], note: 'a max_pool2d over a height-1 image; windows that do not overlap take maxpool2d_backward_scatter.wgsl' },
  maxPool2d: { source: 'engine/ops/pool.ts', forward: ['maxpool2d_forward.wgsl'], backward: ['maxpool2d_backward.wgsl'], fastPath: ['maxpool2d_backward_scatter.wgsl'], note: 'windows that do not overlap (stride >= kernel) take maxpool2d_backward_scatter.wgsl' },
  avgPool2d: { source: 'engine/ops/pool.ts', forward: ['avgpool2d_forward.wgsl'], backward: ['avgpool2d_backward.wgsl'], note: 'binary.wgsl rescales when countIncludePad is false' },
};

/** Kernels that run outside the autograd graph: the optimizers' in-place updates and lookups. */
export const STEP_KERNELS: Readonly<Record<string, { source: string; kernels: readonly string[] }>> = {
  sgd: { source: 'engine/optim/sgd.ts', kernels: ['sgd_step.wgsl'] },
  adam: { source: 'engine/optim/adam.ts', kernels: ['adam_step.wgsl'] },
  adamw: { source: 'engine/optim/adamw.ts', kernels: ['adam_step.wgsl'] },
  classWeights: { source: 'engine/ops/loss.ts', kernels: ['index_select.wgsl'] },
};

/** The table entry of an op, or a clear error naming the op and the known ones. */
export function opKernels(name: string): OpKernels {
  const k = OP_KERNELS[name];
  if (!k) throw new Error(`opKernels: no kernel entry for op '${name}' (known: ${Object.keys(OP_KERNELS).join(', ')})`);
  return k;
}

/** Every kernel file named anywhere in the tables, sorted. */
export function allKernelFiles(): string[] {
  const names = new Set<string>();
  for (const k of Object.values(OP_KERNELS)) for (const f of [...k.forward, ...k.backward, ...(k.fastPath ?? [])]) names.add(f);
  for (const s of Object.values(STEP_KERNELS)) for (const f of s.kernels) names.add(f);
  return [...names].sort();
}

/**
 * The leading `//` comment of a WGSL source (what the kernel computes, which thread owns which
 * output, how it is launched), without the comment markers. The app passes sources imported
 * with Vite's `?raw`; tests read the files.
 */
export function shaderHeader(source: string): string {
  const lines: string[] = [];
  for (const line of source.split(/\r?\n/)) {
    const t = line.trimStart();
    if (!t.startsWith('//')) {
      if (t === '' && lines.length === 0) continue;
      break;
    }
    lines.push(t.slice(2).replace(/^ /, ''));
  }
  return lines.join('\n');
}
