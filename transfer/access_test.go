package transfer

import (
	"strings"
	"testing"
	"time"
)

// TestAccess: access decisions reach subscribers as timed notices with the
// client and action; the summary names the blocked clients; CancelClient
// cancels that client's transfers only.
func TestAccess(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 11, 21, 8, 36, 17, 0, time.UTC)}
	tr := newTracker()
	tr.now = clk.now
	tr.tally.started = clk.t
	sub := tr.Subscribe(EventNotice)
	defer sub.Close()

	tr.Access("10.0.0.9", ActionBlock, "blocked 10.0.0.9")
	tr.Access("10.0.0.8", ActionDeny, "denied 10.0.0.8 (curl)")
	tr.Access("10.0.0.7", ActionBlock, "blocked 10.0.0.7")
	tr.Access("10.0.0.7", ActionUnblock, "unblocked 10.0.0.7")
	ev := <-sub.C
	if ev.Client != "10.0.0.9" || ev.Action != ActionBlock || ev.Text != "blocked 10.0.0.9" || !ev.Time.Equal(clk.t) {
		t.Errorf("notice: got %+v", ev)
	}
	s := Summary{Started: clk.t, Ended: clk.t, Blocked: []string{"10.0.0.8", "10.0.0.9"}}
	if got := s.String(); !strings.HasSuffix(got, "  blocked: 10.0.0.8, 10.0.0.9\n") {
		t.Errorf("summary text: got %q", got)
	}

	a := tr.Begin(Info{Client: "10.0.0.9", Path: "/a", Size: 10}, nil)
	b := tr.Begin(Info{Client: "10.0.0.9", Path: "/b", Size: 10}, nil)
	c := tr.Begin(Info{Client: "10.0.0.1", Path: "/c", Size: 10}, nil)
	if n := tr.CancelClient("10.0.0.9"); n != 2 {
		t.Errorf("CancelClient: got %d, want 2", n)
	}
	if !a.Cancelled() || !b.Cancelled() || c.Cancelled() {
		t.Errorf("cancelled: a %v, b %v, c %v; want a and b only", a.Cancelled(), b.Cancelled(), c.Cancelled())
	}
	for _, p := range []*Part{a, b, c} {
		p.Done(nil)
	}
}
