package flexbuffers

import (
	"testing"
)

// handMap is {"a": −3 (int), "bb": 0.5 (indirect float32)}, every width
// one byte, assembled by hand following the FlexBuffers layout.
var handMap = []byte{
	'a', 0, // 0: key "a"
	'b', 'b', 0, // 2: key "bb"
	0, 0, 0, 0x3f, // 5: float32 0.5
	2,     // 9: number of keys
	10, 9, // 10: keys, as offsets back to 0 and 2
	2, 1, 2, // 12: offset back to the keys, their width, the map's size
	0xfd, 11, // 15: values: −3; offset back to the float at 5
	1 << 2, 8<<2 | 2, // 17: types: INT; INDIRECT_FLOAT of 4 bytes
	4, 9 << 2, 1, // 19: root: offset back to the map at 15, type MAP, width 1
}

func TestParseMapHand(t *testing.T) {
	m, err := ParseMap(handMap)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 {
		t.Fatalf("got %d entries, want 2: %v", len(m), m)
	}
	if v := m["a"]; v.Type != Int || v.AsInt64() != -3 || v.AsFloat64() != -3 || !v.AsBool() {
		t.Errorf("a = %+v, want int −3", v)
	}
	if v := m["bb"]; v.Type != IndirectFloat || v.AsFloat64() != 0.5 || v.AsInt64() != 0 {
		t.Errorf("bb = %+v, want float 0.5", v)
	}
	if v := m["missing"]; !v.IsNull() {
		t.Errorf("missing = %+v, want null", v)
	}
}

// TestParseMapMalformed: every truncation and every single-byte change of
// a valid map gives a map or an error, never a panic.
func TestParseMapMalformed(t *testing.T) {
	for n := 0; n < len(handMap); n++ {
		if _, err := ParseMap(handMap[:n]); err == nil && n < 3 {
			t.Errorf("%d bytes: no error", n)
		}
	}
	for i := range handMap {
		for _, x := range []byte{0, 1, 0x7f, 0x80, 0xff, handMap[i] + 1} {
			b := append([]byte(nil), handMap...)
			b[i] = x
			_, _ = ParseMap(b)
		}
	}
	if _, err := ParseMap([]byte{0, 1 << 2, 1}); err == nil {
		t.Error("a root that is not a map: no error")
	}
}

func FuzzParseMap(f *testing.F) {
	f.Add(handMap)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseMap(b) })
}

func TestBuildMapRoundTrip(t *testing.T) {
	in := map[string]any{"max_detections": 10, "nms_iou_threshold": float32(0.6), "use_regular_nms": true, "a": -7}
	b, err := BuildMap(in)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMap(b)
	if err != nil {
		t.Fatal(err)
	}
	if m["max_detections"].AsInt64() != 10 || m["nms_iou_threshold"].AsFloat64() != float64(float32(0.6)) ||
		!m["use_regular_nms"].AsBool() || m["a"].AsInt64() != -7 || len(m) != 4 {
		t.Errorf("round trip: %+v", m)
	}
}
