package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// gzipCache holds the gzipped bytes of the static files served so far, so a
// file (above all the multi-megabyte WASM) is compressed once per version,
// at the best ratio, instead of on every request. A version is the file's
// size and modification time; the WASM builder renames a finished module
// into place, so a rebuild is a new version. Concurrent first requests for
// a version wait for one compression.
type gzipCache struct {
	mu sync.Mutex
	m  map[string]*gzipEntry
	// compressions counts the files compressed (tests check it).
	compressions atomic.Int64
}

// gzipEntry is one version of one file, compressed.
type gzipEntry struct {
	size int64
	mod  time.Time
	done chan struct{} // closed when data and err are set
	data []byte
	err  error
}

// get returns the compressed current version of name below root.
func (c *gzipCache) get(root *os.Root, name string) (*gzipEntry, error) {
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e := c.m[name]
	if e != nil && e.size == fi.Size() && e.mod.Equal(fi.ModTime()) {
		c.mu.Unlock()
		<-e.done
		return e, e.err
	}
	e = &gzipEntry{size: fi.Size(), mod: fi.ModTime(), done: make(chan struct{})}
	if c.m == nil {
		c.m = map[string]*gzipEntry{}
	}
	c.m[name] = e
	c.mu.Unlock()

	e.data, e.err = gzipAll(f)
	c.compressions.Add(1)
	if e.err != nil {
		e.err = fmt.Errorf("gzip %s: %w", name, e.err)
		c.mu.Lock()
		if c.m[name] == e {
			delete(c.m, name) // try again on the next request
		}
		c.mu.Unlock()
	}
	close(e.done)
	return e, e.err
}

// gzipAll compresses everything r reads, at the best ratio: it runs once
// per file version, and the WASM is most of what a page load transfers.
func gzipAll(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(zw, r); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
