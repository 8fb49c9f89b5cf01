package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// errNoPackage means the WASM package does not exist (yet); the server
// logs it and keeps serving.
var errNoPackage = errors.New("wasm package not found")

// maxBuildOutput caps the compiler output sent to the pages.
const maxBuildOutput = 64 << 10

// builder runs "go build" for js/wasm and installs wasm_exec.js next to the
// output. Builds are serialized. After the engine it builds the exporter's
// module (exportPkg, export.wasm next to out), which the page fetches only
// for a download, when that package exists.
type builder struct {
	goCmd     string
	pkg       string // as given, e.g. "./wasm"
	exportPkg string // as given, e.g. "./wasm/export"; "" builds none
	dir       string // where go build runs; "" is the current directory
	out       string // absolute output path
	log       *log.Logger

	mu     sync.Mutex
	goroot string // cached "go env GOROOT"
}

func newBuilder(cfg config) *builder {
	out, err := filepath.Abs(cfg.WasmOut)
	if err != nil {
		out = filepath.Clean(cfg.WasmOut)
	}
	return &builder{goCmd: cfg.GoCmd, pkg: cfg.WasmPkg, exportPkg: cfg.ExportPkg, dir: cfg.Dir, out: out, log: cfg.Logger}
}

func (b *builder) tmpOut() string { return b.out + ".tmp" }

func (b *builder) exportOut() string { return filepath.Join(filepath.Dir(b.out), "export.wasm") }

func (b *builder) wasmExecPath() string { return filepath.Join(filepath.Dir(b.out), "wasm_exec.js") }

// outputs lists the files the builder writes, which the static watcher
// ignores: their changes are announced by the builder itself.
func (b *builder) outputs() []string {
	exec := b.wasmExecPath()
	return []string{b.out, b.tmpOut(), exec, exec + ".tmp", b.exportOut(), b.exportOut() + ".tmp"}
}

// build compiles the package. On a compile failure it returns the compiler
// output and a non-nil error. It returns errNoPackage, after logging it, if
// the package is a local directory without Go files.
func (b *builder) build(ctx context.Context, why string) (string, error) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if err := b.checkPackage(b.pkg); err != nil {
		b.log.Printf("%v; serving static files only (it is built as soon as it has Go files)", err)
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(b.out), 0o755); err != nil {
		return err.Error(), err
	}

	start := time.Now()
	if msg, err := b.compile(ctx, why, b.pkg, b.out); err != nil {
		return msg, err
	}
	if b.exportPkg != "" && b.checkPackage(b.exportPkg) == nil {
		if msg, err := b.compile(ctx, why, b.exportPkg, b.exportOut()); err != nil {
			return msg, err
		}
	}
	if err := b.installWasmExec(ctx); err != nil {
		b.log.Printf("WASM build failed: %v", err)
		return err.Error(), err
	}
	b.log.Printf("built %s in %s", b.out, time.Since(start).Round(time.Millisecond))
	return "", nil
}

// compile builds pkg into out, through a temporary file renamed into place
// so that the server never hands out a half-written module. On a compile
// failure it returns the compiler output and a non-nil error.
func (b *builder) compile(ctx context.Context, why, pkg, out string) (string, error) {
	b.log.Printf("building WASM (%s): GOOS=js GOARCH=wasm go build -o %s %s", why, out, pkg)
	tmp := out + ".tmp"
	cmd := exec.CommandContext(ctx, b.goCmd, "build", "-o", tmp, pkg)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	output, err := cmd.CombinedOutput()
	if err != nil {
		os.Remove(tmp)
		msg := strings.TrimSpace(string(output))
		if msg == "" {
			msg = err.Error()
		}
		if len(msg) > maxBuildOutput {
			msg = msg[:maxBuildOutput] + "\n… (output truncated)"
		}
		if ctx.Err() == nil {
			b.log.Printf("WASM build failed:\n%s", msg)
		}
		return msg, err
	}
	if err := os.Rename(tmp, out); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("go build wrote no file: is %s a main package?", pkg)
		}
		b.log.Printf("WASM build failed: %v", err)
		return err.Error(), err
	}
	return "", nil
}

// checkPackage returns errNoPackage when pkg is a local directory that is
// missing or has no non-test Go files. Import paths are left for go build
// to judge.
func (b *builder) checkPackage(pkg string) error {
	if !isLocalPackage(pkg) {
		return nil
	}
	dir := resolve(b.dir, pkg)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%w: %s: directory %s does not exist", errNoPackage, pkg, dir)
	}
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() && strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			return nil
		}
	}
	return fmt.Errorf("%w: %s: no Go files in %s", errNoPackage, pkg, dir)
}

func isLocalPackage(pkg string) bool {
	return pkg == "." || pkg == ".." || strings.HasPrefix(pkg, "./") || strings.HasPrefix(pkg, "../") || filepath.IsAbs(pkg)
}

// installWasmExec copies the toolchain's wasm_exec.js next to the output,
// writing only when it differs so that it keeps its mtime.
func (b *builder) installWasmExec(ctx context.Context) error {
	src, err := b.findWasmExec(ctx)
	if err != nil {
		return err
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	dst := b.wasmExecPath()
	if old, err := os.ReadFile(dst); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// findWasmExec locates wasm_exec.js in GOROOT: lib/wasm since Go 1.24,
// misc/wasm before.
func (b *builder) findWasmExec(ctx context.Context) (string, error) {
	if b.goroot == "" {
		cmd := exec.CommandContext(ctx, b.goCmd, "env", "GOROOT")
		cmd.Dir = b.dir
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("go env GOROOT: %w", err)
		}
		b.goroot = strings.TrimSpace(string(out))
	}
	for _, rel := range []string{"lib/wasm/wasm_exec.js", "misc/wasm/wasm_exec.js"} {
		p := filepath.Join(b.goroot, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("wasm_exec.js not found in %s/lib/wasm or %s/misc/wasm", b.goroot, b.goroot)
}
