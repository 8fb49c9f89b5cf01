// Command mobilenet writes the generated int8 MobileNet v2 1.0 224
// (internal/mobilenet) and an input for it, for benchmarks and tests that
// need a big real-architecture model without committing one:
//
//	go run ./tools/mobilenet -out build/models
//
// writes build/models/mobilenet_v2_1.0_224_int8.tflite (about 3.5 MB) and
// build/models/mobilenet_v2_1.0_224_int8.input0.bin (the quantized
// calibration image, 224×224×3 int8), and prints the model's MACs.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/mobilenet"
)

func main() {
	out := flag.String("out", "build/models", "directory to write the model into")
	seed := flag.Uint64("seed", 1, "weights seed")
	flag.Parse()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	b := mobilenet.V2(*seed)
	m, err := engine.Load(b)
	if err != nil {
		log.Fatalf("the generated model does not load: %v", err)
	}
	path := filepath.Join(*out, mobilenet.Name+".tflite")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, mobilenet.Name+".input0.bin"), mobilenet.Input(*seed), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: %d bytes, %d ops, %.1f M MACs\n", path, len(b), len(m.Ops), float64(m.MACs())/1e6)
}
