// Package jsonenc writes JSON exactly as encoding/json's Marshal does, for
// the subset of Go values the WebAssembly bridge (wasm/) hands to the page:
// structs with json tags (omitempty, omitzero, "-"), embedded structs,
// pointers, interfaces, slices, arrays, maps with string, integer or
// encoding.TextMarshaler keys, []byte (base64), json.Marshaler-style
// MarshalJSON methods and encoding.TextMarshaler values.
//
// It exists because encoding/json made the engine's WebAssembly module
// (int8scope.wasm) about 80 KB bigger gzipped (its decoder, its encoder's
// generality), and the bridge only ever encodes. Anything that needs to
// decode, or a Go program that is not that module, should use encoding/json;
// jsonenc_test.go checks this package against it, byte for byte.
package jsonenc

import (
	"encoding"
	"encoding/base64"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Marshaler is encoding/json's Marshaler.
type Marshaler interface {
	MarshalJSON() ([]byte, error)
}

// Marshal returns the JSON encoding of v, as encoding/json.Marshal does
// (HTML-safe, map keys sorted), or its error for the values it refuses
// (NaN and infinite floats, unsupported kinds).
func Marshal(v any) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(jsonError)
			if !ok {
				panic(r)
			}
			out, err = nil, e.error
		}
	}()
	return appendValue(nil, reflect.ValueOf(v)), nil
}

// AppendFloat appends f as encoding/json writes a float of bits bits (32
// or 64); f must be finite.
func AppendFloat(b []byte, f float64, bits int) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		// e-09 → e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

type jsonError struct{ error }

func fail(format string, args ...any) {
	panic(jsonError{fmt.Errorf(format, args...)})
}

var (
	marshalerType     = reflect.TypeFor[Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

func appendValue(b []byte, v reflect.Value) []byte {
	if !v.IsValid() {
		return append(b, "null"...)
	}
	t := v.Type()
	if t.Kind() != reflect.Pointer && v.CanAddr() && reflect.PointerTo(t).Implements(marshalerType) {
		v, t = v.Addr(), v.Addr().Type()
	}
	if t.Implements(marshalerType) {
		if t.Kind() == reflect.Pointer && v.IsNil() || t.Kind() == reflect.Interface && v.IsNil() {
			return append(b, "null"...)
		}
		j, err := v.Interface().(Marshaler).MarshalJSON()
		if err != nil {
			fail("json: error calling MarshalJSON for type %s: %w", t, err)
		}
		return append(b, j...)
	}
	if t.Implements(textMarshalerType) {
		if t.Kind() == reflect.Pointer && v.IsNil() {
			return append(b, "null"...)
		}
		s, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			fail("json: error calling MarshalText for type %s: %w", t, err)
		}
		return appendString(b, string(s))
	}
	switch v.Kind() {
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		bits := t.Bits()
		f := v.Float()
		if math.IsInf(f, 0) || math.IsNaN(f) {
			fail("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, bits))
		}
		return AppendFloat(b, f, bits)
	case reflect.String:
		return appendString(b, v.String())
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return append(b, "null"...)
		}
		return appendValue(b, v.Elem())
	case reflect.Struct:
		b = append(b, '{')
		first := true
		for _, f := range fieldsOf(t) {
			fv, ok := fieldByIndex(v, f.index)
			if !ok || f.omitEmpty && isEmpty(fv) || f.omitZero && isZero(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendString(b, f.name)
			b = append(b, ':')
			b = appendValue(b, fv)
		}
		return append(b, '}')
	case reflect.Map:
		if v.IsNil() {
			return append(b, "null"...)
		}
		type kv struct {
			k string
			v reflect.Value
		}
		kvs := make([]kv, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			kvs = append(kvs, kv{mapKey(it.Key()), it.Value()})
		}
		sort.Slice(kvs, func(i, j int) bool { return kvs[i].k < kvs[j].k })
		b = append(b, '{')
		for i, e := range kvs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, e.k)
			b = append(b, ':')
			b = appendValue(b, e.v)
		}
		return append(b, '}')
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...)
		}
		et := t.Elem()
		if et.Kind() == reflect.Uint8 && !et.Implements(marshalerType) && !et.Implements(textMarshalerType) &&
			!reflect.PointerTo(et).Implements(marshalerType) && !reflect.PointerTo(et).Implements(textMarshalerType) {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, v.Bytes())
			return append(b, '"')
		}
		fallthrough
	case reflect.Array:
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendValue(b, v.Index(i))
		}
		return append(b, ']')
	}
	fail("json: unsupported type: %s", t)
	return nil
}

// mapKey is a map key's JSON name, as encoding/json resolves it.
func mapKey(k reflect.Value) string {
	if k.Kind() == reflect.String {
		return k.String()
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return ""
		}
		s, err := tm.MarshalText()
		if err != nil {
			fail("json: error calling MarshalText for type %s: %w", k.Type(), err)
		}
		return string(s)
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	fail("json: unsupported type: %s", k.Type())
	return ""
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

type isZeroer interface{ IsZero() bool }

var isZeroerType = reflect.TypeFor[isZeroer]()

// isZero is omitzero's test: the value's IsZero method if it has one,
// else reflect's zero value.
func isZero(v reflect.Value) bool {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType) || t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return v.IsNil() || v.Interface().(isZeroer).IsZero()
	case t.Implements(isZeroerType):
		return v.Interface().(isZeroer).IsZero()
	case reflect.PointerTo(t).Implements(isZeroerType):
		if !v.CanAddr() {
			c := reflect.New(t).Elem()
			c.Set(v)
			v = c
		}
		return v.Addr().Interface().(isZeroer).IsZero()
	}
	return v.IsZero()
}

// fieldByIndex is v's field at index, false when the path goes through a
// nil embedded pointer.
func fieldByIndex(v reflect.Value, index []int) (reflect.Value, bool) {
	for i, x := range index {
		if i > 0 && v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return reflect.Value{}, false
			}
			v = v.Elem()
		}
		v = v.Field(x)
	}
	return v, true
}

// field is one JSON field of a struct type.
type field struct {
	name                string
	tagged              bool
	index               []int
	omitEmpty, omitZero bool
}

var fieldCache sync.Map // reflect.Type → []field

// fieldsOf lists t's JSON fields in encoding/json's order and with its
// rules for embedded structs: a name at a shallower depth hides deeper
// ones; at one depth, a tagged field wins over untagged ones, and two of a
// kind hide each other.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}
	type level struct {
		t     reflect.Type
		index []int
	}
	var all []field
	visited := map[reflect.Type]bool{}
	next := []level{{t: t}}
	for len(next) > 0 {
		cur := next
		next = nil
		count := map[reflect.Type]int{}
		for _, l := range cur {
			count[l.t]++
		}
		for _, l := range cur {
			if visited[l.t] {
				continue
			}
			visited[l.t] = true
			for i := range l.t.NumField() {
				sf := l.t.Field(i)
				if sf.Anonymous {
					ft := sf.Type
					if ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validName(name) {
					name = ""
				}
				index := append(slices.Clone(l.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					f := field{name: name, tagged: name != "", index: index,
						omitEmpty: hasOpt(opts, "omitempty"), omitZero: hasOpt(opts, "omitzero")}
					if f.name == "" {
						f.name = sf.Name
					}
					all = append(all, f)
					if count[l.t] > 1 {
						all = append(all, f) // two of them: both hidden below
					}
					continue
				}
				next = append(next, level{t: ft, index: index})
			}
		}
	}
	// Sort by name, then depth, then tagged first, then index, and keep
	// each name's dominant field.
	// (sort, not slices: one shared implementation instead of a generic
	// instantiation per element type, about 8 KB of the module each.)
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if len(a.index) != len(b.index) {
			return len(a.index) < len(b.index)
		}
		if a.tagged != b.tagged {
			return a.tagged
		}
		return slices.Compare(a.index, b.index) < 0
	})
	var out []field
	for i := 0; i < len(all); {
		j := i + 1
		for j < len(all) && all[j].name == all[i].name {
			j++
		}
		group := all[i:j]
		if len(group) == 1 || len(group[1].index) > len(group[0].index) || group[0].tagged && !group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	sort.Slice(out, func(i, j int) bool { return slices.Compare(out[i].index, out[j].index) < 0 })
	fieldCache.Store(t, out)
	return out
}

func hasOpt(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

// validName is encoding/json's isValidTag, except that it takes every
// non-ASCII character for a letter (encoding/json asks package unicode).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= utf8.RuneSelf):
			return false
		}
	}
	return true
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string, HTML-safe, as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
