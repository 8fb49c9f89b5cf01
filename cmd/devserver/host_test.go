package main

import (
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
)

func TestHostGuard(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "app") })
	ln := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}
	tests := []struct {
		name, addr, host string
		want             bool
	}{
		{"listen address", "127.0.0.1:8080", "127.0.0.1:8080", true},
		{"localhost", "127.0.0.1:8080", "localhost:8080", true},
		{"LOCALHOST", "127.0.0.1:8080", "LOCALHOST:8080", true},
		{"IPv6 loopback", "127.0.0.1:8080", "[::1]:8080", true},
		{"named in -addr", "devbox.lan:8080", "devbox.lan:8080", true},
		{"rebinding name", "127.0.0.1:8080", "attacker.example:8080", false},
		{"rebinding name, trailing dot", "127.0.0.1:8080", "attacker.example.:8080", false},
		{"localhost subdomain", "127.0.0.1:8080", "localhost.attacker.example:8080", false},
		{"other port", "127.0.0.1:8080", "127.0.0.1:9999", false},
		{"no port", "127.0.0.1:8080", "127.0.0.1", false},
		{"empty", "127.0.0.1:8080", "", false},
		{"all interfaces, LAN IP", ":8080", "192.168.1.5:8080", true},
		{"all interfaces, a name", ":8080", "attacker.example:8080", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newHostGuard(ok, tc.addr, ln)
			r, _ := http.NewRequest("GET", "http://x/", nil)
			r.Host = tc.host
			w := &recorder{header: http.Header{}}
			g.ServeHTTP(w, r)
			if got := w.code == 0 || w.code == http.StatusOK; got != tc.want {
				t.Errorf("Host %q (-addr %s): served=%v (status %d), want %v", tc.host, tc.addr, got, w.code, tc.want)
			}
			if !tc.want && w.body == "app" {
				t.Errorf("Host %q: the app was served", tc.host)
			}
		})
	}
}

type recorder struct {
	header http.Header
	code   int
	body   string
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.code = code }
func (r *recorder) Write(b []byte) (int, error) { r.body += string(b); return len(b), nil }

// TestRunRefusesForeignHost checks the running server, end to end: a
// request that reaches it under another name gets 421 and not the page.
func TestRunRefusesForeignHost(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"index.html": "<!doctype html>hello"})
	line, stop := startRun(t, root)
	defer stop()
	m := regexp.MustCompile(`(http://127\.0\.0\.1:([0-9]+)/)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("printed %q", line)
	}
	get := func(host string) (int, string) {
		req, _ := http.NewRequest("GET", m[1], nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("attacker.example:" + m[2]); code != http.StatusMisdirectedRequest || regexp.MustCompile("hello").MatchString(body) {
		t.Errorf("foreign Host: %d %q, want 421 without the page", code, body)
	}
	if code, body := get("localhost:" + m[2]); code != http.StatusOK || body != "<!doctype html>hello" {
		t.Errorf("localhost: %d %q", code, body)
	}
}
