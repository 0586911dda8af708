// Command shareit shares a folder over HTTP on the local network and shows,
// live, who downloads what.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"golang.org/x/sync/errgroup"
	"golang.org/x/term"

	"shareit/fileserver"
	"shareit/transfer"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	tuneGC()
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "shareit:", err)
		if errors.As(err, new(usageError)) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// gcPercent is the collector's GOGC when the user sets none: half Go's
// default. shareit's live heap is small and a held connection keeps about
// 2 KiB of it, so the headroom the collector lets the heap grow into is
// much of the memory each connection costs. The price is more collections
// of that small heap, which measured at 0% of the CPU and no change in
// requests/s (docs/PROFILE.md, Memory).
const gcPercent = 50

func tuneGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
}

func run(args []string) error {
	o, err := parseArgs(args)
	if err != nil {
		return err
	}
	switch {
	case o.help:
		printUsage(os.Stdout)
		return nil
	case o.version:
		fmt.Println("shareit", version)
		return nil
	}
	headless := o.headless || !term.IsTerminal(int(os.Stdout.Fd()))
	if headless && o.access.ask {
		return usagef("--ask needs the live view: someone at the terminal allows or denies each new device; run shareit in a terminal, without --headless")
	}
	if o.stdinText {
		if o.text, err = readText(os.Stdin); err != nil {
			return err
		}
	}

	tracker := transfer.New()
	defer tracker.Close()
	srv, err := fileserver.New(fileserver.Config{
		Paths:          o.shared(),
		UploadTo:       o.upload.to,
		Text:           o.text,
		Bind:           o.bind,
		Port:           o.port,
		Hidden:         o.hidden,
		FollowSymlinks: o.followSymlinks,
		Upload:         o.upload.on,
		MaxUpload:      o.upload.max,
		CleanUploads:   o.upload.clean,
		Auth:           o.access.credentials(),
		TLS:            o.access.tls,
		CertFile:       o.access.certFile,
		KeyFile:        o.access.keyFile,
		Rate:           o.access.rate,
		Secret:         o.access.secret,
		Ask:            o.access.ask,
		Drop:           o.access.drop,
		Version:        version,
	}, tracker)
	if err != nil {
		return err
	}
	logs, err := openLogs(o.logFile, headless)
	if err != nil {
		return err
	}
	defer logs.close()
	receipts, err := openReceipt(o.reach.receipt)
	if err != nil {
		return err
	}
	defer receipts.close()
	note, err := srv.Listen()
	if err != nil {
		return err
	}

	// On Windows, os.Interrupt is Ctrl+C or Ctrl+Break, and the Go runtime
	// delivers closing the console window, logging off and shutting down
	// as syscall.SIGTERM: shareit starts its orderly stop then too, though
	// Windows ends the process a few seconds later whether it is done or not.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	mdns, err := startMDNS(ctx, o.reach.mdns, srv, o.bind)
	if err != nil {
		return err
	}
	limits := newLimits(o.reach.maxDownloads, o.reach.timeout, tracker)
	logsDone := logs.follow(tracker)
	receiptsDone := receipts.follow(tracker)
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return srv.Run(ctx) })
	g.Go(func() error { return mdns.run(ctx) })
	g.Go(func() error { return limits.run(ctx, endShare(headless, cancel, srv, tracker)) })
	net := newNetWatch(srv, tracker)
	g.Go(func() error { return net.run(ctx) })
	if headless {
		printBanner(os.Stdout, srv, note)
		g.Go(func() error {
			<-ctx.Done()
			stop() // a second Ctrl+C ends shareit at once
			return nil
		})
	} else {
		g.Go(func() error {
			defer cancel() // quitting the TUI stops the server
			return runTUI(ctx, srv, tracker, net, o, note)
		})
	}
	err = g.Wait()
	// Every handler has returned: its log line is queued. Closing the
	// tracker lets the log writer drain the queue and finish.
	tracker.Close()
	<-logsDone
	<-receiptsDone
	if reason := limits.ended(); reason != "" && headless {
		fmt.Printf("Share ended: %s.\n", reason)
	}
	printSummary(headless, tracker, srv)
	return err
}
