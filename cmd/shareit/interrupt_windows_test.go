//go:build windows

package main

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/windows"
)

// Windows sends no signals to other processes, but a console program can
// send Ctrl+Break to a process group, and the Go runtime hands it to
// shareit as os.Interrupt: the way Go's own os/signal tests stop a child.

// prepareInterrupt starts cmd in a process group of its own, so that
// interrupt's Ctrl+Break reaches shareit and not the test.
func prepareInterrupt(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.CreationFlags |= syscall.CREATE_NEW_PROCESS_GROUP
}

// interrupt asks the running cmd to stop as Ctrl+Break does, for SIGINT
// and SIGTERM alike (shareit takes both as a request to stop); any other
// signal goes through os.Process.Signal, which can only kill.
func interrupt(cmd *exec.Cmd, sig os.Signal) error {
	if sig == os.Interrupt || sig == syscall.SIGTERM {
		return windows.GenerateConsoleCtrlEvent(windows.CTRL_BREAK_EVENT, uint32(cmd.Process.Pid))
	}
	return cmd.Process.Signal(sig)
}
