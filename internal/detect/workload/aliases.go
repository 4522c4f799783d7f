package workload

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// maxExpandedNodes bounds the nodes one YAML document may expand to through
// its aliases: far above any real manifest or compose file (they reach a
// few thousand), far below what a "billion laughs" document asks for.
const maxExpandedNodes = 200_000

// errAliasCycle is an alias to an anchor that contains it.
var errAliasCycle = errors.New("an alias refers to a node that contains it")

// expandAliases returns n with every alias replaced by a copy of the node
// it names, or n itself when it has none. It fails when the expansion
// would pass budget nodes (counting every node made), so a document's
// memory is bounded by the budget, not by how deeply its aliases nest.
func expandAliases(n *yaml.Node, budget int) (*yaml.Node, error) {
	if !hasAlias(n, 0) {
		return n, nil
	}
	e := expander{budget: budget, left: budget, active: map[*yaml.Node]bool{}}
	return e.copy(n)
}

func hasAlias(n *yaml.Node, depth int) bool {
	if n == nil || depth > 10_000 {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c, depth+1) {
			return true
		}
	}
	return false
}

type expander struct {
	budget int // nodes the expansion may make
	left   int
	active map[*yaml.Node]bool // nodes being copied: an alias to one is a cycle
}

func (e *expander) copy(n *yaml.Node) (*yaml.Node, error) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, fmt.Errorf("alias *%s names no anchor", n.Value)
		}
		return e.copy(n.Alias)
	}
	if e.left--; e.left < 0 {
		return nil, fmt.Errorf("aliases expand to more than %d nodes", e.budget)
	}
	if e.active[n] {
		return nil, errAliasCycle
	}
	e.active[n] = true
	defer delete(e.active, n)
	c := *n
	c.Anchor = ""
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			cc, err := e.copy(child)
			if err != nil {
				return nil, err
			}
			c.Content[i] = cc
		}
	}
	return &c, nil
}
