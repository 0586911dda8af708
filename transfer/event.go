package transfer

import "time"

// Kind says which way a transfer moves bytes and what it carries.
type Kind uint8

const (
	Download Kind = iota // a file body sent to a client
	Archive              // a folder streamed as .zip or .tar.gz
	Upload               // a file received from a client
)

func (k Kind) String() string {
	switch k {
	case Archive:
		return "archive"
	case Upload:
		return "upload"
	default:
		return "download"
	}
}

// State is where a transfer is in its life.
type State uint8

const (
	Active State = iota
	Finished
	Failed
	Cancelled
)

func (s State) String() string {
	switch s {
	case Finished:
		return "finished"
	case Failed:
		return "failed"
	case Cancelled:
		return "cancelled"
	default:
		return "active"
	}
}

// Snapshot is a copy of one logical transfer at a moment. A logical
// transfer is every concurrent part (Range request) one client makes for
// one path: a download manager's parallel connections show as one.
type Snapshot struct {
	ID        uint64
	Kind      Kind
	Client    string // the client's IP address
	Port      int    // the client's port for its first part; 0 when unknown
	Path      string // the URL path, decoded; may hold any byte (see Printable)
	UserAgent string
	Size      int64   // bytes all parts will move together; -1 when unknown
	Whole     int64   // size of the file (archive, upload) the parts are cut from; -1 when unknown
	Bytes     int64   // bytes moved so far
	Parts     int     // connections carrying it now
	Speed     float64 // bytes per second over the last few seconds (meter)
	// Stalled is set while no byte has moved for some seconds, longer
	// than the transfer's usual pauses between bursts: its speed is then
	// meaningless and it has no ETA.
	Stalled bool
	// Moved is how many bytes it has likely moved by the snapshot: the
	// line through its last chunks, at the snapshot's time (0: no
	// estimate, Bytes is all there is). Bytes arrive in chunks; the ETA
	// counts down between them.
	Moved   int64
	Started time.Time
	Ended   time.Time // zero while active
	State   State
	Paused  bool   // waiting for Resume
	Err     string // why it failed, when State is Failed
	// Complete is set once it ended: its parts delivered every byte of
	// the whole (the rule is coverage.complete's).
	Complete bool
	Sum      string // an upload's SHA-256 in hex, once it landed; "" otherwise
}

// Fraction is how much of the transfer is done, from 0 to 1, or -1 when the
// size is unknown.
func (s Snapshot) Fraction() float64 {
	if s.Size < 0 {
		return -1
	}
	if s.Size == 0 {
		return 1
	}
	return min(float64(s.Bytes)/float64(s.Size), 1)
}

// ETA is the expected time left at the current speed, or -1 when it cannot
// be known (unknown size, no bytes moving, stalled). It counts from the
// bytes likely moved (Moved), so it goes down steadily while the next chunk
// is on its way.
func (s Snapshot) ETA() time.Duration {
	if s.Size < 0 || s.Speed < 1 || s.State != Active || s.Stalled {
		return -1
	}
	moved := s.Bytes
	if s.Moved > 0 {
		moved = s.Moved
	}
	left := float64(max(s.Size-moved, 0))
	return time.Duration(left / s.Speed * float64(time.Second))
}

// ClientStats aggregates everything one client address is doing.
type ClientStats struct {
	Addr   string
	Active int     // logical transfers running now
	Bytes  int64   // bytes moved to or from it since it first came
	Speed  float64 // its active transfers' speeds added up
	Done   int64   // bytes done of its active transfers of known size
	Total  int64   // their sizes added up
}

// Fraction is the client's overall progress across its active transfers of
// known size, or -1 when there are none.
func (c ClientStats) Fraction() float64 {
	if c.Total <= 0 {
		return -1
	}
	return min(float64(c.Done)/float64(c.Total), 1)
}

// Progress is the state of every active transfer and every client, published
// at a bounded rate. Subscribers only ever hold the newest one.
type Progress struct {
	Time      time.Time
	Paused    bool
	Transfers []Snapshot    // active ones, oldest first
	Clients   []ClientStats // sorted by address
}

// EventKind tells what an Event carries.
type EventKind uint8

const (
	EventStarted   EventKind = iota // Transfer began
	EventFinished                   // Transfer moved every byte
	EventFailed                     // Transfer ended short (client gone, error)
	EventCancelled                  // Transfer was cancelled with Tracker.Cancel
	EventProgress                   // Progress holds the newest state
	EventLog                        // Log holds one request's log line
	EventNotice                     // Text holds a message from the server
	EventMessage                    // Message holds a text a client sent
)

// Event is what subscribers receive. Lifecycle events (started, finished,
// failed, cancelled) and notices are never dropped; progress is coalesced.
type Event struct {
	Kind     EventKind
	Transfer Snapshot  // for the lifecycle kinds
	Progress *Progress // for EventProgress; shared, do not modify
	Log      *LogLine  // for EventLog
	Text     string    // for EventNotice
	Time     time.Time // when the notice was given, for EventNotice
	Message  *Message  // for EventMessage
	// Client and Action are set on a notice that records an access
	// decision (Tracker.Access): who, and what was done ("block", "ask", ...).
	Client, Action string
}

// Message is a text a client sent to the person at the terminal. Text is
// as sent: it may hold any byte (see Printable).
type Message struct {
	Time   time.Time
	Client string // the client's IP address
	Text   string
}
