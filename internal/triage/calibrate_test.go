package triage

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestFitTemperatureRecoversKnownTemperature(t *testing.T) {
	for _, trueT := range []float64{0.5, 1, 2.5} {
		rng := rand.New(rand.NewPCG(3, 4))
		var logits [][]float64
		var y []int
		for range 5000 {
			z := make([]float64, 4)
			p := make([]float64, 4)
			for c := range z {
				z[c] = rng.NormFloat64() * 3
				p[c] = z[c] / trueT
			}
			softmax(p)
			u, c := rng.Float64(), 0
			for ; c < 3 && u > p[c]; c++ {
				u -= p[c]
			}
			logits = append(logits, z)
			y = append(y, c)
		}
		if got := FitTemperature(logits, y); math.Abs(got-trueT)/trueT > 0.1 {
			t.Errorf("FitTemperature = %.3f, want %.3f ±10%%", got, trueT)
		}
	}
}

func TestFitTemperatureSeparableStaysSane(t *testing.T) {
	// Ten perfectly classified examples must not yield near-certainty for
	// everything afterwards.
	var logits [][]float64
	var y []int
	for range 10 {
		logits = append(logits, []float64{2, 0, 0})
		y = append(y, 0)
	}
	if got := FitTemperature(logits, y); got < 0.2 {
		t.Errorf("FitTemperature on separable data = %v, want ≥ 0.2", got)
	}
	if got := FitTemperature(nil, nil); got != 1 {
		t.Errorf("FitTemperature(nil) = %v, want 1", got)
	}
}
