package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/int8scope/int8scope/cmd/mnist/internal/augment"
	"github.com/int8scope/int8scope/cmd/mnist/internal/mnistdata"
	"github.com/int8scope/int8scope/cmd/mnist/internal/nn"
)

// trainConfig is one model's training recipe.
type trainConfig struct {
	Epochs int
	Batch  int
	LR     float64 // initial Adam learning rate
	LRMin  float64 // final learning rate (cosine decay)
	Aug    *augment.Config
	Limit  int     // if > 0, train on the first Limit samples only (tests)
	EMA    float64 // if > 0, export the moving average of the weights with this decay
}

// train fits m to set with Adam and softmax cross-entropy. All randomness
// (shuffling and augmentation) comes from rng, drawn in a fixed order on the
// calling goroutine.
func train(m *nn.Model, set mnistdata.Set, cfg trainConfig, rng *rand.Rand, log io.Writer) {
	n := set.Len()
	if cfg.Limit > 0 {
		n = min(n, cfg.Limit)
	}
	opt := nn.NewAdam()
	opt.EMA = cfg.EMA
	steps := cfg.Epochs * ((n + cfg.Batch - 1) / cfg.Batch)
	step := 0
	x := make([]float32, cfg.Batch*mnistdata.Pixels)
	labels := make([]uint8, cfg.Batch)
	tf := make([]augment.Transform, cfg.Batch)
	for epoch := range cfg.Epochs {
		start := time.Now()
		perm := rng.Perm(n)
		var loss float64
		correct := 0
		for b0 := 0; b0 < n; b0 += cfg.Batch {
			bs := min(cfg.Batch, n-b0)
			idx := perm[b0 : b0+bs]
			if cfg.Aug != nil {
				for i := range bs {
					tf[i] = cfg.Aug.Draw(rng)
				}
			}
			fill := func(lo, hi int) {
				for i := lo; i < hi; i++ {
					dst := x[i*mnistdata.Pixels : (i+1)*mnistdata.Pixels]
					if cfg.Aug != nil {
						tf[i].Apply(set.Images[idx[i]], dst)
					} else {
						copy(dst, set.Images[idx[i]])
					}
				}
			}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); fill(bs/2, bs) }()
			fill(0, bs/2)
			wg.Wait()
			for i := range bs {
				labels[i] = set.Labels[idx[i]]
			}
			lr := cfg.LRMin + 0.5*(cfg.LR-cfg.LRMin)*(1+math.Cos(math.Pi*float64(step)/float64(steps)))
			l, c := m.TrainStep(x[:bs*mnistdata.Pixels], labels[:bs], opt, lr)
			loss += l
			correct += c
			step++
		}
		if log != nil {
			fmt.Fprintf(log, "  epoch %2d/%d: loss %.4f, train acc %.2f%% (%.1fs)\n", epoch+1, cfg.Epochs,
				loss/float64(n), 100*float64(correct)/float64(n), time.Since(start).Seconds())
		}
	}
	opt.UseAverage(m.Params())
}

// accuracy is the fraction of samples whose largest logit is the label.
func accuracy(logits [][]float32, labels []uint8) float64 {
	correct := 0
	for i, l := range logits {
		if nn.Argmax(l) == int(labels[i]) {
			correct++
		}
	}
	return float64(correct) / float64(len(labels))
}
