// Package stagewatch is the vocabulary of the stagewatch detection engine for
// data staging (MITRE ATT&CK T1074): the normalized Event every decoder
// produces, the Alert every analytic reports, and the small interfaces that
// connect decoders, detectors and sinks.
//
// The package depends on the standard library only. Formats live under
// decode/, analytics under analytic/, the engine under detect/ and outputs
// under sink/.
package stagewatch
