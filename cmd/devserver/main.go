// Command devserver is the development server of int8scope's browser
// playground. It serves the static folder, builds the engine to WebAssembly
// and reloads connected pages when static files or Go sources change.
//
// Run it from the repository root:
//
//	go run ./cmd/devserver
//
// and open the printed URL. Pages opt into live reload with
//
//	<script type="module" src="/__livereload.js"></script>
//
// which is a harmless 404 under plain static hosting.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	log.SetFlags(log.Ltime)
	log.SetPrefix("devserver: ")

	addr, cfg := parseFlags(flag.CommandLine, os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, addr, cfg, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// parseFlags reads the command line into the listen address and the server
// configuration. It exits the process on a bad flag, as flag.ExitOnError does.
func parseFlags(fs *flag.FlagSet, args []string) (string, config) {
	cfg := config{PollInterval: defaultPollInterval}
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
	fs.StringVar(&cfg.Root, "root", "web/static", "static folder to serve")
	fs.StringVar(&cfg.WasmPkg, "wasm-pkg", "./wasm", "Go package to build with GOOS=js GOARCH=wasm")
	fs.StringVar(&cfg.WasmOut, "wasm-out", "web/static/int8scope.wasm", "output file of the WASM build (wasm_exec.js is copied next to it)")
	fs.StringVar(&cfg.ExportPkg, "export-pkg", "./wasm/export", "Go package of the exporter's module, built after the engine into export.wasm next to -wasm-out when it exists (- for none)")
	fs.BoolVar(&cfg.Watch, "watch", true, "poll static files and Go sources, rebuild and live-reload pages on change")
	fs.BoolVar(&cfg.Build, "build", true, "build the WASM once at start")
	goDirs := fs.String("go-dirs", "engine,wasm", "comma-separated directories whose *.go files trigger a WASM rebuild when -watch is on (empty: none)")
	_ = fs.Parse(args)
	cfg.GoDirs = splitList(*goDirs)
	return *addr, cfg
}

// run serves until ctx is cancelled, then shuts down gracefully.
func run(ctx context.Context, addr string, cfg config, stdout io.Writer) error {
	cfg.setDefaults()
	logger := cfg.Logger
	if fi, err := os.Stat(cfg.Root); err != nil || !fi.IsDir() {
		logger.Printf("static root %q is not a directory yet; it is served as soon as it exists", cfg.Root)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		logger.Printf("warning: listening on non-loopback address %s; anyone who can reach it can read %s", tcp, cfg.Root)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cfg.Done = ctx.Done()
	srv := &http.Server{
		Handler:           newHostGuard(newServer(cfg), addr, ln.Addr()),
		ReadHeaderTimeout: 10 * time.Second,
	}

	fmt.Fprintf(stdout, "int8scope playground: %s\n", listenURL(ln.Addr()))

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	shutdownCtx, cancelShutdown := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelShutdown()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// listenURL turns the listener's address into a URL a browser can open:
// unspecified hosts (0.0.0.0, ::) become the loopback address.
func listenURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost" // [::] is dual-stack; localhost reaches it either way
		if ip.To4() != nil {
			host = "127.0.0.1"
		}
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}
