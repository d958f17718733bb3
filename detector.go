package stagewatch

import "time"

// Detector is one analytic's running state. The engine calls it from one
// goroutine, in event-time order per host, and never concurrently.
type Detector interface {
	// Kinds returns the event kinds the detector needs; the engine only
	// passes it events of these kinds.
	Kinds() []Kind
	// Observe offers one event. The detector may keep ev (events are
	// immutable). It returns the alerts that completed because of ev, if any.
	Observe(ev *Event) []Alert
	// Advance tells the detector that event time has reached t: no event
	// older than t will follow. It expires windows that ended before t and
	// returns the alerts they completed.
	Advance(t time.Time) []Alert
	// Flush ends the input: it closes every open window and returns the
	// alerts they hold.
	Flush() []Alert
}

// Suppression counts the matches one named suppression removed.
type Suppression struct {
	Analytic string `json:"analytic"`
	Name     string `json:"name"`
	Count    int    `json:"count"`
}

// Suppressor is implemented by detectors that apply named suppressions, so
// the run summary can say how many matches each removed.
type Suppressor interface {
	Suppressions() []Suppression
}
