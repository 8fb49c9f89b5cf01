package difftest

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/oracle"
)

func TestZZSave(t *testing.T) {
	o := startOracle(t)
	g := os.Getenv("ZZGEN")
	for s := int64(1); s <= 200; s++ {
		c, _ := Generate(g, s)
		m, err := engine.Load(c.Model)
		if err != nil {
			t.Fatal(err)
		}
		w := Written(m)
		ex, _ := oracle.ExposeTensors(c.Model, w)
		outs, err := o.Run(ex, c.Inputs)
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join("/tmp/zzcases", fmt.Sprintf("%s-%d", g, s))
		c.Save(dir)
		for _, ot := range outs[len(outs)-len(w):] {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("tensor%d.bin", ot.Tensor)), ot.Data, 0o644)
		}
	}
}
