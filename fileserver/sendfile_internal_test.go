package fileserver

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A download whose client stops reading waits for room outside net/http's
// ReadFrom, which holds a 32 KiB copy buffer for as long as it runs.
func TestStalledDownloadHoldsNoCopyBuffer(t *testing.T) {
	t.Parallel()
	s := runParking(t, nil)
	f, err := os.Create(filepath.Join(s.cfg.Root, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(64 << 20); err != nil { // far more than socket buffers hold
		t.Fatal(err)
	}
	f.Close()

	const clients = 3
	for range clients {
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := c.Write([]byte("GET /big.bin HTTP/1.1\r\nHost: test\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.Contains(line, " 200 ") {
			t.Fatalf("status line %q, %v", line, err)
		}
		// Nothing more is read: the server's sends fill the socket.
	}

	deadline := time.Now().Add(30 * time.Second)
	for {
		stacks := allStacks()
		waiting := strings.Count(stacks, "(*conn).waitWritable")
		if waiting == clients {
			if in := strings.Count(stacks, "net/http.(*response).ReadFrom"); in > 0 {
				t.Fatalf("%d goroutines inside net/http's ReadFrom:\n%s", in, stacks)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d stalled downloads wait for room:\n%s", waiting, clients, stacks)
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}

func allStacks() string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return string(buf[:n])
		}
		buf = make([]byte, 2*len(buf))
	}
}
