package analytic

import "strings"

// POSIX archivers beyond tar and zip: the single-file compressors, macOS's
// ditto and hdiutil, and split cutting an archive into volumes.

// compressSuffix is the suffix a compressor gives a file it compresses in
// place.
func compressSuffix(tool string) string {
	switch tool {
	case "gzip", "pigz":
		return ".gz"
	case "bzip2", "pbzip2":
		return ".bz2"
	case "xz":
		return ".xz"
	case "lzma":
		return ".lzma"
	case "zstd", "pzstd":
		return ".zst"
	case "compress":
		return ".Z"
	}
	return ""
}

// parseCompress: gzip/bzip2/xz/zstd [opts] [FILE...]. Decompressing,
// testing and listing are not archiving. The output is -o FILE (zstd), the
// redirection target when the data goes to stdout (-c, or no file: the
// input is piped in), else each FILE plus the tool's suffix in place.
func parseCompress(op *ArchiveOp, args []string, stdout string) bool {
	toStdout := false
	var pos []string
	suffix := compressSuffix(op.Tool)
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case s == "-" || len(s) < 2 || s[0] != '-':
			if s != "-" {
				pos = append(pos, s)
			}
		case strings.HasPrefix(s, "--"):
			name, val, has := strings.Cut(s[2:], "=")
			switch name {
			case "decompress", "uncompress", "test", "list":
				return false
			case "stdout", "to-stdout":
				toStdout = true
			case "recursive":
				op.Recursive = true
			case "output":
				if !has && i+1 < len(args) {
					i++
					val = args[i]
				}
				op.Output = val
			case "suffix":
				if !has && i+1 < len(args) {
					i++
					val = args[i]
				}
				suffix = val
			}
		default:
			for j := 1; j < len(s); j++ {
				switch s[j] {
				case 'd', 't', 'l':
					return false // decompress, test, list
				case 'c':
					toStdout = true
				case 'r':
					op.Recursive = true
				case 'o', 'S', 'T', 'p', 'b', 'D':
					if s[j] == 'D' && op.Tool != "zstd" {
						continue
					}
					val := s[j+1:]
					if val == "" && i+1 < len(args) {
						i++
						val = args[i]
					}
					switch s[j] {
					case 'o':
						if op.Tool == "zstd" || op.Tool == "pzstd" {
							op.Output = val
						}
					case 'S':
						suffix = val
					}
					j = len(s)
				}
			}
		}
	}
	op.Inputs = pos
	switch {
	case op.Output != "":
	case toStdout || len(pos) == 0:
		op.Output = stdout
	default:
		op.Output = pos[0] + suffix
	}
	return op.Output != "" || len(pos) > 0
}

// parseDitto: ditto -c [-k] [--sequesterRsrc] [--keepParent] SRC ARCHIVE
// creates an archive (a ZIP with -k, else a CPIO); without -c ditto copies,
// which the copy analytics read.
func parseDitto(op *ArchiveOp, args []string) bool {
	create := false
	var pos []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case s == "--password":
			op.Password = true
		case s == "--arch" || s == "--bom" || s == "--zlibCompressionLevel":
			i++
		case strings.HasPrefix(s, "--"):
		case len(s) > 1 && s[0] == '-':
			if strings.ContainsRune(s[1:], 'x') {
				return false
			}
			if strings.ContainsRune(s[1:], 'c') {
				create = true
			}
		default:
			pos = append(pos, s)
		}
	}
	if !create || len(pos) < 2 {
		return false
	}
	op.Output, op.Inputs, op.Recursive = pos[len(pos)-1], pos[:len(pos)-1], true
	return true
}

// parseHdiutil: hdiutil create -srcfolder SRC [-encryption [AES-256]]
// [-stdinpass] IMAGE, or hdiutil makehybrid -o IMAGE SRC. An empty image
// (create without -srcfolder) holds nothing and is not archiving.
func parseHdiutil(op *ArchiveOp, args []string) bool {
	if len(args) == 0 {
		return false
	}
	verb := strings.ToLower(args[0])
	if verb != "create" && verb != "makehybrid" {
		return false
	}
	var pos []string
	for i := 1; i < len(args); i++ {
		s := args[i]
		if len(s) < 2 || s[0] != '-' {
			pos = append(pos, s)
			continue
		}
		take := func() string {
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch strings.ToLower(s) {
		case "-srcfolder", "-srcdir":
			op.Inputs = append(op.Inputs, take())
		case "-o":
			op.Output = take()
		case "-encryption":
			op.Encrypted, op.Password = true, true
			if i+1 < len(args) && strings.HasPrefix(strings.ToUpper(args[i+1]), "AES") {
				i++
			}
		case "-stdinpass", "-agentpass":
			op.Password = true
		case "-volname", "-format", "-size", "-fs", "-type", "-layout", "-imagekey", "-certificate", "-pubkey",
			"-fsargs", "-uid", "-gid", "-mode", "-sectors", "-megabytes", "-align", "-anyowners", "-segmentsize":
			if strings.ToLower(s) != "-anyowners" {
				take()
			}
		}
	}
	if verb == "makehybrid" && len(pos) > 0 {
		op.Inputs = append(op.Inputs, pos...)
	} else if op.Output == "" && len(pos) > 0 {
		op.Output = pos[len(pos)-1]
	}
	if len(op.Inputs) == 0 {
		return false
	}
	op.Recursive = true
	return true
}

// parseSplit: split -b SIZE|-C SIZE|-n CHUNKS [opts] INPUT [PREFIX] cuts a
// file into volumes. Only an archive (by its name) counts: splitting logs
// by lines is everyday work.
func parseSplit(op *ArchiveOp, args []string) bool {
	bySize := false
	var pos []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case s == "-" || len(s) < 2 || s[0] != '-':
			pos = append(pos, s)
		case strings.HasPrefix(s, "--"):
			name, _, has := strings.Cut(s[2:], "=")
			if name == "bytes" || name == "line-bytes" || name == "number" {
				bySize = true
			}
			if !has && (name == "bytes" || name == "line-bytes" || name == "number" || name == "lines" ||
				name == "suffix-length" || name == "additional-suffix" || name == "separator") {
				i++
			}
		default:
			c := s[1]
			if c == 'b' || c == 'C' || c == 'n' {
				bySize = true
			}
			if strings.IndexByte("bCnlat", c) >= 0 && len(s) == 2 {
				i++
			}
		}
	}
	if !bySize || len(pos) == 0 || !looksArchive(pos[0]) {
		return false
	}
	op.Inputs, op.Split = pos[:1], true
	if len(pos) > 1 {
		op.Output = pos[1]
	}
	return true
}

// looksArchive reports whether a file name ends like an archive or an
// encrypted file.
func looksArchive(name string) bool {
	n := strings.ToLower(name)
	for _, ext := range []string{".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz",
		".zst", ".lzma", ".dmg", ".iso", ".gpg", ".enc", ".cpio"} {
		if strings.HasSuffix(n, ext) {
			return true
		}
	}
	return false
}

// stdoutTarget is the file a command's standard output is redirected into
// ("" when none).
func stdoutTarget(argv []string) string {
	for _, t := range redirectTargets(argv) {
		return t
	}
	return ""
}

// mayArchivePOSIX is mayArchive's extension for the POSIX tools, applied
// only to events that are not from Windows so Windows lines pay nothing
// for it.
func mayArchivePOSIX(cmdline string) bool {
	for _, f := range []string{"gz", "bz", "xz", "zst", "lzma", "compress", "ditto", "hdiutil", "split"} {
		if containsFold(cmdline, f) {
			return true
		}
	}
	return false
}
