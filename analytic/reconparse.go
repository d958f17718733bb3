package analytic

import (
	"strings"
)

// Discovery knows the discovery commands of discovery.txt.
type Discovery struct {
	byName map[string][][]string // command name -> subcommand word lists ("" entry: any)
}

// NewDiscovery parses discovery entries ("whoami", "net user").
func NewDiscovery(entries List) *Discovery {
	d := &Discovery{byName: make(map[string][][]string)}
	for _, raw := range entries {
		f := strings.Fields(strings.ToLower(stripComment(raw)))
		if len(f) == 0 {
			continue
		}
		name := commandName(f[0])
		d.byName[name] = append(d.byName[name], f[1:])
	}
	return d
}

// match returns the entry argv runs ("net user"), or "".
func (d *Discovery) match(argv []string) string {
	name := commandName(argv[0])
	for _, words := range d.byName[name] {
		if len(argv)-1 < len(words) {
			continue
		}
		ok := true
		for i, w := range words {
			ok = ok && strings.EqualFold(argv[1+i], w)
		}
		if ok {
			return strings.TrimSpace(name + " " + strings.Join(words, " "))
		}
	}
	return ""
}

// reconOutput is one discovery command whose output went into a file.
type reconOutput struct {
	command string // the discovery entry, "net user"
	target  string // the file, as the (normalized) command line names it
}

// outputs finds the discovery commands of a normalized command line whose
// output is redirected into a file: > and >> (also glued, whoami>a.txt), and
// PowerShell pipelines into Out-File, Tee-Object, Set-Content, Add-Content or
// Export-Csv. A redirection or file cmdlet anywhere in a pipeline takes the
// output of the discovery commands before it.
func (d *Discovery) outputs(norm string, syn lineSyntax) []reconOutput {
	var out []reconOutput
	var found, targets []string
	flush := func() {
		for _, c := range found {
			for _, t := range targets {
				out = append(out, reconOutput{c, t})
			}
		}
		found, targets = found[:0], targets[:0]
	}
	w := walker{visit: func(c command) {
		if !c.piped {
			flush()
		}
		if e := d.match(c.argv); e != "" {
			found = append(found, e)
		}
		targets = append(targets, redirectTargets(c.argv)...)
		if t := fileCmdlet(c.argv); t != "" && c.sh == shellPowerShell {
			targets = append(targets, t)
		}
	}}
	w.walk(norm, syn)
	flush()
	return out
}

// redirectTargets returns the files stdout is redirected into: "> f",
// ">> f", ">f", "1>f", "cmd>f". Stderr (2>), handle duplication (>&1) and
// the null device are not files.
func redirectTargets(argv []string) []string {
	var out []string
	for i, a := range argv {
		j := strings.IndexByte(a, '>')
		if j < 0 {
			continue
		}
		if j > 0 && a[j-1] == '2' && (j == 1 || a[j-2] == ' ') {
			continue // 2>file
		}
		rest := strings.TrimPrefix(a[j+1:], ">")
		if rest == "" && i+1 < len(argv) {
			rest = argv[i+1]
		}
		rest = strings.Trim(rest, `"'`)
		if rest == "" || rest[0] == '&' || rest == "nul" || rest == "$null" || rest == "/dev/null" {
			continue
		}
		out = append(out, rest)
	}
	return out
}

// fileCmdlet returns the file a PowerShell output cmdlet writes: -FilePath,
// -Path, -LiteralPath (or their prefixes, or -Name:value) or the first
// positional argument.
func fileCmdlet(argv []string) string {
	switch commandName(argv[0]) {
	case "out-file", "tee-object", "tee", "set-content", "sc", "add-content", "ac", "export-csv", "epcsv", "export-clixml":
	default:
		return ""
	}
	var pos []string
	for i := 1; i < len(argv); i++ {
		a := argv[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, val, has := strings.Cut(a[1:], ":")
		if !has && i+1 < len(argv) {
			val = argv[i+1]
		}
		switch {
		case isPrefix(name, "filepath", 1) || isPrefix(name, "path", 1) || isPrefix(name, "literalpath", 1) || name == "lp":
			return val
		case isPrefix(name, "variable", 1):
			return "" // Tee-Object into a variable
		case isPrefix(name, "encoding", 1) || isPrefix(name, "width", 1) || isPrefix(name, "value", 2) || isPrefix(name, "delimiter", 1) ||
			isPrefix(name, "inputobject", 1):
			if !has {
				i++
			}
		}
	}
	if len(pos) > 0 {
		return pos[0]
	}
	return ""
}
