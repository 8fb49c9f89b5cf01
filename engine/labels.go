package engine

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// Class labels a model file carries: TFLite's metadata writer appends the
// model's associated files (labels.txt, labelmap.txt, …) to the .tflite as
// a zip archive, which TFLite ignores and a zip reader finds from the end
// of the file.

// maxLabelFile bounds the size of a label file int8scope reads.
const maxLabelFile = 1 << 20

// readLabels returns, by output tensor index, the labels of the outputs
// whose last dimension has as many entries as an associated text file has
// lines (a file named like labels preferred), or nil.
func readLabels(b []byte, m *Model) map[int][]string {
	type file struct {
		name  string
		lines []string
	}
	var files []file
	for _, f := range zipFiles(b) { // zipread.go
		if !strings.HasSuffix(strings.ToLower(f.Name), ".txt") || f.UncompressedSize > maxLabelFile {
			continue
		}
		data, ok := f.read(b)
		if !ok {
			continue
		}
		var lines []string
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			lines = append(lines, strings.TrimSpace(sc.Text()))
		}
		for len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		if sc.Err() == nil && len(lines) > 0 {
			files = append(files, file{path.Base(f.Name), lines})
		}
	}
	var out map[int][]string
	for _, ti := range m.Outputs {
		shape := m.Tensors[ti].Shape
		if len(shape) == 0 {
			continue
		}
		n := shape[len(shape)-1]
		var pick *file
		for i, f := range files {
			if len(f.lines) == n && (pick == nil || strings.Contains(strings.ToLower(f.name), "label")) {
				pick = &files[i]
			}
		}
		if pick != nil {
			if out == nil {
				out = map[int][]string{}
			}
			out[ti] = pick.lines
		}
	}
	return out
}
