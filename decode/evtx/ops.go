package evtx

// The compiled form of a template: where each value sits in the event
// document (state) and what it fills in a Record (op).

// state classifies the element being walked by where it sits in the event
// document; it decides which values are kept and what they fill.
type state uint8

const (
	sRoot      state = iota // outside <Event>
	sEvent                  // <Event>
	sSystem                 // <Event><System>
	sProvider               // <System><Provider Name=..>
	sEventID                // <System><EventID>
	sVersion                // <System><Version>
	sChannel                // <System><Channel>
	sComputer               // <System><Computer>
	sTime                   // <System><TimeCreated SystemTime=..>
	sExecution              // <System><Execution ProcessID=..>
	sSecurity               // <System><Security UserID=..>
	sEventData              // <Event><EventData>
	sData                   // <EventData><Data Name=..>
	sUserData               // <Event><UserData>
	sUserWrap               // the one element inside <UserData>
	sUserLeaf               // an element inside that: a named value
	sSkip                   // anything a Record does not hold
)

// child returns the state of an element called name inside one in state st.
func child(st state, name string) state {
	switch st {
	case sRoot:
		if name == "Event" {
			return sEvent
		}
	case sEvent:
		switch name {
		case "System":
			return sSystem
		case "EventData":
			return sEventData
		case "UserData":
			return sUserData
		}
	case sSystem:
		switch name {
		case "Provider":
			return sProvider
		case "EventID":
			return sEventID
		case "Version":
			return sVersion
		case "Channel":
			return sChannel
		case "Computer":
			return sComputer
		case "TimeCreated":
			return sTime
		case "Execution":
			return sExecution
		case "Security":
			return sSecurity
		}
	case sEventData:
		if name == "Data" {
			return sData
		}
	case sUserData:
		return sUserWrap
	case sUserWrap, sUserLeaf:
		return sUserLeaf
	}
	return sSkip
}

// opKind is what an operation fills.
type opKind uint8

const (
	opProvider opKind = iota
	opEventID
	opVersion
	opChannel
	opComputer
	opTime
	opExecPID
	opUserSID
	opField  // start a Data field named lit, or named by substitution sub
	opValue  // append to the current field's value
	opNested // a substitution outside any kept text: walked if it holds Binary XML
)

// op is one step of a compiled template: a literal or a substitution
// value, and what it fills.
type op struct {
	kind  opKind
	state state // where the value sits, for walking a Binary XML value
	sub   int32 // substitution index, or -1 for lit
	lit   string
}

// attrOp says whether attribute attr of an element in state st is kept,
// and what it fills.
func attrOp(st state, attr string) (opKind, bool) {
	switch {
	case st == sProvider && attr == "Name":
		return opProvider, true
	case st == sTime && attr == "SystemTime":
		return opTime, true
	case st == sExecution && attr == "ProcessID":
		return opExecPID, true
	case st == sSecurity && attr == "UserID":
		return opUserSID, true
	case st == sData && attr == "Name":
		return opField, true
	}
	return 0, false
}
