package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func TestBurstThenRefill(t *testing.T) {
	clk := &clock{t: time.Unix(100, 0)}
	l := NewKeyedLimiter(2, 3, time.Minute, clk.Now) // 2/s, burst 3
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("burst request %d rejected", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("4th: ok=%v wait=%v, want false 500ms", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("keys must be independent")
	}
	clk.Advance(250 * time.Millisecond)
	if ok, wait := l.Allow("a"); ok || wait != 250*time.Millisecond {
		t.Fatalf("half token: ok=%v wait=%v", ok, wait)
	}
	clk.Advance(250 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refilled token rejected")
	}
	clk.Advance(time.Hour) // refill is capped at burst
	n := 0
	for {
		if ok, _ := l.Allow("a"); !ok {
			break
		}
		n++
	}
	if n != 3 {
		t.Fatalf("after long idle allowed %d, want burst 3", n)
	}
	clk.Advance(-time.Second) // clock step backwards must not mint tokens or panic
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("backwards clock minted a token")
	}
}

func TestEvictIdle(t *testing.T) {
	clk := &clock{t: time.Unix(0, 0)}
	l := NewKeyedLimiter(1, 1, 10*time.Second, clk.Now)
	l.Allow("x")
	clk.Advance(5 * time.Second)
	l.Allow("y")
	clk.Advance(6 * time.Second)
	if n := l.EvictIdle(); n != 1 || l.Len() != 1 {
		t.Fatalf("evicted %d, len %d", n, l.Len())
	}
}

func TestMiddleware429(t *testing.T) {
	clk := &clock{t: time.Unix(0, 0)}
	l := NewKeyedLimiter(0.5, 2, time.Minute, clk.Now)
	var served atomic.Int64
	h := l.Middleware(ClientIP, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
	}))
	codes := []int{}
	for i := 0; i < 3; i++ {
		req := httptest.NewRequest("GET", "/", nil)
		req.RemoteAddr = "10.0.0.1:5000"
		req.Header.Set("X-Forwarded-For", fmt.Sprint("1.2.3.", i)) // spoofing ignored
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		codes = append(codes, rec.Code)
		if i == 2 && rec.Header().Get("Retry-After") != "2" {
			t.Fatalf("Retry-After = %q, want 2", rec.Header().Get("Retry-After"))
		}
	}
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 429 || served.Load() != 2 {
		t.Fatalf("codes %v served %d", codes, served.Load())
	}
}

func TestConcurrentNoOverAdmission(t *testing.T) {
	clk := &clock{t: time.Unix(0, 0)}
	l := NewKeyedLimiter(1, 100, time.Minute, clk.Now)
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				if ok, _ := l.Allow("k"); ok {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 100 {
		t.Fatalf("allowed %d of 800, want exactly burst 100", allowed.Load())
	}
}

func TestBadConfigPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("rate 0 should panic")
		}
	}()
	NewKeyedLimiter(0, 1, time.Second, nil)
}
