// The flat index of an invocation in a 1-D launch of `workgroupSize`-wide workgroups that the
// host folded into up to three grid dimensions (ctx.grid: 65,535 workgroups per dimension at
// most): x varies fastest, then y, then z. Kernels guard it against the padding of the last row.
fn flatIndex(gid: vec3<u32>, nwg: vec3<u32>, workgroupSize: u32) -> u32 {
  return gid.x + (gid.y + gid.z * nwg.y) * nwg.x * workgroupSize;
}
