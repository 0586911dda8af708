package main

import (
	"strconv"

	"github.com/spf13/pflag"

	"shareit/transfer"
)

// uploadOptions are the flags for uploads: off unless asked for.
type uploadOptions struct {
	on    bool
	max   int64 // bytes; 0 = no limit
	clean bool  // remove unfinished resumable uploads at exit
}

func addUploadFlags(fs *pflag.FlagSet, u *uploadOptions) {
	fs.BoolVarP(&u.on, "upload", "u", false, "accept uploads: the page (resumable, with folders), curl -F file=@x, curl -T x, tus clients (u toggles them in the TUI)")
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
