package main

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func listen(t *testing.T) (net.Listener, string) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln, "http://" + ln.Addr().String()
}

func TestDrainsInFlightRequest(t *testing.T) {
	ln, base := listen(t)
	entered := make(chan struct{})
	release := make(chan struct{})
	sawCancel := make(chan bool, 1)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-release:
			sawCancel <- false
		case <-r.Context().Done():
			sawCancel <- true
			return
		}
		io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- Run(ctx, ln, app, 200*time.Millisecond, 3*time.Second) }()

	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz before shutdown: %v %v", resp, err)
	}
	resp.Body.Close()

	type result struct {
		body string
		err  error
	}
	slow := make(chan result, 1)
	go func() {
		r, err := c.Get(base + "/slow")
		if err != nil {
			slow <- result{"", err}
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		slow <- result{string(b), nil}
	}()
	<-entered
	cancel() // SIGTERM
	time.Sleep(50 * time.Millisecond)
	resp, err = c.Get(base + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz while draining: %v %v", resp, err)
	}
	resp.Body.Close()
	select {
	case <-runErr:
		t.Fatal("Run returned while a request was in flight")
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	r := <-slow
	if r.err != nil || r.body != "done" {
		t.Fatalf("in-flight request not completed: %+v", r)
	}
	if <-sawCancel {
		t.Fatal("request context was cancelled by SIGTERM")
	}
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Run did not return after drain")
	}
	if _, err := c.Get(base + "/readyz"); err == nil {
		t.Fatal("new connections accepted after shutdown")
	}
}

func TestForceCloseAfterTimeout(t *testing.T) {
	ln, base := listen(t)
	entered := make(chan struct{})
	cancelled := make(chan struct{})
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done() // a handler that only stops when told to
		close(cancelled)
	})
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- Run(ctx, ln, app, 0, 150*time.Millisecond) }()
	go func() {
		c := &http.Client{Timeout: 5 * time.Second}
		if r, err := c.Get(base + "/stuck"); err == nil {
			r.Body.Close()
		}
	}()
	<-entered
	start := time.Now()
	cancel()
	select {
	case err := <-runErr:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("want DeadlineExceeded, got %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Run hung on a stuck handler")
	}
	if time.Since(start) > time.Second {
		t.Fatal("shutdown timeout not honoured")
	}
	select {
	case <-cancelled:
	case <-time.After(time.Second):
		t.Fatal("stuck handler's context was never cancelled")
	}
}

func TestServeErrorReturned(t *testing.T) {
	ln, _ := listen(t)
	ln.Close()
	err := Run(context.Background(), ln, http.NotFoundHandler(), 0, time.Second)
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		t.Fatalf("want listener error, got %v", err)
	}
}
