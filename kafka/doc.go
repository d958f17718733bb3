// Package kafka scales `stagewatch serve` out over Kafka (or Azure Event
// Hubs, which speaks the Kafka protocol). It is the only package that
// imports franz-go. Its parts, each usable on its own:
//
//   - Intake consumes raw telemetry topics, decodes every record with
//     decode.Open (any supported format, gzip, Event Hubs {"records":[...]}
//     batches) and produces each event as native JSON onto the events topic,
//     keyed by stagewatch.RoutingKey, with the event time as the record
//     timestamp. Raw offsets are committed after the produced records are
//     acknowledged. Bad records are counted, logged with topic, partition and
//     offset, optionally copied to a dead-letter topic, and skipped.
//   - Detection consumes the events topic. Each assigned partition gets its
//     own *detect.Engine, so an instance owns the windows of the routing keys
//     on its partitions. A poll's events go to their engines, the alerts to
//     an AlertSink, and only when Emit returned (the alerts are durable) are
//     the offsets committed.
//   - AlertProducer is an AlertSink that writes alerts onto the alerts topic,
//     keyed by alert id, with acks from all in-sync replicas.
//   - EventProducer writes already decoded events onto the events topic the
//     way intake does; `stagewatch serve` uses it for HTTP ingest in Kafka
//     mode, so that no instance detects on events outside its partitions.
//
// # Window state moves by replay
//
// When a partition changes owner (rebalance, crash, scale-out) its open
// windows must follow it. Detection rebuilds them by replaying the
// partition: every commit stores, as the offset's metadata, the partition's
// event-time watermark (the newest event time fed to its engine; see
// FormatWatermark). A new owner reads that metadata, asks the broker for the
// first offset whose timestamp is at or after watermark − StateHorizon
// (ListOffsets by time, kadm.ListOffsetsAfterMilli), and starts reading
// there with a fresh engine. Records below the committed offset are replay:
// they rebuild windows, and the alerts they raise go through the sink like
// any other, where their deterministic ids (analytic, key, window start)
// make them duplicates of what the previous owner already emitted. A
// revoked partition's engine is dropped without flushing, since flushing
// would close windows that are still open in event time.
//
// The alternative is a compacted changelog topic holding serialized window
// state per key. It restores faster (no re-detection), but needs every
// detector's state to be serializable and versioned, writes state on every
// change, and can disagree with the events topic after a crash between the
// two writes. Replay needs nothing but the events topic, which is already
// the source of truth, and is exactly as correct as the horizon is long:
// StateHorizon must cover the longest window of any enabled analytic plus
// the lateness bound (the default, 25h, covers the 24h windows of the
// default configuration). The cost is replay time at rebalance, and the
// events topic's retention must exceed the horizon.
//
// Delivery is at least once end to end: a crash between Emit and commit
// replays, and the sink sees the alerts again with the same ids. Consumers of
// the alerts topic deduplicate by id (the latest record of an id is its
// latest content, since one id always lands on one partition).
package kafka
