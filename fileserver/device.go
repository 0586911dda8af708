package fileserver

import (
	"strings"

	"shareit/transfer"
)

// DeviceName says in a few words what a User-Agent says its client is:
// "iPhone, Safari", "Android, Chrome", "Windows, Edge", "curl". It is what
// the person at the terminal sees when a new device asks to come in; a
// User-Agent is the client's own claim, so it is a hint, not a proof.
func DeviceName(ua string) string {
	if ua == "" {
		return "unknown client"
	}
	for _, tool := range []struct{ prefix, name string }{
		{"curl/", "curl"}, {"Wget/", "Wget"}, {"python-requests/", "Python"}, {"Python-urllib/", "Python"},
		{"Go-http-client/", "Go"}, {"okhttp/", "OkHttp"}, {"rclone/", "rclone"}, {"aria2/", "aria2"},
		{"Microsoft-WebDAV-MiniRedir/", "Windows, WebDAV"}, {"WindowsPowerShell/", "PowerShell"},
	} {
		if strings.HasPrefix(ua, tool.prefix) {
			return tool.name
		}
	}
	if !strings.HasPrefix(ua, "Mozilla/") {
		name, _, _ := strings.Cut(ua, "/")
		name, _, _ = strings.Cut(name, " ")
		return truncateName(transfer.Printable(name))
	}
	var device string
	switch {
	case strings.Contains(ua, "iPhone"):
		device = "iPhone"
	case strings.Contains(ua, "iPad"):
		device = "iPad"
	case strings.Contains(ua, "Android"):
		device = "Android"
	case strings.Contains(ua, "CrOS"):
		device = "ChromeOS"
	case strings.Contains(ua, "Windows"):
		device = "Windows"
	case strings.Contains(ua, "Macintosh"):
		device = "Mac"
	case strings.Contains(ua, "Linux"):
		device = "Linux"
	}
	var browser string
	switch {
	case strings.Contains(ua, "Edg/"), strings.Contains(ua, "EdgA/"), strings.Contains(ua, "EdgiOS/"):
		browser = "Edge"
	case strings.Contains(ua, "OPR/"):
		browser = "Opera"
	case strings.Contains(ua, "SamsungBrowser/"):
		browser = "Samsung Internet"
	case strings.Contains(ua, "Firefox/"), strings.Contains(ua, "FxiOS/"):
		browser = "Firefox"
	case strings.Contains(ua, "Chrome/"), strings.Contains(ua, "CriOS/"), strings.Contains(ua, "Chromium/"):
		browser = "Chrome"
	case strings.Contains(ua, "Safari/"):
		browser = "Safari"
	}
	switch {
	case device != "" && browser != "":
		return device + ", " + browser
	case device != "":
		return device
	case browser != "":
		return browser
	}
	return "a browser"
}

// truncateName keeps a tool's name short.
func truncateName(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	if s == "" {
		return "unknown client"
	}
	return s
}
