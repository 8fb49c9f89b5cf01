// Command mobilenet writes the project's generated int8 models and an
// input for each, for benchmarks and tests that need big or
// real-architecture models without committing third-party files: the
// MobileNet v2 1.0 224 of internal/mobilenet and the MLPerf Tiny
// architectures of internal/tinyml.
//
//	go run ./tools/mobilenet -out build/models [-models a,b] [-seed N]
//
// writes DIR/NAME.tflite and DIR/NAME.input0.bin (the quantized
// calibration input) for each model -models names (default: the MobileNet
// v2, mobilenet_v2_1.0_224_int8, about 4 MB; "tiny": the four MLPerf Tiny
// ones, tiny_vww_96_int8, tiny_resnet8_int8, tiny_dscnn_kws_int8,
// tiny_fc_autoencoder_int8), and prints each one's MACs.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/mobilenet"
	"github.com/int8scope/int8scope/internal/tinyml"
)

// generator builds one model and its input from a seed.
type generator struct {
	name         string
	model, input func(seed uint64) []byte
}

func generators() []generator {
	gs := []generator{{mobilenet.Name, mobilenet.V2, mobilenet.Input}}
	for _, m := range tinyml.Models {
		gs = append(gs, generator{m.Name, m.Build, m.Input})
	}
	return gs
}

func main() {
	out := flag.String("out", "build/models", "directory to write the models into")
	seed := flag.Uint64("seed", 1, "weights seed")
	models := flag.String("models", mobilenet.Name, `comma-separated model names ("tiny": the MLPerf Tiny ones)`)
	flag.Parse()
	want := map[string]bool{}
	for _, n := range strings.Split(*models, ",") {
		want[n] = true
	}
	if want["tiny"] {
		for _, m := range tinyml.Models {
			want[m.Name] = true
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, g := range generators() {
		if !want[g.name] {
			continue
		}
		delete(want, g.name)
		b := g.model(*seed)
		m, err := engine.Load(b)
		if err != nil {
			log.Fatalf("%s: the generated model does not load: %v", g.name, err)
		}
		path := filepath.Join(*out, g.name+".tflite")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(*out, g.name+".input0.bin"), g.input(*seed), 0o644); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %d bytes, %d ops, %.2f M MACs\n", path, len(b), len(m.Ops), float64(m.MACs())/1e6)
	}
	delete(want, "tiny")
	for n := range want {
		log.Fatalf("no generated model %q", n)
	}
}
