package decode

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Expand turns the paths a user names into the files to read, in order:
//
//   - "-" is standard input, kept as "-".
//   - A file is read as named, even when hidden or not a regular file (so
//     /dev/stdin and process substitution work).
//   - A folder is walked recursively in lexical order. Entries whose name
//     starts with "." (.git, .DS_Store) are skipped, as are sockets, pipes
//     and devices. Symbolic links to files are read; symbolic links to
//     folders are not followed inside a walk, so a link loop cannot trap
//     it (a folder named directly may itself be a link).
//   - A path that does not exist but holds glob metacharacters (* ? [) is
//     matched with filepath.Glob; each match is then expanded as above.
//
// A file reached twice (named twice, through a glob and a folder, or via a
// link) is read once, at its first position. Expand returns every file it
// found together with one error per problem — a missing path, a bad
// pattern, a pattern or folder with no files, an unreadable folder — each
// naming the path; the caller reports them and goes on with the files.
func Expand(args []string) ([]string, []error) {
	x := expander{seen: make(map[string]bool)}
	for _, arg := range args {
		x.arg(arg)
	}
	return x.files, x.errs
}

type expander struct {
	files []string
	errs  []error
	seen  map[string]bool // identity of each file already listed
}

func (x *expander) arg(arg string) {
	if arg == "-" {
		x.add("-", "-")
		return
	}
	if _, err := os.Lstat(arg); err != nil {
		if errors.Is(err, fs.ErrNotExist) && hasMeta(arg) {
			x.glob(arg)
			return
		}
		x.fail(arg, err)
		return
	}
	x.named(arg)
}

func (x *expander) glob(pattern string) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		x.errs = append(x.errs, fmt.Errorf("%s: bad pattern: %w", pattern, err))
		return
	}
	if len(matches) == 0 {
		x.errs = append(x.errs, fmt.Errorf("%s: no files match", pattern))
		return
	}
	for _, m := range matches {
		x.named(m)
	}
}

// named expands a path the user named (or a glob matched): links are
// followed and folders walked.
func (x *expander) named(path string) {
	info, err := os.Stat(path)
	if err != nil {
		x.fail(path, err)
		return
	}
	if !info.IsDir() {
		x.add(path, identity(path))
		return
	}
	before := len(x.files)
	x.walk(path)
	if len(x.files) == before {
		x.errs = append(x.errs, fmt.Errorf("%s: no files in folder", path))
	}
}

// walk lists dir recursively without following links to folders.
func (x *expander) walk(dir string) {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		x.fail(dir, err)
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		switch t := e.Type(); {
		case t.IsDir():
			x.walk(p)
		case t.IsRegular():
			x.add(p, identity(p))
		case t&fs.ModeSymlink != 0:
			info, err := os.Stat(p)
			if err != nil {
				x.fail(p, err) // a dangling link is worth a word
				continue
			}
			if info.Mode().IsRegular() {
				x.add(p, identity(p))
			}
		}
	}
}

func (x *expander) add(path, id string) {
	if x.seen[id] {
		return
	}
	x.seen[id] = true
	x.files = append(x.files, path)
}

func (x *expander) fail(path string, err error) {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the message names the path once
	}
	x.errs = append(x.errs, fmt.Errorf("%s: %w", path, err))
}

// identity returns a key that is the same for two names of one file: its
// absolute path with links resolved.
func identity(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	return abs
}

func hasMeta(path string) bool { return strings.ContainsAny(path, `*?[`) }
