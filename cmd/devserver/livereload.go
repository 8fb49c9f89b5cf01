package main

import (
	"encoding/json"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// message is what the server sends to the live-reload script.
//
//	{"type":"hello"}                      sent first on every connection
//	{"type":"reload"}                     static files changed, or a build succeeded
//	{"type":"build-error","message":"…"}  the WASM build failed; message is the compiler output
type message struct {
	Type    string `json:"type"`
	Message string `json:"message,omitempty"`
}

const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = pongWait * 9 / 10
	sendQueue  = 16
)

// hub keeps the live-reload connections and fans messages out to them.
type hub struct {
	log      *log.Logger
	upgrader websocket.Upgrader

	mu       sync.Mutex
	clients  map[*client]struct{}
	closed   bool
	buildErr string // output of the last failed build; "" after a success
}

type client struct {
	conn *websocket.Conn
	send chan []byte // closed by the hub when the client is dropped
}

func newHub(logger *log.Logger) *hub {
	return &hub{
		log:     logger,
		clients: make(map[*client]struct{}),
		upgrader: websocket.Upgrader{
			ReadBufferSize:   1024,
			WriteBufferSize:  4096,
			HandshakeTimeout: 10 * time.Second,
			CheckOrigin:      sameOrigin,
		},
	}
}

// sameOrigin accepts requests without an Origin header (non-browser
// clients) and those whose Origin is an http(s) origin with the same host
// as the request; gorilla answers the others with 403 Forbidden.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	return strings.EqualFold(u.Host, r.Host)
}

func encode(m message) []byte {
	b, _ := json.Marshal(m) // a struct of strings always marshals
	return b
}

// serveWS upgrades the request and keeps the connection until the client
// goes away or the hub closes.
func (h *hub) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the request (400 or 403)
	}
	c := &client{conn: conn, send: make(chan []byte, sendQueue)}
	if !h.add(c) {
		_ = conn.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, "server shutting down"), time.Now().Add(writeWait))
		conn.Close()
		return
	}
	go c.writeLoop()
	c.readLoop()
	h.remove(c)
}

// add registers c and queues its greeting, plus the current build error if
// there is one, before any later broadcast.
func (h *hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.clients[c] = struct{}{}
	c.send <- encode(message{Type: "hello"})
	if h.buildErr != "" {
		c.send <- encode(message{Type: "build-error", Message: h.buildErr})
	}
	return true
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.removeLocked(c)
}

func (h *hub) removeLocked(c *client) {
	if _, ok := h.clients[c]; ok {
		delete(h.clients, c)
		close(c.send)
	}
}

// broadcast queues m for every client, dropping clients too slow to keep up.
func (h *hub) broadcast(m message) {
	b := encode(m)
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		select {
		case c.send <- b:
		default:
			h.log.Print("live reload: dropping a client that does not keep up")
			h.removeLocked(c)
		}
	}
}

// setBuildError records the outcome of a build; a non-empty output is sent
// to the pages now and to every page that connects until the next success.
func (h *hub) setBuildError(output string) {
	h.mu.Lock()
	h.buildErr = output
	h.mu.Unlock()
	if output != "" {
		h.broadcast(message{Type: "build-error", Message: output})
	}
}

// close disconnects every client and refuses new ones.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for c := range h.clients {
		h.removeLocked(c)
	}
}

// writeLoop is the connection's only writer of data messages. When the hub
// closes c.send it says goodbye and closes the connection, which ends
// readLoop.
func (c *client) writeLoop() {
	ticker := time.NewTicker(pingPeriod)
	defer func() {
		ticker.Stop()
		c.conn.Close()
	}()
	for {
		select {
		case b, ok := <-c.send:
			if !ok {
				_ = c.conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(writeWait))
				return
			}
			_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
				return
			}
		case <-ticker.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				return
			}
		}
	}
}

// readLoop discards what the client sends and notices when it goes away.
func (c *client) readLoop() {
	c.conn.SetReadLimit(1024)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error {
		return c.conn.SetReadDeadline(time.Now().Add(pongWait))
	})
	for {
		if _, _, err := c.conn.NextReader(); err != nil {
			return
		}
	}
}

// livereloadJS is served at /__livereload.js. It connects to /__livereload,
// reloads the page on {"type":"reload"}, shows {"type":"build-error"} in an
// overlay (built with textContent only) and, after losing the server,
// reconnects and reloads once it is back.
const livereloadJS = `// int8scope dev server live reload. Served only by cmd/devserver;
// under plain static hosting this script is a harmless 404.
const OVERLAY_ID = "__int8scope_build_error";
let connectedBefore = false;
let retryDelay = 500;

function clearOverlay() {
  document.getElementById(OVERLAY_ID)?.remove();
}

function showBuildError(text) {
  clearOverlay();
  const box = document.createElement("div");
  box.id = OVERLAY_ID;
  box.setAttribute("role", "alert");
  Object.assign(box.style, {
    position: "fixed", left: "1rem", right: "1rem", bottom: "1rem", zIndex: "2147483647",
    maxHeight: "70vh", display: "flex", flexDirection: "column",
    background: "#1e1e1e", color: "#f4f4f4", border: "2px solid #e5484d", borderRadius: "6px",
    boxShadow: "0 8px 32px rgba(0,0,0,.5)", font: "13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  });

  const header = document.createElement("div");
  Object.assign(header.style, {
    display: "flex", justifyContent: "space-between", alignItems: "center",
    padding: ".5rem .75rem", background: "#e5484d", color: "#fff", fontWeight: "bold",
  });
  const title = document.createElement("span");
  title.textContent = "int8scope: WASM build failed";
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "\u00d7";
  close.title = "Dismiss";
  close.setAttribute("aria-label", "Dismiss build error");
  Object.assign(close.style, {
    background: "transparent", color: "inherit", border: "0", font: "inherit", fontSize: "1.25rem", cursor: "pointer",
  });
  close.addEventListener("click", clearOverlay);
  header.append(title, close);

  const pre = document.createElement("pre");
  pre.textContent = text;
  Object.assign(pre.style, { margin: "0", padding: ".75rem", overflow: "auto", whiteSpace: "pre-wrap" });

  box.append(header, pre);
  document.body.append(box);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(scheme + "//" + location.host + "/__livereload");
  ws.addEventListener("message", (event) => {
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch {
      return;
    }
    switch (msg.type) {
      case "hello":
        retryDelay = 500;
        if (connectedBefore) {
          location.reload(); // the server restarted: the build may have changed
          return;
        }
        connectedBefore = true;
        break;
      case "reload":
        clearOverlay();
        location.reload();
        break;
      case "build-error":
        showBuildError(String(msg.message ?? ""));
        break;
    }
  });
  ws.addEventListener("close", () => {
    setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  });
}

connect();
`
