// preprocess.js: turn a drawing into an MNIST-style 28×28 input, the way the
// MNIST digits were made: crop to the ink's bounding box, scale the longer side
// to 20 px keeping the aspect ratio (area averaging), then place it in 28×28
// so that its center of mass is at the center. Pure function; values 0..1.

export function preprocess(ink, w, h, { box = 20, size = 28, threshold = 0.05 } = {}) {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (ink[y * w + x] > threshold) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const out = new Float32Array(size * size);
  if (x1 < 0) return out;
  const cw = x1 - x0 + 1, ch = y1 - y0 + 1;
  const k = box / Math.max(cw, ch);
  const nw = Math.max(1, Math.round(cw * k)), nh = Math.max(1, Math.round(ch * k));
  const small = resizeArea(ink, w, x0, y0, cw, ch, nw, nh);
  let sum = 0, sx = 0, sy = 0;
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const v = small[y * nw + x];
      sum += v; sx += v * x; sy += v * y;
    }
  }
  const cx = sum > 0 ? sx / sum : (nw - 1) / 2;
  const cy = sum > 0 ? sy / sum : (nh - 1) / 2;
  const ox = Math.round((size - 1) / 2 - cx), oy = Math.round((size - 1) / 2 - cy);
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      const tx = x + ox, ty = y + oy;
      if (tx >= 0 && tx < size && ty >= 0 && ty < size) out[ty * size + tx] = Math.min(1, small[y * nw + x]);
    }
  }
  return out;
}

// resizeArea scales the crop (x0, y0, cw, ch) of src (width w) to nw×nh by
// averaging the source area each target pixel covers.
export function resizeArea(src, w, x0, y0, cw, ch, nw, nh) {
  const out = new Float32Array(nw * nh);
  const fx = cw / nw, fy = ch / nh;
  for (let ty = 0; ty < nh; ty++) {
    const sy0 = ty * fy, sy1 = sy0 + fy;
    for (let tx = 0; tx < nw; tx++) {
      const sx0 = tx * fx, sx1 = sx0 + fx;
      let acc = 0;
      // Clamp to the crop: float rounding can make sy1/sx1 exceed ch/cw by an
      // ulp, which would read past the image (NaN) when the ink touches its edge.
      for (let y = Math.floor(sy0); y < Math.min(ch, Math.ceil(sy1)); y++) {
        const wy = Math.min(sy1, y + 1) - Math.max(sy0, y);
        for (let x = Math.floor(sx0); x < Math.min(cw, Math.ceil(sx1)); x++) {
          const wx = Math.min(sx1, x + 1) - Math.max(sx0, x);
          acc += wx * wy * src[(y0 + y) * w + x0 + x];
        }
      }
      out[ty * nw + tx] = acc / (fx * fy);
    }
  }
  return out;
}
