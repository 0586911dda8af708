package accel_test

import (
	"io"
	"net"
	"testing"

	"shareit/fileserver/accel"
)

// Whatever the build, the accepted connections keep what net/http needs
// of a *net.TCPConn: ReadFrom (or bodies are copied, not sent by the
// kernel) and CloseWrite; and the socket stays reachable.
func TestListenerKeepsTCPConn(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wrapped := accel.Listener(ln, accel.Options{})
	defer wrapped.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	c, err := wrapped.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(io.ReaderFrom); !ok {
		t.Errorf("%T is not an io.ReaderFrom", c)
	}
	if _, ok := c.(interface{ CloseWrite() error }); !ok {
		t.Errorf("%T has no CloseWrite", c)
	}
	under := c
	if u, ok := c.(interface{ NetConn() net.Conn }); ok {
		under = u.NetConn()
	}
	if _, ok := under.(*net.TCPConn); !ok {
		t.Errorf("the socket under %T is a %T, want *net.TCPConn", c, under)
	}
	if !accel.Enabled && c != under {
		t.Errorf("with the speed-ups compiled out, Listener wrapped the connection in %T", c)
	}
}
