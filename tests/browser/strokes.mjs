// strokes.mjs: handwriting-like stroke templates for the 280×280 drawing pad,
// about 60% of its height (168 px, from y = 56 to 224), drawn with the pad's
// 20 px line. Each digit is a list of strokes; a stroke is a polyline of [x, y].

// arc samples a circle/ellipse arc from angle a0 to a1 (degrees, y down:
// -90 is the top, 0 the right, 90 the bottom).
function arc(cx, cy, rx, ry, a0, a1, n = 24) {
  const pts = [];
  for (let i = 0; i <= n; i++) {
    const a = ((a0 + (a1 - a0) * i / n) * Math.PI) / 180;
    pts.push([Math.round(cx + rx * Math.cos(a)), Math.round(cy + ry * Math.sin(a))]);
  }
  return pts;
}

function line(x0, y0, x1, y1, n = 8) {
  return Array.from({ length: n + 1 }, (_, i) => [Math.round(x0 + (x1 - x0) * i / n), Math.round(y0 + (y1 - y0) * i / n)]);
}

export const digits = {
  // An oval, slightly tilted by starting at the top right and overlapping the start.
  0: [arc(140, 140, 52, 84, -80, 290, 40)],
  // A slightly slanted down stroke.
  1: [line(150, 56, 132, 224)],
  // Upper bowl into the middle, lower bowl out to the lower left.
  3: [[...arc(138, 98, 44, 42, -160, 90, 20), ...arc(138, 182, 48, 42, -90, 150, 20).slice(1)]],
  // A top bar and a long diagonal.
  7: [[...line(88, 60, 192, 60, 8), ...line(192, 60, 122, 224, 12).slice(1)]],
  // Top arc, diagonal down to the left, base line.
  2: [[...arc(140, 100, 48, 44, -170, 20, 16), ...line(185, 115, 92, 220, 10).slice(1), ...line(92, 220, 196, 220, 8).slice(1)]],
  // Open four: down-left stroke and bar, then the long vertical.
  4: [[...line(150, 56, 92, 160, 8), ...line(92, 160, 200, 160, 8).slice(1)], line(170, 100, 166, 224, 8)],
};
