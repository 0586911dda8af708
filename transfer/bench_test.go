package transfer_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"shareit/transfer"
)

// BenchmarkTracker1000 is one op: 1000 concurrent parts, each a goroutine
// that begins, adds 100 chunks and ends, while one subscriber reads.
func BenchmarkTracker1000(b *testing.B) {
	const (
		parts  = 1000
		chunks = 100
	)
	tr := transfer.New()
	defer tr.Close()
	sub := tr.Subscribe()
	defer sub.Close()
	go func() {
		for range sub.C {
		}
	}()
	infos := make([]transfer.Info, parts)
	for i := range infos {
		infos[i] = transfer.Info{Kind: transfer.Download, Client: "10.0.0." + strconv.Itoa(i%200),
			Path: "/file" + strconv.Itoa(i), Size: chunks * 64 << 10}
	}
	b.ReportAllocs()
	var wg sync.WaitGroup
	for b.Loop() {
		for i := range parts {
			wg.Go(func() {
				p := tr.Begin(infos[i], nil)
				for range chunks {
					p.Add(64 << 10)
				}
				p.Done(nil)
			})
		}
		wg.Wait()
	}
}

// BenchmarkLogLine formats one line into a reused buffer: 0 allocs/op.
func BenchmarkLogLine(b *testing.B) {
	l := transfer.LogLine{Time: time.Date(2026, 11, 21, 8, 36, 17, 0, time.UTC), Client: "192.168.1.7",
		Method: "GET", URI: "/some/folder/a%20file.iso", Proto: "HTTP/1.1", Status: 200, Bytes: 1048576,
		Referer: "http://192.168.1.2:8000/some/folder/", UserAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Firefox/140.0",
		Duration: 1204 * time.Millisecond}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = l.AppendText(buf[:0])
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkPrintable is the common case: a file name with nothing to escape.
func BenchmarkPrintable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		transfer.Printable("Ferien 2026/Café am Meer — Tag 3 (1).jpg")
	}
}
