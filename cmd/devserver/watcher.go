package main

import (
	"context"
	"io/fs"
	"maps"
	"path/filepath"
	"strings"
	"time"
)

// stamp is what the watchers compare to notice a change.
type stamp struct {
	mod  int64 // UnixNano
	size int64
	mode fs.FileMode
}

// snapshot maps file paths to their stamps.
type snapshot map[string]stamp

// maxSettle bounds how many extra polls a change may take to settle.
const maxSettle = 10

// pollWatcher polls a lister and calls back when the listing changes. It
// needs no OS notification API: modification times are cheap to poll for a
// folder the size of a playground.
type pollWatcher struct {
	interval time.Duration
	list     func() snapshot
	last     snapshot
}

// newPollWatcher takes the first snapshot now, so every change after the
// call is reported.
func newPollWatcher(interval time.Duration, list func() snapshot) *pollWatcher {
	return &pollWatcher{interval: interval, list: list, last: list()}
}

// run polls until ctx is done. When the listing changes it waits for it to
// settle (one more poll without change, so a save in several writes gives
// one callback) and then calls onChange, synchronously: changes made while
// onChange runs are reported afterwards.
func (w *pollWatcher) run(ctx context.Context, onChange func()) {
	t := time.NewTicker(w.interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cur := w.list()
		if maps.Equal(cur, w.last) {
			continue
		}
		for range maxSettle {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			next := w.list()
			if maps.Equal(next, cur) {
				break
			}
			cur = next
		}
		w.last = cur
		onChange()
	}
}

// staticLister lists the files under root, leaving out the given paths (the
// build outputs), hidden files and folders, and editor backups.
func staticLister(root string, ignore []string) func() snapshot {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	skip := make(map[string]bool, len(ignore))
	for _, p := range ignore {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		skip[p] = true
	}
	return func() snapshot {
		snap := snapshot{}
		walk(root, snap, func(p string) bool { return !skip[p] })
		return snap
	}
}

// goLister lists the non-test *.go files under dirs. Missing dirs are
// empty, so a package that appears later is noticed.
func goLister(dirs []string) func() snapshot {
	return func() snapshot {
		snap := snapshot{}
		for _, dir := range dirs {
			walk(dir, snap, func(p string) bool {
				return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")
			})
		}
		return snap
	}
}

// walk adds to snap the stamps of the files under root that keep accepts,
// skipping hidden entries, editor backups and testdata folders. Errors
// (root missing, a file removed mid-walk) just leave entries out.
func walk(root string, snap snapshot, keep func(path string) bool) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if d != nil && d.IsDir() && p != root {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if p != root && (strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~")) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if name == "testdata" && p != root {
				return fs.SkipDir
			}
			return nil
		}
		if !keep(p) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		snap[p] = stamp{mod: info.ModTime().UnixNano(), size: info.Size(), mode: info.Mode()}
		return nil
	})
}
