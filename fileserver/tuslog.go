package fileserver

import (
	"context"
	"strings"

	"golang.org/x/exp/slog" // tusd's logger type

	"shareit/transfer"
)

// noticeHandler is a slog.Handler that turns tusd's warnings and errors
// into notices in shareit's log, instead of lines on stderr behind the TUI.
type noticeHandler struct {
	t     *transfer.Tracker
	level slog.Level
	attrs []slog.Attr
}

func (h *noticeHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }

func (h *noticeHandler) Handle(_ context.Context, rec slog.Record) error {
	var b strings.Builder
	b.WriteString("tus: ")
	b.WriteString(rec.Message)
	add := func(a slog.Attr) bool {
		b.WriteString(" " + a.Key + "=" + a.Value.String())
		return true
	}
	for _, a := range h.attrs {
		add(a)
	}
	rec.Attrs(add)
	h.t.Notice(b.String())
	return nil
}

func (h *noticeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &noticeHandler{t: h.t, level: h.level, attrs: append(h.attrs[:len(h.attrs):len(h.attrs)], attrs...)}
}

func (h *noticeHandler) WithGroup(string) slog.Handler { return h }
