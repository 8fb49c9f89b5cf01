package difftest

import (
	"fmt"
	"testing"
)

func TestScratchList(t *testing.T) {
	for _, g := range Generators() {
		fmt.Print(g, " ")
	}
	fmt.Println()
}
