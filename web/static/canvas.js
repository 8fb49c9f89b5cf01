// canvas.js: the drawing pad. Pointer events cover mouse, touch and pen. The
// drawing is kept as strokes (lists of points), so a share link can replay it.
export class DrawPad {
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { willReadFrequently: true });
    this.strokes = [];
    this.onChange = onChange;
    this.pending = false;
    this.lineWidth = 20;
    canvas.addEventListener('pointerdown', (e) => this.down(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const t of ['pointerup', 'pointercancel', 'pointerleave']) canvas.addEventListener(t, (e) => this.up(e));
    this.redraw();
  }

  point(e) {
    const r = this.canvas.getBoundingClientRect();
    const x = Math.round((e.clientX - r.left) * this.canvas.width / r.width);
    const y = Math.round((e.clientY - r.top) * this.canvas.height / r.height);
    return [Math.max(0, Math.min(this.canvas.width, x)), Math.max(0, Math.min(this.canvas.height, y))];
  }

  // One pointer draws at a time: a second finger (or a palm) on a touch
  // screen neither starts a stroke nor ends the one being drawn.
  down(e) {
    e.preventDefault();
    if (this.active) return;
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture?.(e.pointerId);
    this.active = [this.point(e)];
    this.strokes.push(this.active);
    this.redraw();
    this.changed();
  }

  move(e) {
    if (!this.active || e.pointerId !== this.pointer) return;
    e.preventDefault();
    const p = this.point(e);
    const q = this.active[this.active.length - 1];
    if (p[0] === q[0] && p[1] === q[1]) return;
    this.active.push(p);
    this.drawSegment(q, p);
    this.changed();
  }

  up(e) {
    if (!this.active || e.pointerId !== this.pointer) return;
    this.active = null;
    this.changed();
  }

  // changed asks for one classification per animation frame while drawing.
  changed() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.onChange(); });
  }

  drawSegment(a, b) {
    const c = this.ctx;
    c.strokeStyle = '#fff'; c.fillStyle = '#fff';
    c.lineWidth = this.lineWidth; c.lineCap = 'round'; c.lineJoin = 'round';
    c.beginPath(); c.moveTo(a[0], a[1]); c.lineTo(b[0], b[1]); c.stroke();
  }

  redraw() {
    // The "draw a digit" hint is CSS over the canvas, never pixels the
    // model would read.
    this.canvas.parentElement?.classList.toggle('empty', this.strokes.length === 0);
    const c = this.ctx;
    c.fillStyle = '#000';
    c.fillRect(0, 0, this.canvas.width, this.canvas.height);
    // Each stroke starts with a dot, as it does while drawing (down() shows
    // it), so a replayed drawing (share link) has exactly the same pixels.
    for (const s of this.strokes) {
      c.fillStyle = '#fff';
      c.beginPath(); c.arc(s[0][0], s[0][1], this.lineWidth / 2, 0, 2 * Math.PI); c.fill();
      for (let i = 1; i < s.length; i++) this.drawSegment(s[i - 1], s[i]);
    }
  }

  clear() { this.strokes = []; this.redraw(); this.onChange(); }

  setStrokes(strokes) { this.strokes = strokes; this.redraw(); this.onChange(); }

  isEmpty() { return this.strokes.length === 0; }

  // ink returns the drawing as intensities 0..1, row-major.
  ink() {
    const { width: w, height: h } = this.canvas;
    const px = this.ctx.getImageData(0, 0, w, h).data;
    const out = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) out[i] = px[4 * i] / 255;
    return out;
  }
}
