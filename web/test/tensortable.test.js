// Unit tests of tensortable.js's pure parts: who makes and reads each
// tensor, slices per channel, and the Python text of get_tensor_details().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { producersAndConsumers, slices, pyFloat, tensorDetailsPython, setTableShapes } from '../static/tensortable.js';

test('producersAndConsumers', () => {
  const m = { tensors: [{}, {}, {}, {}], ops: [{ index: 0, inputs: [0, 1], outputs: [2] }, { index: 1, inputs: [2, 2, -1], outputs: [3] }, { index: 2, inputs: [0, 2], outputs: [] }] };
  const { producer, consumers } = producersAndConsumers(m);
  assert.deepEqual(producer, [null, null, 0, 1]);
  assert.deepEqual(consumers, [[0, 2], [0], [1, 2], []]);
});

test('slices splits along any axis', () => {
  // shape [2,3]: axis 0 → rows, axis 1 → columns.
  assert.deepEqual(slices(null, [2, 3], 0), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(slices(null, [2, 3], 1), [[0, 3], [1, 4], [2, 5]]);
  // depthwise filter [1,2,2,3], axis 3.
  assert.deepEqual(slices(null, [1, 2, 2, 3], 3), [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11]]);
});

test('pyFloat prints float32 as NumPy does', () => {
  assert.equal(pyFloat(0.1), '0.1');
  assert.equal(pyFloat(Math.fround(0.003921568859368563)), '0.003921569');
  assert.equal(pyFloat(1), '1.');
  assert.equal(pyFloat(Math.fround(1e-5)), '1e-05');
  assert.equal(pyFloat(Math.fround(0.00002)), '2e-05');
});

test('tensorDetailsPython writes one dict per tensor, per-tensor and per-channel', () => {
  const m = { tensors: [
    { name: 'in', type: 'int8', shape: [1, 4], quant: { scale: [0.5], zero_point: [-3], axis: 0 } },
    { name: 'w', type: 'int8', shape: [2, 4], quant: { scale: [0.25, 0.125], zero_point: [0, 0], axis: 0 }, const: true },
    { name: 'f', type: 'float32', shape: [1] },
  ] };
  const py = tensorDetailsPython(m);
  assert.equal(py, "[{'name': \"in\", 'index': 0, 'shape': array([1, 4], dtype=int32), 'shape_signature': array([1, 4], dtype=int32), 'dtype': <class 'numpy.int8'>, 'quantization': (0.5, -3), 'quantization_parameters': {'scales': array([0.5], dtype=float32), 'zero_points': array([-3], dtype=int32), 'quantized_dimension': 0}, 'sparsity_parameters': {}},\n" +
    " {'name': \"w\", 'index': 1, 'shape': array([2, 4], dtype=int32), 'shape_signature': array([2, 4], dtype=int32), 'dtype': <class 'numpy.int8'>, 'quantization': (0.0, 0), 'quantization_parameters': {'scales': array([0.25, 0.125], dtype=float32), 'zero_points': array([0, 0], dtype=int32), 'quantized_dimension': 0}, 'sparsity_parameters': {}},\n" +
    " {'name': \"f\", 'index': 2, 'shape': array([1], dtype=int32), 'shape_signature': array([1], dtype=int32), 'dtype': <class 'numpy.float32'>, 'quantization': (0.0, 0), 'quantization_parameters': {'scales': array([], dtype=float32), 'zero_points': array([], dtype=int32), 'quantized_dimension': 0}, 'sparsity_parameters': {}}]");
});

test("setTableShapes writes a run's shapes into the rows, searchable", () => {
  const row = (i, shape) => ({ dataset: { tensor: String(i) }, cells: [String(i), `t${i}`, shape, 'int8'].map((text) => ({ textContent: text })), searchText: '' });
  const div = { rows: [row(0, '[1×8]'), row(1, '[]')] };
  setTableShapes(div, { tensors: [{ shape: [1, 8] }, { shape: [2, 6] }] });
  assert.deepEqual(div.rows.map((r) => r.cells[2].textContent), ['[1×8]', '[2×6]']);
  assert.equal(div.rows[1].searchText, '1 t1 [2×6] int8');
  assert.equal(div.rows[0].searchText, '', 'an unchanged row is left alone');
});
