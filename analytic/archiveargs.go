package analytic

import "strings"

// parseTar: tar -c (or a bundle holding c, with or without a dash) with the
// archive in -f FILE, -fFILE or --file=FILE. Without -c tar extracts or
// lists, which is not archiving.
func parseTar(op *ArchiveOp, args []string) bool {
	create := false
	var pos []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case strings.HasPrefix(s, "--"):
			name, val, has := strings.Cut(s[2:], "=")
			switch name {
			case "create":
				create = true
			case "file":
				if !has && i+1 < len(args) {
					i++
					val = args[i]
				}
				op.Output = val
			case "directory", "exclude", "format", "options":
				if !has {
					i++
				}
			}
		case strings.HasPrefix(s, "-") || (i == 0 && !strings.ContainsAny(s, `\/.`)):
			bundle := strings.TrimPrefix(s, "-")
			for j := 0; j < len(bundle); j++ {
				switch bundle[j] {
				case 'c':
					create = true
				case 'f', 'C':
					val := bundle[j+1:]
					if val == "" && i+1 < len(args) {
						i++
						val = args[i]
					}
					if bundle[j] == 'f' {
						op.Output = val
					}
					j = len(bundle)
				}
			}
		default:
			pos = append(pos, s)
		}
	}
	if !create {
		return false
	}
	op.Inputs = pos
	op.Recursive = true // tar archives folder trees
	return true
}

// parseMakecab: makecab [/V[n]] [/D var=value ...] [/L DIR] SOURCE [DEST],
// or /F DIRECTIVES. The cabinet is DEST (in /L's folder when DEST has none),
// else the /L folder itself.
func parseMakecab(op *ArchiveOp, args []string) bool {
	var pos []string
	dir := ""
	for i := 0; i < len(args); i++ {
		s := args[i]
		if !isSwitch(s) {
			pos = append(pos, s)
			continue
		}
		switch strings.ToLower(s) {
		case "/d", "/f":
			i++
		case "/l":
			if i+1 < len(args) {
				i++
				dir = args[i]
			}
		}
	}
	if len(pos) > 0 {
		op.Inputs = pos[:1]
	}
	switch {
	case len(pos) > 1 && dir != "" && !strings.ContainsAny(pos[1], `\/`):
		op.Output = strings.TrimRight(dir, `\`) + `\` + pos[1]
	case len(pos) > 1:
		op.Output = pos[1]
	case dir != "":
		op.Output = strings.TrimRight(dir, `\`) + `\`
	}
	return len(pos) > 0 || dir != ""
}

// parsePrintBrm: PrintBrm -b [-d DIR] [-s SERVER] -f FILE backs a folder
// (or a print server) up into one archive file; -r restores.
func parsePrintBrm(op *ArchiveOp, args []string) bool {
	backup := false
	for i := 0; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "-b":
			backup = true
		case "-f":
			if i+1 < len(args) {
				i++
				op.Output = args[i]
			}
		case "-d", "-s":
			if i+1 < len(args) {
				i++
				op.Inputs = append(op.Inputs, args[i])
			}
		}
	}
	return backup
}

// parseOpenSSL: openssl enc|CIPHER [-e] -in FILE -out FILE [-k PWD | -pass
// SRC | -kfile F]; -d decrypts, which is not staging.
func parseOpenSSL(op *ArchiveOp, args []string) bool {
	if len(args) == 0 {
		return false
	}
	sub := strings.ToLower(args[0])
	if sub != "enc" && !strings.HasPrefix(sub, "aes") && !strings.HasPrefix(sub, "des") &&
		!strings.HasPrefix(sub, "chacha") && !strings.HasPrefix(sub, "camellia") && !strings.HasPrefix(sub, "bf") {
		return false
	}
	for i := 1; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "-d":
			return false
		case "-in":
			if i+1 < len(args) {
				i++
				op.Inputs = append(op.Inputs, args[i])
			}
		case "-out":
			if i+1 < len(args) {
				i++
				op.Output = args[i]
			}
		case "-k", "-pass", "-kfile":
			op.Password = true
			i++
		}
	}
	op.Encrypted = true
	return true
}

// parseGPG: gpg -c|--symmetric (password) or -e|--encrypt (recipient) with
// -o|--output FILE, else FILE.gpg next to the input.
func parseGPG(op *ArchiveOp, args []string) bool {
	encrypt := false
	var pos []string
	for i := 0; i < len(args); i++ {
		s := args[i]
		switch {
		case s == "-c" || s == "--symmetric":
			encrypt, op.Password = true, true
		case s == "-e" || s == "--encrypt":
			encrypt = true
		case s == "-d" || s == "--decrypt":
			return false
		case s == "-o" || s == "--output":
			if i+1 < len(args) {
				i++
				op.Output = args[i]
			}
		case strings.HasPrefix(s, "--output="):
			op.Output = s[len("--output="):]
		case s == "-r" || s == "--recipient" || s == "--passphrase" || s == "--batch-size" || s == "--cipher-algo":
			if s == "--passphrase" {
				op.Password = true
			}
			i++
		case strings.HasPrefix(s, "-"):
			if len(s) > 2 && s[1] != '-' && strings.ContainsAny(s[1:], "c") {
				encrypt, op.Password = true, true
			}
		default:
			pos = append(pos, s)
		}
	}
	if !encrypt {
		return false
	}
	op.Encrypted, op.Inputs = true, pos
	if op.Output == "" && len(pos) > 0 {
		op.Output = pos[len(pos)-1] + ".gpg"
	}
	return true
}

// parseCompressArchive: Compress-Archive [-Path|-LiteralPath] SRC[,SRC]
// [-DestinationPath] DEST [-Update] [-CompressionLevel X], with
// PowerShell's parameter prefixes and -Name:value.
func parseCompressArchive(op *ArchiveOp, args []string) bool {
	var pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.ToLower(a[1:]), ":")
		take := func() string {
			if hasValue {
				return a[len(name)+2:]
			}
			if i+1 < len(args) {
				i++
				return args[i]
			}
			return ""
		}
		switch {
		case isPrefix(name, "destinationpath", 1):
			op.Output = take()
		case isPrefix(name, "path", 1) || isPrefix(name, "literalpath", 1) || name == "pspath":
			op.Inputs = append(op.Inputs, splitComma(take())...)
		case isPrefix(name, "compressionlevel", 1):
			take()
		}
	}
	if len(pos) > 0 && len(op.Inputs) == 0 {
		op.Inputs = splitComma(pos[0])
		pos = pos[1:]
	}
	if len(pos) > 0 && op.Output == "" {
		op.Output = pos[0]
	}
	return op.Output != "" || len(op.Inputs) > 0
}

// zipFileCalls finds [IO.Compression.ZipFile]::CreateFromDirectory(SRC,
// DEST[, ...]) in a PowerShell script; the arguments are literal strings or
// expressions kept as written.
func zipFileCalls(script string) []ArchiveOp {
	var ops []ArchiveOp
	const call = "::createfromdirectory("
	low := strings.ToLower(script)
	for off := 0; ; {
		i := strings.Index(low[off:], call)
		if i < 0 {
			return ops
		}
		start := off + i + len(call)
		end := strings.IndexByte(script[start:], ')')
		if end < 0 {
			end = len(script) - start
		}
		var args []string
		for _, a := range strings.Split(script[start:start+end], ",") {
			args = append(args, strings.Trim(strings.TrimSpace(a), `'"`))
		}
		op := ArchiveOp{Tool: "zipfile.createfromdirectory", Recursive: true}
		if len(args) > 0 {
			op.Inputs = args[:1]
		}
		if len(args) > 1 {
			op.Output = args[1]
		}
		ops = append(ops, op)
		off = start
	}
}
