// Package oracle runs models in a real TFLite: the Emscripten build of TFLite's C++
// interpreter and XNNPACK delegate that npm @tensorflow/tfjs-tflite ships, i.e. what a
// browser using tfjs-tflite computes. It is the test oracle for int8scope's "xnnpack"
// arithmetic.
//
// The runtime lives in a long-lived Node process (oracle/tflite-oracle.js at the module
// root) that speaks a length-prefixed binary protocol on stdin/stdout, so thousands of
// cases run without restarting it. It needs `node` (20+) on PATH and `npm ci` run in
// oracle/; Start reports ErrUnavailable otherwise.
//
// Only subgraph outputs are visible from outside TFLite; ExposeTensors rewrites a model
// so chosen intermediate tensors become outputs too, and WeightsAsInputs turns constant
// operands of chosen ops into subgraph inputs (XNNPACK then leaves those ops to TFLite's
// builtin kernels).
package oracle

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// ErrUnavailable is wrapped by Start's error when node or the oracle's npm dependencies
// are missing. Tests skip on it (unless CI=true).
var ErrUnavailable = errors.New("oracle: real TFLite unavailable")

// TFLiteError is a failure reported by TFLite (or by the oracle's checks of the request)
// for one Run: the model was refused ("INVALID_ARGUMENT: Can't initialize model" followed
// by TFLite's log lines), the inputs do not fit the model, or Infer failed. The oracle
// process is fine and can take the next request.
type TFLiteError struct {
	Message string
}

func (e *TFLiteError) Error() string { return "tflite: " + e.Message }

// Output is one subgraph output after an inference.
type Output struct {
	Name   string // TFLite tensor name (may be empty)
	Type   string // tfjs-tflite's dataType: "int8", "uint8", "int16", "int32", "float32", ...
	Shape  []int
	Data   []byte // raw little-endian bytes, len = product(Shape) * element size
	Tensor int    // tensor index in subgraph 0
}

// Protocol constants; see oracle/README.md.
const (
	tagReqRun      = 0x01
	tagRespOK      = 0x00
	tagRespErr     = 0x01
	tagRespReady   = 0x02
	flagProfile    = 0x1
	flagFresh      = 0x2
	maxFrame       = 1 << 30
	startTimeout   = 60 * time.Second
	defaultTimeout = 5 * time.Minute
)

// Oracle is a running real-TFLite process. Its methods are safe for concurrent use; requests
// are served one at a time. If the process dies or a request times out, the failing call
// returns an error and the next call starts a fresh process.
type Oracle struct {
	// Timeout bounds one Run (model load + inference). A request that takes longer kills the
	// process. Zero means 5 minutes.
	Timeout time.Duration

	ctx     context.Context
	node    string
	script  string
	dir     string
	variant string // TFLITE_ORACLE_WASM for every (re)start; "" = the environment's

	mu     sync.Mutex
	closed bool
	proc   *process
	info   string
}

type process struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr *tail
	done   chan struct{} // closed when cmd.Wait returns
	err    error         // cmd.Wait's result, valid after done
}

// ModuleRoot walks up from the working directory to the directory holding go.mod.
func ModuleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("oracle: no go.mod above the working directory")
		}
		dir = parent
	}
}

// Start finds node and <module root>/oracle, starts the oracle process and waits until the
// TFLite module is loaded. The process is killed when ctx is done or Close is called.
func Start(ctx context.Context) (*Oracle, error) { return StartVariant(ctx, "") }

// StartVariant is Start with the WebAssembly build named: "simd"
// (tflite_web_api_cc_simd, what browsers load) or "plain"
// (tflite_web_api_cc, tfjs-tflite's build for browsers without SIMD); ""
// takes TFLITE_ORACLE_WASM from the environment. The choice holds across
// restarts.
func StartVariant(ctx context.Context, variant string) (*Oracle, error) {
	if variant != "" && variant != "simd" && variant != "plain" {
		return nil, fmt.Errorf("oracle: variant %q: want simd or plain", variant)
	}
	root, err := ModuleRoot()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	dir := filepath.Join(root, "oracle")
	script := filepath.Join(dir, "tflite-oracle.js")
	if _, err := os.Stat(script); err != nil {
		return nil, fmt.Errorf("%w: %s is missing", ErrUnavailable, script)
	}
	wasm := filepath.Join(dir, "node_modules", "@tensorflow", "tfjs-tflite", "wasm")
	if _, err := os.Stat(wasm); err != nil {
		return nil, fmt.Errorf("%w: %s is missing; run `npm ci` in %s", ErrUnavailable, wasm, dir)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("%w: node (v20+) is not on PATH: %v", ErrUnavailable, err)
	}
	o := &Oracle{ctx: ctx, node: node, script: script, dir: dir, variant: variant}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.startLocked(); err != nil {
		return nil, err
	}
	return o, nil
}

// Info describes the running runtime, e.g.
// {"package":"@tensorflow/tfjs-tflite@0.0.1-alpha.10","variant":"tflite_web_api_cc_simd","node":"v20.20.2"}.
func (o *Oracle) Info() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.info
}

func (o *Oracle) startLocked() error {
	if err := o.ctx.Err(); err != nil {
		return err
	}
	cmd := exec.CommandContext(o.ctx, o.node, o.script)
	cmd.Dir = o.dir
	cmd.Env = os.Environ()
	if o.variant != "" {
		cmd.Env = append(cmd.Env, "TFLITE_ORACLE_WASM="+o.variant)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	p := &process{cmd: cmd, stdin: stdin, stdout: bufio.NewReaderSize(stdout, 1<<16), stderr: &tail{max: 16 << 10}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("oracle: starting %s %s: %w", o.node, o.script, err)
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	timer := time.AfterFunc(startTimeout, func() { _ = cmd.Process.Kill() })
	frame, err := readFrame(p.stdout)
	timer.Stop()
	if err != nil {
		p.kill()
		return fmt.Errorf("oracle: node did not come up: %v%s", err, p.stderrNote())
	}
	if len(frame) == 0 || frame[0] != tagRespReady {
		p.kill()
		return fmt.Errorf("oracle: unexpected first frame from node%s", p.stderrNote())
	}
	r := &reader{b: frame[1:]}
	o.info = r.str()
	o.proc = p
	return nil
}

func (p *process) kill() {
	_ = p.stdin.Close()
	_ = p.cmd.Process.Kill()
	<-p.done
}

func (p *process) stderrNote() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		return ""
	}
	return "\nnode stderr:\n" + s
}

// Close stops the process.
func (o *Oracle) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return nil
	}
	o.closed = true
	if o.proc == nil {
		return nil
	}
	p := o.proc
	o.proc = nil
	_ = p.stdin.Close() // the oracle exits on EOF
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	return nil
}

// Run loads model and runs one inference with numThreads 1, from a fresh state. inputs[i]
// holds the raw little-endian bytes of subgraph input i and must have exactly its size.
// Errors reported by TFLite are *TFLiteError.
//
// The Node side caches interpreters by model content, so sending the same bytes again is
// cheap, except for Stateful models (TFLite keeps their variable tensors from one Invoke to
// the next), which get a new interpreter every Run so that results do not depend on history.
func (o *Oracle) Run(model []byte, inputs [][]byte) ([]Output, error) {
	outs, _, err := o.run(model, inputs, 0)
	return outs, err
}

// RunProfiled is Run with TFLite's profiler on; it also returns the profiling summary, which
// shows which nodes XNNPACK took ("TfLiteXNNPackDelegate" rows, then "Delegate internal"
// with XNNPACK's operator names such as "Fully Connected (NC, QS8) GEMM").
func (o *Oracle) RunProfiled(model []byte, inputs [][]byte) ([]Output, string, error) {
	return o.run(model, inputs, flagProfile)
}

// RunSequence runs model once per element of inputs, in order, on one
// interpreter that starts fresh and keeps its state (variable tensors,
// resource variables, CALL_ONCE) from one Invoke to the next, as an app
// streaming audio into a stateful model does. It returns each run's
// outputs. No other request runs in between.
func (o *Oracle) RunSequence(model []byte, inputs [][][]byte) ([][]Output, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var all [][]Output
	for i, in := range inputs {
		flags := uint32(0)
		if i == 0 {
			flags = flagFresh
		}
		req, err := encodeRun(model, in, flags)
		if err != nil {
			return nil, err
		}
		p := o.proc
		outs, _, err := o.roundTripLocked(req)
		if err != nil {
			return nil, fmt.Errorf("run %d of %d: %w", i+1, len(inputs), err)
		}
		if o.proc != p && i > 0 {
			return nil, fmt.Errorf("run %d of %d: the oracle process restarted, its state is lost", i+1, len(inputs))
		}
		all = append(all, outs)
	}
	return all, nil
}

func (o *Oracle) run(model []byte, inputs [][]byte, flags uint32) ([]Output, string, error) {
	if Stateful(model) {
		flags |= flagFresh
	}
	req, err := encodeRun(model, inputs, flags)
	if err != nil {
		return nil, "", err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.roundTripLocked(req)
}

// roundTripLocked sends one request, starting the process if needed; o.mu
// is held.
func (o *Oracle) roundTripLocked(req []byte) ([]Output, string, error) {
	if o.closed {
		return nil, "", errors.New("oracle: closed")
	}
	if o.proc != nil {
		select {
		case <-o.proc.done: // died since the last request (killed, crashed): start over
			o.proc.kill()
			o.proc = nil
		default:
		}
	}
	if o.proc == nil {
		if err := o.startLocked(); err != nil {
			return nil, "", err
		}
	}
	p := o.proc
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	var timedOut bool
	var tmu sync.Mutex
	timer := time.AfterFunc(timeout, func() {
		tmu.Lock()
		timedOut = true
		tmu.Unlock()
		_ = p.cmd.Process.Kill()
	})
	frame, err := roundTrip(p, req)
	timer.Stop()
	if err != nil {
		o.proc = nil
		p.kill()
		tmu.Lock()
		to := timedOut
		tmu.Unlock()
		if to {
			return nil, "", fmt.Errorf("oracle: request timed out after %v; process killed%s", timeout, p.stderrNote())
		}
		if cerr := o.ctx.Err(); cerr != nil {
			return nil, "", fmt.Errorf("oracle: %w", cerr)
		}
		return nil, "", fmt.Errorf("oracle: node process failed: %v%s", err, p.stderrNote())
	}
	return decodeResponse(frame)
}

func roundTrip(p *process, req []byte) ([]byte, error) {
	werr := make(chan error, 1)
	// Write in the background: a large request and a large response must not deadlock.
	go func() {
		_, err := p.stdin.Write(req)
		werr <- err
	}()
	frame, err := readFrame(p.stdout)
	if err != nil {
		return nil, err
	}
	if err := <-werr; err != nil {
		return nil, err
	}
	return frame, nil
}

func encodeRun(model []byte, inputs [][]byte, flags uint32) ([]byte, error) {
	n := 1 + 4 + 4 + 4 + len(model) + 4
	for _, in := range inputs {
		n += 4 + len(in)
	}
	if n > maxFrame {
		return nil, fmt.Errorf("oracle: request of %d bytes is too large", n)
	}
	b := make([]byte, 0, 4+n)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = append(b, tagReqRun)
	b = binary.LittleEndian.AppendUint32(b, flags)
	b = binary.LittleEndian.AppendUint32(b, 1) // numThreads
	b = binary.LittleEndian.AppendUint32(b, uint32(len(model)))
	b = append(b, model...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(inputs)))
	for _, in := range inputs {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(in)))
		b = append(b, in...)
	}
	return b, nil
}

func readFrame(r io.Reader) ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(h[:])
	if n > maxFrame {
		return nil, fmt.Errorf("response frame of %d bytes is too large", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r, b); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return b, nil
}

func decodeResponse(frame []byte) (outs []Output, summary string, err error) {
	if len(frame) == 0 {
		return nil, "", errors.New("oracle: empty response")
	}
	r := &reader{b: frame[1:]}
	switch frame[0] {
	case tagRespErr:
		msg := r.str()
		if r.err != nil {
			return nil, "", fmt.Errorf("oracle: malformed error response: %v", r.err)
		}
		return nil, "", &TFLiteError{Message: msg}
	case tagRespOK:
	default:
		return nil, "", fmt.Errorf("oracle: unknown response tag %d", frame[0])
	}
	n := r.u32()
	for i := uint32(0); i < n && r.err == nil; i++ {
		var o Output
		o.Tensor = int(int32(r.u32()))
		o.Name = r.str()
		o.Type = r.str()
		rank := r.u32()
		if rank > 64 {
			r.err = fmt.Errorf("rank %d", rank)
			break
		}
		o.Shape = make([]int, rank)
		for d := range o.Shape {
			o.Shape[d] = int(int32(r.u32()))
		}
		o.Data = r.bytes()
		outs = append(outs, o)
	}
	summary = r.str()
	if r.err == nil && len(r.b) != 0 {
		r.err = errors.New("trailing bytes")
	}
	if r.err != nil {
		return nil, "", fmt.Errorf("oracle: malformed response: %v", r.err)
	}
	return outs, summary, nil
}

type reader struct {
	b   []byte
	err error
}

func (r *reader) u32() uint32 {
	if r.err != nil {
		return 0
	}
	if len(r.b) < 4 {
		r.err = io.ErrUnexpectedEOF
		return 0
	}
	v := binary.LittleEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *reader) bytes() []byte {
	n := r.u32()
	if r.err != nil {
		return nil
	}
	if uint64(len(r.b)) < uint64(n) {
		r.err = io.ErrUnexpectedEOF
		return nil
	}
	v := r.b[:n:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) str() string { return string(r.bytes()) }

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if t.buf.Len() > 2*t.max {
		keep := t.buf.Bytes()[t.buf.Len()-t.max:]
		t.buf = *bytes.NewBuffer(append([]byte(nil), keep...))
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.buf.Bytes()
	if len(b) > t.max {
		b = b[len(b)-t.max:]
	}
	return string(b)
}
