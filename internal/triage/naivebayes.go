package triage

import "math"

// trainNaiveBayes fits a multinomial naive Bayes model on x (term counts or
// tf-idf weights — both are "how much of each term") with Lidstone smoothing
// alpha, which keeps a term never seen with a class from vetoing it outright.
func trainNaiveBayes(x []Sparse, y []int, labels []string, nf int, alpha float64) *NaiveBayes {
	k := len(labels)
	mass := make([]float64, nf*k) // feature-major, like linear.w
	total := make([]float64, k)
	docs := make([]float64, k)
	for i, xi := range x {
		c := y[i]
		docs[c]++
		for n, j := range xi.Idx {
			mass[int(j)*k+c] += xi.Val[n]
			total[c] += xi.Val[n]
		}
	}
	for c := range k {
		denom := math.Log(total[c] + alpha*float64(nf))
		for j := range nf {
			mass[j*k+c] = math.Log(mass[j*k+c]+alpha) - denom
		}
	}
	centre(mass, k)
	b := make([]float64, k)
	for c := range k {
		// A class absent from the data gets a tiny prior instead of log(0).
		b[c] = math.Log((docs[c] + 1e-9) / float64(len(x)))
	}
	return &NaiveBayes{linear{labels: labels, nf: nf, w: toFloat32(mass), b: b, temp: 1}}
}
