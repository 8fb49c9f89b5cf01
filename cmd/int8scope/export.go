package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/engine/export"
)

// exportCommand writes a model's forward pass as a NumPy program, or the
// per-layer test vectors of one run. A model whose shapes a run works out
// (engine.Model.Dynamic) exports with --inputs: the program of that run's
// model, which checks that its run-time shape inputs keep the run's values.
//
//	int8scope export MODEL.tflite --numpy OUT.py [--inputs IN] [--profile P] [--signature K]
//	int8scope export MODEL.tflite --vectors DIR --inputs IN [--profile P] [--signature K]
func exportCommand(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	numpy := fs.String("numpy", "", "write the NumPy program OUT.py and its OUT.npz")
	vectors := fs.String("vectors", "", "write per-op test vectors into DIR")
	inputs := fs.String("inputs", "", "directory of input<i>.bin files (--vectors; --numpy of a model with run-time shapes)")
	profile := fs.String("profile", "reference", "arithmetic profile")
	signature := fs.String("signature", "", "signature to load (default: subgraph 0)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return usageError(fmt.Sprintf("export: %v", err))
	}
	if len(pos) != 1 {
		return usageError("export needs exactly one MODEL.tflite argument")
	}
	if (*numpy == "") == (*vectors == "") {
		return usageError("export needs one of --numpy OUT.py or --vectors DIR")
	}
	if *vectors != "" && *inputs == "" {
		return usageError("export --vectors needs --inputs DIR")
	}
	m, p, err := loadModelProfile(pos[0], *signature, *profile)
	if err != nil {
		return err
	}
	if *numpy != "" {
		if *inputs != "" {
			// The run's model: a dynamic model's ops prepared with the
			// shapes of this run (the model itself otherwise).
			res, err := runModel(m, *inputs, p, false)
			if err != nil {
				return err
			}
			m = res.Model
		}
		return writeNumPy(m, p, filepath.Base(pos[0]), *numpy, w)
	}
	res, err := runModel(m, *inputs, p, true)
	if err != nil {
		return err
	}
	files, err := export.Vectors(res)
	if err != nil {
		return err
	}
	for _, f := range files {
		path := filepath.Join(*vectors, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("export: cannot write the vectors: %w", err)
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("export: cannot write the vectors: %w", err)
		}
	}
	fmt.Fprintf(w, "wrote %d files for %d ops into %s\n", len(files), len(m.Ops), *vectors)
	return nil
}

// writeNumPy writes OUT.py and OUT.npz (OUT without its .py).
func writeNumPy(m *engine.Model, p engine.Profile, name, out string, w io.Writer) error {
	if !strings.HasSuffix(out, ".py") {
		return errors.New("export: --numpy needs a file name ending in .py")
	}
	prog, err := export.NumPy(m, p, name)
	if err != nil {
		return err
	}
	files, err := prog.Files(strings.TrimSuffix(out, ".py"))
	if err != nil {
		return err
	}
	for i, f := range files {
		if err := os.WriteFile(f.Name, f.Data, []os.FileMode{0o755, 0o644}[i]); err != nil {
			return fmt.Errorf("export: cannot write the %s: %w", []string{"program", "parameters"}[i], err)
		}
	}
	npz := files[1].Name
	fmt.Fprintf(w, "wrote %s and %s (%d arrays); run: python3 %s IN0.npy ... --out DIR\n", out, npz, len(prog.Arrays), out)
	return nil
}
