package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"io/fs"
	"log"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	livereloadPath       = "/__livereload"
	livereloadScriptPath = "/__livereload.js"
	defaultPollInterval  = 300 * time.Millisecond
)

// config is everything newServer needs. The zero value of a field means its
// documented default.
type config struct {
	Root    string   // static folder; default "web/static"
	WasmPkg string   // Go package built for js/wasm; default "./wasm"
	WasmOut string   // WASM output file; default "<Root>/int8scope.wasm"
	Watch   bool     // poll static files and GoDirs for changes
	Build   bool     // build the WASM once when the server starts
	GoDirs  []string // directories (relative to Dir) whose *.go files trigger a rebuild

	// ExportPkg is the exporter's package, built after WasmPkg into
	// export.wasm next to WasmOut when it exists; default "./wasm/export",
	// "-" for none.
	ExportPkg string

	// Dir is the directory "go build" runs in and GoDirs and a relative
	// WasmPkg are resolved against; "" is the current directory.
	Dir string
	// GoCmd is the go command; default "go" from PATH.
	GoCmd string
	// PollInterval is how often the watchers look at modification times;
	// default 300ms.
	PollInterval time.Duration
	// Done stops the watchers, cancels a running build and closes the
	// live-reload connections when closed. Nil means never.
	Done <-chan struct{}
	// Logger receives build and watch messages; default log.Default().
	Logger *log.Logger
}

func (c *config) setDefaults() {
	if c.Root == "" {
		c.Root = "web/static"
	}
	if c.WasmPkg == "" {
		c.WasmPkg = "./wasm"
	}
	if c.WasmOut == "" {
		c.WasmOut = filepath.Join(c.Root, "int8scope.wasm")
	}
	switch c.ExportPkg {
	case "":
		c.ExportPkg = "./wasm/export"
	case "-":
		c.ExportPkg = ""
	}
	if c.GoCmd == "" {
		c.GoCmd = "go"
	}
	if c.PollInterval <= 0 {
		c.PollInterval = defaultPollInterval
	}
	if c.Logger == nil {
		c.Logger = log.Default()
	}
}

// server is the dev server's http.Handler: static files, the live-reload
// script and its WebSocket endpoint.
type server struct {
	cfg     config
	hub     *hub
	builder *builder
	gz      gzipCache
}

// newServer returns the dev server's handler and starts, per cfg, the
// initial WASM build and the static and Go watchers. They run until cfg.Done
// is closed.
func newServer(cfg config) http.Handler {
	cfg.setDefaults()
	ctx := context.Background()
	if cfg.Done != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		go func() {
			<-cfg.Done
			cancel()
		}()
	}

	s := &server{
		cfg:     cfg,
		hub:     newHub(cfg.Logger),
		builder: newBuilder(cfg),
	}
	context.AfterFunc(ctx, s.hub.close)

	if cfg.Watch {
		// Snapshots are taken here, before anything can change, so that every
		// later change is seen.
		static := newPollWatcher(cfg.PollInterval, staticLister(cfg.Root, s.builder.outputs()))
		go static.run(ctx, func() {
			cfg.Logger.Print("static files changed: reloading pages")
			s.hub.broadcast(message{Type: "reload"})
		})
		if len(cfg.GoDirs) > 0 {
			dirs := make([]string, len(cfg.GoDirs))
			for i, d := range cfg.GoDirs {
				dirs[i] = resolve(cfg.Dir, d)
			}
			gow := newPollWatcher(cfg.PollInterval, goLister(dirs))
			go gow.run(ctx, func() { s.rebuild(ctx, "Go sources changed") })
		}
	}
	if cfg.Build {
		go s.rebuild(ctx, "startup")
	}
	return s
}

// rebuild builds the WASM and tells the pages: reload on success, the
// compiler output on failure. A package that does not exist yet is only
// logged.
func (s *server) rebuild(ctx context.Context, why string) {
	out, err := s.builder.build(ctx, why)
	switch {
	case errors.Is(err, errNoPackage), ctx.Err() != nil:
		// Logged by the builder, or shutting down.
	case err != nil:
		s.hub.setBuildError(out)
	default:
		s.hub.setBuildError("")
		s.hub.broadcast(message{Type: "reload"})
	}
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")

	if !safePath(r) {
		http.Error(w, "bad path", http.StatusBadRequest)
		return
	}
	switch r.URL.Path {
	case livereloadPath:
		s.hub.serveWS(w, r)
	case livereloadScriptPath:
		if !allowRead(w, r) {
			return
		}
		h.Set("Content-Type", "text/javascript; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(livereloadJS)))
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, livereloadJS)
		}
	default:
		s.serveStatic(w, r)
	}
}

// safePath rejects request paths that try to leave the root: ".." segments
// (also when percent-encoded), encoded separators, backslashes, NUL bytes and
// paths that are not absolute URL paths. Serving goes through os.Root, which
// stops anything these checks miss, symlinks included.
func safePath(r *http.Request) bool {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." {
			return false
		}
	}
	raw := strings.ToLower(r.URL.EscapedPath())
	return !strings.Contains(raw, "%2f") && !strings.Contains(raw, "%5c") && !strings.Contains(raw, "%00")
}

func allowRead(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET, HEAD")
	http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	return false
}

// serveStatic serves a file below cfg.Root. The root is opened per request
// with os.OpenRoot, so a static folder that is created or replaced while the
// server runs is picked up, and no path, symlink or not, resolves outside it.
func (s *server) serveStatic(w http.ResponseWriter, r *http.Request) {
	if !allowRead(w, r) {
		return
	}
	root, err := os.OpenRoot(s.cfg.Root)
	if err != nil {
		http.Error(w, "static root not found", http.StatusNotFound)
		return
	}
	defer root.Close()

	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name == "" {
		name = "."
	}
	fi, err := root.Stat(name)
	if err != nil {
		// Missing files and symlinks that escape the root are both not found.
		if errors.Is(err, fs.ErrPermission) {
			http.Error(w, "forbidden", http.StatusForbidden)
		} else {
			http.NotFound(w, r)
		}
		return
	}
	h := w.Header()
	if fi.Mode().IsRegular() {
		if ct := contentType(name); ct != "" {
			h.Set("Content-Type", ct)
		}
	}
	h.Add("Vary", "Accept-Encoding")
	if r.Header.Get("Range") == "" && acceptsGzip(r.Header) {
		if fi.Mode().IsRegular() && path.Base(name) != "index.html" && compressible(h.Get("Content-Type")) {
			if e, err := s.gz.get(root, name); err == nil {
				// ServeContent leaves Content-Length to us once an encoding is set.
				h.Set("Content-Encoding", "gzip")
				h.Set("Content-Length", strconv.Itoa(len(e.data)))
				http.ServeContent(w, r, name, e.mod, bytes.NewReader(e.data))
				return
			}
		}
		gw := &gzipWriter{ResponseWriter: w}
		defer gw.Close()
		w = gw
	}
	http.FileServerFS(root.FS()).ServeHTTP(w, r)
}

// mimeTypes pins the types the playground depends on, whatever the
// machine's mime database says.
var mimeTypes = map[string]string{
	".wasm":   "application/wasm",
	".js":     "text/javascript; charset=utf-8",
	".mjs":    "text/javascript; charset=utf-8",
	".tflite": "application/octet-stream",
	".json":   "application/json",
	".map":    "application/json",
	".css":    "text/css; charset=utf-8",
	".html":   "text/html; charset=utf-8",
	".htm":    "text/html; charset=utf-8",
	".svg":    "image/svg+xml",
	".png":    "image/png",
	".txt":    "text/plain; charset=utf-8",
	".ico":    "image/x-icon",
}

// contentType is the Content-Type for a file name, or "" to let
// http.FileServer sniff it.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := mimeTypes[ext]; ok {
		return ct
	}
	return mime.TypeByExtension(ext)
}

// compressible reports whether a response of this Content-Type is worth
// gzipping: text and WebAssembly, not formats that are already compressed
// (images, archives) or opaque binaries.
func compressible(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch mt {
	case "application/wasm", "application/javascript", "application/json",
		"application/manifest+json", "application/xml", "image/svg+xml":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// acceptsGzip reports whether the Accept-Encoding header allows gzip,
// honouring q=0 and the "*" wildcard.
func acceptsGzip(h http.Header) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, v := range h.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			q := 1.0
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					if f, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
						q = f
					}
				}
			}
			switch strings.ToLower(strings.TrimSpace(name)) {
			case "gzip", "x-gzip":
				gzipQ = q
			case "*":
				starQ = q
			}
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

var gzipPool = sync.Pool{New: func() any {
	// Loopback transfers are cheap; favour speed over ratio.
	w, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	return w
}}

// gzipWriter compresses a 200 response whose Content-Type is compressible,
// deciding when the header is written; other responses pass through.
type gzipWriter struct {
	http.ResponseWriter
	gz          *gzip.Writer
	wroteHeader bool
}

func (g *gzipWriter) WriteHeader(code int) {
	if g.wroteHeader || code < http.StatusOK {
		g.ResponseWriter.WriteHeader(code)
		return
	}
	g.wroteHeader = true
	h := g.Header()
	if code == http.StatusOK && h.Get("Content-Encoding") == "" && compressible(h.Get("Content-Type")) {
		h.Del("Content-Length")
		h.Del("Accept-Ranges")
		h.Set("Content-Encoding", "gzip")
		g.gz = gzipPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipWriter) Write(p []byte) (int, error) {
	if !g.wroteHeader {
		g.WriteHeader(http.StatusOK)
	}
	if g.gz != nil {
		return g.gz.Write(p)
	}
	return g.ResponseWriter.Write(p)
}

// Close flushes the gzip stream, if one was started.
func (g *gzipWriter) Close() error {
	if g.gz == nil {
		return nil
	}
	err := g.gz.Close()
	g.gz.Reset(io.Discard)
	gzipPool.Put(g.gz)
	g.gz = nil
	return err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// resolve joins a relative path to dir ("" is the current directory).
func resolve(dir, p string) string {
	if filepath.IsAbs(p) || dir == "" {
		return filepath.Clean(p)
	}
	return filepath.Join(dir, p)
}
