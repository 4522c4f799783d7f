package quota

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A bucket lets its burst through at once, then throttles; keys are
// independent; Busiest names the key let through most.
func TestBucketsPerKey(t *testing.T) {
	l := New(5)
	ok := 0
	for range 20 {
		if l.Allow("a") {
			ok++
		}
	}
	if ok < 5 || ok > 6 { // the burst, and at most one token refilled meanwhile
		t.Errorf("%d of 20 immediate calls allowed at 5/s, want the burst of 5", ok)
	}
	if l.Throttled() != 20-ok {
		t.Errorf("throttled %d, want %d", l.Throttled(), 20-ok)
	}
	if !l.Allow("b") {
		t.Error("another key was throttled by a's calls")
	}
	if k, n := l.Busiest(); k != "a" || n != ok {
		t.Errorf("busiest %s with %d, want a with %d", k, n, ok)
	}
	var none *Limits
	if !none.Allow("x") {
		t.Error("no limits throttled")
	}
	unlimited := New(0)
	for range 100 {
		if !unlimited.Allow("k") {
			t.Fatal("rate 0 throttled")
		}
	}
	if _, n := unlimited.Busiest(); n != 100 {
		t.Errorf("rate 0 counted %d calls, want 100", n)
	}
}

// Delay waits its latency, but not for a caller that has left, and not at
// all without a latency.
func TestDelay(t *testing.T) {
	if err := Delay(context.Background(), 0); err != nil {
		t.Errorf("no latency: %v", err)
	}
	t0 := time.Now()
	if err := Delay(context.Background(), 20); err != nil || time.Since(t0) < 20*time.Millisecond {
		t.Errorf("20 ms: %v after %v", err, time.Since(t0))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Delay(ctx, 60_000); !errors.Is(err, context.Canceled) {
		t.Errorf("a caller that left: %v, want context.Canceled", err)
	}
}
