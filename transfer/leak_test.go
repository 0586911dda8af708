package transfer_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package when a goroutine outlives the tests: every
// tracker is closed (its ticker goroutine ends) and every subscription's
// delivery goroutine ends with it. Nothing is ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
