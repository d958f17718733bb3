package analytic

// All returns the specs of every analytic in this package, in a fixed order:
// the seed rule's three branches first, then the further Windows staging
// analytics in the order of ANALYTICS.md, then the Linux and macOS ones.
func All() []Spec {
	return []Spec{
		BulkFileStaging(),
		ArchiveInStaging(),
		BulkCopyCommand(),
		ArchiveCommand(),
		ReconOutputStaging(),
		RemoteToLocalCopy(),
		InboundShareStaging(),
		InboundTransferStaging(),
		FanInStaging(),
	}
}
