// Package render turns typed records into a table, JSON, NDJSON or ids.
// It is the only package that imports tablewriter.
package render

import (
	"strings"

	"github.com/itchyny/gojq"

	"github.com/ticketctl/ticketctl/internal/fault"
)

// Output formats accepted by -o.
const (
	FormatTable  = "table"
	FormatJSON   = "json"
	FormatNDJSON = "ndjson"
	FormatIDs    = "ids"
)

// Formats lists the valid -o values in the order help shows them.
var Formats = []string{FormatTable, FormatJSON, FormatNDJSON, FormatIDs}

// Options are the output flags every data-returning command takes.
type Options struct {
	Format    string
	JQ        string
	NoHeaders bool

	jq *gojq.Code
}

// Validate checks the format and compiles --jq. With --jq and no explicit
// JSON format, the output is JSON.
func (o *Options) Validate() error {
	if o.Format == "" {
		o.Format = FormatTable
	}
	valid := false
	for _, f := range Formats {
		if o.Format == f {
			valid = true
		}
	}
	if !valid {
		return fault.Invalid("unknown output format %q: valid formats are %s", o.Format, strings.Join(Formats, ", "))
	}
	if o.JQ == "" {
		return nil
	}
	if o.Format == FormatTable || o.Format == FormatIDs {
		o.Format = FormatJSON
	}
	q, err := gojq.Parse(o.JQ)
	if err != nil {
		return fault.Invalid("--jq %q: %v", o.JQ, err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return fault.Invalid("--jq %q: %v", o.JQ, err)
	}
	o.jq = code
	return nil
}
