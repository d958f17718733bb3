package analytic

import (
	"strings"
)

// esxiAct is one staging action read from an ESXi shell command or event.
type esxiAct struct {
	cat    esxiCat
	detail string // the command, or the event's action and object
	vm     string // snapshot: VM id, name or .vmx path
	share  string // mount: NFS server:share, else the datastore
	store  string // mount, clone or transfer target: /vmfs/volumes/<name> or the path
	guest  string // guest operation: the file pulled out of the guest (a guest path)
}

// esxiCat is the kind of staging action.
type esxiCat uint8

const (
	catMount    esxiCat = iota // (a) NFS datastore added
	catSnapshot                // (b) snapshot created
	catClone                   // (c) virtual disk cloned or exported
	catTransfer                // (d) file transferred into a datastore or /tmp
	numCats
)

var catNames = [numCats]string{"nfs-datastore", "snapshot", "disk-clone", "transfer"}

// isVMFile reports whether a path names a VM file whose copy is an export
// of a VM's data: disks, memory, suspend and snapshot state, configuration.
func isVMFile(arg string) bool {
	a := strings.ToLower(arg)
	for _, e := range [...]string{".vmdk", ".vmem", ".vmsn", ".vmss", ".nvram", ".vmx"} {
		if strings.HasSuffix(a, e) {
			return true
		}
	}
	return false
}

// mayStageESXi reports whether a command line can hold a staging command,
// so that the common read-only commands are not split into words.
func mayStageESXi(cmdline string) bool {
	for _, w := range [...]string{"nfs", "esxcfg-nas", "snapshot.create", "vmkfstools", "scp", "wget", "curl", "cp", "mv", "tar", "dd"} {
		if strings.Contains(cmdline, w) {
			return true
		}
	}
	return false
}

// esxiCommands reads one shell command line: every simple command that adds
// an NFS datastore, creates a snapshot, clones a disk or transfers a file
// into a storage path. cd inside the line is followed for relative paths.
func esxiCommands(cmdline string, paths []string) []esxiAct {
	var out []esxiAct
	cwd := ""
	for _, argv := range SplitPOSIX(cmdline) {
		if len(argv) == 0 {
			continue
		}
		for len(argv) > 1 && shellPrefix(argv[0]) {
			argv = argv[1:]
		}
		name := commandName(argv[0])
		args := argv[1:]
		abs := func(p string) string {
			if p == "" || strings.HasPrefix(p, "/") || cwd == "" {
				return p
			}
			return strings.TrimSuffix(cwd, "/") + "/" + p
		}
		detail := strings.Join(argv, " ")
		switch name {
		case "cd":
			if len(args) > 0 {
				cwd = abs(args[0])
			}
		case "esxcli":
			if a, ok := esxcliNFS(args); ok {
				a.detail = detail
				out = append(out, a)
			}
		case "esxcfg-nas":
			// esxcfg-nas -a <label> -o <host> -s <share>
			if opt(args, "-a", "--add") != "" || has(args, "-a", "--add") {
				label := opt(args, "-a", "--add")
				a := esxiAct{cat: catMount, detail: detail}
				if h, s := opt(args, "-o", "--host"), opt(args, "-s", "--share"); h != "" && s != "" {
					a.share = h + ":" + s
				}
				if label != "" {
					a.store = "/vmfs/volumes/" + label
				}
				out = append(out, a)
			}
		case "vim-cmd":
			for i, w := range args {
				if strings.EqualFold(w, "vmsvc/snapshot.create") {
					a := esxiAct{cat: catSnapshot, detail: detail}
					if i+1 < len(args) {
						a.vm = args[i+1]
					}
					out = append(out, a)
				}
			}
		case "vmkfstools":
			src := opt(args, "-i", "--clonevirtualdisk")
			if src == "" {
				continue
			}
			a := esxiAct{cat: catClone, detail: detail, vm: abs(src)}
			for i := 0; i < len(args); i++ {
				switch w := args[i]; {
				case w == "-i" || w == "--clonevirtualdisk" || w == "-d" || w == "--diskformat" || w == "-a" || w == "--adaptertype":
					i++
				case !strings.HasPrefix(w, "-") && a.store == "":
					a.store = abs(w)
				}
			}
			out = append(out, a)
		default:
			if dst, ok := transferTarget(name, args, paths, abs); ok {
				out = append(out, esxiAct{cat: catTransfer, detail: detail, store: dst})
			}
		}
	}
	return out
}

// esxcliNFS reads "esxcli [conn options] storage nfs|nfs41 add -H h -s s -v v".
func esxcliNFS(args []string) (esxiAct, bool) {
	for i := 0; i+2 < len(args); i++ {
		if args[i] != "storage" || (args[i+1] != "nfs" && args[i+1] != "nfs41") || args[i+2] != "add" {
			continue
		}
		rest := args[i+3:]
		a := esxiAct{cat: catMount}
		host := opt(rest, "-H", "--host")
		if host == "" {
			host = opt(rest, "-H", "--hosts")
		}
		if share := opt(rest, "-s", "--share"); share != "" {
			a.share = host + ":" + share
		}
		if v := opt(rest, "-v", "--volume-name"); v != "" {
			a.store = "/vmfs/volumes/" + v
		}
		return a, true
	}
	return esxiAct{}, false
}

// transferTarget reports where a copy or download command writes, when it
// writes into a storage path, or copies VM files anywhere.
func transferTarget(name string, args []string, paths []string, abs func(string) string) (string, bool) {
	var dst string
	vmFile := false
	operands := func() []string {
		var out []string
		for _, a := range args {
			if !strings.HasPrefix(a, "-") {
				out = append(out, a)
			}
			vmFile = vmFile || isVMFile(a)
		}
		return out
	}
	switch name {
	case "scp", "cp", "mv":
		ops := operands()
		if len(ops) < 2 {
			return "", false
		}
		dst = ops[len(ops)-1]
		if strings.Contains(dst, ":") {
			// Copy to another host: an export when it takes VM files.
			return dst, vmFile
		}
		if name != "scp" && !vmFile {
			// cp and mv count only for VM files.
			return "", false
		}
	case "wget":
		dst = opt(args, "-O", "--output-document")
		if dst == "" {
			dst = opt(args, "-P", "--directory-prefix")
		}
	case "curl":
		dst = opt(args, "-o", "--output")
	case "tar":
		operands()
		if !vmFile {
			return "", false
		}
		dst = opt(args, "-f", "--file")
		if dst == "" {
			for _, a := range args {
				// "tar cf /tmp/a.tar": the archive follows a bundled f.
				if !strings.HasPrefix(a, "-") && strings.ContainsRune(a, 'f') && !strings.Contains(a, "/") {
					dst = nextAfter(args, a)
					break
				}
			}
		}
	case "dd":
		for _, a := range args {
			if v, ok := strings.CutPrefix(a, "of="); ok {
				dst = v
			}
			vmFile = vmFile || strings.HasPrefix(a, "if=") && isVMFile(a)
		}
		if !vmFile {
			return "", false
		}
	default:
		return "", false
	}
	dst = abs(dst)
	if vmFile {
		return dst, true
	}
	return dst, dst != "" && underAny(dst, paths)
}

// underAny reports whether p is under one of the folder prefixes.
func underAny(p string, prefixes []string) bool {
	for _, pre := range prefixes {
		if strings.HasPrefix(p, pre) || strings.TrimSuffix(pre, "/") == p {
			return true
		}
	}
	return false
}

// opt returns the value of a short or long option: "-o v", "-ov",
// "--long v" or "--long=v".
func opt(args []string, short, long string) string {
	for i, a := range args {
		switch {
		case a == short || a == long:
			if i+1 < len(args) {
				return args[i+1]
			}
		case strings.HasPrefix(a, long+"="):
			return a[len(long)+1:]
		case len(a) > 2 && a[0] == '-' && a[1] != '-' && a[len(a)-1] == short[1] && letters(a[1:]):
			// Bundled flags ending in the option: "-so FILE".
			if i+1 < len(args) {
				return args[i+1]
			}
		case len(short) == 2 && strings.HasPrefix(a, short) && len(a) > 2 && !strings.HasPrefix(a, "--"):
			return a[2:]
		}
	}
	return ""
}

func has(args []string, words ...string) bool {
	for _, a := range args {
		for _, w := range words {
			if a == w {
				return true
			}
		}
	}
	return false
}

func nextAfter(args []string, w string) string {
	for i, a := range args {
		if a == w && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func letters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

// shellPrefix reports whether a word precedes the command in a simple
// command: loop and condition keywords and wrappers that run what follows.
func shellPrefix(w string) bool {
	switch w {
	case "do", "then", "else", "{", "(", "!", "time", "nohup", "exec", "sudo", "command":
		return true
	}
	return false
}
