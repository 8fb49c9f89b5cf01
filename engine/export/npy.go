package export

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/int8scope/int8scope/engine"
)

// npyDescr is NumPy's dtype string for each element type the exporter
// writes (little-endian, as the engine stores values).
var npyDescr = map[engine.DType]string{
	engine.Int8: "|i1", engine.Uint8: "|u1", engine.Int16: "<i2", engine.Int32: "<i4",
	engine.Int64: "<i8", engine.Float32: "<f4", engine.Bool: "|b1", engine.Float16: "<f2",
	engine.Resource:  "<i4", // a resource handle: its int32 resource id
	engine.Complex64: "<c8", // real then imaginary float32, as the engine stores them
}

// NPY encodes raw little-endian values of type t and the given shape as a
// .npy file (format version 1.0).
func NPY(t engine.DType, shape []int, data []byte) ([]byte, error) {
	descr, ok := npyDescr[t]
	if !ok {
		return nil, fmt.Errorf("type %v has no .npy encoding here", t)
	}
	n := t.Size()
	for _, d := range shape {
		n *= d
	}
	if n != len(data) {
		return nil, fmt.Errorf("%d bytes do not fill a %v tensor of shape %v (%d bytes)", len(data), t, shape, n)
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// magic (6) + version (2) + header length (2) + header + '\n', padded to 64.
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	b.WriteByte(byte(len(header)))
	b.WriteByte(byte(len(header) >> 8))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes(), nil
}

// Array is one named array of an .npz archive.
type Array struct {
	Name  string
	Type  engine.DType
	Shape []int
	Data  []byte // raw little-endian values
}

// WriteNPZ writes arrays as an uncompressed .npz archive (a zip of NAME.npy
// files), the format numpy.load reads.
func WriteNPZ(w io.Writer, arrays []Array) error {
	z := zip.NewWriter(w)
	for _, a := range arrays {
		b, err := NPY(a.Type, a.Shape, a.Data)
		if err != nil {
			return fmt.Errorf("array %s: %w", a.Name, err)
		}
		f, err := z.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			return err
		}
	}
	return z.Close()
}

// ReadNPY decodes a little-endian, C-ordered .npy file (format 1.0 to 3.0)
// into its dtype string, shape and raw data.
func ReadNPY(b []byte) (descr string, shape []int, data []byte, err error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return "", nil, nil, fmt.Errorf("not a .npy file")
	}
	var hlen, start int
	switch b[6] {
	case 1:
		hlen, start = int(b[8])|int(b[9])<<8, 10
	case 2, 3:
		if len(b) < 12 {
			return "", nil, nil, fmt.Errorf("truncated .npy header")
		}
		hlen, start = int(b[8])|int(b[9])<<8|int(b[10])<<16|int(b[11])<<24, 12
	default:
		return "", nil, nil, fmt.Errorf(".npy version %d is not supported", b[6])
	}
	if start+hlen > len(b) {
		return "", nil, nil, fmt.Errorf("truncated .npy header")
	}
	h := string(b[start : start+hlen])
	field := func(key string) string {
		i := strings.Index(h, "'"+key+"':")
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(h[i+len(key)+3:])
	}
	d := field("descr")
	if len(d) < 2 || d[0] != '\'' {
		return "", nil, nil, fmt.Errorf("bad .npy header %q", h)
	}
	descr = d[1 : 1+strings.Index(d[1:], "'")]
	if !strings.HasPrefix(field("fortran_order"), "False") {
		return "", nil, nil, fmt.Errorf(".npy in Fortran order is not supported")
	}
	s := field("shape")
	if len(s) < 2 || s[0] != '(' || !strings.Contains(s, ")") {
		return "", nil, nil, fmt.Errorf("bad .npy shape in %q", h)
	}
	shape = []int{}
	for _, part := range strings.Split(s[1:strings.Index(s, ")")], ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		var n int
		if _, err := fmt.Sscan(part, &n); err != nil {
			return "", nil, nil, fmt.Errorf("bad .npy shape %q", s)
		}
		shape = append(shape, n)
	}
	return descr, shape, b[start+hlen:], nil
}
