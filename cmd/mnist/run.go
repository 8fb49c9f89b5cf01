package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/int8scope/int8scope/cmd/mnist/internal/mnistdata"
	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
	"github.com/int8scope/int8scope/cmd/mnist/internal/tflconv"
	"github.com/int8scope/int8scope/cmd/mnist/internal/tflsim"
	"github.com/int8scope/int8scope/engine/tflite"
)

// Data split and calibration set: the last tenth of each class is held out;
// the representative dataset is the first 200 training digits (20 per class,
// unaugmented).
const (
	holdOutDen     = 10
	representative = 200
)

type runConfig struct {
	DataDir string
	OutDir  string
	Seed    uint64
	Models  []string // empty: all
	Epochs  int      // > 0 overrides the recipes (tests)
	Limit   int      // > 0 trains on a prefix of the training set (tests)
}

// result describes one written file.
type result struct {
	Spec      spec
	File      string
	Int8IO    bool
	Size      int
	SHA256    string
	Params    int
	FloatAcc  float64
	Int8Acc   float64
	Agreement float64 // fraction of held-out digits where int8 and float predict the same class
	Model     *tflite.ModelT
}

func run(cfg runConfig, log io.Writer) ([]result, error) {
	classes, err := mnistdata.Load(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	trainSet, val := mnistdata.Split(classes, holdOutDen)
	fmt.Fprintf(log, "data: %d training digits, %d held out\n", trainSet.Len(), val.Len())
	if err := os.MkdirAll(cfg.OutDir, 0o755); err != nil {
		return nil, err
	}
	var results []result
	for _, s := range specs() {
		if len(cfg.Models) > 0 && !slices.Contains(cfg.Models, s.Name) {
			continue
		}
		rs, err := buildModel(s, cfg, trainSet, val, log)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
		results = append(results, rs...)
	}
	if len(results) == 0 {
		return nil, fmt.Errorf("no model selected (have %v)", specNames())
	}
	md := modelsMarkdown(results, cfg, trainSet.Len(), val.Len())
	if err := os.WriteFile(filepath.Join(cfg.OutDir, "MODELS.md"), []byte(md), 0o644); err != nil {
		return nil, err
	}
	return results, nil
}

func buildModel(s spec, cfg runConfig, trainSet, val mnistdata.Set, log io.Writer) ([]result, error) {
	m, err := nn.Build(input, newRNG(cfg.Seed, s.Stream, 0), s.Layers()...)
	if err != nil {
		return nil, err
	}
	tc := s.Train
	if cfg.Epochs > 0 {
		tc.Epochs = cfg.Epochs
	}
	tc.Limit = cfg.Limit
	fmt.Fprintf(log, "%s: %d parameters, %d epochs\n", s.Name, m.NumParams(), tc.Epochs)
	start := time.Now()
	train(m, trainSet, tc, newRNG(cfg.Seed, s.Stream, 1), log)
	took := time.Since(start)
	floatPred := m.Predict(val.Images)
	floatAcc := accuracy(floatPred, val.Labels)
	fmt.Fprintf(log, "%s: trained in %.1fs, float held-out accuracy %.2f%%\n", s.Name, took.Seconds(), 100*floatAcc)

	cal, err := tflconv.Calibrate(m, trainSet.Head(representative).Images)
	if err != nil {
		return nil, err
	}
	variants := []bool{false}
	if s.Int8IO {
		variants = append(variants, true)
	}
	var out []result
	for _, int8io := range variants {
		mt, err := tflconv.Convert(m, cal, tflconv.Options{Int8IO: int8io, Softmax: s.Softmax})
		if err != nil {
			return nil, err
		}
		buf := tflconv.Marshal(mt)
		parsed, err := tflconv.Validate(buf)
		if err != nil {
			return nil, fmt.Errorf("written model fails validation: %w", err)
		}
		file := s.Name + "_int8.tflite"
		if int8io {
			file = s.Name + "_int8io.tflite"
		}
		acc, agree, err := int8Accuracy(parsed, val, floatPred)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(cfg.OutDir, file), buf, 0o644); err != nil {
			return nil, err
		}
		sum := sha256.Sum256(buf)
		fmt.Fprintf(log, "%s: wrote %s (%d bytes), int8 held-out accuracy %.2f%%, agrees with float on %.2f%%\n",
			s.Name, file, len(buf), 100*acc, 100*agree)
		out = append(out, result{
			Spec: s, File: file, Int8IO: int8io, Size: len(buf), SHA256: hex.EncodeToString(sum[:]),
			Params: m.NumParams(), FloatAcc: floatAcc, Int8Acc: acc, Agreement: agree, Model: parsed,
		})
	}
	return out, nil
}

// int8Accuracy runs the parsed model with TFLite's reference int8 arithmetic
// on every held-out digit; the prediction is the argmax of the int8 logits.
func int8Accuracy(m *tflite.ModelT, val mnistdata.Set, floatPred [][]float32) (acc, agree float64, err error) {
	it, err := tflsim.New(m)
	if err != nil {
		return 0, 0, err
	}
	correct, same := 0, 0
	for i, img := range val.Images {
		if err := it.Run(img); err != nil {
			return 0, 0, err
		}
		p := nn.Argmax(it.Logits())
		if p == int(val.Labels[i]) {
			correct++
		}
		if p == nn.Argmax(floatPred[i]) {
			same++
		}
	}
	n := float64(val.Len())
	return float64(correct) / n, float64(same) / n, nil
}
