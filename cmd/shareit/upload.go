package main

import (
	"os"
	"strconv"

	"github.com/spf13/pflag"

	"shareit/transfer"
)

// uploadOptions are the flags for uploads: off unless asked for.
type uploadOptions struct {
	on    bool
	max   int64  // bytes; 0 = no limit
	to    string // --upload-to: the folder uploads land in
	clean bool   // remove unfinished resumable uploads at exit
}

func addUploadFlags(fs *pflag.FlagSet, u *uploadOptions) {
	fs.BoolVarP(&u.on, "upload", "u", false, "accept uploads: the page (resumable, with folders), curl -F file=@x, curl -T x, tus clients (u toggles them in the TUI)")
	fs.StringVar(&u.to, "upload-to", "", "where uploads land: the folder `DIR` (needed with -u when one file or several paths are shared, and with --drop for several)")
	fs.Var(sizeFlag{&u.max}, "max-upload", "the largest upload accepted, e.g. 100MB or 2GiB (default: no limit)")
	fs.BoolVar(&u.clean, "clean-uploads", false, "at exit, remove resumable uploads not yet complete (default: kept a day, to resume after a restart)")
}

// sizeFlag is a flag that holds a size in bytes, parsed as it is set, so a
// bad value is reported the way pflag reports a bad number.
type sizeFlag struct{ n *int64 }

func (f sizeFlag) String() string {
	if f.n == nil || *f.n == 0 {
		return ""
	}
	return strconv.FormatInt(*f.n, 10)
}

func (f sizeFlag) Set(s string) error {
	n, err := transfer.ParseSize(s)
	if err != nil {
		return err
	}
	*f.n = n
	return nil
}

func (sizeFlag) Type() string { return "SIZE" }

// checkUploadTo: uploads land in the folder they are posted to when one
// folder is shared; with one file or several paths there is no such
// folder, and --upload-to names it.
func (o *options) checkUploadTo() error {
	// A drop box takes uploads and nothing else: it needs a folder too.
	on, flag := o.upload.on || o.access.drop, "-u"
	if !o.upload.on {
		flag = "--drop"
	}
	switch {
	case o.upload.to != "" && !on:
		return usagef("--upload-to says where uploads land; turn them on with -u")
	case o.access.drop && (o.text != "" || o.stdinText):
		return usagef("--drop collects files: it shares no text; give the folder they land in")
	case o.access.drop && o.paths == nil && isFile(o.dir):
		// Its URL would lead to the file, which a drop box never serves.
		return usagef("--drop collects files into a folder: give that folder, not a file")
	case !on || o.upload.to != "" || o.text != "" || o.stdinText:
		return nil
	case len(o.shared()) > 1:
		return usagef("with several paths shared, %s needs --upload-to DIR: the folder uploads land in", flag)
	}
	if isFile(o.dir) {
		return usagef("with one file shared, %s needs --upload-to DIR: the folder uploads land in", flag)
	}
	return nil
}

// isFile reports whether p is there and not a folder.
func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
