package triage

import (
	"math"
	"slices"
)

// Sparse is a feature vector stored as parallel slices, indices ascending.
// Ticket texts touch a few hundred of tens of thousands of features, so dense
// vectors would be almost all zeros.
type Sparse struct {
	Idx []int32   `json:"idx"`
	Val []float64 `json:"val"`
}

// Len is the number of stored (non-zero) entries.
func (s Sparse) Len() int { return len(s.Idx) }

// Norm2 is the Euclidean length of s.
func (s Sparse) Norm2() float64 {
	var sum float64
	for _, v := range s.Val {
		sum += v * v
	}
	return math.Sqrt(sum)
}

// sparseFromCounts turns a feature-index → count map into a Sparse with
// indices ascending, so that everything downstream sums in a fixed order and
// results do not depend on map iteration.
func sparseFromCounts(counts map[int32]float64) Sparse {
	s := Sparse{Idx: make([]int32, 0, len(counts)), Val: make([]float64, len(counts))}
	for i := range counts {
		s.Idx = append(s.Idx, i)
	}
	slices.Sort(s.Idx)
	for k, i := range s.Idx {
		s.Val[k] = counts[i]
	}
	return s
}
