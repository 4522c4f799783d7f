// Package aws is a loopback emulator of the AWS APIs aisight's AWS collector
// reads, speaking each service's real wire protocol so the real
// aws-sdk-go-v2 clients work against it unchanged (reached through the
// SDK's standard AWS_ENDPOINT_URL): STS and IAM (Query, XML replies),
// Organizations and SageMaker (JSON 1.1), Bedrock, Bedrock Agent, Account
// and Bedrock AgentCore control (REST-JSON). It serves an Estate (YAML) of
// accounts, regions and resources with real pagination (small pages),
// requires a SigV4 Authorization header (the account comes from the access
// key id, the region and service from its credential scope), injects faults
// (AccessDenied per account/region/service, throttling, 5xx, slowness) and
// logs every call as the IAM action it needs.
//
// Access key ids encode the account: AKIA or ASIA followed by the 12-digit
// account id (AKIA111111111111 is a key of account 111111111111).
package aws

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/aisight/aisight/internal/sim/quota"
)

// Call is one request the emulator answered.
type Call struct {
	Account, Region string
	// Service is the SigV4 signing name (the unit of the rate limit).
	Service string
	// Action is the IAM action the request needs ("bedrock:ListAgents").
	Action string
	Status int
	// Code is the error code answered ("" on success).
	Code string
}

// Server is a running emulator.
type Server struct {
	URL string
	e   *Estate
	srv *httptest.Server

	mu     sync.Mutex
	calls  []Call
	rnd    *rand.Rand
	limits map[string]*quota.Limits // per service (signing name); "" for the others
}

// overRate reports whether a call of account to a region's service
// exceeds the estate's rate (and takes a token if not).
func (s *Server) overRate(account, region, service string) bool {
	l, ok := s.limits[service]
	if !ok {
		l = s.limits[""]
	}
	return !l.Allow(account + "/" + region + "/" + service)
}

// Throttled is how many calls were answered as over the rate limit.
func (s *Server) Throttled() (n int) {
	for _, l := range s.limits {
		n += l.Throttled()
	}
	return n
}

// LowerBound is the time the calls let through so far need at least under
// the rate limits: the busiest account/region/service's calls divided by
// its rate, and which key that is.
func (s *Server) LowerBound() (key string, seconds float64) {
	for _, l := range s.limits {
		if k, secs := l.LowerBound(); secs > seconds {
			key, seconds = k, secs
		}
	}
	return key, seconds
}

// Start serves the estate on 127.0.0.1.
func Start(e *Estate) *Server {
	if e.PageSize <= 0 {
		e.PageSize = 2
	}
	s := &Server{e: e, rnd: rand.New(rand.NewSource(e.Faults.Seed)), limits: map[string]*quota.Limits{"": quota.New(e.Faults.RatePerSecond)}}
	for svc, r := range e.Faults.RatePerService {
		s.limits[svc] = quota.New(r)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Calls returns every call so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// AccessKeyID returns the access key id of an account's base credentials.
func AccessKeyID(account string) string { return "AKIA" + account }

var credential = regexp.MustCompile(`Credential=([A-Z0-9]+)/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request`)

// request is one parsed call.
type request struct {
	r                        *http.Request
	body                     []byte
	account, region, service string
	w                        http.ResponseWriter
	s                        *Server
	code                     string // error code answered
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m := credential.FindStringSubmatch(r.Header.Get("Authorization"))
	if m == nil || !strings.Contains(r.Header.Get("Authorization"), "Signature=") || r.Header.Get("X-Amz-Date") == "" {
		http.Error(w, `{"__type":"MissingAuthenticationTokenException","message":"request is not SigV4-signed"}`, http.StatusForbidden)
		return
	}
	akid := m[1]
	q := &request{r: r, body: body, region: m[2], service: m[3], w: w, s: s}
	if len(akid) >= 16 {
		q.account = akid[len(akid)-12:]
	}
	_ = quota.Delay(r.Context(), s.e.Faults.SlowMillis)
	for _, sw := range s.e.Faults.Slow {
		if sw.Account == q.account && (sw.Region == "*" || sw.Region == q.region) {
			_ = quota.Delay(r.Context(), sw.Millis)
		}
	}
	if s.e.Faults.ResetRate > 0 {
		s.mu.Lock()
		roll := s.rnd.Float64()
		s.mu.Unlock()
		if roll < s.e.Faults.ResetRate {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					if tc, ok := conn.(interface{ SetLinger(int) error }); ok {
						tc.SetLinger(0) // RST, not FIN
					}
					conn.Close()
					s.mu.Lock()
					s.calls = append(s.calls, Call{Account: q.account, Region: q.region, Action: "reset", Code: "ConnectionReset"})
					s.mu.Unlock()
					return
				}
			}
		}
	}
	action, handler := s.route(q)
	status := s.answer(q, action, handler)
	s.mu.Lock()
	s.calls = append(s.calls, Call{Account: q.account, Region: q.region, Service: q.service, Action: action, Status: status, Code: q.code})
	s.mu.Unlock()
}

// answer applies faults, then runs the operation; it returns the status sent.
func (s *Server) answer(q *request, action string, handler func(*request) (any, error)) int {
	if handler == nil {
		return q.fail(&apiError{status: 400, code: "UnknownOperationException", msg: "unknown operation " + action})
	}
	if q.service != "sts" && s.e.account(q.account) == nil {
		return q.fail(&apiError{status: 403, code: "UnrecognizedClientException", msg: "the security token included in the request is invalid"})
	}
	s.mu.Lock()
	roll, roll2 := s.rnd.Float64(), s.rnd.Float64()
	s.mu.Unlock()
	if roll < s.e.Faults.ThrottleRate || s.overRate(q.account, q.region, q.service) {
		return q.fail(throttled(q.service))
	}
	if roll2 < s.e.Faults.ServerErrorRate {
		return q.fail(&apiError{status: 503, code: "ServiceUnavailable", msg: "service unavailable"})
	}
	for _, d := range s.e.Faults.Denied {
		global := q.service == "iam" || q.service == "organizations" || q.service == "sts"
		if d.Account == q.account && (d.Region == q.region || d.Region == "*" || (d.Region == "" && global)) && (d.Service == "" || d.Service == q.service) && q.service != "sts" {
			return q.fail(denied(q.service, action))
		}
	}
	for _, f := range s.e.Faults.FailActions {
		if f.Action == action && (strings.Contains(q.r.URL.Path, f.Match) || strings.Contains(string(q.body), f.Match)) {
			if f.Status >= 500 {
				return q.fail(&apiError{status: f.Status, code: "InternalFailure", msg: "internal failure"})
			}
			return q.fail(denied(q.service, action))
		}
	}
	out, err := handler(q)
	if err != nil {
		return q.fail(err)
	}
	return q.reply(out)
}

// route finds the operation of a request.
func (s *Server) route(q *request) (string, func(*request) (any, error)) {
	switch q.service {
	case "sts", "iam":
		form, _ := url.ParseQuery(string(q.body))
		op := form.Get("Action")
		return q.service + ":" + op, queryOps[q.service+":"+op]
	case "organizations", "sagemaker":
		target := q.r.Header.Get("X-Amz-Target")
		op := target[strings.LastIndex(target, ".")+1:]
		return q.service + ":" + op, jsonOps[q.service+":"+op]
	}
	for _, rt := range restRoutes {
		if rt.service == q.service && rt.method == q.r.Method && rt.path.MatchString(q.r.URL.Path) {
			return rt.action, rt.handler
		}
	}
	return q.service + ":" + q.r.Method + " " + q.r.URL.Path, nil
}

// apiError is an AWS error in the protocol of the service that sends it.
type apiError struct {
	status    int
	code, msg string
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func denied(service, action string) *apiError {
	code := "AccessDeniedException"
	if service == "iam" || service == "sts" {
		code = "AccessDenied"
	}
	return &apiError{status: 403, code: code, msg: "User is not authorized to perform: " + action}
}

func throttled(service string) *apiError {
	switch service {
	case "iam", "sts":
		return &apiError{status: 400, code: "Throttling", msg: "Rate exceeded"}
	case "organizations":
		return &apiError{status: 400, code: "TooManyRequestsException", msg: "AWS Organizations can't complete your request because another request is already in progress"}
	}
	return &apiError{status: 400, code: "ThrottlingException", msg: "Rate exceeded"}
}

func notFound(what string) *apiError {
	return &apiError{status: 404, code: "ResourceNotFoundException", msg: what + " not found"}
}

func (q *request) xml() bool { return q.service == "iam" || q.service == "sts" }

func (q *request) fail(err error) int {
	e, ok := err.(*apiError)
	if !ok {
		e = &apiError{status: 500, code: "InternalFailure", msg: err.Error()}
	}
	q.code = e.code
	if q.xml() {
		q.w.Header().Set("Content-Type", "text/xml")
		q.w.WriteHeader(e.status)
		fmt.Fprintf(q.w, `<ErrorResponse xmlns="https://%s.amazonaws.com/doc/"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>req-1</RequestId></ErrorResponse>`, q.service, e.code, xmlEscape(e.msg))
		return e.status
	}
	q.w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	q.w.Header().Set("X-Amzn-ErrorType", e.code)
	q.w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.msg})
	q.w.Write(b)
	return e.status
}

func (q *request) reply(out any) int {
	if q.xml() {
		q.w.Header().Set("Content-Type", "text/xml")
		q.w.WriteHeader(200)
		io.WriteString(q.w, out.(string))
		return 200
	}
	q.w.Header().Set("Content-Type", "application/json")
	b, err := json.Marshal(out)
	if err != nil {
		return q.fail(err)
	}
	q.w.WriteHeader(200)
	q.w.Write(b)
	return 200
}

// input decodes a JSON request body (JSON 1.1 and REST-JSON POSTs).
func (q *request) input() map[string]any {
	m := map[string]any{}
	_ = json.Unmarshal(q.body, &m)
	return m
}

func (q *request) str(key string) string {
	if v, ok := q.input()[key].(string); ok {
		return v
	}
	return q.r.URL.Query().Get(key)
}

func (q *request) acct() *Account { return q.s.e.account(q.account) }

// regionData is the account's data in the request's region; nil when the
// account does not use the region.
func (q *request) regionData() *Region {
	a := q.acct()
	if a == nil || a.Regions == nil {
		return nil
	}
	return a.Regions[q.region]
}

// page returns one page of n items starting at the token's index and the
// next token ("" on the last page).
func page(n, size int, token string) (int, int, string) {
	start, _ := strconv.Atoi(token)
	if start < 0 || start > n {
		start = n
	}
	end := min(start+size, n)
	next := ""
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next
}

func pageOf[T any](q *request, items []T, tokenKey string) ([]T, string) {
	start, end, next := page(len(items), q.s.e.PageSize, q.str(tokenKey))
	return items[start:end], next
}

func arn(service, region, account, resource string) string {
	return "arn:aws:" + service + ":" + region + ":" + account + ":" + resource
}

func roleARN(account, name string) string {
	if name == "" || strings.HasPrefix(name, "arn:") {
		return name
	}
	return "arn:aws:iam::" + account + ":role/" + name
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")
	return r.Replace(s)
}
