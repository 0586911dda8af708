package fileserver_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"shareit/fileserver"
	"shareit/transfer"
	"shareit/transfer/testkit"
)

// TestStopBeforeRun: the listener may be stopped before Run begins (the
// TUI's s pressed at once, a test racing its server). Whichever of Run and
// Start comes first, Run must not fail and the restarted listener must be
// served, once. (The order where Run reads the stopped listener first is
// the one TestTLSStopStart once lost in CI.)
func TestStopBeforeRun(t *testing.T) {
	tracker := transfer.New()
	defer tracker.Close()
	srv, err := fileserver.New(fileserver.Config{Root: t.TempDir(), Bind: "127.0.0.1"}, tracker)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- srv.Run(ctx) }()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	testkit.Eventually(t, 10*time.Second, "the started server to answer 200", func() bool {
		resp, err := http.Get("http://" + srv.Addr() + "/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	cancel()
	if err := <-ran; err != nil {
		t.Errorf("Run: got %v, want nil", err)
	}
}
