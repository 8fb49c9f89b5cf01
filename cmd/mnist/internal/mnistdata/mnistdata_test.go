package mnistdata

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeClass(t *testing.T, dir string, c, n int) {
	t.Helper()
	vals := make([]string, n*Pixels)
	for i := range vals {
		vals[i] = "0"
	}
	for d := range n {
		vals[d*Pixels] = "0.5" // mark digit d of class c
		vals[d*Pixels+1] = []string{"0", "1"}[d%2]
	}
	body := `{ "data": [` + strings.Join(vals, ",") + `]}`
	if err := os.WriteFile(filepath.Join(dir, string(rune('0'+c))+".json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadAndSplit(t *testing.T) {
	dir := t.TempDir()
	for c := range 10 {
		writeClass(t, dir, c, 10+c)
	}
	classes, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for c := range 10 {
		if len(classes[c]) != 10+c {
			t.Fatalf("class %d: %d digits, want %d", c, len(classes[c]), 10+c)
		}
		if classes[c][1][1] != 1 || classes[c][2][1] != 0 || classes[c][0][0] != 0.5 {
			t.Fatalf("class %d: pixels not in file order", c)
		}
	}
	train, val := Split(classes, 10)
	if val.Len() != 10 || train.Len() != 145-10 {
		t.Fatalf("split %d/%d, want 135/10", train.Len(), val.Len())
	}
	for i := range 10 {
		if val.Labels[i] != uint8(i) {
			t.Fatalf("validation labels %v, want one of each class in order", val.Labels)
		}
		// The held-out digit is the last of its class.
		if &val.Images[i][0] != &classes[i][len(classes[i])-1][0] {
			t.Fatalf("validation digit %d is not the last of its class", i)
		}
	}
	if got := train.Head(12).Labels; string(got) != string([]uint8{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1}) {
		t.Fatalf("training order %v, want round-robin", got)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "npm ci") {
		t.Errorf("missing files: err %v", err)
	}
	for c := range 10 {
		writeClass(t, dir, c, 1)
	}
	os.WriteFile(filepath.Join(dir, "3.json"), []byte(`{"data":[0,1,2]}`), 0o644)
	if _, err := Load(dir); err == nil {
		t.Errorf("bad length accepted")
	}
}
