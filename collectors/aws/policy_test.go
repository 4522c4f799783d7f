package aws

import (
	"net"
	"net/url"
	"testing"

	"github.com/aisight/aisight/model"
	"github.com/aws/smithy-go"
)

func TestGrants(t *testing.T) {
	for _, c := range []struct {
		name, doc    string
		ai, wildcard bool
		unparsed     bool
	}{
		{"single action string", `{"Statement":{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}}`, true, false, false},
		{"service wildcard", `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","SageMaker:*"],"Resource":"*"}]}`, true, true, false},
		{"star", `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, true, true, false},
		{"agentcore", `{"Statement":[{"Effect":"Allow","Action":["bedrock-agentcore:InvokeAgentRuntime"]}]}`, true, false, false},
		{"deny is not a grant", `{"Statement":[{"Effect":"Deny","Action":"bedrock:*","Resource":"*"}]}`, false, false, false},
		{"not AI", `{"Statement":[{"Effect":"Allow","Action":["s3:*","ec2:Describe*"]}]}`, false, false, false},
		{"url-encoded as IAM returns it", url.QueryEscape(`{"Statement":[{"Effect":"Allow","Action":"bedrock:*"}]}`), true, true, false},
		{"garbage", `{not json`, false, false, true},
		{"an Action that is an object", `{"Statement":[{"Effect":"Allow","Action":{"bedrock":"*"},"Resource":"*"}]}`, false, false, true},
		{"an Action list holding a number", `{"Statement":[{"Effect":"Allow","Action":["bedrock:*", 7]}]}`, false, false, true},
		{"no Statement", `{"Version":"2012-10-17"}`, false, false, true},
		{"a statement that is a string", `{"Statement":["Allow bedrock:*"]}`, false, false, true},
	} {
		var g grants
		g.add("inline:p", c.doc)
		if g.ai != c.ai || g.wildcard != c.wildcard || (len(g.unparsed) > 0) != c.unparsed {
			t.Errorf("%s: ai %v wildcard %v unparsed %v, want %v %v %v", c.name, g.ai, g.wildcard, g.unparsed, c.ai, c.wildcard, c.unparsed)
		}
	}
}

func TestSCPRestrictsAI(t *testing.T) {
	for doc, want := range map[string]bool{
		`{"Statement":[{"Effect":"Deny","Action":"bedrock:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`:          true,
		`{"Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`: true,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`:                                                                                       false,
		`{"Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`:                                                                          false,
	} {
		if got, err := scpRestrictsAI(doc); got != want || err != nil {
			t.Errorf("scpRestrictsAI(%s) = %v, %v; want %v", doc, got, err, want)
		}
	}
	if _, err := scpRestrictsAI(`{"Statement":[{"Effect":"Deny","Action":{"bedrock":"*"}}]}`); err == nil {
		t.Error("an SCP whose Action is an object was read")
	}
}

func TestTrustsAIService(t *testing.T) {
	if !trustsAIService(url.QueryEscape(`{"Statement":[{"Principal":{"Service":"bedrock.amazonaws.com"}}]}`)) {
		t.Error("bedrock trust not seen")
	}
	if trustsAIService(`{"Statement":[{"Principal":{"Service":"ec2.amazonaws.com"}}]}`) {
		t.Error("ec2 trust taken for AI")
	}
}

func FuzzPolicyDocument(f *testing.F) {
	f.Add(`{"Statement":[{"Effect":"Allow","Action":["bedrock:*"],"Resource":"*"}]}`)
	f.Add(`{"Statement":{"Effect":"Deny","NotAction":"iam:*"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var g grants
		g.add("p", doc)
		_, _ = scpRestrictsAI(doc)
		_ = trustsAIService(doc)
	})
}

func TestNotOffered(t *testing.T) {
	noHost := &smithy.OperationError{ServiceID: "Bedrock", OperationName: "ListGuardrails",
		Err: &url.Error{Op: "Get", URL: "https://bedrock.af-south-1.amazonaws.com/guardrails", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "bedrock.af-south-1.amazonaws.com", IsNotFound: true}}}}
	unknownOp := &smithy.GenericAPIError{Code: "ValidationException", Message: "Unknown Operation"}
	otherValidation := &smithy.GenericAPIError{Code: "ValidationException", Message: "1 validation error detected"}
	timeout := &smithy.OperationError{Err: &net.DNSError{Err: "i/o timeout", IsTimeout: true}}
	for err, want := range map[error]bool{noHost: true, unknownOp: true, otherValidation: false, timeout: false} {
		if got := notOffered(err); got != want {
			t.Errorf("notOffered(%v) = %v, want %v", err, got, want)
		}
	}
	if classify(unknownOp) != model.ErrNotEnabled || classify(&smithy.GenericAPIError{Code: "ThrottlingException"}) != model.ErrThrottled ||
		classify(&smithy.GenericAPIError{Code: "AccessDeniedException"}) != model.ErrDenied {
		t.Error("classify")
	}
}
