package tickets

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"strings"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// maxRecord bounds one input record: MongoDB's document limit is 16 MiB.
const maxRecord = 16 << 20

// record is one JSON value of an import file and the line it starts on.
type record struct {
	Line int
	Data []byte
}

// readRecords yields the records of NDJSON (one object per line, blank
// lines ignored) or of a JSON array, telling them apart by the first
// character. A line that is not JSON is still yielded: the caller reports
// it with its line number and goes on. A broken array cannot be resumed,
// so that is the iterator's error.
func readRecords(r io.Reader) iter.Seq2[record, error] {
	return func(yield func(record, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		first, err := firstByte(br)
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			yield(record{}, err)
			return
		}
		if first == '[' {
			readArray(br, yield)
			return
		}
		sc := bufio.NewScanner(br)
		sc.Buffer(make([]byte, 64<<10), maxRecord)
		line := 0
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if line == 1 {
				b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
			}
			if len(b) == 0 {
				continue
			}
			if !yield(record{Line: line, Data: bytes.Clone(b)}, nil) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				err = fault.Invalid("line %d is longer than %d MiB", line+1, maxRecord>>20)
			}
			yield(record{}, err)
		}
	}
}

// firstByte peeks at the first non-blank byte (after a UTF-8 BOM).
func firstByte(br *bufio.Reader) (byte, error) {
	for i := 1; ; i++ {
		b, err := br.Peek(i)
		if err != nil {
			return 0, err
		}
		c := b[i-1]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case i <= 3 && bytes.HasPrefix([]byte("\xef\xbb\xbf"), b):
			continue
		}
		return c, nil
	}
}

// readArray reads a JSON array whole (arrays are for small files; big
// ones should be NDJSON, which streams) and yields its elements.
func readArray(br *bufio.Reader, yield func(record, error) bool) {
	data, err := io.ReadAll(br)
	if err != nil {
		yield(record{}, err)
		return
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := lineCounter(data)
	if _, err := dec.Token(); err != nil {
		yield(record{}, fault.Invalid("line 1: %v", err))
		return
	}
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			// The decoder's offsets do not point at the error; the element
			// it was reading starts after the separator.
			start := int(dec.InputOffset())
			for start < len(data) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
				start++
			}
			yield(record{}, fault.Invalid("line %d: the JSON array element starting here is malformed: %v", lineAt(start), err))
			return
		}
		start := int(dec.InputOffset()) - len(raw)
		if !yield(record{Line: lineAt(start), Data: raw}, nil) {
			return
		}
	}
	if _, err := dec.Token(); err != nil {
		yield(record{}, fault.Invalid("line %d: the JSON array is not closed: %v", lineAt(int(dec.InputOffset())), err))
	}
}

// lineCounter returns the 1-based line of a byte offset; offsets must not
// decrease between calls.
func lineCounter(data []byte) func(off int) int {
	pos, line := 0, 1
	return func(off int) int {
		if off > len(data) {
			off = len(data)
		}
		line += bytes.Count(data[pos:off], []byte{'\n'})
		pos = off
		return line
	}
}
