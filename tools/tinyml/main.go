// Command tinyml writes the generated int8 MLPerf Tiny architectures
// (internal/tinyml) and an input for each, for benchmarks that need issue
// 11's models without committing third-party files:
//
//	go run ./tools/tinyml -out build/bench-models [-models a,b] [-seed N]
//
// writes DIR/NAME.tflite and DIR/NAME.input0.bin (the quantized
// calibration input) for each model, and prints its MACs.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/tinyml"
)

func main() {
	out := flag.String("out", "build/models", "directory to write the models into")
	seed := flag.Uint64("seed", 1, "weights seed")
	only := flag.String("models", "", "comma-separated model names (default: all)")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, m := range tinyml.Models {
		if *only != "" && !strings.Contains(","+*only+",", ","+m.Name+",") {
			continue
		}
		b := m.Build(*seed)
		em, err := engine.Load(b)
		if err != nil {
			log.Fatalf("%s: the generated model does not load: %v", m.Name, err)
		}
		path := filepath.Join(*out, m.Name+".tflite")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*out, m.Name+".input0.bin"), m.Input(*seed), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d bytes, %d ops, %.2f M MACs\n", path, len(b), len(em.Ops), float64(em.MACs())/1e6)
	}
}
