package export

import (
	"fmt"
	"reflect"
	"sort"
	"testing"

	"github.com/int8scope/int8scope/engine"
	"github.com/int8scope/int8scope/internal/difftest"
)

func TestKindsTmp(t *testing.T) {
	seen := map[string]map[string]bool{}
	for _, gen := range difftest.Generators() {
		for seed := int64(1); seed <= 6; seed++ {
			c, err := difftest.Generate(gen, seed)
			if err != nil {
				continue
			}
			m, err := engine.Load(c.Model)
			if err != nil {
				continue
			}
			for _, p := range engine.Profiles() {
				for _, op := range m.Ops {
					prep, err := m.Prepared(p, op.Index)
					if err != nil || prep.Params == nil {
						continue
					}
					kind := reflect.Indirect(reflect.ValueOf(prep.Params)).Type().Name()
					k := op.Builtin
					if seen[k] == nil {
						seen[k] = map[string]bool{}
					}
					it := "?"
					if len(op.Inputs) > 0 && op.Inputs[0] >= 0 {
						it = m.Tensors[op.Inputs[0]].Type.String()
					}
					seen[k][fmt.Sprintf("%s/%s/%s(%v)", kind, p, it, emitters[kind] != nil)] = true
				}
			}
		}
	}
	var ks []string
	for k := range seen {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	for _, k := range ks {
		var v []string
		for x := range seen[k] {
			v = append(v, x)
		}
		sort.Strings(v)
		fmt.Println(k, v)
	}
}
