package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestOrderAndConcurrencyBound(t *testing.T) {
	var inflight, peak atomic.Int64
	items := make([]int, 50)
	for i := range items {
		items[i] = i
	}
	res, err := ProcessAll(context.Background(), items, 4, func(ctx context.Context, x int) (string, error) {
		n := inflight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
		inflight.Add(-1)
		return fmt.Sprint(x * 2), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r != fmt.Sprint(i*2) {
			t.Fatalf("result %d = %q", i, r)
		}
	}
	if peak.Load() > 4 || peak.Load() < 2 {
		t.Fatalf("peak in-flight %d, want 2..4", peak.Load())
	}
}

func TestFirstErrorCancelsOthers(t *testing.T) {
	boom := errors.New("boom")
	var started, sawCancel atomic.Int64
	items := make([]int, 100)
	for i := range items {
		items[i] = i
	}
	begin := time.Now()
	res, err := ProcessAll(context.Background(), items, 3, func(ctx context.Context, x int) (int, error) {
		started.Add(1)
		if x == 1 {
			time.Sleep(10 * time.Millisecond)
			return 0, boom
		}
		select {
		case <-ctx.Done():
			sawCancel.Add(1)
			return 0, ctx.Err()
		case <-time.After(5 * time.Second):
			return x, nil
		}
	})
	if !errors.Is(err, boom) {
		t.Fatalf("want boom, got %v", err)
	}
	if res != nil {
		t.Fatal("results must be nil on error")
	}
	if time.Since(begin) > time.Second {
		t.Fatal("other workers were not cancelled")
	}
	if started.Load() > 5 {
		t.Fatalf("%d items started after the failure", started.Load())
	}
	if sawCancel.Load() < 1 {
		t.Fatal("blocked workers did not observe cancellation")
	}
}

func TestParentCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	items := make([]int, 20)
	var calls atomic.Int64
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	_, err := ProcessAll(ctx, items, 2, func(ctx context.Context, x int) (int, error) {
		calls.Add(1)
		time.Sleep(15 * time.Millisecond) // ignores ctx on purpose
		return x, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want context.Canceled, got %v", err)
	}
	if calls.Load() >= 20 {
		t.Fatal("kept starting items after cancellation")
	}
	// already-expired deadline: nothing runs
	dctx, c2 := context.WithTimeout(context.Background(), -time.Second)
	defer c2()
	_, err = ProcessAll(dctx, []int{1, 2, 3}, 2, func(ctx context.Context, x int) (int, error) { return x, nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want DeadlineExceeded, got %v", err)
	}
}

func TestEdgeCases(t *testing.T) {
	if _, err := ProcessAll(context.Background(), []int{1}, 0, func(ctx context.Context, x int) (int, error) { return x, nil }); err == nil {
		t.Fatal("workers=0 must fail")
	}
	res, err := ProcessAll(context.Background(), []int{}, 4, func(ctx context.Context, x int) (int, error) { return x, nil })
	if err != nil || len(res) != 0 {
		t.Fatalf("empty input: %v %v", res, err)
	}
	res, err = ProcessAll(context.Background(), []int{7}, 10, func(ctx context.Context, x int) (int, error) { return x + 1, nil })
	if err != nil || res[0] != 8 {
		t.Fatalf("more workers than items: %v %v", res, err)
	}
}
