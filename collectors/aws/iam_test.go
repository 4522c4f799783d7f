package aws

import (
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/google/go-cmp/cmp"
)

func TestIAMMappings(t *testing.T) {
	s := testScan()
	local := map[string]string{
		"arn:aws:iam::111111111111:policy/ai-admin": `{"Statement":[{"Effect":"Allow","Action":"bedrock:*","Resource":"*"}]}`,
		"arn:aws:iam::111111111111:policy/invoke":   `{"Statement":[{"Effect":"Allow","Action":["bedrock:InvokeModel"],"Resource":"*"}]}`,
	}
	trust := url.QueryEscape(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"bedrock.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)
	for _, tc := range []struct {
		name  string
		role  iamtypes.RoleDetail
		nilOK bool
		facts map[string]any
	}{
		{"customer-managed wildcard and an AWS full-access policy are both named", iamtypes.RoleDetail{Arn: aws.String("arn:r1"), RoleName: aws.String("r1"),
			AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::111111111111:policy/ai-admin"), PolicyName: aws.String("ai-admin")},
				{PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"), PolicyName: aws.String("AmazonSageMakerFullAccess")}}}, false,
			map[string]any{"iam.ai_wildcard_actions": true, "iam.ai_full_access_policy": true,
				"iam.ai_broad_grants": []string{"aws-managed:AmazonSageMakerFullAccess", "customer-managed:ai-admin"}}},
		{"narrow inline grant", iamtypes.RoleDetail{Arn: aws.String("arn:r2"), RoleName: aws.String("r2"),
			RolePolicyList: []iamtypes.PolicyDetail{{PolicyName: aws.String("inv"), PolicyDocument: aws.String(local["arn:aws:iam::111111111111:policy/invoke"])}}}, false,
			map[string]any{"iam.ai_wildcard_actions": false, "iam.ai_broad_grants": []string{}, "iam.ai_actions": []string{"bedrock:InvokeModel"}, "iam.trusts_ai_service": false}},
		{"trusted by an AI service only", iamtypes.RoleDetail{Arn: aws.String("arn:r3"), RoleName: aws.String("r3"), AssumeRolePolicyDocument: aws.String(trust)}, false,
			map[string]any{"iam.trusts_ai_service": true, "iam.ai_wildcard_actions": false}},
		{"a role with nothing to do with AI is not an asset", iamtypes.RoleDetail{Arn: aws.String("arn:r4"), RoleName: aws.String("r4")}, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := s.roleAsset(tc.role, local)
			if tc.nilOK {
				if a != nil {
					t.Fatalf("got an asset %+v", a)
				}
				return
			}
			checkFacts(t, tc.name, a.Facts, tc.facts)
		})
	}
	if s.userAsset(iamtypes.UserDetail{Arn: aws.String("arn:u"), UserName: aws.String("u")}, local) != nil {
		t.Error("a user without AI grants is not an asset")
	}
}

func TestKeyAsset(t *testing.T) {
	s := testScan()
	now := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	created, used := now.AddDate(0, 0, -400), now.AddDate(0, 0, -10)
	u := iamtypes.UserDetail{Arn: aws.String("arn:aws:iam::111111111111:user/bot"), UserName: aws.String("bot")}
	for _, tc := range []struct {
		name         string
		lastUsed     *time.Time
		lastUseKnown bool
		facts        map[string]any
	}{
		{"used", &used, true, map[string]any{"key.age_days": int64(400), "key.last_used_days": int64(10), "key.never_used": nil}},
		{"never used", nil, true, map[string]any{"key.last_used_days": int64(400), "key.never_used": true}},
		{"last use unreadable", nil, false, map[string]any{"key.last_used_days": nil, "key.never_used": nil}},
	} {
		a := s.keyAsset(u, "aws_access_key", "AKIAEXAMPLE000000001", &created, tc.lastUsed, tc.lastUseKnown, now)
		checkFacts(t, tc.name, a.Facts, tc.facts)
		if d := cmp.Diff("AKIA", a.Secret.Prefix); d != "" || a.Identity != "arn:aws:iam::111111111111:user/bot" {
			t.Errorf("%s: secret %+v identity %s", tc.name, a.Secret, a.Identity)
		}
	}
}
