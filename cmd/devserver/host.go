package main

import (
	"net"
	"net/http"
	"strings"
)

// hostGuard refuses requests whose Host header is not an address the
// server is reached at, so a page on another site cannot read the
// playground (or its build errors) by pointing its own DNS name at
// 127.0.0.1 (DNS rebinding). Allowed: the host given with -addr, an IP
// literal, or localhost; and the port the server listens on.
type hostGuard struct {
	next http.Handler
	host string // the host part of -addr, lower case ("" for all interfaces)
	port string // the port actually listened on
}

func newHostGuard(next http.Handler, addr string, ln net.Addr) http.Handler {
	host, _, _ := net.SplitHostPort(addr)
	_, port, _ := net.SplitHostPort(ln.String())
	return &hostGuard{next: next, host: strings.ToLower(host), port: port}
}

func (g *hostGuard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.allowed(r.Host) {
		http.Error(w, "misdirected request: this dev server answers only to localhost, an IP address or the host given with -addr, on port "+g.port, http.StatusMisdirectedRequest)
		return
	}
	g.next.ServeHTTP(w, r)
}

// allowed reports whether a Host header names this server.
func (g *hostGuard) allowed(hostport string) bool {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port: only the default port 80 could match.
		host, port = hostport, "80"
	}
	if port != g.port {
		return false
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "localhost" || (g.host != "" && host == g.host) {
		return true
	}
	return net.ParseIP(host) != nil
}
