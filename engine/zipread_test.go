package engine

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// zipContents is what archive/zip reads of the archive at the end of b:
// "name: content" per file it opens and reads whole, "name: -" per file it
// lists but cannot read; nil when it finds no archive.
func zipContents(b []byte) []string {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name+": "+readZipFile(f))
	}
	return out
}

func readZipFile(f *zip.File) string {
	if f.UncompressedSize64 > maxLabelFile {
		return "-"
	}
	rc, err := f.Open()
	if err != nil {
		return "-"
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return "-"
	}
	return string(data)
}

// ourContents is the same through zipread.go.
func ourContents(b []byte) []string {
	var out []string
	for _, f := range zipFiles(b) {
		s := "-"
		if data, ok := f.read(b); ok && f.UncompressedSize <= maxLabelFile {
			s = string(data)
		}
		out = append(out, f.Name+": "+s)
	}
	return out
}

// testArchive is a model-like prefix and a zip of files after it, deflated
// or stored, with offsets from the start of b (as TFLite's metadata writer
// writes them) or from the start of the archive.
func testArchive(t testing.TB, prefix []byte, deflate, absolute bool, comment string, files ...string) []byte {
	var buf bytes.Buffer
	buf.Write(prefix)
	zw := zip.NewWriter(&buf)
	if absolute {
		zw.SetOffset(int64(len(prefix)))
	}
	for i := 0; i+1 < len(files); i += 2 {
		h := &zip.FileHeader{Name: files[i], Method: zip.Store}
		if deflate {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	if comment != "" {
		zw.SetComment(comment)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipRead: zipread.go reads what archive/zip reads on archives as
// TFLite's metadata writer makes them and variations: the same files, the
// same contents. On damaged copies (random bytes of the archive's end
// changed, the end cut off) it never panics, and whatever file it reads is
// one the archive held, whole (the CRC sees to it); archive/zip refuses some
// of those files for damage elsewhere (a data descriptor, a version field),
// and reads some this reader refuses (a central directory before the
// archive's start).
func TestZipRead(t *testing.T) {
	model := fcModel().Bytes()
	var cases [][]byte
	for _, deflate := range []bool{false, true} {
		for _, absolute := range []bool{false, true} {
			for _, comment := range []string{"", "a comment"} {
				cases = append(cases,
					testArchive(t, model, deflate, absolute, comment, "labels.txt", "cat\ndog\n", "notes.md", "x"),
					testArchive(t, nil, deflate, absolute, comment, "a.txt", "1\n2\n3\n"),
					testArchive(t, model, deflate, absolute, comment))
			}
		}
	}
	cases = append(cases, model, nil, []byte("PK\x05\x06"))
	check := func(name string, b []byte) {
		t.Helper()
		want, got := zipContents(b), ourContents(b)
		if fmt.Sprintf("%q", want) != fmt.Sprintf("%q", got) {
			t.Errorf("%s: zipread %q, archive/zip %q", name, got, want)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i, b := range cases {
		check(fmt.Sprintf("case %d", i), b)
		held := map[string]bool{}
		for _, f := range zipContents(b) {
			held[f[strings.Index(f, ": ")+2:]] = true
		}
		check := func(name string, b []byte) {
			t.Helper()
			for _, f := range ourContents(b) {
				if c := f[strings.Index(f, ": ")+2:]; c != "-" && !held[c] {
					t.Errorf("%s: zipread read %q, which the archive does not hold", name, f)
				}
			}
		}
		for j := range 200 {
			if len(b) == 0 {
				break
			}
			c := bytes.Clone(b)
			// Damage the archive's end, where the zip is.
			at := len(c) - 1 - rng.IntN(min(len(c), 400))
			c[at] = byte(rng.IntN(256))
			check(fmt.Sprintf("case %d, damage %d at %d", i, j, at), c)
		}
		for _, n := range []int{1, 10, 30, 60} {
			if n < len(b) {
				check(fmt.Sprintf("case %d cut by %d", i, n), b[:len(b)-n])
			}
		}
	}
}
