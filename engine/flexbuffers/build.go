package flexbuffers

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
)

// BuildMap writes a FlexBuffers map of scalars, as TFLite's converter
// writes a custom op's options: keys sorted (readers search them), every
// value 4 bytes wide. Values are int, int32, int64, float32, float64 or
// bool.
func BuildMap(entries map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	keyAt := make([]int, len(keys))
	for i, k := range keys {
		keyAt[i] = len(b)
		b = append(append(b, k...), 0)
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	u32(uint32(len(keys)))
	keysVec := len(b)
	for i := range keys {
		u32(uint32(len(b) - keyAt[i]))
	}
	u32(uint32(len(b) - keysVec)) // offset back to the keys
	u32(4)                        // their byte width
	u32(uint32(len(keys)))
	data := len(b)
	types := make([]byte, len(keys))
	for i, k := range keys {
		var t Type
		switch v := entries[k].(type) {
		case int:
			t = Int
			u32(uint32(int32(v)))
		case int32:
			t = Int
			u32(uint32(v))
		case int64:
			t = Int
			u32(uint32(int32(v)))
		case float32:
			t = Float
			u32(math.Float32bits(v))
		case float64:
			t = Float
			u32(math.Float32bits(float32(v)))
		case bool:
			t = Bool
			if v {
				u32(1)
			} else {
				u32(0)
			}
		default:
			return nil, fmt.Errorf("flexbuffers: key %q: unsupported value type %T", k, v)
		}
		types[i] = byte(t)<<2 | 2
	}
	b = append(b, types...)
	root := len(b)
	u32(uint32(root - data))
	return append(b, byte(MapType)<<2|2, 4), nil
}
