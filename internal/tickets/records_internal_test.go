package tickets

import (
	"slices"
	"strings"
	"testing"
)

func collect(t *testing.T, in string) ([]int, []string, error) {
	t.Helper()
	var lines []int
	var data []string
	for r, err := range readRecords(strings.NewReader(in)) {
		if err != nil {
			return lines, data, err
		}
		lines = append(lines, r.Line)
		data = append(data, string(r.Data))
	}
	return lines, data, nil
}

func TestReadRecordsLineNumbers(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		lines []int
		fails bool
	}{
		{"ndjson", "{\"a\":1}\n{\"a\":2}\n", []int{1, 2}, false},
		{"ndjson blank lines and no final newline", "\n{\"a\":1}\n\n  \n{\"a\":2}", []int{2, 5}, false},
		{"ndjson bom and crlf", "\xef\xbb\xbf{\"a\":1}\r\n{\"a\":2}\r\n", []int{1, 2}, false},
		{"ndjson broken line is still a record", "{\"a\":1}\nnot json\n{\"a\":3}\n", []int{1, 2, 3}, false},
		{"array one line", `[{"a":1},{"a":2}]`, []int{1, 1}, false},
		{"array pretty", "[\n  {\n    \"a\": 1\n  },\n  {\"a\": 2}\n]\n", []int{2, 5}, false},
		{"array with leading blank and bom", "\xef\xbb\xbf\n\n[{\"a\":1}]", []int{3}, false},
		{"empty", "", nil, false},
		{"only blanks", "\n \n", nil, false},
		{"broken array", "[\n{\"a\":1},\n{\"a\":\n", []int{2}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lines, _, err := collect(t, tc.in)
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v, want failure %v", err, tc.fails)
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("lines %v, want %v", lines, tc.lines)
			}
		})
	}
}

func TestReadRecordsBrokenArrayNamesLine(t *testing.T) {
	_, _, err := collect(t, "[\n{\"a\":1},\n{\"a\": oops}\n]")
	if err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("err = %v, want it to name line 3", err)
	}
}
