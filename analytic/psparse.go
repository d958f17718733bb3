package analytic

import "strings"

// splitPowerShell splits a PowerShell script into statements of words:
// statements end at unquoted ; | newlines and braces or parentheses;
// 'single' quotes are literal (a doubled one is a quote), "double" quotes and bare
// words honour backtick escapes. Variables are kept as written.
func splitPowerShell(s string) [][]string {
	cmds, _ := splitPowerShellPipes(s)
	return cmds
}

// splitPowerShellPipes is splitPowerShell that also reports, per statement,
// whether the previous statement's output is piped into it.
//
// It reads scripts as script block logging records them, not only one-line
// -Command arguments: # and <# #> comments are skipped, a backtick at the
// end of a line continues the statement, a here-string (@" "@, @' '@) is one
// word, and a parenthesised argument ((Join-Path $env:TEMP x), $(...)) stays
// one word of its command, its own commands following the pipeline.
// (Join-Path A B) of two plain words becomes the word A\B.
func splitPowerShellPipes(s string) (cmds [][]string, piped []bool) {
	var p psSplitter
	p.split(s, 0)
	return p.cmds, p.piped
}

// maxParenDepth bounds the nesting of parenthesised arguments that are
// split for the commands inside; deeper ones stay opaque words.
const maxParenDepth = 4

type psSplitter struct {
	cmds     [][]string
	piped    []bool
	cur      []string
	word     strings.Builder
	inWord   bool
	braces   int // { opened inside the current word, as in c:\users\{user}\x
	pipeNext bool
	// deferred holds the commands of the current pipeline's parenthesised
	// arguments, emitted when the pipeline ends so that they do not cut it.
	deferred      [][]string
	deferredPiped []bool
}

func (p *psSplitter) endWord() {
	if p.inWord {
		p.cur = append(p.cur, p.word.String())
		p.word.Reset()
		p.inWord = false
		p.braces = 0
	}
}

// endCmd ends the current statement; pipe says a | ended it.
func (p *psSplitter) endCmd(pipe bool) {
	p.endWord()
	if len(p.cur) > 0 {
		p.cmds = append(p.cmds, p.cur)
		p.piped = append(p.piped, p.pipeNext)
		p.cur = nil
		p.pipeNext = pipe
	} else {
		// (gci x) | out-file y: the pipe follows a closing parenthesis.
		p.pipeNext = pipe && len(p.cmds) > 0
	}
	if !pipe && len(p.deferred) > 0 {
		p.cmds = append(p.cmds, p.deferred...)
		p.piped = append(p.piped, p.deferredPiped...)
		p.deferred, p.deferredPiped = nil, nil
		p.pipeNext = false
	}
}

func (p *psSplitter) split(s string, depth int) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			p.endWord()
		case c == '#' && !p.inWord:
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				i = len(s)
				break
			}
			i += j - 1 // the newline ends the statement next
		case c == '<' && !p.inWord && i+1 < len(s) && s[i+1] == '#':
			j := strings.Index(s[i+2:], "#>")
			if j < 0 {
				i = len(s)
				break
			}
			i += 2 + j + 1
		case c == '@' && !p.inWord && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\'') && hereStart(s[i+2:]):
			i = p.hereString(s, i)
		case c == '{' && p.inWord:
			p.braces++
			p.word.WriteByte(c)
		case c == '}' && p.braces > 0:
			p.braces--
			p.word.WriteByte(c)
		case c == '(' && (p.inWord || len(p.cur) > 0):
			i = p.parenArg(s, i, depth)
		case c == '|':
			if i+1 < len(s) && s[i+1] == '|' {
				i++
				p.endCmd(false)
				break
			}
			p.endCmd(true)
		case c == ';' || c == '\n' || c == '{' || c == '}' || c == '(' || c == ')':
			p.endCmd(false)
		case c == '&' && i+1 < len(s) && s[i+1] == '&':
			p.endCmd(false)
			i++
		case c == '`':
			if rest := strings.TrimPrefix(s[i+1:], "\r"); strings.HasPrefix(rest, "\n") {
				p.endWord() // line continuation
				i = len(s) - len(rest)
				break
			}
			p.inWord = true
			if i+1 < len(s) {
				i++
				p.word.WriteByte(s[i])
			}
		case c == '\'':
			p.inWord = true
			for i++; i < len(s); i++ {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						p.word.WriteByte('\'')
						i++
						continue
					}
					break
				}
				p.word.WriteByte(s[i])
			}
		case c == '"':
			p.inWord = true
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '`' && i+1 < len(s) {
					i++
				}
				p.word.WriteByte(s[i])
			}
		default:
			p.inWord = true
			p.word.WriteByte(c)
		}
	}
	p.endCmd(false)
}

// hereStart reports whether what follows @" or @' opens a here-string:
// only blanks up to the end of the line.
func hereStart(rest string) bool {
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case ' ', '\t', '\r':
		case '\n':
			return true
		default:
			return false
		}
	}
	return false
}

// hereString reads the here-string opening at s[i] as one word and returns
// the index of its last byte. Its body runs from the next line to a line
// starting with the closing "@ (or '@); an unclosed one runs to the end.
func (p *psSplitter) hereString(s string, i int) int {
	close := string(s[i+1]) + "@"
	nl := i + 2 + strings.IndexByte(s[i+2:], '\n')
	body := s[nl:] // from the newline, so an empty body still has one before "@
	end := strings.Index(body, "\n"+close)
	text := ""
	switch {
	case end < 0:
		text, i = body[1:], len(s)
	case end > 0:
		text, i = body[1:end], nl+end+len(close)
	default:
		i = nl + len(close)
	}
	p.inWord = true
	p.word.WriteString(strings.TrimSuffix(text, "\r"))
	p.endWord()
	return i
}

// parenArg reads the parenthesised argument opening at s[i] into the
// current word and returns the index of its closing parenthesis. The
// commands inside run before the pipeline's output is used, and are
// emitted after the pipeline.
func (p *psSplitter) parenArg(s string, i, depth int) int {
	j := closeParen(s, i)
	inner := s[i+1 : j]
	text := "(" + inner
	if j < len(s) {
		text += ")"
	}
	if depth < maxParenDepth {
		var q psSplitter
		q.split(inner, depth+1)
		if v, ok := joinPath(q.cmds); ok && (!p.inWord || strings.HasSuffix(p.word.String(), ":")) {
			text = v
		}
		p.deferred = append(p.deferred, q.cmds...)
		p.deferredPiped = append(p.deferredPiped, q.piped...)
	}
	p.inWord = true
	p.word.WriteString(text)
	if j == len(s) {
		return j - 1
	}
	return j
}

// closeParen returns the index of the parenthesis closing the one at s[i],
// skipping quoted strings, or len(s) when it is not closed.
func closeParen(s string, i int) int {
	depth := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return i
			}
		case '`':
			i++
		case '\'':
			if j := strings.IndexByte(s[i+1:], '\''); j >= 0 {
				i += 1 + j
			} else {
				return len(s)
			}
		case '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '`' {
					i++
				}
			}
			if i >= len(s) {
				return len(s)
			}
		}
	}
	return len(s)
}

// joinPath evaluates a lone Join-Path [-Path] A [-ChildPath] B of plain
// words to A\B, as scripts build staging folders.
func joinPath(cmds [][]string) (string, bool) {
	if len(cmds) != 1 || len(cmds[0]) < 3 || commandName(cmds[0][0]) != "join-path" {
		return "", false
	}
	var parent, child string
	var pos []string
	args := cmds[0][1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		name, val, has := strings.Cut(strings.ToLower(a[1:]), ":")
		if !has {
			if i+1 >= len(args) {
				return "", false
			}
			i++
			val = args[i]
		}
		switch {
		case isPrefix(name, "path", 1):
			parent = val
		case isPrefix(name, "childpath", 2):
			child = val
		default:
			return "", false
		}
	}
	for _, v := range pos {
		switch {
		case parent == "":
			parent = v
		case child == "":
			child = v
		default:
			return "", false
		}
	}
	if parent == "" || child == "" || strings.ContainsAny(parent+child, "()") {
		return "", false
	}
	return strings.TrimRight(parent, `\/`) + `\` + strings.TrimLeft(child, `\/`), true
}
