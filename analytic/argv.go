package analytic

import "strings"

// SplitWindows splits a Windows command line into arguments by the rules of
// CommandLineToArgvW and the Microsoft C runtime: the program name ends at
// the first space or the closing quote of a leading quote, with no escapes;
// later arguments end at unquoted spaces or tabs; 2n backslashes before a
// quote give n backslashes and toggle quoting, 2n+1 give n backslashes and a
// literal quote; "" inside quotes is a literal quote.
func SplitWindows(s string) []string {
	var out []string
	for _, tok := range windowsTokens(s) {
		out = append(out, tok.text)
	}
	return out
}

// token is an argument and the offset in the command line just after it.
type token struct {
	text string
	end  int
}

func windowsTokens(s string) []token {
	var out []token
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	if i == len(s) {
		return nil
	}
	// Program name.
	if s[i] == '"' {
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			return append(out, token{s[i+1:], len(s)})
		}
		out = append(out, token{s[i+1 : i+1+j], i + 2 + j})
		i += 2 + j
	} else {
		j := strings.IndexAny(s[i:], " \t")
		if j < 0 {
			return append(out, token{s[i:], len(s)})
		}
		out = append(out, token{s[i : i+j], i + j})
		i += j
	}
	var b strings.Builder
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return out
		}
		b.Reset()
		quoted := false
		for i < len(s) {
			c := s[i]
			if (c == ' ' || c == '\t') && !quoted {
				break
			}
			if c == '\\' {
				n := 0
				for i < len(s) && s[i] == '\\' {
					n++
					i++
				}
				if i < len(s) && s[i] == '"' {
					// A quoted folder with a trailing backslash ("C:\dst\")
					// ends the argument, as cmd, xcopy and the people who
					// type it read it, although the C runtime's rules would
					// make \" a literal quote and swallow the next
					// arguments into this one.
					if quoted && n%2 == 1 && (i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t') {
						b.WriteString(strings.Repeat(`\`, n))
						quoted = false
						i++
						continue
					}
					b.WriteString(strings.Repeat(`\`, n/2))
					if n%2 == 1 {
						b.WriteByte('"')
						i++
					}
					continue
				}
				b.WriteString(strings.Repeat(`\`, n))
				continue
			}
			if c == '"' {
				if quoted && i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				quoted = !quoted
				i++
				continue
			}
			b.WriteByte(c)
			i++
		}
		out = append(out, token{b.String(), i})
	}
}

// SplitPOSIX splits a POSIX shell command into simple commands and their
// words: single quotes are literal, double quotes allow \" \\ \$ \`, a
// backslash outside quotes escapes the next byte, and unquoted ; & | && ||
// and newlines end a command. Nothing is expanded.
func SplitPOSIX(s string) [][]string {
	cmds, _ := splitPOSIXPipes(s)
	return cmds
}

// splitPOSIXPipes is SplitPOSIX that also reports, per command, whether the
// previous command's output is piped into it (a single unquoted |).
func splitPOSIXPipes(s string) (cmds [][]string, piped []bool) {
	var cur []string
	var b strings.Builder
	inWord := false
	pipeNext := false
	endWord := func() {
		if inWord {
			cur = append(cur, b.String())
			b.Reset()
			inWord = false
		}
	}
	endCmd := func(pipe bool) {
		endWord()
		if len(cur) > 0 {
			cmds = append(cmds, cur)
			piped = append(piped, pipeNext)
			cur = nil
			pipeNext = pipe
		} else if !pipe {
			pipeNext = false
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			endWord()
		case c == '|' && i+1 < len(s) && s[i+1] == '|':
			i++
			endCmd(false)
		case c == '|':
			endCmd(true)
		case c == ';' || c == '&' || c == '\n' || c == '(' || c == ')':
			endCmd(false)
		case c == '\\':
			inWord = true
			if i+1 < len(s) {
				i++
				if s[i] != '\n' {
					b.WriteByte(s[i])
				}
			}
		case c == '\'':
			inWord = true
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				b.WriteString(s[i+1:])
				i = len(s)
				break
			}
			b.WriteString(s[i+1 : i+1+j])
			i += 1 + j
		case c == '"':
			inWord = true
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\"\\$`", s[i+1]) >= 0 {
					i++
				}
				b.WriteByte(s[i])
			}
		default:
			inWord = true
			b.WriteByte(c)
		}
	}
	endCmd(false)
	return cmds, piped
}

// splitCmdScript splits what follows cmd /c into commands at unquoted & | &&
// || and parentheses, honouring ^ escapes. A leading quote and the last quote
// are stripped first, as cmd does for /c "...".
func splitCmdScript(s string) []string {
	cmds, _ := splitCmdPipes(s)
	return cmds
}

// splitCmdPipes is splitCmdScript that also reports, per command, whether
// the previous command's output is piped into it (a single unquoted |).
func splitCmdPipes(s string) (cmds []string, piped []bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		if j := strings.LastIndexByte(s, '"'); j > 0 {
			s = s[1:j] + s[j+1:]
		}
	}
	var b strings.Builder
	quoted := false
	pipeNext := false
	flush := func(pipe bool) {
		if t := strings.TrimSpace(b.String()); t != "" {
			cmds = append(cmds, t)
			piped = append(piped, pipeNext)
			pipeNext = pipe
		} else if !pipe {
			pipeNext = false
		}
		b.Reset()
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			quoted = !quoted
			b.WriteByte(c)
		case c == '^' && !quoted && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case !quoted && c == '|':
			if i+1 < len(s) && s[i+1] == '|' {
				i++
				flush(false)
				continue
			}
			flush(true)
		case !quoted && (c == '&' || c == '(' || c == ')' || c == '\n'):
			flush(false)
		default:
			b.WriteByte(c)
		}
	}
	flush(false)
	return cmds, piped
}

// commandName returns the lower-case command name of a program argument:
// its base name without an .exe suffix or a leading call operator.
func commandName(arg string) string {
	arg = strings.TrimLeft(arg, "&.@")
	if i := strings.LastIndexAny(arg, `\/`); i >= 0 {
		arg = arg[i+1:]
	}
	arg = strings.ToLower(arg)
	return strings.TrimSuffix(arg, ".exe")
}
