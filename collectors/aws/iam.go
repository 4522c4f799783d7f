package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// iamFamilies are the account's IAM families: the roles and users that can
// use AI services (identity assets) and the long-lived credentials of those
// users (access keys and Bedrock API keys, as api_key assets), from one
// paginated GetAccountAuthorizationDetails plus per-user key listings.
func (s *scan) iamFamilies() []collectors.Family {
	client := iam.NewFromConfig(s.cfg)
	return []collectors.Family{{Name: "iam.principals", Collect: func(ctx context.Context) error {
		local := map[string]string{} // customer managed policy ARN -> default version document
		var roles []iamtypes.RoleDetail
		var users []iamtypes.UserDetail
		p := iam.NewGetAccountAuthorizationDetailsPaginator(client, &iam.GetAccountAuthorizationDetailsInput{
			Filter: []iamtypes.EntityType{iamtypes.EntityTypeUser, iamtypes.EntityTypeRole, iamtypes.EntityTypeLocalManagedPolicy},
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return fmt.Errorf("iam get-account-authorization-details in %s: %w", s.scope.Account, err)
			}
			roles = append(roles, page.RoleDetailList...)
			users = append(users, page.UserDetailList...)
			for _, pol := range page.Policies {
				for _, v := range pol.PolicyVersionList {
					if v.IsDefaultVersion {
						local[aws.ToString(pol.Arn)] = aws.ToString(v.Document)
					}
				}
			}
		}
		for _, r := range roles {
			if a := s.roleAsset(r, local); a != nil {
				s.sink.Asset(*a)
			}
		}
		for _, u := range users {
			a := s.userAsset(u, local)
			if a == nil {
				continue
			}
			if keys, err := s.userKeys(ctx, client, u); err != nil {
				s.itemFailed(ctx, err) // the user is reported; whether it holds keys is unknown
			} else {
				a.SetFact(model.Bool("iam.long_lived_ai_credentials", keys > 0, model.Observed, "access keys and Bedrock API keys of the user"))
			}
			s.sink.Asset(*a)
		}
		return nil
	}}}
}

// principalGrants evaluates a principal's inline and attached policies
// (customer managed ones from their documents, AWS managed ones by name).
// broad names the policies that grant AI wildcards or full AI access.
func principalGrants(inline []iamtypes.PolicyDetail, attached []iamtypes.AttachedPolicy, local map[string]string) (g grants, full bool, broad []string) {
	for _, d := range inline {
		if g.add("inline:"+aws.ToString(d.PolicyName), aws.ToString(d.PolicyDocument)) {
			broad = append(broad, "inline:"+aws.ToString(d.PolicyName))
		}
	}
	for _, a := range attached {
		name := aws.ToString(a.PolicyName)
		if doc, ok := local[aws.ToString(a.PolicyArn)]; ok {
			if g.add("customer-managed:"+name, doc) {
				broad = append(broad, "customer-managed:"+name)
			}
			continue
		}
		if aiManagedPolicies[name] {
			full, g.ai = true, true
			broad = append(broad, "aws-managed:"+name)
		} else if aiManagedName(name) {
			g.ai = true
		}
	}
	sort.Strings(broad)
	return g, full, broad
}

// roleAsset maps a role that can use AI (granted AI actions or trusted by
// an AI service); nil for any other role.
func (s *scan) roleAsset(r iamtypes.RoleDetail, local map[string]string) *model.Asset {
	g, full, broad := principalGrants(r.RolePolicyList, r.AttachedManagedPolicies, local)
	trusts := trustsAIService(aws.ToString(r.AssumeRolePolicyDocument))
	if !g.ai && !trusts && len(g.unparsed) == 0 {
		return nil
	}
	a := s.identity(aws.ToString(r.Arn), aws.ToString(r.RoleName), "role", g, full, broad)
	a.SetFact(model.Bool("iam.trusts_ai_service", trusts, model.Observed, "trust policy"))
	a.SetFact(model.Bool("iam.long_lived_ai_credentials", false, model.Observed, "roles have temporary credentials only"))
	return a
}

// userAsset maps a user granted AI actions; nil for any other user.
func (s *scan) userAsset(u iamtypes.UserDetail, local map[string]string) *model.Asset {
	g, full, broad := principalGrants(u.UserPolicyList, u.AttachedManagedPolicies, local)
	if !g.ai && len(g.unparsed) == 0 {
		return nil
	}
	return s.identity(aws.ToString(u.Arn), aws.ToString(u.UserName), "user", g, full, broad)
}

func (s *scan) identity(arn, name, principal string, g grants, full bool, broad []string) *model.Asset {
	src := "iam " + principal + " " + name
	a := &model.Asset{ID: arn, Provider: Name, Scope: s.scope.ID, Kind: model.KindIdentity, DeploymentType: model.PaaS, Name: name,
		Facts: []model.Fact{
			model.String("iam.principal_type", principal, model.Observed, src),
			model.Bool("iam.ai_full_access_policy", full, model.Observed, src),
		}}
	if len(g.unparsed) == 0 || g.wildcard {
		// With a policy unread, only a wildcard found is known; its
		// absence is not (the facts stay unknown, never false).
		a.SetFact(model.Bool("iam.ai_wildcard_actions", g.wildcard, model.Observed, src))
		a.SetFact(model.Strings("iam.ai_broad_grants", broad, model.Observed, src))
	}
	if len(g.unparsed) > 0 {
		a.SetFact(model.Strings("iam.unparsed_policies", g.unparsed, model.Observed, src))
		s.sink.Problem(collectors.Classed(model.ErrUnparsed, fmt.Errorf("iam %s %s in %s: policies not readable, their grants unknown: %s", principal, name, s.scope.Account, strings.Join(g.unparsed, ", "))))
	}
	if len(g.actions) > 0 {
		var acts []string
		for k := range g.actions {
			acts = append(acts, k)
		}
		sort.Strings(acts)
		a.SetFact(model.Strings("iam.ai_actions", acts, model.Observed, src))
	}
	return a
}

// userKeys reports a user's active access keys and Bedrock API keys and
// returns how many there are. A key whose last use cannot be read is still
// reported (its last use unknown) and named as a problem.
func (s *scan) userKeys(ctx context.Context, client *iam.Client, u iamtypes.UserDetail) (int, error) {
	user := aws.ToString(u.UserName)
	n := 0
	p := iam.NewListAccessKeysPaginator(client, &iam.ListAccessKeysInput{UserName: u.UserName})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("iam list-access-keys %s in %s: %w", user, s.scope.Account, err)
		}
		for _, k := range page.AccessKeyMetadata {
			if k.Status != iamtypes.StatusTypeActive {
				continue
			}
			n++
			last, err := client.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: k.AccessKeyId})
			var lastUsed *time.Time
			lastUseKnown := err == nil
			if err != nil {
				s.itemFailed(ctx, fmt.Errorf("iam get-access-key-last-used of a key of %s in %s: %w", user, s.scope.Account, err))
			} else if last.AccessKeyLastUsed != nil {
				lastUsed = last.AccessKeyLastUsed.LastUsedDate
			}
			s.sink.Asset(s.keyAsset(u, "aws_access_key", aws.ToString(k.AccessKeyId), k.CreateDate, lastUsed, lastUseKnown, time.Now()))
		}
	}
	creds, err := client.ListServiceSpecificCredentials(ctx, &iam.ListServiceSpecificCredentialsInput{UserName: u.UserName, ServiceName: aws.String("bedrock.amazonaws.com")})
	if err != nil {
		return 0, fmt.Errorf("iam list-service-specific-credentials %s in %s: %w", user, s.scope.Account, err)
	}
	for _, c := range creds.ServiceSpecificCredentials {
		if c.Status != iamtypes.StatusTypeActive {
			continue
		}
		n++
		now := time.Now()
		a := s.keyAsset(u, "aws_bedrock_api_key", aws.ToString(c.ServiceSpecificCredentialId), c.CreateDate, nil, false, now)
		// IAM records no last use of a service-specific credential: that
		// fact stays unknown. A long-term Bedrock API key may expire.
		a.Facts = append(a.Facts, model.String("key.status", "active", model.Observed, "iam list-service-specific-credentials"))
		if c.ExpirationDate != nil {
			a.Facts = append(a.Facts, model.Int("key.expires_in_days", int64(c.ExpirationDate.Sub(now).Hours()/24), model.Observed, "iam list-service-specific-credentials"))
		}
		s.sink.Asset(a)
	}
	return n, nil
}

// keyAsset describes a long-lived credential by fingerprint only: its id
// never appears in output.
func (s *scan) keyAsset(u iamtypes.UserDetail, kind, id string, created, lastUsed *time.Time, lastUseKnown bool, now time.Time) model.Asset {
	sum := sha256.Sum256([]byte(id))
	fp := hex.EncodeToString(sum[:6])
	userArn := aws.ToString(u.Arn)
	src := "iam user " + aws.ToString(u.UserName)
	a := model.Asset{ID: userArn + "#" + kind + "-" + fp, Provider: Name, Scope: s.scope.ID, Kind: model.KindAPIKey, DeploymentType: model.PaaS,
		Name: kind + " of " + aws.ToString(u.UserName), Identity: userArn,
		Secret:    &model.Fingerprint{Kind: kind, Prefix: prefix4(id), SHA256: fp, Location: userArn},
		Relations: []model.Relation{{Type: "belongs_to", Target: userArn}},
		Facts: []model.Fact{
			model.String("key.kind", kind, model.Observed, src),
			model.String("key.provider", "aws", model.Observed, src),
			model.Bool("key.short_lived", false, model.Observed, src),
			model.Bool("iam.long_lived_ai_credentials", true, model.Observed, src),
		}}
	if created != nil {
		a.Facts = append(a.Facts, model.Int("key.age_days", int64(now.Sub(*created).Hours()/24), model.Observed, src))
	}
	if lastUseKnown {
		switch {
		case lastUsed != nil:
			a.Facts = append(a.Facts, model.Int("key.last_used_days", int64(now.Sub(*lastUsed).Hours()/24), model.Observed, "iam get-access-key-last-used"))
		case created != nil: // never used: unused since it was created
			a.Facts = append(a.Facts, model.Int("key.last_used_days", int64(now.Sub(*created).Hours()/24), model.Observed, "never used"),
				model.Bool("key.never_used", true, model.Observed, "iam get-access-key-last-used"))
		}
	}
	return a
}

func prefix4(s string) string {
	if len(s) > 4 {
		return s[:4]
	}
	return strings.Repeat("*", len(s))
}
