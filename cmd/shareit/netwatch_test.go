package main

import (
	"strings"
	"testing"

	"shareit/fileserver"
)

func TestURLChanges(t *testing.T) {
	eth := fileserver.URL{Label: "eth0", URL: "http://192.168.1.5:8000/", Route: true}
	wg := fileserver.URL{Label: "wg0", URL: "http://10.6.0.2:8000/", Virtual: true}
	wifi := fileserver.URL{Label: "wlan0", URL: "http://10.0.0.7:8000/"}
	local := fileserver.URL{Label: "localhost", URL: "http://127.0.0.1:8000/"}
	tests := []struct {
		name      string
		old, now  []fileserver.URL
		wantLines []string
	}{
		{"nothing changed", []fileserver.URL{eth, local}, []fileserver.URL{eth, local}, nil},
		{"a URL got used: no change", []fileserver.URL{eth, local}, []fileserver.URL{{Label: "eth0", URL: eth.URL, Route: true, Used: true}, local}, nil},
		{"VPN up", []fileserver.URL{eth, local}, []fileserver.URL{eth, wg, local},
			[]string{"network: http://10.6.0.2:8000/ (wg0, virtual) appeared"}},
		{"Wi-Fi changed", []fileserver.URL{eth, local}, []fileserver.URL{wifi, local},
			[]string{"network: http://10.0.0.7:8000/ (wlan0) appeared", "network: http://192.168.1.5:8000/ (eth0, default route) went away"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := urlChanges(tt.old, tt.now)
			if strings.Join(got, "\n") != strings.Join(tt.wantLines, "\n") {
				t.Errorf("got %q, want %q", got, tt.wantLines)
			}
		})
	}
}
