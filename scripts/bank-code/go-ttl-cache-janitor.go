package main

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

func TestExpiry(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	c := NewTTLCache[string, int](10, 0, clk.Now)
	defer c.Close()
	c.Set("a", 1, 10*time.Second)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatal("fresh entry missing")
	}
	clk.Advance(9999 * time.Millisecond)
	if _, ok := c.Get("a"); !ok {
		t.Fatal("expired too early")
	}
	clk.Advance(time.Millisecond)
	if _, ok := c.Get("a"); ok {
		t.Fatal("entry visible at its deadline")
	}
	if c.Len() != 0 {
		t.Fatal("expired entry not removed on Get")
	}
	c.Set("b", 2, time.Second)
	c.Set("b", 3, 0) // non-positive ttl deletes
	if _, ok := c.Get("b"); ok {
		t.Fatal("ttl<=0 must delete")
	}
	c.Set("c", 1, time.Second)
	c.Set("c", 2, 5*time.Second) // overwrite extends ttl
	clk.Advance(2 * time.Second)
	if v, ok := c.Get("c"); !ok || v != 2 {
		t.Fatal("overwrite did not refresh value/ttl")
	}
}

func TestSweepAndCapacity(t *testing.T) {
	clk := &fakeClock{t: time.Unix(0, 0)}
	c := NewTTLCache[int, int](3, 0, clk.Now)
	c.Set(1, 1, time.Second)
	c.Set(2, 2, time.Minute)
	c.Set(3, 3, time.Hour)
	clk.Advance(2 * time.Second)
	c.Set(4, 4, time.Hour) // full: expired key 1 goes first
	if _, ok := c.Get(1); ok || c.Len() != 3 {
		t.Fatal("expired entry not evicted first")
	}
	c.Set(5, 5, time.Hour) // full, none expired: soonest-to-expire (2) goes
	if _, ok := c.Get(2); ok {
		t.Fatal("soonest-expiring entry should be evicted")
	}
	for _, k := range []int{3, 4, 5} {
		if _, ok := c.Get(k); !ok {
			t.Fatalf("key %d lost", k)
		}
	}
	clk.Advance(2 * time.Hour)
	if n := c.Sweep(); n != 3 || c.Len() != 0 {
		t.Fatalf("sweep removed %d, len %d", n, c.Len())
	}
}

func TestJanitorStopsOnClose(t *testing.T) {
	before := runtime.NumGoroutine()
	clk := &fakeClock{t: time.Unix(0, 0)}
	c := NewTTLCache[string, string](100, 5*time.Millisecond, clk.Now)
	c.Set("x", "y", time.Second)
	clk.Advance(time.Hour)
	deadline := time.Now().Add(2 * time.Second)
	for c.Len() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("janitor never swept")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.Close()
	c.Close() // idempotent
	time.Sleep(20 * time.Millisecond)
	if runtime.NumGoroutine() > before {
		t.Fatalf("goroutine leak: %d > %d", runtime.NumGoroutine(), before)
	}
}

func TestConcurrentUse(t *testing.T) {
	c := NewTTLCache[string, int](50, time.Millisecond, nil)
	defer c.Close()
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				k := fmt.Sprint(i % 80)
				c.Set(k, i, time.Duration(i%3)*time.Millisecond)
				c.Get(k)
				if i%50 == 0 {
					c.Delete(k)
				}
			}
		}(g)
	}
	wg.Wait()
	if c.Len() > 50 {
		t.Fatalf("cap exceeded: %d", c.Len())
	}
}
