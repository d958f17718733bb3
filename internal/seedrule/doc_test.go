package seedrule

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// docPath is docs/seed-rule.md, from this package's folder.
const docPath = "../../docs/seed-rule.md"

// caseName matches the fidelity cases: agreements and deliberate
// differences.
var caseName = regexp.MustCompile("^Test(Agree|Diff)[A-Z][A-Za-z0-9]*$")

// TestDocListsEveryCase checks that docs/seed-rule.md names every fidelity
// test and names no test that does not exist.
func TestDocListsEveryCase(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	var inDoc []string
	for _, m := range regexp.MustCompile("`(Test[A-Za-z0-9]+)`").FindAllStringSubmatch(string(doc), -1) {
		if caseName.MatchString(m[1]) {
			inDoc = append(inDoc, m[1])
		}
	}
	slices.Sort(inDoc)
	inDoc = slices.Compact(inDoc)

	files, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var inCode []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && caseName.MatchString(fn.Name.Name) {
				inCode = append(inCode, fn.Name.Name)
			}
		}
	}
	slices.Sort(inCode)
	if diff := cmp.Diff(inCode, inDoc); diff != "" {
		t.Errorf("fidelity tests (-in code +in %s):\n%s", docPath, diff)
	}
}

// TestDocQuotesTheSeed checks that the query in docs/seed-rule.md is the
// seed's, when the shared seeds are beside the project.
func TestDocQuotesTheSeed(t *testing.T) {
	seeds, _ := filepath.Glob("../../../shared/seeds/000_*.txt")
	if len(seeds) == 0 {
		t.Skip("../shared/seeds not present")
	}
	seed, err := os.ReadFile(seeds[0])
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(doc), "```kusto\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatalf("%s has no kusto block", docPath)
	}
	if !strings.Contains(squash(string(seed)), squash(block)) {
		t.Errorf("the kusto block in %s is not the seed's query", docPath)
	}
	for _, want := range []string{"let StagingPaths", "let BulkFileStaging", "let ArchiveStaging", "let BulkCopyStaging", "union"} {
		if !strings.Contains(block, want) {
			t.Errorf("the kusto block in %s lacks %q", docPath, want)
		}
	}
}

// squash collapses runs of white space.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }
