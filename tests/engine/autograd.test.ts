/** Autograd's behaviour, as PyTorch's: accumulation, graph freeing, version checks, noGrad, detach, tidy. */
import { describe, expect, it } from 'vitest';
import { F, liveTensorCount, noGrad, tensor, tidy, type Tensor } from '../../engine/index.ts';

const values = (t: Tensor | null) => Array.from(t!.dataSync());

describe('autograd', () => {
  it('accumulates gradients across backward calls until .grad is set to null', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    x.mul(x).sum().backward(); // d/dx sum(x^2) = 2x
    expect(values(x.grad)).toEqual([2, 4, 6]);
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([5, 7, 9]);
    x.grad = null;
    x.mul(3).sum().backward();
    expect(values(x.grad)).toEqual([3, 3, 3]);
  });

  it('gives a tensor used twice both contributions (x * x, and a diamond)', () => {
    const x = tensor([1.5, -2], [2], { requiresGrad: true });
    x.mul(x).sum().backward();
    expect(values(x.grad)).toEqual([3, -4]);
    // y = a*b + a*c + a: dy/da = b + c + 1, dy/db = a, dy/dc = a
    const a = tensor([2, 3], [2], { requiresGrad: true });
    const b = tensor([5, 7], [2], { requiresGrad: true });
    const c = tensor([-1, 4], [2], { requiresGrad: true });
    a.mul(b).add(a.mul(c)).add(a).sum().backward();
    expect(values(a.grad)).toEqual([5, 12]);
    expect(values(b.grad)).toEqual([2, 3]);
    expect(values(c.grad)).toEqual([2, 3]);
  });

  it('frees the graph after backward: a second backward throws unless retainGraph was given', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = x.exp().sum();
    y.backward();
    expect(() => y.backward()).toThrow(/backward through the graph a second time \(through 'sum'\).*retainGraph/);

    const z = tensor([1, 2], [2], { requiresGrad: true });
    const w = z.mul(z).sum();
    w.backward(undefined, { retainGraph: true });
    w.backward();
    expect(values(z.grad)).toEqual([4, 8]);
  });

  it('refuses an implicit gradient for a non-scalar output, and accepts an explicit one', () => {
    const x = tensor([1, 2, 3], [3], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/grad can be implicitly created only for scalar outputs.*\[3\] has 3 elements/);
    y.backward(tensor([1, 10, 100], [3]));
    expect(values(x.grad)).toEqual([2, 20, 200]);
    expect(() => y.backward(tensor([1, 2], [2]))).toThrow(/gradient of shape \[2\] does not match output \[3\]/);
  });

  it('throws the version error when a tensor saved for backward was changed in place', () => {
    const a = tensor([1, 2, 3], [3], { requiresGrad: true });
    const b = tensor([4, 5, 6], [3]);
    const y = a.mul(b).sum(); // mul saves b to compute d/da
    b.copy_(tensor([0, 0, 0], [3]));
    expect(() => y.backward()).toThrow(/needed by 'mul' \(\[3\]\) was modified by an in-place operation: it is at version 1, expected version 0/);
    // A change to a tensor no backward reads is harmless (add saves nothing).
    const c = tensor([1, 1, 1], [3]);
    const z = a.add(c).sum();
    c.copy_(tensor([9, 9, 9], [3]));
    z.backward();
    expect(values(a.grad)).toEqual([1, 1, 1]);
  });

  it('records nothing under noGrad', () => {
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const y = noGrad(() => x.mul(2).exp().sum());
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(() => y.backward()).toThrow(/does not require grad and has no grad_fn/);
    // And grad mode comes back afterwards, also after an exception inside.
    expect(() => noGrad(() => { throw new Error('inside'); })).toThrow('inside');
    expect(x.mul(2).requiresGrad).toBe(true);
  });

  it('cuts the graph at detach', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const d = a.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.isLeaf).toBe(true);
    d.mul(a).sum().backward(); // d is a constant: grad = d = 2a, not 4a
    expect(values(a.grad)).toEqual([2, 4]);
  });

  it('leaves that do not require grad get no gradient', () => {
    const a = tensor([1, 2], [2], { requiresGrad: true });
    const b = tensor([3, 4], [2]);
    a.mul(b).sum().backward();
    expect(b.grad).toBeNull();
    expect(values(a.grad)).toEqual([3, 4]);
  });

  it('never lets two leaves share one gradient storage', () => {
    // add hands the same gradient to both inputs, and reshape's backward is a view of it.
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3], { requiresGrad: true });
    const b = tensor([1, 2, 3, 4, 5, 6], [6], { requiresGrad: true });
    const c = tensor([1, 1, 1, 1, 1, 1], [2, 3], { requiresGrad: true });
    a.add(b.reshape([2, 3])).add(c).mul(2).sum().backward();
    a.grad!.copy_(tensor([0, 0, 0, 0, 0, 0], [2, 3]));
    expect(values(b.grad)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(values(c.grad)).toEqual([2, 2, 2, 2, 2, 2]);
    // The gradient passed to backward is not aliased either.
    const x = tensor([1, 2], [2], { requiresGrad: true });
    const g = tensor([5, 6], [2]);
    x.backward(g);
    g.copy_(tensor([0, 0], [2]));
    expect(values(x.grad)).toEqual([5, 6]);
  });

  it('clone copies into a storage of its own and passes the gradient through (torch.Tensor.clone)', () => {
    const x = tensor([1, -2, 3], [3], { requiresGrad: true });
    const y = x.clone();
    expect(y.storage).not.toBe(x.storage);
    expect(values(y)).toEqual([1, -2, 3]);
    expect(y.gradFn?.name).toBe('clone');
    y.mul(tensor([4, 5, 6], [3])).sum().backward();
    expect(values(x.grad)).toEqual([4, 5, 6]);
  });

  it('walks a long chain without overflowing the stack', () => {
    const x = tensor([0.5], [1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 12000; i++) y = y.mul(1.0001);
    y.sum().backward();
    expect(x.grad!.dataSync()[0]).toBeCloseTo(Math.pow(1.0001, 12000), 9);
  });

  it('tidy disposes the intermediates and keeps the results', () => {
    const x = tensor([1, 2, 3], [3]);
    const before = liveTensorCount();
    const y = tidy(() => x.mul(2).add(1).exp());
    expect(liveTensorCount()).toBe(before + 1);
    expect(x.isDisposed).toBe(false);
    expect(values(y)).toEqual([3, 5, 7].map(Math.exp));

    const nested = tidy(() => {
      const inner = tidy(() => [x.add(1), x.add(2)]);
      x.mul(5); // an intermediate of the outer scope
      return { first: inner[0] };
    });
    expect(liveTensorCount()).toBe(before + 2);
    expect(nested.first.isDisposed).toBe(false);
    expect(values(nested.first)).toEqual([2, 3, 4]);
  });

  it('a training step inside tidy leaves only the gradient and the kept loss', () => {
    const w = tensor([0.1, -0.2, 0.3, 0.05, 0.2, -0.1], [3, 2], { requiresGrad: true });
    const xs = tensor([1, 2, 3, -1, 0.5, 0], [2, 3]);
    const before = liveTensorCount();
    const loss = tidy(() => {
      const l = F.crossEntropy(xs.matmul(w), [1, 0], { weight: [2, 1], labelSmoothing: 0.1 });
      l.backward();
      return l.detach();
    });
    expect(liveTensorCount()).toBe(before + 2); // w.grad and the loss
    expect(w.grad!.shape).toEqual([3, 2]);
    expect(Number.isFinite(loss.dataSync()[0])).toBe(true);
  });

  it('says which tensor was disposed when it is used', () => {
    const x = tensor([1, 2], [2]);
    x.name = 'weights';
    x.dispose();
    expect(() => x.add(1)).toThrow(/tensor 'weights' \[2\] was disposed/);
  });
});
