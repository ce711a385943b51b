// Command evaldata is the glue of `make eval` (scripts/eval.sh): it turns
// the public data sets into what ticketctl imports and reads ticketctl's
// JSON output back into the summary lines. It never touches a database;
// everything it measures goes through ticketctl's own commands.
//
//	evaldata categories  DIR                          Banking77 categories, one per line
//	evaldata banking77   DIR TEAMS OUT                tickets NDJSON (train then test); prints the test start
//	evaldata bitext      DIR OUT-QUERIES OUT-CALIB    match queries (every other utterance) and calibration queries (the rest)
//	evaldata report-banking77 EVAL.json               "eval banking77 accuracy=… macro_f1=… nb_accuracy=…"
//	evaldata report-bitext DIR RESULTS.ndjson         "eval bitext-faq top1=… mrr=…" (+ auto-resolution on the match half)
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Where the two Banking77 splits sit in time: the whole training split is
// older than the test split, so a time-ordered hold-out starting at
// testStart is exactly the official test split.
var (
	trainStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	testStart  = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: evaldata categories|banking77|bitext|report-banking77|report-bitext ARGS")
	}
	var err error
	args := os.Args[2:]
	switch cmd := os.Args[1]; {
	case cmd == "categories" && len(args) == 1:
		err = categories(args[0])
	case cmd == "banking77" && len(args) == 3:
		err = banking77(args[0], args[1], args[2])
	case cmd == "bitext" && len(args) == 3:
		err = bitext(args[0], args[1], args[2])
	case cmd == "report-banking77" && len(args) == 1:
		err = reportBanking77(args[0])
	case cmd == "report-bitext" && len(args) == 2:
		err = reportBitext(args[0], args[1])
	default:
		fail("evaldata: unknown command or wrong arguments: " + strings.Join(os.Args[1:], " "))
	}
	if err != nil {
		fail("evaldata: " + err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, msg)
	os.Exit(1)
}

// readCSV returns the rows of a CSV file as maps keyed by its header.
func readCSV(path string) ([]map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	out := make([]map[string]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func categories(dir string) error {
	rows, err := readCSV(dir + "/train.csv")
	if err != nil {
		return err
	}
	var cs []string
	for _, r := range rows {
		if !slices.Contains(cs, r["category"]) {
			cs = append(cs, r["category"])
		}
	}
	slices.Sort(cs)
	for _, c := range cs {
		fmt.Println(c)
	}
	return nil
}

// oneLine replaces control characters (which ticket titles refuse) by
// spaces and collapses runs of white space.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
}

// titleAndDescription keeps the text whole: it is the title when it fits
// (200 characters), else the title is its first words and the description
// the rest, so title + " " + description is the original text.
func titleAndDescription(text string) (string, string) {
	text = oneLine(text)
	if utf8.RuneCountInString(text) <= 200 {
		return text, ""
	}
	words := strings.Fields(text)
	title := ""
	i := 0
	for ; i < len(words); i++ {
		next := strings.TrimSpace(title + " " + words[i])
		if utf8.RuneCountInString(next) > 200 {
			break
		}
		title = next
	}
	return title, strings.Join(words[i:], " ")
}

type ticket struct {
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Tags        []string          `json:"tags"`
	Status      string            `json:"status"`
	Team        map[string]string `json:"team"`
	CreatedAt   map[string]string `json:"created_at"`
}

// banking77 writes the training split as older history and the test split
// as newer tickets, each assigned to its category's team (the teams file
// has "category id" lines), in mongoexport's shape.
func banking77(dir, teamsPath, out string) error {
	teams := map[string]string{}
	b, err := os.ReadFile(teamsPath)
	if err != nil {
		return err
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			teams[f[0]] = f[1]
		}
	}
	w, err := os.Create(out)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, split := range []struct {
		file  string
		start time.Time
	}{{"train.csv", trainStart}, {"test.csv", testStart}} {
		rows, err := readCSV(dir + "/" + split.file)
		if err != nil {
			return err
		}
		// The files are sorted by category; tickets do not arrive that
		// way, and a time-ordered hold-out of a sorted file would hold
		// out a few categories only. A fixed shuffle keeps runs equal.
		rng := rand.New(rand.NewPCG(77, uint64(len(rows))))
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for i, r := range rows {
			id, ok := teams[r["category"]]
			if !ok {
				return fmt.Errorf("%s line %d: no team for category %q", split.file, i+2, r["category"])
			}
			title, desc := titleAndDescription(r["text"])
			at := split.start.Add(time.Duration(i) * time.Minute)
			if err := enc.Encode(ticket{Title: title, Description: desc, Tags: []string{}, Status: "complete",
				Team: map[string]string{"$oid": id}, CreatedAt: map[string]string{"$date": at.Format(time.RFC3339)}}); err != nil {
				return err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Println(testStart.Format(time.RFC3339))
	return nil
}

// bitext writes every utterance as a match query {"id", "text"}; the odd
// ones also go to the calibration file with the intent that answers them,
// so the threshold is chosen on queries the auto-resolution figures are
// not measured on.
func bitext(dir, queriesPath, calibPath string) error {
	rows, err := readCSV(dir + "/bitext_v1_canonical.csv")
	if err != nil {
		return err
	}
	q, err := os.Create(queriesPath)
	if err != nil {
		return err
	}
	c, err := os.Create(calibPath)
	if err != nil {
		return err
	}
	qw, cw := bufio.NewWriter(q), bufio.NewWriter(c)
	for i, r := range rows {
		if err := json.NewEncoder(qw).Encode(map[string]any{"id": i, "text": r["instruction"]}); err != nil {
			return err
		}
		if i%2 == 1 {
			if err := json.NewEncoder(cw).Encode(map[string]any{"text": r["instruction"], "faq": r["intent"]}); err != nil {
				return err
			}
		}
	}
	for _, f := range []interface {
		Flush() error
	}{qw, cw} {
		if err := f.Flush(); err != nil {
			return err
		}
	}
	if err := q.Close(); err != nil {
		return err
	}
	return c.Close()
}

func reportBanking77(path string) error {
	var r struct {
		Train struct {
			Docs int `json:"docs"`
		} `json:"train"`
		Test struct {
			Docs int `json:"docs"`
		} `json:"test"`
		LogReg struct {
			Accuracy float64 `json:"accuracy"`
			MacroF1  float64 `json:"macro_f1"`
			TrainMS  int64   `json:"train_ms"`
			PerSec   float64 `json:"predict_per_second"`
		} `json:"logreg"`
		NaiveBayes struct {
			Accuracy float64 `json:"accuracy"`
			MacroF1  float64 `json:"macro_f1"`
		} `json:"naive_bayes"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if r.Test.Docs == 0 {
		return fmt.Errorf("%s: no test tickets", path)
	}
	fmt.Fprintf(os.Stderr, "banking77: trained on %d, tested on %d; logreg macro-F1 %.3f, NB macro-F1 %.3f; logreg trained in %.1fs, predicts %.0f tickets/s\n",
		r.Train.Docs, r.Test.Docs, r.LogReg.MacroF1, r.NaiveBayes.MacroF1, float64(r.LogReg.TrainMS)/1000, r.LogReg.PerSec)
	fmt.Printf("eval banking77 accuracy=%.3f macro_f1=%.3f nb_accuracy=%.3f\n", r.LogReg.Accuracy, r.LogReg.MacroF1, r.NaiveBayes.Accuracy)
	return nil
}

// reportBitext scores `faq match --stdin --top 0` output against the
// intents: top-1 accuracy and mean reciprocal rank over every utterance,
// and, on the utterances calibration did not see, how often an
// auto-resolution would have been right.
func reportBitext(dir, resultsPath string) error {
	rows, err := readCSV(dir + "/bitext_v1_canonical.csv")
	if err != nil {
		return err
	}
	f, err := os.Open(resultsPath)
	if err != nil {
		return err
	}
	defer f.Close()
	var n, top1, auto, autoRight, held int
	var mrr float64
	seen := map[int]bool{}
	dec := json.NewDecoder(f)
	for {
		var r struct {
			ID      int `json:"id"`
			Matches []struct {
				Rank int    `json:"rank"`
				Key  string `json:"key"`
			} `json:"matches"`
			AutoResolve bool `json:"auto_resolve"`
		}
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("%s: %w", resultsPath, err)
		}
		if r.ID < 0 || r.ID >= len(rows) || seen[r.ID] {
			return fmt.Errorf("%s: unexpected or repeated id %d", resultsPath, r.ID)
		}
		seen[r.ID] = true
		gold := rows[r.ID]["intent"]
		n++
		for _, m := range r.Matches {
			if m.Key == gold {
				mrr += 1 / float64(m.Rank)
				if m.Rank == 1 {
					top1++
				}
				break
			}
		}
		if r.ID%2 == 0 {
			held++
			if r.AutoResolve {
				auto++
				if len(r.Matches) > 0 && r.Matches[0].Key == gold {
					autoRight++
				}
			}
		}
	}
	if n != len(rows) {
		return fmt.Errorf("%s: %d results for %d queries", resultsPath, n, len(rows))
	}
	prec := 0.0
	if auto > 0 {
		prec = float64(autoRight) / float64(auto)
	}
	fmt.Fprintf(os.Stderr, "bitext-faq: %d queries over 27 FAQs; on the %d not used for calibration, auto-resolution covers %.3f at precision %.3f\n",
		n, held, float64(auto)/float64(held), prec)
	fmt.Printf("eval bitext-faq top1=%.3f mrr=%.3f\n", float64(top1)/float64(n), mrr/float64(n))
	return nil
}
