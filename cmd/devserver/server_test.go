package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

const secret = "TOP-SECRET-outside-root"

var discard = log.New(io.Discard, "", 0)

// writeFiles creates files (slash-separated paths) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// testConfig serves root without building anything and polls fast.
func testConfig(t *testing.T, root string, watch bool) config {
	return config{
		Root:         root,
		WasmPkg:      "./does-not-exist",
		WasmOut:      filepath.Join(root, "int8scope.wasm"),
		Watch:        watch,
		Build:        false,
		PollInterval: 20 * time.Millisecond,
		Done:         t.Context().Done(),
		Logger:       discard,
		GoCmd:        "go-must-not-run",
	}
}

// startServer runs newServer(cfg) behind an httptest server.
// hangGuard is how long a test waits for something that must happen before
// it calls it a hang: long, because a loaded 2-core machine can stall a
// test for seconds; these tests check behaviour, never speed.
const hangGuard = time.Minute

func startServer(t *testing.T, cfg config) (*httptest.Server, *server) {
	t.Helper()
	h := newServer(cfg)
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts, h.(*server)
}

// rawGet sends the request target exactly as given, with no client-side
// cleaning or escaping, and returns the status and body.
func rawGet(t *testing.T, ts *httptest.Server, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(hangGuard))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, ts.Listener.Addr())
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// fetch sends method url with the given header name/value pairs and reads
// the whole body, without the client's transparent gunzipping.
func fetch(method, url string, hdr ...string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		return nil, nil, err
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] != "" {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp, raw, err
}

func TestStaticContentTypes(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"int8scope.wasm": "\x00asm\x01\x00\x00\x00",
		"wasm_exec.js":   "console.log('go');",
		"app.mjs":        "export const x = 1;",
		"model.tflite":   "TFL3 model bytes",
		"data.json":      `{"a":1}`,
		"style.css":      "body{}",
		"index.html":     "<!doctype html><title>int8scope</title>",
		"icon.svg":       "<svg xmlns='http://www.w3.org/2000/svg'/>",
		"logo.png":       "\x89PNG\r\n\x1a\n",
	}
	writeFiles(t, root, files)
	ts, _ := startServer(t, testConfig(t, root, false))

	tests := []struct {
		path, wantType string
	}{
		{"/int8scope.wasm", "application/wasm"},
		{"/wasm_exec.js", "text/javascript; charset=utf-8"},
		{"/app.mjs", "text/javascript; charset=utf-8"},
		{"/model.tflite", "application/octet-stream"},
		{"/data.json", "application/json"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/index.html", ""}, // http.FileServer redirects /index.html to ./
		{"/", "text/html; charset=utf-8"},
		{"/icon.svg", "image/svg+xml"},
		{"/logo.png", "image/png"},
	}
	client := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, err := client.Get(ts.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", got)
			}
			if tt.wantType == "" {
				if resp.StatusCode != http.StatusMovedPermanently {
					t.Errorf("status = %d, want 301", resp.StatusCode)
				}
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			name := strings.TrimPrefix(tt.path, "/")
			if name == "" {
				name = "index.html"
			}
			if string(body) != files[name] {
				t.Errorf("body = %q, want %q", body, files[name])
			}
		})
	}
}

func TestGzip(t *testing.T) {
	root := t.TempDir()
	js := strings.Repeat("export const answer = 42;\n", 200)
	wasm := "\x00asm\x01\x00\x00\x00" + strings.Repeat("\x00\x01\x02\x03", 500)
	png := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", 2000)
	tflite := "TFL3" + strings.Repeat("\x00", 2000)
	writeFiles(t, root, map[string]string{"app.js": js, "int8scope.wasm": wasm, "logo.png": png, "m.tflite": tflite})
	ts, _ := startServer(t, testConfig(t, root, false))

	tests := []struct {
		name, path, acceptEncoding, rangeHdr string
		wantGzip                             bool
		want                                 string
	}{
		{"js gzip", "/app.js", "gzip, deflate, br", "", true, js},
		{"wasm gzip", "/int8scope.wasm", "gzip", "", true, wasm},
		{"wildcard", "/app.js", "*", "", true, js},
		{"no accept-encoding", "/app.js", "", "", false, js},
		{"gzip refused", "/app.js", "gzip;q=0, deflate", "", false, js},
		{"gzip refused despite wildcard", "/app.js", "*, gzip;q=0", "", false, js},
		{"png already compressed", "/logo.png", "gzip", "", false, png},
		{"tflite binary", "/m.tflite", "gzip", "", false, tflite},
		{"range request", "/app.js", "gzip", "bytes=0-5", false, js[:6]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, raw, err := fetch(http.MethodGet, ts.URL+tt.path, "Accept-Encoding", tt.acceptEncoding, "Range", tt.rangeHdr)
			if err != nil {
				t.Fatal(err)
			}
			if resp.ContentLength >= 0 && resp.ContentLength != int64(len(raw)) {
				t.Errorf("Content-Length %d for a %d-byte body", resp.ContentLength, len(raw))
			}
			var body io.Reader = bytes.NewReader(raw)
			gotGzip := resp.Header.Get("Content-Encoding") == "gzip"
			if gotGzip != tt.wantGzip {
				t.Fatalf("Content-Encoding = %q, want gzip: %v", resp.Header.Get("Content-Encoding"), tt.wantGzip)
			}
			if gotGzip {
				zr, err := gzip.NewReader(body)
				if err != nil {
					t.Fatal(err)
				}
				body = zr
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("Vary = %q, want Accept-Encoding", resp.Header.Get("Vary"))
			}
			got, err := io.ReadAll(body)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("body differs: got %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

// TestGzipOnce checks the WASM is compressed once per version: every
// request gets the same gzipped bytes (which unzip to the file, with a
// matching Content-Length), concurrent cold requests share one compression,
// and a rebuilt module is compressed anew.
func TestGzipOnce(t *testing.T) {
	root := t.TempDir()
	// Like a real module: large, and compressible but not trivially.
	var wasm bytes.Buffer
	wasm.WriteString("\x00asm\x01\x00\x00\x00")
	for i := range 200_000 {
		fmt.Fprintf(&wasm, "%d", i*i%977)
	}
	writeFiles(t, root, map[string]string{"int8scope.wasm": wasm.String()})
	ts, srv := startServer(t, testConfig(t, root, false))
	get := func(method string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		resp, raw, err := fetch(method, ts.URL+"/int8scope.wasm", append([]string{"Accept-Encoding", "gzip"}, hdr...)...)
		if err != nil {
			t.Fatal(err)
		}
		return resp, raw
	}
	unzip := func(raw []byte) string {
		t.Helper()
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// Four cold requests at once, then one more.
	bodies := make(chan []byte, 4)
	for range 4 {
		go func() {
			_, raw, err := fetch(http.MethodGet, ts.URL+"/int8scope.wasm", "Accept-Encoding", "gzip")
			if err != nil {
				raw = nil
			}
			bodies <- raw
		}()
	}
	var first []byte
	for range 4 {
		b := <-bodies
		if first == nil {
			first = b
		}
		if b == nil || !bytes.Equal(b, first) {
			t.Fatalf("concurrent requests got different bodies (%d and %d bytes)", len(b), len(first))
		}
	}
	resp, raw := get(http.MethodGet)
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/wasm" {
		t.Fatalf("Content-Encoding %q, Content-Type %q; want gzip, application/wasm", resp.Header.Get("Content-Encoding"), resp.Header.Get("Content-Type"))
	}
	if resp.ContentLength != int64(len(raw)) {
		t.Errorf("Content-Length %d for a %d-byte body", resp.ContentLength, len(raw))
	}
	if !bytes.Equal(raw, first) {
		t.Errorf("the second request got other bytes (%d, first %d)", len(raw), len(first))
	}
	if got := unzip(raw); got != wasm.String() {
		t.Fatalf("the body unzips to %d bytes, want the %d-byte file", len(got), wasm.Len())
	}
	if len(raw) >= wasm.Len()/2 {
		t.Errorf("gzipped to %d of %d bytes", len(raw), wasm.Len())
	}
	if n := srv.gz.compressions.Load(); n != 1 {
		t.Errorf("compressed %d times for five requests, want once", n)
	}
	// HEAD and a conditional request are answered from the same entry.
	if resp, raw := get(http.MethodHead); resp.StatusCode != http.StatusOK || len(raw) != 0 || resp.ContentLength != int64(len(first)) {
		t.Errorf("HEAD: status %d, %d body bytes, Content-Length %d", resp.StatusCode, len(raw), resp.ContentLength)
	}
	if resp, _ := get(http.MethodGet, "If-Modified-Since", resp.Header.Get("Last-Modified")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", resp.StatusCode)
	}

	// A rebuild (renamed into place, as the builder does) is compressed anew.
	tmp := filepath.Join(root, "int8scope.wasm.tmp")
	if err := os.WriteFile(tmp, []byte("\x00asm\x01\x00\x00\x00rebuilt"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(tmp, later, later); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(root, "int8scope.wasm")); err != nil {
		t.Fatal(err)
	}
	if _, raw := get(http.MethodGet); unzip(raw) != "\x00asm\x01\x00\x00\x00rebuilt" {
		t.Errorf("after a rebuild the body unzips to %q", unzip(raw))
	}
	if n := srv.gz.compressions.Load(); n != 2 {
		t.Errorf("%d compressions after a rebuild, want 2", n)
	}
}

func TestPathTraversal(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "static")
	writeFiles(t, base, map[string]string{
		"go.mod":            secret,
		"secret.txt":        secret,
		"static/index.html": "<!doctype html>",
		"static/sub/a.txt":  "inside",
	})
	for link, target := range map[string]string{
		"escape":    filepath.Join("..", "secret.txt"),
		"escdir":    "..",
		"abslink":   filepath.Join(base, "secret.txt"),
		"sub/up.md": filepath.Join("..", "..", "go.mod"),
	} {
		if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(link))); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	ts, _ := startServer(t, testConfig(t, root, false))

	absSecret := filepath.ToSlash(filepath.Join(base, "secret.txt"))
	targets := []string{
		"/../go.mod",
		"/%2e%2e/go.mod",
		"/%2E%2E/go.mod",
		"/..%2fgo.mod",
		"/..%2Fgo.mod",
		"/%2e%2e%2fgo.mod",
		"/sub/../../go.mod",
		"/sub/%2e%2e/%2e%2e/secret.txt",
		"/..\\go.mod",
		"/..%5cgo.mod",
		"/" + absSecret,
		"/" + strings.TrimPrefix(absSecret, "/"),
		"/escape",
		"/escdir/secret.txt",
		"/escdir/go.mod",
		"/abslink",
		"/sub/up.md",
		"/__livereload.js/../../go.mod",
	}
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			status, body := rawGet(t, ts, target)
			if strings.Contains(body, secret) {
				t.Fatalf("GET %s leaked a file outside root (status %d)", target, status)
			}
			if status != http.StatusBadRequest && status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 400 or 404", target, status)
			}
		})
	}

	// The checks do not get in the way of ordinary paths.
	if status, body := rawGet(t, ts, "/sub/a.txt"); status != http.StatusOK || body != "inside" {
		t.Errorf("GET /sub/a.txt = %d %q, want 200 inside", status, body)
	}
}

func TestNotFound(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"index.html": "hi", "sub/a.txt": "a"})
	ts, _ := startServer(t, testConfig(t, root, false))
	for _, p := range []string{"/missing.js", "/sub/missing.wasm", "/nodir/x.css", "/int8scope.wasm"} {
		t.Run(p, func(t *testing.T) {
			status, _ := rawGet(t, ts, p)
			if status != http.StatusNotFound {
				t.Errorf("GET %s: status %d, want 404", p, status)
			}
		})
	}

	// A root that does not exist is served as 404s, not a crash.
	ts2, _ := startServer(t, testConfig(t, filepath.Join(root, "missing-root"), false))
	if status, _ := rawGet(t, ts2, "/index.html"); status != http.StatusNotFound {
		t.Errorf("missing root: status %d, want 404", status)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"index.html": "hi"})
	ts, _ := startServer(t, testConfig(t, root, false))
	resp, err := http.Post(ts.URL+"/index.html", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", resp.StatusCode)
	}
}

func TestLivereloadScript(t *testing.T) {
	ts, _ := startServer(t, testConfig(t, t.TempDir(), false))
	resp, err := http.Get(ts.URL + livereloadScriptPath)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	for _, want := range []string{livereloadPath, "textContent", `"reload"`, `"build-error"`} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("script lacks %q", want)
		}
	}
	if bytes.Contains(body, []byte("innerHTML")) {
		t.Error("script uses innerHTML")
	}
}

func wsURL(ts *httptest.Server) string {
	return "ws" + strings.TrimPrefix(ts.URL, "http") + livereloadPath
}

// dial connects to the live-reload endpoint and reads the greeting.
func dial(t *testing.T, ts *httptest.Server, origin string) *websocket.Conn {
	t.Helper()
	hdr := http.Header{}
	if origin != "" {
		hdr.Set("Origin", origin)
	}
	conn, resp, err := websocket.DefaultDialer.Dial(wsURL(ts), hdr)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial with origin %q: %v (status %d)", origin, err, status)
	}
	t.Cleanup(func() { conn.Close() })
	if m := readMessage(t, conn); m.Type != "hello" {
		t.Fatalf("first message = %+v, want hello", m)
	}
	return conn
}

func readMessage(t *testing.T, conn *websocket.Conn) message {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(hangGuard))
	var m message
	if err := conn.ReadJSON(&m); err != nil {
		t.Fatalf("reading message: %v", err)
	}
	return m
}

func TestWebSocketOrigin(t *testing.T) {
	ts, _ := startServer(t, testConfig(t, t.TempDir(), false))
	host := strings.TrimPrefix(ts.URL, "http://")

	tests := []struct {
		name, origin string
		wantOK       bool
	}{
		{"no origin", "", true},
		{"same origin", "http://" + host, true},
		{"same origin https", "https://" + host, true},
		{"same origin upper case", "HTTP://" + strings.ToUpper(host), true},
		{"evil origin", "http://evil.example", false},
		{"evil origin same port", fmt.Sprintf("http://evil.example:%d", ts.Listener.Addr().(*net.TCPAddr).Port), false},
		{"other port", "http://127.0.0.1:1", false},
		{"null origin", "null", false},
		{"other scheme", "file://" + host, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.origin != "" {
				hdr.Set("Origin", tt.origin)
			}
			conn, resp, err := websocket.DefaultDialer.Dial(wsURL(ts), hdr)
			if tt.wantOK {
				if err != nil {
					t.Fatalf("dial: %v", err)
				}
				defer conn.Close()
				if m := readMessage(t, conn); m.Type != "hello" {
					t.Errorf("first message = %+v, want hello", m)
				}
				return
			}
			if err == nil {
				conn.Close()
				t.Fatal("connection from a foreign origin was accepted")
			}
			if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != http.StatusForbidden {
				status := 0
				if resp != nil {
					status = resp.StatusCode
				}
				t.Errorf("err = %v, status %d; want bad handshake with 403", err, status)
			}
		})
	}

	// A plain GET of the endpoint is not a crash either.
	if status, _ := rawGet(t, ts, livereloadPath); status != http.StatusBadRequest {
		t.Errorf("plain GET %s: status %d, want 400", livereloadPath, status)
	}
}

func TestStaticChangeTriggersReload(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"index.html": "v1", "css/site.css": "a{}"})
	ts, _ := startServer(t, testConfig(t, root, true))
	conn := dial(t, ts, "")

	for i, change := range []map[string]string{
		{"css/site.css": "a{color:red}"},
		{"new.js": "console.log(1)"},
	} {
		writeFiles(t, root, change)
		if m := readMessage(t, conn); m.Type != "reload" {
			t.Fatalf("change %d: message = %+v, want reload", i, m)
		}
	}
	if err := os.Remove(filepath.Join(root, "new.js")); err != nil {
		t.Fatal(err)
	}
	if m := readMessage(t, conn); m.Type != "reload" {
		t.Fatalf("removal: message = %+v, want reload", m)
	}
}

func TestStaticListerIgnoresBuildOutputs(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"index.html":          "x",
		"int8scope.wasm":      "w",
		"int8scope.wasm.tmp":  "w",
		"wasm_exec.js":        "e",
		".hidden/x.js":        "h",
		".index.html.swp":     "s",
		"sub/app.js":          "a",
		"sub/app.js~":         "b",
		"sub/testdata/x.json": "t",
	})
	cfg := testConfig(t, root, false)
	cfg.setDefaults()
	snap := staticLister(root, newBuilder(cfg).outputs())()
	var got []string
	for p := range snap {
		rel, _ := filepath.Rel(root, p)
		got = append(got, filepath.ToSlash(rel))
	}
	want := map[string]bool{"index.html": true, "sub/app.js": true}
	if len(got) != len(want) {
		t.Fatalf("listed %v, want %v", got, want)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("listed %s", g)
		}
	}
}

func TestGoListerAndWatcher(t *testing.T) {
	dir := t.TempDir()
	engine := filepath.Join(dir, "engine")
	writeFiles(t, dir, map[string]string{"engine/a.go": "package engine", "engine/a_test.go": "package engine", "engine/notes.md": "x"})
	list := goLister([]string{engine, filepath.Join(dir, "wasm")})
	if snap := list(); len(snap) != 1 {
		t.Fatalf("goLister listed %d files, want 1 (a.go)", len(snap))
	}

	w := newPollWatcher(10*time.Millisecond, list)
	changed := make(chan struct{}, 10)
	go w.run(t.Context(), func() { changed <- struct{}{} })

	// Test files and other files do not count; a new package does.
	writeFiles(t, dir, map[string]string{"engine/a_test.go": "package engine // changed", "engine/notes.md": "y"})
	select {
	case <-changed:
		t.Fatal("change of a test file triggered a rebuild")
	case <-time.After(100 * time.Millisecond):
	}
	writeFiles(t, dir, map[string]string{"wasm/main.go": "package main"})
	select {
	case <-changed:
	case <-time.After(hangGuard):
		t.Fatal("new wasm/main.go did not trigger a rebuild")
	}
}

func TestBuildErrorBroadcast(t *testing.T) {
	ts, s := startServer(t, testConfig(t, t.TempDir(), false))
	conn := dial(t, ts, "")

	const out = "./wasm/main.go:3:1: syntax error <script>alert(1)</script>"
	s.hub.setBuildError(out)
	if m := readMessage(t, conn); m.Type != "build-error" || m.Message != out {
		t.Fatalf("message = %+v, want build-error with compiler output", m)
	}

	// A page loaded while the build is broken is told at once.
	conn2 := dial(t, ts, "")
	if m := readMessage(t, conn2); m.Type != "build-error" || m.Message != out {
		t.Fatalf("late client got %+v, want build-error", m)
	}

	s.hub.setBuildError("")
	s.hub.broadcast(message{Type: "reload"})
	for _, c := range []*websocket.Conn{conn, conn2} {
		if m := readMessage(t, c); m.Type != "reload" {
			t.Fatalf("message = %+v, want reload", m)
		}
	}
	conn3 := dial(t, ts, "")
	s.hub.broadcast(message{Type: "reload"})
	if m := readMessage(t, conn3); m.Type != "reload" {
		t.Fatalf("after a fixed build the first message is %+v, want reload (no stale build-error)", m)
	}
}

func TestShutdownClosesLiveReload(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cfg := testConfig(t, t.TempDir(), true)
	cfg.Done = ctx.Done()
	ts, _ := startServer(t, cfg)
	conn := dial(t, ts, "")
	cancel()
	_ = conn.SetReadDeadline(time.Now().Add(hangGuard))
	_, _, err := conn.ReadMessage()
	if !websocket.IsCloseError(err, websocket.CloseGoingAway) {
		t.Fatalf("after shutdown read returned %v, want close 1001", err)
	}
}

func TestBuilderMissingPackage(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"empty/README.md": "no go here", "tests/x_test.go": "package x"})
	for _, pkg := range []string{"./wasm", "./empty", "./tests"} {
		t.Run(pkg, func(t *testing.T) {
			b := newBuilder(config{
				WasmPkg: pkg, Dir: dir, WasmOut: filepath.Join(dir, "out", "x.wasm"),
				GoCmd: "go-must-not-run", Logger: discard,
			})
			if _, err := b.build(t.Context(), "test"); !errors.Is(err, errNoPackage) {
				t.Fatalf("build error = %v, want errNoPackage", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); !os.IsNotExist(err) {
				t.Errorf("output folder created for a missing package: %v", err)
			}
		})
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip;q=0.5", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"br", false},
		{"*", true},
		{"*;q=0", false},
		{"identity", false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Accept-Encoding", tt.header)
		}
		if got := acceptsGzip(h); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestListenURL(t *testing.T) {
	tests := []struct {
		addr *net.TCPAddr
		want string
	}{
		{&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}, "http://127.0.0.1:8080/"},
		{&net.TCPAddr{IP: net.IPv4zero, Port: 9000}, "http://127.0.0.1:9000/"},
		{&net.TCPAddr{IP: net.IPv6unspecified, Port: 9000}, "http://localhost:9000/"},
		{&net.TCPAddr{IP: net.IPv6loopback, Port: 80}, "http://[::1]:80/"},
	}
	for _, tt := range tests {
		if got := listenURL(tt.addr); got != tt.want {
			t.Errorf("listenURL(%v) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestParseFlagsDefaults(t *testing.T) {
	addr, cfg := parseFlags(flag.NewFlagSet("devserver", flag.ContinueOnError), nil)
	if addr != "127.0.0.1:8080" || cfg.Root != "web/static" || cfg.WasmPkg != "./wasm" ||
		cfg.WasmOut != "web/static/int8scope.wasm" || !cfg.Watch || !cfg.Build ||
		strings.Join(cfg.GoDirs, ",") != "engine,wasm" || cfg.PollInterval != defaultPollInterval {
		t.Errorf("defaults: addr %q, cfg %+v", addr, cfg)
	}
	_, cfg = parseFlags(flag.NewFlagSet("devserver", flag.ContinueOnError), []string{"-go-dirs=", "-build=false", "-watch=false"})
	if len(cfg.GoDirs) != 0 || cfg.Build || cfg.Watch {
		t.Errorf("overrides: cfg %+v", cfg)
	}
}

// TestRunPrintsURL starts the real server on port 0 and checks the single
// line it prints, that the URL works, and that cancelling shuts it down.
// startRun runs the server on a free loopback port until stop, which
// cancels it and returns what it printed after its first line and run's
// error. line is that first line.
func startRun(t *testing.T, root string) (line string, stop func() ([]byte, error)) {
	t.Helper()
	cfg := testConfig(t, root, true)
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() {
		err := run(ctx, "127.0.0.1:0", cfg, pw)
		pw.Close()
		errc <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	return line, func() ([]byte, error) {
		cancel()
		rest, _ := io.ReadAll(pr) // until run returns and the pipe is closed
		select {
		case err := <-errc:
			return rest, err
		case <-time.After(hangGuard):
			return rest, errors.New("run did not return after cancel")
		}
	}
}

func TestRunPrintsURL(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"index.html": "<!doctype html>hello"})
	line, stop := startRun(t, root)
	m := regexp.MustCompile(`^int8scope playground: (http://127\.0\.0\.1:([0-9]+)/)\n$`).FindStringSubmatch(line)
	if m == nil || m[2] == "0" {
		stop()
		t.Fatalf("printed %q, want the URL with the real port", line)
	}
	resp, err := http.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "hello") {
		t.Errorf("GET %s = %q", m[1], body)
	}

	rest, err := stop()
	if len(rest) != 0 {
		t.Errorf("printed more than one line; also %q", rest)
	}
	if err != nil {
		t.Errorf("run returned %v", err)
	}
}

// TestBuilderBuildsExporter: after the engine, the builder builds the
// exporter's package into export.wasm next to it, when that package exists.
func TestBuilderBuildsExporter(t *testing.T) {
	dir := t.TempDir()
	goroot := filepath.Join(dir, "goroot")
	writeFiles(t, dir, map[string]string{
		"wasm/main.go":                 "package main",
		"wasm/export/main.go":          "package main",
		"goroot/lib/wasm/wasm_exec.js": "// wasm_exec",
		"bin/go": "#!/bin/sh\n" +
			"if [ \"$1\" = env ]; then echo " + goroot + "; exit 0; fi\n" +
			"echo \"$4\" > \"$3\"\n", // go build -o OUT PKG: OUT holds PKG
	})
	if err := os.Chmod(filepath.Join(dir, "bin/go"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		exportPkg string
		want      string // export.wasm's content; "" none
	}{{"", "./wasm/export"}, {"-", ""}, {"./missing", ""}} {
		out := filepath.Join(t.TempDir(), "int8scope.wasm")
		cfg := config{WasmPkg: "./wasm", ExportPkg: tt.exportPkg, Dir: dir, WasmOut: out, GoCmd: filepath.Join(dir, "bin/go"), Logger: discard}
		cfg.setDefaults()
		if msg, err := newBuilder(cfg).build(t.Context(), "test"); err != nil {
			t.Fatalf("ExportPkg %q: build: %v %s", tt.exportPkg, err, msg)
		}
		if b, err := os.ReadFile(out); err != nil || string(b) != "./wasm\n" {
			t.Errorf("ExportPkg %q: int8scope.wasm = %q, %v; want the engine's package", tt.exportPkg, b, err)
		}
		b, err := os.ReadFile(filepath.Join(filepath.Dir(out), "export.wasm"))
		switch {
		case tt.want == "" && !os.IsNotExist(err):
			t.Errorf("ExportPkg %q: export.wasm built (%q, %v); want none", tt.exportPkg, b, err)
		case tt.want != "" && (err != nil || string(b) != tt.want+"\n"):
			t.Errorf("ExportPkg %q: export.wasm = %q, %v; want %s's build", tt.exportPkg, b, err, tt.want)
		}
	}
}
