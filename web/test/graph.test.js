// Unit tests of graph.js's model → graph step and its dagre layout (no DOM).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { graphModel, layoutGraph, overlayValues } from '../static/graph.js';

// skip: input 0 → op0 (FC, consts 1,2) → t3 → op1 (FC, consts 4,5) → t6;
// op2 ADD(t3, t6) → t7 → op3 (FC) → t10 (output).
const T = (type, shape, c = false) => ({ type, shape, const: c, name: `t${shape.join('x')}` });
const skip = {
  inputs: [0], outputs: [10],
  tensors: [T('int8', [1, 8]), T('int8', [8, 8], true), T('int32', [8], true), T('int8', [1, 8]), T('int8', [8, 8], true), T('int32', [8], true),
    T('int8', [1, 8]), T('int8', [1, 8]), T('int8', [10, 8], true), T('int32', [10], true), T('int8', [1, 10])],
  ops: [
    { index: 0, builtin: 'FULLY_CONNECTED', inputs: [0, 1, 2], outputs: [3] },
    { index: 1, builtin: 'FULLY_CONNECTED', inputs: [3, 4, 5], outputs: [6] },
    { index: 2, builtin: 'ADD', inputs: [3, 6], outputs: [7] },
    { index: 3, builtin: 'FULLY_CONNECTED', inputs: [7, 8, 9, -1], outputs: [10] },
  ],
};

test('graphModel: one edge per (tensor, producer, consumer); constants fold into nodes', () => {
  const g = graphModel(skip);
  assert.deepEqual(g.edges.map((e) => `${e.fromOp ?? 'in'}>${e.toOp ?? 'out'}:${e.tensor}`),
    ['in>0:0', '0>1:3', '0>2:3', '1>2:6', '2>3:7', '3>out:10']);
  assert.deepEqual(g.nodes.filter((n) => n.kind === 'op').map((n) => n.rows), [
    ['int8 [8×8]', 'int32 [8]'], ['int8 [8×8]', 'int32 [8]'], [], ['int8 [10×8]', 'int32 [10]']]);
  assert.deepEqual(g.nodes.map((n) => n.kind), ['input', 'op', 'op', 'op', 'op', 'output']);
});

test('layoutGraph: producers above consumers, edges from box to box, labels carry type and shape', () => {
  const g = layoutGraph(skip);
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  for (const e of g.edges) {
    const a = byId.get(e.from), b = byId.get(e.to);
    assert.ok(a.y < b.y, `${e.from} above ${e.to}`);
    const [p, q] = [e.points[0], e.points[e.points.length - 1]];
    assert.ok(Math.abs(p.y - (a.y + a.height / 2)) < 1, `${e.from}→${e.to} leaves the bottom of ${e.from}`);
    assert.ok(Math.abs(q.y - (b.y - b.height / 2)) < 1, `${e.from}→${e.to} enters the top of ${e.to}`);
  }
  assert.equal(g.edges[1].label, 'int8 [1×8]');
  assert.ok(g.width > 0 && g.height > 0);
});

test('layoutGraph lays out 250 ops', () => {
  const tensors = [T('int8', [1, 8])];
  const ops = [];
  let x = 0;
  for (let i = 0; i < 125; i++) {
    tensors.push(T('int8', [1, 8]), T('int8', [1, 8]));
    ops.push({ index: ops.length, builtin: 'FULLY_CONNECTED', inputs: [x], outputs: [tensors.length - 2] });
    ops.push({ index: ops.length, builtin: 'ADD', inputs: [x, tensors.length - 2], outputs: [tensors.length - 1] });
    x = tensors.length - 1;
  }
  const g = layoutGraph({ inputs: [0], outputs: [x], tensors, ops });
  assert.equal(g.nodes.length, 252);
  assert.equal(g.edges.length, 376);
  const ys = g.nodes.filter((n) => n.kind === 'op').map((n) => n.y);
  assert.ok(ys.every((y, i) => i === 0 || y > ys[i - 1]), 'execution order reads top to bottom');
});

test('overlayValues: time per op, differing elements, or nothing without data', () => {
  assert.equal(overlayValues('time', skip, {}), null);
  assert.deepEqual(overlayValues('time', skip, { trace: [{ nanos: 5e5 }, { nanos: 0 }, { nanos: 2e6 }, { nanos: 1e5 }] }).map((x) => x.text), ['0.5 ms', '<0.1 ms', '2.0 ms', '0.1 ms']);
  assert.deepEqual(overlayValues('diff', skip, { diffs: { 2: 3 } }).map((x) => x.v), [0, 0, 3, 0]);
});
