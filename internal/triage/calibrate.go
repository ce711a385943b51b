package triage

import "math"

// FitTemperature returns the temperature T that minimises the negative
// log-likelihood of softmax(logits/T) on held-out examples. Regularised and
// naive Bayes models are mis-confident in a way one scalar fixes well
// (temperature scaling). A standard-normal prior on ln T is added to the
// summed NLL: without it a small held-out set that happens to be classified
// perfectly drives T towards 0 and every later prediction, even of
// gibberish, to certainty; with a thousand examples the prior is negligible.
// It returns 1 when there is nothing to fit.
func FitTemperature(logits [][]float64, y []int) float64 {
	if len(logits) == 0 {
		return 1
	}
	// NLL is unimodal in log T for softmax models, so a golden-section search
	// over a generous range finds the minimum deterministically.
	lo, hi := math.Log(0.05), math.Log(20)
	phi := (math.Sqrt(5) - 1) / 2
	a, bnd := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := nll(logits, y, math.Exp(a)), nll(logits, y, math.Exp(bnd))
	for range 80 {
		if fa <= fb {
			hi, bnd, fb = bnd, a, fa
			a = hi - phi*(hi-lo)
			fa = nll(logits, y, math.Exp(a))
		} else {
			lo, a, fa = a, bnd, fb
			bnd = lo + phi*(hi-lo)
			fb = nll(logits, y, math.Exp(bnd))
		}
	}
	return math.Exp((lo + hi) / 2)
}

// nll is the summed negative log-likelihood at temperature t plus the prior
// on ln t.
func nll(logits [][]float64, y []int, t float64) float64 {
	var sum float64
	for i, z := range logits {
		m := math.Inf(-1)
		for _, v := range z {
			m = max(m, v/t)
		}
		var s float64
		for _, v := range z {
			s += math.Exp(v/t - m)
		}
		sum += m + math.Log(s) - z[y[i]]/t
	}
	lt := math.Log(t)
	return sum + lt*lt/2
}
