package gcp

import (
	"context"
	"errors"
	"sort"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// vectorFamilies are the location's Vector Search index endpoints
// (knowledge_base assets: the retrieval side of RAG).
func (s *scan) vectorFamilies(ctx context.Context) []collectors.Family {
	const fam = "vertex.index_endpoints"
	cc, err := s.c.conn(ctx, vertexEndpoint(s.scope.Region))
	if err != nil {
		return failing(fam, err)
	}
	client, err := aiplatform.NewIndexEndpointClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		it := client.ListIndexEndpoints(ctx, &aiplatformpb.ListIndexEndpointsRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
		for {
			e, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if err != nil {
				return callErr(err, "vertex list-index-endpoints in %s", s.parent())
			}
			s.sink.Asset(*s.indexEndpointAsset(e))
		}
	}}}
}

// indexEndpointConnectivity is how an index endpoint is reached.
func indexEndpointConnectivity(e *aiplatformpb.IndexEndpoint) string {
	switch {
	//lint:ignore SA1019 older endpoints still carry the deprecated flag; it still means PSC
	case e.GetEnablePrivateServiceConnect() || e.GetPrivateServiceConnectConfig().GetEnablePrivateServiceConnect():
		return "private_service_connect"
	case e.GetNetwork() != "":
		return "vpc_peering"
	case e.GetPublicEndpointEnabled():
		return "public"
	}
	return "none"
}

// indexEndpointAsset maps an index endpoint and the indexes deployed to it.
func (s *scan) indexEndpointAsset(e *aiplatformpb.IndexEndpoint) *model.Asset {
	src := "vertex index endpoint " + e.GetName()
	a := s.asset(resourceID(e.GetName()), model.KindKnowledgeBase, e.GetDisplayName())
	s.label(a, e.GetLabels())
	a.Facts = append(a.Facts, model.String("kb.storage_type", "VERTEX_VECTOR_SEARCH", model.Observed, src))
	conn := indexEndpointConnectivity(e)
	if conn == "none" { // nothing deployed can be reached yet: private by absence
		a.Facts = append(a.Facts, model.String("network.connectivity", conn, model.Observed, src),
			model.Bool("network.public_access", false, model.Observed, src),
			model.Bool("network.private_endpoint", false, model.Observed, src))
	} else {
		a.Facts = append(a.Facts, networkFacts(conn, src)...)
	}
	a.Facts = append(a.Facts, cmekFacts(e.GetEncryptionSpec(), src)...)
	var indexes []string
	for _, d := range e.GetDeployedIndexes() {
		indexes = append(indexes, d.GetIndex())
		a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: resourceID(d.GetIndex())})
	}
	sort.Strings(indexes)
	a.SetFact(model.Strings("kb.deployed_indexes", indexes, model.Observed, src))
	return a
}
