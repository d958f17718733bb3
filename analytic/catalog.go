package analytic

// All returns the specs of every analytic in this package, in a fixed order:
// the seed rule's three branches first, then the further Windows staging
// analytics, then fan-in, the Linux/macOS, ESXi and cloud analytics, in the
// order of ANALYTICS.md.
func All() []Spec {
	return []Spec{
		BulkFileStaging(),
		ArchiveInStaging(),
		BulkCopyCommand(),
		ArchiveCommand(),
		ReconOutputStaging(),
		RemoteToLocalCopy(),
		InboundShareStaging(),
		FanInStaging(),
		InboundTransferStaging(),
		EsxiDatastoreStaging(),
		CloudBucketStaging(),
		CloudSnapshotStaging(),
	}
}
