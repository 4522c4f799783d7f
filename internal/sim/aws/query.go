package aws

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// queryOps are the STS and IAM operations (Query protocol, XML replies).
var queryOps = map[string]func(*request) (any, error){
	"sts:GetCallerIdentity":              getCallerIdentity,
	"sts:AssumeRole":                     assumeRole,
	"iam:GetAccountAuthorizationDetails": getAccountAuthorizationDetails,
	"iam:ListAccessKeys":                 listAccessKeys,
	"iam:GetAccessKeyLastUsed":           getAccessKeyLastUsed,
	"iam:ListServiceSpecificCredentials": listServiceSpecificCredentials,
}

func (q *request) form() url.Values {
	v, _ := url.ParseQuery(string(q.body))
	return v
}

func xmlReply(op, ns, result string) string {
	return fmt.Sprintf(`<%[1]sResponse xmlns="%[2]s"><%[1]sResult>%[3]s</%[1]sResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></%[1]sResponse>`, op, ns, result)
}

const (
	stsNS = "https://sts.amazonaws.com/doc/2011-06-15/"
	iamNS = "https://iam.amazonaws.com/doc/2010-05-08/"
)

func getCallerIdentity(q *request) (any, error) {
	return xmlReply("GetCallerIdentity", stsNS, fmt.Sprintf(`<Arn>arn:aws:iam::%[1]s:user/scanner</Arn><UserId>AIDA%[1]s</UserId><Account>%[1]s</Account>`, q.account)), nil
}

// assumeRole hands out credentials of the role's account: ASIA + account id.
func assumeRole(q *request) (any, error) {
	roleArn := q.form().Get("RoleArn")
	parts := strings.Split(roleArn, ":")
	if len(parts) < 6 {
		return nil, &apiError{status: 400, code: "ValidationError", msg: "bad RoleArn " + roleArn}
	}
	target := parts[4]
	if q.s.e.account(target) == nil {
		return nil, &apiError{status: 403, code: "AccessDenied", msg: "not authorized to perform sts:AssumeRole on " + roleArn}
	}
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	return xmlReply("AssumeRole", stsNS, fmt.Sprintf(`<Credentials><AccessKeyId>ASIA%s</AccessKeyId><SecretAccessKey>emulated</SecretAccessKey><SessionToken>emulated</SessionToken><Expiration>%s</Expiration></Credentials><AssumedRoleUser><Arn>%s/aisight</Arn><AssumedRoleId>AROA:aisight</AssumedRoleId></AssumedRoleUser>`, target, exp, xmlEscape(roleArn))), nil
}

func attached(arns []string) string {
	var b strings.Builder
	for _, a := range arns {
		fmt.Fprintf(&b, "<member><PolicyName>%s</PolicyName><PolicyArn>%s</PolicyArn></member>", a[strings.LastIndex(a, "/")+1:], a)
	}
	return b.String()
}

func inline(docs []Document) string {
	var b strings.Builder
	for _, d := range docs {
		fmt.Fprintf(&b, "<member><PolicyName>%s</PolicyName><PolicyDocument>%s</PolicyDocument></member>", d.Name, url.QueryEscape(d.Document))
	}
	return b.String()
}

// getAccountAuthorizationDetails pages over users, then roles, then
// customer managed policies, as one list.
func getAccountAuthorizationDetails(q *request) (any, error) {
	a := q.acct()
	var entries []string // pre-rendered members tagged by list
	for _, u := range a.IAM.Users {
		entries = append(entries, "U"+fmt.Sprintf(`<member><UserName>%[1]s</UserName><UserId>AIDA%[1]s</UserId><Arn>arn:aws:iam::%[2]s:user/%[1]s</Arn><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate><AttachedManagedPolicies>%[3]s</AttachedManagedPolicies><UserPolicyList>%[4]s</UserPolicyList></member>`, u.Name, a.ID, attached(u.Managed), inline(u.Inline)))
	}
	for _, r := range a.IAM.Roles {
		var stmts []string
		for _, svc := range r.TrustServices {
			stmts = append(stmts, fmt.Sprintf(`{"Effect":"Allow","Principal":{"Service":"%s"},"Action":"sts:AssumeRole"}`, svc))
		}
		trust := `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
		entries = append(entries, "R"+fmt.Sprintf(`<member><RoleName>%[1]s</RoleName><RoleId>AROA%[1]s</RoleId><Arn>arn:aws:iam::%[2]s:role/%[1]s</Arn><Path>/</Path><CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>%[3]s</AssumeRolePolicyDocument><AttachedManagedPolicies>%[4]s</AttachedManagedPolicies><RolePolicyList>%[5]s</RolePolicyList></member>`, r.Name, a.ID, url.QueryEscape(trust), attached(r.Managed), inline(r.Inline)))
	}
	for _, p := range a.IAM.Policies {
		entries = append(entries, "P"+fmt.Sprintf(`<member><PolicyName>%[1]s</PolicyName><PolicyId>ANPA%[1]s</PolicyId><Arn>arn:aws:iam::%[2]s:policy/%[1]s</Arn><DefaultVersionId>v1</DefaultVersionId><IsAttachable>true</IsAttachable><PolicyVersionList><member><Document>%[3]s</Document><VersionId>v1</VersionId><IsDefaultVersion>true</IsDefaultVersion></member></PolicyVersionList></member>`, p.Name, a.ID, url.QueryEscape(p.Document)))
	}
	start, end, next := page(len(entries), q.s.e.PageSize, q.form().Get("Marker"))
	lists := map[byte]*strings.Builder{'U': {}, 'R': {}, 'P': {}}
	for _, e := range entries[start:end] {
		lists[e[0]].WriteString(e[1:])
	}
	body := fmt.Sprintf("<UserDetailList>%s</UserDetailList><GroupDetailList></GroupDetailList><RoleDetailList>%s</RoleDetailList><Policies>%s</Policies>", lists['U'], lists['R'], lists['P'])
	if next != "" {
		body += "<IsTruncated>true</IsTruncated><Marker>" + next + "</Marker>"
	} else {
		body += "<IsTruncated>false</IsTruncated>"
	}
	return xmlReply("GetAccountAuthorizationDetails", iamNS, body), nil
}

func (q *request) user() (*User, error) {
	name := q.form().Get("UserName")
	for i, u := range q.acct().IAM.Users {
		if u.Name == name {
			return &q.acct().IAM.Users[i], nil
		}
	}
	return nil, &apiError{status: 404, code: "NoSuchEntity", msg: "The user with name " + name + " cannot be found."}
}

func listAccessKeys(q *request) (any, error) {
	u, err := q.user()
	if err != nil {
		return nil, err
	}
	start, end, next := page(len(u.AccessKeys), q.s.e.PageSize, q.form().Get("Marker"))
	keys := u.AccessKeys[start:end]
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "<member><UserName>%s</UserName><AccessKeyId>%s</AccessKeyId><Status>Active</Status><CreateDate>%s</CreateDate></member>", u.Name, k.ID, k.Created)
	}
	body := "<AccessKeyMetadata>" + b.String() + "</AccessKeyMetadata>"
	if next != "" {
		body += "<IsTruncated>true</IsTruncated><Marker>" + next + "</Marker>"
	} else {
		body += "<IsTruncated>false</IsTruncated>"
	}
	return xmlReply("ListAccessKeys", iamNS, body), nil
}

func getAccessKeyLastUsed(q *request) (any, error) {
	id := q.form().Get("AccessKeyId")
	for _, u := range q.acct().IAM.Users {
		for _, k := range u.AccessKeys {
			if k.ID != id {
				continue
			}
			last := "<ServiceName>N/A</ServiceName><Region>N/A</Region>"
			if k.LastUsed != "" {
				last = fmt.Sprintf("<LastUsedDate>%s</LastUsedDate><ServiceName>%s</ServiceName><Region>us-east-1</Region>", k.LastUsed, k.Service)
			}
			return xmlReply("GetAccessKeyLastUsed", iamNS, fmt.Sprintf("<UserName>%s</UserName><AccessKeyLastUsed>%s</AccessKeyLastUsed>", u.Name, last)), nil
		}
	}
	return nil, &apiError{status: 404, code: "NoSuchEntity", msg: "access key " + id + " not found"}
}

func listServiceSpecificCredentials(q *request) (any, error) {
	u, err := q.user()
	if err != nil {
		return nil, err
	}
	svc := q.form().Get("ServiceName")
	var b strings.Builder
	if svc == "" || svc == "bedrock.amazonaws.com" {
		for _, k := range u.BedrockAPIKeys {
			exp := ""
			if k.Expires != "" {
				exp = "<ExpirationDate>" + k.Expires + "</ExpirationDate>"
			}
			fmt.Fprintf(&b, "<member><UserName>%s</UserName><Status>Active</Status><ServiceUserName>%s-at-%s</ServiceUserName><CreateDate>%s</CreateDate>%s<ServiceSpecificCredentialId>%s</ServiceSpecificCredentialId><ServiceName>bedrock.amazonaws.com</ServiceName></member>", u.Name, u.Name, q.account, k.Created, exp, k.ID)
		}
	}
	return xmlReply("ListServiceSpecificCredentials", iamNS, "<ServiceSpecificCredentials>"+b.String()+"</ServiceSpecificCredentials><IsTruncated>false</IsTruncated>"), nil
}
