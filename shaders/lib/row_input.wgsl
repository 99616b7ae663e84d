// x[row + t] for a row of u.inW inputs starting at `row`, and 0 in the padding (t < 0 or
// t >= u.inW): the load is clamped into the row, so it never reads out of bounds, and select
// replaces it. Shared by the row convolution kernels (conv_rows_*.wgsl).
fn xAt(row: i32, t: i32) -> f32 {
  let v = x[row + clamp(t, 0, u.inW - 1)];
  return select(0.0, v, t >= 0 && t < u.inW);
}
