package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// keepAlive opens a connection, sends one request and keeps the
// connection (idle, keep-alive) open.
func keepAlive(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 512)
	if n, err := c.Read(buf); err != nil || !strings.Contains(string(buf[:n]), "200 OK") {
		t.Fatalf("keep-alive request: %q %v", buf[:n], err)
	}
	return c
}

// Clients holding every slot with keep-alive connections cannot keep a
// probe out: the longest-idle connection is closed for it. A connection
// busy in a request is never closed; with every slot busy a new
// connection is refused at once, not queued.
func TestConnGuardKeepsServeReachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	const slots = 8
	guard := newConnGuard(ln, slots)
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, _ *http.Request) { <-release })
	srv := &http.Server{Handler: mux, ConnState: guard.ConnState, IdleTimeout: time.Minute}
	go srv.Serve(guard)
	defer srv.Close()
	addr := ln.Addr().String()

	var held []net.Conn
	for range 3 * slots { // far more than the slots: the oldest idle ones are closed as new ones come
		held = append(held, keepAlive(t, addr))
	}
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("/healthz with every slot held idle: %v", err)
	}
	resp.Body.Close()
	guard.mu.Lock()
	n := len(guard.conns)
	guard.mu.Unlock()
	if n > slots {
		t.Errorf("%d connections open, more than the %d slots", n, slots)
	}

	// Every slot busy in a request: a new connection is refused at once.
	// (Every client here is 127.0.0.1: lift the per-client cap, tested
	// below, to fill the slots.)
	for _, c := range held {
		c.Close()
	}
	held = nil
	// Wait until the guard has seen every held connection close: a slot
	// it still counts would refuse one of the requests below (a race, not
	// a timing: the close reaches the server asynchronously).
	waitFor(t, func() bool {
		guard.mu.Lock()
		defer guard.mu.Unlock()
		return len(guard.conns) == 0
	}, "the held connections to be released")
	guard.mu.Lock()
	guard.perClient = slots
	guard.mu.Unlock()
	var wg sync.WaitGroup
	busy := &http.Client{Timeout: 10 * time.Second}
	for range slots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := busy.Get("http://" + addr + "/slow"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	waitFor(t, func() bool {
		guard.mu.Lock()
		defer guard.mu.Unlock()
		n = len(guard.conns)
		return n == slots
	}, "every slot to be busy")
	start := time.Now()
	_, err = client.Get("http://" + addr + "/healthz")
	if err == nil {
		t.Error("a connection beyond the busy slots was served")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("refused after %s: it was queued, not refused", d)
	}
	close(release)
	wg.Wait()
}

// One client may hold a quarter of the slots busy; its next connection is
// refused while other slots are free.
func TestConnGuardCapsAClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	guard := newConnGuard(ln, 16) // 4 per client
	release := make(chan struct{})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { <-release }), ConnState: guard.ConnState}
	go srv.Serve(guard)
	defer srv.Close()
	defer close(release)
	var conns []net.Conn
	for range guard.perClient {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
		conns = append(conns, c)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		guard.mu.Lock()
		n := guard.byIP["127.0.0.1"]
		guard.mu.Unlock()
		if n == guard.perClient {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections admitted, want %d", n, guard.perClient)
		}
	}
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the client's connection past its cap: read %v, want it closed (EOF)", err)
	}
}

// The assessment API answers 503 at once past its requests in flight.
func TestLimitInFlight(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 2)
	h := limitInFlight(2, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { entered <- struct{}{}; <-release }))
	srv := &http.Server{Handler: h}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	for range 2 {
		go http.Get(url)
	}
	<-entered
	<-entered
	resp, err := http.Get(url)
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third request: %v %v, want 503 with Retry-After", resp, err)
	}
	close(release)
}

// waitFor polls cond until it holds; the deadline only bounds a hung test
// (generous for a loaded CI machine), it is not what the test measures.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
