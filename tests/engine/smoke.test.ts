import { describe, expect, it } from 'vitest';
import { tensor, gradcheck, F } from '../../engine/index.ts';
it('smoke', async () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]], undefined, { requiresGrad: true });
  const b = tensor([10, 20, 30], [3], { requiresGrad: true });
  const y = a.mul(b).add(b).relu().sum();
  y.backward();
  expect(await y.item()).toBe(580);
  expect(Array.from(await a.grad!.data())).toEqual([10,20,30,10,20,30]);
  expect(Array.from(await b.grad!.data())).toEqual([7,9,11]);
  const r = await gradcheck((x, z) => x.div(z).exp().mean(0).sum(), [tensor([0.1,0.2,0.3,0.4],[2,2],{requiresGrad:true}), tensor([1.5,2],[2],{requiresGrad:true})]);
  expect(r.ok).toBe(true);
  const p = tensor([1,2,3,4,5,6],[2,3],{requiresGrad:true});
  const q = p.permute([1,0]).mul(tensor([1,2],[2])).sum();
  q.backward();
  expect(Array.from(await p.grad!.data())).toEqual([1,1,1,2,2,2]);
  expect(() => q.backward()).toThrow(/second time/);
});
