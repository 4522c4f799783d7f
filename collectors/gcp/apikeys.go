package gcp

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"
	"time"

	apikeys "cloud.google.com/go/apikeys/apiv2"
	"cloud.google.com/go/apikeys/apiv2/apikeyspb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// apiKeysEndpoint serves the API Keys API.
const apiKeysEndpoint = "apikeys.googleapis.com:443"

// aiKeyServices are the services a Google API key reaches models through:
// the Gemini API (Google AI Studio keys) and Vertex AI (express mode).
var aiKeyServices = []string{"generativelanguage.googleapis.com", "aiplatform.googleapis.com"}

// apiKeyFamilies lists the project's API keys (never their key strings:
// GetKeyString is not called) and reports those that can reach a model:
// keys restricted to the Gemini API or Vertex AI, and keys restricted to no
// API at all, which reach every API the project enables. A key restricted
// to other APIs only is not an AI asset.
func (s *scan) apiKeyFamilies(ctx context.Context) []collectors.Family {
	const fam = "apikeys.keys"
	cc, err := s.c.conn(ctx, apiKeysEndpoint)
	if err != nil {
		return failing(fam, err)
	}
	client, err := apikeys.NewClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		parent := "projects/" + s.project.ID + "/locations/global"
		it := client.ListKeys(ctx, &apikeyspb.ListKeysRequest{Parent: parent, PageSize: 300}, s.c.callOpts(ctx)...)
		now := s.c.opts.Now()
		for {
			k, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if err != nil {
				return callErr(err, "apikeys list-keys %s", parent)
			}
			if a := s.apiKeyAsset(k, now); a != nil {
				s.sink.Asset(*a)
			}
		}
	}}}
}

// apiKeyAsset maps an API key that can reach a model (nil for one that
// cannot): what it is restricted to, its age, and how its callers are
// limited. The asset is identified by the key's resource name (its uid,
// not its secret).
func (s *scan) apiKeyAsset(k *apikeyspb.Key, now time.Time) *model.Asset {
	if k.GetDeleteTime() != nil {
		return nil // deleted keys no longer authenticate
	}
	var targets []string
	for _, t := range k.GetRestrictions().GetApiTargets() {
		targets = append(targets, t.GetService())
	}
	sort.Strings(targets)
	aiTargets := slices.DeleteFunc(slices.Clone(targets), func(t string) bool { return !slices.Contains(aiKeyServices, t) })
	if len(targets) > 0 && len(aiTargets) == 0 {
		return nil
	}
	const kind = "gcp_api_key"
	src := "apikeys list-keys"
	uid := firstNonEmpty(k.GetUid(), k.GetName()[strings.LastIndex(k.GetName(), "/")+1:])
	fp := fingerprint.Fingerprint(kind, []byte(uid), k.GetName())
	fp.Suffix = "" // a uid, not a secret
	a := &model.Asset{ID: "//apikeys.googleapis.com/" + k.GetName(), Provider: Name, Scope: s.scope.ID, Kind: model.KindAPIKey, DeploymentType: model.PaaS,
		Name: firstNonEmpty(k.GetDisplayName(), uid), Secret: &fp,
		Facts: []model.Fact{
			model.String("key.kind", kind, model.Observed, src),
			model.String("key.provider", "google", model.Observed, src),
			model.String("key.status", "active", model.Observed, src),
			model.Bool("key.short_lived", false, model.Observed, src),
			model.Bool("iam.long_lived_ai_credentials", true, model.Observed, src),
			model.Bool("key.api_restricted", len(targets) > 0, model.Observed, src),
			model.Strings("key.api_targets", targets, model.Observed, src),
			model.Bool("key.application_restricted", k.GetRestrictions().GetClientRestrictions() != nil, model.Observed, src),
		}}
	if t := k.GetCreateTime(); t != nil && t.IsValid() {
		a.Facts = append(a.Facts, model.Int("key.age_days", int64(now.Sub(t.AsTime()).Hours()/24), model.Observed, src))
	}
	return a
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
