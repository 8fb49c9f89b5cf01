// Package flexbuffers reads the FlexBuffers maps that TFLite stores as a
// custom op's options (Operator.custom_options), as TFLite's flexbuffers.h
// reads them: scalars (integers, floats, booleans), strings and keys; other
// values are reported by their type only.
//
// Every offset is checked against the buffer: malformed input gives an
// error, never a panic.
package flexbuffers

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Type is a FlexBuffers value type.
type Type uint8

// The value types (flexbuffers.h's Type enum) this package reads.
const (
	Null          Type = 0
	Int           Type = 1
	Uint          Type = 2
	Float         Type = 3
	Key           Type = 4
	String        Type = 5
	IndirectInt   Type = 6
	IndirectUint  Type = 7
	IndirectFloat Type = 8
	MapType       Type = 9
	Bool          Type = 26
)

// Value is one value of a map.
type Value struct {
	Type Type
	i    int64
	u    uint64
	f    float64
	s    string
}

// IsNull reports whether the value is absent or null.
func (v Value) IsNull() bool { return v.Type == Null }

// AsInt64 converts a scalar to an integer like flexbuffers' AsInt64
// (floats truncate toward zero, booleans are 0 or 1); other types give 0.
func (v Value) AsInt64() int64 {
	switch v.Type {
	case Int, IndirectInt:
		return v.i
	case Uint, IndirectUint, Bool:
		return int64(v.u)
	case Float, IndirectFloat:
		return int64(v.f)
	}
	return 0
}

// AsFloat64 converts a scalar to a float like flexbuffers' AsDouble.
func (v Value) AsFloat64() float64 {
	switch v.Type {
	case Int, IndirectInt:
		return float64(v.i)
	case Uint, IndirectUint, Bool:
		return float64(v.u)
	case Float, IndirectFloat:
		return v.f
	}
	return 0
}

// AsBool is flexbuffers' AsBool: a non-zero scalar.
func (v Value) AsBool() bool {
	switch v.Type {
	case Float, IndirectFloat:
		return v.f != 0
	}
	return v.AsInt64() != 0
}

// AsString returns a string or key value, "" for other types.
func (v Value) AsString() string { return v.s }

// Map is a FlexBuffers map: its values by key.
type Map map[string]Value

// buf is the buffer being read.
type buf []byte

func (b buf) uint(off, width int) (uint64, error) {
	if off < 0 || width <= 0 || off > len(b)-width {
		return 0, fmt.Errorf("flexbuffers: %d-byte value at offset %d is outside the %d-byte buffer", width, off, len(b))
	}
	switch width {
	case 1:
		return uint64(b[off]), nil
	case 2:
		return uint64(binary.LittleEndian.Uint16(b[off:])), nil
	case 4:
		return uint64(binary.LittleEndian.Uint32(b[off:])), nil
	case 8:
		return binary.LittleEndian.Uint64(b[off:]), nil
	}
	return 0, fmt.Errorf("flexbuffers: invalid byte width %d", width)
}

func (b buf) int(off, width int) (int64, error) {
	u, err := b.uint(off, width)
	if err != nil {
		return 0, err
	}
	shift := 64 - 8*uint(width)
	return int64(u<<shift) >> shift, nil
}

func (b buf) float(off, width int) (float64, error) {
	u, err := b.uint(off, width)
	if err != nil {
		return 0, err
	}
	switch width {
	case 4:
		return float64(math.Float32frombits(uint32(u))), nil
	case 8:
		return math.Float64frombits(u), nil
	}
	return 0, fmt.Errorf("flexbuffers: a float of %d bytes", width)
}

// indirect follows the offset stored at off (parentWidth bytes) back to
// its target.
func (b buf) indirect(off, parentWidth int) (int, error) {
	o, err := b.uint(off, parentWidth)
	if err != nil {
		return 0, err
	}
	if o > uint64(off) {
		return 0, fmt.Errorf("flexbuffers: offset %d at %d points before the buffer", o, off)
	}
	return off - int(o), nil
}

// value reads the value stored at off, parentWidth bytes wide, with packed
// type byte packed.
func (b buf) value(off, parentWidth int, packed byte) (Value, error) {
	v := Value{Type: Type(packed >> 2)}
	width := 1 << (packed & 3)
	var err error
	switch v.Type {
	case Null:
	case Int:
		v.i, err = b.int(off, parentWidth)
	case Uint, Bool:
		v.u, err = b.uint(off, parentWidth)
	case Float:
		v.f, err = b.float(off, parentWidth)
	case IndirectInt, IndirectUint, IndirectFloat:
		var t int
		if t, err = b.indirect(off, parentWidth); err != nil {
			return v, err
		}
		switch v.Type {
		case IndirectInt:
			v.i, err = b.int(t, width)
		case IndirectUint:
			v.u, err = b.uint(t, width)
		default:
			v.f, err = b.float(t, width)
		}
	case Key:
		var t int
		if t, err = b.indirect(off, parentWidth); err != nil {
			return v, err
		}
		v.s, err = b.cstring(t)
	case String:
		var t int
		if t, err = b.indirect(off, parentWidth); err != nil {
			return v, err
		}
		var n uint64
		if n, err = b.uint(t-width, width); err != nil {
			return v, err
		}
		if n > uint64(len(b)-t) {
			return v, fmt.Errorf("flexbuffers: string of %d bytes at %d is outside the buffer", n, t)
		}
		v.s = string(b[t : t+int(n)])
	default:
		return v, nil // vectors, maps, blobs: the type only
	}
	return v, err
}

func (b buf) cstring(off int) (string, error) {
	for i := off; i >= 0 && i < len(b); i++ {
		if b[i] == 0 {
			return string(b[off:i]), nil
		}
	}
	return "", fmt.Errorf("flexbuffers: unterminated key at offset %d", off)
}

// ParseMap reads a buffer whose root is a map, such as a TFLite custom
// op's options.
func ParseMap(data []byte) (Map, error) {
	b := buf(data)
	n := len(b)
	if n < 3 {
		return nil, fmt.Errorf("flexbuffers: %d bytes is too short for a root", n)
	}
	rootWidth, packed := int(b[n-1]), b[n-2]
	if Type(packed>>2) != MapType {
		return nil, fmt.Errorf("flexbuffers: the root is of type %d, not a map", packed>>2)
	}
	data0, err := b.indirect(n-2-rootWidth, rootWidth)
	if err != nil {
		return nil, err
	}
	w := 1 << (packed & 3)
	size, err := b.uint(data0-w, w)
	if err != nil {
		return nil, err
	}
	if size > uint64(n/(w+1)) {
		return nil, fmt.Errorf("flexbuffers: a map of %d entries cannot fit in %d bytes", size, n)
	}
	keys, err := b.indirect(data0-3*w, w)
	if err != nil {
		return nil, err
	}
	kw64, err := b.uint(data0-2*w, w)
	if err != nil {
		return nil, err
	}
	kw := int(kw64)
	if kw != 1 && kw != 2 && kw != 4 && kw != 8 {
		return nil, fmt.Errorf("flexbuffers: invalid key byte width %d", kw)
	}
	m := Map{}
	for i := 0; i < int(size); i++ {
		kt, err := b.indirect(keys+i*kw, kw)
		if err != nil {
			return nil, err
		}
		key, err := b.cstring(kt)
		if err != nil {
			return nil, err
		}
		tpos := data0 + int(size)*w + i
		if tpos >= n {
			return nil, fmt.Errorf("flexbuffers: type of entry %d is outside the buffer", i)
		}
		v, err := b.value(data0+i*w, w, b[tpos])
		if err != nil {
			return nil, fmt.Errorf("flexbuffers: entry %q: %w", key, err)
		}
		m[key] = v
	}
	return m, nil
}
