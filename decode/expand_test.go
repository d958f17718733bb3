package decode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tree writes files (path -> content) under a new folder and changes into
// it; a value of "->target" makes a symbolic link instead.
func tree(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	for name, content := range files {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if len(content) > 2 && content[:2] == "->" {
			if err := os.Symlink(content[2:], name); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestExpand(t *testing.T) {
	files := map[string]string{
		"logs/b.json":          "b",
		"logs/a.json":          "a",
		"logs/c.csv":           "c",
		"logs/sub/d.json":      "d",
		"logs/.git/config":     "hidden folder",
		"logs/.DS_Store":       "hidden file",
		"logs/loop":            "->..",     // a link loop: logs/loop -> logs' parent
		"logs/alias.json":      "->a.json", // a link to a file in the walk
		"logs/dangling":        "->nowhere",
		"one.json":             "one",
		".hidden.json":         "named directly",
		"empty/.keep":          "",
		"link-to-logs":         "->logs",
		"weird[name].json":     "brackets",
		"globs/x1.json":        "x1",
		"globs/x2.json":        "x2",
		"globs/y.txt":          "y",
		"globs/deeper/x3.json": "x3",
	}
	tests := []struct {
		name      string
		args      []string
		wantFiles []string
		wantErrs  []string
	}{
		{
			name:      "files as named, hidden too",
			args:      []string{"one.json", ".hidden.json"},
			wantFiles: []string{"one.json", ".hidden.json"},
		},
		{
			name:      "folder walked in order, hidden skipped, links to folders not followed",
			args:      []string{"logs"},
			wantFiles: []string{"logs/a.json", "logs/b.json", "logs/c.csv", "logs/sub/d.json"},
			wantErrs:  []string{"logs/dangling: no such file or directory"},
		},
		{
			name:      "a link named directly is followed",
			args:      []string{"link-to-logs/sub"},
			wantFiles: []string{"link-to-logs/sub/d.json"},
		},
		{
			name:      "duplicates read once at first position",
			args:      []string{"logs/b.json", "one.json", "./logs/b.json", "logs/sub", "logs/sub/d.json", "link-to-logs/sub/d.json"},
			wantFiles: []string{"logs/b.json", "one.json", "logs/sub/d.json"},
		},
		{
			name:      "glob of files, not recursive",
			args:      []string{"globs/*.json"},
			wantFiles: []string{"globs/x1.json", "globs/x2.json"},
		},
		{
			name:      "glob matching folders walks them",
			args:      []string{"glob?"},
			wantFiles: []string{"globs/deeper/x3.json", "globs/x1.json", "globs/x2.json", "globs/y.txt"},
		},
		{
			name:      "an existing name with brackets is not a pattern",
			args:      []string{"weird[name].json"},
			wantFiles: []string{"weird[name].json"},
		},
		{
			name:      "stdin once",
			args:      []string{"-", "one.json", "-"},
			wantFiles: []string{"-", "one.json"},
		},
		{
			name:      "problems are reported and the rest still listed",
			args:      []string{"missing.json", "one.json", "nomatch/*.json", "[", "empty"},
			wantFiles: []string{"one.json"},
			wantErrs: []string{
				"missing.json: no such file or directory",
				"nomatch/*.json: no files match",
				"[: bad pattern: syntax error in pattern",
				"empty: no files in folder",
			},
		},
	}
	tree(t, files)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files, errs := Expand(tc.args)
			var gotErrs []string
			for _, err := range errs {
				gotErrs = append(gotErrs, err.Error())
			}
			if diff := cmp.Diff(tc.wantFiles, files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantErrs, gotErrs); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
