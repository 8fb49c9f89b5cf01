package engine

// Reading tensor values element by element, for explanations and generic
// loops. Hot loops use the typed views (AsInt8 and friends) instead.

// intValue is element i of an integer (or bool) tensor of type t whose raw
// little-endian bytes are b; 0 for other types.
func intValue(t DType, b []byte, i int) int64 {
	switch t {
	case Int8:
		return int64(int8(b[i]))
	case Uint8, Bool:
		return int64(b[i])
	case Int16:
		return int64(AsInt16(b)[i])
	case Int32, Resource:
		return int64(AsInt32(b)[i])
	case Int64:
		return AsInt64(b)[i]
	}
	return 0
}

// intAt returns element i of integer tensor t of the result.
func (res *Result) intAt(t, i int) int64 {
	return intValue(res.Model.Tensors[t].Type, res.Tensors[t], i)
}

// int64Values converts an integer tensor's raw bytes to int64 values.
func int64Values(t DType, b []byte) []int64 {
	if t.Size() <= 0 {
		return nil
	}
	out := make([]int64, len(b)/t.Size())
	for i := range out {
		out[i] = intValue(t, b, i)
	}
	return out
}
