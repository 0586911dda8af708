//go:build unix

package main

import (
	"os"
	"os/exec"
)

// prepareInterrupt readies cmd, before it starts, for interrupt: nothing to
// do where processes take signals.
func prepareInterrupt(*exec.Cmd) {}

// interrupt sends sig to the running cmd.
func interrupt(cmd *exec.Cmd, sig os.Signal) error {
	return cmd.Process.Signal(sig)
}
