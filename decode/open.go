package decode

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/stagewatch/stagewatch"
)

// Whole-file problems. Open wraps them in a *FileError naming the file;
// callers branch with errors.Is to count skipped files by reason.
var (
	ErrEmpty         = errors.New("empty file")
	ErrBinary        = errors.New("binary file, not text")
	ErrUnknownFormat = errors.New("format not recognised")
	ErrGzip          = errors.New("corrupt gzip")
)

// FileError is a problem with a whole input: it cannot be opened, is empty,
// binary, in no known format, or its compression is corrupt. The caller
// reports it, counts the file as skipped and goes on with the next.
type FileError struct {
	File string // as named by the user; "-" is standard input
	Err  error
}

// Error names the file once, even when a decoder's own error names it too.
func (e *FileError) Error() string {
	msg := e.Err.Error()
	if e.File != "" && strings.HasPrefix(msg, e.File+": ") {
		msg = msg[len(e.File)+2:]
	}
	return displayName(e.File) + ": " + msg
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

func displayName(file string) string {
	switch file {
	case "-":
		return "<stdin>"
	case "":
		return "<input>"
	}
	return file
}

// Input is one opened input: a stagewatch.Source that also knows its name,
// its format and how much it has read.
type Input struct {
	name    string
	format  string
	src     stagewatch.Source
	raw     *countingReader
	closer  io.Closer // the file OpenFile opened, if any
	events  int64
	bad     int64
	ignored interface{ Ignored() int }
}

// Stats are an input's counters.
type Stats struct {
	Format  string `json:"format"`
	Events  int64  `json:"events"`  // events returned
	Bad     int64  `json:"bad"`     // records returned as *stagewatch.DecodeError
	Ignored int64  `json:"ignored"` // records read but of no kind stagewatch uses
	Bytes   int64  `json:"bytes"`   // bytes read from the file, before decompression
}

// OpenFile opens the file at path and then behaves as Open. Standard input
// ("-") is not opened here; pass it to Open, so the caller owns it.
func OpenFile(path string, o Options) (*Input, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{File: path, Err: unwrapPathError(err)}
	}
	in, err := Open(path, f, o)
	if err != nil {
		f.Close()
		return nil, err
	}
	in.closer = f
	return in, nil
}

// unwrapPathError drops the path from an *os.PathError; FileError names the
// file already.
func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// Open prepares r for decoding. name is how the input is reported ("-" for
// standard input). Gzip is undone when r starts with the gzip magic bytes,
// whatever the name; a UTF-8 byte order mark is dropped and UTF-16 text is
// converted to UTF-8. The format is o.Format if set, else sniffed from the
// first HeadSize bytes. Whole-file problems are returned as *FileError.
func Open(name string, r io.Reader, o Options) (*Input, error) {
	o.File = name
	var forced *Format
	if o.Format != "" && o.Format != "auto" {
		f, err := Lookup(o.Format)
		if err != nil {
			return nil, err
		}
		forced = &f
	}
	fail := func(err error) (*Input, error) { return nil, &FileError{File: name, Err: err} }

	raw := &countingReader{r: r}
	br := bufio.NewReaderSize(raw, HeadSize)
	magic, err := br.Peek(2)
	if len(magic) == 0 {
		if err == io.EOF {
			return fail(ErrEmpty)
		}
		return fail(err)
	}
	body := br
	compressed := len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
	if compressed {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fail(gzipError(err))
		}
		body = bufio.NewReaderSize(&gzipReader{zr}, HeadSize)
	}
	tr, err := newTextReader(body)
	if err != nil {
		if compressed {
			return fail(gzipError(err))
		}
		return fail(err)
	}
	head, err := tr.Peek(HeadSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		if compressed {
			return fail(gzipError(err))
		}
		return fail(err)
	}
	if len(bytes.TrimSpace(head)) == 0 {
		if compressed {
			return fail(fmt.Errorf("%w after decompression", ErrEmpty))
		}
		return fail(ErrEmpty)
	}
	var f Format
	switch {
	case forced != nil:
		f = *forced
	default:
		var ok bool
		if f, ok = Sniff(head); !ok {
			if what, bin := binaryKind(head); bin {
				return fail(fmt.Errorf("%w (%s)", ErrBinary, what))
			}
			return fail(fmt.Errorf("%w; known formats: %s; use --format to force", ErrUnknownFormat, knownNames()))
		}
	}
	in := &Input{name: name, format: f.Name, raw: raw, src: f.Open(tr, o)}
	in.ignored, _ = in.src.(interface{ Ignored() int })
	return in, nil
}

// Decode returns the next event, as stagewatch.Source describes, counting
// events and bad records. An error that ends the input is a *FileError.
func (in *Input) Decode() (*stagewatch.Event, error) {
	ev, err := in.src.Decode()
	if err == nil {
		in.events++
		return ev, nil
	}
	var de *stagewatch.DecodeError
	var fe *FileError
	switch {
	case err == io.EOF:
		return nil, err
	case errors.As(err, &de):
		in.bad++
		return nil, err
	case errors.As(err, &fe):
		return nil, err
	}
	return nil, &FileError{File: in.name, Err: err}
}

// Name returns the input's name as given to Open.
func (in *Input) Name() string { return in.name }

// Format returns the name of the input's format.
func (in *Input) Format() string { return in.format }

// Stats returns the input's counters so far.
func (in *Input) Stats() Stats {
	s := Stats{Format: in.format, Events: in.events, Bad: in.bad, Bytes: in.raw.n}
	if in.ignored != nil {
		s.Ignored = int64(in.ignored.Ignored())
	}
	return s
}

// BytesRead returns how many bytes have been read from the underlying input
// so far, before decompression, for progress against the file size. It
// makes Input a detect.ByteCounter.
func (in *Input) BytesRead() int64 { return in.raw.n }

// Close closes the file OpenFile opened; for Open it does nothing, as the
// caller owns the reader.
func (in *Input) Close() error {
	if in.closer == nil {
		return nil
	}
	err := in.closer.Close()
	in.closer = nil
	return err
}

// countingReader counts the bytes read from the underlying input, for
// progress reporting against the file size.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// gzipReader reports a truncated or corrupt stream as ErrGzip, so the
// decoder's fatal error says what is wrong with the file.
type gzipReader struct{ zr *gzip.Reader }

func (g *gzipReader) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

func gzipError(err error) error {
	if errors.Is(err, ErrGzip) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return fmt.Errorf("%w: truncated stream", ErrGzip)
	}
	return fmt.Errorf("%w: %s", ErrGzip, strings.TrimPrefix(err.Error(), "gzip: "))
}
