package triage

import (
	"math/rand/v2"
)

// sgdOptions are the knobs of trainLogReg.
type sgdOptions struct {
	epochs int
	l2     float64
	lr     float64
}

// trainLogReg fits softmax regression with L2 penalty by plain SGD over
// shuffled examples. The learning rate decays as lr/(1+lr·l2·t), the schedule
// under which SGD on a strongly convex objective converges, and the L2 decay
// is applied exactly to every weight through a shared scale factor
// (W = scale·V), so each step only touches the rows of x's non-zero features.
// The visiting order comes from rng alone, so a seed fixes the model bit for
// bit.
func trainLogReg(x []Sparse, y []int, labels []string, nf int, o sgdOptions, rng *rand.Rand) *LogisticRegression {
	k := len(labels)
	v := make([]float64, nf*k)
	b := make([]float64, k)
	z := make([]float64, k)
	scale := 1.0
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	t := 0.0
	for range o.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			xi := x[i]
			eta := o.lr / (1 + o.lr*o.l2*t)
			t++
			copy(z, b)
			for n, j := range xi.Idx {
				xv := xi.Val[n] * scale
				row := v[int(j)*k : int(j)*k+k]
				for c, wv := range row {
					z[c] += wv * xv
				}
			}
			softmax(z)
			z[y[i]]-- // gradient of the log-loss w.r.t. the scores: p - onehot(y)
			scale *= 1 - eta*o.l2
			if scale < 1e-9 {
				for n := range v {
					v[n] *= scale
				}
				scale = 1
			}
			for n, j := range xi.Idx {
				g := eta * xi.Val[n] / scale
				row := v[int(j)*k : int(j)*k+k]
				for c := range row {
					row[c] -= g * z[c]
				}
			}
			for c := range b {
				b[c] -= eta * z[c]
			}
		}
	}
	for n := range v {
		v[n] *= scale
	}
	centre(v, k)
	return &LogisticRegression{linear{labels: labels, nf: nf, w: toFloat32(v), b: b, temp: 1}}
}
